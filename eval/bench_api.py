"""/search and /ask latency on a real uvicorn server, sequential and with 20 concurrent clients.

    python -m eval.bench_api   (needs `make ingest` first)
"""

from __future__ import annotations

import json
import socket
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import uvicorn

HERE = Path(__file__).resolve().parent


def main(duration: float = 60.0, clients: int = 20) -> None:
    from qa_service.app import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            if httpx.get(url + "/health").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    questions = [json.loads(x)["question"] for x in (HERE / "dev_questions.jsonl").read_text(encoding="utf-8").splitlines()]
    for path, key in (("/search", "query"), ("/ask", "question")):
        times = []
        for q in questions * 3:
            t0 = time.perf_counter()
            httpx.post(url + path, json={key: q}, timeout=30).raise_for_status()
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        print(f"{path}: p50 {statistics.median(times):.0f} ms, p95 {times[int(0.95 * len(times))]:.0f} ms (sequential, n={len(times)})")
    errors = done = 0
    stop = time.perf_counter() + duration

    def worker(i: int) -> tuple[int, int]:
        ok = bad = 0
        with httpx.Client(timeout=60) as client:
            while time.perf_counter() < stop:
                r = client.post(url + "/ask", json={"question": questions[(i + ok) % len(questions)]})
                ok, bad = (ok + 1, bad) if r.status_code == 200 else (ok, bad + 1)
        return ok, bad

    with ThreadPoolExecutor(clients) as pool:
        for ok, bad in pool.map(worker, range(clients)):
            done += ok
            errors += bad
    print(f"{clients} concurrent clients for {duration:.0f} s: {done} answers, {errors} errors, {done / duration:.1f} req/s")
    server.should_exit = True


if __name__ == "__main__":
    main()
