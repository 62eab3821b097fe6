"""An answer composed of the best sentences: the evidence passages, their sentences scored (sentences.py), whether
the evidence answers at all (strength.py) and holds the kind of thing asked for, the quotes checked, then rendered."""

from __future__ import annotations

import re

from qa_service.components.lexical import BM25Index, folded_tokens
from qa_service.components.protocols import DocumentReader
from qa_service.components.untrusted import InstructionReader, known_instruction
from qa_service.labels import META_BLOCKS
from qa_service.models import ScoredChunk
from qa_service.resources import msg
from qa_service.services.answer import render
from qa_service.services.answer.named_back import Span, named_paragraphs
from qa_service.services.answer.sentences import DIGIT, SentenceCandidate, candidates, choose, coverage, last_sentence
from qa_service.services.answer.strength import load_answerability, passage_signals
from qa_service.services.asked import is_forecast, pairs, period_years, subject_share, year_parts, year_spans
from qa_service.services.citations import Citation, Citations, QuoteNotVerified
from qa_service.services.entities import documents_naming
from qa_service.services.passages import join_chunks
from qa_service.services.query import Query
from qa_service.services.results import AnswerResult
from qa_service.settings import AnswerSettings

# «năm 2024» in a title, not «đến năm 2030» nor a span «2021-2025»
TITLE_YEAR = re.compile(r"(?<!đến )\bnăm\s+((?:19|20)\d\d)\b(?!\s*[-–]\s*\d)", re.IGNORECASE)

# a sentence written as an instruction to a model can echo the question word for word: against a plain sentence
# its coverage counts this share
INSTRUCTION_COVERAGE = 0.5
# how much of the document before a chunk is read for its last sentence
BEFORE_CHARS = 2000
# rounds of reading the lead and first quote by meaning, each dropping what the one before found
SCREEN_ROUNDS = 3


