"""Document identity: a name that belongs to another document is never overwritten silently; replaces and
deletes can be undone; the same bytes again change nothing; a job over its time budget fails cleanly."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from qa_service.components.bundle import open_components
from qa_service.ingestion.pipeline import IngestPipeline
from tests.conftest import CORPUS, PROGRAMME, make_settings
from tests.fixtures.jobs import finished_job
from tests.qa_service.test_upload import AUTH, RESOLUTION, TOKEN, _client

PROGRAMME_ID = PROGRAMME.stem
GRDP = "Mục tiêu tỷ trọng công nghiệp trong GRDP đến năm 2025 là bao nhiêu?"


def _consistent(client: TestClient) -> None:
    """Chroma holds exactly the registry's chunks, and the previous-versions collection exactly what restores need."""
    components = client.app.state.services.components  # type: ignore[attr-defined]
    assert components.store.all_ids() == set(components.registry.chunk_ids())
    assert components.store.all_ids(previous=True) <= components.registry.previous_chunk_ids()
    live = set(components.registry.chunk_ids())
    assert components.registry.previous_chunk_ids() - live <= components.store.all_ids(previous=True)


def _upload(client: TestClient, name: str, data: bytes, **form: str) -> dict:
    response = client.post("/documents", files={"file": (name, data)}, data=form, headers=AUTH)
    assert response.status_code == 202, response.text
    return response.json()


