"""Conditional GETs of the library's own data: a tag sent back answers 304 without a body until the library changes
(an upload, a delete); the tag is this process's, so a restart never vouches for an older body."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa_service.app import create_app
from qa_service.components.bundle import open_components
from qa_service.ingestion.pipeline import IngestPipeline
from tests.conftest import CORPUS, make_settings
from tests.fixtures.jobs import finished_job

TOKEN = "mat-khau-quan-tri"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _app(tmp: Path, embedder):  # type: ignore[no-untyped-def]
    settings = make_settings(tmp, embedder, admin={"token": TOKEN})
    components = open_components(settings, embedder)
    IngestPipeline(settings, embedder, components.store, components.registry, components.segmenter).run([CORPUS])
    return settings, components


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, embedder):  # type: ignore[no-untyped-def]
    return _app(tmp_path_factory.mktemp("etag"), embedder)


@pytest.fixture
def client(built) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(*built), raise_server_exceptions=False) as test_client:
        yield test_client


def _programme_path(client: TestClient) -> str:
    loaded = client.get("/documents").json()["loaded"]
    return f"/documents/{loaded[0]['doc_id']}"


@pytest.mark.parametrize("path", ["/documents", "/actors", "/targets", "document"])
def test_a_tag_sent_back_is_answered_304_without_a_body(client: TestClient, path: str) -> None:
    path = _programme_path(client) if path == "document" else path
    first = client.get(path)
    tag = first.headers["ETag"]
    assert first.status_code == 200 and tag.startswith('W/"') and first.headers["Cache-Control"] == "no-cache"
    again = client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == tag
    # a list of tags and the strong form match too; another tag gets the body
    assert client.get(path, headers={"If-None-Match": f'W/"0-x", {tag.removeprefix("W/")}'}).status_code == 304
    other = client.get(path, headers={"If-None-Match": 'W/"0-other"'})
    assert other.status_code == 200 and other.json() == first.json()


def test_questions_and_conversations_carry_no_tag(client: TestClient) -> None:
    """Only what the library alone decides is tagged: an answer depends on the question and the conversation."""
    assert "ETag" not in client.post("/ask", json={"question": "Mục tiêu đến năm 2025?"}).headers
    assert "ETag" not in client.get("/health").headers


def test_an_upload_and_a_delete_change_the_tag(client: TestClient) -> None:
    tag = client.get("/documents").headers["ETag"]
    posted = client.post("/documents", files={"file": ("ke-hoach-thu.md", "# Kế hoạch thử\n\nGiao Phòng Kinh tế chủ trì.".encode())},
                         headers=AUTH)
    assert posted.status_code == 202
    job = finished_job(client, posted.json()["job_id"])
    assert job["status"] == "done", job
    after_upload = client.get("/documents", headers={"If-None-Match": tag})
    assert after_upload.status_code == 200 and any(d["doc_id"] == job["doc_id"] for d in after_upload.json()["loaded"])
    new_tag = after_upload.headers["ETag"]
    assert new_tag != tag
    assert client.delete(f"/documents/{job['doc_id']}", headers=AUTH).status_code == 200
    after_delete = client.get("/documents", headers={"If-None-Match": new_tag})
    assert after_delete.status_code == 200 and all(d["doc_id"] != job["doc_id"] for d in after_delete.json()["loaded"])


def test_a_restart_does_not_honour_the_old_process_tag(built) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(*built)) as first:
        tag = first.get("/documents").headers["ETag"]
        assert first.get("/documents", headers={"If-None-Match": tag}).status_code == 304
    with TestClient(create_app(*built)) as second:
        assert second.get("/documents", headers={"If-None-Match": tag}).status_code == 200


def test_facts_read_again_change_the_tag(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """Facts refreshed by a newer reader (no document changed) are a change of what /actors shows."""
    _, components = _app(tmp_path, embedder)
    registry = components.registry
    doc = registry.documents()[0]
    before = registry.version()
    assert registry.set_facts(doc.doc_id, registry.source_hash(doc.doc_id) or "", 0, '{"version": 0}')
    assert registry.version() == before + 1
