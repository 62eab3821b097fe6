"""One ablation per feature of resources/ranking.yaml: two passages that differ by that feature, nearly equal
otherwise, ranked one way with the shipped weight and the other way with the feature neutral (weight 0). A feature
added to the table without a case here fails the first test."""

from __future__ import annotations

import pytest

from qa_service.services.ranking.features import reciprocal
from qa_service.services.ranking.score import score
from qa_service.services.ranking.table import FUSION, PRIORS, load_table

K = 60


def r(rank: int | None) -> float:
    return reciprocal(rank, K)


# feature -> (passage the feature should put first, the other): in each, the other is better on the rest
CASES: dict[str, tuple[dict[str, float], dict[str, float]]] = {
    "dense_rank": ({"dense_rank": r(0), "lexical_rank": r(1)}, {"dense_rank": r(None), "lexical_rank": r(0)}),
    "dense_rank_unaccented": (
        {"dense_rank_unaccented": r(0), "lexical_rank": r(1)}, {"dense_rank_unaccented": r(None), "lexical_rank": r(0)},
    ),
    "lexical_rank": ({"dense_rank": r(1), "lexical_rank": r(0)}, {"dense_rank": r(0), "lexical_rank": r(None)}),
    # the best BM25 passage, third by meaning, holding the question's rare word (a lead of 0.7 over the second)
    "lexical_lead": (
        {"dense_rank": r(3), "lexical_rank": r(0), "lexical_lead": 0.7**2}, {"dense_rank": r(0), "lexical_rank": r(1)},
    ),
    "document_rank": (
        {"dense_rank": r(1), "lexical_rank": r(2), "document_rank": r(0)},
        {"dense_rank": r(0), "lexical_rank": r(1), "document_rank": r(5)},
    ),
}
NEAR_TIE = ({"dense_rank": r(1), "lexical_rank": r(0)}, {"dense_rank": r(0), "lexical_rank": r(0)})
for lift in ("topic", "province_asked", "province_near", "phrase"):
    CASES[lift] = (NEAR_TIE[0] | {lift: 1.0}, NEAR_TIE[1])
for penalty in ("replaced", "older_version", "meta_block", "form"):
    CASES[penalty] = (NEAR_TIE[0], NEAR_TIE[1] | {penalty: 1.0})


def test_every_feature_of_the_table_has_an_ablation() -> None:
    assert set(CASES) == set(FUSION) | set(PRIORS)


@pytest.mark.parametrize("feature", sorted(CASES))
def test_the_feature_decides_its_order_and_neutral_it_does_not(feature: str) -> None:
    table = load_table()
    favoured, other = CASES[feature]
    assert score(favoured, table)[0] > score(other, table)[0], "with the shipped weight"
    neutral = table.with_weights({feature: 0.0})
    assert score(favoured, neutral)[0] < score(other, neutral)[0], "with the feature neutral"


@pytest.mark.parametrize("feature", sorted(CASES))
def test_a_score_is_the_sum_of_its_contributions(feature: str) -> None:
    import math

    for values in CASES[feature]:
        total, contributions, terms = score(values, load_table())
        assert total == pytest.approx(sum(contributions.values()))
        assert contributions["relevance"] == pytest.approx(math.log(sum(terms.values())))
