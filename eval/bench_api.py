"""/search and /ask latency on a real uvicorn process: sequential p50/p95, then N
concurrent clients for a fixed time; API memory and index size.

    python -m eval.bench_api [--data-dir DIR] [--mode embedded|http] [--clients 20] [--duration 60]

`--mode http` starts a Chroma server on loopback and copies the embedded collection
into it (vectors are copied, not re-embedded), then runs the API against the server.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from eval.loopback import free_port, wait_http

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024 / 1024


def _copy_to_server(data_dir: Path, port: int) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from qa_service.settings import Settings

    settings = Settings(data_dir=data_dir)
    local = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=ChromaSettings(anonymized_telemetry=False))
    remote = chromadb.HttpClient(host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False))
    source = local.get_collection(settings.collection_name)
    target = remote.get_or_create_collection(settings.collection_name, metadata=source.metadata)
    offset = 0
    while True:
        batch = source.get(include=["embeddings", "metadatas"], limit=2000, offset=offset)
        if not batch["ids"]:
            break
        target.add(ids=batch["ids"], embeddings=batch["embeddings"], metadatas=batch["metadatas"])
        offset += len(batch["ids"])


def _load(url: str, path: str, key: str, questions: list[str], clients: int, duration: float) -> None:
    """`clients` threads posting questions back to back for `duration` seconds; every non-200 is an error."""
    stop = time.perf_counter() + duration

    def worker(i: int) -> tuple[int, int, list[float]]:
        ok = bad = 0
        lat: list[float] = []
        with httpx.Client(timeout=60) as client:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    good = client.post(url + path, json={key: questions[(i * 7 + ok + bad) % len(questions)]}).status_code == 200
                except httpx.HTTPError:
                    good = False
                lat.append((time.perf_counter() - t0) * 1000)
                ok, bad = (ok + 1, bad) if good else (ok, bad + 1)
        return ok, bad, lat

    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(worker, range(clients)))
    done = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    lat = sorted(x for r in results for x in r[2])
    print(
        f"{clients} concurrent clients for {duration:.0f} s on {path}: {done + errors} requests, {errors} errors, "
        f"{done / duration:.1f} req/s, p50 {statistics.median(lat):.0f} ms, p95 {lat[int(0.95 * len(lat))]:.0f} ms"
    )


def main() -> None:
    from qa_service.settings import get_settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--mode", choices=["embedded", "http"], default="embedded")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0)
    args = parser.parse_args()
    from qa_service.components.cpu import describe

    print(describe())
    base = get_settings()
    data_dir = (args.data_dir or base.data_dir).resolve()
    env = {**os.environ, "QA__DATA_DIR": str(data_dir), "QA__EMBEDDING__MODEL_DIR": str(base.embedding.model_path)}
    procs: list[subprocess.Popen[bytes]] = []
    scratch = Path(tempfile.mkdtemp())
    try:
        if args.mode == "http":
            chroma_port = free_port()
            procs.append(subprocess.Popen([str(Path(sys.executable).parent / "chroma"), "run", "--path", str(scratch / "chroma"),
                                           "--host", "127.0.0.1", "--port", str(chroma_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_http(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat")
            t0 = time.perf_counter()
            _copy_to_server(data_dir, chroma_port)
            print(f"copied the collection to the Chroma server in {time.perf_counter() - t0:.1f} s")
            env.update({"QA__VECTOR_STORE__MODE": "http", "QA__VECTOR_STORE__HOST": "127.0.0.1", "QA__VECTOR_STORE__PORT": str(chroma_port)})
        port = free_port()
        api = subprocess.Popen([sys.executable, "-m", "qa_service.server",
                                "--port", str(port), "--log-level", "warning"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(api)
        url = f"http://127.0.0.1:{port}"
        wait_http(url + "/health")
        health = httpx.get(url + "/health").json()
        # the service reads every duty and figure once in the background after start (a library's 5,113 duties:
        # ~30 s of the model's time); asking for them waits for that, so the timings below are of a settled service
        t0 = time.perf_counter()
        httpx.get(url + "/actors", timeout=600).raise_for_status()
        print(f"facts read after start: {time.perf_counter() - t0:.1f} s")
        print(f"mode {args.mode}: {health['documents']} documents, {health['chunks']} chunks; index on disk {_du_mb(data_dir / 'index'):.0f} MB")
        questions = [json.loads(x)["question"] for x in (HERE / "questions.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
        with httpx.Client(timeout=60) as client:
            # each endpoint gets its own half of the questions: query embeddings are cached per
            # process, and a question seen by /search must not make /ask look faster
            for path, key, part in (("/search", "query", questions[0::2]), ("/ask", "question", questions[1::2])):
                times = []
                for q in part:
                    t0 = time.perf_counter()
                    client.post(url + path, json={key: q}).raise_for_status()
                    times.append((time.perf_counter() - t0) * 1000)
                times.sort()
                print(f"{path}: p50 {statistics.median(times):.0f} ms, p95 {times[int(0.95 * len(times))]:.0f} ms (sequential, n={len(times)})")
        for path, key in (("/ask", "question"), ("/search", "query")):
            _load(url, path, key, questions, args.clients, args.duration)
        print(f"API process memory (RSS): {_rss_mb(api.pid):.0f} MB")
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
