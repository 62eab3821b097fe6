"""The service keeps to its data dir: no telemetry files in the home folder, no temp files left behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import MODEL_DIR, ROOT


def _run(code: str, home: Path, tmp: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}  # the project must set it itself
    env.update({"HOME": str(home), "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)})
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, timeout=300)


def test_word_segmenter_leaves_no_temp_file(tmp_path: Path) -> None:
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir(), tmp.mkdir()
    code = "from qa_service.components.lexical import PyviSegmenter\nprint(PyviSegmenter().segment('Tỷ lệ lấp đầy khu công nghiệp'))"
    _run(code, home, tmp)
    assert list(tmp.iterdir()) == []


def test_embedding_model_writes_no_telemetry(tmp_path: Path, model_dir: Path) -> None:
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir(), tmp.mkdir()
    code = (
        "from pathlib import Path\n"
        "from qa_service.components.embedder import make_embedder\n"
        "from qa_service.settings import EmbeddingSettings\n"
        f"e = make_embedder(EmbeddingSettings(model_dir=Path({str(MODEL_DIR)!r})))\n"
        "print(e.embed_query('tỷ lệ lấp đầy')[:3])\n"
    )
    _run(code, home, tmp)
    assert [p.relative_to(home) for p in home.rglob("*")] == []  # no ~/.cache/Microsoft/DeveloperTools/.onnxruntime
    assert list(tmp.iterdir()) == []


def test_the_service_writes_only_to_its_data_dir(tmp_path: Path, model_dir: Path) -> None:
    """The whole service, used for real (ingest, questions, an upload, a restart), with HOME and TMPDIR of its own."""
    import httpx

    from tests.fixtures.server import AUTH, environment, start, stop, wait_job

    home, tmp, data = tmp_path / "home", tmp_path / "tmp", tmp_path / "data"
    home.mkdir(), tmp.mkdir()
    env = environment(data, model_dir, HOME=str(home), TMPDIR=str(tmp))
    env.pop("ORT_DISABLE_TELEMETRY", None)  # the project must set it itself
    for _ in range(2):  # the second start sweeps and reopens what the first left
        server = start(env)
        try:
            assert httpx.post(server.url + "/ask", json={"question": "Tỷ lệ lấp đầy khu công nghiệp đến 2025?"}).status_code == 200
            assert httpx.post(server.url + "/search", json={"query": "cụm công nghiệp"}).status_code == 200
            job = httpx.post(server.url + "/documents", files={"file": ("ghi-chu.md", "# Ghi chú\n\nHỗ trợ đào tạo nghề.\n".encode())},
                             headers=AUTH).json()
            assert wait_job(server.url, job["job_id"])["status"] == "done"
        finally:
            stop(server)
    assert [p.relative_to(home) for p in home.rglob("*")] == []  # no telemetry, caches or model downloads in ~
    assert list(tmp.iterdir()) == []  # temp files cleaned
    outside = {p.name for p in data.iterdir()} - {"corpus", "index", "uploads", "conversations"}
    assert outside == set(), outside


def test_the_ui_stays_on_loopback_and_writes_nothing_home(tmp_path: Path) -> None:
    """Streamlit with the project's config: no usage statistics, no external-IP lookup, nothing in ~."""
    import httpx

    from eval.loopback import free_port, wait_http

    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir(), tmp.mkdir()
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(tmp), "QA__API_URL": "http://127.0.0.1:9"}
    port = free_port()
    log = tmp_path / "ui.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"), "--server.port", str(port)],
            env=env, cwd=ROOT, stdout=out, stderr=out,
        )
        try:
            wait_http(f"http://127.0.0.1:{port}/_stcore/health", seconds=60)
            assert httpx.get(f"http://127.0.0.1:{port}/").status_code == 200
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    printed = log.read_text()
    assert f"URL: http://127.0.0.1:{port}" in printed and "External URL" not in printed and "external IP" not in printed
    assert [p.relative_to(home) for p in home.rglob("*")] == []
