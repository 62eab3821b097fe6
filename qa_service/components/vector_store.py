"""Dense index: Chroma, reached through llama-index's ChromaVectorStore.

Embedded (PersistentClient) by default; `QA__VECTOR_STORE__MODE=http` uses a
Chroma server. Nodes carry only ids in metadata: text and citations live in
the registry, so what the user sees never depends on what Chroma stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from qa_service.settings import Settings

if TYPE_CHECKING:
    from chromadb.api.types import Where

# llama-index writes its own «doc_id» (the node's source, None here) over ours: use a key of our own
DOC_KEY = "qa_doc_id"
# the hash of the text a vector was embedded from, with the model's id (pipeline.embedding_key): another chunk with
# the same text takes this vector instead of embedding it again
TEXT_KEY = "qa_text_key"


@dataclass
class DenseHit:
    chunk_id: str
    score: float


class ChromaDenseStore:
    def __init__(self, settings: Settings) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if settings.vector_store.mode == "http":
            self._client = chromadb.HttpClient(
                host=settings.vector_store.host, port=settings.vector_store.port, settings=chroma_settings
            )
        else:
            settings.chroma_dir.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
        self.collection = self._client.get_or_create_collection(
            settings.collection_name, metadata={"hnsw:space": "cosine", "dim": settings.embedding.dim}
        )
        # vectors of previous versions (replaced or deleted documents), kept out of search until restored
        self.previous = self._client.get_or_create_collection(
            f"{settings.collection_name}-previous", metadata={"hnsw:space": "cosine", "dim": settings.embedding.dim}
        )
        self._store: Any = None

    @property
    def store(self) -> Any:
        """llama-index's ChromaVectorStore over our collection, built on first use (its import costs ~2 s)."""
        if self._store is None:
            from llama_index.vector_stores.chroma import ChromaVectorStore

            self._store = ChromaVectorStore(chroma_collection=self.collection)
        return self._store

    def existing_ids(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 1000):
            part = ids[start : start + 1000]
            found.update(self.collection.get(ids=part, include=[])["ids"])
        return found

    def all_ids(self, previous: bool = False) -> set[str]:
        collection = self.previous if previous else self.collection
        out: set[str] = set()
        offset = 0
        while True:
            batch = collection.get(include=[], limit=5000, offset=offset)["ids"]
            out.update(batch)
            if len(batch) < 5000:
                return out
            offset += 5000

    def vectors_by_key(self, keys: list[str]) -> dict[str, np.ndarray]:
        """A stored vector for each of these text keys that has one (`TEXT_KEY`); any of several equal ones."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            among: dict[Literal["$in", "$nin"], list[str | int | float | bool]] = {"$in": list(keys[start : start + 500])}
            where: Where = {TEXT_KEY: among}
            got = self.collection.get(where=where, include=["embeddings", "metadatas"])
            embeddings = got["embeddings"] if got["embeddings"] is not None else []
            for meta, vector in zip(got["metadatas"] or [], embeddings, strict=False):
                found.setdefault(str((meta or {})[TEXT_KEY]), np.asarray(vector, dtype=np.float32))
        return found

    def upsert(self, items: list[tuple[str, str, np.ndarray]], text_keys: list[str] | None = None) -> None:
        """items: (chunk_id, doc_id, vector); `text_keys`, one per item, lets a later chunk of the same text reuse it."""
        from llama_index.core.schema import BaseNode, TextNode

        keys: list[str | None] = list(text_keys) if text_keys else [None] * len(items)
        nodes: list[BaseNode] = [
            TextNode(id_=chunk_id, text="", embedding=vector.tolist(),
                     metadata={DOC_KEY: doc_id, **({TEXT_KEY: key} if key else {})})
            for (chunk_id, doc_id, vector), key in zip(items, keys, strict=True)
        ]
        for start in range(0, len(nodes), 500):
            self.store.add(nodes[start : start + 500])

    def delete(self, ids: list[str], previous: bool = False) -> None:
        collection = self.previous if previous else self.collection
        for start in range(0, len(ids), 1000):
            collection.delete(ids=ids[start : start + 1000])

    def keep_previous(self, ids: list[str]) -> None:
        """Copy vectors of a version about to be replaced or deleted to the previous-versions collection."""
        self._copy(ids, self.collection, self.previous)

    def bring_back(self, ids: list[str]) -> None:
        """Copy vectors of a version being restored back into the searched collection."""
        self._copy(ids, self.previous, self.collection)

    @staticmethod
    def _copy(ids: list[str], source: Any, target: Any) -> None:
        for start in range(0, len(ids), 500):
            got = source.get(ids=ids[start : start + 500], include=["embeddings", "metadatas", "documents"])
            if len(got["ids"]):
                target.upsert(ids=got["ids"], embeddings=got["embeddings"], metadatas=got["metadatas"], documents=got["documents"])

    def query(self, vector: np.ndarray, top_k: int, doc_ids: list[str] | None = None) -> list[DenseHit]:
        from llama_index.core.vector_stores.types import (
            FilterOperator,
            MetadataFilter,
            MetadataFilters,
            VectorStoreQuery,
        )

        filters = None
        if doc_ids:
            filters = MetadataFilters(
                filters=[MetadataFilter(key=DOC_KEY, value=list(doc_ids), operator=FilterOperator.IN)]
            )
        result = self.store.query(
            VectorStoreQuery(query_embedding=vector.tolist(), similarity_top_k=top_k, filters=filters)
        )
        ids = result.ids or []
        sims = result.similarities or []
        return [DenseHit(cid, float(s)) for cid, s in zip(ids, sims, strict=False)]

    def vectors(self, ids: list[str]) -> tuple[list[str], np.ndarray]:
        """The stored vectors of these chunks (those that have one), read by id: for a few documents searched on
        nearly every question and held in memory (Chroma's filtered search costs ~86 ms on 65,248 vectors)."""
        found: list[str] = []
        rows: list[np.ndarray] = []
        for start in range(0, len(ids), 500):
            got = self.collection.get(ids=ids[start : start + 500], include=["embeddings"])
            found += list(got["ids"])
            rows += [np.asarray(v, dtype=np.float32) for v in (got["embeddings"] if got["embeddings"] is not None else [])]
        matrix = np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32)
        return found, matrix

    def backfill_doc_key(self, doc_of: dict[str, str]) -> int:
        """Vectors written before DOC_KEY existed get it, without re-embedding."""
        fixed = 0
        offset = 0
        while True:
            batch = self.collection.get(include=["metadatas"], limit=5000, offset=offset)
            ids, metas = batch["ids"], batch["metadatas"] or []
            todo = [(cid, doc_of[cid]) for cid, meta in zip(ids, metas, strict=False) if cid in doc_of and not (meta or {}).get(DOC_KEY)]
            for start in range(0, len(todo), 1000):
                part = todo[start : start + 1000]
                self.collection.update(ids=[c for c, _ in part], metadatas=[{DOC_KEY: d} for _, d in part])
            fixed += len(todo)
            if len(ids) < 5000:
                return fixed
            offset += 5000

    def count(self) -> int:
        return int(self.collection.count())

    def other_models(self) -> list[str]:
        """Collections of other embedding models (or schemes) that hold vectors: an index embedded before a model
        change. Their vectors are never searched with this model's questions."""
        names = [str(getattr(c, "name", c)) for c in self._client.list_collections()]
        own = {self.collection.name, self.previous.name}
        return sorted(
            n for n in names
            if n.startswith("chunks__") and not n.endswith("-previous") and n not in own and self._client.get_collection(n).count()
        )
