"""An answer composed of the best sentences: the evidence passages, their sentences scored (sentences.py), whether
the evidence answers at all (strength.py) and holds the kind of thing asked for, the quotes checked, then rendered."""

from __future__ import annotations

from qa_service.components.lexical import BM25Index
from qa_service.components.protocols import DocumentReader
from qa_service.labels import META_BLOCKS
from qa_service.models import ScoredChunk
from qa_service.services.answer import render
from qa_service.services.answer.sentences import DIGIT, SentenceCandidate, candidates, choose, coverage
from qa_service.services.answer.strength import strength as evidence_strength
from qa_service.services.asked import AskedKind, is_forecast, subject_share, years_in
from qa_service.services.citations import Citation, Citations, QuoteNotVerified
from qa_service.services.passages import join_chunks
from qa_service.services.query import Query
from qa_service.services.results import AnswerResult
from qa_service.services.untrusted import instruction_like
from qa_service.settings import AnswerSettings


class Composer:
    def __init__(self, registry: DocumentReader, lexical: BM25Index, settings: AnswerSettings) -> None:
        self.registry = registry
        self.lexical = lexical
        self.settings = settings
        self.ev = settings.evidence

    def compose(self, query: Query, hits: list[ScoredChunk], citations: Citations) -> AnswerResult:
        ev = self.ev
        # the question's words (of what is asked about, not of how: `search_words`), segmented once in the query
        idf = self.lexical.idf([t for t in query.tokens if not t.startswith("w:") and "_" not in t])
        if self._missing_metadata(query, hits, citations):
            return self._refusal(hits, query, 0.0)
        special = query.block  # the retriever put that block of the best document first
        # «Ai ký…?»: the signature block is the answer, whatever words it shares with the question
        found_special = bool(special and hits and hits[0].chunk.citation_label == special)
        evidence = hits[:1] if found_special else [h for h in hits[: ev.passages] if h.chunk.citation_label not in META_BLOCKS]
        found = candidates(query, [self._continued(h) for h in evidence], idf, self.settings)
        strength = evidence_strength(query, hits, idf, ev)
        if query.intent.figure and found and not DIGIT.search(found[0].text):
            strength *= ev.figure_missing_strength_factor  # asked for a figure, and the best evidence holds none
        if found_special or query.note:
            strength = max(strength, 1.0)
        if query.vietnamese and query.diacritics and not (found_special or query.note):
            # «bao nhiêu tỷ đồng?», «số điện thoại?», «năm 2023?»: only a sentence holding that, for this subject;
            # checked first, so a refusal can say what the documents do not state
            kind, years = query.intent.asked, set(query.intent.years)
            if kind or years:
                found = [c for c in found if self._holds(query, c, kind, years, idf)]
                if not found:
                    return self._refusal(hits, query, strength, render.missing(query, kind, years))
        if not found or strength < self.settings.refuse_below:
            return self._refusal(hits, query, strength)
        # a sentence that reads as an instruction to a model gives way to one that answers as well; when none does,
        # it is quoted as what the document says (the lead then only says where), never said in our own words
        plain = [c for c in found if not instruction_like(c.text)]
        if plain and plain[0].coverage >= ev.follow_coverage * found[0].coverage:
            found = plain
        cited, lead = self._cite(query, hits, found, citations)
        if not cited:
            return self._refusal(hits, query, strength)
        text = render.render(cited, query, citations, idf, lead or cited[0], ev.min_sentence_chars)
        return AnswerResult(text, True, cited, strength=strength, note=query.note)

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

    def _holds(self, query: Query, cand: SentenceCandidate, kind: AskedKind | None, years: set[str], idf: dict[str, float]) -> bool:
        """The sentence holds the kind of thing asked for, of the years asked about, about the question's subject."""
        text = cand.text
        if kind and not kind.evidence.search(text):
            return False
        headed = " ".join(cand.chunk.section_path[-1:]) + " " + text
        if years and not years & years_in(" ".join(cand.chunk.section_path) + " " + text):
            return False
        if years and query.intent.result_asked and is_forecast(headed):
            return False
        if kind is None:
            # a year asked for: the sentence or its heading names it, and together they hold what is asked about
            # that year (the year itself and «năm» prove nothing: «dịch Covid-19 … trong năm 2023» is not a result)
            topic = {t: v for t, v in idf.items() if t not in years and t != "nam"}
            return coverage(topic, headed) >= self.ev.asked_year_coverage
        return subject_share(query.intent.subject_pairs, text) >= self.ev.asked_subject_share

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

    def _refusal(self, hits: list[ScoredChunk], query: Query, strength: float, what: str | None = None) -> AnswerResult:
        return render.refusal(hits, query, strength, self.ev.suggestions, what)
