"""A law its successor replaced: the answer's sources and the reader say so (AppTest over the real service, a
two-law library read in place from ../shared, fake embedder)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DATASET, ingested, require_shared
from tests.fixtures.fakes import HashEmbedder
from tests.fixtures.net import serve

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")
NOTE = "Văn bản này đã hết hiệu lực theo Luật Đầu tư 61/2020/QH14 (Điều 76, khoản 3)."


def _served(tmp_path_factory: pytest.TempPathFactory, paths: list[Path]) -> Iterator[str]:
    from qa_service.app import create_app

    components, _ = ingested(tmp_path_factory.mktemp("index"), HashEmbedder(), paths)
    yield from serve(create_app(components.settings, components))


@pytest.fixture(scope="module")
def library_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_shared()
    laws = [DATASET / "docs" / "uu_dai_dt" / f"{slug}.txt" for slug in ("luat-so-61-2020-qh14-31682", "luat-so-67-2014-qh13-6861")]
    yield from _served(tmp_path_factory, laws)


def test_sources_and_reader_say_the_old_law_is_no_longer_in_force(library_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA__API_URL", library_url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.chat_input[0].set_value("Theo Luật Đầu tư năm 2014, Điều 15 quy định gì?").run()
    assert any(NOTE == c.value for c in at.caption)
    assert "văn bản đã hết hiệu lực theo Luật Đầu tư 61/2020/QH14" in " ".join(m.value for m in at.markdown)
    [button] = [b for b in at.button if b.label == "Xem trong văn bản"][:1]
    button.click().run()
    assert at.session_state.page == "Đọc văn bản"
    assert [w.value for w in at.warning] == [NOTE]
    assert at.selectbox[0].value == "luat-so-67-2014-qh13-6861"


def test_the_law_in_force_has_no_such_note(library_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA__API_URL", library_url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.chat_input[0].set_value("Điều 15 Luật Đầu tư 2020 quy định gì?").run()
    assert not any("hết hiệu lực theo" in c.value for c in at.caption)


# as the caption's Markdown source holds it: document text passes through literal(), which escapes its parentheses
NEWER = r"Đã có văn bản hợp nhất mới hơn: Luật Lao động mẫu \(văn bản hợp nhất\) 7/VBHN-VPQH (2025-03-15) — lời văn có thể đã được sửa đổi."


@pytest.fixture(scope="module")
def consolidated_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from tests.fixtures.versions import write_act_and_consolidation

    folder = tmp_path_factory.mktemp("act") / "docs"
    write_act_and_consolidation(folder)
    yield from _served(tmp_path_factory, [folder])


def test_an_act_quoted_by_number_says_a_newer_consolidated_text_is_loaded(consolidated_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA__API_URL", consolidated_url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.chat_input[0].set_value("Điều 5 Luật số 10/2020/QH14 quy định gì?").run()
    assert any(NEWER == c.value for c in at.caption)
    [button] = [b for b in at.button if b.label == "Xem trong văn bản"][:1]
    button.click().run()
    assert [i.value for i in at.info] == [NEWER]
    fresh = AppTest.from_file(APP, default_timeout=60).run()
    fresh.chat_input[0].set_value("Thời gian thử việc tối đa không quá bao nhiêu ngày?").run()  # the newest text: no note
    assert "90 ngày" in " ".join(m.value for m in fresh.markdown)
    assert not any("văn bản hợp nhất mới hơn" in c.value for c in fresh.caption)
