"""The wire, against the real uvicorn server (in a thread, with the server's own options) over a one-document index
and the fake embedder (issue 31): the admin token before the body, client identity that a header cannot forge, a right
token that a failure burst does not lock out, header limits whatever the segmentation, and the timeouts and the
connection bound that keep half-open connections from piling up."""

from __future__ import annotations

import dataclasses
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest

from qa_service.app import create_app
from qa_service.components.bundle import Components
from qa_service.settings import ApiSettings
from tests.fixtures.jobs import finished_job
from tests.fixtures.net import serve
from tests.fixtures.wire import AUTH, connect, send_raw, small_components, status_of

WRONG = {"Authorization": "Bearer doan-mo"}
FAST_FAILURES = {"failure_delay_s": 0.001, "max_failure_delay_s": 0.01}
HEADER_TIMEOUT_S = 1.0


@dataclass
class Served:
    url: str

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def components(tmp_path_factory: pytest.TempPathFactory) -> Components:
    return small_components(
        tmp_path_factory.mktemp("wire"), admin=FAST_FAILURES, api={"header_timeout_s": HEADER_TIMEOUT_S, "keep_alive_s": 1}
    )


def _serve(components: Components, api: ApiSettings | None = None) -> Iterator[Served]:
    """A fresh app (its own wrong-token counts) over the shared index, served with `api` (the index's by default)."""
    running = serve(create_app(components.settings, components), api or components.settings.api)
    yield Served(next(running))
    next(running, None)  # shuts the server down


@pytest.fixture
def server(components: Components) -> Iterator[Served]:
    yield from _serve(components)


def _statuses(url: str, headers: list[dict[str, str]]) -> list[int]:
    with httpx.Client(timeout=30) as client:
        return [client.get(url + "/previous-versions", headers=h).status_code for h in headers]


def test_a_forged_forwarded_for_does_not_make_a_new_client(server: Served) -> None:
    forged = [{**WRONG, "X-Forwarded-For": f"203.0.113.{i}"} for i in range(40)]
    statuses = _statuses(server.url, forged)
    print(f"\n40 wrong tokens, 40 different X-Forwarded-For: {statuses.count(429)} × 429")
    assert statuses[:10] == [403] * 10 and statuses.count(429) >= 30


def test_forwarded_for_is_believed_from_a_configured_proxy_only(components: Components) -> None:
    behind_proxy = ApiSettings(forwarded_allow_ips=["127.0.0.1"], header_timeout_s=HEADER_TIMEOUT_S)
    for proxied in _serve(components, behind_proxy):
        # each address the proxy names is its own client: ten failures apiece are still within the allowance
        statuses = _statuses(proxied.url, [{**WRONG, "X-Forwarded-For": f"203.0.113.{i % 20}"} for i in range(40)])
        assert statuses == [403] * 40


def test_a_right_token_passes_during_a_failure_burst(components: Components) -> None:
    slow_failures = components.settings.model_copy(
        update={"admin": components.settings.admin.model_copy(update={"failure_delay_s": 0.25, "max_failure_delay_s": 2.0})}
    )
    app = create_app(slow_failures, dataclasses.replace(components, settings=slow_failures))
    running = serve(app, components.settings.api)
    url = next(running)
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            burst = [pool.submit(_statuses, url, [WRONG] * 4) for _ in range(8)]  # 32 wrong tokens, 8 at a time
            time.sleep(0.5)  # well past the allowance of 10 by now
            started = time.monotonic()
            right = httpx.get(url + "/previous-versions", headers=AUTH, timeout=30)
            took = time.monotonic() - started
            wrong = [status for future in burst for status in future.result()]
    finally:
        next(running, None)
    print(f"\nright token during a burst of 32 wrong ones: {right.status_code} in {took * 1000:.0f} ms")
    assert right.status_code == 200 and took < 1.0  # held back as a wrong token, it would wait 2 s by now
    assert wrong.count(429) >= 20 and set(wrong) == {403, 429}


