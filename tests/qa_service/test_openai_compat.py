"""The OpenAI-compatible API (/v1): the HTTP contract through the real app, and the official `openai` client
against the app served by uvicorn (fast tier: hashed embeddings; the generative model is a scripted fake)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import openai
import pytest
from fastapi.testclient import TestClient

from qa_service.api.plain import SOURCES, answer_turn
from qa_service.app import create_app
from qa_service.services.generative import FinalEvent
from tests.fixtures.net import serve
from tests.qa_service.test_generative import scripted_client

EXTRACTIVE, GENERATIVE = "hoi-dap-extractive", "hoi-dap-generative"
GRDP = "Mục tiêu tỷ trọng công nghiệp trong GRDP đến năm 2025 là bao nhiêu?"
FILL = "Tỷ lệ lấp đầy các khu công nghiệp đến 2025 đạt bao nhiêu?"
OFF_TOPIC = "Giá vé máy bay đi Đà Nẵng là bao nhiêu?"


def chat(client: TestClient, *messages: tuple[str, str], model: str = EXTRACTIVE, **extra: object):  # type: ignore[no-untyped-def]
    payload = {"model": model, "messages": [{"role": r, "content": c} for r, c in messages], **extra}
    return client.post("/v1/chat/completions", json=payload)


def stream_chunks(text: str) -> list[dict]:
    blocks = [b for b in text.strip().split("\n\n") if not b.startswith(":")]
    assert blocks[-1] == "data: [DONE]"
    return [json.loads(b.removeprefix("data: ")) for b in blocks[:-1]]


def test_models_are_the_answer_modes_available(client: TestClient) -> None:
    body = client.get("/v1/models").json()
    # no LLM in the fast tier: the generative mode is not offered
    assert body["object"] == "list" and [m["id"] for m in body["data"]] == [EXTRACTIVE]
    assert body["data"][0]["object"] == "model" and body["data"][0]["owned_by"]
    assert client.get(f"/v1/models/{EXTRACTIVE}").json()["id"] == EXTRACTIVE
    assert client.get(f"/v1/models/{GENERATIVE}").status_code == 404


def test_an_unknown_model_is_a_404_in_openais_error_shape(client: TestClient) -> None:
    for response in (chat(client, ("user", GRDP), model="gpt-4o"), chat(client, ("user", GRDP), model=GENERATIVE)):
        assert response.status_code == 404
        error = response.json()["error"]
        assert error["code"] == "model_not_found" and error["param"] == "model" and error["type"] == "invalid_request_error"
        assert EXTRACTIVE in error["message"] and error["message_vi"].startswith("Không có mô hình")
        assert response.json()["request_id"] == response.headers["X-Request-ID"]


def test_a_completion_is_the_ask_answer_with_its_sources(client: TestClient) -> None:
    asked = client.post("/ask", json={"question": GRDP}).json()
    body = chat(client, ("user", GRDP)).json()
    assert body["object"] == "chat.completion" and body["model"] == EXTRACTIVE and body["id"].startswith("chatcmpl-")
    choice = body["choices"][0]
    assert choice["finish_reason"] == "stop" and choice["message"]["role"] == "assistant" and choice["message"]["refusal"] is None
    content = choice["message"]["content"]
    # the same use case: the same answer and citations as POST /ask, then the sources with their labels
    assert content.startswith(asked["answer"].strip()) and body["citations"] == asked["citations"] and body["answered"]
    for cit in body["citations"]:
        assert f"«{cit['quote']}»" in content and cit["quote"] in cit["text"]
        assert f"[{cit['n']}] {cit['doc_title']} — {cit['citation_label']} · doc_id={cit['doc_id']}" in content
    assert f"\n\n{SOURCES}\n" in content


def test_a_refusal_is_an_ordinary_message_saying_what_is_missing(client: TestClient) -> None:
    asked = client.post("/ask", json={"question": OFF_TOPIC}).json()
    body = chat(client, ("user", OFF_TOPIC)).json()
    message = body["choices"][0]["message"]
    assert body["answered"] is False and body["citations"] == [] and message["refusal"] is None
    assert asked["answer"].startswith("Các văn bản hiện có không") and message["content"].startswith(asked["answer"])
    assert body["suggestions"] == asked["suggestions"]
    # the nearest passages the refusal promises are listed, with their labels
    assert all(s["citation_label"] in message["content"] for s in body["suggestions"])


def test_earlier_messages_are_the_history_and_an_answer_sent_back_keeps_its_documents(client: TestClient) -> None:
    first = chat(client, ("user", FILL)).json()
    answer = first["choices"][0]["message"]["content"]
    text, documents = answer_turn(answer)
    assert text == answer.partition(f"\n\n{SOURCES}")[0] and documents == [c["doc_id"] for c in first["citations"]]
    follow = "còn cụm công nghiệp thì sao?"
    body = chat(client, ("system", "Bạn là trợ lý."), ("user", FILL), ("assistant", answer), ("user", follow)).json()
    history = [{"role": "user", "content": FILL}, {"role": "assistant", "content": text, "documents": documents}]
    asked = client.post("/ask", json={"question": follow, "history": history}).json()
    assert body["citations"] == asked["citations"] and asked["standalone_question"] != follow


def test_the_chat_is_bounded_before_any_work(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    services = client.app.state.services  # type: ignore[attr-defined]
    limits = services.settings.chat

    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("answered a chat over its limits")

    monkeypatch.setattr(services.answerer, "answer", no_work)
    many = [("user", "GRDP?"), ("assistant", "15%")] * limits.max_messages + [("user", GRDP)]
    long = [("user", "x " * (limits.max_chars // 2)), ("user", GRDP)]
    for messages, code in ((many, "too_many_messages"), (long, "chat_too_long")):
        response = chat(client, *messages)
        assert response.status_code == 413 and response.json()["error"] == code
        assert response.json()["message_vi"] and response.json()["message_en"]
    for messages in ([("user", GRDP), ("assistant", "15%")], [("user", "")]):
        response = chat(client, *messages)
        assert response.status_code == 422 and response.json()["error"] == "no_user_question"
    image = [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:,"}}]}]
    assert client.post("/v1/chat/completions", json={"model": EXTRACTIVE, "messages": image}).status_code == 422
    # the question's own rules are /ask's, with its message
    response = chat(client, ("user", "x" * 2001))
    assert response.status_code == 422 and "2000" in response.json()["message_en"]


def test_text_parts_are_read_as_the_question(client: TestClient) -> None:
    parts = [{"type": "text", "text": "Mục tiêu tỷ trọng công nghiệp trong GRDP"}, {"type": "text", "text": "đến năm 2025 là bao nhiêu?"}]
    body = client.post("/v1/chat/completions", json={"model": EXTRACTIVE, "messages": [{"role": "user", "content": parts}]}).json()
    asked = client.post("/ask", json={"question": "\n".join(p["text"] for p in parts)}).json()
    assert body["answered"] and body["citations"] == asked["citations"]


def test_a_stream_is_the_same_answer_in_standard_chunks(client: TestClient) -> None:
    whole = chat(client, ("user", GRDP)).json()
    response = chat(client, ("user", GRDP), stream=True)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    chunks = stream_chunks(response.text)
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"} and len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text == whole["choices"][0]["message"]["content"]
    last = chunks[-1]
    assert last["choices"][0]["finish_reason"] == "stop" and last["citations"] == whole["citations"] and last["answered"]
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks[:-1])


def test_a_written_out_answer_is_streamed_only_once_checked(corpus_components) -> None:  # type: ignore[no-untyped-def]
    reply = "Tỉnh đặt mục tiêu tỷ trọng công nghiệp trong GRDP đạt trên 15% [1]. Điều này chưa chắc chắn."
    client, _ = scripted_client(corpus_components, reply, min_kept_share=0.5)
    with client:
        assert [m["id"] for m in client.get("/v1/models").json()["data"]] == [EXTRACTIVE, GENERATIVE]
        chunks = stream_chunks(chat(client, ("user", GRDP), model=GENERATIVE, stream=True).text)
        text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
        # the retracted sentence was written by the model but never reaches the client
        assert text.startswith("Tỉnh đặt mục tiêu tỷ trọng công nghiệp trong GRDP đạt trên 15% [1].")
        assert "chưa chắc chắn" not in text
        quote = chunks[-1]["citations"][0]["quote"]
        assert "15%" in quote and f"«{quote}»" in text  # a written-out answer shows its quotes with the sources


def test_a_busy_model_is_a_503_before_any_chunk(corpus_components) -> None:  # type: ignore[no-untyped-def]
    client, fake = scripted_client(corpus_components, "x [1].", queue_timeout_s=0.2)
    with client, fake.lock:  # another request holds the model
        response = chat(client, ("user", GRDP), model=GENERATIVE, stream=True)
    assert response.status_code == 503 and response.json()["error"] == "generator_busy"


# -- the official OpenAI client against the app served by uvicorn ---------------------------------------


@pytest.fixture(scope="module")
def served(corpus_components) -> Iterator[str]:  # type: ignore[no-untyped-def]
    yield from serve(create_app(corpus_components.settings, corpus_components))


@pytest.fixture(scope="module")
def openai_client(served: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{served}/v1", api_key="khong-can", max_retries=0)


def test_the_openai_client_lists_the_models(openai_client: openai.OpenAI) -> None:
    assert [m.id for m in openai_client.models.list()] == [EXTRACTIVE]
    assert openai_client.models.retrieve(EXTRACTIVE).owned_by == "hoi-dap-chinh-sach"


def test_the_openai_client_gets_the_answer_and_its_citations(openai_client: openai.OpenAI, client: TestClient) -> None:
    completion = openai_client.chat.completions.create(model=EXTRACTIVE, messages=[{"role": "user", "content": GRDP}])
    asked = client.post("/ask", json={"question": GRDP}).json()
    content = completion.choices[0].message.content
    assert content is not None and content.startswith(asked["answer"].strip())
    extra = completion.model_extra or {}
    assert extra["answered"] is True and extra["citations"] == asked["citations"]


def test_the_openai_client_streams(openai_client: openai.OpenAI) -> None:
    whole = openai_client.chat.completions.create(model=EXTRACTIVE, messages=[{"role": "user", "content": FILL}])
    stream = openai_client.chat.completions.create(model=EXTRACTIVE, messages=[{"role": "user", "content": FILL}], stream=True)
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == whole.choices[0].message.content
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert (chunks[-1].model_extra or {})["citations"] == (whole.model_extra or {})["citations"]


def test_the_openai_client_reads_the_errors(openai_client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as unknown:
        openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": GRDP}])
    assert unknown.value.code == "model_not_found" and EXTRACTIVE in str(unknown.value)
    with pytest.raises(openai.APIStatusError) as too_long:
        openai_client.chat.completions.create(model=EXTRACTIVE, messages=[{"role": "user", "content": "x " * 20_000}])
    assert too_long.value.status_code == 413


def test_a_failure_after_the_first_chunk_is_reported_in_band() -> None:
    from qa_service.api.routers.openai_compat import _chunks

    def failing() -> Iterator[FinalEvent]:
        raise RuntimeError("secret detail")
        yield

    blocks = list(_chunks(failing(), EXTRACTIVE, lambda final: None, "rid123"))  # type: ignore[arg-type, return-value]
    error = json.loads(blocks[-1].removeprefix("data: "))
    assert error["error"]["code"] == "generation_failed" and error["error"]["message_vi"] and error["request_id"] == "rid123"
    assert "secret" not in "".join(blocks) and "[DONE]" not in "".join(blocks)


def test_stream_must_be_a_boolean_as_the_spec_says(client: TestClient) -> None:
    body = {"model": EXTRACTIVE, "messages": [{"role": "user", "content": "Mục tiêu GRDP?"}], "stream": 0}
    assert client.post("/v1/chat/completions", json=body).status_code == 422
