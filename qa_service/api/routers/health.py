from __future__ import annotations

from fastapi import APIRouter, Depends

from qa_service.api.deps import get_components
from qa_service.api.schemas import Health
from qa_service.components.bundle import Components

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Tình trạng dịch vụ / service health")
def health(components: Components = Depends(get_components)) -> Health:
    documents, chunks = components.registry.counts()
    return Health(status="ok", documents=documents, chunks=chunks, embedding_model=components.embedder.model_id)
