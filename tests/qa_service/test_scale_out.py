"""Scale-out layout: a Chroma server on loopback and two API processes sharing
it (and the registry). Upload on one, answer from the other."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from eval.loopback import free_port, wait_http
from tests.conftest import CORPUS, ROOT
from tests.fixtures.server import wait_job

pytestmark = pytest.mark.slow
TOKEN = "khoa-thu-nghiem"
RESOLUTION = Path(__file__).resolve().parents[1] / "data" / "nghi-quyet-23-nq-tw-thu-nghiem.md"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> Iterator[tuple[str, str]]:
    tmp = tmp_path_factory.mktemp("cluster")
    chroma_port = free_port()
    chroma_bin = str(Path(sys.executable).parent / "chroma")
    procs = [subprocess.Popen([chroma_bin, "run", "--path", str(tmp / "chroma-server"), "--host", "127.0.0.1", "--port", str(chroma_port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        wait_http(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat")
        env = {
            **os.environ,
            "QA__DATA_DIR": str(tmp / "data"),
            "QA__EMBEDDING__MODEL_DIR": str(model_dir),
            "QA__VECTOR_STORE__MODE": "http",
            "QA__VECTOR_STORE__HOST": "127.0.0.1",
            "QA__VECTOR_STORE__PORT": str(chroma_port),
            "QA__ADMIN__TOKEN": TOKEN,
        }
        corpus = tmp / "corpus"
        shutil.copytree(CORPUS, corpus)
        subprocess.run([sys.executable, "-m", "ingest", str(corpus)], env=env, cwd=ROOT, check=True, capture_output=True)
        urls = []
        for _ in range(2):
            port = free_port()
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "qa_service.server", "--port", str(port)],
                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            urls.append(f"http://127.0.0.1:{port}")
        for url in urls:
            wait_http(url + "/health")
        yield urls[0], urls[1]
    finally:
        for proc in reversed(procs):
            proc.terminate()
            proc.wait(timeout=30)


def test_upload_on_one_worker_answer_from_the_other(cluster: tuple[str, str]) -> None:
    first, second = cluster
    assert httpx.get(second + "/health").json()["documents"] == 1
    response = httpx.post(
        first + "/documents",
        files={"file": ("nghi-quyet-23.md", RESOLUTION.read_bytes())},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert response.status_code == 202
    job_id = response.json()["job_id"]
    for _ in range(600):
        job = httpx.get(f"{second}/jobs/{job_id}").json()  # the job is visible from the other worker
        if job["status"] in {"done", "failed"}:
            break
        time.sleep(0.2)
    assert job["status"] == "done", job
    assert httpx.get(second + "/health").json()["documents"] == 2
    body = httpx.post(
        second + "/ask", json={"question": "Nghị quyết 23-NQ/TW đặt mục tiêu tỷ trọng công nghiệp trong GDP bao nhiêu?"}, timeout=30
    ).json()
    assert body["answered"] and "40%" in body["answer"]
    assert body["citations"][0]["doc_id"] == job["doc_id"]
    hits = httpx.post(second + "/search", json={"query": "tỷ trọng giá trị sản phẩm công nghệ cao", "doc_ids": [job["doc_id"]]}).json()["hits"]
    assert hits and hits[0]["doc_id"] == job["doc_id"]  # dense + lexical both see the new chunks


def test_api_killed_during_an_upload_job_leaves_index_usable_and_retry_completes(tmp_path: Path, model_dir: Path) -> None:
    import signal

    from tests.conftest import LUAT_DAU_TU, require_shared

    require_shared()
    env = {**os.environ, "QA__DATA_DIR": str(tmp_path / "data"), "QA__EMBEDDING__MODEL_DIR": str(model_dir), "QA__ADMIN__TOKEN": TOKEN}
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    subprocess.run([sys.executable, "-m", "ingest", str(corpus)], env=env, cwd=ROOT, check=True, capture_output=True)

    def start() -> tuple[subprocess.Popen[bytes], str]:
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "qa_service.server",
                                 "--port", str(port)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        wait_http(url + "/health")
        return proc, url

    auth = {"Authorization": f"Bearer {TOKEN}"}
    law = LUAT_DAU_TU.read_bytes()
    proc, url = start()
    try:
        job_id = httpx.post(url + "/documents", files={"file": ("luat-dau-tu.txt", law)}, headers=auth, timeout=30).json()["job_id"]
        # wait for the job to report its first embedded batch of the law's ~400 chunks, then kill
        deadline = time.monotonic() + 300
        job = httpx.get(f"{url}/jobs/{job_id}").json()
        while not (job["status"] == "running" and job["progress"] > 0.1) and time.monotonic() < deadline:
            assert job["status"] in {"queued", "running"}, job
            time.sleep(0.05)
            job = httpx.get(f"{url}/jobs/{job_id}").json()
        assert job["status"] == "running" and job["progress"] < 0.9, job
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()

    proc, url = start()
    try:
        assert httpx.get(url + "/health").json()["documents"] == 1
        assert httpx.post(url + "/search", json={"query": "tỷ lệ lấp đầy"}).json()["hits"]
        job = httpx.get(f"{url}/jobs/{job_id}").json()
        assert job["status"] == "failed" and "Interrupted" in job["message_en"]
        retry = httpx.post(url + "/documents", files={"file": ("luat-dau-tu.txt", law)}, headers=auth, timeout=30).json()["job_id"]
        job = wait_job(url, retry)
        assert job["status"] == "done", job
        assert httpx.get(url + "/health").json()["documents"] == 2
        body = httpx.post(url + "/ask", json={"question": "Luật Đầu tư quy định các hình thức ưu đãi đầu tư nào?"}, timeout=30).json()
        assert body["answered"] and body["citations"][0]["doc_id"] == job["doc_id"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
