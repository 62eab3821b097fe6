"""Hybrid retrieval: dense (Chroma) + lexical (BM25), fused by weighted
reciprocal rank; adjacent hits of one section are merged into one passage."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from qa_service.components.bundle import Components
from qa_service.components.lexical import lexical_tokens
from qa_service.components.registry import Registry
from qa_service.errors import UnknownDocument
from qa_service.labels import group_label
from qa_service.models import Chunk, Copy, ScoredChunk
from qa_service.services.query import FORM_QUESTION, Query, citing_chunks, search_query, without_frame
from qa_service.services.sections import Section, SectionIndex, asked_section
from qa_service.services.versions import newer_versions, replacements
from qa_service.text import normalize_for_match, placeholder_share

WORD = re.compile(r"\w+")
FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
FOOTNOTE_MARK = re.compile(r"\[\d{1,3}\]")
META_BLOCKS = frozenset({"Nơi nhận", "Phần ký"})


class Retriever(Protocol):
    def retrieve(self, query: Query, top_k: int) -> list[ScoredChunk]: ...


@dataclass
class RetrievalModes:
    dense: bool = True
    lexical: bool = True
    merge_neighbours: bool = True


class HybridRetriever:
    def __init__(self, components: Components, modes: RetrievalModes | None = None) -> None:
        self.c = components
        self.modes = modes or RetrievalModes()
        self.sections = SectionIndex(components.registry)

    def search(self, text: str, top_k: int, doc_ids: list[str] | None = None) -> list[ScoredChunk]:
        """A search box query (no history); a document or article it names is searched first."""
        return self.retrieve(search_query(text, doc_ids, self.c.registry), top_k)

    def retrieve(self, query: Query, top_k: int) -> list[ScoredChunk]:
        settings = self.c.settings.retrieval
        self.c.refresh_lexical()
        allowed: set[str] | None = None
        if query.doc_ids:
            known = {d.doc_id for d in self.c.registry.documents()}
            missing = [d for d in query.doc_ids if d not in known]
            if missing:
                raise UnknownDocument(missing)
            allowed = {cid for d in query.doc_ids for cid in self.c.registry.chunk_ids(d)}
        n = max(settings.candidates, top_k * 2)
        # «… ngoài Luật Đầu tư?»: what the asker already has is not the answer; its passages are fetched over and
        # dropped, so a law that fills the candidate lists cannot leave them empty
        left_out = {cid for d in query.excluded_doc_ids for cid in self.c.registry.chunk_ids(d)}
        fetch = n + len(left_out)
        dense: list[tuple[str, float]] = []
        if self.modes.dense:
            vector = self.c.embedder.embed_query(query.expanded)
            dense = [(cid, sc) for cid, sc in self._dense(vector, fetch, query.doc_ids) if cid not in left_out][:n]
        lexical: list[tuple[str, float]] = []
        tokens = lexical_tokens(without_frame(query.expanded), self.c.segmenter) if self.modes.lexical else []
        if self.modes.lexical:
            lexical = [(cid, sc) for cid, sc in self.c.lexical.search(tokens, fetch, allowed) if cid not in left_out][:n]
        # the nearest passages of the whole index, in meaning and in words, before any document's are fetched below
        nearest = (dense[0][1] if dense else None, lexical[0][1] if lexical else 0.0)
        preferred = self._preferred(query)
        if preferred:
            # the documents a boost will favour may have no passage among the candidates at all (the SME law's
            # hundreds of «doanh nghiệp nhỏ và vừa» passages fill both lists): theirs are fetched too, ranked after
            # every candidate of the whole index, so only the boost can lift them
            if self.modes.dense:
                seen = {cid for cid, _ in dense}
                dense += [(cid, sc) for cid, sc in self._dense(vector, n, sorted(preferred)) if cid not in seen]
            if self.modes.lexical:
                seen = {cid for cid, _ in lexical}
                own = {cid for d in preferred for cid in self.c.registry.chunk_ids(d)}
                lexical += [(cid, sc) for cid, sc in self.c.lexical.search(tokens, n, own) if cid not in seen]
        fused: dict[str, dict[str, float]] = {}
        for rank, (cid, score) in enumerate(dense):
            entry = fused.setdefault(cid, {})
            entry["dense_rank"], entry["dense_score"] = rank, score
        for rank, (cid, score) in enumerate(lexical):
            entry = fused.setdefault(cid, {})
            entry["lexical_rank"], entry["lexical_score"] = rank, score
        k = settings.rrf_k
        dense_weight = settings.dense_weight
        if query.unaccented_vietnamese:
            dense_weight *= settings.unaccented_dense_factor
        for entry in fused.values():
            entry["score"] = dense_weight / (k + entry.get("dense_rank", 10_000)) + settings.lexical_weight / (
                k + entry.get("lexical_rank", 10_000)
            )
        if settings.lexical_lead_weight > 0:
            _add_lexical_lead(fused, lexical, settings.lexical_lead_weight / k)
        if settings.document_weight > 0 and self.modes.lexical:
            # which document the question is about, from all of each document's words: a third ranked list
            ranked = self.c.document_lexical.search(tokens, settings.document_top)
            doc_rank = {doc_id: r for r, (doc_id, _) in enumerate(ranked)}
            for cid, entry in fused.items():
                r = doc_rank.get(cid.rsplit(":", 1)[0])
                if r is not None:
                    entry["score"] += settings.document_weight / (k + r)
        if query.topic_doc_ids and not query.doc_ids and settings.topic_boost > 0:
            # a follow-up: the document the conversation is about goes first among passages about as good; a share
            # of the score, not a fixed bonus, so its unrelated passages do not push a relevant one of another aside
            _scale(fused, set(query.topic_doc_ids), 1 + settings.topic_boost)
        if self._about_the_province(query):
            # «Tỉnh ưu tiên lựa chọn những nhà đầu tư nào?»: the province's own documents (issued by its bodies)
            # before national laws using the same words; a factor, so a law still answers what only it says
            _scale(fused, provincial_documents(self.c.registry), 1 + settings.province_boost)
        elif settings.provincial_prior > 0 and not query.doc_ids:
            # any other question leans their way among passages as near in meaning as the nearest (fused ranks are
            # flat: a factor alone would lift a loose passage over one that matches word for word)
            top = max((e.get("dense_score", 0.0) for e in fused.values()), default=0.0)
            top_lex = max((e.get("lexical_score", 0.0) for e in fused.values()), default=0.0)
            near = {
                cid for cid, e in fused.items()
                if ("dense_score" in e and e["dense_score"] >= top - settings.provincial_prior_margin)
                or ("dense_score" not in e and e.get("lexical_score", 0.0) >= settings.provincial_prior_lexical * top_lex)
            }
            _scale(fused, provincial_documents(self.c.registry), 1 + settings.provincial_prior, near)
        # the text in force first: a law its successor has replaced («Luật Đầu tư 2014») gives way, unless asked for
        named = set(query.doc_ids or [])
        replaced = set(replacements(self.c.registry)) - named
        # …and of an act and its consolidated texts, the newest: the original Labour Code gives way to the text
        # consolidating its amendments (same article numbers, current wording)
        older = set(newer_versions(self.c.registry)) - named - replaced
        _scale(fused, replaced, settings.replaced_weight)
        _scale(fused, older, settings.older_version_weight)
        order = sorted(fused, key=lambda cid: -fused[cid]["score"])[: top_k * 2]
        chunks = self.c.registry.chunks(order)
        results: list[ScoredChunk] = []
        for cid in order:
            chunk = chunks.get(cid)
            if chunk is None:  # a vector from an unfinished ingest: not committed, not shown
                continue
            e = fused[cid]
            results.append(
                ScoredChunk(
                    chunk=chunk,
                    score=e["score"],
                    dense_score=e.get("dense_score"),
                    lexical_score=e.get("lexical_score"),
                    dense_rank=int(e["dense_rank"]) if "dense_rank" in e else None,
                    lexical_rank=int(e["lexical_rank"]) if "lexical_rank" in e else None,
                )
            )
        if query.cited_ref and not query.doc_ids:
            results = self._citing_first(query.cited_ref, results, top_k * 2)
        if not query.block and settings.meta_block_weight < 1:
            # the distribution list and the signature block answer «ai ký?» and «gửi tới đâu?», not a question that
            # merely names a body they list («Văn phòng Tỉnh ủy có trách nhiệm gì?»)
            for hit in results:
                if hit.chunk.citation_label in META_BLOCKS:
                    hit.score *= settings.meta_block_weight
        if settings.form_weight < 1 and not FORM_QUESTION.search(query.expanded):
            # a form's blanks («Lý do đề nghị:………») answer «which form?», not what a policy gives
            for hit in results:
                if placeholder_share(hit.chunk.text) >= settings.form_placeholder_share:
                    hit.score *= settings.form_weight
        results.sort(key=lambda hit: -hit.score)
        results = passages(results, settings.copy_similarity, self.modes.merge_neighbours)
        if query.article and query.doc_ids and len(query.doc_ids) == 1:
            results = self._article_first(query, results)
        elif query.block:
            results = self._block_first(query.block, results)
        elif section := asked_section(self.sections, query, results, self.c.settings.answer, leaning(self.c, query)):
            # «Quan điểm chỉ đạo của Chương trình là gì?», «Phần tổ chức thực hiện …»: the passages of the section it
            # names first (the answer quotes that section whole), then the rest in their order
            results = self._section_first(section, results)
        return self._province_placed(query, results[:top_k], nearest)

    def _province_placed(
        self, query: Query, results: list[ScoredChunk], nearest: tuple[float | None, float]
    ) -> list[ScoredChunk]:
        """A library and a question naming no document: this is the province's service, so the province's nearest
        passage comes first when it is about as near in meaning as the nearest of the whole index and holds most of
        its words («Doanh nghiệp tham gia đào tạo nhân lực như thế nào?»: the programme's, not a national
        resolution's); by place `provincial_slot` when only near in meaning («ho tro tiep can tin dung cho doanh
        nghiep nho va vua»: the SME law's articles first, then what the province does). A question only a law answers
        («thời gian thử việc») keeps its places: no passage of the province is that near."""
        settings = self.c.settings.retrieval
        place = settings.provincial_slot
        dense_top, lexical_top = nearest
        if not place or dense_top is None or query.doc_ids or query.topic_doc_ids or query.block or not results:
            return results
        own = sorted(provincial_documents(self.c.registry) - set(query.excluded_doc_ids))
        if not own or results[0].chunk.doc_id in own:
            return results
        shown = any(hit.chunk.doc_id in own for hit in results[:place])
        if shown and not settings.provincial_first_margin:
            return results
        scoped = replace(query, doc_ids=own, article=None, clause=None, cited_ref=None, note=None)
        best = next(iter(self.retrieve(scoped, 3)), None)
        if best is None or best.dense_score is None:
            return results
        # the words are half the evidence: with no lexical match in the whole index (or the lexical half off) there is none
        first = (
            lexical_top > 0
            and best.dense_score >= dense_top - settings.provincial_first_margin
            and (best.lexical_score or 0.0) >= settings.provincial_first_lexical * lexical_top
        )
        if not first and (shown or best.dense_score < dense_top - settings.provincial_slot_margin):
            return results
        # found lower down already (perhaps merged with a neighbour): moved up, not shown twice
        rest = [
            hit for hit in results
            if not (hit.chunk.doc_id == best.chunk.doc_id and hit.chunk.start < best.chunk.end and hit.chunk.end > best.chunk.start)
        ]
        at = 0 if first else min(place, len(rest) + 1) - 1
        # the score of the place it takes: answers weigh quotes by score, and this one was not ranked against the rest
        placed = best.model_copy(update={"score": rest[at].score if at < len(rest) else rest[-1].score})
        return (rest[:at] + [placed] + rest[at:])[: len(results)]

    def _dense(self, vector: np.ndarray, top_k: int, doc_ids: list[str] | None) -> list[tuple[str, float]]:
        """Nearest passages by meaning, of the whole index or of some documents; the province's own are compared one
        by one from vectors held in memory (searched for nearly every question in a library: Chroma's filtered search
        cost 86 ms of a 120 ms /search on the whole library)."""
        held = provincial_vectors(self.c) if doc_ids and set(doc_ids) <= provincial_documents(self.c.registry) else None
        if held is None or not doc_ids:
            return [(h.chunk_id, h.score) for h in self.c.store.query(vector, top_k, doc_ids)]
        rows = np.isin(held.doc_ids, doc_ids)
        # on the scale the store reports (llama-index's Chroma store: exp(-cosine distance)), which every margin uses
        sims = np.exp(held.matrix[rows] @ (vector / (np.linalg.norm(vector) or 1.0)) - 1.0)
        ids = [cid for cid, keep in zip(held.chunk_ids, rows, strict=True) if keep]
        return [(ids[i], float(sims[i])) for i in np.argsort(-sims, kind="stable")[:top_k]]

    def _about_the_province(self, query: Query) -> bool:
        return query.about_the_province and not query.doc_ids and self.c.settings.retrieval.province_boost > 0

    def _preferred(self, query: Query) -> set[str]:
        """Documents a boost will favour for this question (the conversation's, the province's own), when the
        index holds others too."""
        settings = self.c.settings.retrieval
        if query.doc_ids:
            return set()
        preferred: set[str] = set()
        if query.topic_doc_ids and settings.topic_boost > 0:
            preferred |= set(query.topic_doc_ids)
        if self._about_the_province(query):
            preferred |= provincial_documents(self.c.registry)
        preferred -= set(query.excluded_doc_ids)
        return preferred if preferred and len(preferred) < len(self.c.registry.documents()) else set()

    def _citing_first(self, ref_key: str, results: list[ScoredChunk], limit: int) -> list[ScoredChunk]:
        """«Chương trình hành động 01-CTr/TU quy định gì?», a document cited but not loaded: what the loaded documents
        say of it is the answer, so the passages citing it come first (those the search found in its order, then
        the others in document order), the rest after."""
        citing = citing_chunks(self.c.registry).get(ref_key, [])
        if not citing:
            return results
        found = [r for r in results if r.chunk.chunk_id in set(citing)]
        have = {r.chunk.chunk_id for r in found}
        top = max((r.score for r in results), default=0.0)
        extra = self.c.registry.chunks([cid for cid in citing if cid not in have][: max(limit - len(found), 0)])
        lifted = [r.model_copy(update={"score": r.score + top}) for r in found]
        lifted += [ScoredChunk(chunk=c, score=top) for c in extra.values()]
        return lifted + [r for r in results if r.chunk.chunk_id not in have]

    def _section_first(self, section: Section, results: list[ScoredChunk]) -> list[ScoredChunk]:
        """The passages of the section a question names first, its opening passage (the heading and what follows
        it) leading even when the search missed it: «Phần quan điểm và mục tiêu gồm những nội dung nào?» starts
        where the section starts. Then the rest in their order."""

        def within(chunk: Chunk) -> bool:
            return chunk.doc_id == section.doc_id and chunk.start < section.stop and chunk.end > section.start

        inside = [r for r in results if within(r.chunk)]
        rest = [r for r in results if not within(r.chunk)]
        chunks = self.c.registry.chunks(self.c.registry.chunk_ids(section.doc_id)).values()
        opening = min((c for c in chunks if within(c)), key=lambda c: c.start, default=None)
        if opening is not None and not any(r.chunk.start <= opening.start < r.chunk.end for r in inside):
            top = max((r.score for r in results), default=0.0)
            inside.insert(0, ScoredChunk(chunk=opening, score=top))
        elif opening is not None:
            inside.sort(key=lambda r: not (r.chunk.start <= opening.start < r.chunk.end))
        return inside + rest

    def _block_first(self, label: str, results: list[ScoredChunk]) -> list[ScoredChunk]:
        """«Ai ký…?», «gửi tới đâu?»: the signature block / distribution list of the best document first."""
        if not results:
            return results
        ids = self.c.registry.chunk_ids(results[0].chunk.doc_id)
        match = [c for c in self.c.registry.chunks(ids[-3:]).values() if c.citation_label == label]
        if not match:
            return results
        first = ScoredChunk(chunk=match[0], score=results[0].score)
        return [first] + [r for r in results if r.chunk.chunk_id != match[0].chunk_id]

    def _article_first(self, query: Query, results: list[ScoredChunk]) -> list[ScoredChunk]:
        """«Điều 15 Luật Đầu tư …»: that article's passages first (the khoản asked for before the rest), then
        what the search found."""
        article, doc_id = query.article or "", (query.doc_ids or [""])[0]
        chunks = self.c.registry.chunks(self.c.registry.chunk_ids(doc_id)).values()
        own = sorted(
            (c for c in chunks if c.citation_label == article or c.citation_label.startswith(article + ",")),
            key=lambda c: (not c.citation_label.startswith(f"{article}, khoản {query.clause}") if query.clause else False, c.ordinal),
        )
        if not own:
            return results
        top = max((r.score for r in results), default=0.0) + 1.0
        first = [ScoredChunk(chunk=c, score=top - i * 1e-3) for i, c in enumerate(own)]
        ids = {c.chunk_id for c in own}
        return first + [r for r in results if r.chunk.chunk_id not in ids]


def leaning(components: Components, query: Query) -> frozenset[str]:
    """The documents a question naming none leans to (the province's own), when a lean is on."""
    settings = components.settings.retrieval
    lean = settings.provincial_prior > 0 or (query.about_the_province and settings.province_boost > 0)
    return provincial_documents(components.registry) if lean and not query.doc_ids else frozenset()


PROVINCIAL_ISSUER = re.compile(r"\btỉnh\b", re.IGNORECASE)  # «Tỉnh ủy Kiên Giang», «Ủy ban nhân dân tỉnh …»


def _scale(
    fused: dict[str, dict[str, float]], doc_ids: set[str] | frozenset[str], factor: float, only: set[str] | None = None
) -> None:
    """Every candidate passage of these documents (of those in `only`, when given) scores `factor` times."""
    if doc_ids and factor != 1:
        for cid, entry in fused.items():
            if cid.rsplit(":", 1)[0] in doc_ids and (only is None or cid in only):
                entry["score"] *= factor


def provincial_documents(registry: Registry) -> frozenset[str]:
    """Documents a province's own bodies issued (Tỉnh ủy, Ủy ban nhân dân tỉnh …), once per registry version."""
    return registry.memo(
        "provincial_documents",
        lambda r: frozenset(d.doc_id for d in r.documents() if PROVINCIAL_ISSUER.search(d.issuer or "")),
    )


@dataclass(frozen=True)
class HeldVectors:
    chunk_ids: list[str]
    doc_ids: np.ndarray  # the document of each row
    matrix: np.ndarray  # one unit vector per row


def provincial_vectors(components: Components) -> HeldVectors | None:
    """The vectors of the province's documents, read once per registry version (vectors are stored before the registry
    commits a document, so a version never misses its own); None past `provincial_vectors_max` passages, which are
    then searched through Chroma's filter."""
    limit = components.settings.retrieval.provincial_vectors_max

    def read(registry: Registry) -> HeldVectors | None:
        owner = {cid: doc for doc in sorted(provincial_documents(registry)) for cid in registry.chunk_ids(doc)}
        if not owner or len(owner) > limit:
            return None
        ids, matrix = components.store.vectors(list(owner))
        if not ids:
            return None
        matrix = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        return HeldVectors(ids, np.asarray([owner[cid] for cid in ids], dtype=object), matrix)

    return components.registry.memo(f"provincial_vectors:{limit}", read)


def passages(results: list[ScoredChunk], copy_similarity: float, merge_neighbours: bool = True) -> list[ScoredChunk]:
    """Ranked chunks -> the passages shown: copies in other documents folded onto the better hit, then neighbours of
    one section merged, then copies folded again. Folding first as well: a law and its consolidated text cut an article
    at different khoản, so two chunks can be the same words while the passages merged from them are not."""
    results = collapse_copies(results, copy_similarity)
    if merge_neighbours:
        results = collapse_copies(merge_adjacent(results), copy_similarity)
    return results


def collapse_copies(results: list[ScoredChunk], similarity: float = 1.0) -> list[ScoredChunk]:
    """One hit for one passage: the same words in another document (a law and its consolidated text, two versions,
    a copy) are listed on the better-ranked hit instead of taking a place of their own — and so are nearly the same
    words (word 3-grams overlapping at least `similarity`), each copy with how much it overlaps, so a reader is told
    when the wording differs."""
    kept: list[tuple[ScoredChunk, str, frozenset[tuple[str, ...]]]] = []
    for hit in results:
        key = normalize_for_match(hit.chunk.text)
        grams = _word_grams(key)
        if len(key) >= 40:
            best = max(
                ((host, _overlap(key, grams, host_key, host_grams)) for host, host_key, host_grams in kept if host.chunk.doc_id != hit.chunk.doc_id),
                key=lambda pair: pair[1],
                default=None,
            )
            if best is not None and best[1] >= similarity:
                best[0].copies.append(Copy(chunk=hit.chunk, similarity=round(best[1], 3)))
                best[0].copies.extend(hit.copies)  # what was folded into it before neighbours were merged
                continue
        kept.append((hit, key, grams))
    return [hit for hit, _, _ in kept]


def _word_grams(text: str, n: int = 3) -> frozenset[tuple[str, ...]]:
    words = WORD.findall(text)
    return frozenset(tuple(words[i : i + n]) for i in range(max(len(words) - n + 1, 1)))


def _overlap(key: str, grams: frozenset[tuple[str, ...]], other_key: str, other_grams: frozenset[tuple[str, ...]]) -> float:
    """1.0 for the same text (case, spacing and quote marks aside); 0.0 when a figure differs (a rate, a date, an
    amount: never folded however alike the rest is); otherwise the Jaccard overlap of word 3-grams, kept under 1.0 so
    a difference in punctuation alone is not called word for word."""
    if key == other_key:
        return 1.0
    if _figures(key) != _figures(other_key):
        return 0.0
    return min(len(grams & other_grams) / max(len(grams | other_grams), 1), 0.999)


def _figures(text: str) -> list[str]:
    """The numbers of a passage in order, a consolidated text's footnote marks («[12]») left out."""
    return FIGURE.findall(FOOTNOTE_MARK.sub(" ", text))


def merge_adjacent(results: list[ScoredChunk]) -> list[ScoredChunk]:
    """Fold a hit into a better-ranked hit that is its neighbour in the same section."""
    kept: list[ScoredChunk] = []
    for hit in results:
        host = next(
            (
                k
                for k in kept
                if k.chunk.doc_id == hit.chunk.doc_id
                and k.chunk.section_ids == hit.chunk.section_ids
                and _touches(k.chunk, hit.chunk)
            ),
            None,
        )
        if host is None:
            kept.append(hit)
            continue
        host.chunk = join_chunks(host.chunk, hit.chunk)
        host.copies.extend(c for c in hit.copies if c.chunk.chunk_id not in {h.chunk.chunk_id for h in host.copies})
    return kept


def _touches(a: Chunk, b: Chunk) -> bool:
    lo_a, hi_a = a.start, a.end
    return b.start <= hi_a + 1 and b.end >= lo_a - 1


def join_chunks(a: Chunk, b: Chunk) -> Chunk:
    """One passage over two neighbouring chunks of a document; its text is the document's text over the span.

    Chunks meet at a unit boundary (a new line) or, where a long unit was cut, between two of its sentences (a
    space): the gap is restored as it is in the cleaned text, so offsets and quotes still point at the document."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    if second.end <= first.end:
        return a
    same_unit = bool(first.units and second.units and first.units[-1].label == second.units[0].label)
    gap = (" " if same_unit else "\n") if second.start > first.end else ""
    text = first.text + gap + second.text[max(0, first.end - second.start) :]
    units = list(first.units)
    rest = [u for u in second.units if u.start >= first.end]
    if same_unit and rest and units:
        # the two pieces of one cut unit are one unit again
        units[-1] = units[-1].model_copy(update={"end": rest[0].end})
        rest = rest[1:]
    units += rest
    return a.model_copy(
        update={
            "text": text,
            "start": first.start,
            "end": second.end,
            "units": units,
            "citation_label": group_label([u.label for u in units]) if units else a.citation_label,
        }
    )


def _add_lexical_lead(fused: dict[str, dict[str, float]], lexical: list[tuple[str, float]], unit: float) -> None:
    """How far the best lexical passage stands out, not only that it is first: a passage holding the question's rare
    word («đối thoại») scores 3x the next, a lead reciprocal ranks shrink to one place, and dense ranks of near-equal
    similarities (within the int8 / fp32 spread) then decide (eval/README.md, «Quantization that travels»)."""
    scores = sorted((score for _, score in lexical), reverse=True)[:2]
    if len(scores) < 2 or scores[0] <= 0:
        return
    best = max(lexical, key=lambda item: item[1])[0]
    # squared: a lead of a few words (0.1-0.3, common, where the period or the subject still has to decide) adds
    # little; a lead of the question's one rare word (0.7) adds a first place's share
    fused[best]["score"] += unit * ((scores[0] - scores[1]) / scores[0]) ** 2
