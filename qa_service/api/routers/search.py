from __future__ import annotations

import time

from fastapi import APIRouter

from qa_service.api.convert import hit_out
from qa_service.api.deps import ComponentsDep, RetrieverDep
from qa_service.api.schemas import SearchRequest, SearchResponse, error_responses
from qa_service.services.citations import Citations

router = APIRouter(tags=["search"])


@router.post("/search", response_model=SearchResponse, responses=error_responses(404, 422), summary="Tìm đoạn văn liên quan / search passages")
def search(body: SearchRequest, components: ComponentsDep, retriever: RetrieverDep) -> SearchResponse:
    started = time.perf_counter()
    hits = retriever.search(body.query, body.top_k, body.doc_ids)
    documents = Citations(components.registry)
    return SearchResponse(hits=[hit_out(h, documents, body.explain) for h in hits], took_ms=(time.perf_counter() - started) * 1000)
