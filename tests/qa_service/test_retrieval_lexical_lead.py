"""The BM25 lead feature (`retrieval.lexical_lead_weight`): reciprocal ranks keep only the order of the lexical
list, so the one passage holding a question's rare word («đối thoại»: BM25 3x the next passage) counted as one
place ahead while the dense ranks of near-equal similarities — within the spread between int8 and fp32 embeddings
— decided; the purpose question was refused on every backend. Ablation: neutral (0) must lose the passage."""

from __future__ import annotations

import pytest

from qa_service.services.retrieval import HybridRetriever

QUESTION = "Tỉnh đối thoại với doanh nghiệp nhằm mục đích gì?"
PASSAGE = "đối thoại với các nhà đầu tư, doanh nghiệp"

pytestmark = pytest.mark.slow


def _rank(components, weight: float) -> int:  # type: ignore[no-untyped-def]
    settings = components.settings
    retrieval = settings.retrieval.model_copy(update={"weights": {"lexical_lead": weight}})
    components.settings = settings.model_copy(update={"retrieval": retrieval})
    try:
        hits = HybridRetriever(components).search(QUESTION, 20)
    finally:
        components.settings = settings
    return next((i for i, h in enumerate(hits, 1) if PASSAGE in h.chunk.text), 99)


def test_the_rare_word_passage_leads_with_the_shipped_weight_and_not_without_it(real_corpus_components) -> None:  # type: ignore[no-untyped-def]
    shipped = HybridRetriever(real_corpus_components).table.weight("lexical_lead")
    assert shipped > 0
    with_share, neutral = _rank(real_corpus_components, shipped), _rank(real_corpus_components, 0.0)
    print(f"rank with {shipped}: {with_share}; neutral: {neutral}")
    assert with_share == 1
    assert neutral > with_share
