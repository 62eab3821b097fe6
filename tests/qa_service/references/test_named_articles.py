"""A question that names a law and an article (or a clause) is answered from that article of that law; an
article the law does not have is said so; an article is fetched by its number."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.library import DECREE, INVESTMENT_2014, INVESTMENT_2020, LABOUR_CODE, ask


@pytest.mark.parametrize(
    ("question", "doc_id", "article"),
    [
        ("Điều 15 Luật Đầu tư 2020 quy định gì?", INVESTMENT_2020, "Điều 15"),
        ("Điều 15 Luật Đầu tư quy định gì?", INVESTMENT_2020, "Điều 15"),  # no year: the newest version
        ("Theo Luật Đầu tư năm 2014, Điều 15 quy định gì?", INVESTMENT_2014, "Điều 15"),
        ("Điều 25 Bộ luật Lao động quy định gì?", LABOUR_CODE, "Điều 25"),
        ("điều 3 luật đầu tư 2020 giải thích những từ ngữ nào?", INVESTMENT_2020, "Điều 3"),  # typed in lower case
        ("Điều 26 Nghị định 19/VBHN-BTC quy định gì?", DECREE, "Điều 26"),
    ],
)
def test_a_named_article_is_answered_from_that_article(library: TestClient, question: str, doc_id: str, article: str) -> None:
    body = ask(library, question)
    assert body["answered"] and body["citations"]
    assert {c["doc_id"] for c in body["citations"]} == {doc_id}
    assert all(c["citation_label"] == article or c["citation_label"].startswith(article + ",") for c in body["citations"])
    assert body["answer"].startswith(article + " –")
    hits = library.post("/search", json={"query": question, "top_k": 3}).json()["hits"]
    assert hits[0]["doc_id"] == doc_id and hits[0]["citation_label"].split(",")[0] == article


def test_a_named_clause_is_answered_from_that_clause(library: TestClient) -> None:
    body = ask(library, "khoản 2 Điều 15 Luật Đầu tư 2020 quy định gì?")
    labels = [c["citation_label"] for c in body["citations"]]
    assert labels[0] == "Điều 15, khoản 2" and all(label.startswith("Điều 15, khoản 2") for label in labels)
    assert body["answer"].startswith("Điều 15, khoản 2 – Hình thức và đối tượng áp dụng ưu đãi đầu tư")


def test_an_article_the_law_does_not_have_is_said_so(library: TestClient) -> None:
    body = ask(library, "Điều 999 Luật Đầu tư 2020 quy định gì?")
    assert not body["answered"] and not body["citations"]
    assert body["answer"].startswith("Luật Đầu tư không có Điều 999")


def test_an_article_by_number(library: TestClient) -> None:
    article = library.get(f"/documents/{INVESTMENT_2020}/articles/15").json()
    assert article["label"] == "Điều 15" and article["title"] == "Hình thức và đối tượng áp dụng ưu đãi đầu tư"
    assert article["text"].startswith("Điều 15. Hình thức và đối tượng áp dụng ưu đãi đầu tư")
    assert "\nĐiều 16." not in article["text"] and article["text"].endswith("quy định chi tiết Điều này.")
    labels = [c["label"] for c in article["clauses"]]
    assert "Điều 15, khoản 2, điểm a" in labels and labels[0] == "Điều 15, khoản 1"
    text = library.get(f"/documents/{INVESTMENT_2020}").json()["text"]
    assert text[article["start"] : article["start"] + len(article["text"])] == article["text"]
    missing = library.get(f"/documents/{INVESTMENT_2020}/articles/999")
    assert missing.status_code == 404 and missing.json()["error"] == "unknown_article"
    assert library.get(f"/documents/{INVESTMENT_2020}/articles/abc").status_code == 422
    assert library.get("/documents/khong-co/articles/1").status_code == 404

