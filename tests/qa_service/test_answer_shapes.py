"""The answer shapes users ask for: whole sections, the answer first, the acting body kept, near misses refused.

Runs on the fast tier (hashed embeddings) and again on the real model: what is checked here is decided by the
document's structure and the question's words, not by embedding quality."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from qa_service.text import normalize_for_match as norm


def ask(client: TestClient, question: str, history: list[dict[str, str]] | None = None) -> dict:
    response = client.post("/ask", json={"question": question, "history": history})
    assert response.status_code == 200, response.text
    return response.json()


def test_overview_question_lists_every_group_of_a_section(client: TestClient) -> None:
    body = ask(client, "Chương trình đề ra những nhóm nhiệm vụ, giải pháp chủ yếu nào?")
    assert body["answered"]
    assert body["answer"].startswith("Mục III – Nhiệm vụ và giải pháp chủ yếu gồm 9 mục:")
    assert [c["citation_label"] for c in body["citations"]] == [f"Mục III.{i}" for i in range(1, 10)]
    assert body["citations"][0]["quote"].startswith("Tăng cường sự lãnh đạo, chỉ đạo")


def test_heading_citations_point_at_the_heading_in_the_document(client: TestClient) -> None:
    body = ask(client, "Phần quan điểm và mục tiêu gồm những nội dung nào?")
    doc = client.get(f"/documents/{body['citations'][0]['doc_id']}").json()
    for cit in body["citations"]:
        assert doc["text"][cit["start"] : cit["end"]] == cit["text"]
        assert doc["text"][cit["quote_start"] : cit["quote_start"] + len(cit["quote"])] == cit["quote"]
    assert [c["quote"] for c in body["citations"]] == ["Dự báo tình hình", "Quan điểm chỉ đạo", "Mục tiêu"]


def test_section_named_by_its_title_is_answered_whole(client: TestClient) -> None:
    body = ask(client, "Quan điểm chỉ đạo của Chương trình là gì?")
    assert body["answer"].startswith("Mục II.2 – Quan điểm chỉ đạo gồm 4 ý:")
    assert [c["citation_label"] for c in body["citations"]] == [f"Mục II.2, ý {i}" for i in range(1, 5)]


def test_section_named_by_its_label(client: TestClient) -> None:
    body = ask(client, "Mục IV nói gì?")
    assert [c["citation_label"] for c in body["citations"]] == [f"Mục IV.{i}" for i in range(1, 5)]


def test_figure_question_is_not_answered_with_a_whole_section(client: TestClient) -> None:
    body = ask(client, "Mục tiêu tỷ lệ lấp đầy các khu công nghiệp đến năm 2025 là bao nhiêu?")
    assert body["answered"] and "65%" in body["answer"].split("\n")[0]  # the figure is in the first line
    assert len(body["citations"]) <= 2


@pytest.mark.parametrize(
    "question",
    [
        "Tỷ lệ lấp đầy các cụm công nghiệp đến năm 2025 đạt bao nhiêu?",
        "Ban Tuyên giáo Tỉnh ủy có nhiệm vụ gì?",
        "Doanh nghiệp nhỏ và vừa được hỗ trợ những gì?",
        "Giai đoạn 2016-2020 công nghiệp của tỉnh đạt những kết quả nào?",
    ],
)
def test_the_answer_comes_first_and_is_made_of_quoted_words(client: TestClient, question: str) -> None:
    body = ask(client, question)
    lead = body["answer"].split("\n")[0]
    m = re.match(r"^(?P<clause>.+) \((?P<where>[^()]*(?:\([^()]*\)[^()]*)*)\)\.$", lead)
    assert m, lead
    clause = m.group("clause")
    # verbatim but for the first letter: every figure and name in it is in a cited quote
    assert any(norm(clause)[1:] in norm(c["quote"]) for c in body["citations"]), (clause, body["citations"])
    assert m.group("where").startswith(body["citations"][0]["citation_label"].split(",")[0])


def test_duties_of_a_named_body_keep_the_body_and_leave_out_the_others(client: TestClient) -> None:
    body = ask(client, "Ban cán sự đảng Ủy ban nhân dân tỉnh có nhiệm vụ gì?")
    quotes = [c["quote"] for c in body["citations"]]
    # «Chỉ đạo các sở, ngành…» is quoted with its subject, not as if the districts gave the direction
    assert any(q.startswith("Ban cán sự đảng Ủy ban nhân dân tỉnh") and "Chỉ đạo các sở, ngành" in q for q in quotes)
    assert not any("Ban Tuyên giáo" in q or "Văn phòng Tỉnh ủy" in q for q in quotes)


def test_a_sentence_cut_between_chunks_is_quoted_whole(client: TestClient) -> None:
    body = ask(client, "Giai đoạn 2016-2020 công nghiệp của tỉnh đạt những kết quả nào?")
    cit = next(c for c in body["citations"] if "7,62%" in c["quote"])
    assert "44.000 lao động" in cit["quote"]
    doc = client.get(f"/documents/{cit['doc_id']}").json()
    assert doc["text"][cit["start"] : cit["end"]] == cit["text"]  # the joined passage is the document's own text


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("Tỉnh bố trí bao nhiêu tỷ đồng ngân sách để thực hiện Chương trình?", "số tiền"),
        # a body the programme never mentions: refused as such, its name said (the contact is missing with it)
        ("Số điện thoại của Ban Quản lý khu kinh tế tỉnh là gì?", "không nhắc đến Ban Quản lý khu kinh tế tỉnh"),
        ("Năm 2024 tỉnh thu hút được bao nhiêu dự án công nghiệp?", "năm 2024"),
        ("Email của Văn phòng Tỉnh ủy là gì?", "thông tin liên hệ"),
        # a name joined by «và» is one body: the programme says «giáo dục» but never this department
        ("Sở Giáo dục và Đào tạo được giao những nhiệm vụ gì?", "không nhắc đến Sở Giáo dục và Đào tạo"),
        # an acronym is a name too: the programme sets no target for the industrial production index
        ("Chỉ số IIP của tỉnh đến năm 2025 phải tăng bao nhiêu?", "không nhắc đến IIP"),
    ],
)
def test_near_misses_are_refused_saying_what_is_missing(client: TestClient, question: str, missing: str, reads_by_meaning: None) -> None:
    body = ask(client, question)
    assert not body["answered"] and body["citations"] == [] and body["suggestions"]
    assert body["answer"].startswith("Các văn bản hiện có không") and missing in body["answer"]


def test_lead_keeps_a_counted_list_whole(client: TestClient) -> None:
    """«02 khu công nghiệp: Thanh Lộc …; Thuận Yên …»: the «;» inside a list announced by a count and a colon is not
    a clause break, so a reader of the one-sentence lead alone gets both parks, not only the first."""
    body = ask(client, "Những khu công nghiệp nào sẽ hoàn thành đến năm 2025?")
    assert body["answered"]
    lead = body["answer"].split("\n")[0]
    assert "02 khu công nghiệp: Thanh Lộc" in lead
    assert "Thuận Yên" in lead


@pytest.mark.parametrize(
    "question",
    [
        "Hạn chót nộp hồ sơ đăng ký đầu tư vào khu công nghiệp Thanh Lộc là ngày nào?",
        "Năm 2022 tỷ trọng công nghiệp trong GRDP của tỉnh đạt bao nhiêu?",
        "Kết quả thực hiện Chương trình đến năm 2023 như thế nào?",
        "Diện tích cụm công nghiệp Bình An là bao nhiêu héc-ta?",
    ],
)
def test_near_misses_are_refused(client: TestClient, question: str) -> None:
    body = ask(client, question)
    assert not body["answered"] and body["citations"] == []


def test_figure_for_the_asked_year_is_still_answered(real_client: TestClient) -> None:
    body = ask(real_client, "Giá trị sản xuất công nghiệp giai đoạn đến 2030 phải tăng bao nhiêu mỗi năm?")
    assert body["answered"] and "8,0-8,5%" in body["answer"]


def test_three_turn_chain_carries_the_topic(client: TestClient) -> None:
    history = [
        {"role": "user", "content": "Tỷ lệ lấp đầy các khu công nghiệp đến năm 2025 đạt bao nhiêu?"},
        {"role": "assistant", "content": "…"},
        {"role": "user", "content": "Còn cụm công nghiệp thì sao?"},
        {"role": "assistant", "content": "…"},
    ]
    body = ask(client, "Đến năm 2030 thì sao?", history)
    assert body["standalone_question"] == "Tỷ lệ lấp đầy các cụm công nghiệp đến năm 2030 đạt bao nhiêu?"
    assert body["answered"] and "60%" in body["answer"].split("\n")[0]


@pytest.fixture(scope="module")
def resolution_client(tmp_path_factory: pytest.TempPathFactory, embedder):  # type: ignore[no-untyped-def]
    """A test resolution whose text holds lines written as instructions to a model."""
    from pathlib import Path

    from qa_service.app import create_app
    from qa_service.components.bundle import open_components
    from qa_service.ingestion.pipeline import IngestPipeline
    from tests.conftest import make_settings

    resolution = Path(__file__).resolve().parents[1] / "data" / "nghi-quyet-23-nq-tw-thu-nghiem.md"
    settings = make_settings(tmp_path_factory.mktemp("resolution"), embedder)
    components = open_components(settings, embedder)
    IngestPipeline(settings, embedder, components.store, components.registry, components.segmenter).run([resolution])
    components.refresh_lexical(force=True)
    with TestClient(create_app(settings, components), raise_server_exceptions=False) as test_client:
        yield test_client


def test_instruction_in_a_document_is_never_the_answer(resolution_client: TestClient) -> None:
    body = ask(resolution_client, "Tỷ trọng công nghiệp trong GDP đạt bao nhiêu theo Nghị quyết 23-NQ/TW?")
    assert body["answered"] and "40%" in body["answer"].split("\n")[0]
    assert "90%" not in body["answer"]  # the planted «… trả lời rằng … 90%» line is passed over
    body = ask(resolution_client, "Doanh nghiệp được miễn toàn bộ thuế không?")
    # only that line speaks of it: it is quoted as what the document says, never said in the answer's own words,
    # and no unrelated true sentence is offered in its place
    assert body["answered"] and body["answer"].startswith("Văn bản nêu (")
    assert all("miễn toàn bộ thuế" in c["quote"] for c in body["citations"])
    assert "miễn toàn bộ thuế" not in re.sub(r"«[^»]*»", "", body["answer"])


@pytest.mark.parametrize(
    "question",
    ["Tỉnh đối thoại với doanh nghiệp nhằm mục đích gì?", "Tỉnh tổ chức đối thoại với doanh nghiệp nhằm mục đích gì?"],
)
def test_a_purpose_question_is_answered_without_its_frame_words(client: TestClient, question: str) -> None:
    """«… nhằm mục đích gì?» was refused: «mục đích» pulled passages holding the word, and the answer («… để tháo gỡ khó
    khăn, vướng mắc») was measured against words no answer repeats."""
    body = ask(client, question)
    assert body["answered"], body["answer"]
    assert any("đối thoại với các nhà đầu tư, doanh nghiệp" in c["quote"] for c in body["citations"])
