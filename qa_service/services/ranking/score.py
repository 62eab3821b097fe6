"""One score per passage from its features and the table: log(relevance) + Σ prior weight × value, where relevance
is the fusion rows' weighted sum. Every score is the sum of its contributions."""

from __future__ import annotations

import math

from qa_service.services.ranking.table import RankingTable

RELEVANCE = "relevance"  # the contribution log(relevance); its parts are listed under `relevance_terms`
MIN_RELEVANCE = 1e-9  # every fusion weight at 0: the priors alone order the passages


def score(values: dict[str, float], table: RankingTable) -> tuple[float, dict[str, float], dict[str, float]]:
    """(score, contributions summing to it, the weighted fusion terms summing to the relevance)."""
    terms = {name: w * values.get(name, 0.0) for name, w in table.fusion_weights.items()}
    relevance = max(sum(terms.values()), MIN_RELEVANCE)
    contributions = {RELEVANCE: math.log(relevance)}
    for name, w in table.prior_weights.items():
        value = values.get(name, 0.0)
        if value and w:
            contributions[name] = w * value
    return sum(contributions.values()), contributions, {k: v for k, v in terms.items() if v}
