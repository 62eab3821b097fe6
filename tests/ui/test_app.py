"""The Streamlit app driven by AppTest against the real service over HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from ui.render import literal

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")


def _app(url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("QA__API_URL", url)
    return AppTest.from_file(APP, default_timeout=60)


def test_ask_shows_answer_with_sources_then_follow_up(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(api_url, monkeypatch).run()
    at.chat_input[0].set_value("Tỷ lệ lấp đầy các khu công nghiệp đến năm 2025 đạt bao nhiêu?").run()
    text = " ".join(m.value for m in at.markdown)
    assert "65%" in text and "Mục II.3.b" in text
    assert "<mark>" in text
    at.chat_input[0].set_value("còn cụm công nghiệp thì sao?").run()
    assert "40%" in " ".join(m.value for m in at.markdown)
    # the follow-up is shown as it was understood
    assert any("Tỷ lệ lấp đầy các cụm công nghiệp đến năm 2025" in c.value for c in at.caption)
    assert len(at.session_state.history) == 4


def test_refusal_is_shown_as_such(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(api_url, monkeypatch).run()
    at.chat_input[0].set_value("Giá xăng dầu hôm nay là bao nhiêu?").run()
    assert at.warning and "Chưa tìm thấy" in at.warning[0].value


def test_open_in_reader(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(api_url, monkeypatch).run()
    at.chat_input[0].set_value("Mục tiêu tỷ trọng công nghiệp trong GRDP đến 2025?").run()
    open_buttons = [b for b in at.button if b.label == "Xem trong văn bản"]
    open_buttons[0].click().run()
    assert at.session_state.page == "Đọc văn bản"
    page = " ".join(m.value for m in at.markdown)
    assert "id='cited'" in page and "23-NQ/TW" in page


def test_api_down_is_said_kindly(monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app("http://127.0.0.1:9", monkeypatch).run()
    assert at.error and "Không kết nối được" in at.error[0].value
    at.chat_input[0].set_value("GRDP?").run()
    assert not at.exception


def test_pin_and_export_briefing(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from docx import Document

    from ui.briefing import to_docx, to_markdown

    at = _app(api_url, monkeypatch).run()
    at.chat_input[0].set_value("Mục tiêu tỷ trọng công nghiệp trong GRDP đến 2025?").run()
    pin = [b for b in at.button if b.label == "Ghim vào bản tóm tắt"]
    pin[0].click().run()
    briefing = at.session_state.briefing
    assert len(briefing) == 1 and briefing[0]["citations"]
    first = briefing[0]["citations"][0]
    markdown = to_markdown(briefing)
    # the briefing carries the pinned answer's quotes verbatim, with their exact labels and a source list
    assert first["quote"] in markdown and first["citation_label"] in markdown and "## Nguồn" in markdown
    document = Document(io.BytesIO(to_docx(briefing)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert first["quote"] in text and "Nguồn" in text and first["citation_label"] in text
    assert [b for b in at.button if b.label == "Đã ghim"]


def test_filter_limits_answers_to_chosen_document(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(api_url, monkeypatch).run()
    doc_id = httpx.get(api_url + "/documents").json()["loaded"][0]["doc_id"]
    at.multiselect[0].select(doc_id).run()
    assert at.multiselect[0].value == [doc_id]
    at.chat_input[0].set_value("Tỷ lệ lấp đầy khu công nghiệp?").run()
    body = at.session_state.history[-1]["body"]
    assert body["citations"] and {c["doc_id"] for c in body["citations"]} == {doc_id}


def test_generative_toggle_is_disabled_without_a_model(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(api_url, monkeypatch).run()
    toggle = at.toggle(key="generative")
    assert toggle.label == "Trả lời diễn giải (chậm hơn)" and toggle.disabled
    assert "chưa có mô hình ngôn ngữ" in toggle.help and "make" not in toggle.help  # no developer commands on screen


@pytest.mark.llm
def test_generative_answer_shows_only_checked_text(gen_api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(gen_api_url, monkeypatch)
    at.default_timeout = 180
    at.run()
    assert not at.toggle(key="generative").disabled
    at.toggle(key="generative").set_value(True).run()
    at.chat_input[0].set_value("Mục tiêu tỷ trọng công nghiệp trong GRDP đến năm 2025 là bao nhiêu?").run()
    body = at.session_state.history[-1]["body"]
    assert body["mode"] == "generative" and body["answered"]
    shown = " ".join(m.value for m in at.markdown)
    assert literal(body["answer"]) in shown and "15%" in shown  # shown as written, Markdown escaped
    assert "▌" not in shown  # the streamed draft was replaced by the checked answer
    captions = " ".join(c.value for c in at.caption)
    assert "Câu trả lời diễn giải" in captions
    assert any(e.label.startswith("Nguồn trích dẫn") for e in at.expander)


def test_sources_are_collapsed_one_entry_per_passage(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(api_url, monkeypatch).run()
    at.chat_input[0].set_value("Chương trình có những nhóm nhiệm vụ, giải pháp chủ yếu nào?").run()
    sources = [e for e in at.expander if e.label.startswith("Nguồn trích dẫn")]
    assert sources and not any(e.proto.expanded for e in sources)
    body = at.session_state.history[-1]["body"]
    passages = {c["chunk_id"] for c in body["citations"]}
    assert sources[-1].label == f"Nguồn trích dẫn ({len(passages)} đoạn)"
    shown = [b for b in at.button if b.label == "Xem trong văn bản"]
    assert len(shown) == len(passages)  # a passage quoted twice is listed once


def test_blank_input_is_ignored_and_the_box_counts_to_the_service_limit(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from qa_service.api.schemas import AskRequest
    from ui.client import MAX_QUESTION

    at = _app(api_url, monkeypatch).run()
    assert at.chat_input[0].proto.max_chars == MAX_QUESTION == AskRequest.model_json_schema()["properties"]["question"]["maxLength"]
    at.chat_input[0].set_value("   ").run()
    assert not at.chat_message and not at.error and not at.session_state.history


def test_pinned_follow_up_is_headed_by_the_question_as_understood(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(api_url, monkeypatch).run()
    at.chat_input[0].set_value("Tỷ lệ lấp đầy các khu công nghiệp đến năm 2025 đạt bao nhiêu?").run()
    at.chat_input[0].set_value("còn cụm công nghiệp thì sao?").run()
    [b for b in at.button if b.label.startswith("Ghim")][-1].click().run()
    heading = at.session_state.briefing[-1]["question"]
    assert "cụm công nghiệp" in heading and heading != "còn cụm công nghiệp thì sao?"


def _ask(at: AppTest, question: str) -> AppTest:
    return at.chat_input[0].set_value(question).run()


def test_a_reload_or_a_shared_link_reopens_the_conversation_and_its_briefing(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(api_url, monkeypatch).run()
    _ask(at, "Tỷ lệ lấp đầy các khu công nghiệp đến năm 2025 đạt bao nhiêu?")
    _ask(at, "còn cụm công nghiệp thì sao?")
    [b for b in at.button if b.label == "Ghim vào bản tóm tắt"][-1].click().run()
    cid = at.query_params["c"][0] if isinstance(at.query_params["c"], list) else at.query_params["c"]
    assert cid == at.session_state.conversation_id

    # a new session with the same URL in the same browser: what a reload or a new tab gets (the browser's cookie
    # brings its client key back; AppTest sends no cookies, so the key is handed over as the cookie would)
    other = _app(api_url, monkeypatch)
    other.query_params["c"] = cid
    other.session_state["client_key"] = at.session_state["client_key"]
    other.run()
    assert len(other.session_state.history) == 4
    shown = " ".join(m.value for m in other.markdown)
    assert "65%" in shown and "40%" in shown
    assert [item["turn"] for item in other.session_state.briefing] == [1]
    assert [b.label for b in other.button if b.key and b.key.startswith("pin-")] == ["Ghim vào bản tóm tắt", "Đã ghim"]
    assert any("cụm công nghiệp" in m.value for m in other.sidebar.markdown)
    # the follow-up asked in the reopened conversation is still read against it
    _ask(other, "còn khu công nghiệp thì sao?")
    assert "lấp đầy" in other.session_state.history[-1]["body"]["standalone_question"].lower()

    # unpin, then a new conversation starts empty and drops the link
    [b for b in other.sidebar.button if b.label == "✕"][0].click().run()
    assert other.session_state.briefing == []
    assert httpx.get(f"{api_url}/conversations/{cid}").json()["pinned"] == []
    other.sidebar.button(key="new-conversation").click().run()
    assert not other.session_state.history and "c" not in other.query_params


def test_a_dead_link_says_so_and_starts_fresh(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(api_url, monkeypatch)
    at.query_params["c"] = "khong-con-nua-123"
    at.run()
    assert at.warning and "Không tìm thấy cuộc trò chuyện" in at.warning[0].value
    assert not at.exception and "c" not in at.query_params


def test_past_conversations_are_listed_and_open_from_the_sidebar(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(api_url, monkeypatch).run()
    _ask(at, "Mục tiêu tổng quát đến năm 2030 là gì?")
    first = at.session_state.conversation_id
    at.sidebar.button(key="new-conversation").click().run()
    _ask(at, "Tỷ trọng công nghiệp trong GRDP đến 2025?")
    assert at.session_state.conversation_id != first
    at.sidebar.button(key=f"conv-{first}").click().run()
    assert at.session_state.conversation_id == first
    assert at.session_state.history[0]["content"] == "Mục tiêu tổng quát đến năm 2030 là gì?"
    at.sidebar.button(key="delete-conversation").click().run()
    at.sidebar.button(key="delete-conversation-yes").click().run()
    assert httpx.get(f"{api_url}/conversations/{first}").status_code == 404
    assert not at.session_state.history


def test_deleting_a_conversation_asks_first(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.strings import S

    at = _app(api_url, monkeypatch).run()
    _ask(at, "Mục tiêu tổng quát đến năm 2030 là gì?").run()  # the sidebar, drawn before the question, catches up
    cid = at.session_state.conversation_id
    at.sidebar.button(key="delete-conversation").click().run()  # one click deletes nothing: it asks
    assert httpx.get(f"{api_url}/conversations/{cid}").status_code == 200 and at.session_state.history
    assert any(S["delete_conversation_confirm"] in w.value for w in at.sidebar.warning)
    assert {b.label for b in at.sidebar.button if b.key and b.key.startswith("delete-conversation-")} == {"Xóa hẳn", "Thôi"}

    at.sidebar.button(key="delete-conversation-no").click().run()  # «Thôi» keeps it and takes the question away
    assert httpx.get(f"{api_url}/conversations/{cid}").status_code == 200 and at.session_state.history
    assert not at.sidebar.warning and not [b for b in at.sidebar.button if b.key == "delete-conversation-yes"]

    at.sidebar.button(key="delete-conversation").click().run()
    at.sidebar.button(key="delete-conversation-yes").click().run()  # «Xóa hẳn» deletes
    assert httpx.get(f"{api_url}/conversations/{cid}").status_code == 404
    assert not at.session_state.history and "c" not in at.query_params
    assert not [b for b in at.sidebar.button if b.key and b.key.startswith("delete-conversation")]


def test_copy_holds_the_answer_with_its_sources(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(api_url, monkeypatch).run()
    _ask(at, "Tỷ lệ lấp đầy các khu công nghiệp đến năm 2025 đạt bao nhiêu?")
    body = at.session_state.history[-1]["body"]
    copied = at.code[-1].value
    assert copied.startswith(body["answer"].strip()[:40])
    assert body["citations"][0]["quote"] in copied and body["citations"][0]["citation_label"] in copied


def test_a_shared_link_opened_in_another_browser_reads_but_never_changes(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.strings import S

    at = _app(api_url, monkeypatch).run()
    _ask(at, "Tỷ lệ lấp đầy các khu công nghiệp đến năm 2025 đạt bao nhiêu?")
    [b for b in at.button if b.label == "Ghim vào bản tóm tắt"][-1].click().run()
    cid = at.session_state.conversation_id

    colleague = _app(api_url, monkeypatch)  # another browser: a key of its own
    colleague.query_params["c"] = cid
    colleague.run()
    assert colleague.session_state.client_key != at.session_state.client_key
    assert len(colleague.session_state.history) == 2 and "65%" in " ".join(m.value for m in colleague.markdown)
    assert any(S["conversation_shared"] in i.value for i in colleague.info)
    assert all(b.disabled for b in colleague.button if b.key and (b.key.startswith("pin-") or b.key.startswith("unpin-")))
    assert not [b for b in colleague.sidebar.button if b.key == "delete-conversation" or b.key == f"conv-{cid}"]
    # what the colleague asks starts a conversation of their own; the shared one keeps its single turn
    _ask(colleague, "Tỷ lệ lấp đầy các cụm công nghiệp đến năm 2025 đạt bao nhiêu?")
    assert colleague.session_state.conversation_id != cid and len(colleague.session_state.history) == 2
    assert httpx.get(f"{api_url}/conversations/{cid}").json()["turns"] == 1
    at.run()  # the owner's sidebar still lists it; the colleague's does not
    assert at.sidebar.button(key=f"conv-{cid}") is not None
    colleague.run()
    assert not [b for b in colleague.sidebar.button if b.key == f"conv-{cid}"]
