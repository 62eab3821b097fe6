"""OpenAI-compatible API: any OpenAI client (base_url …/v1, any api_key) asks the service as a chat model.

A thin layer over POST /ask: one model per answer mode; the last user message is the question and the earlier
user and assistant messages its history; the content is the checked answer with its sources (api/plain.py), the
citations ride in extra fields. Streaming sends OpenAI's `chat.completion.chunk`s of the checked answer: a
written-out answer is streamed once verified, never token by token, since a chunk cannot be taken back.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, Literal

from fastapi import APIRouter, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import ValidationError

from qa_service.api.convert import ask_response
from qa_service.api.deps import AnswererDep, ComponentsDep, ConversationsDep, GenerativeDep, OwnerDep, SettingsDep
from qa_service.api.errors import request_id
from qa_service.api.plain import answer_text, answer_turn
from qa_service.api.routers.ask import answer_events
from qa_service.api.routers.ask import ask as ask_route
from qa_service.api.schemas import AskRequest, AskResponse, HistoryTurn, error_responses
from qa_service.api.schemas.openai import (
    AnswerMessage,
    ChatCompletion,
    ChatCompletionRequest,
    ChatMessage,
    Choice,
    ModelList,
    ModelOut,
    OpenAIError,
    OpenAIErrorBody,
)
from qa_service.errors import QAError
from qa_service.resources import msg
from qa_service.services.citations import Citations
from qa_service.services.generative import Event, FinalEvent, GenerativeAnswerer
from qa_service.settings import ChatSettings

router = APIRouter(prefix="/v1", tags=["openai"])
log = logging.getLogger("qa_service.openai")

Mode = Literal["extractive", "generative"]
# model id -> answer mode
MODELS: dict[str, Mode] = {"hoi-dap-extractive": "extractive", "hoi-dap-generative": "generative"}
DESCRIPTIONS = {
    "extractive": "Trả lời bằng trích dẫn nguyên văn / answers with verbatim quotes (fast)",
    "generative": "Trả lời diễn giải bởi mô hình cục bộ, đã kiểm chứng / written out by the local LLM, checked",
}
MAX_HISTORY_DOCUMENTS = 20  # HistoryTurn.documents' bound
KEEPALIVE_S = 10.0  # a comment line while the model writes, so proxies keep a quiet stream open

UNKNOWN_MODEL: dict[int | str, dict[str, Any]] = {404: {"model": OpenAIErrorBody, "description": "unknown model, in OpenAI's error shape / không có mô hình này"}}
STREAM_DOC = """With `stream: true`: server-sent `chat.completion.chunk`s (the role, the answer line by line, a last
chunk with `finish_reason: "stop"` and the extra fields `citations`, `answered`, `suggestions`), then
`data: [DONE]`. A failure after the first chunk is an in-band `data: {"error": {…}}`."""


def _available(generative: GenerativeAnswerer) -> list[str]:
    return [model for model, mode in MODELS.items() if mode != "generative" or generative.available]


def _model_out(model: str) -> ModelOut:
    return ModelOut(id=model, description=DESCRIPTIONS[MODELS[model]])


def _unknown_model(request: Request, model: str, available: list[str]) -> JSONResponse:
    """404 in OpenAI's error shape (its clients read `error.message`), with the message in both languages."""
    m = msg("errors", "unknown_model")
    vi, en = (m[lang].format(model=model[:100], models=", ".join(available)) for lang in ("vi", "en"))
    rid = request_id(request)
    error = OpenAIError(message=en, type="invalid_request_error", param="model", code="model_not_found", message_vi=vi, message_en=en)
    body = OpenAIErrorBody(error=error, request_id=rid)
    return JSONResponse(status_code=404, content=body.model_dump(mode="json"), headers={"X-Request-ID": rid})


@router.get("/models", response_model=ModelList, summary="Mô hình = chế độ trả lời / models: one per answer mode")
def list_models(generative: GenerativeDep) -> ModelList:
    return ModelList(data=[_model_out(m) for m in _available(generative)])


@router.get("/models/{model}", response_model=ModelOut, responses={**UNKNOWN_MODEL, **error_responses(422)}, summary="Một mô hình / one model")
def get_model(request: Request, generative: GenerativeDep, model: str = Path(..., max_length=200)) -> ModelOut | Response:
    available = _available(generative)
    return _model_out(model) if model in available else _unknown_model(request, model, available)


def _history_turn(message: ChatMessage, text: str) -> HistoryTurn:
    if message.role == "assistant":
        answer, documents = answer_turn(text)
        return HistoryTurn(role="assistant", content=answer, documents=documents[:MAX_HISTORY_DOCUMENTS])
    return HistoryTurn(role="user", content=text)


