"""What a request may cost before any route runs, checked in the ASGI layer, outermost first:

1. `HeaderLimit`: the request line and headers, by size and by count (431).
2. `BodyLimit`: a body whose declared Content-Length is over its route's limit is refused unread (413).
3. the accounts gate (qa_service/api/account_gate.py, `QA__AUTH__MODE=accounts` only): the session token, from the
   headers; then the admin gate (qa_service/api/admin_gate.py): the admin token. Both before a byte of the body is read.
4. `BodySpool`: a body streamed in chunks without a declared length is counted as it arrives and spooled to a
   temporary file (in memory only up to 1 MB), refused the moment it passes the limit; the route then reads the file.

A body with a declared length is held to it by the server and read by the route as it streams (multipart file parts
go to temporary files too), so no request body is ever held whole in memory.
"""

from __future__ import annotations

import logging
import tempfile
from typing import IO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qa_service.api.refusal import refuse
from qa_service.api.state import services_of
from qa_service.errors import QAError
from qa_service.settings import AdminSettings, ApiSettings

log = logging.getLogger("qa_service.limits")

_SPOOL_IN_MEMORY = 1024 * 1024  # a chunked body stays in memory up to this, then goes to a temporary file
_REPLAY_CHUNK = 64 * 1024


def sections(scope: Scope) -> tuple[AdminSettings, ApiSettings]:
    services = services_of(scope["app"])  # opened in the lifespan; defaults before it
    return (services.settings.admin, services.settings.api) if services else (AdminSettings(), ApiSettings())


def is_upload(scope: Scope) -> bool:
    return bool(scope["method"] == "POST" and scope["path"] == "/documents")


def body_limit(scope: Scope) -> int:
    admin, api = sections(scope)
    if is_upload(scope):
        return admin.max_upload_mb * 1024 * 1024 + 64 * 1024  # the file plus its form fields
    return api.max_body_kb * 1024


def header_value(scope: Scope, name: bytes) -> bytes:
    return next((value for key, value in scope["headers"] if key == name), b"")


class HeaderLimit:
    """h11 refuses a head it is still waiting for once it passes the size (400), but a whole head that arrives in one
    read reaches the app however big it is (a 70 KB header, 3,000 small ones): counted here, whatever the
    segmentation."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            api = sections(scope)[1]
            headers = scope["headers"]
            size = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
            size += sum(len(name) + len(value) + 4 for name, value in headers)  # «name: value\r\n»
            if len(headers) > api.max_headers or size > api.max_header_kb * 1024:
                error = QAError("headers_too_large", status=431, n=api.max_headers, kb=api.max_header_kb)
                await refuse(scope, receive, send, error)
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """A declared Content-Length over the route's limit: 413 on the header alone, nothing of the body read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            declared = header_value(scope, b"content-length")
            limit = body_limit(scope)
            if declared.isdigit() and int(declared) > limit:
                await refuse(scope, receive, send, QAError("body_too_large", status=413, kb=limit // 1024))
                return
        await self.app(scope, receive, send)


class BodySpool:
    """A chunked body (no declared length): counted into a temporary file as it arrives, refused past the limit,
    then handed to the route from the file."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or b"chunked" not in header_value(scope, b"transfer-encoding").lower():
            await self.app(scope, receive, send)  # no body, or one the server holds to its declared length
            return
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY) as spool:
            try:
                size = await _spool(spool, receive, body_limit(scope))
            except QAError as error:
                await refuse(scope, receive, send, error)
                return
            if size is None:
                return  # the client went away
            spool.seek(0)
            await self.app(scope, _replay(spool, size, receive), send)


async def _spool(spool: IO[bytes], receive: Receive, limit: int) -> int | None:
    """Read the whole body into `spool`: its size, or None when the client disconnected. Raises a QAError past the
    limit (413) or when the disk is full (507)."""
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise QAError("body_too_large", status=413, kb=limit // 1024)
        try:
            spool.write(chunk)
        except OSError as exc:  # ENOSPC on the temporary directory: logged here, the client gets its own words
            log.warning("request body not spooled: %s", exc)
            raise QAError("storage_full", status=507) from exc
        if not message.get("more_body", False):
            return size


def _replay(spool: IO[bytes], size: int, receive: Receive) -> Receive:
    done = False

    async def replay() -> Message:
        nonlocal done
        if done:
            return await receive()  # after the body: the disconnect, when it comes
        chunk = spool.read(_REPLAY_CHUNK)
        done = spool.tell() >= size
        return {"type": "http.request", "body": chunk, "more_body": not done}

    return replay
