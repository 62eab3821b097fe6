"""POST /auth/login, /auth/logout, GET /auth/me and /auth/mode: the accounts of `QA__AUTH__MODE=accounts`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from qa_service.components.users import MAX_PASSWORD_CHARS


class LoginRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "lan.nguyen", "password": "mật khẩu của bạn"}]})

    name: str = Field(..., min_length=1, max_length=64, description="tên đăng nhập / user name")
    password: str = Field(..., min_length=1, max_length=MAX_PASSWORD_CHARS, description="mật khẩu / password")


class SessionOut(BaseModel):
    """Who a session token stands for."""

    name: str
    role: Literal["admin", "reader"]
    expires: float = Field(..., description="when the session token stops working (Unix time, seconds)")


class LoginOut(SessionOut):
    token: str = Field(..., description="send it as `Authorization: Bearer <token>` with every request; keep it out of URLs")


class AuthModeOut(BaseModel):
    mode: Literal["none", "accounts"] = Field(..., description="«accounts»: every route but /health and the login needs a session token")
