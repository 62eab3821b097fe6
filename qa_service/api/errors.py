"""Errors as JSON with a message in Vietnamese and English and a request id;
never a stack trace or an exception's text."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

from qa_service.api.account_gate import AccountGate
from qa_service.api.admin_gate import AdminGate
from qa_service.api.limits import BodyLimit, BodySpool, HeaderLimit
from qa_service.api.schemas import MAX_QUESTION
from qa_service.errors import QAError, TooManyAttempts
from qa_service.resources import msg

log = logging.getLogger("qa_service")


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
            if kind in {"string_too_short", "string_pattern_mismatch", "value_error", "missing"}:
                m = msg("errors", "empty_question")
                return m["vi"], m["en"]
    m = msg("errors", "validation")
    return m["vi"], m["en"]


def _allowed_methods(request: Request) -> list[str]:
    """Asks the router itself, method by method: routes of one path may live in several routers."""
    allowed = []
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return allowed


def install(app: FastAPI, routes: Sequence[BaseRoute]) -> None:
    """Error handlers and the wire's limits; `routes`: every route the app serves (the admin gate guards some)."""

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

    # the wire's limits, outermost last (qa_service/api/limits.py): headers, declared length, session (accounts mode),
    # admin token, then the body
    app.add_middleware(BodySpool)
    app.add_middleware(AdminGate, routes=routes)
    app.add_middleware(AccountGate, routes=routes)
    app.add_middleware(BodyLimit)
    app.add_middleware(HeaderLimit)

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        vi, en = _validation_message(list(errors))
        details = [{"loc": [str(x) for x in e.get("loc", ())], "type": str(e.get("type", ""))} for e in errors]
        return _body(request, 422, "validation_error", vi, en, details)

    @app.exception_handler(QAError)
    async def on_qa_error(request: Request, exc: QAError) -> JSONResponse:
        response = _body(request, exc.status, exc.code, exc.message_vi, exc.message_en, getattr(exc, "details", None))
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # the only 400 FastAPI raises is a body it could not parse (100k-deep JSON): malformed JSON, 422
            m = msg("errors", "invalid_json")
            return _body(request, 422, "validation_error", m["vi"], m["en"], [{"loc": ["body"], "type": "json_invalid"}])
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        m = msg("errors", code)
        response = _body(request, exc.status_code, code, m["vi"], m["en"])
        if exc.status_code == 405:  # every method the address takes, across the routes that share it
            response.headers["Allow"] = ", ".join(_allowed_methods(request))
        return response

    @app.exception_handler(Exception)
    async def on_any(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error (request %s)", request_id(request))
        m = msg("errors", "internal")
        return _body(request, 500, "internal_error", m["vi"], m["en"])
