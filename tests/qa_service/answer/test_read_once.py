"""The question is read once: one segmentation, one text embedded, one retrieval and at most one section look-up per
/ask, for a question, a follow-up with its history and a follow-up in a conversation (issue 28: the question used to
be segmented two or three times, a follow-up retrieved twice and the named section was looked up by retrieval and
again by the answer). The intent classifier and retrieval embed the same text: the service's embedder computes it
once (its question cache), so what is counted is the texts embedded."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from qa_service.services.retrieval import HybridRetriever
from qa_service.services.sections import SectionIndex

FIRST = "Tỷ lệ lấp đầy các khu công nghiệp đến năm 2025 đạt bao nhiêu?"


def _count(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, calls: Counter[str], key: str | None = None) -> None:
    """Count calls of `owner.name`; with `key`, count the distinct first arguments under that key instead."""
    real: Callable[..., Any] = getattr(owner, name)
    seen: set[Any] = set()

    def counted(*args: Any, **kwargs: Any) -> Any:
        if key is None:
            calls[name] += 1
        elif args[0] not in seen:
            seen.add(args[0])
            calls[key] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)


@pytest.fixture
def calls(corpus_components: Any, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    counted: Counter[str] = Counter()
    _count(monkeypatch, corpus_components.segmenter, "segment", counted)
    _count(monkeypatch, corpus_components.embedder, "embed_query", counted, key="texts_embedded")
    _count(monkeypatch, HybridRetriever, "rank", counted)
    _count(monkeypatch, SectionIndex, "named", counted)
    return counted


def _once(calls: Counter[str], turns_read: int = 0) -> None:
    """`turns_read`: texts read by meaning besides the standalone question — a follow-up as typed (does it follow
    up?) and its focus (does it ask a question of its own?); the service's embedder computes each once (its cache)."""
    assert (calls["segment"], calls["rank"]) == (1, 1)
    assert calls["texts_embedded"] <= 1 + turns_read
    # one section look-up whatever is asked (a figure asked weighs against naming one inside it: section_naming.py)
    assert calls["named"] == 1


def test_a_question_is_read_once(client: TestClient, calls: Counter[str]) -> None:
    assert client.post("/ask", json={"question": "Quan điểm chỉ đạo của Chương trình là gì?"}).status_code == 200
    _once(calls)


def test_a_follow_up_with_its_history_is_read_once(client: TestClient, calls: Counter[str]) -> None:
    history = [{"role": "user", "content": FIRST}, {"role": "assistant", "content": "…"}]
    body = client.post("/ask", json={"question": "Còn cụm công nghiệp thì sao?", "history": history}).json()
    assert "cụm công nghiệp" in body["standalone_question"]
    _once(calls, turns_read=2)


def test_a_follow_up_in_a_conversation_is_read_once(client: TestClient, calls: Counter[str]) -> None:
    conversation = client.post("/conversations").json()["id"]
    assert client.post("/ask", json={"question": FIRST, "conversation_id": conversation}).status_code == 200
    calls.clear()
    body = client.post("/ask", json={"question": "Còn đến năm 2030?", "conversation_id": conversation}).json()
    assert "2030" in body["standalone_question"]
    _once(calls, turns_read=2)
