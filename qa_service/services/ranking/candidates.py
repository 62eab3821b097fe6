"""Candidates from every source into one pool, each tagged with where it came from: the nearest passages by
meaning and by words in the whole index, then those of the documents a feature favours (the conversation's, the
province's) so that feature has something to lift, and the document-level ranking as a signal."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from qa_service.components.bundle import Components
from qa_service.components.lexical import lexical_tokens
from qa_service.components.protocols import DocumentReader
from qa_service.errors import UnknownDocument
from qa_service.services.entities import documents_naming
from qa_service.services.query import Query

# the province's own bodies at every level — «Tỉnh ủy Kiên Giang», «Ủy ban nhân dân tỉnh …», «Sở Công Thương tỉnh …»,
# «Phòng Kinh tế - Hạ tầng huyện …», a commune — as against the national bodies of the reference library («Bộ Lao động -
# Thương binh và Xã hội» is not a commune)
LOCAL_ISSUER = re.compile(r"\b(?:tỉnh|huyện|thành phố|thị xã|quận|phường|thị trấn|xã(?!\s+hội))\b|^Sở\b", re.IGNORECASE)


@dataclass
class Candidate:
    chunk_id: str
    doc_id: str
    sources: set[str] = field(default_factory=set)
    dense_rank: int | None = None
    dense_score: float | None = None
    lexical_rank: int | None = None
    lexical_score: float | None = None
    values: dict[str, float] = field(default_factory=dict)  # feature -> value, before weights
    score: float = 0.0
    contributions: dict[str, float] = field(default_factory=dict)


@dataclass
class Pool:
    candidates: dict[str, Candidate]
    nearest_dense: float | None  # the nearest passage of the whole index by meaning (before any document's own)
    nearest_lexical: float  # …and by words
    lexical_lead: tuple[str, float] | None  # the best BM25 passage and its relative lead over the second
    document_rank: dict[str, int]  # document -> place in the document-level BM25 ranking
    provincial: frozenset[str]  # documents the province's bodies issued
    named: frozenset[str] = frozenset()  # documents whose issuer or title names a body or place the question names (the
    # province's pin gives way to them)
    own: dict[str, dict[str, float]] = field(default_factory=dict)  # the province's passages fetched: source -> score


def loaded_ids(registry: DocumentReader) -> frozenset[str]:
    """The loaded documents' ids, once per registry version (every question asks; copying 413 documents' metadata
    for it cost ~3 ms of each /search on the whole library)."""
    return registry.memo("loaded_ids", lambda r: frozenset(d.doc_id for d in r.documents()))


def gather(c: Components, query: Query, n: int, dense_on: bool = True, lexical_on: bool = True) -> Pool:
    """The pool for one question: `n` per list, the documents a feature favours fetched after (ranked below every
    candidate of the whole index, so only the feature can lift them)."""
    allowed: set[str] | None = None
    if query.doc_ids:
        known = loaded_ids(c.registry)
        missing = [d for d in query.doc_ids if d not in known]
        if missing:
            raise UnknownDocument(missing)
        allowed = {cid for d in query.doc_ids for cid in c.registry.chunk_ids(d)}
    # «… ngoài Luật Đầu tư?»: what the asker already has is not the answer; its passages are fetched over and dropped
    left_out = {cid for d in query.excluded_doc_ids for cid in c.registry.chunk_ids(d)}
    fetch = n + len(left_out)
    vector = c.embedder.embed_query(query.expanded) if dense_on else None
    dense = [(cid, s) for cid, s in dense_search(c, vector, fetch, query.doc_ids) if cid not in left_out][:n] if vector is not None else []
    # segmented once, in the query; a query built without a segmenter (code that never parsed it) is segmented here
    tokens = list(query.tokens or lexical_tokens(query.search_words, c.segmenter)) if lexical_on else []
    lexical = [(cid, s) for cid, s in c.lexical.search(tokens, fetch, allowed) if cid not in left_out][:n] if lexical_on else []
    nearest = (dense[0][1] if dense else None, lexical[0][1] if lexical else 0.0)
    provincial = provincial_documents(c.registry)
    named = named_documents(c.registry, query) if not query.doc_ids else frozenset()
    favoured, lifted = _favoured(c, query, provincial)
    if favoured and vector is not None:
        seen = {cid for cid, _ in dense}
        dense += [(cid, s) for cid, s in dense_search(c, vector, n, sorted(favoured)) if cid not in seen]
    if favoured and lexical_on:
        seen = {cid for cid, _ in lexical}
        fetched = {cid for d in favoured for cid in c.registry.chunk_ids(d)}
        lexical += [(cid, s) for cid, s in c.lexical.search(tokens, n, fetched) if cid not in seen]
    pool: dict[str, Candidate] = {}
    own: dict[str, dict[str, float]] = {}
    for source, ranked in (("dense", dense), ("lexical", lexical)):
        for rank, (cid, score) in enumerate(ranked):
            doc_id = cid.rsplit(":", 1)[0]
            if doc_id in provincial:
                own.setdefault(cid, {})[source] = score
            if rank >= n and doc_id not in lifted and cid in pool:
                continue  # fetched only for the province's pin: does not change a ranked candidate's features
            cand = pool.setdefault(cid, Candidate(cid, doc_id))
            # fetched for a feature that lifts its document, or only for the province's pin (not ranked with the rest)
            cand.sources.add(source if rank < n else "favoured" if doc_id in lifted else "pin")
            setattr(cand, f"{source}_rank", rank)
            setattr(cand, f"{source}_score", score)
    ranked_docs = c.document_lexical.search(tokens, c.settings.retrieval.document_top) if lexical_on else []
    return Pool(
        candidates=pool,
        nearest_dense=nearest[0],
        nearest_lexical=nearest[1],
        lexical_lead=_lead(lexical[:n]),
        document_rank={doc_id: r for r, (doc_id, _) in enumerate(ranked_docs)},
        provincial=provincial,
        named=named,
        own=own,
    )


def provincial_pool(pool: Pool) -> Pool:
    """The province's passages alone, ranked among themselves by meaning and by words: as if the question were asked
    of the province's documents only (where the province's pin looks for its passage)."""
    cands: dict[str, Candidate] = {}
    for source in ("dense", "lexical"):
        ranked = sorted(((cid, s[source]) for cid, s in pool.own.items() if source in s), key=lambda item: -item[1])
        for rank, (cid, score) in enumerate(ranked):
            cand = cands.setdefault(cid, Candidate(cid, cid.rsplit(":", 1)[0], {"province"}))
            setattr(cand, f"{source}_rank", rank)
            setattr(cand, f"{source}_score", score)
    lexical = sorted(((cid, s["lexical"]) for cid, s in pool.own.items() if "lexical" in s), key=lambda item: -item[1])
    dense_top = max((s["dense"] for s in pool.own.values() if "dense" in s), default=None)
    return Pool(cands, dense_top, lexical[0][1] if lexical else 0.0, _lead(lexical), pool.document_rank, frozenset())


def _favoured(c: Components, query: Query, provincial: frozenset[str]) -> tuple[set[str], set[str]]:
    """(documents whose passages are fetched beyond the whole index's, those of them a feature lifts): the
    conversation's and, for a question about the province, the province's are lifted; the province's are fetched
    anyway for its pin. Only when the index holds other documents too."""
    if query.doc_ids:
        return set(), set()
    lifted = set(query.topic_doc_ids or ()) | (set(provincial) if query.about_the_province else set())
    favoured = (lifted | set(provincial)) - set(query.excluded_doc_ids)
    if not favoured or len(favoured) >= len(loaded_ids(c.registry)):
        return set(), set()
    return favoured, lifted


def _lead(lexical: list[tuple[str, float]]) -> tuple[str, float] | None:
    scores = sorted((score for _, score in lexical), reverse=True)[:2]
    if len(scores) < 2 or scores[0] <= 0:
        return None
    best = max(lexical, key=lambda item: item[1])[0]
    return best, (scores[0] - scores[1]) / scores[0]


def dense_search(c: Components, vector: np.ndarray, top_k: int, doc_ids: list[str] | None) -> list[tuple[str, float]]:
    """Nearest passages by meaning, of the whole index or of some documents; the province's own are compared one
    by one from vectors held in memory (searched for nearly every question in a library: Chroma's filtered search
    cost 86 ms of a 120 ms /search on the whole library)."""
    held = provincial_vectors(c) if doc_ids and set(doc_ids) <= provincial_documents(c.registry) else None
    if held is None or not doc_ids:
        return [(h.chunk_id, h.score) for h in c.store.query(vector, top_k, doc_ids)]
    rows = np.isin(held.doc_ids, doc_ids)
    # on the scale the store reports (llama-index's Chroma store: exp(-cosine distance)), which every margin uses
    sims = np.exp(held.matrix[rows] @ (vector / (np.linalg.norm(vector) or 1.0)) - 1.0)
    ids = [cid for cid, keep in zip(held.chunk_ids, rows, strict=True) if keep]
    return [(ids[i], float(sims[i])) for i in np.argsort(-sims, kind="stable")[:top_k]]


def provincial_documents(registry: DocumentReader) -> frozenset[str]:
    """Documents the province's own bodies issued, at any level (Tỉnh ủy, Ủy ban nhân dân tỉnh, a Sở, a district),
    once per registry version: a district's report stands with the programme, not below it."""
    return registry.memo(
        "provincial_documents",
        lambda r: frozenset(d.doc_id for d in r.documents() if LOCAL_ISSUER.search(d.issuer or "")),
    )


def named_documents(registry: DocumentReader, query: Query) -> frozenset[str]:
    """Documents whose issuer or title names a body or place the question names («huyện Tân Hiệp», «Sở Công Thương»)."""
    return documents_naming(registry, query.intent.entities if query.intent else ())


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

    def read(registry: DocumentReader) -> HeldVectors | None:
        owner = {cid: doc for doc in sorted(provincial_documents(registry)) for cid in registry.chunk_ids(doc)}
        if not owner or len(owner) > limit:
            return None
        ids, matrix = components.store.vectors(list(owner))
        if not ids:
            return None
        matrix = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        return HeldVectors(ids, np.asarray([owner[cid] for cid in ids], dtype=object), matrix)

    return components.registry.memo(f"provincial_vectors:{limit}", read)
