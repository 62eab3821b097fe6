"""A document the question leaves out («ngoài Luật Đầu tư», «trừ Nghị định …») is neither searched nor quoted,
and is not refused as not loaded."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.library import DECREE, INVESTMENT_2014, INVESTMENT_2020, ask


@pytest.mark.parametrize(
    "question",
    [
        "Nhà đầu tư hạ tầng khu, cụm công nghiệp được hưởng ưu đãi gì ngoài Luật Đầu tư?",
        "Ngoài Luật Đầu tư 2020, nhà đầu tư hạ tầng khu công nghiệp còn được hỗ trợ gì?",
    ],
)
def test_a_law_named_as_left_out_is_not_where_the_answer_comes_from(library: TestClient, question: str) -> None:
    """«… ngoài Luật Đầu tư?»: the asker has that law; the other documents answer (here the programme's «còn được
    hưởng chính sách hỗ trợ của tỉnh»), and no version of the law named is searched or quoted."""
    hits = library.post("/search", json={"query": question, "top_k": 10}).json()["hits"]
    assert hits and not {h["doc_id"] for h in hits} & {INVESTMENT_2020, INVESTMENT_2014}
    body = ask(library, question)
    assert body["answered"] and not {c["doc_id"] for c in body["citations"]} & {INVESTMENT_2020, INVESTMENT_2014}
    # …and the answer says where it did not look
    assert body["answer"].endswith("Lưu ý: theo câu hỏi, không tìm trong Luật Đầu tư 61/2020/QH14, Luật Đầu tư 67/2014/QH13.") or body[
        "answer"
    ].endswith("Lưu ý: theo câu hỏi, không tìm trong Luật Đầu tư 67/2014/QH13, Luật Đầu tư 61/2020/QH14.")


def test_a_law_left_out_that_fills_the_candidates_leaves_the_others(library: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Five candidates per search, all of them the investment law's for these words: its passages are fetched over and
    dropped, so the programme's still answer."""
    monkeypatch.setattr(library.app.state.services.components.settings.retrieval, "candidates", 5)  # type: ignore[attr-defined]
    question = "Ưu đãi đầu tư, hỗ trợ đầu tư cho nhà đầu tư hạ tầng khu công nghiệp gồm những gì ngoài Luật Đầu tư?"
    hits = library.post("/search", json={"query": question, "top_k": 5}).json()["hits"]
    assert len(hits) == 5 and {h["doc_id"] for h in hits}.isdisjoint({INVESTMENT_2020, INVESTMENT_2014})


def test_a_law_named_as_left_out_is_not_refused_as_not_loaded(library: TestClient) -> None:
    # «ngoài Luật Đất đai» (not loaded): the question is about everything else, not a request for that law
    body = ask(library, "Ngoài Luật Đất đai, nhà đầu tư khu công nghiệp được hỗ trợ gì về mặt bằng?")
    assert "chưa được nạp" not in body["answer"]


def test_a_foreign_investment_question_still_names_the_law() -> None:
    from qa_service.services.named import _excluding

    # «ngoại» (foreign) is not «ngoài» (besides), and «ngoài hàng rào» names no document
    assert not _excluding("Đầu tư ra nước ngoại theo ", 25)
    assert _excluding("Được hưởng ưu đãi gì ngoài ", 27)
    assert _excluding("Ngoài quy định của ", 19)
    assert _excluding("What else applies besides the ", 30)
    assert not _excluding("Điều 15 ", 8)
    # a number after its type's words («trừ Nghị định 31/2021/NĐ-CP»: that decree was searched alone)
    assert _excluding("Ưu đãi gì trừ Nghị định ", 24)
    assert _excluding("Hỗ trợ gì ngoài Kế hoạch số ", 28)
    assert _excluding("What support besides Decree ", 28)
    assert not _excluding("Hỗ trợ ngoài hàng rào theo Nghị định ", 37)


def test_a_document_left_out_by_number_is_not_searched(library: TestClient) -> None:
    question = "Trừ Nghị định 19/VBHN-BTC, doanh nghiệp được hỗ trợ những gì?"
    hits = library.post("/search", json={"query": question, "top_k": 10}).json()["hits"]
    assert hits and DECREE not in {h["doc_id"] for h in hits}

