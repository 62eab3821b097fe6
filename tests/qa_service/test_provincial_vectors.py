"""The province's passages are searched by meaning from vectors held in memory (nearly every question in a library
searches them, and Chroma's filtered search cost 86 ms of a 120 ms /search): the same passages and scores as Chroma's
filter, read again when a document is added, and Chroma's filter again past the limit. Real Chroma, fake embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa_service.ingestion.pipeline import IngestPipeline
from qa_service.services.ranking.candidates import dense_search
from tests.conftest import ingested
from tests.fixtures.documents import write_markdown
from tests.fixtures.fakes import HashEmbedder

PLAN = "1. Đào tạo nhân lực\n\nKhuyến khích doanh nghiệp tham gia đào tạo nhân lực.\n\n2. Hạ tầng\n\nĐầu tư đường giao thông đến cụm công nghiệp.\n"
QUESTION = "Doanh nghiệp tham gia đào tạo nhân lực như thế nào?"


def _plan(folder: Path, slug: str, number: str) -> Path:
    return write_markdown(
        folder, slug, PLAN.replace("nhân lực", f"nhân lực {slug}"),
        title=f"Kế hoạch {slug}", doc_type="Kế hoạch", doc_number=number, issuer="Ủy ban nhân dân tỉnh Kiên Giang",
    )


@pytest.fixture
def library(tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "docs"
    _plan(folder, "ke-hoach-a", "1/KH-UBND")
    write_markdown(
        folder, "nghi-dinh", "Điều 1. Đào tạo\n\nDoanh nghiệp tham gia đào tạo nhân lực được hỗ trợ.\n",
        title="Nghị định đào tạo", doc_type="Nghị định", doc_number="9/2024/NĐ-CP", issuer="Chính phủ",
    )
    components, report = ingested(tmp_path / "index", HashEmbedder(), [folder])
    assert not report.skipped
    return components, tmp_path


def test_held_vectors_give_what_chromas_filter_gives(library) -> None:  # type: ignore[no-untyped-def]
    from qa_service.services.retrieval import provincial_documents, provincial_vectors

    components, _ = library
    own = sorted(provincial_documents(components.registry))
    assert own == ["ke-hoach-a"]
    held = provincial_vectors(components)
    assert held is not None and len(held.chunk_ids) == len(components.registry.chunk_ids("ke-hoach-a"))
    vector = components.embedder.embed_query(QUESTION)
    exact = dense_search(components, vector, 5, own)
    chroma = [(h.chunk_id, h.score) for h in components.store.query(vector, 5, own)]
    assert [cid for cid, _ in exact] == [cid for cid, _ in chroma]
    assert [round(score, 4) for _, score in exact] == [round(score, 4) for _, score in chroma]
    # a scope beyond the province's documents is Chroma's
    both = dense_search(components, vector, 5, ["ke-hoach-a", "nghi-dinh"])
    assert {cid.rsplit(":", 1)[0] for cid, _ in both} == {"ke-hoach-a", "nghi-dinh"}


def test_a_document_added_is_in_the_held_vectors_at_once(library) -> None:  # type: ignore[no-untyped-def]
    from qa_service.services.retrieval import provincial_vectors

    components, tmp_path = library
    before = provincial_vectors(components)
    assert before is not None
    added = _plan(tmp_path / "more", "ke-hoach-b", "2/KH-UBND")
    settings = components.settings
    report = IngestPipeline(settings, components.embedder, components.store, components.registry, components.segmenter).run([added])
    assert not report.skipped
    after = provincial_vectors(components)
    assert after is not None and set(after.doc_ids) == {"ke-hoach-a", "ke-hoach-b"}
    assert len(after.chunk_ids) == len(before.chunk_ids) + len(components.registry.chunk_ids("ke-hoach-b"))


def test_past_the_limit_the_province_is_searched_through_chroma(library, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from qa_service.services.ranking.candidates import dense_search
    from qa_service.services.retrieval import provincial_vectors

    components, _ = library
    vector = components.embedder.embed_query(QUESTION)
    held = dense_search(components, vector, 5, ["ke-hoach-a"])
    passages = len(components.registry.chunk_ids("ke-hoach-a"))
    components.settings.retrieval.provincial_vectors_max = passages - 1  # one passage more than the limit
    assert provincial_vectors(components) is None
    calls: list[object] = []
    original = components.store.query
    monkeypatch.setattr(components.store, "query", lambda *a, **k: calls.append(a) or original(*a, **k))
    through_chroma = dense_search(components, vector, 5, ["ke-hoach-a"])
    assert calls and [cid for cid, _ in through_chroma] == [cid for cid, _ in held]
    components.settings.retrieval.provincial_vectors_max = passages
    assert provincial_vectors(components) is not None
