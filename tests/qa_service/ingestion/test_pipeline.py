"""The whole ingest path with the real model and a real Chroma in temporary folders."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from qa_service.components.bundle import Components, open_components
from qa_service.ingestion.pipeline import IngestPipeline
from tests.conftest import DATASET, PROGRAMME, make_settings, require_shared

GAZETTE_PDF = DATASET / "pdf" / "thong-tu-so-30-2026-tt-bkhcn-469714.pdf"


def _open(tmp: Path, embedder) -> tuple[Components, IngestPipeline]:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp / "data", embedder)
    components = open_components(settings, embedder)
    return components, IngestPipeline(settings, embedder, components.store, components.registry, components.segmenter)


def test_rerun_is_noop_change_reembeds_one_doc_removal_cleans(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PROGRAMME, corpus / PROGRAMME.name)
    (corpus / "ghi-chu.txt").write_text("Ghi chú nội bộ.\n\nTỉnh khuyến khích doanh nghiệp đổi mới công nghệ.\n", encoding="utf-8")
    components, pipeline = _open(tmp_path, embedder)

    first = pipeline.run([corpus])
    assert len(first.added) == 2 and first.embedded == first.chunks > 0
    assert components.store.count() == components.registry.counts()[1]

    second = pipeline.run([corpus])
    assert second.embedded == 0 and len(second.unchanged) == 2

    (corpus / "ghi-chu.txt").write_text("Ghi chú nội bộ.\n\nTỉnh hỗ trợ doanh nghiệp chuyển đổi số.\n", encoding="utf-8")
    third = pipeline.run([corpus])
    assert third.updated == ["ghi-chu"] and third.embedded == 1
    assert components.store.count() == components.registry.counts()[1]

    (corpus / "ghi-chu.txt").unlink()
    fourth = pipeline.run([corpus])
    assert fourth.removed == ["ghi-chu"]
    assert components.registry.document("ghi-chu") is None
    assert components.store.count() == components.registry.counts()[1]


def test_broken_files_are_skipped_with_reason_and_the_rest_ingested(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    require_shared()
    from pypdf import PdfReader, PdfWriter

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PROGRAMME, corpus / PROGRAMME.name)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "latin1.txt").write_bytes("Công nghiệp".encode("cp1258", errors="replace") + b"\xff\xfe")
    (corpus / "table.xlsx").write_bytes(b"PK\x03\x04")
    data = GAZETTE_PDF.read_bytes()
    (corpus / "truncated.pdf").write_bytes(data[: len(data) // 3])
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(data)))
    writer.encrypt("mat-khau")
    buffer = io.BytesIO()
    writer.write(buffer)
    (corpus / "encrypted.pdf").write_bytes(buffer.getvalue())

    components, pipeline = _open(tmp_path, embedder)
    report = pipeline.run([corpus])
    reasons = {Path(s.path).name: s.reason_en.lower() for s in report.skipped}
    assert set(reasons) == {"empty.txt", "latin1.txt", "table.xlsx", "truncated.pdf", "encrypted.pdf"}
    assert "empty" in reasons["empty.txt"]
    assert "utf-8" in reasons["latin1.txt"]
    assert "unsupported" in reasons["table.xlsx"]
    assert "encrypted" in reasons["encrypted.pdf"]
    assert report.added == ["chuong-trinh-hanh-dong-phat-trien-cong-nghiep-2021-2025"]
    assert components.registry.counts()[0] == 1


def test_gazette_pdf_keeps_pages_and_drops_headers(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    require_shared()
    components, pipeline = _open(tmp_path, embedder)
    report = pipeline.run([GAZETTE_PDF])
    assert report.added and not report.skipped
    doc_id = report.added[0]
    chunks = components.registry.chunks(components.registry.chunk_ids(doc_id))
    pages = sorted({c.page for c in chunks.values() if c.page})
    assert pages[0] == 1 and pages[-1] > 10
    assert not any("CÔNG BÁO" in c.text for c in chunks.values())
    from pypdf import PdfReader

    reader = PdfReader(str(GAZETTE_PDF))
    for chunk in list(chunks.values())[::7]:
        # the page a chunk cites holds the chunk's opening words
        page_text = " ".join((reader.pages[chunk.page - 1].extract_text() or "").split())
        opening = " ".join(chunk.text.split()[:4])
        assert opening in page_text, (chunk.page, opening)
    meta = components.registry.document(doc_id)
    assert meta is not None and meta.doc_number == "30/2026/TT-BKHCN" and meta.pages == 26


class _FailingEmbedder:
    """Stands in for a run killed mid-way: it dies after some batches."""

    def __init__(self, real, fail_after: int) -> None:  # type: ignore[no-untyped-def]
        self.real, self.left = real, fail_after
        self.model_id, self.dim = real.model_id, real.dim

    def embed_batch(self, texts: list[str]):  # type: ignore[no-untyped-def]
        if self.left <= 0:
            raise KeyboardInterrupt("killed")
        self.left -= 1
        return self.real.embed_batch(texts)

    def embed_query(self, text: str):  # type: ignore[no-untyped-def]
        return self.real.embed_query(text)

    def warm(self) -> None:
        self.real.warm()


def test_interrupted_run_leaves_previous_index_usable_and_next_run_completes(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    require_shared()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PROGRAMME, corpus / PROGRAMME.name)
    components, pipeline = _open(tmp_path, embedder)
    components.settings.ingestion.embed_batch = 64  # the law's ~240 chunks go in several calls: one can fail
    pipeline.run([corpus])
    before = components.registry.counts()

    law = DATASET / "docs" / "uu_dai_dt" / "luat-so-61-2020-qh14-31682.txt"
    shutil.copy(law, corpus / law.name)
    broken = IngestPipeline(
        components.settings, _FailingEmbedder(embedder, 2), components.store, components.registry, components.segmenter
    )
    with pytest.raises(KeyboardInterrupt):
        broken.run([corpus])
    assert components.registry.counts() == before  # nothing half-committed
    from qa_service.services.retrieval import HybridRetriever

    components.refresh_lexical()
    hits = HybridRetriever(components).search("tỷ lệ lấp đầy khu công nghiệp", 5)
    assert hits and all(h.chunk.doc_id.startswith("chuong-trinh") for h in hits)

    resumed = pipeline.run([corpus])
    assert resumed.added == ["luat-so-61-2020-qh14-31682"]
    assert 0 < resumed.embedded < resumed.chunks  # vectors written before the interruption were reused
    assert components.store.count() == components.registry.counts()[1]


def test_sigkill_midway_leaves_index_usable_and_next_run_completes(tmp_path: Path, real_embedder, model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """A real `python -m ingest` process killed with SIGKILL while it embeds a large law."""
    import json
    import os
    import signal
    import subprocess
    import sys

    from qa_service.ingestion.pipeline import doc_id_for
    from tests.conftest import LUAT_DAU_TU, ROOT

    embedder = real_embedder
    require_shared()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PROGRAMME, corpus / PROGRAMME.name)
    shutil.copy(LUAT_DAU_TU, corpus / LUAT_DAU_TU.name)
    env = {**os.environ, "QA__DATA_DIR": str(tmp_path / "data"), "QA__EMBEDDING__MODEL_DIR": str(model_dir)}
    law = doc_id_for(LUAT_DAU_TU)
    proc = subprocess.Popen([sys.executable, "-m", "ingest", "--events", str(corpus)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        # the programme sorts first and is committed; the law's first batch of vectors is in Chroma, its
        # ~400 chunks are far from done: kill now
        assert proc.stdout is not None
        for line in proc.stdout:
            event = json.loads(line)
            if event["event"] == "embedded" and event["doc_id"] == law:
                assert event["done"] < event["total"], "the law fits one batch: nothing to interrupt"
                break
        else:
            raise AssertionError("ingest ended before it embedded the law")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()

    components, pipeline = _open(tmp_path, embedder)
    docs, chunks = components.registry.counts()
    assert docs == 1  # the law was never committed: no half document
    from qa_service.services.retrieval import HybridRetriever

    components.refresh_lexical()
    assert HybridRetriever(components).search("tỷ lệ lấp đầy khu công nghiệp", 3)
    done = subprocess.run([sys.executable, "-m", "ingest", str(corpus)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert components.registry.counts()[0] == 2
    assert components.store.count() == components.registry.counts()[1]
