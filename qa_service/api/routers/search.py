from __future__ import annotations

import time

from fastapi import APIRouter, Depends

from qa_service.api.convert import hit_out
from qa_service.api.deps import get_components, get_retriever
from qa_service.api.schemas import SearchRequest, SearchResponse, error_responses
from qa_service.components.bundle import Components
from qa_service.services.citations import Citations
from qa_service.services.retrieval import HybridRetriever

router = APIRouter(tags=["search"])


@router.post("/search", response_model=SearchResponse, responses=error_responses(404, 422), summary="Tìm đoạn văn liên quan / search passages")
def search(
    body: SearchRequest,
    components: Components = Depends(get_components),
    retriever: HybridRetriever = Depends(get_retriever),
) -> SearchResponse:
    started = time.perf_counter()
    hits = retriever.search(body.query, body.top_k, body.doc_ids)
    documents = Citations(components.registry)
    return SearchResponse(hits=[hit_out(h, documents, body.explain) for h in hits], took_ms=(time.perf_counter() - started) * 1000)
