from __future__ import annotations

from fastapi import APIRouter

from qa_service.api.deps import ComponentsDep, GenerativeDep
from qa_service.api.schemas import MAX_QUESTION, GenerativeStatusOut, Health, LimitsOut
from qa_service.components.index_model import index_model_state

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Tình trạng dịch vụ / service health")
def health(components: ComponentsDep, generative: GenerativeDep) -> Health:
    documents, chunks = components.registry.counts()
    status = GenerativeStatusOut(
        available=generative.available,
        reason=generative.status.reason,  # type: ignore[arg-type]
        model=generative.generator.model_id if generative.generator else None,
    )
    state = index_model_state(components.registry, components.store, components.embedder.model_id)
    return Health(
        status="ok", documents=documents, chunks=chunks, vectors=state.vectors,
        embedding_model=components.embedder.model_id, generative=status,
        reembed_needed=state.needs_reembedding, other_embedding_models=state.other_models,
        limits=LimitsOut(max_question_chars=MAX_QUESTION, max_upload_mb=components.settings.admin.max_upload_mb),
    )
