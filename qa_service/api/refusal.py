"""A refusal sent from the ASGI layer, before any route runs: the same JSON body as every other error
(`{error, message_vi, message_en, request_id}`), and `Connection: close` so the server reads no further."""

from __future__ import annotations

import uuid

from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from qa_service.errors import QAError


async def refuse(scope: Scope, receive: Receive, send: Send, error: QAError, headers: dict[str, str] | None = None) -> None:
    rid = uuid.uuid4().hex[:12]
    content = {"error": error.code, "message_vi": error.message_vi, "message_en": error.message_en, "request_id": rid}
    # Connection: close, so the server does not read on through a body nobody will look at
    response = JSONResponse(
        status_code=error.status, content=content, headers={"X-Request-ID": rid, "Connection": "close", **(headers or {})}
    )
    await response(scope, receive, send)
