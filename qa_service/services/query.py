"""The question as the services read it, built once per request.

Normalisation, the follow-up rewrite, the language and diacritics checks, the English glossary expansion
and the routing by a document number named in the question all happen here, once; retrieval, the
extractive answer and the generative answer read the result instead of re-deriving it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa_service.components.intents import IntentClassifier, IntentKind, QuestionReaders
from qa_service.components.lexical import WordSegmenter, lexical_tokens
from qa_service.components.protocols import DocumentReader
from qa_service.references import REFERENCE, ref_key
from qa_service.resources import english_terms, expand_abbreviations, msg
from qa_service.services.followup import TurnReader, rewrite
from qa_service.services.intent import Intent, read_intent
from qa_service.services.named import NUMBER_IN_QUESTION as _NUMBER_IN_QUESTION
from qa_service.services.named import Named, resolve
from qa_service.services.sections import content_syllables, label_in_question
from qa_service.text import collapse_ws, has_diacritics, is_vietnamese, nfc

PURPOSE_FRAME = re.compile(r"\b(?:nhằm|với|để)\s+(?:mục đích|làm)\s+gì\b|\bmục đích\s+(?:là\s+)?gì\b", re.IGNORECASE)


def without_frame(text: str) -> str:
    """«Tỉnh đối thoại với doanh nghiệp nhằm mục đích gì?» -> the words of what is asked about: the frame says how it
    is asked («nhằm mục đích gì», «để làm gì»), and a passage holding «mục đích» is not the answer for it."""
    return PURPOSE_FRAME.sub(" ", text)


# «Tỉnh ưu tiên …», «công nghiệp của tỉnh», «trên địa bàn tỉnh», «Ban Tuyên giáo Tỉnh ủy»: the province itself, not
# the provincial level a national law speaks of («Ủy ban nhân dân cấp tỉnh», «các tỉnh»)
PROVINCE_SPOKEN_OF = re.compile(
    r"^\W*tỉnh\b(?!\s+(?:nào|là)\b)|\bcủa\s+tỉnh\b|\bđịa\s+bàn\s+tỉnh\b|\btỉnh\s+(?:ta|nhà)\b"
    r"|\btỉnh\s+[uủ]y\b|\b(?:the|our)\s+province\b",
    re.IGNORECASE,
)


def speaks_of_the_province(text: str) -> bool:
    """The question is about the province's own programme or bodies: a provincial document answers it before a
    national one using the same words."""
    return bool(PROVINCE_SPOKEN_OF.search(text))


@dataclass(frozen=True)
class Query:
    question: str  # as asked, normalised (NFC, whitespace collapsed)
    standalone: str  # a follow-up rewritten against the previous question
    text: str  # what is searched for: the standalone question without a document number that picked the document
    expanded: str  # `text`, plus the glossary's Vietnamese terms for an English question
    vietnamese: bool  # the language of the standalone question: the answer's language
    diacritics: bool  # `text` is typed with Vietnamese diacritics
    doc_ids: list[str] | None = None  # given by the caller, or the document the question's number names
    note: str | None = None  # said before the answer: «văn bản … chưa được nạp»
    cited_ref: str | None = None  # a cited-but-not-loaded document: prefer passages that cite it
    article: str | None = None  # «Điều 15» of the one document in doc_ids, when the question names it
    clause: str | None = None  # its khoản («2»)
    not_loaded: str | None = None  # a document named that is neither loaded nor cited: refused, saying so
    topic_doc_ids: list[str] | None = None  # a follow-up: the document the conversation is about, preferred
    excluded_doc_ids: tuple[str, ...] = ()  # «… ngoài Luật Đầu tư?»: documents the question leaves out
    # where in `text` the words that named the document by its title or type and subject are («Quyết định quy định mức
    # hỗ trợ khuyến công địa phương …»): they name the document, not what is asked of it (nor one of its sections)
    document_span: tuple[int, int] | None = None
    intent: Intent = field(default_factory=Intent)  # what is asked for, read once from the question's meaning
    tokens: tuple[str, ...] = ()  # the lexical tokens of `search_words`: the one segmentation of the question
    search_words: str = field(init=False)  # `expanded` without the frame of how it is asked: what BM25 matches
    section_label: str | None = field(init=False)  # «Mục III», «Điều 15» when the question names one
    subject_words: frozenset[str] = field(init=False)  # content syllables of what it is about, matched against headings
    glossary: tuple[str | None, ...] = field(init=False)  # an English question's content words' Vietnamese terms (None: none)

    def __post_init__(self) -> None:
        # read from the searched text once, here (a `replace()` of the query recomputes them from its own text)
        object.__setattr__(self, "search_words", without_frame(self.expanded))
        object.__setattr__(self, "section_label", label_in_question(self.text))
        # an English question's content words are its glossary terms (the document's own words)
        subject = self.text if self.vietnamese else self.expanded[len(self.text) :]
        if self.vietnamese and self.document_span:
            subject = f"{subject[: self.document_span[0]]} {subject[self.document_span[1] :]}"
        object.__setattr__(self, "subject_words", content_syllables(subject))
        words, mapped = english_terms(self.text) if not self.vietnamese else ([], {})
        object.__setattr__(self, "glossary", tuple(mapped.get(w) for w in words))

    @property
    def block(self) -> str | None:
        """«Phần ký» / «Nơi nhận» when the question asks who signed or who received."""
        return self.intent.block

    @property
    def asks_form(self) -> bool:
        """«mẫu đơn đề nghị …»: a form's blanks are the answer."""
        return self.intent.kind is IntentKind.FORM

    @property
    def about_the_province(self) -> bool:
        return speaks_of_the_province(self.standalone)

    @property
    def unaccented_vietnamese(self) -> bool:
        """Vietnamese typed without diacritics: the embedding model reads it poorly, folded lexical tokens do not."""
        return not has_diacritics(self.expanded) and is_vietnamese(self.expanded)