def ask_request(body: ChatCompletionRequest, mode: Mode, limits: ChatSettings) -> AskRequest:
    """The chat as /ask's request, its size checked first (413) so an oversized chat costs no work."""
    if len(body.messages) > limits.max_messages:
        raise QAError("too_many_messages", status=413, max=limits.max_messages)
    texts = [m.text() for m in body.messages]
    if sum(len(t) for t in texts if t) > limits.max_chars:
        raise QAError("chat_too_long", status=413, max=limits.max_chars)
    question = texts[-1]
    if body.messages[-1].role != "user" or not question:
        raise QAError("no_user_question", status=422)
    # system and developer messages are not the service's instructions; tool messages are not turns
    earlier = [(m, t) for m, t in zip(body.messages[:-1], texts[:-1], strict=True) if m.role in ("user", "assistant") and t]
    try:
        history = [_history_turn(m, t) for m, t in earlier]
        return AskRequest(question=question, history=history or None, mode=mode)
    except ValidationError as exc:  # the question's own rules (length, a word): /ask's 422 and message
        raise RequestValidationError(exc.errors()) from None


def completion(response: AskResponse, model: str) -> ChatCompletion:
    return ChatCompletion(
        id=f"chatcmpl-{uuid.uuid4().hex}",
        created=int(time.time()),
        model=model,
        choices=[Choice(message=AnswerMessage(content=answer_text(response)))],
        citations=response.citations,
        answered=response.answered,
        suggestions=[] if response.answered else response.suggestions,
    )


def _chunk(head: dict[str, object], delta: dict[str, str], finish: str | None = None, **extra: object) -> str:
    choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
    return f"data: {json.dumps({**head, 'choices': [choice], **extra}, ensure_ascii=False)}\n\n"


def _chunks(events: Iterator[Event], model: str, to_response: Callable[[FinalEvent], AskResponse], rid: str) -> Iterator[str]:
    head: dict[str, object] = {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
    yield _chunk(head, {"role": "assistant", "content": ""})
    quiet_since = time.monotonic()
    try:
        for event in events:
            if isinstance(event, FinalEvent):
                final = completion(to_response(event), model)
                for line in final.choices[0].message.content.splitlines(keepends=True):
                    yield _chunk(head, {"content": line})
                extra = final.model_dump(mode="json", include={"citations", "answered", "suggestions"})
                yield _chunk(head, {}, "stop", **extra)
            elif time.monotonic() - quiet_since > KEEPALIVE_S:
                quiet_since = time.monotonic()
                yield ": keep-alive\n\n"
        yield "data: [DONE]\n\n"
    except Exception:  # headers are sent: report in-band (the OpenAI client raises it), never the exception's text
        log.exception("chat stream failed (request %s)", rid)
        m = msg("errors", "generation_failed")
        error = OpenAIError(message=m["en"], type="server_error", code="generation_failed", message_vi=m["vi"], message_en=m["en"])
        yield f"data: {OpenAIErrorBody(error=error, request_id=rid).model_dump_json()}\n\n"
    finally:
        close = getattr(events, "close", None)
        if close:
            close()


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={200: {"content": {"text/event-stream": {}}}, **UNKNOWN_MODEL, **error_responses(413, 422, 503)},
    summary="Hỏi như một mô hình chat OpenAI / ask as an OpenAI chat model",
    description=STREAM_DOC,
)
def chat_completions(
    body: ChatCompletionRequest,
    request: Request,
    settings: SettingsDep,
    components: ComponentsDep,
    answerer: AnswererDep,
    generative: GenerativeDep,
    conversations: ConversationsDep,
    owner: OwnerDep,
) -> ChatCompletion | Response:
    available = _available(generative)
    if body.model not in available:
        return _unknown_model(request, body.model, available)
    ask_body = ask_request(body, MODELS[body.model], settings.chat)
    if not body.stream:
        return completion(ask_route(ask_body, components, answerer, generative, conversations, owner), body.model)
    history = [h.as_turn() for h in ask_body.history] if ask_body.history else None
    # retrieval and taking the model happen here, before the first chunk: «busy» is still a plain 503
    events = answer_events(ask_body, history, components, answerer, generative)
    documents = Citations(components.registry)
    rid = request_id(request)
    body_stream = _chunks(events, body.model, lambda final: ask_response(final.result, documents), rid)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "X-Request-ID": rid}
    return StreamingResponse(body_stream, media_type="text/event-stream", headers=headers)
