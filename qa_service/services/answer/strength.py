"""Whether the evidence answers at all: named signals of the question against its best passages and sentences, one
logistic score from a fitted table (resources/answerability.yaml: weight and why per signal, the intercept, the
threshold and the run that fitted them), so the decision explains itself and its numbers come from data."""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

import yaml

from qa_service.models import ScoredChunk
from qa_service.resources import RESOURCES
from qa_service.services.answer.sentences import coverage
from qa_service.services.query import Query
from qa_service.services.ranking.table import LogisticTable, Row
from qa_service.settings import EvidenceSettings
from qa_service.text import fold

# no bare «english» / «unaccented» signal: the near misses written so far are accented Vietnamese, and a fit would
# learn «English: answer» from that; how a question was typed only changes how its evidence counts
SIGNALS = (
    "coverage", "dense", "english_coverage", "unaccented_coverage", "english_dense",
    "kind_asked", "kind_missing", "kind_missing_confidence", "subject_share", "figure_absent",
)


class AnswerabilityTable(LogisticTable):
    ROWS: ClassVar[str] = "signals"
    NAMES: ClassVar[tuple[str, ...]] = SIGNALS
    signals: tuple[Row, ...]


@lru_cache(maxsize=1)
def load_answerability() -> AnswerabilityTable:
    return AnswerabilityTable.model_validate(yaml.safe_load((RESOURCES / "answerability.yaml").read_text(encoding="utf-8")))


def scale(value: float, floor: float, ceiling: float) -> float:
    return min(1.0, max(0.0, (value - floor) / (ceiling - floor)))


def question_coverage(query: Query, best: list[ScoredChunk], idf: dict[str, float]) -> float:
    """How much of the question the best passages hold: its idf mass (with each passage's heading); for English,
    the share of its glossary words whose Vietnamese term occurs (0 with no glossary word)."""
    if not best:
        return 0.0
    if not query.vietnamese:
        if not query.glossary:
            return 0.0
        text = fold(" ".join(h.chunk.text for h in best)).lower()
        return sum(1 for term in query.glossary if term and fold(term).lower() in text) / len(query.glossary)
    return max(coverage(idf, " ".join(h.chunk.section_path[-1:]) + " " + h.chunk.text) for h in best)


def passage_signals(query: Query, hits: list[ScoredChunk], idf: dict[str, float], ev: EvidenceSettings) -> dict[str, float]:
    """The signals of the question against its best passages: words held, nearness by meaning (on the scale of how
    the question was typed: across languages similarities are lower and flatter), how it was typed."""
    best = hits[: ev.strength_passages]
    english, unaccented = float(not query.vietnamese), float(query.vietnamese and not query.diacritics)
    floor, ceiling = (ev.cross_lingual_dense_floor, ev.cross_lingual_dense_ceiling) if english else (ev.dense_floor, ev.dense_ceiling)
    covered = question_coverage(query, best, idf)
    return {
        "coverage": covered,
        "dense": scale(max((h.dense_score or 0.0) for h in best), floor, ceiling) if best else 0.0,
        "english_coverage": english * covered,
        "english_dense": english * (scale(max((h.dense_score or 0.0) for h in best), floor, ceiling) if best else 0.0),
        "unaccented_coverage": unaccented * covered,
    }