def test_collision_is_409_with_both_titles_then_replace_and_restore(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    with _client(tmp_path, embedder, TOKEN) as client:
        first = finished_job(client, _upload(client, "nq23.md", RESOLUTION.read_bytes())["job_id"])
        assert first["status"] == "done" and first["action"] == "added"
        other = "# Kế hoạch chuyển đổi số ngành gỗ\n\nHỗ trợ 30 doanh nghiệp chế biến gỗ số hóa quy trình sản xuất.\n".encode()

        clash = client.post("/documents", files={"file": ("nq23.md", other)}, headers=AUTH)
        assert clash.status_code == 409
        body = clash.json()
        assert body["error"] == "document_exists" and "replace=true" in body["message_vi"]
        assert body["details"][0]["existing_title"] in body["message_vi"]
        assert body["details"][0]["incoming_title"] == "Kế hoạch chuyển đổi số ngành gỗ"
        assert "Kế hoạch chuyển đổi số ngành gỗ" in body["message_en"]
        old_title = body["details"][0]["existing_title"]
        # nothing changed: the resolution still answers
        assert client.get("/documents/nq23").json()["document"]["title"] == old_title

        replaced = _upload(client, "nq23.md", other, replace="true")
        assert replaced["action"] == "replaced" and replaced["replaced_title"] == old_title
        job = finished_job(client, replaced["job_id"])
        assert job["status"] == "done" and job["action"] == "replaced" and job["replaced_title"] == old_title
        assert client.get("/documents/nq23").json()["document"]["title"] == "Kế hoạch chuyển đổi số ngành gỗ"
        hits = client.post("/search", json={"query": "số hóa chế biến gỗ", "doc_ids": ["nq23"]}).json()["hits"]
        assert hits and "gỗ" in hits[0]["text"]
        _consistent(client)

        versions = client.get("/previous-versions", headers=AUTH).json()["versions"]
        assert [(v["doc_id"], v["reason"], v["title"]) for v in versions] == [("nq23", "replaced", old_title)]
        assert versions[0]["current_title"] == "Kế hoạch chuyển đổi số ngành gỗ"
        assert versions[0]["restorable_until"] > time.time() + 6 * 86_400

        restored = client.post("/previous-versions/nq23/restore", headers=AUTH)
        assert restored.status_code == 200 and restored.json()["title"] == old_title
        answer = client.post("/ask", json={"question": "Nghị quyết 23-NQ/TW đặt mục tiêu tỷ trọng công nghiệp trong GDP bao nhiêu?"}).json()
        assert answer["answered"] and "40%" in answer["answer"] and answer["citations"][0]["doc_id"] == "nq23"
        # a restore is itself reversible: the wood plan is now the previous version
        versions = client.get("/previous-versions", headers=AUTH).json()["versions"]
        assert [v["title"] for v in versions] == ["Kế hoạch chuyển đổi số ngành gỗ"]
        _consistent(client)
        # the files of both versions are kept while both are reachable
        registry = client.app.state.services.components.registry  # type: ignore[attr-defined]
        assert all(Path(p).exists() for p in registry.source_paths())


def test_same_bytes_again_change_nothing(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    with _client(tmp_path, embedder, TOKEN) as client:
        data = RESOLUTION.read_bytes()
        finished_job(client, _upload(client, "nq23.md", data)["job_id"])
        registry = client.app.state.services.components.registry  # type: ignore[attr-defined]
        version = registry.version()
        for name in ("nq23.md", "ban-sao-nghi-quyet.md"):  # the same name, or the same bytes under another name
            again = _upload(client, name, data)
            assert again["status"] == "done" and again["action"] == "unchanged" and again["doc_id"] == "nq23"
            assert "đã có" in client.get(again["status_url"]).json()["message_vi"]
        assert registry.version() == version and registry.previous_versions() == []
        # new metadata for the same bytes is a change: it needs replace=true like any other
        assert client.post("/documents", files={"file": ("nq23.md", data)}, data={"title": "Tên khác"}, headers=AUTH).status_code == 409


def test_corpus_documents_are_protected_until_replaced_or_removed_explicitly(tmp_path: Path, embedder, reads_by_meaning) -> None:  # type: ignore[no-untyped-def]
    with _client(tmp_path, embedder, TOKEN) as client:
        fake = "# Chương trình giả mạo\n\nTỷ trọng công nghiệp trong GRDP đạt 99%.\n".encode()
        clash = client.post("/documents", files={"file": (PROGRAMME.name, fake)}, headers=AUTH)
        assert clash.status_code == 409 and clash.json()["error"] == "protected_document"
        assert clash.json()["details"][0]["protected"] is True
        refused = client.delete(f"/documents/{PROGRAMME_ID}", headers=AUTH)
        assert refused.status_code == 409 and refused.json()["error"] == "protected_delete"
        assert client.post("/ask", json={"question": GRDP}).json()["answered"]

        removed = client.delete(f"/documents/{PROGRAMME_ID}", params={"force": "true"}, headers=AUTH)
        assert removed.status_code == 200 and removed.json()["restorable_until"] > time.time()
        assert client.get("/health").json()["documents"] == 0
        assert not client.post("/ask", json={"question": GRDP}).json()["answered"]
        _consistent(client)

        assert client.post(f"/previous-versions/{PROGRAMME_ID}/restore", headers=AUTH).status_code == 200
        body = client.post("/ask", json={"question": GRDP}).json()
        assert body["answered"] and "15%" in body["answer"]
        _consistent(client)
        assert client.post("/previous-versions/khong-co/restore", headers=AUTH).status_code == 404


def test_cli_does_not_take_back_a_document_an_admin_replaced(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    with _client(tmp_path, embedder, TOKEN) as client:
        text = PROGRAMME.read_text(encoding="utf-8") + "\n\nPhụ lục: cập nhật năm 2026.\n"
        job = finished_job(client, _upload(client, PROGRAMME.name, text.encode(), replace="true")["job_id"])
        assert job["status"] == "done" and job["action"] == "replaced"
        components = client.app.state.services.components  # type: ignore[attr-defined]
        pipeline = IngestPipeline(components.settings, embedder, components.store, components.registry, components.segmenter)
        report = pipeline.run([CORPUS])
        assert [Path(s.path).name for s in report.skipped] == [PROGRAMME.name]
        assert "restore" in report.skipped[0].reason_en
        assert "Phụ lục: cập nhật năm 2026" in components.registry.document_text(PROGRAMME_ID)[0]


def test_upload_fields_are_checked(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    with _client(tmp_path, embedder, TOKEN) as client:
        data = RESOLUTION.read_bytes()
        for bad in ("99999-99-99'--", "2024-02-30", "31/12/2024"):
            response = client.post("/documents", files={"file": ("nq.md", data)}, data={"date": bad}, headers=AUTH)
            assert response.status_code == 422 and response.json()["message_en"], bad
        job = finished_job(client, _upload(client, "nq.md", data, date="2020-02-22")["job_id"])
        assert client.get(f"/documents/{job['doc_id']}").json()["document"]["date"] == "2020-02-22"
        # an HTML page without a heading is named after the uploaded file, not the staging file
        page = b"<html><body><p>Quy \xc4\x91\xe1\xbb\x8bnh v\xe1\xbb\x81 h\xe1\xbb\x97 tr\xe1\xbb\xa3 doanh nghi\xe1\xbb\x87p.</p></body></html>"
        job = finished_job(client, _upload(client, "trang-thong-tin.html", page)["job_id"])
        title = client.get(f"/documents/{job['doc_id']}").json()["document"]["title"]
        assert not title.startswith(".") and "thong tin" in title.lower(), title


class _SlowEmbedder:
    """The fast tier's embedder, slowed down so that a job outlives a tiny time budget."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim

    def warm(self) -> None:
        pass

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        time.sleep(0.005 * len(texts))  # by the chunk, so the budget test does not depend on the batch setting
        return self.inner.embed_batch(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)


def test_job_over_its_time_budget_fails_and_the_next_runs(tmp_path: Path) -> None:
    from tests.conftest import LUAT_DAU_TU, require_shared
    from tests.fixtures.fakes import HashEmbedder

    require_shared()
    embedder = _SlowEmbedder(HashEmbedder())
    with _client(tmp_path, embedder, TOKEN, admin={"token": TOKEN, "job_timeout_s": 1.0}) as client:
        law = _upload(client, "luat-dau-tu.txt", LUAT_DAU_TU.read_bytes())  # ~400 chunks: 2 s of embedding
        small = _upload(client, "nq23.md", RESOLUTION.read_bytes())  # queued behind it
        job = finished_job(client, law["job_id"])
        assert job["status"] == "failed" and "1 s" in job["message_en"] and "giây" in job["message_vi"]
        assert finished_job(client, small["job_id"])["status"] == "done"
        health = client.get("/health").json()
        assert health["documents"] == 2  # the programme and the resolution; nothing of the law
        _consistent(client)  # the law's embedded batches were swept when its job failed


def test_stray_vectors_and_expired_versions_are_swept_at_start(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path, embedder, admin={"token": TOKEN}, ingestion={"keep_previous_days": 0})
    components = open_components(settings, embedder)
    pipeline = IngestPipeline(settings, embedder, components.store, components.registry, components.segmenter)
    pipeline.run([CORPUS])
    with pipeline.lock.hold():
        pipeline.remove(PROGRAMME_ID)
    # a job killed between embedding and its commit
    components.store.upsert([("bo-mo-coi:abc", "bo-mo-coi", np.ones(embedder.dim, dtype=np.float32))])
    assert components.store.count() == 1 and components.store.all_ids(previous=True)
    from qa_service.app import create_app

    with TestClient(create_app(settings, components)) as client:
        assert client.get("/health").json()["chunks"] == 0
        assert components.store.count() == 0
        assert components.store.all_ids(previous=True) == set()  # kept 0 days: gone at the first sweep
        assert client.get("/previous-versions", headers=AUTH).json()["versions"] == []


def test_sweep_waits_for_a_writer(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """Another process embedding (holding the write lock) must not lose its not-yet-committed vectors."""
    settings = make_settings(tmp_path, embedder, admin={"token": TOKEN})
    components = open_components(settings, embedder)
    pipeline = IngestPipeline(settings, embedder, components.store, components.registry, components.segmenter)
    components.store.upsert([("dang-nap:abc", "dang-nap", np.ones(embedder.dim, dtype=np.float32))])
    from qa_service.app import create_app

    with pipeline.lock.hold(), TestClient(create_app(settings, components)):
        assert components.store.count() == 1
    with TestClient(create_app(settings, components)):
        assert components.store.count() == 0


def test_previous_versions_need_the_token(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    with _client(tmp_path, embedder, TOKEN) as client:
        assert client.get("/previous-versions").status_code == 401
        assert client.post("/previous-versions/x/restore").status_code == 401
        assert client.get("/previous-versions", headers={"Authorization": "Bearer sai"}).status_code == 403
