"""One ablation per feature of resources/sentences.yaml: two sentences that differ by that feature, the other better
on the rest, ordered one way with the shipped weight and the other way with the feature neutral (weight 0). A feature
added to the table without a case here fails the first test."""

from __future__ import annotations

import math

import pytest

from qa_service.services.answer.sentences import SENTENCE_FUSION, SENTENCE_PRIORS, load_sentence_table
from qa_service.services.ranking.score import score
from qa_service.settings import AnswerSettings


def rank(r: int) -> float:
    return 1.0 / (1 + r)


# feature -> (sentence the feature should put first, the other)
CASES: dict[str, tuple[dict[str, float], dict[str, float]]] = {
    # more of the question's words, in the second passage, beats fewer in the first
    "coverage": ({"coverage": 0.9, "passage_rank": rank(1)}, {"coverage": 0.6, "passage_rank": rank(0)}),
    # equal words: the better ranked passage's sentence
    "passage_rank": ({"coverage": 0.5, "passage_rank": rank(0)}, {"coverage": 0.55, "passage_rank": rank(3)}),
    # «những khu … nào?»: the sentence naming several places, though it holds a little less of the question
    "place_names": (
        {"coverage": 0.5, "passage_rank": rank(0), "place_names": 1.0}, {"coverage": 0.6, "passage_rank": rank(0)},
    ),
    # «bao nhiêu?»: the sentence with a figure, though the one without holds more of the question
    "figure_missing": (
        {"coverage": 0.5, "passage_rank": rank(0)}, {"coverage": 0.6, "passage_rank": rank(0), "figure_missing": 1.0},
    ),
    # «bao nhiêu tỷ đồng?»: the sentence holding an amount, though the one without holds more of the question
    "kind_missing": (
        {"coverage": 0.5, "passage_rank": rank(0)}, {"coverage": 0.6, "passage_rank": rank(0), "kind_missing": 1.0},
    ),
    # «… có hiệu lực từ ngày nào?»: the document's own dated sentence, not a line of its legal basis naming more of
    # the question's words («Căn cứ Luật … ngày …»)
    "basis_line": (
        {"coverage": 0.5, "passage_rank": rank(0)}, {"coverage": 0.6, "passage_rank": rank(0), "basis_line": 1.0},
    ),
    # «nguyên nhân chủ quan?»: not the sentence naming only the objective causes, though it holds more of the question
    "contrast_other": (
        {"coverage": 0.5, "passage_rank": rank(0)}, {"coverage": 0.6, "passage_rank": rank(0), "contrast_other": 1.0},
    ),
    # …but the one turning from them («Nhưng chủ yếu là do: …»), which says the side asked for in its own words
    "contrast_turn": (
        {"coverage": 0.2, "passage_rank": rank(0), "contrast_turn": 1.0}, {"coverage": 0.7, "passage_rank": rank(0)},
    ),
}


def linear(values: dict[str, float], weights: dict[str, float] | None = None) -> float:
    return math.exp(score(values, load_sentence_table().with_weights(weights or {}))[0])


def test_every_feature_of_the_table_has_an_ablation() -> None:
    assert set(CASES) == set(SENTENCE_FUSION) | set(SENTENCE_PRIORS)


@pytest.mark.parametrize("feature", sorted(CASES))
def test_the_feature_decides_its_order_and_neutral_it_does_not(feature: str) -> None:
    favoured, other = CASES[feature]
    assert linear(favoured) > linear(other), "with the shipped weight"
    assert linear(favoured, {feature: 0.0}) < linear(other, {feature: 0.0}), "with the feature neutral"


def test_the_table_keeps_the_weights_it_replaced() -> None:
    """The linear score is (coverage + 0.45 / (1 + rank) + 0.3 × names) × 0.6 without a figure: the numbers the
    extractive answer used before the table, so moving them changed no answer."""
    table = load_sentence_table()
    assert (table.weight("coverage"), table.weight("passage_rank"), table.weight("place_names")) == (1.0, 0.45, 0.3)
    assert math.exp(table.weight("figure_missing")) == pytest.approx(0.6, abs=1e-6)


def test_an_unknown_sentence_feature_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="no feature"):
        AnswerSettings(sentence_weights={"words": 1.0})
    assert AnswerSettings(sentence_weights={"place_names": 0.0}).sentence_weights == {"place_names": 0.0}