def normalize_question(text: str) -> str:
    return collapse_ws(nfc(text))


def expand_english(text: str) -> str:
    """English question + the glossary's Vietnamese terms: both retrievers then see the corpus's words."""
    if is_vietnamese(text):
        return text
    _, mapped = english_terms(text)
    return f"{text} {' '.join(dict.fromkeys(mapped.values()))}".strip()


def strip_reference(question: str) -> str:
    stripped = REFERENCE.sub(" ", question, count=1)
    return " ".join(stripped.split()) or question


def cited_key(named: Named, registry: DocumentReader) -> str | None:
    """The reference key of a document the question names that is not loaded but is cited by one that is."""
    if not (named.cited_number or named.missing):
        return None
    key = ref_key(named.cited_number, named.missing)
    return key if key in citing_chunks(registry) else None


def citing_chunks(registry: DocumentReader) -> dict[str, list[str]]:
    """Reference key -> the chunks citing it, in the order found: read from every document's references once per
    registry version, not on every question that names a document not loaded (parse, then retrieval, asked it)."""

    def build(r: DocumentReader) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for ref in r.refs():
            if ref.chunk_id and ref.chunk_id not in out.setdefault(ref.key, []):
                out[ref.key].append(ref.chunk_id)
        return out

    return registry.memo("citing_chunks", build)


def in_full(text: str) -> str:
    """A Vietnamese text with its abbreviations written out (an English one as it is)."""
    return expand_abbreviations(text) if is_vietnamese(text) else text


def turn_reader(readers: QuestionReaders | None) -> TurnReader | None:
    """A turn read by meaning: follows up (the follow-up classifier), asks on its own (the asked-kind classifier
    reads a kind of thing in it: «cơ quan nào chủ trì?», «tổng vốn bao nhiêu?»)."""
    if readers is None:
        return None
    return TurnReader(follows_up=readers.follows_up, asks=lambda turn: readers.asked.read(turn).label != "none")


def _tokens(expanded: str, segmenter: WordSegmenter | None) -> tuple[str, ...]:
    """The question's lexical tokens, segmented once; none without a segmenter (code that never searches words)."""
    return tuple(lexical_tokens(without_frame(expanded), segmenter)) if segmenter is not None else ()


