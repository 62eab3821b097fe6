"""Named features of (question, passage), on comparable scales: reciprocal ranks k / (k + rank) in 0..1, shares in
0..1, indicators 0/1. Index features need only the pool; text features read the passage, so they are computed for
the short list only. Every name here is a row of resources/ranking.yaml."""

from __future__ import annotations

import re

from qa_service.labels import META_BLOCKS
from qa_service.models import Chunk
from qa_service.services.query import Query
from qa_service.services.ranking.candidates import Candidate, Pool
from qa_service.text import fold, normalize_for_match, placeholder_share

ABSENT_RANK = 10_000  # a passage one list did not return: as if far down it (the reciprocal rank is then ~0.006)
WORD = re.compile(r"\w+")


def reciprocal(rank: int | None, k: int) -> float:
    return k / (k + (ABSENT_RANK if rank is None else rank))


def index_features(
    cand: Candidate, pool: Pool, query: Query, k: int, replaced: frozenset[str], older: frozenset[str], margin: float, words: float
) -> dict[str, float]:
    unaccented = query.unaccented_vietnamese
    dense = reciprocal(cand.dense_rank, k)
    doc_rank = pool.document_rank.get(cand.doc_id)
    lead = pool.lexical_lead
    provincial = cand.doc_id in pool.provincial and not query.doc_ids
    asked = provincial and query.about_the_province
    return {
        "dense_rank": 0.0 if unaccented else dense,
        "dense_rank_unaccented": dense if unaccented else 0.0,
        "lexical_rank": reciprocal(cand.lexical_rank, k),
        "lexical_lead": lead[1] ** 2 if lead and lead[0] == cand.chunk_id else 0.0,
        "document_rank": k / (k + doc_rank) if doc_rank is not None else 0.0,
        "topic": float(bool(query.topic_doc_ids) and not query.doc_ids and cand.doc_id in (query.topic_doc_ids or ())),
        "province_asked": float(asked),
        "province_near": float(provincial and not asked and near(cand, pool, margin, words)),
        "replaced": float(cand.doc_id in replaced),
        "older_version": float(cand.doc_id in older),
    }


def near(cand: Candidate, pool: Pool, margin: float, words: float) -> bool:
    """About as near in meaning as the nearest passage of the whole index (within `margin` of its similarity), or, found
    by words only, holding at least `words` of the best lexical score."""
    if cand.dense_score is not None:
        return pool.nearest_dense is not None and cand.dense_score >= pool.nearest_dense - margin
    return pool.nearest_lexical > 0 and (cand.lexical_score or 0.0) >= words * pool.nearest_lexical


def text_features(chunk: Chunk, query: Query, question_grams: frozenset[tuple[str, ...]], form_share: float) -> dict[str, float]:
    return {
        "meta_block": float(chunk.citation_label in META_BLOCKS and not query.block),
        "form": float(not query.asks_form and placeholder_share(chunk.text) >= form_share),
        "phrase": phrase_share(question_grams, chunk.text),
    }


def word_grams(text: str, n: int = 3) -> frozenset[tuple[str, ...]]:
    words = WORD.findall(fold(normalize_for_match(text)))  # folded: an unaccented question matches too
    return frozenset(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def phrase_share(question_grams: frozenset[tuple[str, ...]], text: str) -> float:
    """1.0 when the passage says the whole question word for word (a sentence pasted to find where it stands, a
    statement to verify), else 0: a partial overlap is what the lexical rank already measures. Questions of under
    five words hold too few 3-grams for it."""
    if len(question_grams) < 3:
        return 0.0
    return float(question_grams <= word_grams(text))
