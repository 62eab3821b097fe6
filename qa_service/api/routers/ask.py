from __future__ import annotations

from fastapi import APIRouter, Depends

from qa_service.api.convert import citation_out, hit_out
from qa_service.api.deps import get_answerer, get_components
from qa_service.api.schemas import AskRequest, AskResponse
from qa_service.components.bundle import Components
from qa_service.services.answer import ExtractiveAnswerer

router = APIRouter(tags=["ask"])


@router.post("/ask", response_model=AskResponse, summary="Hỏi và nhận câu trả lời có trích dẫn / ask with citations")
def ask(
    body: AskRequest,
    components: Components = Depends(get_components),
    answerer: ExtractiveAnswerer = Depends(get_answerer),
) -> AskResponse:
    history = [h.model_dump() for h in body.history] if body.history else None
    result = answerer.answer(body.question, body.top_k, body.doc_ids, history)
    return AskResponse(
        answer=result.answer,
        answered=result.answered,
        citations=[citation_out(c, components.registry) for c in result.citations],
        suggestions=[hit_out(h, components.registry) for h in result.suggestions],
        standalone_question=result.standalone_question,
        took_ms=result.took_ms,
    )
