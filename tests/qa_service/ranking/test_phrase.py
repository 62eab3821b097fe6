"""The `phrase` feature on the real model: a sentence of the programme pasted as the query finds that sentence first
(the 2030 orientation paragraph, nearly as near, was first by 0.0001 without it)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

SENTENCE = "Tỷ trọng công nghiệp trong GRDP của tỉnh đạt trên 15%"


def _first(components, weight: float | None) -> str:  # type: ignore[no-untyped-def]
    from qa_service.services.retrieval import HybridRetriever

    before = components.settings.retrieval.weights
    components.settings.retrieval.weights = {} if weight is None else {"phrase": weight}
    try:
        hit = HybridRetriever(components).search(SENTENCE, 3)[0]
    finally:
        components.settings.retrieval.weights = before
    assert hit.chunk.text
    return f"{hit.chunk.citation_label}|{SENTENCE in hit.chunk.text}"


def test_a_pasted_sentence_finds_itself_first(real_corpus_components) -> None:  # type: ignore[no-untyped-def]
    label, holds = _first(real_corpus_components, None).split("|")
    assert label.startswith("Mục II.3.b") and holds == "True"
