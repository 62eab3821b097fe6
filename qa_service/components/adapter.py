"""A low-rank adapter of the embedder, shipped as a small file and merged into the converted model at setup.

The adapter is peft's LoRA output (adapter_config.json + adapter_model.safetensors, fitted by eval/adapt.py); merging
needs only numpy: W' = W + (alpha / r) · B · A for every adapted projection, so the merged folder has the base
architecture and runs through the same ONNX export and int8 quantization. Its sha256 is pinned in the folder's
checksum file and is part of the model id, so vectors of another adapter (or of none) are never mixed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

ADAPTERS = Path(__file__).resolve().parent.parent / "resources" / "adapters"
FILES = ("adapter_config.json", "adapter_model.safetensors")
PREFIX = "base_model.model."


class AdapterError(ValueError):  # a ValueError: pydantic reports it as the setting's validation error
    pass


def adapter_dir(name: str) -> Path:
    return ADAPTERS / name


def adapter_sha256(folder: Path) -> str:
    """One hash over the adapter's config and weights, in a fixed order."""
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(name.encode())
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()


def verified(folder: Path) -> str:
    """The adapter's hash, after checking it against the one committed beside it."""
    if not all((folder / f).exists() for f in FILES):
        raise AdapterError(f"{folder}: adapter files missing ({', '.join(FILES)})")
    actual = adapter_sha256(folder)
    pinned = (folder / "sha256").read_text(encoding="utf-8").split()[0] if (folder / "sha256").exists() else ""
    if pinned != actual:
        raise AdapterError(f"{folder}: sha256 {actual[:12]} differs from the pinned {pinned[:12] or '(none)'}")
    return actual


def deltas(folder: Path) -> dict[str, np.ndarray]:
    """Base-model weight name -> the adapter's (alpha / r) · B · A for it."""
    from safetensors.numpy import load_file

    config = json.loads((folder / "adapter_config.json").read_text(encoding="utf-8"))
    scale = float(config["lora_alpha"]) / float(config["r"])
    tensors = load_file(str(folder / "adapter_model.safetensors"))
    out: dict[str, np.ndarray] = {}
    for key, a in tensors.items():
        if ".lora_A." not in key:
            continue
        b = tensors[key.replace(".lora_A.", ".lora_B.")]
        target = key.removeprefix(PREFIX).replace(".lora_A.weight", ".weight")
        out[target] = scale * (b.astype(np.float64) @ a.astype(np.float64)).astype(np.float32)
    if not out:
        raise AdapterError(f"{folder}: no LoRA weights")
    return out


def merge_into(model_file: Path, folder: Path) -> int:
    """Add the adapter's deltas to the weights of a converted model.safetensors, in place; returns how many."""
    from safetensors.numpy import load_file, save_file

    weights = load_file(str(model_file))
    changes = deltas(folder)
    missing = sorted(set(changes) - set(weights))
    if missing:
        raise AdapterError(f"adapter weights with no base weight: {missing[:3]}")
    for name, delta in changes.items():
        if weights[name].shape != delta.shape:
            raise AdapterError(f"{name}: adapter shape {delta.shape} vs {weights[name].shape}")
        weights[name] = weights[name] + delta
    save_file(weights, str(model_file), metadata={"format": "pt"})
    return len(changes)
