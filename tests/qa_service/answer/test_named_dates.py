"""A date asked for («hạn chót … là khi nào?») is not answered by a year that names a thing («Quy hoạch tỉnh thời kỳ
2021-2030, tầm nhìn đến năm 2050») nor by the date of a cited document («Kế hoạch số 27/KH-UBND ngày 18 tháng 01
năm 2024»): they date the plan and the letter, not what the sentence says is to be done."""

from __future__ import annotations

import pytest

from qa_service.services.asked import kinds

PLAN_NAME = "Trên cơ sở Quy hoạch của tỉnh thời kỳ 2021-2030, tầm nhìn đến năm 2050 được phê duyệt, cần tiến hành cắm mốc thực địa."


@pytest.mark.parametrize(
    ("sentence", "dated"),
    [
        (PLAN_NAME, False),
        ("Thực hiện Kế hoạch số 27/KH-UBND ngày 18 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh, Sở đã tổ chức hội nghị.", False),
        ("Tiếp tục thực hiện Nghị quyết số 23-NQ/TW, ngày 22/3/2018 của Bộ Chính trị.", False),
        # what the sentence itself dates stays a date, a report named beside it or not
        ("Phòng Kinh tế gửi báo cáo trước ngày 15 tháng 12 năm 2024.", True),
        ("Phấn đấu đến năm 2025, đầu tư xây dựng hoàn thành 02 khu công nghiệp.", True),
        ("Tổ chức hội nghị tổng kết vào tháng 12 năm 2024.", True),
        ("Hoàn thành hồ sơ trước ngày 30/6/2024; Kế hoạch số 12/KH-UBND ngày 02/01/2024 giao việc này.", True),
    ],
)
def test_a_date_is_what_the_sentence_dates(sentence: str, dated: bool) -> None:
    assert kinds()["date"].holds(sentence) is dated


def test_ablation_read_with_the_names_a_plan_horizon_is_a_date(monkeypatch: pytest.MonkeyPatch) -> None:
    from qa_service.services import asked

    monkeypatch.setattr(asked, "without_names", lambda text: text)
    assert kinds()["date"].holds(PLAN_NAME)
