"""The admin gate and the body limits in the ASGI layer (issue 31), called as the server calls the app: the token is
read from the headers before a byte of the body is, a right token always passes, wrong ones past the allowance are
answered later and later, uploads in flight are bounded, and chunked bodies are spooled, not held."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message

from qa_service.api import errors
from qa_service.api.admin_gate import admin_routes, require_admin
from qa_service.api.routers import admin
from qa_service.app import create_app
from tests.fixtures.wire import AUTH, TOKEN, small_components

WRONG = {"Authorization": "Bearer doan-mo"}
ADMIN_ROUTES = {("POST", "/documents"), ("DELETE", "/documents/x"), ("GET", "/previous-versions"),
                ("POST", "/previous-versions/x/restore")}
MULTIPART = "multipart/form-data; boundary=b"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    limits = {"failed_attempts": 3, "failure_delay_s": 0.1, "max_failure_delay_s": 0.4, "max_concurrent_uploads": 1}
    components = small_components(tmp_path_factory.mktemp("gate"), admin=limits)
    with TestClient(create_app(components.settings, components), raise_server_exceptions=False) as test_client:
        yield test_client


def _scope(method: str, path: str, headers: dict[str, str], client: str) -> dict:
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()], "client": (client, 5000),
        "server": ("testserver", 80),
    }


async def _call(app: FastAPI, scope: dict, receive) -> tuple[int, dict[str, str]]:  # type: ignore[no-untyped-def]
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}


def _endless_body(reads: list[int]):  # type: ignore[no-untyped-def]
    """A receive() standing for a 45 MB body: counts how often the app asked for it."""

    async def receive() -> Message:
        reads.append(1)
        return {"type": "http.request", "body": b"a" * 65536, "more_body": True}

    return receive


def test_the_gate_knows_every_admin_route() -> None:
    routes = admin_routes(admin.router.routes)
    assert {(m, r.path) for r in routes for m in r.methods} == {
        (m, p.replace("/x", "/{doc_id}")) for m, p in ADMIN_ROUTES
    }


@pytest.mark.parametrize(("token", "status"), [({}, 401), (WRONG, 403)])
def test_every_admin_route_is_refused_before_its_body_is_read(client: TestClient, token: dict, status: int) -> None:
    for index, (method, path) in enumerate(sorted(ADMIN_ROUTES)):
        declared = "47185920" if path == "/documents" else "200000"  # within each route's body limit
        for framing in ({"content-length": declared}, {"transfer-encoding": "chunked"}):
            reads: list[int] = []
            scope = _scope(method, path, {"content-type": MULTIPART, **framing, **token}, f"192.0.2.{index}")
            got, headers = client.portal.call(_call, client.app, scope, _endless_body(reads))
            assert (got, reads) == (status, []), (method, path, framing)
            assert headers["connection"] == "close"


def test_an_upload_over_the_limit_is_413_before_the_token_is_asked(client: TestClient) -> None:
    reads: list[int] = []
    scope = _scope("POST", "/documents", {"content-type": MULTIPART, "content-length": str(300 * 1024 * 1024)}, "192.0.2.90")
    assert client.portal.call(_call, client.app, scope, _endless_body(reads)) [0] == 413 and reads == []


def test_a_right_token_always_passes_and_wrong_ones_wait_longer_and_longer(client: TestClient) -> None:
    wrong, right = _scope("DELETE", "/documents/x", WRONG, "192.0.2.50"), _scope("DELETE", "/documents/x", AUTH, "192.0.2.50")
    timed = []
    for _ in range(7):
        started = time.monotonic()
        status, headers = client.portal.call(_call, client.app, wrong, _endless_body([]))
        timed.append((status, time.monotonic() - started, headers.get("retry-after")))
    assert [s for s, _, _ in timed] == [403, 403, 403, 429, 429, 429, 429]
    waits = [w for _, w, _ in timed]
    # 0.1, 0.2, 0.4, then held at the ceiling (0.4)
    assert waits[3] >= 0.09 and waits[4] >= 0.18 and waits[5] >= 0.36 and 0.36 <= waits[6] < 1.0, waits
    assert all(int(r) > 0 for _, _, r in timed[3:])
    started = time.monotonic()
    status, _ = client.portal.call(_call, client.app, right, _endless_body([]))
    assert status == 404 and time.monotonic() - started < 0.3  # the route ran (no document «x»), at once


def test_uploads_in_flight_are_bounded(client: TestClient) -> None:
    headers = {**AUTH, "content-type": MULTIPART, "content-length": "100"}
    first, second = _scope("POST", "/documents", headers, "192.0.2.60"), _scope("POST", "/documents", headers, "192.0.2.61")

    async def both() -> tuple[tuple[int, dict[str, str]], tuple[int, dict[str, str]]]:
        release = asyncio.Event()

        async def slow_body() -> Message:  # the first upload is still arriving
            await release.wait()
            return {"type": "http.request", "body": b"--b--\r\n", "more_body": False}

        receiving = asyncio.create_task(_call(client.app, first, slow_body))
        await asyncio.sleep(0.1)
        refused = await _call(client.app, second, _endless_body([]))
        release.set()
        return refused, await receiving

    (refused, refused_headers), (done, _) = client.portal.call(both)
    assert refused == 429 and int(refused_headers["retry-after"]) > 0
    assert done == 422  # the first went on to the route (its form has no file)


def test_a_chunked_upload_is_spooled_and_read_whole(client: TestClient) -> None:
    def multipart(data: bytes, name: str) -> Iterator[bytes]:
        body = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="' + name.encode()
                + b'"\r\nContent-Type: text/markdown\r\n\r\n' + data + b"\r\n--b--\r\n")
        return iter([body[i : i + 65536] for i in range(0, len(body), 65536)])

    headers = {**AUTH, "content-type": MULTIPART}
    blank = client.post("/documents", content=multipart(b" \n" * 800_000, "trang.md"), headers=headers)  # 1.6 MB: on disk
    assert blank.status_code == 422 and blank.json()["error"] == "empty_file"  # the route saw all of it
    note = "# Ghi chú gửi từng phần\n\nHỗ trợ đào tạo nghề cho lao động nông thôn.\n".encode()
    accepted = client.post("/documents", content=multipart(note, "ghi-chu-tung-phan.md"), headers=headers)
    assert accepted.status_code == 202, accepted.text


def test_headers_past_the_limits_are_431(client: TestClient) -> None:
    many = {f"x-{i}": "a" for i in range(3000)}
    for headers in (many, {"x-note": "a" * 60 * 1024}):
        response = client.get("/health", headers=headers)
        assert response.status_code == 431 and response.json()["error"] == "headers_too_large"
        assert "100" in response.json()["message_vi"] and "16 KB" in response.json()["message_en"]
    assert client.get("/health", headers={"x-note": "a" * 4096}).status_code == 200


def test_an_admin_route_the_gate_does_not_know_stays_closed() -> None:
    app = FastAPI()
    errors.install(app, routes=[])  # the gate is told of no route

    @app.get("/bi-mat", dependencies=[Depends(require_admin)])
    def secret() -> dict[str, str]:
        return {"ok": TOKEN}

    with TestClient(app) as test_client:
        assert test_client.get("/bi-mat", headers=AUTH).status_code == 401