def search_query(
    text: str,
    doc_ids: list[str] | None = None,
    registry: DocumentReader | None = None,
    intents: IntentClassifier | None = None,
    segmenter: WordSegmenter | None = None,
) -> Query:
    """A search box query: no history. With the registry, a document or article it names is searched first
    («Điều 15 Luật Đầu tư»); with the classifier, what it asks for is read too (a signer's block, a form)."""
    text = in_full(normalize_question(text))  # «KCN», «DNNVV»: read as the words the documents write
    named = resolve(text, registry, doc_ids) if registry is not None else None
    chosen = doc_ids or ([named.doc_id] if named and named.doc_id else None)
    expanded, vietnamese = expand_english(text), is_vietnamese(text)
    return Query(
        question=text,
        standalone=text,
        text=text,
        expanded=expanded,
        vietnamese=vietnamese,
        diacritics=has_diacritics(text),
        doc_ids=chosen,
        article=named.article if named and chosen and len(chosen) == 1 else None,
        clause=named.clause if named else None,
        intent=read_intent(text, intents, expanded, vietnamese),
        tokens=_tokens(expanded, segmenter),
        cited_ref=cited_key(named, registry) if named and registry is not None and not chosen else None,
        excluded_doc_ids=named.excluded if named and not doc_ids else (),
    )


def parse_question(
    question: str,
    registry: DocumentReader,
    history: list[dict[str, str]] | None = None,
    doc_ids: list[str] | None = None,
    intents: IntentClassifier | None = None,
    segmenter: WordSegmenter | None = None,
    readers: QuestionReaders | None = None,
) -> Query:
    """A question to answer: follow-ups rewritten, a document number resolved to its document, its intent read,
    its words segmented (once: retrieval and the answer read `tokens`). `readers`: the classifiers that read it by
    meaning (what it asks for, the kind of thing its answer holds, whether it follows up); without them only
    `intents` (if given) is read, and a follow-up is known by its marker words."""
    question = normalize_question(question)
    intents = readers.intents if readers is not None else intents
    # «KCN», «DNNVV»: read as the words the documents write, in the earlier turns too, so a follow-up's phrase
    # («còn cụm công nghiệp?») finds its twin in the question before
    turns = [h | {"content": in_full(h.get("content", ""))} if h.get("role") == "user" else h for h in history or []]
    standalone = rewrite(in_full(question), turns or None, turn_reader(readers))
    vietnamese = is_vietnamese(standalone)
    text, note, cited_ref, not_loaded = standalone, None, None, None
    named = resolve(standalone, registry, doc_ids)
    lang = "vi" if vietnamese else "en"
    if named.doc_id and not doc_ids:
        doc_ids = [named.doc_id]
        if _NUMBER_IN_QUESTION.search(named.designator):
            text = strip_reference(standalone)  # the number picked the document; its text does not contain it
    elif not doc_ids and (named.cited_number or named.missing):
        wanted = named.cited_number or named.missing or ""
        if cited_ref := cited_key(named, registry):
            # cited by a loaded document: say so, and quote what that document says about it
            note = msg("refusal", f"not_loaded_{lang}").format(number=wanted)
        else:
            not_loaded = msg("refusal", f"not_loaded_plain_{lang}").format(number=wanted)
    expanded = expand_english(text)
    return Query(
        question=question,
        standalone=standalone,
        text=text,
        expanded=expanded,
        vietnamese=vietnamese,
        diacritics=has_diacritics(text),
        doc_ids=doc_ids or None,
        note=note,
        cited_ref=cited_ref,
        article=named.article if doc_ids and len(doc_ids) == 1 else None,
        clause=named.clause,
        not_loaded=not_loaded,
        intent=read_intent(
            text, intents, expanded, vietnamese, readers.asked if readers is not None else None, named.span if text == standalone else None
        ),
        tokens=_tokens(expanded, segmenter),
        excluded_doc_ids=named.excluded,
        document_span=named.span if text == standalone else None,
    )
