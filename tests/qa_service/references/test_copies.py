"""The same passage in several documents (a copy, a footnoted consolidated version) is one hit listing them
all; a changed figure stays a hit of its own."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import ingested
from tests.fixtures.copies import COPIED_SENTENCE, write_copies
from tests.fixtures.fakes import HashEmbedder


def test_the_same_passage_in_two_documents_is_one_hit_listing_both(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A resolution, its copy (a re-upload under another number) and a consolidated version whose sentence carries a
    footnote mark and whose target changed: the copy and the footnoted sentence are listed on one hit (the latter
    marked as not word for word); the changed figure stays a hit of its own."""
    from qa_service.app import create_app

    folder = write_copies(tmp_path / "docs")
    sentence = COPIED_SENTENCE
    components, _ = ingested(tmp_path / "index", HashEmbedder(), [folder])
    others = {"nq-23", "nq-23-ban-sao", "nq-23-hop-nhat"}
    with TestClient(create_app(components.settings, components)) as client:
        hits = client.post("/search", json={"query": "Tỷ trọng công nghiệp trong GDP đạt trên 40%", "top_k": 10}).json()["hits"]
        texts = [h["text"] for h in hits]
        assert len(texts) == len(set(texts))  # no passage twice
        first = next(h for h in hits if "trên 40%" in h["text"])
        assert [(c["doc_id"], c["citation_label"], c["identical"]) for c in first["also_in"]] == [
            (({"nq-23", "nq-23-ban-sao"} - {first["doc_id"]}).pop(), first["citation_label"], True)
        ]
        # a changed figure is not «nearly the same»: it keeps its own place
        assert any("trên 45%" in h["text"] and h["doc_id"] == "nq-23-hop-nhat" for h in hits)

        hits = client.post("/search", json={"query": "Việt Nam trở thành nước công nghiệp theo hướng hiện đại", "top_k": 10}).json()["hits"]
        first = next(h for h in hits if sentence in h["text"])
        listed = {c["doc_id"]: c for c in first["also_in"]}
        assert set(listed) | {first["doc_id"]} == others
        footnoted = listed.get("nq-23-hop-nhat") or first  # the footnoted one may be the host
        if first["doc_id"] == "nq-23-hop-nhat":
            assert all(not c["identical"] and 0.95 <= c["similarity"] < 1.0 for c in listed.values())
        else:
            assert not footnoted["identical"] and 0.95 <= footnoted["similarity"] < 1.0
        assert sum(1 for h in hits if sentence in h["text"]) == 1

        # the answer's citation lists the same places, so a reader of the answer sees them too
        body = client.post("/ask", json={"question": "Việt Nam cơ bản trở thành nước công nghiệp theo hướng nào?"}).json()
        cited = next(c for c in body["citations"] if sentence in c["text"])
        assert {c["doc_id"] for c in cited["also_in"]} | {cited["doc_id"]} == others
        assert [c["identical"] for c in cited["also_in"]].count(False) >= 1

    # with word-for-word collapsing only, the footnoted sentence is a hit of its own again
    strict = components.settings.model_copy(
        update={"retrieval": components.settings.retrieval.model_copy(update={"copy_similarity": 1.0})}
    )
    components.settings = strict
    with TestClient(create_app(strict, components)) as client:
        hits = client.post("/search", json={"query": "Việt Nam trở thành nước công nghiệp theo hướng hiện đại", "top_k": 10}).json()["hits"]
        assert sum(1 for h in hits if sentence in h["text"]) == 2