def test_an_admin_request_is_refused_before_its_body(server: Served) -> None:
    """The server answers though not a byte of the 45 MB body was sent: the token was read from the headers."""
    upload = b"POST /documents HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
    for framing, token, status in [
        (b"Content-Length: 47185920\r\n", b"", b"401"),
        (b"Transfer-Encoding: chunked\r\n", b"", b"401"),
        (b"Content-Length: 47185920\r\n", b"Authorization: Bearer doan-mo\r\n", b"403"),
    ]:
        with connect(server.port, timeout=5) as sock:
            sock.sendall(upload + framing + token + b"\r\n")
            assert status_of(sock).split(b" ")[1] == status, framing


def test_header_size_and_count_are_limited_whatever_the_segmentation(server: Served) -> None:
    head = b"GET /health HTTP/1.1\r\nHost: x\r\n"
    one_big = head + b"X-Note: " + b"a" * (60 * 1024) + b"\r\n\r\n"
    many_small = head + b"".join(b"X-%d: a\r\n" % i for i in range(3000)) + b"\r\n"
    over_count = head + b"".join(b"X-%d: a\r\n" % i for i in range(150)) + b"\r\n"  # 1.5 KB: only the count is over
    for request in (one_big, many_small, over_count):
        status = send_raw(server.port, request)  # one write each
        assert status.split(b" ")[1:2] in ([b"431"], [b"400"]), (len(request), status)
    assert send_raw(server.port, over_count).split(b" ")[1] == b"431"
    assert send_raw(server.port, head + b"X-Note: " + b"a" * 4096 + b"\r\n\r\n").split(b" ")[1] == b"200"


def _closed_after(sock: socket.socket, started: float, limit_s: float) -> float:
    """Seconds from `started` until the server closed `sock` (reading whatever it said first)."""
    sock.settimeout(max(0.05, started + limit_s - time.monotonic()))
    try:
        while sock.recv(4096):
            pass
    except ConnectionResetError:
        pass
    except TimeoutError:
        return float("inf")
    return time.monotonic() - started


def test_half_open_connections_are_closed_within_the_header_timeout(server: Served) -> None:
    started = time.monotonic()
    half_open = []
    for i in range(60):  # half never send a byte, half stop in the middle of their headers
        sock = connect(server.port)
        if i % 2:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        half_open.append(sock)
    closed = [_closed_after(sock, started, HEADER_TIMEOUT_S + 3) for sock in half_open]
    for sock in half_open:
        sock.close()
    print(f"\n60 half-open connections: all closed {max(closed):.2f} s after opening (header timeout {HEADER_TIMEOUT_S} s)")
    assert max(closed) < HEADER_TIMEOUT_S + 1.5
    assert httpx.get(server.url + "/health").status_code == 200


def test_an_idle_keep_alive_connection_is_closed(server: Served) -> None:
    with connect(server.port) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status_of(sock).split(b" ")[1] == b"200"
        idle = _closed_after(sock, time.monotonic(), 5)
    assert idle < 1 + 1.0  # keep_alive_s = 1


def test_connections_past_the_bound_get_503(components: Components) -> None:
    bounded = ApiSettings(max_connections=5, header_timeout_s=10)
    for served in _serve(components, bounded):
        held = [connect(served.port) for _ in range(5)]
        try:
            assert httpx.get(served.url + "/health").status_code == 503
        finally:
            for sock in held:
                sock.close()
        time.sleep(0.2)  # the server notices the closes
        assert httpx.get(served.url + "/health").status_code == 200


def test_admin_routes_still_work_with_the_right_token(server: Served) -> None:
    with httpx.Client(timeout=30) as client:
        upload = client.post(server.url + "/documents", files={"file": ("ghi-chu.md", "# Ghi chú\n\nHỗ trợ đào tạo nghề.\n".encode())},
                             headers=AUTH)
        assert upload.status_code == 202, upload.text
        job = finished_job(client, upload.json()["job_id"], server.url, seconds=15)
        assert job["status"] == "done", job
        assert client.delete(f"{server.url}/documents/{job['doc_id']}", headers=AUTH).status_code == 200
