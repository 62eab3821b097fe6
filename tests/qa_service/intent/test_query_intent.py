"""The question's intent is read once, in parse_question / search_query, and what retrieval and the answer need is
derived from it: the block asked for, a form, a figure, a metadata field."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qa_service.components.intents import IntentKind, IntentReading, Reading
from qa_service.labels import Block
from qa_service.services.intent import Intent, read_intent
from qa_service.services.query import search_query


class ScriptedClassifier:
    def __init__(self, kind: IntentKind) -> None:
        self.kind, self.read_texts = kind, []  # type: list[str]

    def read(self, text: str) -> IntentReading:
        self.read_texts.append(text)
        return IntentReading(kind=self.kind, confidence=0.9, best=self.kind, nearest="")


@pytest.mark.parametrize(
    ("kind", "block", "form", "figure", "enumerates"),
    [
        (IntentKind.SIGNER, Block.SIGNATURE, False, False, False),
        (IntentKind.RECIPIENTS, Block.RECIPIENTS, False, False, False),
        (IntentKind.FORM, None, True, False, False),
        (IntentKind.QUANTITY, None, False, True, False),
        (IntentKind.LIST, None, False, False, True),
        (IntentKind.PLAIN, None, False, False, False),
    ],
)
def test_what_the_query_asks_follows_its_intent(kind: IntentKind, block: Block | None, form: bool, figure: bool, enumerates: bool) -> None:
    classifier = ScriptedClassifier(kind)
    query = search_query("Văn bản này thế nào?", intents=classifier)  # type: ignore[arg-type]
    assert (query.block, query.asks_form, query.intent.figure, query.intent.enumerates) == (block, form, figure, enumerates)
    assert classifier.read_texts == ["Văn bản này thế nào?"]


class ScriptedAsked:
    """The asked-kind reader, answering one label with one confidence."""

    def __init__(self, label: str, confidence: float = 0.9) -> None:
        self.label, self.confidence = label, confidence

    def read(self, text: str) -> Reading:
        return Reading(label=self.label, confidence=self.confidence, best=self.label, nearest="")


def test_without_a_classifier_the_question_is_plain_but_its_years_are_read() -> None:
    """What kind of thing is asked for is read by meaning only: without the reader, no kind (no regex fallback)."""
    intent = read_intent("Kinh phí năm 2023 là bao nhiêu tỷ đồng?", None)
    assert intent.kind is IntentKind.PLAIN
    assert intent.years == frozenset({"2023"})
    assert intent.asked is None and intent.asked_confidence == 0.0


def test_the_asked_kind_is_the_readers_with_its_evidence_and_confidence() -> None:
    intent = read_intent("Kinh phí năm 2023 là bao nhiêu?", None, asked_reader=ScriptedAsked("money", 0.8))  # type: ignore[arg-type]
    assert intent.asked is not None and intent.asked.name == "money" and intent.asked_confidence == 0.8
    assert intent.asked.evidence.search("5.314 tỷ đồng") and not intent.asked.evidence.search("tăng 7%/năm")
    # the pairs that ask for money are not the question's subject
    assert "kinh_phi" not in intent.subject_pairs
    assert read_intent("Tỷ lệ lấp đầy ra sao?", None, asked_reader=ScriptedAsked("none")).asked is None  # type: ignore[arg-type]


def test_a_unit_the_question_names_overrides_the_reading() -> None:
    """«bao nhiêu phần trăm diện tích?» names a percentage: a rate for sure, whatever «diện tích» made the reader
    think; a count names what is counted, and only that unit answers it."""
    intent = read_intent("Đến giữa năm 2024 giải phóng mặt bằng đạt bao nhiêu phần trăm diện tích?", None,
                         asked_reader=ScriptedAsked("area", 0.6))  # type: ignore[arg-type]
    assert intent.asked is not None and intent.asked.name == "rate" and intent.asked_confidence == 1.0
    count = read_intent("Kế hoạch năm 2024 là bao nhiêu cơ sở?", None, asked_reader=ScriptedAsked("none"))  # type: ignore[arg-type]
    assert count.asked is not None and count.asked.name == "count" and count.asked_unit == "co so"
    assert read_intent("Kế hoạch năm 2024 là bao nhiêu cơ sở?", None).asked is None  # no reader: nothing read at all


def test_a_copy_of_the_query_keeps_its_intent() -> None:
    query = search_query("Ai ký?", intents=ScriptedClassifier(IntentKind.SIGNER))  # type: ignore[arg-type]
    assert replace(query, text="khác").block == Block.SIGNATURE


@pytest.mark.parametrize(("question", "field"), [("Quyết định ban hành ngày nào?", "issued"), ("Số hiệu văn bản là gì?", "doc_number")])
def test_of_a_documents_date_and_number_the_one_asked_is_named(question: str, field: str) -> None:
    assert Intent(kind=IntentKind.ISSUED, number_asked=read_intent(question, None).number_asked).metadata_field == field


@pytest.mark.parametrize(
    ("question", "bodies"),
    [
        ("Sở Tài nguyên và Môi trường có nhiệm vụ gì?", ["Sở Tài nguyên và Môi trường"]),
        ("Sở Lao động - Thương binh và Xã hội làm gì?", ["Sở Lao động - Thương binh và Xã hội"]),
        ("Sở Công Thương và Sở Tài chính phối hợp thế nào?", ["Sở Công Thương", "Sở Tài chính"]),  # two bodies
    ],
)
def test_a_body_named_with_and_is_one_body(question: str, bodies: list[str]) -> None:
    from qa_service.services.entities import named_entities

    assert [e.surface for e in named_entities(question)] == bodies


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("Năm 2025 chỉ số sản xuất công nghiệp (IIP) phải đạt mức nào?", ["IIP"]),
        ("Tỷ trọng GRDP của công nghiệp bao nhiêu?", ["GRDP"]),
        ("Nghị quyết 23-NQ/TW nói gì?", []),  # a part of a document's number
        ("Mục III có mấy ý?", []),  # a Roman numeral
        ("Kim ngạch bao nhiêu triệu USD, công suất bao nhiêu MW?", []),  # units
    ],
)
def test_an_acronym_is_a_name(question: str, names: list[str]) -> None:
    from qa_service.services.entities import named_entities

    assert [e.surface for e in named_entities(question)] == names


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("trường Cao đẳng Nghề tỉnh có vai trò gì?", ["trường Cao đẳng Nghề tỉnh"]),  # a head typed in lower case, first
        ("Vai trò của ngân hàng Chính sách xã hội?", ["ngân hàng Chính sách xã hội"]),  # after a function word
        ("Thị trường Trung Quốc ảnh hưởng thế nào?", ["Trung Quốc"]),  # «thị trường» is no head; the name is a name
        ("Cụm công nghiệp nào ở Kiên Lương?", ["Kiên Lương"]),  # a place said without its head
        ("Kiên Lương có cụm công nghiệp nào?", []),  # at the start the first capital is the sentence's
        ("Theo Chương trình, nguyên nhân chủ yếu là gì?", []),
        ("Luật Đầu tư quy định những ưu đãi nào?", []),  # a document's type, not a name
        ("Vai trò của Đảng và Nhà nước?", []),  # words capitalised for emphasis
    ],
)
def test_a_name_in_lower_case_head_or_without_one(question: str, names: list[str]) -> None:
    from qa_service.services.entities import named_entities

    assert [e.surface for e in named_entities(question)] == names


def test_a_body_typed_in_lower_case_is_still_the_body_asked_about() -> None:
    from qa_service.services.intent import named_body

    assert named_body("văn phòng tỉnh ủy được giao việc gì vậy?") == named_body("Văn phòng Tỉnh ủy được giao việc gì?") == "van phong tinh uy"
    assert named_body("nhà đầu tư được hỗ trợ gì?") is None
