"""Errors as JSON with a message in Vietnamese and English and a request id;
never a stack trace or an exception's text."""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from qa_service.api.deps import ServiceNotReady
from qa_service.api.schemas import MAX_QUESTION
from qa_service.resources import msg
from qa_service.services.retrieval import UnknownDocument

log = logging.getLogger("qa_service")


class ApiError(Exception):
    def __init__(self, status: int, code: str, vi: str, en: str) -> None:
        self.status, self.code, self.vi, self.en = status, code, vi, en


def request_id(request: Request) -> str:
    rid = getattr(request.state, "request_id", None)
    if rid is None:
        rid = uuid.uuid4().hex[:12]
        request.state.request_id = rid
    return rid


def _body(request: Request, status: int, code: str, vi: str, en: str, details: list | None = None) -> JSONResponse:
    rid = request_id(request)
    content: dict[str, object] = {"error": code, "message_vi": vi, "message_en": en, "request_id": rid}
    if details is not None:
        content["details"] = details
    return JSONResponse(status_code=status, content=content, headers={"X-Request-ID": rid})


def _validation_message(errors: list[dict]) -> tuple[str, str]:
    for err in errors:
        loc = [str(x) for x in err.get("loc", ())]
        kind = err.get("type", "")
        if kind == "json_invalid":
            m = msg("errors", "invalid_json")
            return m["vi"], m["en"]
        if loc and loc[-1] in {"question", "query"}:
            if kind in {"string_too_long"}:
                m = msg("errors", "too_long")
                return m["vi"].format(max=MAX_QUESTION), m["en"].format(max=MAX_QUESTION)
            if kind in {"string_too_short", "value_error", "missing"}:
                m = msg("errors", "empty_question")
                return m["vi"], m["en"]
    m = msg("errors", "validation")
    return m["vi"], m["en"]


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def add_request_id(request: Request, call_next):  # type: ignore[no-untyped-def]
        rid = request_id(request)
        try:
            response = await call_next(request)
        except Exception:  # the last line of defence: log it, answer without details
            log.exception("unhandled error (request %s)", rid)
            m = msg("errors", "internal")
            return _body(request, 500, "internal_error", m["vi"], m["en"])
        response.headers["X-Request-ID"] = rid
        return response

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        vi, en = _validation_message(list(errors))
        details = [{"loc": [str(x) for x in e.get("loc", ())], "type": str(e.get("type", ""))} for e in errors]
        return _body(request, 422, "validation_error", vi, en, details)

    @app.exception_handler(UnknownDocument)
    async def on_unknown_doc(request: Request, exc: UnknownDocument) -> JSONResponse:
        m = msg("errors", "unknown_document")
        ids = ", ".join(exc.doc_ids)[:200]
        return _body(request, 404, "unknown_document", m["vi"].format(ids=ids), m["en"].format(ids=ids))

    @app.exception_handler(ApiError)
    async def on_api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _body(request, exc.status, exc.code, exc.vi, exc.en)

    @app.exception_handler(ServiceNotReady)
    async def on_not_ready(request: Request, exc: ServiceNotReady) -> JSONResponse:
        m = msg("errors", "not_ready")
        return _body(request, 503, "not_ready", m["vi"], m["en"])

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            return _body(request, 404, "not_found", "Không tìm thấy địa chỉ này.", "Not found.")
        if exc.status_code == 405:
            return _body(request, 405, "method_not_allowed", "Phương thức không được hỗ trợ.", "Method not allowed.")
        return _body(request, exc.status_code, "http_error", "Yêu cầu không hợp lệ.", "Bad request.")

    @app.exception_handler(Exception)
    async def on_any(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error (request %s)", request_id(request))
        m = msg("errors", "internal")
        return _body(request, 500, "internal_error", m["vi"], m["en"])
