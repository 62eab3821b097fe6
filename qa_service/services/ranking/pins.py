"""Pins: what the question asks for by name is placed first whatever its score, in this order, after scoring:
1. `citing`   a document cited but not loaded: the passages citing it;
2. `article`  «Điều 15 Luật Đầu tư»: that article (the khoản asked for first);
   `block`    «Ai ký?», «gửi tới đâu?»: the signature block or distribution list of the best document;
   `section`  «Quan điểm chỉ đạo … là gì?»: the section named, its opening first;
3. `province` a question naming no document in a library: the province's best passage first when about as near and
   as worded as the nearest of the whole index, else at place `provincial_slot` when about as near.
A pinned passage keeps its own score and contributions; `pins` on the hit names the pin that placed it."""

from __future__ import annotations

from collections.abc import Callable

from qa_service.components.protocols import DocumentReader
from qa_service.models import Chunk, ScoredChunk
from qa_service.services.query import Query, citing_chunks
from qa_service.services.ranking.candidates import Pool
from qa_service.services.sections import Section

Unranked = Callable[[Chunk], ScoredChunk]  # a passage the search did not return, scored from its features alone


def _pinned(hit: ScoredChunk, name: str) -> ScoredChunk:
    return hit.model_copy(update={"pins": [*hit.pins, name]})


def citing(registry: DocumentReader, ref_key: str, results: list[ScoredChunk], limit: int, unranked: Unranked) -> list[ScoredChunk]:
    """«Chương trình hành động 01-CTr/TU quy định gì?»: what the loaded documents say of it is the answer: the passages
    citing it that the search found, in its order, then the others in document order; the rest after."""
    cited = citing_chunks(registry).get(ref_key, [])
    if not cited:
        return results
    found = [r for r in results if r.chunk.chunk_id in set(cited)]
    have = {r.chunk.chunk_id for r in found}
    extra = registry.chunks([cid for cid in cited if cid not in have][: max(limit - len(found), 0)])
    first = [_pinned(r, "citing") for r in found] + [_pinned(unranked(c), "citing") for c in extra.values()]
    return first + [r for r in results if r.chunk.chunk_id not in have]


def article(registry: DocumentReader, query: Query, results: list[ScoredChunk], unranked: Unranked) -> list[ScoredChunk]:
    """«Điều 15 Luật Đầu tư …»: that article's passages first (the khoản asked for before the rest)."""
    label, doc_id = query.article or "", (query.doc_ids or [""])[0]
    chunks = registry.chunks(registry.chunk_ids(doc_id)).values()
    own = sorted(
        (c for c in chunks if c.citation_label == label or c.citation_label.startswith(label + ",")),
        key=lambda c: (not c.citation_label.startswith(f"{label}, khoản {query.clause}") if query.clause else False, c.ordinal),
    )
    if not own:
        return results
    found = {r.chunk.chunk_id: r for r in results}
    first = [_pinned(found.get(c.chunk_id) or unranked(c), "article") for c in own]
    return first + [r for r in results if r.chunk.chunk_id not in found.keys() & {c.chunk_id for c in own}]


def block(registry: DocumentReader, label: str, results: list[ScoredChunk], unranked: Unranked) -> list[ScoredChunk]:
    """«Ai ký…?», «gửi tới đâu?»: the signature block / distribution list of the best document first."""
    if not results:
        return results
    ids = registry.chunk_ids(results[0].chunk.doc_id)
    match = [c for c in registry.chunks(ids[-3:]).values() if c.citation_label == label]
    if not match:
        return results
    found = next((r for r in results if r.chunk.chunk_id == match[0].chunk_id), None)
    return [_pinned(found or unranked(match[0]), "block")] + [r for r in results if r.chunk.chunk_id != match[0].chunk_id]


def section(registry: DocumentReader, sec: Section, results: list[ScoredChunk], unranked: Unranked) -> list[ScoredChunk]:
    """The passages of the section a question names first, its opening passage (the heading and what follows it)
    leading even when the search missed it; then the rest in their order."""

    def within(chunk: Chunk) -> bool:
        return chunk.doc_id == sec.doc_id and chunk.start < sec.stop and chunk.end > sec.start

    inside = [_pinned(r, "section") for r in results if within(r.chunk)]
    rest = [r for r in results if not within(r.chunk)]
    chunks = registry.chunks(registry.chunk_ids(sec.doc_id)).values()
    opening = min((c for c in chunks if within(c)), key=lambda c: c.start, default=None)
    if opening is not None and not any(r.chunk.start <= opening.start < r.chunk.end for r in inside):
        inside.insert(0, _pinned(unranked(opening), "section"))
    elif opening is not None:
        inside.sort(key=lambda r: not (r.chunk.start <= opening.start < r.chunk.end))
    return inside + rest


def province(
    pool: Pool, query: Query, results: list[ScoredChunk], best: ScoredChunk | None, place: int, margin: float, words: float
) -> list[ScoredChunk]:
    """This is the province's service: in a library, a question naming no document shows the province's best
    passage (`best`, the pool's highest-scored passage of the province's documents) first when its similarity is
    within `margin` of the nearest of the whole index and its BM25 score at least `words` of the best («Doanh nghiệp
    tham gia đào tạo nhân lực như thế nào?»), at place `place` when only that near and none of the province's is
    above it («ho tro tiep can tin dung cho doanh nghiep nho va vua»). A question only a law answers keeps its places."""
    if not place or best is None or best.dense_score is None or pool.nearest_dense is None or not results:
        return results
    if query.doc_ids or query.topic_doc_ids or query.block or pool.named or results[0].chunk.doc_id in pool.provincial:
        return results
    close = best.dense_score >= pool.nearest_dense - margin
    worded = pool.nearest_lexical > 0 and (best.lexical_score or 0.0) >= words * pool.nearest_lexical
    shown = any(hit.chunk.doc_id in pool.provincial for hit in results[:place])
    if not close or (shown and not worded):
        return results
    # found lower down already (perhaps merged with a neighbour): moved up, not shown twice
    rest = [
        hit for hit in results
        if not (hit.chunk.doc_id == best.chunk.doc_id and hit.chunk.start < best.chunk.end and hit.chunk.end > best.chunk.start)
    ]
    held = next((h for h in results if h not in rest), best)
    at = 0 if worded else min(place, len(rest) + 1) - 1
    return (rest[:at] + [_pinned(held, "province")] + rest[at:])[: len(results)]
