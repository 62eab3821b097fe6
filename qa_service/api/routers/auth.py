"""Accounts (`QA__AUTH__MODE=accounts`): log in for a session token, log out, who am I. In mode «none» only
GET /auth/mode answers (with «none»); the others are 404, as if there were no such thing."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from qa_service.api.account_gate import bearer, session_of
from qa_service.api.admin_gate import client_of
from qa_service.api.deps import ServicesDep
from qa_service.api.schemas import error_responses
from qa_service.api.schemas.auth import AuthModeOut, LoginOut, LoginRequest, SessionOut
from qa_service.api.state import Services
from qa_service.components.users import UserStore
from qa_service.errors import QAError, TooManyLogins

router = APIRouter(tags=["auth"])


def _users(services: Services) -> UserStore:
    if services.users is None:
        raise QAError("accounts_off", status=404)
    return services.users


@router.get("/auth/mode", response_model=AuthModeOut, summary="Chế độ tài khoản / accounts mode")
def auth_mode(services: ServicesDep) -> AuthModeOut:
    return AuthModeOut(mode=services.settings.auth.mode)


@router.post(
    "/auth/login", response_model=LoginOut, summary="Đăng nhập / log in",
    responses=error_responses(401, 404, 422, 429),
)
async def login(body: LoginRequest, request: Request, services: ServicesDep) -> LoginOut:
    """A session token for a right name and password. A wrong one is 401, answered after the same work whether the
    name exists or not; past the client's allowance wrong ones are answered late and with 429 (a right password is
    never held back)."""
    users = _users(services)
    # argon2 takes tens of milliseconds of CPU: off the event loop
    role = await run_in_threadpool(users.verify, body.name, body.password)
    if role is None:
        attempts, client = services.login_attempts, client_of(request.scope)
        delay = attempts.failed(client)
        if delay:
            await asyncio.sleep(delay)  # the guesser waits; the event loop does not
            raise TooManyLogins(attempts.retry_after(client))
        raise QAError("login_failed", status=401)
    token, expires = await run_in_threadpool(users.open_session, body.name)
    return LoginOut(name=body.name, role=role, expires=expires, token=token)


@router.post("/auth/logout", status_code=204, summary="Đăng xuất / log out", responses=error_responses(401, 404))
def logout(request: Request, services: ServicesDep) -> Response:
    """Ends the session whose token the request carries: it is refused from now on."""
    _users(services).close_session(bearer(request.scope))
    return Response(status_code=204)


@router.get("/auth/me", response_model=SessionOut, summary="Tài khoản đang dùng / who am I", responses=error_responses(401, 404))
def me(request: Request, services: ServicesDep) -> SessionOut:
    _users(services)
    session = session_of(request)
    if session is None:  # the gate let nothing through without one; a route mounted without it stays closed
        raise QAError("login_required", status=401)
    return SessionOut(name=session.name, role=session.role, expires=session.expires)
