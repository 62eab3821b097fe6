"""Documents and articles a question names: «Điều 25 Bộ luật Lao động», «khoản 2 Điều 15 Luật Đầu tư 2020»,
«Nghị định 31/2021/NĐ-CP», «theo Chương trình». Resolved against the loaded documents' numbers and titles
(one law loaded in several versions: the year asked for, else the newest), so retrieval and the answer can go
straight to that document and that article. A law named but not loaded is said so."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa_service.components.protocols import DocumentReader
from qa_service.models import DocumentMeta
from qa_service.references import DOCUMENT_TYPES, NUMBER, find_refs, normalize_number
from qa_service.resources import stopwords
from qa_service.services.asked import pairs
from qa_service.text import fold

NUMBER_IN_QUESTION = re.compile(rf"\b({NUMBER})\b")
ARTICLE_IN_QUESTION = re.compile(
    r"\b(?:(?:điểm\s+(?P<point>[a-zđ])\s*,?\s+)?khoản\s+(?P<clause>\d{1,3})\s*,?\s+(?:của\s+)?)?điều\s+(?P<article>\d{1,3}[a-zđ]?)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
_BARE_TYPES = frozenset(" ".join(_WORD.findall(fold(kind).lower())) for kind in DOCUMENT_TYPES)
_YEAR = re.compile(r"\b(?:năm\s+)?((?:19|20)\d\d)\b")
_CONSOLIDATED = " (văn bản hợp nhất)"
# a law's name in a question ends before the question's own words («Luật Đất đai | quy định gì?»)
_QUESTION_WORDS = {"quy", "gì", "nào", "thế", "như", "là", "có", "cho", "khi", "hiện", "mới", "sửa", "hướng", "thì", "nói"}
# «theo Chương trình», «Chương trình có những…», «Who signed the action programme?»: the action programme, when one
# is loaded (in English only «the/action programme»: «a support programme for SMEs» is not it)
_PROGRAMME = re.compile(r"\bchương trình\b|\b(?:the|action)\s+program(?:me)?\b", re.IGNORECASE)
# «… ưu đãi gì ngoài Luật Đầu tư?», «trừ Nghị định 31/2021/NĐ-CP», «besides the Investment Law»: the name is what the
# asker already has, not where to look (read on the words as typed: «ngoại» is not «ngoài»)
_EXCLUDING = re.compile(
    r"(?:\bngoài|\btrừ|\bkhác\s+với|\bkhông\s+phải|\bbesides|\bother\s+than|\bexcept(?:\s+for)?|\bapart\s+from|\bbeyond)"
    r"(?:\s+(?:quy\s+định|những|các|của|theo|trong|tại|the|in|of|what))*"
    # «trừ Nghị định 31/2021/NĐ-CP», «ngoài Kế hoạch số 45/KH-UBND»: a number is read after its type's words
    rf"(?:\s+(?:{'|'.join(re.escape(kind) for kind in DOCUMENT_TYPES)}|decree|law|resolution|circular|decision|plan)(?:\s+(?:số|no\.?))?)?\s*$",
    re.IGNORECASE,
)


# «nghị quyết về công nghiệp chế biến nông sản» names the loaded Nghị quyết «về phát triển công nghiệp chế biến nông
# sản đến năm 2030 …» when this many syllable pairs after the type's words run in its title: three pairs are four
# syllables of the title's own subject, more than a type and a common word share by chance
MIN_TITLE_RUN = 3


@dataclass(frozen=True)
class Named:
    doc_id: str | None = None
    designator: str = ""  # the words that named it («Luật Đầu tư 2020», «31/2021/NĐ-CP»)
    article: str | None = None  # «Điều 15»
    clause: str | None = None  # «2» (khoản)
    missing: str | None = None  # a law named but not loaded («Luật Đất đai»)
    excluded: tuple[str, ...] = ()  # documents named as what is not asked about («ngoài Luật Đầu tư»), all versions
    cited_number: str | None = None  # a number named, not loaded (the programme may cite it)
    span: tuple[int, int] | None = None  # the question's characters that named it by its type and subject words


def _year(meta: DocumentMeta) -> int:
    m = re.search(r"/((?:19|20)\d\d)/", meta.doc_number or "") or re.match(r"((?:19|20)\d\d)", meta.issued or "")
    return int(m.group(1)) if m else 0


def _base_title(meta: DocumentMeta) -> str:
    return fold(meta.title.removesuffix(_CONSOLIDATED)).lower()


def _nameable_titles(registry: DocumentReader) -> list[tuple[DocumentMeta, str]]:
    """Each document with its title as a question would spell it (folded, two to 80 characters' worth of words):
    folded once per registry version, not for every document on every question (413 titles cost ~70 ms a
    question)."""
    titled = ((meta, " ".join(_WORD.findall(_base_title(meta)))) for meta in registry.documents())
    # a title that is only its type («Quyết định», «Thông tư»: a heading not read) names no document: «quyết định
    # đầu tư ra nước ngoài» is not Quyết định 372/QĐ-BTC
    return [(meta, title) for meta, title in titled if len(title.split()) >= 2 and len(title) <= 80 and title not in _BARE_TYPES]


def _excluding(question: str, start: int) -> bool:
    """The words before a name, up to `start` (a character offset of the question), say it is left out."""
    return bool(_EXCLUDING.search(question[:start]))


def _title_span(question: str, title: str) -> tuple[int, int]:
    """Where a folded title is in the question as typed (the question's words folded one by one)."""
    words = list(_WORD.finditer(question))
    folded = [fold(w.group(0)).lower() for w in words]
    wanted = title.split()
    for i in range(len(folded) - len(wanted) + 1):
        if folded[i : i + len(wanted)] == wanted:
            return words[i].start(), words[i + len(wanted) - 1].end()
    return len(question), len(question)


def _by_title(question: str, titled: list[tuple[DocumentMeta, str]]) -> tuple[list[DocumentMeta], str]:
    """Loaded documents whose title the question says («… Luật Đầu tư …»): the longest title wins."""
    asked = " " + " ".join(_WORD.findall(fold(question).lower())) + " "
    best: list[DocumentMeta] = []
    best_title = ""
    for meta, title in titled:
        if f" {title} " not in asked:
            continue
        if len(title) > len(best_title):
            best, best_title = [meta], title
        elif title == best_title:
            best.append(meta)
    return best, best_title


_Titled = tuple[DocumentMeta, list[str], frozenset[str], frozenset[str]]


def _typed_titles(registry: DocumentReader) -> list[_Titled]:
    """Each document with its type's words (folded), its title's syllable pairs and its title's syllables (folded);
    built once per registry version."""
    return [
        (meta, _WORD.findall(fold(meta.doc_type).lower()), frozenset(pairs(meta.title)), frozenset(_WORD.findall(fold(meta.title).lower())))
        for meta in registry.documents()
        if meta.doc_type and meta.title
    ]


def _title_run(after: list[str], title: frozenset[str], syllables: frozenset[str] = frozenset()) -> tuple[int, int]:
    """How many of the question's syllable pairs, from the first word after a document type on, the title holds in a
    row (a pair with a function word, «về», «và», neither counts nor breaks the run); with how many words of `after`
    the run takes. A name said shorter than the title («tờ trình kinh phí khuyến công năm 2025» of «Tờ trình về việc
    phê duyệt kinh phí hỗ trợ các đề án khuyến công địa phương năm 2025») runs as far as its syllables are all the
    title's, one of its pairs at least the title's own: one pair fewer than its syllables, less one for the gaps."""
    stop = stopwords("section_question")
    run = taken = 0
    for i, (a, b) in enumerate(zip(after, after[1:], strict=False)):
        if a in stop or b in stop or any(c.isdigit() for c in a + b):
            continue
        if f"{a}_{b}" not in title:
            break
        run, taken = run + 1, i + 2
    said = held = 0
    for i, word in enumerate(after):
        if word in stop or word.isdigit() and word in syllables:
            held = i + 1 if word.isdigit() else held  # the title's year is part of the name said
            continue
        if word not in syllables:
            break
        said, held = said + 1, i + 1
    shorter = said - 2 if any(f"{a}_{b}" in title for a, b in zip(after[:held], after[1:held], strict=False)) else 0
    return (shorter, held) if shorter > run else (run, taken)


def _by_type_and_subject(question: str, registry: DocumentReader) -> tuple[list[DocumentMeta], tuple[int, int]]:
    """The loaded documents a question names by their type and the words of their subject, not their whole title
    («thực hiện nghị quyết về công nghiệp chế biến nông sản», «quyết định về khuyến công địa phương»): the ones of that
    type whose title runs longest with the words after the type, at least MIN_TITLE_RUN pairs; with the span of the
    question (character offsets) from the type's first word to the run's last."""
    found = list(_WORD.finditer(question))
    words = [fold(w.group(0)).lower() for w in found]
    runs: dict[str, tuple[int, DocumentMeta, tuple[int, int]]] = {}
    for meta, type_words, title, syllables in registry.memo("typed_titles", _typed_titles):
        n = len(type_words)
        for i in range(len(words) - n + 1):
            if words[i : i + n] == type_words:
                run, taken = _title_run(words[i + n : i + n + 12], title, syllables)
                if run >= MIN_TITLE_RUN and run > runs.get(meta.doc_id, (0,))[0]:
                    runs[meta.doc_id] = (run, meta, (found[i].start(), found[i + n + taken - 1].end()))
    if not runs:
        return [], (len(question), len(question))
    best = max(r[0] for r in runs.values())
    top = [r for r in runs.values() if r[0] == best]
    return [meta for _, meta, _ in top], min(span for _, _, span in top)


def _pick_version(candidates: list[DocumentMeta], question: str) -> DocumentMeta:
    """One law in several versions: the one of the year asked for, else the newest; the original before a
    consolidated text of the same year."""
    years = {int(y) for y in _YEAR.findall(question)}
    asked = [m for m in candidates if _year(m) in years]
    pool = asked or candidates
    return max(pool, key=lambda m: (_year(m), not m.title.endswith(_CONSOLIDATED)))


def _take_name(words: list[str]) -> list[str]:
    kept: list[str] = []
    for word in words:
        if kept and word.lower() in _QUESTION_WORDS:
            break
        kept.append(word)
    return kept


def _by_number(registry: DocumentReader) -> dict[str, str]:
    """Normalised document number -> the first document (by id) that bears it; built once per registry version."""
    out: dict[str, str] = {}
    for d in registry.documents():
        if d.doc_number:
            out.setdefault(normalize_number(d.doc_number), d.doc_id)
    return out


def resolve(question: str, registry: DocumentReader, doc_ids: list[str] | None = None) -> Named:
    """What the question names. With `doc_ids` given, only the article is read (the caller chose the documents)."""
    article_m = ARTICLE_IN_QUESTION.search(question)
    article = f"Điều {article_m.group('article')}" if article_m else None
    clause = article_m.group("clause") if article_m else None
    if doc_ids:
        return Named(article=article if len(doc_ids) == 1 else None, clause=clause, doc_id=doc_ids[0] if len(doc_ids) == 1 else None)
    if m := NUMBER_IN_QUESTION.search(question):
        loaded = registry.memo("by_number", _by_number).get(normalize_number(m.group(1)))
        if _excluding(question, m.start()):
            return Named(excluded=(loaded,) if loaded else ())
        if loaded:
            return Named(loaded, m.group(0), article, clause)
        return Named(designator=m.group(0), article=article, clause=clause, cited_number=m.group(1))
    candidates, title = _by_title(question, registry.memo("nameable_titles", _nameable_titles))
    span = _title_span(question, title) if candidates else None
    if candidates and span and _excluding(question, span[0]):
        return Named(excluded=tuple(m.doc_id for m in candidates))
    if candidates:
        return Named(_pick_version(candidates, question).doc_id, title, article, clause, span=span)
    typed, span = _by_type_and_subject(question, registry)
    if typed and _excluding(question, span[0]):
        return Named(excluded=tuple(m.doc_id for m in typed))
    if len(typed) == 1:
        return Named(typed[0].doc_id, typed[0].title, article, clause, span=span)
    for ref in find_refs(question):
        if ref.kind in ("Luật", "Bộ luật") and ref.title and not _excluding(question, max(question.find(ref.raw), 0)):
            words, n = ref.title.split(), len(ref.kind.split())
            name = _take_name(words[n:])
            if name:
                return Named(designator=ref.raw, article=article, clause=clause, missing=" ".join(words[:n] + name))
    if _PROGRAMME.search(question):
        documents = registry.documents()  # only for a question that names «the programme»
        programmes = [d for d in documents if (d.doc_type or "").startswith("Chương trình")]
        if len(programmes) == 1 and len(documents) > 1:
            return Named(programmes[0].doc_id, "Chương trình", article, clause)
    return Named(article=article, clause=clause)
