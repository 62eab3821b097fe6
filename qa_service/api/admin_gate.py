"""The admin token is checked here, in the ASGI layer, from the headers alone: a request to an admin route without
the right token is answered before a byte of its body is read, buffered or parsed (a 45 MB multipart without a token
costs nothing but its headers). An admin route is one that declares `require_admin` among its dependencies: a new
admin route is guarded by declaring it, nothing else (and stays closed if the gate does not know its router).

Wrong tokens are counted per client (the socket's peer, or the address a configured proxy names: see
`QA__API__FORWARDED_ALLOW_IPS`); past the allowance they are answered late and with 429, a right token never is.
Uploads being received at once are bounded per process; one more is a 429 with Retry-After.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Iterable

from fastapi import Header, Request
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from qa_service.api.limits import header_value, is_upload
from qa_service.api.refusal import refuse
from qa_service.api.state import Services, services_of
from qa_service.errors import QAError, ServiceNotReady, TooManyAttempts

ADMIN_CHECKED = "qa.admin_checked"  # set in the request's scope by the gate once the token is right
ADMIN_SESSION = "qa.admin_session"  # set by the accounts gate (account_gate.py) for an admin user's session
UPLOAD_RETRY_AFTER_S = 5  # a hint to the client: uploads take seconds to receive, not minutes


def require_admin(request: Request, authorization: str | None = Header(None)) -> None:
    """Makes a route an admin route. The gate has checked the token before the body was read; this only makes sure
    it did (a route mounted without the gate stays closed). `authorization` is declared for the OpenAPI spec."""
    if not request.scope.get(ADMIN_CHECKED):
        raise QAError("unauthorized", status=401)


def admin_routes(routes: Iterable[BaseRoute]) -> list[APIRoute]:
    """The routes that declare `require_admin` among their dependencies."""
    return [r for r in routes if isinstance(r, APIRoute) and any(d.dependency is require_admin for d in r.dependencies)]


def client_of(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "-"


async def check_token(scope: Scope, services: Services) -> QAError | None:
    """None for the right token; else the refusal, held back first when the client is past its allowance."""
    token = services.settings.admin.token
    if token is None:
        return QAError("admin_disabled", status=403)
    authorization = header_value(scope, b"authorization")
    if not authorization.startswith(b"Bearer "):
        return QAError("unauthorized", status=401)
    if hmac.compare_digest(authorization[7:], token.get_secret_value().encode()):
        return None
    attempts, client = services.admin_attempts, client_of(scope)
    delay = attempts.failed(client)
    if not delay:
        return QAError("forbidden", status=403)
    await asyncio.sleep(delay)  # the guesser waits; the event loop and a right token do not
    return TooManyAttempts(attempts.retry_after(client))


class AdminGate:
    """`routes`: every route the app serves (those of its routers, included without a prefix); the gate guards the
    ones that depend on `require_admin`. A request that matches one (path and method) needs the token."""

    def __init__(self, app: ASGIApp, routes: Iterable[BaseRoute]) -> None:
        self.app = app
        self._admin = admin_routes(routes)
        self._uploads = 0  # uploads being received by this process (one event loop: no lock needed)

    def _is_admin(self, scope: Scope) -> bool:
        return any(route.matches(scope)[0] is Match.FULL for route in self._admin)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._is_admin(scope):
            await self.app(scope, receive, send)
            return
        services = services_of(scope["app"])
        if services is None:
            await refuse(scope, receive, send, ServiceNotReady())
            return
        # an admin user's session stands for the token (accounts mode); else the token itself
        error = None if scope.get(ADMIN_SESSION) else await check_token(scope, services)
        if error is not None:
            retry = {"Retry-After": str(error.retry_after)} if isinstance(error, TooManyAttempts) else None
            await refuse(scope, receive, send, error, retry)
            return
        scope[ADMIN_CHECKED] = True
        if not is_upload(scope):
            await self.app(scope, receive, send)
            return
        if self._uploads >= services.settings.admin.max_concurrent_uploads:
            busy = QAError("uploads_busy", status=429, seconds=UPLOAD_RETRY_AFTER_S)
            await refuse(scope, receive, send, busy, {"Retry-After": str(UPLOAD_RETRY_AFTER_S)})
            return
        self._uploads += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self._uploads -= 1
