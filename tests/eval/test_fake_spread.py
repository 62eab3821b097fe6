"""The fast tier's fake embedder stays calibrated to the real model's similarity spread (eval/fake_spread.py), so the
fast tier can run with the shipped thresholds and margins: a change to the fake that moves where unrelated passages or
each question's best passage sit, or how far the best leads the second, fails here before it makes a fast-tier test
need a number of its own."""

from __future__ import annotations

from typing import Any

import pytest

from eval.fake_spread import passages, questions, spread
from tests.fixtures.fakes import E5_SPREAD, HashEmbedder

# under a quarter of e5's distance from the unrelated level to the best (0.066): the levels the dense floor and ceiling
# and the province margin are read against
TOLERANCE = 0.015


@pytest.fixture(scope="module")
def fake_figures() -> dict[str, Any]:
    return spread(HashEmbedder(), questions(), passages())


def test_the_sample_is_the_one_e5_was_measured_on(fake_figures: dict[str, Any]) -> None:
    assert (fake_figures["questions"], fake_figures["passages"], fake_figures["evidence_found"]) == (40, 187, 40)


@pytest.mark.parametrize("level", ["unrelated", "best"])
def test_the_fakes_levels_sit_at_e5s(fake_figures: dict[str, Any], level: str) -> None:
    median, p5, p95 = E5_SPREAD[level]
    assert fake_figures[level]["median"] == pytest.approx(median, abs=TOLERANCE)
    assert p5 <= fake_figures[level]["median"] <= p95


def test_the_best_leads_the_second_about_as_far_as_with_e5(fake_figures: dict[str, Any]) -> None:
    _, p5, p95 = E5_SPREAD["gap"]
    assert p5 <= fake_figures["gap"]["median"] <= p95
