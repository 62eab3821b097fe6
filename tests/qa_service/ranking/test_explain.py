"""`POST /search` with `explain`: every hit says why it is where it is, and its score is the sum of its contributions;
without `explain` the hits are as before."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_every_hit_explains_its_score(client: TestClient) -> None:
    body = client.post("/search", json={"query": "tỷ lệ lấp đầy khu công nghiệp", "top_k": 5, "explain": True}).json()
    assert body["hits"]
    for hit in body["hits"]:
        why = hit["explain"]
        assert hit["score"] == pytest.approx(sum(why["contributions"].values()), abs=1e-4)
        assert "relevance" in why["contributions"] and why["relevance_terms"]
    plain = client.post("/search", json={"query": "tỷ lệ lấp đầy khu công nghiệp", "top_k": 5}).json()
    assert all(hit["explain"] is None for hit in plain["hits"])
    assert [h["chunk_id"] for h in plain["hits"]] == [h["chunk_id"] for h in body["hits"]]


def test_a_pinned_passage_names_its_pin(client: TestClient) -> None:
    hits = client.post("/search", json={"query": "Quan điểm chỉ đạo của Chương trình là gì?", "top_k": 5, "explain": True}).json()["hits"]
    assert hits[0]["explain"]["pins"] == ["section"]


def test_one_retrieval_per_search(corpus_components, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The province's place and the named section come from the one pool: the store is asked once by meaning (the
    old design asked again on a scoped copy of the question)."""
    from qa_service.services.retrieval import HybridRetriever

    calls = []
    query = corpus_components.store.query
    monkeypatch.setattr(corpus_components.store, "query", lambda *a, **k: calls.append(1) or query(*a, **k))
    HybridRetriever(corpus_components).search("Doanh nghiệp tham gia đào tạo nhân lực như thế nào?", 5)
    assert len(calls) == 1


def test_explain_is_a_json_boolean(client: TestClient) -> None:
    """The schema says boolean; 0 or "yes" is refused, as the schema promises (schemathesis found 0 accepted)."""
    for wrong in (0, "yes"):
        assert client.post("/search", json={"query": "khu công nghiệp", "explain": wrong}).status_code == 422
