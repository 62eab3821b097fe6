"""The library every test in this folder may ask: built once for the folder (four laws and the programme)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import CORPUS, DATASET, ingested, require_shared
from tests.fixtures.fakes import HashEmbedder
from tests.fixtures.library import LAWS


@pytest.fixture(scope="package")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from qa_service.app import create_app

    require_shared()
    paths = [DATASET / "docs" / topic / f"{slug}.txt" for slug, topic in LAWS.items()] + [CORPUS]
    components, report = ingested(tmp_path_factory.mktemp("library"), HashEmbedder(), paths)
    assert not report.skipped
    with TestClient(create_app(components.settings, components), raise_server_exceptions=False) as client:
        yield client
