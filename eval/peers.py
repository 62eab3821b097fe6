"""What a user would pick instead, on the same questions and the same embedding model:
(a) llama-index defaults (SimpleDirectoryReader + VectorStoreIndex, default splitter),
(b) plain BM25 (rank_bm25) over paragraphs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from qa_service.components.embedder import Embedder


class LlamaIndexDefaults:
    name = "llama-index defaults"

    def __init__(self, paths: list[Path], embedder: Embedder) -> None:
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
        from llama_index.core.embeddings import BaseEmbedding

        class _Adapter(BaseEmbedding):
            """Our model behind llama-index's embedding interface (prefixes included)."""

            def _get_query_embedding(self, query: str) -> list[float]:
                return embedder.embed_query(query).tolist()  # type: ignore[no-any-return]

            async def _aget_query_embedding(self, query: str) -> list[float]:
                return self._get_query_embedding(query)

            def _get_text_embedding(self, text: str) -> list[float]:
                return embedder.embed_batch([text])[0].tolist()  # type: ignore[no-any-return]

            def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
                return embedder.embed_batch(texts).tolist()  # type: ignore[no-any-return]

        LlamaSettings.embed_model = _Adapter(model_name="e5-small", embed_batch_size=16)
        files = [str(p) for p in paths]
        documents = SimpleDirectoryReader(input_files=files).load_data()
        self.index = VectorStoreIndex.from_documents(documents)

    def search(self, query: str, top_k: int) -> list[str]:
        retriever = self.index.as_retriever(similarity_top_k=top_k)
        return [n.node.get_content() for n in retriever.retrieve(query)]


class PlainBM25:
    name = "BM25 (rank_bm25, paragraphs)"

    def __init__(self, paths: list[Path]) -> None:
        from rank_bm25 import BM25Okapi

        self.paragraphs: list[str] = []
        for path in paths:
            text = path.read_text(encoding="utf-8")
            self.paragraphs.extend(p.strip() for p in re.split(r"\n\s*\n", text) if p.strip())
        self.bm25 = BM25Okapi([self._tokens(p) for p in self.paragraphs])

    @staticmethod
    def _tokens(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    def search(self, query: str, top_k: int) -> list[str]:
        scores = self.bm25.get_scores(self._tokens(query))
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[:top_k]
        return [self.paragraphs[i] for i in order]


def ours(retriever: Any, name: str) -> Any:
    class _Ours:
        def __init__(self) -> None:
            self.name = name

        def search(self, query: str, top_k: int) -> list[str]:
            return [h.chunk.text for h in retriever.search(query, top_k)]

        def follow_up(self, question: str, history: list[dict[str, str]], top_k: int) -> list[str]:
            """A question asked after others, read as /ask reads it: rewritten, kept to the conversation's document."""
            from qa_service.services.query import parse_question
            from qa_service.services.topic import keep_to_topic

            c = retriever.c
            query = keep_to_topic(parse_question(question, c.registry, history, None, segmenter=c.segmenter, readers=c.readers), history, c.document_lexical)
            return [h.chunk.text for h in retriever.retrieve(query, top_k)]

    return _Ours()
