"""Extractive answers with verified citations (the default; needs no LLM).

Pick the sentences or bullets that answer, quote them verbatim, and point
each quote at its chunk. Every quote is checked by code to occur in its
chunk's text; a quote that fails is dropped, and an answer left without
quotes is not returned as an answer. Weak evidence -> refusal with the
nearest passages as suggestions.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from qa_service.components.bundle import Components
from qa_service.components.lexical import lexical_tokens
from qa_service.models import Chunk, ScoredChunk
from qa_service.references import NUMBER, normalize_number
from qa_service.resources import english_terms, msg
from qa_service.services.followup import rewrite
from qa_service.services.retrieval import HybridRetriever, expand_english, normalize_query
from qa_service.text import fold, has_diacritics, is_vietnamese, split_sentences

LIST_QUESTION = re.compile(
    r"\b(những|các)\b.*\b(nào|gì)\b|\bgồm\b|\bliệt kê\b|\bnhiệm vụ\b|\bgiải pháp\b|\bwhich\b|\bwhat are\b|\blist\b",
    re.IGNORECASE,
)
SIGNER_QUESTION = re.compile(r"\bai\b.*\bký\b|\bngười ký\b|\bký\b.*\b(bởi|ai)\b|\bwho signed\b|\bsigned by\b|\bsigner\b", re.IGNORECASE)
RECIPIENT_QUESTION = re.compile(r"\bgửi\s+(tới|đến|cho)\b|\bnơi nhận\b|\bsent to\b|\brecipients?\b", re.IGNORECASE)
DOC_NUMBER_IN_QUESTION = re.compile(rf"\b({NUMBER})\b")
QUANTITY_QUESTION = re.compile(
    r"\bbao nhiêu\b|\bmấy\b|\bbao lâu\b|\bhow (many|much|long)\b|\bwhat (share|percentage|rate)\b|\bbao nhieu\b|\bmay\b.*\bnam\b",
    re.IGNORECASE,
)
METADATA_QUESTION = {
    "issued": re.compile(r"ban hành (vào )?ngày nào|ngày ban hành|ngày ký|when was .* (issued|signed)", re.IGNORECASE),
    "doc_number": re.compile(r"\bsố hiệu\b|\bsố văn bản\b|document number", re.IGNORECASE),
}
DIGIT = re.compile(r"\d")
BULLET_MARK = re.compile(r"^(?:[-–•+]|\d{1,3}\.|[a-zđ]\))\s+")


_REFERENCE = re.compile(
    rf"\b(?:{'|'.join(['Nghị quyết', 'Nghị định', 'Kết luận', 'Kế hoạch', 'Chương trình hành động', 'Chỉ thị', 'Quyết định', 'Thông tư', 'Luật', 'Văn bản'])})?\s*(?:số\s*)?{NUMBER}",
    re.IGNORECASE,
)


def strip_reference(question: str) -> str:
    stripped = _REFERENCE.sub(" ", question, count=1)
    return " ".join(stripped.split()) or question


class QuoteNotVerified(ValueError):
    pass


@dataclass
class Citation:
    n: int
    chunk: Chunk
    quote: str
    label: str
    page: int | None


@dataclass
class Retracted:
    """A generated sentence that failed verification and is not shown."""

    text: str
    reason: str


@dataclass
class AnswerResult:
    answer: str
    answered: bool
    citations: list[Citation]
    suggestions: list[ScoredChunk] = field(default_factory=list)
    standalone_question: str = ""
    strength: float = 0.0
    took_ms: float = 0.0
    hits: list[ScoredChunk] = field(default_factory=list)  # what retrieval returned (the generator's sources)
    note: str | None = None  # said before the answer, e.g. «văn bản … chưa được nạp»
    mode: str = "extractive"
    fallback: bool = False  # generative mode gave way to the extractive answer
    fallback_reason: str | None = None  # no_sources | unverified | misses_question | question_language
    retracted: list[Retracted] = field(default_factory=list)
    first_token_ms: float | None = None
    generation_ms: float | None = None
    generated_sentences: int = 0


@dataclass
class _Candidate:
    hit_rank: int
    chunk: Chunk
    start: int  # offset in chunk.text
    end: int
    score: float


def verify_quote(quote: str, chunk: Chunk) -> None:
    if not quote or quote not in chunk.text:
        raise QuoteNotVerified(f"quote not found in {chunk.chunk_id}")


class ExtractiveAnswerer:
    def __init__(self, components: Components, retriever: HybridRetriever | None = None) -> None:
        self.c = components
        self.retriever = retriever or HybridRetriever(components)

    # -- public ----------------------------------------------------------
    def answer(
        self,
        question: str,
        top_k: int | None = None,
        doc_ids: list[str] | None = None,
        history: list[dict[str, str]] | None = None,
    ) -> AnswerResult:
        started = time.perf_counter()
        settings = self.c.settings
        question = normalize_query(question)
        standalone = rewrite(question, history)
        vietnamese = is_vietnamese(standalone)
        top_k = top_k or settings.retrieval.top_k
        note, routed_ids, restrict_refs = self._cited_document(standalone, doc_ids)
        if routed_ids and not doc_ids:
            # the number picked the document; it is not a word its text will contain
            standalone = strip_reference(standalone)
        doc_ids = routed_ids
        hits = self.retriever.retrieve(standalone, max(top_k, 8), doc_ids)
        query = expand_english(standalone)  # sentence choice measures coverage in Vietnamese words
        if restrict_refs:
            citing = [h for h in hits if restrict_refs in h.chunk.refs]
            hits = citing or hits
        result = self._compose(query, hits, vietnamese, note, standalone)
        result.standalone_question = standalone
        result.hits = hits
        result.took_ms = (time.perf_counter() - started) * 1000
        return result

    # -- cited documents ---------------------------------------------------
    def _cited_document(self, question: str, doc_ids: list[str] | None) -> tuple[str | None, list[str] | None, str | None]:
        """A question naming a document number: answer from it if loaded; else say it is not loaded."""
        m = DOC_NUMBER_IN_QUESTION.search(question)
        if not m or doc_ids:
            return None, doc_ids, None
        wanted = normalize_number(m.group(1))
        for doc in self.c.registry.documents():
            if doc.doc_number and normalize_number(doc.doc_number) == wanted:
                return None, [doc.doc_id], None
        key = "no:" + wanted
        if any(r.key == key for r in self.c.registry.refs()):
            lang = "vi" if is_vietnamese(question) else "en"
            return msg("refusal", f"not_loaded_{lang}").format(number=m.group(1)), None, key
        return None, None, None

    # -- evidence --------------------------------------------------------
    def _compose(
        self, question: str, hits: list[ScoredChunk], vietnamese: bool, note: str | None, original: str = ""
    ) -> AnswerResult:
        answer_settings = self.c.settings.answer
        q_tokens = [t for t in lexical_tokens(question, self.c.segmenter) if not t.startswith("w:") and "_" not in t]
        idf = self.c.lexical.idf(q_tokens)
        special = "Phần ký" if SIGNER_QUESTION.search(question) else "Nơi nhận" if RECIPIENT_QUESTION.search(question) else None
        if special:
            hits = self._section_first(hits, special)
        missing_meta = self._missing_metadata(question, hits)
        if missing_meta:
            return self._refusal(hits, vietnamese, 0.0)
        found_special = bool(special and hits and hits[0].chunk.citation_label == special)
        # «Ai ký…?»: the signature block is the answer, whatever words it shares with the question
        quantity = bool(QUANTITY_QUESTION.search(original or question))
        candidates = self._candidates(hits[:1] if found_special else hits[:5], idf, quantity)
        strength = self._strength(hits, idf, vietnamese, original or question)
        if quantity and candidates and not DIGIT.search(candidates[0].chunk.text[candidates[0].start : candidates[0].end]):
            strength *= 0.7  # asked for a figure, and the best evidence holds none
        if found_special:
            strength = max(strength, 1.0)
        if note:
            strength = max(strength, 1.0)
        if not candidates or strength < answer_settings.refuse_below:
            return self._refusal(hits, vietnamese, strength)
        chosen = self._choose(question, candidates, hits)
        citations: list[Citation] = []
        for cand in chosen:
            quote = cand.chunk.text[cand.start : cand.end].strip()
            quote = BULLET_MARK.sub("", quote)
            try:
                verify_quote(quote, cand.chunk)
            except QuoteNotVerified:
                continue
            offset = cand.chunk.text.find(quote)
            unit = cand.chunk.unit_at(offset)
            label = unit.label if unit else cand.chunk.citation_label
            page = unit.page if unit and unit.page else cand.chunk.page
            citations.append(Citation(len(citations) + 1, cand.chunk, quote, label, page))
        if not citations:
            return self._refusal(hits, vietnamese, strength)
        text = self._render(citations, vietnamese, note)
        return AnswerResult(text, True, citations, strength=strength, note=note)

    def _section_first(self, hits: list[ScoredChunk], label: str) -> list[ScoredChunk]:
        """«Ai ký…?», «gửi tới đâu?»: the signature block / distribution list of the best document."""
        if not hits:
            return hits
        doc_id = hits[0].chunk.doc_id
        ids = self.c.registry.chunk_ids(doc_id)
        tail = self.c.registry.chunks(ids[-3:])
        match = [c for c in tail.values() if c.citation_label == label]
        if not match:
            return hits
        first = ScoredChunk(chunk=match[0], score=hits[0].score)
        return [first] + [h for h in hits if h.chunk.chunk_id != match[0].chunk_id]

    @staticmethod
    def _coverage(idf: dict[str, float], text: str) -> float:
        total = sum(idf.values())
        if not total:
            return 0.0
        present = {fold(w).lower() for w in re.findall(r"\w+", text)}
        return sum(v for t, v in idf.items() if t in present) / total

    def _strength(self, hits: list[ScoredChunk], idf: dict[str, float], vietnamese: bool, question: str = "") -> float:
        if not hits:
            return 0.0
        dense = max((h.dense_score or 0.0) for h in hits[:3])
        if not vietnamese:
            # cross-language similarities are lower and flatter: judge coverage through the glossary
            dense_norm = min(1.0, max(0.0, (dense - 0.76) / (0.86 - 0.76)))
            words, mapped = english_terms(question)
            if not words:
                return 0.4 * dense_norm
            text = fold(" ".join(h.chunk.text for h in hits[:3])).lower()
            covered = sum(1 for w in words if w in mapped and fold(mapped[w]).lower() in text)
            return 0.6 * covered / len(words) + 0.4 * dense_norm
        dense_norm = min(1.0, max(0.0, (dense - 0.78) / (0.92 - 0.78)))
        coverage = max(self._coverage(idf, " ".join(h.chunk.section_path[-1:]) + " " + h.chunk.text) for h in hits[:3])
        if not has_diacritics(question):
            # typed without diacritics: the embedding similarity is unreliable, the folded words are not
            return 0.85 * coverage + 0.15 * dense_norm
        return 0.6 * coverage + 0.4 * dense_norm

    def _missing_metadata(self, question: str, hits: list[ScoredChunk]) -> bool:
        """«Ban hành ngày nào?» about a document whose date is not stated: say so, don't guess."""
        if not hits:
            return False
        meta = self.c.registry.document(hits[0].chunk.doc_id)
        if meta is None:
            return False
        return any(pattern.search(question) and not getattr(meta, field) for field, pattern in METADATA_QUESTION.items())

    def _candidates(self, hits: list[ScoredChunk], idf: dict[str, float], quantity: bool = False) -> list[_Candidate]:
        out: list[_Candidate] = []
        for rank, hit in enumerate(hits):
            chunk = hit.chunk
            for unit in chunk.units or []:
                u_start, u_end = unit.start - chunk.start, unit.end - chunk.start
                unit_text = chunk.text[u_start:u_end]
                for s, e in split_sentences(unit_text, semicolons=False) or [(0, len(unit_text))]:
                    sentence = unit_text[s:e]
                    if len(sentence.strip()) < 8:
                        continue
                    cov = self._coverage(idf, sentence)
                    prior = 0.45 / (1 + rank)
                    score = cov + prior
                    if quantity and not DIGIT.search(sentence):
                        score *= 0.6  # «bao nhiêu?» is answered by a figure
                    out.append(_Candidate(rank, chunk, u_start + s, u_start + e, score))
        out.sort(key=lambda c: -c.score)
        return out

    def _choose(self, question: str, candidates: list[_Candidate], hits: list[ScoredChunk]) -> list[_Candidate]:
        limit = self.c.settings.answer.max_citations
        best = candidates[0]
        if LIST_QUESTION.search(question):
            # gather the items of the best passage's section, in document order
            same = [c for c in candidates if c.chunk.doc_id == best.chunk.doc_id and c.chunk.section_ids == best.chunk.section_ids]
            firsts: dict[tuple[str, int], _Candidate] = {}
            for cand in same:
                unit = cand.chunk.unit_at(cand.start)
                key = (cand.chunk.chunk_id, unit.start if unit else cand.start)
                if key not in firsts or cand.score > firsts[key].score:
                    firsts[key] = cand
            items = sorted(firsts.values(), key=lambda c: -c.score)[: max(limit, 6)]
            return sorted(items, key=lambda c: (c.chunk.start + c.start))
        chosen = [best]
        for cand in candidates[1:]:
            if len(chosen) >= limit:
                break
            if cand.score < 0.8 * best.score:
                break
            if any(c.chunk.chunk_id == cand.chunk.chunk_id and abs(c.start - cand.start) < 2 for c in chosen):
                continue
            chosen.append(cand)
        return chosen

    def _render(self, citations: list[Citation], vietnamese: bool, note: str | None) -> str:
        lang = "vi" if vietnamese else "en"
        first = citations[0]
        meta = self.c.registry.document(first.chunk.doc_id)
        title = meta.title if meta else first.chunk.doc_id
        if first.label == "Phần ký" and meta and meta.signer:
            lead = msg("answer", f"signer_{lang}").format(
                title=title, signer=meta.signer, position=meta.signer_position or ""
            )
        else:
            key = "list_lead" if len(citations) > 2 else "lead"
            lead = msg("answer", f"{key}_{lang}").format(title=title, label=first.label)
        lines = [note, ""] if note else []
        lines.append(lead)
        lines.append("")
        for cit in citations:
            lines.append(f"- «{cit.quote}» [{cit.n}]" + (f" ({cit.label})" if cit.n > 1 else ""))
        return "\n".join(lines)

    def _refusal(self, hits: list[ScoredChunk], vietnamese: bool, strength: float) -> AnswerResult:
        text = msg("refusal", "vi" if vietnamese else "en")
        return AnswerResult(text, False, [], suggestions=hits[:3], strength=strength)
