"""Every page, fed a document whose title, headings and body hold Markdown links, bare addresses, HTML and
sentences addressed to a model (tests/fixtures/hostile.py), and a question that holds them too: whatever the page
renders as Markdown — text, captions, alerts and every widget label that Streamlit reads as Markdown (buttons,
checkboxes, radio options, expanders) — shows them as text. No link is live but the reader's own anchors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from qa_service.app import create_app
from tests.fixtures.fakes import HashEmbedder
from tests.fixtures.hostile import EVIL, HOSTILE_ID, hostile_components
from tests.fixtures.net import serve
from ui.strings import S

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")
QUESTION = "Xem [đây](https://evil.example/q) <img src=x onerror=alert(1)> www.evil.example: những nhiệm vụ chủ yếu nào?"

# CommonMark with raw HTML, as Streamlit renders st.markdown(…, unsafe_allow_html=True); GFM's bare-address links
# are looked for in the source (BARE), the way remark-gfm finds them
RENDER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
HREF = re.compile(r"<a\s[^>]*href=['\"]([^'\"]*)")
OWN_ANCHOR = re.compile(r"^#o\d+$")  # the reader's outline: a heading's place in the page
TAGS = re.compile(r"<(?:img|script|iframe|object|svg)\b", re.IGNORECASE)
BARE = re.compile(r"(?i)(?:https?|ftp)://|\bwww\.|[\w.+-]@[\w-]+\.[a-z]")


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    components = hostile_components(tmp_path_factory.mktemp("hostile-ui"), HashEmbedder())
    yield from serve(create_app(components.settings, components))


def live(source: str) -> list[str]:
    """What Markdown would make live in `source`: links (but the reader's anchors), images, HTML elements."""
    rendered = RENDER.render(source)
    links = [h for h in HREF.findall(rendered) if not OWN_ANCHOR.match(h)]
    return links + TAGS.findall(rendered) + BARE.findall(source)


def markdown_shown(at: AppTest) -> list[str]:
    """Every string the page hands to Streamlit as Markdown."""
    texts = [e.value for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success")
             for e in getattr(at, kind)]
    labels = [w.label for kind in ("button", "checkbox", "toggle", "download_button", "multiselect", "selectbox", "expander", "tabs")
              for w in getattr(at, kind)]
    options = [o for radio in at.radio for o in [radio.label, *radio.options]]
    return texts + labels + options


def assert_inert(at: AppTest) -> None:
    assert not at.exception, at.exception
    shown = markdown_shown(at)
    assert any(EVIL in s for s in shown), "the hostile text is shown (escaped), or this test checks nothing"
    found = {s[:120]: live(s) for s in shown if live(s)}
    assert found == {}


def page(url: str, monkeypatch: pytest.MonkeyPatch, name: str) -> AppTest:
    monkeypatch.setenv("QA__API_URL", url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    if name != "page_ask":
        at.radio(key="page").set_value(S[name]).run()
    return at


def test_ask_page_answer_sources_and_conversation_title(hostile_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page(hostile_url, monkeypatch, "page_ask")
    at.chat_input[0].set_value(QUESTION).run()
    assert at.session_state.history[-1]["body"]["citations"]
    at.run()  # the sidebar lists the conversation, titled with the question as typed
    assert any("evil" in b.label for b in at.button if b.key and b.key.startswith("conv-"))
    assert_inert(at)


def test_duties_page(hostile_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    actors = httpx.get(f"{hostile_url}/actors").json()["actors"]
    linked = next(a["id"] for a in actors if EVIL in a["name"])
    at = page(hostile_url, monkeypatch, "page_actors")
    at.radio(key="actor").set_value(linked).run()
    assert at.checkbox
    assert_inert(at)


def test_targets_page(hostile_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_inert(page(hostile_url, monkeypatch, "page_targets"))


def test_training_page(hostile_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page(hostile_url, monkeypatch, "page_training")
    at.multiselect(key="training-sections").set_value(["Mục I", "Mục II", "Mục III"]).run()
    at.button(key="training-build").click().run()
    assert at.success and at.expander
    assert_inert(at)


def test_reader_page_outline_and_text(hostile_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page(hostile_url, monkeypatch, "page_reader")
    outline = [m.value for m in at.sidebar.markdown if "href='#o" in m.value]
    assert any(EVIL in m for m in outline)  # «Mục II. Xem [hướng dẫn](https://evil.example/phish) tại cổng», as text
    assert_inert(at)
    assert HOSTILE_ID in httpx.get(f"{hostile_url}/documents").text


def test_admin_page(hostile_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_inert(page(hostile_url, monkeypatch, "page_admin"))
