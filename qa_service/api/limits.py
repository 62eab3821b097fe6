"""Request bodies are refused over their route's limit before they are read or parsed, and before any
route (or its admin check) runs: by Content-Length when the client declares one, by counting when it
streams the body in chunks without one.
"""

from __future__ import annotations

import uuid

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qa_service.api.state import services_of
from qa_service.resources import msg
from qa_service.settings import AdminSettings, ApiSettings


def body_limit(scope: Scope) -> int:
    services = services_of(scope["app"])  # opened in the lifespan; defaults before it
    admin, api = (services.settings.admin, services.settings.api) if services else (AdminSettings(), ApiSettings())
    if scope["method"] == "POST" and scope["path"] == "/documents":
        return admin.max_upload_mb * 1024 * 1024 + 64 * 1024  # the file plus its form fields
    return api.max_body_kb * 1024


class BodyLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope)
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit():
            if int(declared) > limit:
                await self._refuse(scope, receive, send, limit)
                return
            await self.app(scope, receive, send)  # the server holds the client to the length it declared
            return
        # no declared length (chunked): read up to the limit, then hand the body on
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(scope, receive, send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        m = msg("errors", "body_too_large")
        rid = uuid.uuid4().hex[:12]
        kb = limit // 1024
        content = {"error": "body_too_large", "message_vi": m["vi"].format(kb=kb), "message_en": m["en"].format(kb=kb), "request_id": rid}
        # Connection: close, so the server does not read on through the rest of the body
        response = JSONResponse(status_code=413, content=content, headers={"X-Request-ID": rid, "Connection": "close"})
        await response(scope, receive, send)
