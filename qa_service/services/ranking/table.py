"""The ranking table (resources/ranking.yaml): every feature that orders passages, its weight and why, loaded once
and checked against the features the code computes."""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import ClassVar, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field

from qa_service.resources import RESOURCES

FUSION = ("dense_rank", "dense_rank_unaccented", "lexical_rank", "lexical_lead", "document_rank")
PRIORS = ("topic", "province_asked", "province_near", "phrase", "replaced", "older_version", "meta_block", "form")
TABLE_PATH = RESOURCES / "ranking.yaml"
HEADER = """\
# Every decision that orders passages, in one table: score = log(relevance) + Σ weight × value, where
# relevance = Σ fusion weight × value (reciprocal ranks of the ranked lists, k / (k + rank), 1 at the first place).
# A prior's weight is a log-factor: ln 1.3 = 0.262 makes a passage score 1.3 times; 0 is neutral.
# Pins (qa_service/services/ranking/pins.py) move passages after scoring; they are not here.
# `fit` says which run wrote the weights (eval/fit_ranking.py, report in eval/report_ranking.md).
"""


class Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    weight: float = Field(ge=-10.0, le=10.0)
    why: str = Field(min_length=1)


class Fit(BaseModel):
    model_config = ConfigDict(extra="allow")
    method: Literal["hand-set", "logistic-regression"]
    note: str = ""


Logistic = TypeVar("Logistic", bound="LogisticTable")


class LogisticTable(BaseModel):
    """A fitted yes/no decision: p = 1 / (1 + exp(-(intercept + Σ weight × value))), yes when p reaches `threshold`.
    A subclass names its rows' field (`ROWS`) and the names the code computes (`NAMES`), both checked at load."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    ROWS: ClassVar[str]
    NAMES: ClassVar[tuple[str, ...]]
    fit: Fit
    intercept: float = Field(ge=-100.0, le=100.0)
    threshold: float = Field(ge=0.0, le=1.0)

    def rows(self) -> tuple[Row, ...]:
        return tuple(getattr(self, self.ROWS))

    def model_post_init(self, _context: object) -> None:
        names = sorted(r.name for r in self.rows())
        if names != sorted(self.NAMES):
            raise ValueError(f"{type(self).__name__} must list {sorted(self.NAMES)}, has {names}")

    def with_weights(self: Logistic, overrides: Mapping[str, float]) -> Logistic:
        """The table with some rows' weights replaced (an ablation)."""
        unknown = set(overrides) - set(self.NAMES)
        if unknown:
            raise ValueError(f"{type(self).__name__} has no {self.ROWS.removesuffix('s')} {sorted(unknown)}")
        rows = tuple(r.model_copy(update={"weight": float(overrides.get(r.name, r.weight))}) for r in self.rows())
        return self.model_copy(update={self.ROWS: rows})

    def probability(self, values: Mapping[str, float]) -> tuple[float, dict[str, float]]:
        """(probability, contributions: weight × value per row, the intercept under «intercept»)."""
        contributions = {"intercept": self.intercept} | {r.name: r.weight * values.get(r.name, 0.0) for r in self.rows()}
        z = sum(contributions.values())
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z)))), contributions


Table = TypeVar("Table", bound="RankingTable")


class RankingTable(BaseModel):
    """Passages for a question. A subclass names other features (the answer's sentences: answer/sentences.py)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    FUSION_NAMES: ClassVar[tuple[str, ...]] = FUSION
    PRIOR_NAMES: ClassVar[tuple[str, ...]] = PRIORS
    HEADER: ClassVar[str] = HEADER
    fit: Fit
    fusion: tuple[Row, ...]
    priors: tuple[Row, ...]

    def model_post_init(self, _context: object) -> None:
        for part, expected in (("fusion", self.FUSION_NAMES), ("priors", self.PRIOR_NAMES)):
            names = tuple(r.name for r in getattr(self, part))
            if sorted(names) != sorted(expected):
                raise ValueError(f"{type(self).__name__}: {part} must list {sorted(expected)}, has {sorted(names)}")
        if any(r.weight < 0 for r in self.fusion):
            raise ValueError(f"{type(self).__name__}: fusion weights are shares of the relevance, not below 0")

    def weight(self, name: str) -> float:
        return next(r.weight for r in (*self.fusion, *self.priors) if r.name == name)

    @property
    def fusion_weights(self) -> dict[str, float]:
        return {r.name: r.weight for r in self.fusion}

    @property
    def prior_weights(self) -> dict[str, float]:
        return {r.name: r.weight for r in self.priors}

    def with_weights(self: Table, overrides: Mapping[str, float]) -> Table:
        """The table with some weights replaced (settings `retrieval.weights`, an ablation, a fitted run); itself
        when none are (every question asks, and the shipped table is read once)."""
        if not overrides:
            return self
        known = (*self.FUSION_NAMES, *self.PRIOR_NAMES)
        unknown = set(overrides) - set(known)
        if unknown:
            raise ValueError(f"{type(self).__name__} has no feature {sorted(unknown)}; it has {sorted(known)}")
        if not all(math.isfinite(v) for v in overrides.values()):
            raise ValueError("ranking weights must be finite numbers")

        def rows(part: tuple[Row, ...]) -> list[Row]:
            return [r.model_copy(update={"weight": float(overrides.get(r.name, r.weight))}) for r in part]

        return type(self)(fit=self.fit, fusion=tuple(rows(self.fusion)), priors=tuple(rows(self.priors)))

    def dump(self) -> str:
        return self.HEADER + yaml.safe_dump(self.model_dump(mode="json"), allow_unicode=True, sort_keys=False, width=120)


@lru_cache(maxsize=4)
def load_table(path: Path = TABLE_PATH) -> RankingTable:
    return RankingTable.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
