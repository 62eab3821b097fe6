"""A data disk that fills up (issue 31, item 7; the full disk is an injected ENOSPC, or SQLite's own SQLITE_FULL): the
upload is refused or its job fails with the reason in both languages, and the index — Chroma, the registry and BM25 —
is exactly as it was."""

from __future__ import annotations

import errno
import io
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from qa_service.app import create_app
from qa_service.components.bundle import Components
from qa_service.components.lexical import lexical_tokens
from qa_service.errors import disk_full, ingest_failure
from qa_service.resources import msg
from tests.fixtures.jobs import finished_job
from tests.fixtures.wire import AUTH, small_components

PLAN = "# Kế hoạch chuyển đổi số\n\nHỗ trợ doanh nghiệp nhỏ chuyển đổi số trong sản xuất công nghiệp.\n".encode()


@pytest.fixture
def client(tmp_path) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    components = small_components(tmp_path)
    with TestClient(create_app(components.settings, components), raise_server_exceptions=False) as test_client:
        yield test_client


def _components(client: TestClient) -> Components:
    return client.app.state.services.components  # type: ignore[attr-defined,no-any-return]


def _index(components: Components) -> tuple[Any, ...]:
    """What a question sees: the registry (documents, chunks, version), Chroma's ids, and BM25's answer."""
    components.refresh_lexical()
    query = lexical_tokens("chuyển đổi số công nghiệp", components.segmenter)
    return (components.registry.counts(), components.registry.version(), sorted(components.store.all_ids()),
            components.lexical.search(query, 5))


def _disk_full(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("fills_at", ["vectors", "registry"])
def test_a_disk_that_fills_during_ingestion_fails_the_job_and_keeps_the_index(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, fills_at: str
) -> None:
    components = _components(client)
    before = _index(components)
    if fills_at == "vectors":  # embedding batches written to Chroma
        monkeypatch.setattr(components.store, "upsert", _disk_full)
    else:  # the commit itself
        monkeypatch.setattr(components.registry, "replace_document", _disk_full)
    response = client.post("/documents", files={"file": ("chuyen-doi-so.md", PLAN)}, headers=AUTH)
    assert response.status_code == 202
    job = finished_job(client, response.json()["job_id"])
    monkeypatch.undo()
    reason = msg("errors", "disk_full")
    assert job["status"] == "failed" and (job["message_vi"], job["message_en"]) == (reason["vi"], reason["en"])
    assert "No space" not in job["message_en"]  # the reason in our words, never the exception's text
    assert _index(components) == before
    upload_dir = components.settings.upload_dir
    assert [p for p in upload_dir.rglob("*") if p.is_file()] == []  # staging and version files gone too
    # and once there is room again, the same upload goes through
    again = client.post("/documents", files={"file": ("chuyen-doi-so.md", PLAN)}, headers=AUTH)
    assert finished_job(client, again.json()["job_id"])["status"] == "done"


def test_an_upload_that_cannot_be_staged_is_507(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    components = _components(client)
    before = _index(components)
    monkeypatch.setattr("qa_service.services.uploads.stage_upload", _disk_full)
    response = client.post("/documents", files={"file": ("chuyen-doi-so.md", PLAN)}, headers=AUTH)
    assert response.status_code == 507 and response.json()["error"] == "storage_full"
    assert response.json()["message_vi"] and "No space" not in response.json()["message_en"]
    assert _index(components) == before


def test_a_chunked_body_that_cannot_be_spooled_is_507(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    class FullSpool(io.BytesIO):
        def __init__(self, max_size: int = 0) -> None:
            super().__init__()

        def write(self, data: Any) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("qa_service.api.limits.tempfile.SpooledTemporaryFile", FullSpool)
    chunks = iter([b'{"query": ', b'"chuyen doi so"}'])
    response = client.post("/search", content=chunks, headers={"content-type": "application/json"})
    assert response.status_code == 507 and response.json()["error"] == "storage_full"


def _sqlite_full() -> sqlite3.OperationalError:
    """SQLite's own «database or disk is full», from a database capped at a few pages."""
    conn = sqlite3.connect(":memory:")
    conn.execute("PRAGMA max_page_count = 2")
    conn.execute("CREATE TABLE t (x TEXT)")
    try:
        for _ in range(100):
            conn.execute("INSERT INTO t VALUES (?)", ("x" * 4000,))
    except sqlite3.OperationalError as exc:
        return exc
    raise AssertionError("SQLite did not fill up")


def test_a_full_disk_is_recognised_however_it_is_reported() -> None:
    def wrapped(cause: BaseException) -> RuntimeError:
        try:
            raise RuntimeError("store write failed") from cause
        except RuntimeError as exc:
            return exc

    full = [OSError(errno.ENOSPC, "x"), OSError(errno.EDQUOT, "x"), _sqlite_full(), wrapped(OSError(errno.ENOSPC, "x")),
            RuntimeError("Error executing plan: No space left on device (os error 28)")]
    assert all(disk_full(exc) for exc in full)
    assert not disk_full(OSError(errno.EACCES, "x")) and not disk_full(ValueError("no"))
    assert ingest_failure(full[2]).code == "disk_full"
    assert ingest_failure(ValueError("secret text")).message_en == "processing failed (ValueError)"
