"""The admin page says when the index was embedded with another model, and how to re-embed (AppTest, real service)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from qa_service.components.bundle import open_components
from tests.conftest import CORPUS, ingested, make_settings
from tests.fixtures.fakes import HashEmbedder
from tests.fixtures.net import serve

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")


class OtherModel(HashEmbedder):
    model_id = "hash-test-adapted"


@pytest.fixture()
def switched_api(tmp_path: Path) -> Iterator[str]:
    from qa_service.app import create_app

    ingested(tmp_path, HashEmbedder(), [CORPUS])
    settings = make_settings(tmp_path, OtherModel())
    yield from serve(create_app(settings, open_components(settings, OtherModel())))


def test_a_model_change_is_reported_with_the_rebuild_command(switched_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA__API_URL", switched_api)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.radio[0].set_value("Quản trị văn bản").run()
    warning = " ".join(w.value for w in at.warning)
    assert "mô hình khác" in warning and "make ingest REBUILD=1" in warning and OtherModel.model_id in warning
    assert HashEmbedder.model_id in warning  # the model the index was embedded with
