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
from dataclasses import dataclass

from qa_service.components.bundle import Components
from qa_service.components.intents import IntentKind
from qa_service.components.lexical import lexical_tokens
from qa_service.labels import META_BLOCKS
from qa_service.models import Chunk, ScoredChunk
from qa_service.resources import english_terms, msg
from qa_service.services.asked import AskedKind, forecast_for_result, subject_share, years_in
from qa_service.services.citations import Citation, Citations, QuoteNotVerified
from qa_service.services.passages import join_chunks
from qa_service.services.query import Query, parse_question
from qa_service.services.results import AnswerResult
from qa_service.services.retrieval import Retriever, leaning
from qa_service.services.sections import Section, SectionIndex, asked_section, names_only_document, section_title
from qa_service.services.structured import REFERENCES_QUESTION, StructuredAnswers
from qa_service.services.topic import keep_to_topic
from qa_service.services.untrusted import instruction_like
from qa_service.services.versions import newer_note, replaced_note
from qa_service.text import BULLET_MARK, fold, split_sentences

DIGIT = re.compile(r"\d")
# «những khu, cụm công nghiệp nào …?» (asked for named things): sentences that name several rank higher
PLACE_NAME = re.compile(r"(?<![.:;!?]\s)(?<!^)\b[A-ZÀ-ỸĐ][a-zà-ỹđ]+(?:[ -][A-ZÀ-ỸĐ][a-zà-ỹđ]+)+")
# the distribution list and the signature answer only «gửi tới đâu?» and «ai ký?»
# a sentence that starts with the body it gives work to
ACTOR = re.compile(
    r"(?:Ban|Văn phòng|Sở|Các sở|Ủy ban|UBND|Các huyện|Hội đồng|Người đứng đầu|Mặt trận|Tỉnh ủy|Huyện ủy|Thành ủy|Đảng ủy|"
    r"Bộ|Chính phủ|Thủ tướng)\b"
)
# where a quote can be cut into clauses for the lead: between sentences, and after «;» — unless the «;» separates
# the items of a list announced by a count and a colon («02 khu công nghiệp: Thanh Lộc …; Thuận Yên …»)
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ỸĐ])")
SEMICOLON_BREAK = re.compile(r"(?<=;)\s+")
COUNTED_LIST = re.compile(r"\b\d{1,3}\s+[^\d:;.]{1,40}:\s")
# a figure that answers «bao nhiêu?»: a number that is not just a year
FIGURE = re.compile(r"\d+(?:[.,]\d+)*\s*(?:%|tỷ|triệu|nghìn|lao động|dự án|doanh nghiệp|khu|cụm|ha\b)|\b(?!(?:19|20)\d\d\b)\d+(?:[.,]\d+)*")


@dataclass
class _Candidate:
    hit_rank: int
    chunk: Chunk
    start: int  # offset in chunk.text
    end: int
    score: float
    coverage: float = 0.0  # share of the question's idf mass the sentence holds


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _same_period(asked: frozenset[str], cand: _Candidate) -> bool:
    """False when the question names years and the candidate (with its heading) names only other years."""
    if not asked:
        return True
    text = " ".join(cand.chunk.section_path[-1:]) + " " + cand.chunk.text[cand.start : cand.end]
    named = set(_YEAR.findall(text))
    return not named or bool(asked & named)


_BODY_PREDICATE = re.compile(r"\s+(?:có|phải|cần|chịu|làm|được|là|thực hiện|giữ)\s", re.IGNORECASE)


def _named_body(question: str) -> str | None:
    """«Ban Tuyên giáo Tỉnh ủy có nhiệm vụ gì?» -> «ban tuyen giao tinh uy» (folded), when the question starts with one."""
    if not ACTOR.match(question):
        return None
    m = _BODY_PREDICATE.search(question)
    name = question[: m.start()] if m else ""
    return fold(name).lower().strip() if len(name.split()) >= 2 else None


def _folded(cand: _Candidate) -> str:
    return fold(cand.chunk.text[cand.start : cand.end]).lower()


