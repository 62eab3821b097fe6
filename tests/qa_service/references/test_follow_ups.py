"""A follow-up in a library keeps to the document the conversation is about, or goes to another one it names."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.library import INVESTMENT_2020, LABOUR_CODE, ask


def test_a_follow_up_keeps_to_the_document_the_conversation_is_about(library: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """«Còn về đất đai thì sao?» after a question the programme answered: land in the programme, though the investment
    law's land articles match the rewritten question's words as well."""
    # the province signal alone would keep «Tỉnh …» in the programme: off, so the conversation's topic is what is tested
    monkeypatch.setattr(library.app.state.services.components.settings.retrieval, "weights", {"province_asked": 0.0, "province_near": 0.0})  # type: ignore[attr-defined]
    first = "Tỉnh phát triển hạ tầng khu công nghiệp như thế nào?"
    standalone = "Tỉnh phát triển hạ tầng khu công nghiệp như thế nào về đất đai?"
    programme = "chuong-trinh-hanh-dong-phat-trien-cong-nghiep-2021-2025"
    alone = ask(library, standalone)  # asked with no conversation, the law is quoted beside the programme
    assert {c["doc_id"] for c in alone["citations"]} == {programme, INVESTMENT_2020}
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": "…"}]
    body = library.post("/ask", json={"question": "Còn về đất đai thì sao?", "history": history}).json()
    assert body["standalone_question"] == standalone and body["answered"]
    assert {c["doc_id"] for c in body["citations"]} == {programme}


def test_a_follow_up_about_another_named_document_goes_there(library: TestClient) -> None:
    history = [{"role": "user", "content": "Điều 15 Luật Đầu tư 2020 quy định gì?"}, {"role": "assistant", "content": "…"}]
    body = library.post("/ask", json={"question": "Còn Bộ luật Lao động thì sao?", "history": history}).json()
    assert {c["doc_id"] for c in body["citations"]} == {LABOUR_CODE}



def test_a_follow_up_keeps_to_the_documents_the_previous_answer_quoted(library: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The history's assistant turn says which documents it quoted (`documents`, as the UI's conversations do): the
    follow-up keeps to the one quoted most, here the law — the opposite of what the previous question's words alone
    lean to (the test above) — without searching the previous question again."""
    monkeypatch.setattr(library.app.state.services.components.settings.retrieval, "weights", {"province_asked": 0.0, "province_near": 0.0})  # type: ignore[attr-defined]
    first = "Tỉnh phát triển hạ tầng khu công nghiệp như thế nào?"
    quoted = [INVESTMENT_2020, INVESTMENT_2020, "chuong-trinh-hanh-dong-phat-trien-cong-nghiep-2021-2025"]
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": "…", "documents": quoted}]
    body = library.post("/ask", json={"question": "Còn về đất đai thì sao?", "history": history}).json()
    assert body["answered"] and body["citations"][0]["doc_id"] == INVESTMENT_2020


def test_a_history_turn_with_a_malformed_document_id_is_refused(library: TestClient) -> None:
    for spaced in ("two words", "-W\u0085", "a\u001db", "a\u3000b"):  # whitespace by any engine's «\s» (schemathesis)
        history = [{"role": "assistant", "content": "…", "documents": [spaced]}]
        assert library.post("/ask", json={"question": "Còn về đất đai thì sao?", "history": history}).status_code == 422
    # the schema says the same as the server
    pattern = library.get("/openapi.json").json()["components"]["schemas"]["HistoryTurn"]["properties"]["documents"]["items"]["pattern"]
    assert "\\s" not in pattern and "\\u0085" in pattern
    many = [{"role": "assistant", "content": "…", "documents": ["a"] * 21}]
    assert library.post("/ask", json={"question": "Còn về đất đai thì sao?", "history": many}).status_code == 422
