"""Whether the evidence answers at all: one blend of how much of the question the best passages hold and how near
they are by meaning, with the blend's weight and the similarity scale chosen by how the question was typed."""

from __future__ import annotations

from dataclasses import dataclass

from qa_service.models import ScoredChunk
from qa_service.services.answer.sentences import coverage
from qa_service.services.query import Query
from qa_service.settings import EvidenceSettings
from qa_service.text import fold


@dataclass(frozen=True)
class Blend:
    coverage_weight: float  # the rest is the dense similarity, scaled to 0..1
    dense_floor: float
    dense_ceiling: float


def blend_for(query: Query, ev: EvidenceSettings) -> Blend:
    """Accented Vietnamese: words and meaning; unaccented: mostly words (the model reads it poorly); English: the
    glossary's words and a flatter cross-language scale."""
    if not query.vietnamese:
        return Blend(ev.glossary_coverage_weight, ev.cross_lingual_dense_floor, ev.cross_lingual_dense_ceiling)
    weight = ev.coverage_weight if query.diacritics else ev.unaccented_coverage_weight
    return Blend(weight, ev.dense_floor, ev.dense_ceiling)


def scale(value: float, floor: float, ceiling: float) -> float:
    return min(1.0, max(0.0, (value - floor) / (ceiling - floor)))


def question_coverage(query: Query, best: list[ScoredChunk], idf: dict[str, float]) -> float:
    """How much of the question the best passages hold: its idf mass (with each passage's heading); for English,
    the share of its glossary words whose Vietnamese term occurs (0 with no glossary word: meaning alone, damped)."""
    if not query.vietnamese:
        if not query.glossary:
            return 0.0
        text = fold(" ".join(h.chunk.text for h in best)).lower()
        return sum(1 for term in query.glossary if term and fold(term).lower() in text) / len(query.glossary)
    return max(coverage(idf, " ".join(h.chunk.section_path[-1:]) + " " + h.chunk.text) for h in best)


def strength(query: Query, hits: list[ScoredChunk], idf: dict[str, float], ev: EvidenceSettings) -> float:
    best = hits[: ev.strength_passages]
    if not best:
        return 0.0
    blend = blend_for(query, ev)
    dense = scale(max((h.dense_score or 0.0) for h in best), blend.dense_floor, blend.dense_ceiling)
    return blend.coverage_weight * question_coverage(query, best, idf) + (1 - blend.coverage_weight) * dense
