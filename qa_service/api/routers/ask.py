from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from qa_service.api.convert import ask_response
from qa_service.api.deps import AnswererDep, ComponentsDep, ConversationsDep, GenerativeDep, OwnerDep
from qa_service.api.errors import request_id
from qa_service.api.schemas import AskRequest, AskResponse, error_responses
from qa_service.components.bundle import Components
from qa_service.resources import msg
from qa_service.services.answer import ExtractiveAnswerer
from qa_service.services.citations import Citations
from qa_service.services.conversations import ConversationService
from qa_service.services.generative import (
    Event,
    FinalEvent,
    GenerativeAnswerer,
    SourcesEvent,
    TokenEvent,
)

router = APIRouter(tags=["ask"])
log = logging.getLogger("qa_service.ask")

STREAM_DOC = """Server-sent events / luồng sự kiện:
`sources` (passages given to the model), `token` (text as it is written, not yet checked),
`final` (the checked answer: the same body as POST /ask; sentences that failed are in `retracted`),
`error` (message_vi / message_en). Extractive mode and refusals send only `final`."""


def _mode(body: AskRequest, components: Components) -> str:
    return body.mode or components.settings.answer.default_mode


def _history(body: AskRequest, conversations: ConversationService, owner: str) -> list[dict[str, str]] | None:
    """The request's history, else the conversation's last turns. An unknown or full conversation, or another
    client's, is refused here, before any retrieval."""
    if body.conversation_id:
        conversations.require(body.conversation_id, owner)
    if body.history:
        return [h.as_turn() for h in body.history]
    return conversations.history(body.conversation_id) if body.conversation_id else None


def _recorded(body: AskRequest, response: AskResponse, conversations: ConversationService, owner: str) -> AskResponse:
    if body.conversation_id:
        turn = conversations.record(body.conversation_id, owner, body.question, response.model_dump(mode="json"))
        response = response.model_copy(update={"conversation_id": body.conversation_id, "turn": turn})
    return response


def answer_events(
    body: AskRequest,
    history: list[dict[str, str]] | None,
    components: Components,
    answerer: ExtractiveAnswerer,
    generative: GenerativeAnswerer,
) -> Iterator[Event]:
    """The answer as events, in the requested mode. Retrieval and taking the model happen here, before
    any event, so «busy» / «unavailable» are plain 503 responses for /ask and /ask/stream alike (and for the
    OpenAI-compatible chat, which answers through here too)."""
    if _mode(body, components) == "generative":
        return generative.stream(body.question, body.top_k, body.doc_ids, history)
    return iter([FinalEvent(answerer.answer(body.question, body.top_k, body.doc_ids, history))])


@router.post("/ask", response_model=AskResponse, responses=error_responses(404, 409, 422, 503), summary="Hỏi và nhận câu trả lời có trích dẫn / ask with citations")
def ask(
    body: AskRequest,
    components: ComponentsDep,
    answerer: AnswererDep,
    generative: GenerativeDep,
    conversations: ConversationsDep,
    owner: OwnerDep,
) -> AskResponse:
    history = _history(body, conversations, owner)
    # consumed to the end, so a generation releases the model before the response is sent
    finals = [e.result for e in answer_events(body, history, components, answerer, generative) if isinstance(e, FinalEvent)]
    return _recorded(body, ask_response(finals[-1], Citations(components.registry)), conversations, owner)


def _sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post(
    "/ask/stream",
    summary="Hỏi, nhận câu trả lời dần dần (SSE) / ask, streamed as server-sent events",
    description=STREAM_DOC,
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}, **error_responses(404, 409, 422, 503)},
)
def ask_stream(
    body: AskRequest,
    request: Request,
    components: ComponentsDep,
    answerer: AnswererDep,
    generative: GenerativeDep,
    conversations: ConversationsDep,
    owner: OwnerDep,
) -> StreamingResponse:
    events = answer_events(body, _history(body, conversations, owner), components, answerer, generative)
    rid = request_id(request)

    def body_stream() -> Iterator[str]:
        try:
            for event in events:
                if isinstance(event, SourcesEvent):
                    sources = [
                        {
                            "n": s.n,
                            "chunk_id": s.chunk.chunk_id,
                            "doc_id": s.chunk.doc_id,
                            "label": s.label,
                            "heading": s.heading,
                            "text": s.text,
                        }
                        for s in event.sources
                    ]
                    yield _sse("sources", {"sources": sources})
                elif isinstance(event, TokenEvent):
                    yield _sse("token", {"text": event.text})
                else:
                    final = _recorded(body, ask_response(event.result, Citations(components.registry)), conversations, owner)
                    yield _sse("final", final.model_dump(mode="json"))
        except Exception:  # headers are sent: report in-band, never the exception's text
            log.exception("stream failed (request %s)", rid)
            m = msg("errors", "generation_failed")
            yield _sse("error", {"error": "generation_failed", "message_vi": m["vi"], "message_en": m["en"], "request_id": rid})
        finally:
            close = getattr(events, "close", None)
            if close:
                close()

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "X-Request-ID": rid}
    return StreamingResponse(body_stream(), media_type="text/event-stream", headers=headers)
