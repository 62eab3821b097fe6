"""Accounts mode (`QA__AUTH__MODE=accounts`, issue 31 item 5): log in for a session token, every route but /health and
the login needs it (checked before the body), an admin user's session opens the admin routes and a reader's does not,
conversations belong to the user, sessions expire and end at logout. Mode «none» stays as it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from qa_service.app import create_app
from qa_service.components.users import UserStore
from qa_service.users import main as users_cli
from tests.fixtures.wire import AUTH, small_components

QUESTION = {"question": "Mục tiêu phát triển công nghiệp đến năm 2030 là gì?"}
NOTE = {"file": ("ghi-chu.md", "# Ghi chú\n\nCông nghiệp chế biến được ưu tiên phát triển.\n".encode())}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    auth = {"mode": "accounts", "failed_logins": 3, "failure_delay_s": 0.05, "max_failure_delay_s": 0.1, "max_sessions": 3}
    components = small_components(tmp_path_factory.mktemp("accounts"), auth=auth)
    users_path = components.settings.auth.users_path
    assert users_path is not None
    store = UserStore(users_path)
    store.add("lan", "admin", "mat-khau-quan-tri")
    store.add("minh", "reader", "mat-khau-doc")
    store.add("hoa", "reader", "mat-khau-hoa")
    store.close()
    with TestClient(create_app(components.settings, components), raise_server_exceptions=False) as test_client:
        yield test_client


def _login(client: TestClient, name: str, password: str) -> dict[str, str]:
    response = client.post("/auth/login", json={"name": name, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == name and body["token"] and body["expires"] > 0
    return _bearer(body["token"])


def test_login_gives_a_token_that_says_who_and_what_role(client: TestClient) -> None:
    assert client.get("/auth/mode").json() == {"mode": "accounts"}
    reader = _login(client, "minh", "mat-khau-doc")
    me = client.get("/auth/me", headers=reader)
    assert me.status_code == 200 and me.json()["name"] == "minh" and me.json()["role"] == "reader"
    assert client.post("/ask", json=QUESTION, headers=reader).status_code == 200


def test_wrong_login_is_401_in_both_languages_whether_the_name_exists_or_not(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    verify = PasswordHasher.verify

    def counting(self: PasswordHasher, stored: str, password: str) -> bool:
        checked.append(password)
        return verify(self, stored, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    for name in ("minh", "khong-co-ai"):
        wrong = client.post("/auth/login", json={"name": name, "password": "doan-mo"})
        assert wrong.status_code == 401 and wrong.json()["error"] == "login_failed"
        assert wrong.json()["message_vi"] and wrong.json()["message_en"]
    assert checked == ["doan-mo", "doan-mo"]  # an unknown name is checked against a hash too: the same work


def test_wrong_logins_are_slowed_but_never_lock_out_the_right_password(tmp_path: Path) -> None:
    auth = {"mode": "accounts", "failed_logins": 2, "failure_delay_s": 0.05, "max_failure_delay_s": 0.1}
    components = small_components(tmp_path, auth=auth)
    assert components.settings.auth.users_path is not None
    UserStore(components.settings.auth.users_path).add("lan", "admin", "dung-roi")
    with TestClient(create_app(components.settings, components)) as client:
        statuses = [client.post("/auth/login", json={"name": "lan", "password": "sai"}).status_code for _ in range(4)]
        assert statuses == [401, 401, 429, 429]
        late = client.post("/auth/login", json={"name": "lan", "password": "sai"})
        assert late.json()["error"] == "too_many_logins" and int(late.headers["Retry-After"]) >= 1
        assert client.post("/auth/login", json={"name": "lan", "password": "dung-roi"}).status_code == 200


def test_without_a_session_only_health_login_and_docs_answer(client: TestClient) -> None:
    for headers in ({}, _bearer("khong-phai-ma-phien"), {"X-Client-Key": "a" * 24}):
        refused = client.post("/ask", json=QUESTION, headers=headers)
        assert refused.status_code == 401 and refused.json()["error"] == "login_required"
        assert refused.headers["WWW-Authenticate"] == "Bearer"
    assert client.get("/conversations").status_code == 401
    assert client.get("/documents").status_code == 401
    for path in ("/health", "/openapi.json", "/docs", "/auth/mode"):
        assert client.get(path).status_code == 200, path


def test_a_reader_cannot_upload_an_admin_session_and_the_admin_token_can(client: TestClient) -> None:
    reader = _login(client, "minh", "mat-khau-doc")
    refused = client.post("/documents", files=NOTE, headers=reader)
    assert refused.status_code == 403 and refused.json()["error"] == "admin_role_required"
    assert client.get("/previous-versions", headers=reader).status_code == 403
    admin = _login(client, "lan", "mat-khau-quan-tri")
    assert client.post("/documents", files=NOTE, headers=admin).status_code == 202
    assert client.get("/previous-versions", headers=AUTH).status_code == 200  # the admin token keeps working
    assert client.post("/documents", files=NOTE).status_code == 401  # neither: the admin gate's own answer


def test_conversations_belong_to_the_user_not_the_device(client: TestClient) -> None:
    minh, hoa = _login(client, "minh", "mat-khau-doc"), _login(client, "hoa", "mat-khau-hoa")
    created = client.post("/conversations", headers={**minh, "X-Client-Key": "thiet-bi-mot-0000000"})
    cid = created.json()["id"]
    again = _login(client, "minh", "mat-khau-doc")  # another device, another key: the same user
    listed = client.get("/conversations", headers={**again, "X-Client-Key": "thiet-bi-hai-0000000"}).json()
    assert cid in [c["id"] for c in listed["conversations"]]
    asked = client.post("/ask", json={**QUESTION, "conversation_id": cid}, headers={**hoa, "X-Client-Key": "thiet-bi-mot-0000000"})
    assert asked.status_code == 404  # someone else's: it does not exist for them
    assert client.delete(f"/conversations/{cid}", headers=hoa).status_code == 404
    assert cid not in [c["id"] for c in client.get("/conversations", headers=hoa).json()["conversations"]]
    assert client.post("/ask", json={**QUESTION, "conversation_id": cid}, headers=minh).status_code == 200


def test_logout_ends_the_session(client: TestClient) -> None:
    session = _login(client, "hoa", "mat-khau-hoa")
    assert client.post("/auth/logout", headers=session).status_code == 204
    assert client.get("/auth/me", headers=session).status_code == 401
    assert client.post("/ask", json=QUESTION, headers=session).status_code == 401


def test_an_expired_session_is_refused(client: TestClient) -> None:
    session = _login(client, "minh", "mat-khau-doc")
    store = client.app.state.services.users  # type: ignore[attr-defined]
    with store._tx() as conn:  # the clock moved on: every session's time is up
        conn.execute("UPDATE sessions SET expires = 0")
    assert client.get("/auth/me", headers=session).status_code == 401
    assert client.get("/auth/me", headers=_login(client, "minh", "mat-khau-doc")).status_code == 200


def test_a_user_holds_at_most_max_sessions(client: TestClient) -> None:
    first = _login(client, "hoa", "mat-khau-hoa")
    for _ in range(3):
        _login(client, "hoa", "mat-khau-hoa")
    assert client.get("/auth/me", headers=first).status_code == 401  # the oldest ended


def test_mode_none_is_unchanged(tmp_path: Path) -> None:
    components = small_components(tmp_path)
    assert components.settings.auth.mode == "none"
    with TestClient(create_app(components.settings, components)) as client:
        assert client.post("/ask", json=QUESTION).status_code == 200
        assert client.get("/auth/mode").json() == {"mode": "none"}
        assert client.post("/auth/login", json={"name": "lan", "password": "x"}).status_code == 404
        assert client.post("/documents", files=NOTE).status_code == 401  # the admin token alone, as before
    assert not (tmp_path / "accounts").exists()  # no users file made


def test_the_cli_adds_lists_and_removes_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from qa_service.settings import get_settings

    monkeypatch.setenv("QA__DATA_DIR", str(tmp_path))
    monkeypatch.setenv("QA_PASSWORD", "mat-khau-moi")
    get_settings.cache_clear()
    try:
        assert users_cli(["add", "lan", "--role", "admin"]) == 0
        assert users_cli(["add", "lan", "--role", "reader"]) == 1  # taken
        assert users_cli(["list"]) == 0
        assert "lan\tadmin" in capsys.readouterr().out
        store = UserStore(tmp_path / "accounts" / "users.sqlite")
        assert store.verify("lan", "mat-khau-moi") == "admin"
        stored = store._conn().execute("SELECT hash FROM users").fetchone()[0]
        assert stored.startswith("$argon2id$") and "mat-khau-moi" not in stored
        token, _ = store.open_session("lan")
        assert token not in str(store._conn().execute("SELECT token FROM sessions").fetchall())  # only its digest
        assert users_cli(["remove", "lan"]) == 0 and users_cli(["remove", "lan"]) == 1
        assert store.session(token) is None  # the user's sessions went with it
    finally:
        get_settings.cache_clear()
