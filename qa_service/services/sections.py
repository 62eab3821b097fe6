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

import numpy as np

from qa_service.components.protocols import DocumentReader
from qa_service.labels import Block
from qa_service.models import Chunk, OutlineEntry, ScoredChunk, Unit
from qa_service.resources import stopwords
from qa_service.services.section_naming import (
    AskedAs,
    HeadingCandidate,
    SectionNamingTable,
    load_section_naming,
    naming_features,
)
from qa_service.text import fold, split_sentences

if TYPE_CHECKING:
    from qa_service.components.embedder import Embedder
    from qa_service.services.query import Query
    from qa_service.settings import AnswerSettings

_ENUMERATOR = re.compile(r"^\s*(?:[IVXLC]+|\d{1,3}|[a-zđ])\s*[.)\-–]\s*", re.IGNORECASE)
# «Điều 15. Hình thức…», «Chương II. BẢO ĐẢM ĐẦU TƯ»: the label already says it
# (a consolidated text's footnote mark may be glued to an article's full stop: «Điều 5.3 (được bãi bỏ)»)
_LEGAL_UNIT = re.compile(r"^(?:Điều\s+\d{1,3}[a-zđ]?\.(?:\d{1,3}(?=\s))?|(?:Chương|Mục|Phần)\s+(?:\d{1,3}[a-zđ]?|[IVXLC]+)\.)\s*")
_SYLLABLE = re.compile(r"\w+", re.UNICODE)
_CLAUSE_BREAK = re.compile(r"[,;:]|\s+và\s+")
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
    headings: dict[bool, list[HeadingCandidate]] = field(default_factory=dict)  # folded? -> headings for naming
    contents: list[str] | None = None  # the content sections' texts, read once when a kind is first asked


def title_clauses(title: str) -> tuple[frozenset[str], ...]:
    """The content syllables of each clause of a heading («Tăng cường công tác quản lý bảo vệ môi trường, bảo đảm an
    ninh trật tự, …»): a question may name a long heading by one of them. Clauses of one syllable say too little."""
    clauses = (content_syllables(part) for part in _CLAUSE_BREAK.split(title))
    return tuple(c for c in clauses if len(c) >= 2)


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

    def _content(self, doc_id: str) -> list[Section]:
        outline = self._outline(doc_id)
        return [s for s in outline.sections if s.label not in _NOT_CONTENT] if outline else []

    def headings(self, doc_id: str, embedder: Embedder, folded: bool = False) -> list[HeadingCandidate]:
        """The content sections' headings as naming candidates, in `_content` order; titles embedded once per
        registry version (as passages: a heading is the document's own words). `folded`: the titles typed without
        diacritics, what a question typed so is compared with (the model reads like with like far better)."""
        outline = self._outline(doc_id)
        if outline is None:
            return []
        if folded not in outline.headings:
            content = self._content(doc_id)
            titles = [fold(s.title) if folded else s.title for s in content]
            vectors = embedder.embed_batch(titles) if titles else np.zeros((0, 1))
            vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
            meta = self._registry.document(doc_id)
            document = content_syllables(meta.title) if meta else frozenset()
            outline.headings[folded] = [
                HeadingCandidate(outline.tokens[s.label], title_clauses(s.title), v, document)
                for s, v in zip(content, vectors, strict=True)
            ]
        return outline.headings[folded]

    def _contents(self, doc_id: str) -> list[str]:
        """The content sections' texts (heading excluded), in `_content` order: read when a kind is first asked, then
        kept with the outline (until the registry's version changes)."""
        outline = self._outline(doc_id)
        if outline is None:
            return []
        if outline.contents is None:
            found = self._registry.document_text(doc_id)
            outline.contents = [found[0][s.end : s.stop] if found else "" for s in self._content(doc_id)]
        return outline.contents

    def candidates(
        self, asked: AskedAs, question: np.ndarray, doc_ids: list[str], embedder: Embedder
    ) -> list[tuple[Section, int, dict[str, float]]]:
        """Every content section of `doc_ids` with its document's rank and its naming features."""
        sections = [(s, rank) for rank, doc_id in enumerate(doc_ids) for s in self._content(doc_id)]
        headings = [h for doc_id in doc_ids for h in self.headings(doc_id, embedder, folded=asked.unaccented)]
        contents = [self._contents(doc_id) for doc_id in doc_ids] if asked.kind is not None else []
        texts = [t for part in contents for t in part] if contents else [""] * len(sections)
        features = naming_features(asked, question / max(float(np.linalg.norm(question)), 1e-12), headings, texts)
        return [(s, rank, f) for (s, rank), f in zip(sections, features, strict=True)]

    def named(
        self, query: Query, doc_ids: list[str], embedder: Embedder, table: SectionNamingTable | None = None
    ) -> Section | None:
        """The section the question is about: named by its label («Mục III», `Query.section_label`), else the
        candidate whose naming probability is highest and reaches the table's threshold (section_naming.py)."""
        if query.section_label:
            for doc_id in doc_ids:
                found = self.section(doc_id, query.section_label)
                if found is not None:
                    return found
        asked = asked_as(query)
        if not asked.words:
            return None
        table = table or load_section_naming()
        question = embedder.embed_query(query.expanded)
        # ties go to the earlier document (the one leaned to, else the better ranked), then to the deeper section
        best: tuple[float, int, int, Section] | None = None
        for section, doc_rank, values in self.candidates(asked, question, doc_ids, embedder):
            p, _ = table.probability(values)
            if p >= table.threshold and (best is None or (p, -doc_rank, section.level) > best[:3]):
                best = (p, -doc_rank, section.level, section)
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


def asked_as(query: Query) -> AskedAs:
    i = query.intent
    return AskedAs(query.subject_words, i.figure, i.asked, i.asked_unit, query.unaccented_vietnamese)


def asked_section(
    index: SectionIndex,
    query: Query,
    hits: list[ScoredChunk],
    settings: AnswerSettings,
    embedder: Embedder,
    leaning: frozenset[str] = frozenset(),
) -> Section | None:
    """The section a question names, in the documents of its best passages (or the ones it was asked of): the
    retriever puts its passages first and the answer quotes it whole. A figure asked for («bao nhiêu?») weighs against
    naming one (it is answered by the sentence that holds it): a feature of the fitted table, not a rule. The
    documents retrieval leans to (the province's own) are read too, and first, so of two sections named alike («Phần
    tổ chức thực hiện …»: the programme's Mục IV, a decree's Chương IV) theirs is the one."""
    docs = query.doc_ids or list(dict.fromkeys([*sorted(leaning), *(h.chunk.doc_id for h in hits[: settings.evidence.passages])]))
    table = load_section_naming().with_weights(settings.sections.naming_weights)
    return index.named(query, docs, embedder, table)
