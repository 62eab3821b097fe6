"""After a model change the index is reported as embedded with another model, and re-embedding is offered, never
done silently: real Chroma, the real FastAPI app, the ingest CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa_service.components.index_model import index_model_state
from tests.conftest import ROOT, ingested, make_settings
from tests.fixtures.fakes import HashEmbedder

DOC = ROOT / "tests" / "data" / "nghi-quyet-23-nq-tw-thu-nghiem.md"


class OtherModel(HashEmbedder):
    model_id = "hash-test-adapted"


def test_an_index_of_another_model_needs_reembedding(tmp_path: Path) -> None:
    from qa_service.app import create_app
    from qa_service.components.bundle import open_components
    from qa_service.ingestion.pipeline import IngestPipeline

    first, _ = ingested(tmp_path, HashEmbedder(), [DOC])
    assert not index_model_state(first.registry, first.store, HashEmbedder.model_id).needs_reembedding
    other = OtherModel()
    settings = make_settings(tmp_path, other)
    components = open_components(settings, other)
    state = index_model_state(components.registry, components.store, other.model_id)
    assert state.needs_reembedding and state.vectors == 0 and state.chunks > 0
    assert state.other_models == [make_settings(tmp_path, HashEmbedder()).collection_name]
    with TestClient(create_app(settings, components)) as client:
        body = client.get("/health").json()
    assert body["reembed_needed"] is True and body["other_embedding_models"] == state.other_models
    report = IngestPipeline(settings, other, components.store, components.registry, components.segmenter).run([DOC], rebuild=True)
    assert report.embedded == state.chunks
    after = index_model_state(components.registry, components.store, other.model_id)
    assert not after.needs_reembedding and after.other_models == []


def test_the_ingest_cli_offers_rebuild_instead_of_skipping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ingest.__main__ import main
    from qa_service.settings import get_settings

    ingested(tmp_path, HashEmbedder(), [DOC])
    monkeypatch.setenv("QA__DATA_DIR", str(tmp_path))
    monkeypatch.setenv("QA__EMBEDDING__MODEL_ID", OtherModel.model_id)
    get_settings.cache_clear()
    try:
        assert main([str(DOC)]) == 2
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert "--rebuild" in err and HashEmbedder.model_id in err and OtherModel.model_id in err
