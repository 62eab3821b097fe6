"""The unit a question names and the unit a table row states: «bao nhiêu phần trăm diện tích?» asks a rate, «bao nhiêu
cơ sở?» a count of establishments, and a row «Đơn vị tính: cơ sở | Thực hiện năm 2023: 412» holds «412 cơ sở»."""

from __future__ import annotations

import pytest

from qa_service.components.intents import Reading
from qa_service.services.asked import kinds, number_of, unit_asked, with_units
from qa_service.services.intent import read_intent

ROW = "Chỉ tiêu: Số cơ sở ngành nghề nông thôn | Đơn vị tính: cơ sở | Thực hiện năm 2023: 412 | Kế hoạch năm 2024: 430"


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Giải phóng mặt bằng đạt bao nhiêu phần trăm diện tích?", ("rate", "phan tram")),
        ("giam bao nhieu % thue", ("rate", "%")),
        ("Vốn đầu tư dự kiến bao nhiêu tỷ?", ("money", "ty")),
        ("Cụm công nghiệp rộng mấy ha?", ("area", "ha")),
        ("Kế hoạch năm 2024 là bao nhiêu cơ sở?", ("count", "co so")),
        ("How much money is set aside?", ("money", "money")),
        ("Kim ngạch xuất khẩu tính bằng USD năm 2025 là bao nhiêu?", ("money", "usd")),  # the unit it is given in
        ("What is the budget in US dollars?", ("money", "us dollars")),
        ("Tỷ lệ lấp đầy là bao nhiêu?", None),  # no unit named: the classifier reads the kind
        ("bao nhiêu tỷ lệ hộ nghèo?", None),  # «tỷ lệ» is no «tỷ» (đồng)
        ("Bao nhiêu dự án với tổng vốn bao nhiêu tỷ đồng?", None),  # units of two kinds: the classifier decides
    ],
)
def test_the_unit_a_question_names_says_the_kind(question: str, asked: tuple[str, str] | None) -> None:
    assert unit_asked(question) == asked


def test_a_table_row_reads_with_its_unit_column() -> None:
    assert with_units(ROW).endswith("| 412 cơ sở | 430 cơ sở")
    assert with_units("Tên cụm: Thạnh Trị | Diện tích (ha): 75,5").endswith("| 75,5 ha")
    assert with_units("Nhiệm vụ: Rà soát quy hoạch | Thời hạn: Quý II") == "Nhiệm vụ: Rà soát quy hoạch | Thời hạn: Quý II"


def test_a_row_holds_its_kind_and_a_count_holds_only_its_own_unit() -> None:
    count, area = kinds()["count"], kinds()["area"]
    assert not count.evidence.search(ROW)  # as written, the figure stands apart from its unit
    assert count.holds(ROW) and count.holds(ROW, "co so")
    assert not count.holds(ROW.replace("Đơn vị tính: cơ sở", "Đơn vị tính: người"), "co so")  # people are no establishments
    assert count.holds("giải quyết việc làm cho 540 lao động", "nguoi")  # a person counted as labour
    assert area.holds("Tên cụm: Thạnh Trị | Diện tích (ha): 75,5")


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("Tổng số lao động làm việc trong khu công nghiệp là bao nhiêu?", "lao dong"),
        ("Số lượng học viên của lớp là bao nhiêu?", "hoc vien"),
        ("muc tieu so doanh nghiep cong nghiep thanh lap moi la bao nhieu", "doanh nghiep"),  # typed without diacritics
        ("Một số doanh nghiệp được hỗ trợ những gì?", None),  # «một số»: some of them, not their number
        ("Cơ quan nào hoàn thiện hồ sơ công nhận làng nghề?", None),  # «hồ sơ công nhận» is no «số công nhân»
    ],
)
def test_the_number_of_a_thing_names_the_unit_of_a_count(question: str, unit: str | None) -> None:
    assert number_of(question) == unit


class _Reads:
    """An asked-kind reader that reads every question as one label, unsure."""

    def __init__(self, label: str) -> None:
        self.label = label

    def read(self, text: str) -> Reading:
        return Reading(label=self.label, confidence=0.42, best=self.label, nearest="")


def test_an_unsure_figure_of_the_number_of_a_thing_is_a_count_of_it() -> None:
    question = "Mục tiêu số doanh nghiệp công nghiệp thành lập mới giai đoạn 2021-2025 là bao nhiêu?"
    intent = read_intent(question, None, asked_reader=_Reads("rate"))  # type: ignore[arg-type]
    assert (intent.asked.name if intent.asked else None, intent.asked_unit, intent.asked_confidence) == ("count", "doanh nghiep", 1.0)
    # a body asked for stays a body: «số X» only says which figure when a figure is asked
    body = read_intent("Cơ quan nào báo cáo số doanh nghiệp thành lập mới?", None, asked_reader=_Reads("body"))  # type: ignore[arg-type]
    assert body.asked is not None and body.asked.name == "body" and body.asked_unit == ""


class _Records:
    """An asked-kind reader that remembers what it was given to read."""

    def __init__(self) -> None:
        self.read_texts: list[str] = []

    def read(self, text: str) -> Reading:
        self.read_texts.append(text)
        return Reading(label="contact", confidence=0.8, best="contact", nearest="")


def test_the_words_naming_a_document_are_not_read_for_the_kind_asked() -> None:
    """«Tờ trình kinh phí khuyến công năm 2025 … gọi số nào?»: «kinh phí» names the document, the question asks a phone
    number; neither the kind reader nor the units see the naming words."""
    question = "Theo Tờ trình kinh phí khuyến công năm 2025 thì gọi số nào để hỏi thêm?"
    naming = (question.index("Tờ trình"), question.index(" thì"))
    reader = _Records()
    intent = read_intent(question, None, asked_reader=reader, naming=naming)  # type: ignore[arg-type]
    assert reader.read_texts == ["Theo thì gọi số nào để hỏi thêm?"]
    assert intent.asked is not None and intent.asked.name == "contact"
    assert intent.years == frozenset()  # the year in the document's name names it: it is no period asked about


class _Unsure:
    """An asked-kind reader too unsure to name a kind (label «none»), whose best guess is `best`."""

    def __init__(self, best: str) -> None:
        self.best = best

    def read(self, text: str) -> Reading:
        return Reading(label="none", confidence=0.25, best=self.best, nearest="")


def test_the_number_of_a_thing_is_a_count_even_when_the_reading_names_no_kind() -> None:
    """«Số làng nghề … phải đạt mức nào?»: too unsure to name a kind, but a figure is its best guess — a count of
    làng nghề; with no figure as its best guess, it asks no kind."""
    question = "Giai đoạn 2021-2025, số làng nghề truyền thống được khôi phục phải đạt mức nào?"
    counted = read_intent(question, None, asked_reader=_Unsure("count"))  # type: ignore[arg-type]
    assert (counted.asked.name if counted.asked else None, counted.asked_unit) == ("count", "lang nghe")
    plain = read_intent(question, None, asked_reader=_Unsure("body"))  # type: ignore[arg-type]
    assert plain.asked is None
