"""Conversations kept by the service: reopened by id, follow-ups read against stored turns, pins, limits."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa_service.app import create_app
from qa_service.components.conversations import ConversationStore
from qa_service.settings import ConversationSettings


def _new(client: TestClient) -> str:
    response = client.post("/conversations")
    assert response.status_code == 201
    return str(response.json()["id"])


def test_a_conversation_reopens_with_its_answers_and_pins(client: TestClient) -> None:
    cid = _new(client)
    first = client.post("/ask", json={"question": "Tỷ lệ lấp đầy các khu công nghiệp đến 2025 đạt bao nhiêu?", "conversation_id": cid})
    assert first.status_code == 200 and first.json()["turn"] == 0 and first.json()["conversation_id"] == cid
    # no history sent: the service reads the follow-up against the stored turn
    follow = client.post("/ask", json={"question": "còn cụm công nghiệp thì sao?", "conversation_id": cid})
    assert follow.json()["turn"] == 1
    assert "cụm công nghiệp" in follow.json()["standalone_question"].lower()
    assert "lấp đầy" in follow.json()["standalone_question"].lower()
    pinned = client.put(f"/conversations/{cid}/pinned/1").json()["pinned"]
    assert [p["turn"] for p in pinned] == [1]
    assert pinned[0]["question"] == follow.json()["standalone_question"]  # the briefing heading is the standalone question

    reopened = client.get(f"/conversations/{cid}").json()
    assert reopened["title"].startswith("Tỷ lệ lấp đầy")
    assert [t["question"] for t in reopened["history"]] == ["Tỷ lệ lấp đầy các khu công nghiệp đến 2025 đạt bao nhiêu?", "còn cụm công nghiệp thì sao?"]
    stored = reopened["history"][0]["response"]
    assert stored == first.json() | {"took_ms": stored["took_ms"]}  # the answer as it was sent, with its turn to pin
    assert reopened["pinned"][0]["citations"] == follow.json()["citations"]
    assert cid in [c["id"] for c in client.get("/conversations").json()["conversations"]]

    assert client.delete(f"/conversations/{cid}/pinned/1").json()["pinned"] == []
    assert client.delete(f"/conversations/{cid}/pinned/1").status_code == 404
    assert client.delete(f"/conversations/{cid}").status_code == 204
    gone = client.get(f"/conversations/{cid}")
    assert gone.status_code == 404 and gone.json()["error"] == "unknown_conversation" and gone.json()["message_en"]


def test_sent_history_wins_over_the_stored_one(client: TestClient) -> None:
    cid = _new(client)
    client.post("/ask", json={"question": "Tỷ lệ lấp đầy các khu công nghiệp đến 2025 đạt bao nhiêu?", "conversation_id": cid})
    history = [{"role": "user", "content": "Mục tiêu tổng quát đến năm 2030 là gì?"}, {"role": "assistant", "content": "…"}]
    body = client.post("/ask", json={"question": "còn cụm công nghiệp thì sao?", "conversation_id": cid, "history": history}).json()
    assert "lấp đầy" not in body["standalone_question"].lower()


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/conversations/unknown-conversation", 404),
        ("GET", "/conversations/short", 422),
        ("GET", "/conversations/has%20space%20in", 422),
        ("PUT", "/conversations/unknown-conversation/pinned/0", 404),
        ("DELETE", "/conversations/unknown-conversation", 404),
        ("GET", "/conversations?limit=0", 422),
        ("GET", "/conversations?limit=1000", 422),
    ],
)
def test_bad_ids_are_clear_errors(client: TestClient, method: str, path: str, status: int) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert response.json()["message_vi"] and response.json()["message_en"]


def test_asking_into_an_unknown_conversation_is_refused_before_answering(client: TestClient) -> None:
    response = client.post("/ask", json={"question": "Mục tiêu tổng quát?", "conversation_id": "no-such-conversation"})
    assert response.status_code == 404 and response.json()["error"] == "unknown_conversation"
    stream = client.post("/ask/stream", json={"question": "Mục tiêu tổng quát?", "conversation_id": "no-such-conversation"})
    assert stream.status_code == 404


def test_pinning_a_turn_that_does_not_exist_is_404(client: TestClient) -> None:
    cid = _new(client)
    response = client.put(f"/conversations/{cid}/pinned/3")
    assert response.status_code == 404 and response.json()["error"] == "unknown_turn"


@pytest.fixture
def small_limits_client(corpus_components, tmp_path: Path) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    limits = ConversationSettings(max_turns=2, max_conversations=3)
    settings = corpus_components.settings.model_copy(update={"data_dir": tmp_path, "conversations": limits})
    # the index is the session's; only the conversations live in this test's folder
    settings.embedding = corpus_components.settings.embedding
    components = dataclasses.replace(corpus_components, settings=settings)
    with TestClient(create_app(settings, components), raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_full_conversation_is_refused_with_409_and_keeps_its_turns(small_limits_client: TestClient) -> None:
    client = small_limits_client
    cid = _new(client)
    for question in ("Mục tiêu tổng quát là gì?", "Tỷ lệ lấp đầy khu công nghiệp?"):
        assert client.post("/ask", json={"question": question, "conversation_id": cid}).status_code == 200
    third = client.post("/ask", json={"question": "Tỷ trọng công nghiệp trong GRDP?", "conversation_id": cid})
    assert third.status_code == 409 and third.json()["error"] == "conversation_full"
    assert "mới" in third.json()["message_vi"]
    assert client.get(f"/conversations/{cid}").json()["turns"] == 2


def test_the_least_recently_used_conversation_goes_first(small_limits_client: TestClient) -> None:
    client = small_limits_client
    ids = [_new(client) for _ in range(3)]
    client.post("/ask", json={"question": "Mục tiêu tổng quát là gì?", "conversation_id": ids[0]})  # used: kept
    newest = _new(client)  # over the limit of 3: the oldest unused one goes
    listed = [c["id"] for c in client.get("/conversations").json()["conversations"]]
    assert len(listed) == 3 and newest in listed and ids[0] in listed and ids[1] not in listed


def test_conversations_survive_a_restart_and_expire(tmp_path: Path) -> None:
    path = tmp_path / "conversations.sqlite"
    store = ConversationStore(path, max_conversations=10, max_turns=10, keep_days=1)
    cid = store.create()
    assert store.add_turn(cid, "Câu hỏi?", {"answer": "Trả lời"}) == 0
    store.close()
    reopened = ConversationStore(path, max_conversations=10, max_turns=10, keep_days=1)
    found = reopened.get(cid)
    assert found is not None and found.history[0].response == {"answer": "Trả lời"}
    with reopened._tx() as db:  # a day and a bit later
        db.execute("UPDATE conversations SET updated=?", (time.time() - 1.1 * 86400,))
    reopened.create()
    assert reopened.get(cid) is None


MINE = {"X-Client-Key": "my-browser-key-0123456789"}
THEIRS = {"X-Client-Key": "their-browser-key-9876543210"}


def test_a_conversation_belongs_to_the_client_that_made_it(client: TestClient) -> None:
    cid = client.post("/conversations", headers=MINE).json()["id"]
    asked = client.post("/ask", json={"question": "Mục tiêu tổng quát là gì?", "conversation_id": cid}, headers=MINE)
    assert asked.status_code == 200 and asked.json()["turn"] == 0
    assert cid in [c["id"] for c in client.get("/conversations", headers=MINE).json()["conversations"]]
    for other in (THEIRS, {}):  # another browser, and a client without a key
        assert cid not in [c["id"] for c in client.get("/conversations", headers=other).json()["conversations"]]
        for method, path in (("PUT", f"/conversations/{cid}/pinned/0"), ("DELETE", f"/conversations/{cid}/pinned/0"),
                             ("DELETE", f"/conversations/{cid}")):
            refused = client.request(method, path, headers=other)
            assert refused.status_code == 404 and refused.json()["error"] == "unknown_conversation", (method, path)
        for path in ("/ask", "/ask/stream"):
            refused = client.post(path, json={"question": "Còn năm 2030?", "conversation_id": cid}, headers=other)
            assert refused.status_code == 404 and refused.json()["error"] == "unknown_conversation"
        # a shared link still reads it, and says it is not theirs
        shared = client.get(f"/conversations/{cid}", headers=other).json()
        assert shared["turns"] == 1 and shared["owned"] is False
    assert client.get(f"/conversations/{cid}", headers=MINE).json()["owned"] is True
    assert client.put(f"/conversations/{cid}/pinned/0", headers=MINE).status_code == 200
    assert client.delete(f"/conversations/{cid}", headers=MINE).status_code == 204


def test_conversation_ids_are_unguessable(client: TestClient) -> None:
    ids = {client.post("/conversations", headers=MINE).json()["id"] for _ in range(20)}
    assert len(ids) == 20 and all(len(i) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids)  # 128 random bits
    for cid in ids:
        client.delete(f"/conversations/{cid}", headers=MINE)


@pytest.mark.parametrize("key", ["short", "has spaces in it, and more", "x" * 129])
def test_a_malformed_client_key_is_422(client: TestClient, key: str) -> None:
    response = client.get("/conversations", headers={"X-Client-Key": key})
    assert response.status_code == 422 and response.json()["message_en"]


def test_a_store_written_before_owners_keeps_its_conversations(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "conversations.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL);"
            "INSERT INTO conversations VALUES ('old-conversation', 'Câu hỏi cũ', 1, 2);"
        )
    store = ConversationStore(path, max_conversations=10, max_turns=10, keep_days=100_000)
    found = store.get("old-conversation")
    assert found is not None and found.owner == ""  # the keyless client's
    assert [c.id for c in store.recent(10)] == ["old-conversation"] and store.recent(10, owner="x") == []
    store.close()
