"""The wire under attack (issue 31), on the real server: `python -m qa_service.server` on a free loopback port, an empty
index in a temporary data dir, the shipped limits (only the admin token is set).

    python -m eval.bench_wire [--uploads 20] [--upload-mb 45] [--half-open 300]

Prints: the peak RSS the server adds while N parallel uploads without a token stream their bodies (chunked, then with a
declared length), and how long each waited for its 401; the 429s among 40 wrong tokens each with its own
X-Forwarded-For; a right token during that burst; the status of a 60 KB header and of 3,000 small headers, each sent
in one write; and how long half-open connections stay open against the header timeout.
"""

from __future__ import annotations

import argparse
import os
import select
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from eval.loopback import free_port, wait_http
from qa_service.settings import ApiSettings

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "mat-khau-do-tai"
MB = 1024 * 1024
CHUNK = 64 * 1024


def _start(data_dir: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **os.environ, "QA__DATA_DIR": str(data_dir), "QA__CORPUS_DIR": str(data_dir / "corpus"),
        "QA__EMBEDDING__MODEL_DIR": str(ROOT / "var" / "models" / "e5-small"), "QA__ADMIN__TOKEN": TOKEN,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa_service.server", "--port", str(port), "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wait_http(f"http://127.0.0.1:{port}/health", seconds=180)
    return proc, port


def _hwm_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024


def _reset_peak(pid: int) -> float:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # Linux: VmHWM back to the current RSS
    return _hwm_mb(pid)


def _status(sock: socket.socket) -> str:
    try:
        line = sock.recv(4096).split(b"\r\n", 1)[0]
    except (ConnectionResetError, TimeoutError):
        return "closed"
    return line.split(b" ")[1].decode() if line.count(b" ") else "closed"


def _upload_without_token(port: int, size: int, chunked: bool) -> tuple[str, float, int]:
    """Stream a multipart body of `size` bytes as a client that reads an early answer: (status, seconds, bytes sent)."""
    framing = b"Transfer-Encoding: chunked\r\n" if chunked else b"Content-Length: %d\r\n" % size
    head = b"POST /documents HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n" + framing + b"\r\n"
    piece = b"a" * CHUNK
    framed = b"%x\r\n%s\r\n" % (CHUNK, piece) if chunked else piece
    started, sent = time.monotonic(), 0
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(head)
        try:
            while sent < size and not select.select([sock], [], [], 0)[0]:
                sock.sendall(framed)
                sent += CHUNK
        except (BrokenPipeError, ConnectionResetError):
            pass
        return _status(sock), time.monotonic() - started, sent


def _uploads(pid: int, port: int, count: int, size: int, chunked: bool) -> None:
    before = _reset_peak(pid)
    with ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(lambda _: _upload_without_token(port, size, chunked), range(count)))
    added = _hwm_mb(pid) - before
    statuses = sorted({status for status, _, _ in results})
    kind = "chunked" if chunked else "declared"
    print(f"{count} parallel {size // MB} MB uploads without a token ({kind}): peak RSS +{added:.1f} MB; "
          f"status {statuses}; slowest answer {max(t for _, t, _ in results) * 1000:.0f} ms; "
          f"at most {max(s for _, _, s in results) / MB:.1f} MB sent before it")


def _burst(url: str) -> None:
    def wrong(i: int) -> int:
        headers = {"Authorization": "Bearer doan-mo", "X-Forwarded-For": f"203.0.113.{i}"}
        return httpx.get(url + "/previous-versions", headers=headers, timeout=120).status_code

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=40) as pool:
        futures = [pool.submit(wrong, i) for i in range(40)]
        time.sleep(1.0)  # the burst is past its allowance and waiting
        t0 = time.monotonic()
        right = httpx.get(url + "/previous-versions", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
        right_ms = (time.monotonic() - t0) * 1000
        statuses = [f.result() for f in futures]
    print(f"40 wrong tokens, 40 different X-Forwarded-For: {statuses.count(429)} × 429, {statuses.count(403)} × 403 "
          f"(all answered in {time.monotonic() - started:.1f} s)")
    print(f"right token during that burst: {right.status_code} in {right_ms:.0f} ms")


def _one_write(port: int, request: bytes) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        return _status(sock)


def _headers(port: int) -> None:
    head = b"GET /health HTTP/1.1\r\nHost: x\r\n"
    big = _one_write(port, head + b"X-Note: " + b"a" * (60 * 1024) + b"\r\n\r\n")
    many = _one_write(port, head + b"".join(b"X-%d: a\r\n" % i for i in range(3000)) + b"\r\n")
    print(f"one 60 KB header in one write: {big}; 3,000 small headers in one write: {many}")


def _half_open(url: str, port: int, count: int) -> None:
    started = time.monotonic()
    socks = []
    for i in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        if i % 2:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        socks.append(sock)
    during = httpx.get(url + "/health", timeout=30).status_code
    closed = []
    for sock in socks:
        try:
            while sock.recv(4096):
                pass
        except (ConnectionResetError, TimeoutError):
            pass
        closed.append(time.monotonic() - started)
        sock.close()
    after = httpx.get(url + "/health", timeout=30).status_code
    print(f"{count} half-open connections: all closed {max(closed):.1f} s after opening (header timeout "
          f"{ApiSettings().header_timeout_s:g} s); /health during {during} (connection bound "
          f"{ApiSettings().max_connections}), after {after}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--upload-mb", type=int, default=45)
    parser.add_argument("--half-open", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-wire-") as tmp:
        (Path(tmp) / "corpus").mkdir()
        proc, port = _start(Path(tmp))
        url = f"http://127.0.0.1:{port}"
        try:
            for chunked in (True, False):
                _uploads(proc.pid, port, args.uploads, args.upload_mb * MB, chunked)
            _burst(url)
            _headers(port)
            _half_open(url, port, args.half_open)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