class ExtractiveAnswerer:
    def __init__(self, components: Components, retriever: Retriever) -> None:
        self.c = components
        self.retriever = retriever
        self.evidence = components.settings.answer.evidence
        self.sections = SectionIndex(components.registry)
        self.structured = StructuredAnswers(components, self.sections)

    # -- public ----------------------------------------------------------
    def answer(
        self,
        question: str,
        top_k: int | None = None,
        doc_ids: list[str] | None = None,
        history: list[dict[str, str]] | None = None,
    ) -> AnswerResult:
        """`top_k`: how many passages are retrieved and weighed (default: settings.retrieval.top_k)."""
        started = time.perf_counter()
        query = keep_to_topic(parse_question(question, self.c.registry, history, doc_ids, self.c.intents), history, self.retriever, self.c.registry)
        hits = self.retriever.retrieve(query, top_k or self.c.settings.retrieval.top_k)
        if query.cited_ref:
            citing = [h for h in hits if query.cited_ref in h.chunk.refs]
            hits = citing or hits
        citations = Citations(self.c.registry)
        if query.not_loaded:  # a document named that is not here: say so, quote nothing in its place
            result: AnswerResult | None = AnswerResult(query.not_loaded, False, [], suggestions=[], strength=0.0)
        elif query.article and query.doc_ids:
            result = self._article(query, query.doc_ids[0], hits, citations)
        else:
            section = self._named_section(query, hits)
            result = self.structured.section(query, section, citations) if section else None
        if result is None and hits and query.vietnamese and (m := REFERENCES_QUESTION.search(query.text)):
            result = self.structured.references(query, hits[0].chunk.doc_id, m.group(1), citations)
        if result is None:
            result = self._compose(query, hits, citations)
        if result.answered and (note := replaced_note(result.citations, query.vietnamese)):
            result.answer = f"{result.answer}\n\n{note}"
        if result.answered and (note := newer_note(result.citations, query.vietnamese)):
            result.answer = f"{result.answer}\n\n{note}"
        if query.excluded_doc_ids:
            result.answer = f"{result.answer}\n\n{self._left_out_note(query)}"
        result.standalone_question = query.text
        result.query = query
        result.hits = hits
        result.took_ms = (time.perf_counter() - started) * 1000
        return result

    def _left_out_note(self, query: Query) -> str:
        metas = [m for m in (self.c.registry.document(d) for d in query.excluded_doc_ids) if m is not None]
        titles = ", ".join(f"{m.title}{' ' + m.doc_number if m.doc_number else ''}" for m in metas)
        return msg("answer", f"left_out_{'vi' if query.vietnamese else 'en'}").format(titles=titles)

    # -- sections --------------------------------------------------------
    def _article(self, query: Query, doc_id: str, hits: list[ScoredChunk], citations: Citations) -> AnswerResult:
        """«Điều 25 Bộ luật Lao động quy định gì?»: the article (or the khoản asked for), whole, each item cited."""
        section = self.sections.section(doc_id, query.article or "")
        result = self.structured.section(query, section, citations, clause=query.clause) if section else None
        if result is None:
            lang = "vi" if query.vietnamese else "en"
            text = msg("refusal", f"article_missing_{lang}").format(title=citations.title(doc_id), article=query.article)
            return AnswerResult(text, False, [], suggestions=hits[: self.evidence.suggestions], strength=0.0)
        return result

    def _named_section(self, query: Query, hits: list[ScoredChunk]) -> Section | None:
        """The section a question names («Quan điểm chỉ đạo …», «những nhóm nhiệm vụ, giải pháp chủ yếu nào»), or
        the whole document's parts when an overview question names nothing but the document."""
        named = asked_section(self.sections, query, hits, self.c.settings.answer, leaning(self.c, query))
        if named is not None or query.intent.kind is not IntentKind.OVERVIEW or not (query.doc_ids or hits):
            return named
        doc_id = query.doc_ids[0] if query.doc_ids else hits[0].chunk.doc_id
        meta = self.c.registry.document(doc_id)
        # an English question's content words are its glossary terms (the document's own words)
        words = query.text if query.vietnamese else query.expanded[len(query.text) :]
        if meta is None or not names_only_document(words, meta.title):
            return None
        return self.sections.root(doc_id, meta.title)

    # -- evidence --------------------------------------------------------
    def _compose(self, query: Query, hits: list[ScoredChunk], citations: Citations) -> AnswerResult:
        ev = self.evidence
        # «… nhằm mục đích gì?»: how the question asks, not what it is about — an answer («… để tháo gỡ khó khăn») need
        # not repeat those words
        asked = query.search_words
        q_tokens = [t for t in lexical_tokens(asked, self.c.segmenter) if not t.startswith("w:") and "_" not in t]
        idf = self.c.lexical.idf(q_tokens)
        special = query.block  # the retriever put that block of the best document first
        if self._missing_metadata(query, hits, citations):
            return self._refusal(hits, query, 0.0)
        found_special = bool(special and hits and hits[0].chunk.citation_label == special)
        # «Ai ký…?»: the signature block is the answer, whatever words it shares with the question
        quantity = query.intent.figure
        evidence = hits[:1] if found_special else [h for h in hits[: ev.passages] if h.chunk.citation_label not in META_BLOCKS]
        evidence = [self._continued(h) for h in evidence]
        candidates = self._candidates(evidence, idf, quantity, query.intent.names)
        strength = self._strength(hits, idf, query)
        if quantity and candidates and not DIGIT.search(candidates[0].chunk.text[candidates[0].start : candidates[0].end]):
            strength *= ev.figure_missing_strength_factor  # asked for a figure, and the best evidence holds none
        if found_special or query.note:
            strength = max(strength, 1.0)
        if query.vietnamese and query.diacritics and not (found_special or query.note):
            # «bao nhiêu tỷ đồng?», «số điện thoại?», «năm 2023?»: only a sentence holding that, for this subject;
            # checked first, so a refusal can say what the documents do not state
            kind, years = query.intent.asked, set(query.intent.years)
            if kind or years:
                candidates = [c for c in candidates if self._holds(query, c, kind, years, idf)]
                if not candidates:
                    return self._refusal(hits, query, strength, self._missing(query, kind, years))
        if not candidates or strength < self.c.settings.answer.refuse_below:
            return self._refusal(hits, query, strength)
        # a sentence that reads as an instruction to a model gives way to one that answers as well; when none does,
        # it is quoted as what the document says (the lead then only says where), never said in our own words
        plain = [c for c in candidates if not instruction_like(c.chunk.text[c.start : c.end])]
        if plain and plain[0].coverage >= ev.follow_coverage * candidates[0].coverage:
            candidates = plain
        cited: list[Citation] = []
        lead: Citation | None = None  # the best evidence leads, even when a list is shown in document order
        copies = {h.chunk.chunk_id: h.copies for h in hits}
        for cand in self._choose(query, candidates):
            try:
                quote = cand.chunk.text[cand.start : cand.end]
                cited.append(citations.cite(len(cited) + 1, cand.chunk, quote, copies.get(cand.chunk.chunk_id)))
            except QuoteNotVerified:
                continue
            if cand is candidates[0]:
                lead = cited[-1]
        if not cited:
            return self._refusal(hits, query, strength)
        text = self._render(cited, query, citations, idf, lead or cited[0])
        return AnswerResult(text, True, cited, strength=strength, note=query.note)

    def _holds(self, query: Query, cand: _Candidate, kind: AskedKind | None, years: set[str], idf: dict[str, float]) -> bool:
        text = cand.chunk.text[cand.start : cand.end]
        if kind and not kind.evidence.search(text):
            return False
        headed = " ".join(cand.chunk.section_path[-1:]) + " " + text
        if years and not years & years_in(" ".join(cand.chunk.section_path) + " " + text):
            return False
        if years and forecast_for_result(query.text, headed):
            return False
        if kind is None:
            # a year asked for: the sentence or its heading names it, and together they hold what is asked about
            # that year (the year itself and «năm» prove nothing: «dịch Covid-19 … trong năm 2023» is not a result)
            topic = {t: v for t, v in idf.items() if t not in years and t != "nam"}
            return self._coverage(topic, headed) >= self.evidence.asked_year_coverage
        return subject_share(query.text, text, kind) >= self.evidence.asked_subject_share

    @staticmethod
    def _missing(query: Query, kind: AskedKind | None, years: set[str]) -> str:
        lang = "vi" if query.vietnamese else "en"
        span = ", ".join(sorted(years))
        if kind:
            what = kind.what_vi if query.vietnamese else kind.what_en
            return f"{what} {msg('refusal', f'for_years_{lang}').format(years=span)}" if years else what
        return str(msg("refusal", f"missing_year_{lang}")).format(years=span)

    def _continued(self, hit: ScoredChunk) -> ScoredChunk:
        """A chunk that ends inside a sentence («…Thái Bình;») is read on into the next chunk of the same unit, so a
        quote holds the whole sentence («… giải quyết việc làm cho hơn 44.000 lao động»)."""
        chunk = hit.chunk
        if not chunk.units or chunk.text.rstrip()[-1:] not in ";,:":
            return hit
        following = self.c.registry.next_chunk(chunk.doc_id, chunk.ordinal, chunk.end)
        if following is None or not following.units or following.units[0].label != chunk.units[-1].label:
            return hit
        return hit.model_copy(update={"chunk": join_chunks(chunk, following)})

    @staticmethod
    def _coverage(idf: dict[str, float], text: str) -> float:
        total = sum(idf.values())
        if not total:
            return 0.0
        present = {fold(w).lower() for w in re.findall(r"\w+", text)}
        return sum(v for t, v in idf.items() if t in present) / total

    @staticmethod
    def _scale(value: float, floor: float, ceiling: float) -> float:
        return min(1.0, max(0.0, (value - floor) / (ceiling - floor)))

    def _strength(self, hits: list[ScoredChunk], idf: dict[str, float], query: Query) -> float:
        ev = self.evidence
        best = hits[: ev.strength_passages]
        if not best:
            return 0.0
        dense = max((h.dense_score or 0.0) for h in best)
        if not query.vietnamese:
            # cross-language similarities are lower and flatter: judge coverage through the glossary
            dense_norm = self._scale(dense, ev.cross_lingual_dense_floor, ev.cross_lingual_dense_ceiling)
            words, mapped = english_terms(query.text)
            if not words:
                return ev.english_dense_only_factor * dense_norm
            text = fold(" ".join(h.chunk.text for h in best)).lower()
            covered = sum(1 for w in words if w in mapped and fold(mapped[w]).lower() in text)
            weight = ev.glossary_coverage_weight
            return weight * covered / len(words) + (1 - weight) * dense_norm
        dense_norm = self._scale(dense, ev.dense_floor, ev.dense_ceiling)
        coverage = max(self._coverage(idf, " ".join(h.chunk.section_path[-1:]) + " " + h.chunk.text) for h in best)
        # typed without diacritics: the embedding similarity is unreliable, the folded words are not
        weight = ev.coverage_weight if query.diacritics else ev.unaccented_coverage_weight
        return weight * coverage + (1 - weight) * dense_norm

    def _missing_metadata(self, query: Query, hits: list[ScoredChunk], citations: Citations) -> bool:
        """«Ban hành ngày nào?» about a document whose date is not stated: say so, don't guess."""
        wanted = query.intent.metadata_field
        if not hits or wanted is None:
            return False
        meta = citations.document(hits[0].chunk.doc_id)
        if meta is None:
            return False
        return not getattr(meta, wanted)

    def _candidates(
        self, hits: list[ScoredChunk], idf: dict[str, float], quantity: bool = False, names: bool = False
    ) -> list[_Candidate]:
        ev = self.evidence
        out: list[_Candidate] = []
        for rank, hit in enumerate(hits):
            chunk = hit.chunk
            for unit in chunk.units or []:
                u_start, u_end = unit.start - chunk.start, unit.end - chunk.start
                unit_text = chunk.text[u_start:u_end]
                sentences = split_sentences(unit_text, semicolons=False) or [(0, len(unit_text))]
                # an item whose first sentence names the body that acts: «Ban cán sự đảng … chỉ đạo …. Chỉ đạo các sở …»
                actor_item = bool(ACTOR.match(BULLET_MARK.sub("", unit_text[sentences[0][0] :])))
                for s, e in sentences:
                    if len(unit_text[s:e].strip()) < ev.min_sentence_chars:
                        continue
                    # a later sentence of such an item is quoted from the item's start, so it keeps its subject
                    if actor_item and s > sentences[0][0] and not ACTOR.match(unit_text[s:e]):
                        s = sentences[0][0]
                    sentence = unit_text[s:e]
                    coverage = self._coverage(idf, sentence)
                    score = coverage + ev.rank_prior / (1 + rank)
                    if quantity and not DIGIT.search(sentence):
                        score *= ev.figure_missing_factor  # «bao nhiêu?» is answered by a figure
                    if names and len(PLACE_NAME.findall(sentence)) >= 2:
                        score += ev.names_bonus
                    out.append(_Candidate(rank, chunk, u_start + s, u_start + e, score, coverage))
        # equal scores: the longer quote first (an item quoted whole beats its first sentence)
        out.sort(key=lambda c: (-c.score, c.start - c.end))
        return out

    def _choose(self, query: Query, candidates: list[_Candidate]) -> list[_Candidate]:
        limit = self.c.settings.answer.max_citations
        best = candidates[0]
        body = _named_body(query.expanded)
        if body and any(body in _folded(c) for c in candidates):
            # «Ban cán sự đảng Ủy ban nhân dân tỉnh có nhiệm vụ gì?»: that body's items, not its neighbours'
            candidates = [c for c in candidates if body in _folded(c)]
            best = candidates[0]
        if query.intent.enumerates:
            # gather the items of the best passage's section, in document order
            same = [c for c in candidates if c.chunk.doc_id == best.chunk.doc_id and c.chunk.section_ids == best.chunk.section_ids]
            firsts: dict[tuple[str, int], _Candidate] = {}
            for cand in same:
                unit = cand.chunk.unit_at(cand.start)
                key = (cand.chunk.chunk_id, unit.start if unit else cand.start)
                if key not in firsts or cand.score > firsts[key].score:
                    firsts[key] = cand
            # items that bear on the question: «Ban Tuyên giáo … có nhiệm vụ gì?» lists that body's items, not the section's
            relevant = [c for c in firsts.values() if c.coverage >= self.evidence.list_floor * best.coverage]
            items = sorted(relevant, key=lambda c: -c.score)[: max(limit, self.evidence.list_items)]
            return sorted(items, key=lambda c: (c.chunk.start + c.start))
        chosen = [best]
        for cand in candidates[1:]:
            if len(chosen) >= limit:
                break
            if cand.score < self.evidence.follow_ratio * best.score:
                break
            if cand.coverage < self.evidence.follow_coverage * best.coverage:
                continue  # ranked close, but holds little of what was asked
            if not _same_period(query.intent.years, cand):
                continue  # «đến 2025?»: a 2030 target is not shown beside the 2025 one
            if any(c.chunk.chunk_id == cand.chunk.chunk_id and abs(c.start - cand.start) < 2 for c in chosen):
                continue
            chosen.append(cand)
        return chosen

    def _render(self, cited: list[Citation], query: Query, citations: Citations, idf: dict[str, float], first: Citation) -> str:
        lang = "vi" if query.vietnamese else "en"
        meta = citations.document(first.chunk.doc_id)
        if first.label == "Phần ký" and meta and meta.signer:
            lead = msg("answer", f"signer_{lang}").format(
                title=first.doc_title, signer=meta.signer, position=meta.signer_position or ""
            )
        elif first.label == "Nơi nhận" and meta and meta.recipients:
            # «gửi đến những nơi nào?»: every recipient, not the clause before the first «;»
            lead = msg("answer", f"recipients_{lang}").format(
                title=first.doc_title, n=len(meta.recipients), recipients="; ".join(meta.recipients)
            )
        elif query.vietnamese and not instruction_like(first.quote):
            # the answer first: the clause of the first quote that best answers, and where it stands
            lead = msg("answer", "clause_vi").format(clause=self._clause(first.quote, idf, query), where=self._where(first))
        elif query.vietnamese:
            # document text that reads as an instruction is never made the answer's own words: it is only quoted
            lead = msg("answer", "states_vi").format(where=self._where(first))
        else:
            key = "list_lead" if len(cited) > 2 else "lead"
            lead = msg("answer", f"{key}_{lang}").format(title=first.doc_title, label=first.label)
        lines = [query.note, ""] if query.note else []
        lines.append(lead)
        lines.append("")
        for cit in cited:
            lines.append(f"- «{cit.quote}» [{cit.n}]" + (f" ({cit.label})" if cit.n > 1 else ""))
        return "\n".join(lines)

    def _clause(self, quote: str, idf: dict[str, float], query: Query) -> str:
        """The piece of `quote` (cut at sentence ends and «;», a counted list kept whole) that covers the question
        best; with a figure when a figure is asked for. Verbatim but for the first letter, so every figure and name
        in it is quoted."""
        clauses = [
            c
            for sentence in SENTENCE_BREAK.split(quote)
            for c in ([sentence] if COUNTED_LIST.search(sentence) else SEMICOLON_BREAK.split(sentence))
        ]
        pieces = [p.strip(" ;:,") for p in clauses if len(p.strip(" ;:,")) >= self.evidence.min_sentence_chars]
        if not pieces:
            return quote
        wants_figure = query.intent.figure
        best = max(pieces, key=lambda p: (bool(FIGURE.search(p)) if wants_figure else True, self._coverage(idf, p)))
        best = best.rstrip(".")
        return best[:1].upper() + best[1:]

    def _where(self, cit: Citation) -> str:
        """«Mục II.3.b, ý 1 – Mục tiêu cụ thể giai đoạn 2021-2025», with the document when several are loaded."""
        heading = section_title(cit.chunk.section_path[-1]) if cit.chunk.section_path else ""
        where = f"{cit.label} – {heading}" if heading and heading not in cit.label else cit.label
        if self.c.registry.document_count() > 1:  # name the document only when there is a choice
            where = f"{cit.doc_number or cit.doc_title}, {where}"
        return where

    def _refusal(self, hits: list[ScoredChunk], query: Query, strength: float, missing: str | None = None) -> AnswerResult:
        lang = "vi" if query.vietnamese else "en"
        text = msg("refusal", f"missing_{lang}").format(what=missing) if missing else msg("refusal", lang)
        return AnswerResult(text, False, [], suggestions=hits[: self.evidence.suggestions], strength=strength)
