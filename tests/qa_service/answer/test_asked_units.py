"""The unit a question names and the unit a table row states: «bao nhiêu phần trăm diện tích?» asks a rate, «bao nhiêu
cơ sở?» a count of establishments, and a row «Đơn vị tính: cơ sở | Thực hiện năm 2023: 412» holds «412 cơ sở»."""

from __future__ import annotations

import pytest

from qa_service.services.asked import kinds, unit_asked, with_units

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
