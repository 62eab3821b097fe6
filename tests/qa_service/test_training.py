"""The training pack: chosen sections' outline, key points, figures, bodies and review questions, all cited."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient

from qa_service.services.facts import FactsService
from qa_service.services.training import TrainingPackService
from qa_service.settings import TrainingSettings

PROGRAMME = "chuong-trinh-hanh-dong-phat-trien-cong-nghiep-2021-2025"


def _pack(client: TestClient, sections: list[str], **extra: object) -> dict:  # type: ignore[type-arg]
    response = client.post("/training-pack", json={"doc_id": PROGRAMME, "sections": sections, **extra})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_three_sections_make_a_cited_pack(client: TestClient) -> None:
    pack = _pack(client, ["Mục IV", "Mục II.3", "Mục III.3"])
    assert [s["label"] for s in pack["sections"]] == ["Mục II.3", "Mục III.3", "Mục IV"]  # in the document's order
    goals, investment, organisation = pack["sections"]
    assert [c["quote"] for c in goals["outline"]] == ["Mục tiêu tổng quát", "Mục tiêu cụ thể giai đoạn 2021-2025", "Định hướng đến năm 2030"]
    assert {r["measure_id"] for r in goals["targets"]["rows"]} >= {"ty-trong-grdp", "lap-day-kcn", "lap-day-ccn"}
    assert not any(v["period"] == "2016-2020" for r in goals["targets"]["rows"] for v in r["values"])  # Mục I is not in II.3
    assert len(investment["key_points"]) == 5 and investment["key_points"][0]["citation_label"] == "Mục III.3, ý 1"
    assert [a["name"] for a in organisation["actors"]] == [
        "Ban cán sự đảng Ủy ban nhân dân tỉnh", "Các sở, ngành", "Ủy ban nhân dân các huyện, thành phố",
        "Các huyện, thành ủy, đảng ủy trực thuộc Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy", "Các cơ quan thông tin đại chúng của tỉnh",
        "Văn phòng Tỉnh ủy",
    ]  # the bodies IV.1 and IV.3 direct have their own entries
    # review questions: answers are the text's own words and each is cited
    questions = {q["question"]: q for s in pack["sections"] for q in s["questions"]}
    grdp = questions["Chỉ tiêu «Tỷ trọng công nghiệp trong GRDP» giai đoạn 2021-2025 là bao nhiêu?"]
    assert grdp["answer"] == "trên 15%" and grdp["answer"] in grdp["citations"][0]["quote"]
    assert "Theo Mục IV.3, Ban Tuyên giáo Tỉnh ủy có nhiệm vụ gì?" in questions
    for question in questions.values():
        assert question["citations"]
    # the whole document's figures come with the pack
    assert any(v["period"] == "2016-2020" for r in pack["targets"]["rows"] for v in r["values"])


def test_review_questions_cover_every_figure_and_every_item_with_a_duty(client: TestClient) -> None:
    """Issue 32: the questions stopped after the first eight (II.3 had none on the clusters' fill rate or on 2030),
    and a body got one question for its first item only (III.9 has its duties in ý 1 and ý 2)."""
    goals, front = _pack(client, ["Mục II.3", "Mục III.9"])["sections"]
    figures = goals["questions"][1:]  # after «… gồm những nội dung nào?»
    asked = [(q["citations"][0]["citation_label"], q["answer"]) for q in figures]
    stated = {(v["citation"]["citation_label"], v["value_text"]) for r in goals["targets"]["rows"] for v in r["values"]}
    assert set(asked) == stated and len(asked) == len(stated) == 12
    assert ("Mục II.3.b, ý 4", "03 cụm công nghiệp") in asked and ("Mục II.3.b, ý 4", "trên 40%") in asked  # CCN
    assert {answer for label, answer in asked if label == "Mục II.3.c, đoạn 1"} == {"từ 8,0-8,5%/năm", "trên 18%", "trên 85%", "trên 60%"}
    assert ("Mục II.3.b, ý 3", "13%") in asked
    # in the document's order, each answer the text's own words in the sentence it cites
    starts = [(q["citations"][0]["quote_start"], q["citations"][0]["quote"].find(q["answer"])) for q in figures]
    assert starts == sorted(starts)
    for q in figures:
        assert q["answer"] in q["citations"][0]["quote"]
    duties = {q["question"]: q for q in front["questions"]}
    assert set(duties) >= {
        "Theo Mục III.9, ý 1, Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh có nhiệm vụ gì?",
        "Theo Mục III.9, ý 2, Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh có nhiệm vụ gì?",
    }
    second = duties["Theo Mục III.9, ý 2, Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh có nhiệm vụ gì?"]
    assert [c["citation_label"] for c in second["citations"]] == ["Mục III.9, ý 2", "Mục III.9, ý 2"]
    assert second["answer"] == " ".join(c["quote"] for c in second["citations"])


def test_past_the_limit_every_item_keeps_a_question(corpus_components) -> None:  # type: ignore[no-untyped-def]
    settings = corpus_components.settings.model_copy(update={"training": TrainingSettings(max_questions=6)})
    components = dataclasses.replace(corpus_components, settings=settings)
    goals = TrainingPackService(components, FactsService(components)).build(PROGRAMME, ["Mục II.3"]).sections[0]
    # the contents, then one figure of each of the five items that state any, the 2030 one included
    assert [q.citations[0].label for q in goals.questions[1:]] == [
        "Mục II.3.b, ý 1", "Mục II.3.b, ý 2", "Mục II.3.b, ý 3", "Mục II.3.b, ý 4", "Mục II.3.c, đoạn 1",
    ]
    assert goals.questions[-1].answer == "từ 8,0-8,5%/năm"


def test_every_quote_in_a_pack_is_in_the_document(client: TestClient) -> None:
    pack = _pack(client, ["Mục II", "Mục III", "Mục IV"])
    text = client.get(f"/documents/{PROGRAMME}").json()["text"]
    citations = [
        c
        for s in pack["sections"]
        for c in s["outline"] + s["key_points"] + [x for q in s["questions"] for x in q["citations"]]
    ]
    assert len(citations) > 30
    for cit in citations:
        assert text[cit["quote_start"] : cit["quote_start"] + len(cit["quote"])] == cit["quote"]


def test_pinned_answers_join_the_pack(client: TestClient) -> None:
    cid = client.post("/conversations").json()["id"]
    answer = client.post("/ask", json={"question": "Tỷ lệ lấp đầy các khu công nghiệp đến 2025?", "conversation_id": cid}).json()
    client.put(f"/conversations/{cid}/pinned/{answer['turn']}")
    pack = _pack(client, ["Mục IV"], conversation_id=cid)
    assert [p["answer"] for p in pack["pinned"]] == [answer["answer"]]


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"doc_id": PROGRAMME, "sections": ["Mục IX"]}, 404, "unknown_section"),
        ({"doc_id": "khong-co", "sections": ["Mục I"]}, 404, "unknown_document"),
        ({"doc_id": PROGRAMME, "sections": []}, 422, "validation_error"),
        ({"doc_id": PROGRAMME, "sections": [f"Mục {i}" for i in range(21)]}, 422, "validation_error"),
        ({"doc_id": PROGRAMME, "sections": ["Mục I"], "conversation_id": "khong-co-cuoc-nay"}, 404, "unknown_conversation"),
    ],
)
def test_bad_requests_are_clear_errors(client: TestClient, body: dict, status: int, error: str) -> None:  # type: ignore[type-arg]
    response = client.post("/training-pack", json=body)
    assert response.status_code == status and response.json()["error"] == error
    assert response.json()["message_vi"] and response.json()["message_en"]