class Composer:
    def __init__(self, registry: DocumentReader, lexical: BM25Index, settings: AnswerSettings, instructions: InstructionReader) -> None:
        self.registry = registry
        self.lexical = lexical
        self.settings = settings
        self.ev = settings.evidence
        self.instructions = instructions

    def compose(self, query: Query, hits: list[ScoredChunk], citations: Citations) -> AnswerResult:
        ev = self.ev
        idf, placed = self.question_idf(query, hits)
        if self._missing_metadata(query, hits, citations):
            return self._refusal(hits, query, 0.0)
        special = query.block  # the retriever put that block of the best document first
        # «Ai ký…?»: the signature block is the answer, whatever words it shares with the question
        found_special = bool(special and hits and hits[0].chunk.citation_label == special)
        found = self._found(query, hits, idf, found_special)
        if found and not found_special and (unnamed := self._unnamed(query, found[0].chunk.doc_id)):
            # «… bao nhiêu đề án cho thành phố Phú Quốc?» of a submission that never names it: its figures are not about it
            text = msg("refusal", f"not_named_in_{render.lang(query)}").format(title=citations.title(found[0].chunk.doc_id), name=", ".join(unnamed))
            return AnswerResult(text, False, [], suggestions=hits[: ev.suggestions], strength=0.0)
        kind, years = query.intent.asked, set(query.intent.years)
        if years and not (found_special or query.note):
            # «năm 2023?»: only a sentence (with its headings) of that year, holding what is asked about that year
            found = [c for c in found if self._of_years(query, c, years, idf)]
            if not found:
                return self._refusal(hits, query, 0.0, render.missing(query, kind, years))
        held = [c for c in found if kind.holds(c.text, query.intent.asked_unit)] if kind else found
        values = passage_signals(query, hits, idf, ev) | self._sentence_signals(query, found, held, placed)
        strength, contributions = load_answerability().probability(values)
        if found_special or query.note:
            strength = 1.0
        elif not found or strength < load_answerability().threshold:
            # «bao nhiêu tỷ đồng?», «số điện thoại?»: the refusal says what the documents do not state
            what = render.missing(query, kind, years) if kind else None
            return self._refusal(hits, query, strength, what, values | {f"{k}:contribution": v for k, v in contributions.items()})
        found = self._without_instructions(query, found)
        cited, lead = self._cite(query, hits, found, citations)
        if not cited:
            return self._refusal(hits, query, strength)
        text = render.render(cited, query, citations, idf, lead or cited[0], ev.min_sentence_chars, self.instructions)
        return AnswerResult(text, True, cited, strength=strength, note=query.note, answerability=values)

    def question_idf(self, query: Query, hits: list[ScoredChunk]) -> tuple[dict[str, float], frozenset[str]]:
        """The question's words (of what is asked about, not of how: `search_words`, segmented once in the query) with
        their idf, less the words that place the answer's own document («huyện Giồng Riềng» in its issuer or title says
        where to look, like a document's number, not what its sentences must restate); and those placing words."""
        idf = self.lexical.idf([t for t in query.tokens if not t.startswith("w:") and "_" not in t])
        placed = self._placing_words(query, hits)
        return {t: v for t, v in idf.items() if t not in placed}, placed

    def _found(self, query: Query, hits: list[ScoredChunk], idf: dict[str, float], special: bool) -> list[SentenceCandidate]:
        evidence = hits[:1] if special else [h for h in hits[: self.ev.passages] if h.chunk.citation_label not in META_BLOCKS]
        chunks = [self._continued(h) for h in evidence]
        titled, before = self._title_words(query, evidence), self._before(query, chunks)
        return candidates(query, chunks, idf, self.settings, titled, before, self._named_back({h.chunk.doc_id for h in chunks}))

    def _unnamed(self, query: Query, doc: str) -> list[str]:
        """The bodies and places the question names that the document never mentions, in its text, issuer or title
        (every token of the name among the document's; its words held once per registry version)."""
        if not query.intent.entities:
            return []
        held: dict[str, frozenset[str]] = self.registry.memo("document_tokens", lambda _: {})
        if doc not in held:
            text = self.registry.document_text(doc)
            held[doc] = frozenset(folded_tokens(text[0])) if text else frozenset()
        return [
            e.surface for e in query.intent.entities if not set(e.tokens) <= held[doc] and doc not in documents_naming(self.registry, (e,))
        ]

    def _named_back(self, docs: set[str]) -> dict[str, list[Span]]:
        """Per document, the paragraphs a later one names back (named_back.py), read from its text once per registry
        version, when a question first quotes it."""
        found: dict[str, list[Span]] = self.registry.memo("named_back", lambda _: {})
        for doc in docs - found.keys():
            text = self.registry.document_text(doc)
            found[doc] = named_paragraphs(text[0]) if text else []
        return {doc: found[doc] for doc in docs if found[doc]}

    def _before(self, query: Query, hits: list[ScoredChunk]) -> dict[str, str]:
        """For a question asking one side of a distinction: per chunk, the document's last sentence before it (a
        paragraph opening a chunk with «Nhưng chủ yếu là do: …» turns from it). Read only then: it costs the text."""
        if not query.intent.contrast:
            return {}
        texts = {doc: self.registry.document_text(doc) for doc in {h.chunk.doc_id for h in hits}}
        out = {}
        for hit in hits:
            found = texts.get(hit.chunk.doc_id)
            if found is not None and hit.chunk.start > 0:
                out[hit.chunk.chunk_id] = last_sentence(found[0][max(0, hit.chunk.start - BEFORE_CHARS) : hit.chunk.start])
        return out

    def _title_words(self, query: Query, evidence: list[ScoredChunk]) -> dict[str, frozenset[str]]:
        """Per document the question names by its title, the question's words (folded; a year too: «kế hoạch … năm
        2024» names the plan, it is not a period) that title holds."""
        words = self.registry.memo("title_words", lambda r: {d.doc_id: frozenset(folded_tokens(d.title)) for d in r.documents()})
        asked = frozenset(t for t in query.tokens if not t.startswith("w:") and "_" not in t)
        docs = {h.chunk.doc_id for h in evidence}
        titled = {doc: asked & words.get(doc, frozenset()) for doc in self._named_titles(query, docs)}
        for doc, typed in self._type_words(query, docs).items():
            titled[doc] = titled.get(doc, frozenset()) | (asked & typed)
        return titled

    def _type_words(self, query: Query, docs: set[str]) -> dict[str, frozenset[str]]:
        """Per document of `docs` the question calls by its type («Chương trình nói gì về năng lượng tái tạo?» of a
        Chương trình hành động), that type's words: they say which document, like its title, so a sentence listing
        «nghị quyết, chương trình, kế hoạch» holds nothing more of the question than any other of that document."""
        types = self.registry.memo("type_heads", lambda r: {d.doc_id: _type_head(d.doc_type) for d in r.documents()})
        said = frozenset(folded_tokens(query.text))
        return {doc: frozenset(head.split("_")) for doc in docs if (head := types.get(doc)) and head in said}

    def sentences(self, query: Query, hits: list[ScoredChunk]) -> list[SentenceCandidate]:
        """The scored sentences an ordinary question may quote, of its period (what eval/fit_sentences.py fits the
        sentence table on)."""
        idf, _ = self.question_idf(query, hits)
        found, years = self._found(query, hits, idf, False), set(query.intent.years)
        return [c for c in found if self._of_years(query, c, years, idf)] if years else found

    def _placing_words(self, query: Query, hits: list[ScoredChunk]) -> frozenset[str]:
        """The folded words of the bodies and places the question names that name the best passage's document (in its
        issuer or title)."""
        if not hits or not query.intent.entities:
            return frozenset()
        doc = hits[0].chunk.doc_id
        naming = [e for e in query.intent.entities if doc in documents_naming(self.registry, (e,))]
        return frozenset(t for e in naming for t in folded_tokens(e.surface))

    def _without_instructions(self, query: Query, found: list[SentenceCandidate]) -> list[SentenceCandidate]:
        """The sentences to quote. One that reads as an instruction to a model (by pattern: any; by meaning: the
        lead and the first quote, each read once) gives way to the plain ones whenever they speak of what was asked,
        even when it echoes the question better; only when nothing else does is it quoted, as what the document
        says (the lead then only says where: render.render), never said in our own words."""
        plain = [c for c in found if not known_instruction(c.text)]
        for _ in range(SCREEN_ROUNDS):
            if not plain:
                break
            heads = list({id(c): c for c in (plain[0], choose(query, plain, self.settings)[0])}.values())
            flagged = {id(c) for c, f in zip(heads, self.instructions.flags([c.text for c in heads]), strict=True) if f}
            if not flagged:
                break
            plain = [c for c in plain if id(c) not in flagged]
        else:  # instruction after instruction: read all that is left at once
            plain = [c for c, f in zip(plain, self.instructions.flags([c.text for c in plain]), strict=True) if not f]
        if len(plain) == len(found):
            return found
        if plain and plain[0].coverage >= self.ev.follow_coverage * INSTRUCTION_COVERAGE * found[0].coverage:
            return plain
        return found

    def _named_titles(self, query: Query, docs: set[str]) -> dict[str, frozenset[str]]:
        """The syllable pairs the question shares with the title of a document of `docs` it names by that title («…
        cho kế hoạch phát triển ngành nghề nông thôn và làng nghề năm 2024?»): that document's sentences hold them
        through their document, as they say «kế hoạch», not its whole name."""
        titled = self.registry.memo("title_pairs", lambda r: {d.doc_id: frozenset(pairs(d.title)) for d in r.documents()})
        shared = {doc: query.intent.subject_pairs & titled.get(doc, frozenset()) for doc in docs}
        return {doc: pairs_ for doc, pairs_ in shared.items() if len(pairs_) >= self.ev.title_naming_pairs}

    def _sentence_signals(
        self, query: Query, found: list[SentenceCandidate], held: list[SentenceCandidate], placed: frozenset[str]
    ) -> dict[str, float]:
        """The signals of the question against the sentences that may be quoted: whether one holds the kind of thing
        asked for, and how much of the question's own subject the best such sentence (with the one before it) restates (with its
        document's title, when the question names the document by it)."""
        kind = query.intent.asked
        missing = float(kind is not None and not held)
        asked = query.intent.subject_pairs - placed
        named = self._named_titles(query, {c.chunk.doc_id for c in (held or found)[:5]})
        # the subject may be restated in the sentence before, in the same item: a task's lead body is often named in
        # the item's next sentence («… Phòng Nông nghiệp … chủ trì, phối hợp … thực hiện.»)
        subject = max((subject_share(asked, c.with_previous, named.get(c.chunk.doc_id)) for c in (held or found)[:5]), default=0.0)
        return {
            "kind_asked": float(kind is not None),
            "kind_missing": missing,
            "kind_missing_confidence": missing * query.intent.asked_confidence,
            "subject_share": subject if kind is not None else 1.0,
            "figure_absent": float(query.intent.figure and bool(found) and not DIGIT.search(found[0].text)),
        }

    def _cite(
        self, query: Query, hits: list[ScoredChunk], found: list[SentenceCandidate], citations: Citations
    ) -> tuple[list[Citation], Citation | None]:
        """The chosen sentences as checked citations; the best evidence leads, even when a list is shown in
        document order. A quote that does not occur in its chunk is dropped."""
        cited: list[Citation] = []
        lead: Citation | None = None
        copies = {h.chunk.chunk_id: h.copies for h in hits}
        for cand in choose(query, found, self.settings):
            try:
                cited.append(citations.cite(len(cited) + 1, cand.chunk, cand.text, copies.get(cand.chunk.chunk_id)))
            except QuoteNotVerified:
                continue
            if cand is found[0]:
                lead = cited[-1]
        return cited, lead

    def _of_years(self, query: Query, cand: SentenceCandidate, years: set[str], idf: dict[str, float]) -> bool:
        """The sentence or its headings name a year asked about, and together they hold what is asked about that
        year (the year itself and «năm» prove nothing: «dịch Covid-19 … trong năm 2023» is not a result); a
        forecast does not answer a question about results."""
        headed = " ".join(cand.chunk.section_path[-1:]) + " " + cand.text
        # a sentence under no dated heading is of the year its document's title names («Báo cáo … năm 2023»)
        named = period_years(" ".join(cand.chunk.section_path) + " " + cand.text) or self._title_years(cand.chunk.doc_id)
        if not years & named:
            return False
        if query.intent.year_parts and not query.intent.year_parts & self._parts_of(cand):
            return False
        if query.intent.result_asked and is_forecast(headed):
            return False
        if query.intent.year_spans & year_spans(" ".join(cand.chunk.section_path) + " " + cand.text):
            # «2016-2020 làm được gì?»: a sentence or heading of that very span («Giai đoạn 2016-2020: …») is of it,
            # however the rest of the question is worded
            return True
        if query.intent.asked is not None or not query.vietnamese:
            # what is asked about that year is judged with the kind (subject_share); an English question's words are
            # not the document's, so only the year is checked
            return True
        topic = {t: v for t, v in idf.items() if t not in years and t != "nam"}
        return coverage(topic, headed) >= self.ev.asked_year_coverage

    def _parts_of(self, cand: SentenceCandidate) -> set[str]:
        """The parts of a year the sentence is of: its own, else its headings', else its document title's («Báo cáo
        sơ kết 6 tháng đầu năm 2024»)."""
        titled = self.registry.memo("title_parts", lambda r: {d.doc_id: year_parts(d.title) for d in r.documents()})
        return year_parts(cand.text) or year_parts(" ".join(cand.chunk.section_path)) or set(titled.get(cand.chunk.doc_id, set()))

    def _title_years(self, doc_id: str) -> set[str]:
        """The years a document's title dates it by («Kế hoạch … năm 2024», «Báo cáo … năm 2023 và phương hướng …
        năm 2024»); a period it spans or aims at («giai đoạn 2021-2025, định hướng đến năm 2030») dates no sentence."""
        titled = self.registry.memo("title_years", lambda r: {d.doc_id: set(TITLE_YEAR.findall(d.title)) for d in r.documents()})
        return set(titled.get(doc_id, set()))

    def _continued(self, hit: ScoredChunk) -> ScoredChunk:
        """A chunk that ends inside a sentence («…Thái Bình;») is read on into the next chunk of the same unit, so a
        quote holds the whole sentence («… giải quyết việc làm cho hơn 44.000 lao động»)."""
        chunk = hit.chunk
        if not chunk.units or chunk.text.rstrip()[-1:] not in ";,:":
            return hit
        following = self.registry.next_chunk(chunk.doc_id, chunk.ordinal, chunk.end)
        if following is None or not following.units or following.units[0].label != chunk.units[-1].label:
            return hit
        return hit.model_copy(update={"chunk": join_chunks(chunk, following)})

    def _missing_metadata(self, query: Query, hits: list[ScoredChunk], citations: Citations) -> bool:
        """«Ban hành ngày nào?» about a document whose date is not stated: say so, don't guess."""
        wanted = query.intent.metadata_field
        if not hits or wanted is None:
            return False
        meta = citations.document(hits[0].chunk.doc_id)
        return meta is not None and not getattr(meta, wanted)

    def _refusal(
        self, hits: list[ScoredChunk], query: Query, strength: float, what: str | None = None, answerability: dict[str, float] | None = None
    ) -> AnswerResult:
        result = render.refusal(hits, query, strength, self.ev.suggestions, what)
        result.answerability = answerability
        return result


def _type_head(doc_type: str | None) -> str:
    """The syllable pair a question calls a document of this type by: the first two words of its type («chuong_trinh»
    of «Chương trình hành động»), folded; none for a type of one word («Luật» alone names no document)."""
    return next((t for t in folded_tokens(doc_type or "") if "_" in t), "")
