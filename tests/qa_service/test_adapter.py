"""The embedder's low-rank adapter: merged exactly, pinned by its hash, and part of the model id."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from qa_service.components.adapter import (
    AdapterError,
    adapter_dir,
    adapter_sha256,
    deltas,
    merge_into,
    verified,
)
from qa_service.settings import EmbeddingSettings, Settings

SHIPPED = "legal-vi"
WEIGHT = "encoder.layer.0.attention.self.query.weight"


def _adapter(folder: Path, rank: int = 2, alpha: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    from safetensors.numpy import save_file

    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(rank, 6)).astype(np.float32), rng.normal(size=(6, rank)).astype(np.float32)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "adapter_config.json").write_text(json.dumps({"r": rank, "lora_alpha": alpha}), encoding="utf-8")
    save_file({f"base_model.model.{WEIGHT[:-7]}.lora_A.weight": a, f"base_model.model.{WEIGHT[:-7]}.lora_B.weight": b},
              str(folder / "adapter_model.safetensors"))
    (folder / "sha256").write_text(adapter_sha256(folder) + "\n", encoding="utf-8")
    return a, b


def test_merge_adds_the_scaled_low_rank_product(tmp_path: Path) -> None:
    from safetensors.numpy import load_file, save_file

    a, b = _adapter(tmp_path / "ad")
    base = np.arange(36, dtype=np.float32).reshape(6, 6)
    other = np.ones((6,), dtype=np.float32)
    save_file({WEIGHT: base, "embeddings.LayerNorm.bias": other}, str(tmp_path / "model.safetensors"))
    assert merge_into(tmp_path / "model.safetensors", tmp_path / "ad") == 1
    merged = load_file(str(tmp_path / "model.safetensors"))
    np.testing.assert_allclose(merged[WEIGHT], base + (4 / 2) * b @ a, rtol=1e-6)
    np.testing.assert_array_equal(merged["embeddings.LayerNorm.bias"], other)  # what the adapter does not touch


def test_merge_refuses_an_adapter_of_another_shape(tmp_path: Path) -> None:
    from safetensors.numpy import save_file

    _adapter(tmp_path / "ad")
    save_file({WEIGHT: np.zeros((4, 4), dtype=np.float32)}, str(tmp_path / "model.safetensors"))
    with pytest.raises(AdapterError, match="shape"):
        merge_into(tmp_path / "model.safetensors", tmp_path / "ad")


def test_changed_weights_fail_the_pinned_hash(tmp_path: Path) -> None:
    _adapter(tmp_path / "ad")
    assert verified(tmp_path / "ad") == adapter_sha256(tmp_path / "ad")
    raw = bytearray((tmp_path / "ad" / "adapter_model.safetensors").read_bytes())
    raw[-1] ^= 0xFF
    (tmp_path / "ad" / "adapter_model.safetensors").write_bytes(bytes(raw))
    with pytest.raises(AdapterError, match="differs"):
        verified(tmp_path / "ad")


def test_an_adapter_without_low_rank_weights_is_refused(tmp_path: Path) -> None:
    from safetensors.numpy import save_file

    (tmp_path / "adapter_config.json").write_text(json.dumps({"r": 2, "lora_alpha": 4}), encoding="utf-8")
    save_file({"x": np.zeros(2, dtype=np.float32)}, str(tmp_path / "adapter_model.safetensors"))
    with pytest.raises(AdapterError, match="no LoRA"):
        deltas(tmp_path)


def test_the_shipped_adapter_is_small_pinned_and_documented() -> None:
    folder = adapter_dir(SHIPPED)
    verified(folder)
    assert (folder / "adapter_model.safetensors").stat().st_size < 8 * 2**20
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert run["pairs_sha256"] and run["hyper_parameters"]["seed"] and run["seconds"] > 0 and run["peak_rss_mb"] > 0
    held_out = set(run["data_manifest"]["held_out"])
    assert not held_out & set(run["data_manifest"]["documents"])  # whole documents held out, never pairs


def test_the_adapter_changes_the_model_id_folder_and_collection(tmp_path: Path) -> None:
    plain = Settings(data_dir=tmp_path)
    adapted = Settings(data_dir=tmp_path, embedding=EmbeddingSettings(adapter=SHIPPED))
    sha = verified(adapter_dir(SHIPPED))
    assert adapted.embedding.model_id == f"{plain.embedding.model_id}-{SHIPPED}-{sha[:8]}"
    assert adapted.collection_name != plain.collection_name
    assert adapted.embedding.model_path == tmp_path / "models" / f"e5-small-{SHIPPED}"
    assert adapted.embedding.base_model_path == plain.embedding.model_path
    again = Settings.model_validate(adapted.model_dump())
    assert again.embedding.model_id == adapted.embedding.model_id  # validated twice, suffixed once


@pytest.mark.parametrize("name", ["missing-adapter", "../etc", "Upper"])
def test_an_unknown_or_malformed_adapter_fails_at_start(name: str) -> None:
    with pytest.raises((ValidationError, AdapterError)):
        EmbeddingSettings(adapter=name)


@pytest.mark.slow
def test_the_merged_model_is_the_adapted_model(tmp_path: Path, model_dir: Path) -> None:
    """What setup merges with numpy gives the vectors peft's own adapted model gives (the real model)."""
    from peft import PeftModel
    from sentence_transformers import SentenceTransformer

    from qa_service.components.embedder_setup import CHECK_SENTENCES, adapted

    merged_dir = adapted(model_dir, tmp_path / "merged", "test-merged", SHIPPED)
    merged = SentenceTransformer(str(merged_dir), device="cpu", local_files_only=True)
    with_peft = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    with_peft[0].model = PeftModel.from_pretrained(with_peft[0].model, str(adapter_dir(SHIPPED)))  # type: ignore[arg-type]
    base = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    vectors = [m.encode(CHECK_SENTENCES, prompt_name="passage", normalize_embeddings=True) for m in (merged, with_peft, base)]
    assert (vectors[0] * vectors[1]).sum(axis=1).min() > 0.9999
    assert (vectors[0] * vectors[2]).sum(axis=1).min() < 0.999  # the adapter changed something
    assert json.loads((merged_dir / "conversion.json").read_text(encoding="utf-8"))["adapter_sha256"] == verified(adapter_dir(SHIPPED))


def test_the_adapter_brings_its_own_dense_range_unless_one_is_set(tmp_path: Path) -> None:
    from qa_service.settings import AnswerSettings, EvidenceSettings

    fitted = json.loads((adapter_dir(SHIPPED) / "calibration.json").read_text(encoding="utf-8"))
    plain = Settings(data_dir=tmp_path).answer.evidence
    adapted = Settings(data_dir=tmp_path, embedding=EmbeddingSettings(adapter=SHIPPED)).answer.evidence
    assert (adapted.dense_floor, adapted.dense_ceiling) == (fitted["dense_floor"], fitted["dense_ceiling"])
    assert adapted.dense_floor < adapted.dense_ceiling and (adapted.dense_floor, adapted.dense_ceiling) != (plain.dense_floor, plain.dense_ceiling)
    chosen = Settings(data_dir=tmp_path, embedding=EmbeddingSettings(adapter=SHIPPED),
                      answer=AnswerSettings(evidence=EvidenceSettings(dense_floor=0.5))).answer.evidence
    assert chosen.dense_floor == 0.5 and chosen.dense_ceiling == fitted["dense_ceiling"]  # a value set here wins
    assert Settings(data_dir=tmp_path).answer.evidence.dense_floor == plain.dense_floor  # nothing leaked to the next
