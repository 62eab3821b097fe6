"""Whether the index was embedded with the model now loaded.

Vectors live in a collection named after the model id (Settings.collection_name), so after a model change (an
adapter added or removed) the registry still lists every passage while this model's collection lacks their vectors.
That is reported (/health, the ingest CLI) with the command that re-embeds; nothing is re-embedded silently and no
vector of another model is ever searched."""

from __future__ import annotations

from dataclasses import dataclass, field

from qa_service.components.protocols import DenseStore, DocumentRegistry


@dataclass(frozen=True)
class IndexModelState:
    model_id: str
    chunks: int
    vectors: int
    other_models: list[str] = field(default_factory=list)

    @property
    def needs_reembedding(self) -> bool:
        # more vectors than passages is normal between embedding and commit; fewer means another model embedded them
        return self.vectors < self.chunks


def index_model_state(registry: DocumentRegistry, store: DenseStore, model_id: str) -> IndexModelState:
    _, chunks = registry.counts()
    vectors = store.count()
    others = store.other_models() if vectors < chunks else []
    return IndexModelState(model_id, chunks, vectors, others)
