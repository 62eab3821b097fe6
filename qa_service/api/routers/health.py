from __future__ import annotations

from fastapi import APIRouter, Depends

from qa_service.api.deps import get_components, get_generative
from qa_service.api.schemas import MAX_QUESTION, GenerativeStatusOut, Health, LimitsOut
from qa_service.components.bundle import Components
from qa_service.services.generative import GenerativeAnswerer

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Tình trạng dịch vụ / service health")
def health(
    components: Components = Depends(get_components), generative: GenerativeAnswerer = Depends(get_generative)
) -> Health:
    documents, chunks = components.registry.counts()
    status = GenerativeStatusOut(
        available=generative.available,
        reason=generative.status.reason,  # type: ignore[arg-type]
        model=generative.generator.model_id if generative.generator else None,
    )
    return Health(
        status="ok", documents=documents, chunks=chunks, vectors=components.store.count(),
        embedding_model=components.embedder.model_id, generative=status,
        limits=LimitsOut(max_question_chars=MAX_QUESTION, max_upload_mb=components.settings.admin.max_upload_mb),
    )
