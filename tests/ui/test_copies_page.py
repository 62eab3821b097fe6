"""A cited passage that other documents hold too (a copy, a consolidated text): the answer's sources say where,
and which of them words it differently (AppTest over the real service, fake embedder)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ingested
from tests.fixtures.copies import write_copies
from tests.fixtures.fakes import HashEmbedder
from tests.fixtures.net import serve

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")


@pytest.fixture(scope="module")
def copies_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from qa_service.app import create_app

    root = tmp_path_factory.mktemp("copies")
    components, _ = ingested(root / "index", HashEmbedder(), [write_copies(root / "docs")])
    yield from serve(create_app(components.settings, components))


def test_sources_list_the_other_documents_holding_the_passage(copies_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA__API_URL", copies_url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.chat_input[0].set_value("Việt Nam cơ bản trở thành nước công nghiệp theo hướng nào?").run()
    [line] = [c.value for c in at.caption if c.value.startswith("Cũng có trong:")]
    assert line.count("23") >= 2  # the two other numbers
    assert "(gần giống, lời văn có chỗ khác)" in line  # the footnoted consolidated text, or the original beside it
    assert line.count("Mục I.1") == 2
