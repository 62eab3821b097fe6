"""Sections as first-class answers.

Every heading of a document (Phần/Mục/item, Chương/Điều/khoản) is a section: its label («Mục II.2»), title
(«Quan điểm chỉ đạo»), the span of its heading and of its content, and its child sections. A question that
names a section by its title or label («quan điểm chỉ đạo», «những nhóm nhiệm vụ, giải pháp chủ yếu nào»,
«Mục IV», «Điều 15») is answered from the whole section: its children's headings, or all of its items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qa_service.components.protocols import DocumentReader
from qa_service.labels import Block
from qa_service.models import Chunk, OutlineEntry, ScoredChunk, Unit
from qa_service.resources import stopwords
from qa_service.text import fold, split_sentences

if TYPE_CHECKING:
    from qa_service.services.query import Query
    from qa_service.settings import AnswerSettings

_ENUMERATOR = re.compile(r"^\s*(?:[IVXLC]+|\d{1,3}|[a-zđ])\s*[.)\-–]\s*", re.IGNORECASE)
# «Điều 15. Hình thức…», «Chương II. BẢO ĐẢM ĐẦU TƯ»: the label already says it
# (a consolidated text's footnote mark may be glued to an article's full stop: «Điều 5.3 (được bãi bỏ)»)
_LEGAL_UNIT = re.compile(r"^(?:Điều\s+\d{1,3}[a-zđ]?\.(?:\d{1,3}(?=\s))?|(?:Chương|Mục|Phần)\s+(?:\d{1,3}[a-zđ]?|[IVXLC]+)\.)\s*")
_SYLLABLE = re.compile(r"\w+", re.UNICODE)
_LABEL_IN_QUESTION = re.compile(r"\b(?:mục|phần)\s+([IVXLC]+(?:\.\d{1,2})?(?:\.[a-zđ])?)\b|\b(điều)\s+(\d{1,3}[a-zđ]?)\b", re.IGNORECASE)
# headings that are not content sections; the masthead, «Nơi nhận» and the signature have their own questions
_NOT_CONTENT = {"Tiêu đề", *Block}


@dataclass(frozen=True)
class Section:
    doc_id: str
    label: str  # «Mục II.2», «Điều 15»
    title: str  # «Quan điểm chỉ đạo»: enumerator removed, sentence case
    level: int
    start: int  # the heading's span in the document's cleaned text
    end: int
    stop: int  # where the section's content ends
    children: tuple[str, ...] = ()  # labels of the child sections, in order

    @property
    def where(self) -> str:
        """«Mục II.2 – Quan điểm chỉ đạo»."""
        return f"{self.label} – {self.title}" if self.title and self.title != self.label else self.label


@dataclass
class _Outline:
    sections: list[Section]
    tokens: dict[str, frozenset[str]] = field(default_factory=dict)  # label -> content syllables of the title


def section_title(heading: str) -> str:
    """«III. NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU» -> «Nhiệm vụ và giải pháp chủ yếu»; «a) Mục tiêu tổng quát» -> as is."""
    title = _ENUMERATOR.sub("", _LEGAL_UNIT.sub("", heading.strip().strip("*"))).strip(" .:")
    letters = [c for c in title if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        title = title[:1] + title[1:].lower()
    return title


def content_syllables(text: str) -> frozenset[str]:
    generic = stopwords("section_question")
    return frozenset(s for s in (fold(w).lower() for w in _SYLLABLE.findall(text)) if s not in generic)


def label_in_question(question: str) -> str | None:
    """«… Mục III …» -> «Mục III», «… điều 15 …» -> «Điều 15»: a section named by its label."""
    m = _LABEL_IN_QUESTION.search(question)
    if not m:
        return None
    return f"Mục {m.group(1).upper()}" if m.group(1) else f"Điều {m.group(3)}"


def names_only_document(asked_words: frozenset[str], title: str) -> bool:
    """Every content word the question uses (`Query.subject_words`) is in the document's title (or it uses none
    beside «chương trình», «gồm», «phần»): «Chương trình gồm những phần nào?» asks about the document as a whole,
    «Mục tiêu … gồm những gì?» about one of its parts."""
    return asked_words - stopwords("document_question") <= content_syllables(title)


def build_sections(doc_id: str, outline: list[OutlineEntry], text_length: int) -> list[Section]:
    entries = sorted(outline, key=lambda o: o.start)
    sections: list[Section] = []
    for i, entry in enumerate(entries):
        stop = next((e.start for e in entries[i + 1 :] if e.level <= entry.level), text_length)
        children = tuple(
            e.label for e in entries[i + 1 :] if e.start < stop and e.level == entry.level + 1 and e.label not in _NOT_CONTENT
        )
        sections.append(
            Section(doc_id, entry.label, section_title(entry.title), entry.level, entry.start, entry.end, stop, children)
        )
    return sections


class SectionIndex:
    """Outlines of the loaded documents, read from the registry once per registry version."""

    def __init__(self, registry: DocumentReader) -> None:
        self._registry = registry
        self._version = -1
        self._outlines: dict[str, _Outline] = {}

    def _outline(self, doc_id: str) -> _Outline | None:
        version = self._registry.version()
        if version != self._version:
            self._outlines, self._version = {}, version
        if doc_id not in self._outlines:
            found = self._registry.outline(doc_id)
            if found is None:
                return None
            outline, length = found
            sections = build_sections(doc_id, outline, length)
            self._outlines[doc_id] = _Outline(sections, {s.label: content_syllables(s.title) for s in sections})
        return self._outlines[doc_id]

    def section(self, doc_id: str, label: str) -> Section | None:
        outline = self._outline(doc_id)
        return next((s for s in outline.sections if s.label == label), None) if outline else None

    def all(self, doc_id: str) -> list[Section]:
        outline = self._outline(doc_id)
        return list(outline.sections) if outline else []

    def root(self, doc_id: str, title: str) -> Section | None:
        """The whole document as a section whose children are its top-level parts: «Chương trình gồm những phần
        nào?» is answered by their headings."""
        outline = self._outline(doc_id)
        content = [s for s in outline.sections if s.label not in _NOT_CONTENT] if outline else []
        if not content:
            return None
        top = min(s.level for s in content)
        children = tuple(s.label for s in content if s.level == top)
        return Section(doc_id, title, title, top - 1, 0, 0, max(s.stop for s in content), children) if len(children) > 1 else None

    def named(
        self,
        label: str | None,
        asked: frozenset[str],
        doc_ids: list[str],
        min_title_share: float,
        min_question_share: float,
        min_match: float,
    ) -> Section | None:
        """The section the question is about, named by label («Mục III») or by its title.

        By title: enough of the title's words are in the question (`min_title_share`), the title's words are a
        fair share of the question's (`min_question_share`), and the two shares together (their harmonic mean)
        reach `min_match`: «Quan điểm chỉ đạo của Chương trình là gì?» names Mục II.2; «Mục tiêu tỷ trọng công
        nghiệp trong GRDP?» does not name «Mục tiêu». `label` and `asked`: `Query.section_label` and
        `Query.subject_words`."""
        if label:
            for doc_id in doc_ids:
                found = self.section(doc_id, label)
                if found is not None:
                    return found
        if not asked:
            return None
        # ties go to the earlier document (the one leaned to, else the better ranked), then to the deeper section
        best: tuple[float, int, int, Section] | None = None
        for doc_rank, doc_id in enumerate(doc_ids):
            outline = self._outline(doc_id)
            for section in outline.sections if outline else []:
                title = outline.tokens[section.label] if outline else frozenset()
                shared = len(title & asked)
                if section.label in _NOT_CONTENT or shared < 2:
                    continue
                title_share, question_share = shared / len(title), shared / len(asked)
                if title_share < min_title_share or question_share < min_question_share:
                    continue
                # both shares at once: a long heading half-named by a question that is all about it still counts
                score = 2 * title_share * question_share / (title_share + question_share)
                if score < min_match:
                    continue
                if best is None or (score, -doc_rank, section.level) > best[:3]:
                    best = (score, -doc_rank, section.level, section)
        return best[3] if best else None

    def child_headings(self, section: Section, limit: int) -> list[Chunk]:
        """The section's children's headings as citable passages: each is the document's own words at its own
        offsets. The document's text is read once for all of them."""
        children = [c for c in (self.section(section.doc_id, label) for label in section.children[:limit]) if c]
        found = self._registry.document_text(section.doc_id) if children else None
        if found is None:
            return []
        return [self.heading_chunk(child, found[0][child.start : child.end]) for child in children]

    @staticmethod
    def heading_chunk(section: Section, heading: str) -> Chunk:
        return Chunk(
            chunk_id=f"{section.doc_id}#{section.label}",
            doc_id=section.doc_id,
            ordinal=-1,
            text=heading,
            section_path=[heading],
            citation_label=section.label,
            start=section.start,
            end=section.end,
            units=[Unit(label=section.label, start=section.start, end=section.end)],
        )

    def items(self, section: Section, max_chars: int) -> list[tuple[Chunk, int, int]]:
        """The section's own units in order, as (chunk, start, end) spans of chunk.text: a whole unit when it is
        short, else its first sentences up to `max_chars`. A unit split over two chunks is taken once."""
        ids = self._registry.chunk_ids(section.doc_id)
        chunks = [c for c in self._registry.chunks(ids).values() if c.start >= section.end and c.end <= section.stop]
        spans: list[tuple[Chunk, int, int]] = []
        seen: set[str] = set()
        for chunk in sorted(chunks, key=lambda c: c.start):
            for unit in chunk.units:
                if unit.label in seen or not (chunk.start <= unit.start < chunk.end):
                    continue
                seen.add(unit.label)
                a, b = unit.start - chunk.start, min(unit.end, chunk.end) - chunk.start
                end = a
                for _, e in split_sentences(chunk.text[a:b], semicolons=False) or [(0, b - a)]:
                    if end > a and e > max_chars:
                        break
                    end = a + e
                spans.append((chunk, a, end))
        return spans


def asked_section(
    index: SectionIndex, query: Query, hits: list[ScoredChunk], settings: AnswerSettings, leaning: frozenset[str] = frozenset()
) -> Section | None:
    """The section a question names, in the documents of its best passages (or the ones it was asked of): the
    retriever puts its passages first and the answer quotes it whole. Not for «bao nhiêu?»: a figure is answered by
    the sentence that holds it, not by its whole section. The documents retrieval leans to (the province's own) are
    read too, and first, so of two sections named alike («Phần tổ chức thực hiện …»: the programme's Mục IV, a
    decree's Chương IV) theirs is the one; a better-named section elsewhere still wins."""
    if query.intent.figure:
        return None
    docs = query.doc_ids or list(dict.fromkeys([*sorted(leaning), *(h.chunk.doc_id for h in hits[: settings.evidence.passages])]))
    s = settings.sections
    return index.named(query.section_label, query.subject_words, docs, s.min_title_share, s.min_question_share, s.min_match)
