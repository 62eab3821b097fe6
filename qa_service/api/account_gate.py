"""The accounts gate (`QA__AUTH__MODE=accounts`), in the ASGI layer like the admin gate and before it: a request
needs `Authorization: Bearer <session token>` (from POST /auth/login), checked from the headers alone, so a request
without one is answered 401 before a byte of its body is read. Open to all: /health, the login, the mode, the API docs.

A valid session puts its user in the request's scope (`USER`): the conversation owner is derived from it, and an
admin user's session opens the admin routes. An admin route is let through to the admin gate without a session, so
the admin token keeps working there and wrong tokens are still counted by it; a reader's session is refused (403).
In mode «none» the gate passes everything through untouched.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Request
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from qa_service.api.admin_gate import ADMIN_SESSION, admin_routes
from qa_service.api.limits import header_value
from qa_service.api.refusal import refuse
from qa_service.api.state import services_of
from qa_service.components.users import Session
from qa_service.errors import QAError

USER = "qa.user"  # the scope key of the request's `Session`, set by the gate
# open without a session: what a client needs to learn the mode, log in, or read the contract
OPEN_PATHS = frozenset({"/health", "/auth/login", "/auth/mode", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})


def bearer(scope: Scope) -> str:
    """The token of `Authorization: Bearer …`, «» when there is none."""
    authorization = header_value(scope, b"authorization")
    if not authorization.startswith(b"Bearer "):
        return ""
    return authorization[7:].decode("latin-1").strip()


def session_of(request: Request) -> Session | None:
    """The logged-in user of this request (accounts mode), None otherwise."""
    found = request.scope.get(USER)
    return found if isinstance(found, Session) else None


class AccountGate:
    def __init__(self, app: ASGIApp, routes: Iterable[BaseRoute]) -> None:
        self.app = app
        self._admin = admin_routes(routes)

    def _is_admin(self, scope: Scope) -> bool:
        return any(route.matches(scope)[0] is Match.FULL for route in self._admin)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        services = services_of(scope["app"])
        if services is None:  # before the lifespan: the routes answer «starting» themselves
            await self.app(scope, receive, send)
            return
        if services.users is None or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        token = bearer(scope)
        session = services.users.session(token) if token else None
        is_admin_route = self._is_admin(scope)
        if session is not None:
            scope[USER] = session
            if is_admin_route and session.role != "admin":
                await refuse(scope, receive, send, QAError("admin_role_required", status=403))
                return
            scope[ADMIN_SESSION] = session.role == "admin"
        elif not is_admin_route:
            await refuse(scope, receive, send, QAError("login_required", status=401), {"WWW-Authenticate": "Bearer"})
            return
        await self.app(scope, receive, send)
