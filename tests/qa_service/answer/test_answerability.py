"""One ablation per signal of resources/answerability.yaml: a question whose evidence sits just on the other side of
the threshold without the signal is answered (or refused) because of it with the shipped weight, and not with the
signal neutral (weight 0). A signal added to the table without a case fails the first test. Also: the probability is
the logistic of its contributions, and the shipped table is the fitted one."""

from __future__ import annotations

import math

import pytest

from qa_service.services.answer.strength import SIGNALS, load_answerability

TABLE = load_answerability()
# realistic evidence a question may have, the signal under test apart
BASE = {"coverage": 0.5, "dense": 0.4, "subject_share": 1.0}
# signal -> the value it takes in the case it decides (every signal is 0 or a share)
CASES = {name: 1.0 for name in SIGNALS}


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _filler(signal: str) -> str:
    """A signal with a positive weight that sets the rest of the evidence (not the one under test)."""
    return "dense" if signal != "dense" else "coverage"


def _pair(signal: str) -> tuple[dict[str, float], dict[str, float]]:
    """(evidence with the signal, evidence without it) placed so the signal's own weight crosses the threshold."""
    weight = next(r.weight for r in TABLE.signals if r.name == signal)
    filler = _filler(signal)
    filler_weight = next(r.weight for r in TABLE.signals if r.name == filler)
    without = dict(BASE) | {signal: 0.0}
    z = TABLE.probability(without)[1]
    # move the filler so that the score without the signal sits half the signal's weight on the other side
    target = _logit(TABLE.threshold) - weight / 2
    without[filler] += (target - sum(z.values())) / filler_weight
    return without | {signal: CASES[signal]}, without


def test_every_signal_of_the_table_has_an_ablation() -> None:
    assert set(CASES) == set(SIGNALS) == {r.name for r in TABLE.signals}


@pytest.mark.parametrize("signal", SIGNALS)
def test_the_signal_decides_and_neutral_it_does_not(signal: str) -> None:
    weight = next(r.weight for r in TABLE.signals if r.name == signal)
    assert weight != 0, "a signal the fit found useless is not shipped"
    with_it, without = _pair(signal)
    answered = [TABLE.probability(v)[0] >= TABLE.threshold for v in (with_it, without)]
    assert answered == ([True, False] if weight > 0 else [False, True]), "with the shipped weight"
    neutral = TABLE.with_weights({signal: 0.0})
    neutral_answered = [neutral.probability(v)[0] >= neutral.threshold for v in (with_it, without)]
    assert neutral_answered[0] == neutral_answered[1], "with the signal neutral the decision does not change"


def test_the_probability_is_the_logistic_of_its_contributions() -> None:
    p, contributions = TABLE.probability({"coverage": 0.7, "dense": 0.5, "subject_share": 0.8, "kind_asked": 1.0})
    assert p == pytest.approx(1 / (1 + math.exp(-sum(contributions.values()))))
    assert set(contributions) == {"intercept", *SIGNALS}


def test_the_shipped_table_is_fitted_on_dev() -> None:
    assert TABLE.fit.method == "logistic-regression" and "eval/fit_answerability.py" in TABLE.fit.note


def test_an_unknown_signal_is_refused() -> None:
    with pytest.raises(ValueError, match="no signal"):
        TABLE.with_weights({"length": 1.0})
