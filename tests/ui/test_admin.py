"""The admin page, driven by AppTest against a real service with an admin token: what a replace or delete
would take away is shown before it happens, and what was taken comes back from «Bản trước»."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from qa_service.components.bundle import open_components
from qa_service.ingestion.pipeline import IngestPipeline
from tests.conftest import CORPUS, PROGRAMME, make_settings
from tests.fixtures.net import serve

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")
TOKEN = "mat-khau-giao-dien"


@pytest.fixture()
def admin_api(tmp_path: Path, embedder) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from qa_service.app import create_app

    settings = make_settings(tmp_path, embedder, admin={"token": TOKEN})
    components = open_components(settings, embedder)
    IngestPipeline(settings, embedder, components.store, components.registry, components.segmenter).run([CORPUS])
    yield from serve(create_app(settings, components))


def _admin(url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("QA__API_URL", url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.radio[0].set_value("Quản trị văn bản").run()
    return at


def _texts(at: AppTest) -> str:
    return " ".join(e.value for e in [*at.markdown, *at.caption, *at.info, *at.success, *at.warning, *at.error])


def test_without_a_token_the_page_says_why_buttons_are_off(admin_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _admin(admin_api, monkeypatch)
    # where the token comes from, in a user's words: who gives it and when it is printed, no variable or folder names
    assert "người cài đặt" in _texts(at) and "make run" in _texts(at) and "Nhập mã quản trị" in _texts(at)
    assert "QA__" not in _texts(at) and "corpus/" not in _texts(at)
    assert all(b.disabled for b in at.button if b.label in {"Nạp văn bản", "Gỡ"})
    assert "Cần mã quản trị để xem" in _texts(at)


def test_replace_is_shown_before_it_happens_and_comes_back(admin_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _admin(admin_api, monkeypatch)
    at.text_input[0].set_value(TOKEN).run()
    fake = "# Chương trình sửa đổi năm 2026\n\nTỷ trọng công nghiệp trong GRDP đạt trên 20% vào năm 2030.\n".encode()
    at.file_uploader[0].upload(PROGRAMME.name, fake, "text/markdown").run()
    next(b for b in at.button if b.label == "Nạp văn bản").click().run()
    warning = " ".join(w.value for w in at.warning)
    assert "Chương trình sửa đổi năm 2026" in warning and "Chương trình hành động" in warning  # both titles
    assert "bộ văn bản gốc" in _texts(at) and "corpus/" not in _texts(at)
    assert "Chương trình hành động" in _texts(at)  # still the programme in the list: nothing happened yet

    next(b for b in at.button if b.label == "Thay văn bản đang có").click().run()
    assert any("Đã thay" in s.value for s in at.success), _texts(at)
    assert "bị thay" in _texts(at) and "Đang dùng thay cho nó: «Chương trình sửa đổi năm 2026»" in _texts(at)

    next(b for b in at.button if b.label == "Khôi phục").click().run()
    assert any("Đã khôi phục" in s.value for s in at.success), _texts(at)


def test_removing_a_corpus_document_asks_again(admin_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _admin(admin_api, monkeypatch)
    at.text_input[0].set_value(TOKEN).run()
    next(b for b in at.button if b.label == "Gỡ").click().run()
    assert any("thuộc bộ văn bản gốc" in w.value for w in at.warning), _texts(at)
    next(b for b in at.button if b.label == "Vẫn gỡ văn bản gốc").click().run()
    assert any("Đã gỡ" in s.value and "Bản trước" in s.value for s in at.success), _texts(at)
    at.run()
    assert "bị gỡ" in _texts(at)
    next(b for b in at.button if b.label == "Khôi phục").click().run()
    assert any("Đã khôi phục" in s.value for s in at.success)


def test_document_titles_are_shown_literally(admin_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _admin(admin_api, monkeypatch)
    at.text_input[0].set_value(TOKEN).run()
    hostile = "# [Bấm vào đây](https://evil.example/login) **gấp**\n\nNội dung thử nghiệm về hỗ trợ doanh nghiệp.\n".encode()
    at.file_uploader[0].upload("tieu-de-doc-hai.md", hostile, "text/markdown").run()
    next(b for b in at.button if b.label == "Nạp văn bản").click().run()
    assert any("Đã nạp xong" in s.value for s in at.success), _texts(at)
    line = next(m.value for m in at.markdown if "Bấm vào đây" in m.value)
    assert "](https://" not in line and "\\[Bấm vào đây\\]" in line
