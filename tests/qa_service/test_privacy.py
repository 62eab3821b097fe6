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
