from __future__ import annotations

from qa_service.services.followup import is_follow_up, rewrite

HISTORY = [{"role": "user", "content": "Tỷ lệ lấp đầy các khu công nghiệp đến năm 2025 đạt bao nhiêu?"}]


def test_follow_up_replaces_the_matching_phrase() -> None:
    assert rewrite("còn cụm công nghiệp thì sao?", HISTORY) == "Tỷ lệ lấp đầy các cụm công nghiệp đến năm 2025 đạt bao nhiêu?"
    assert rewrite("Còn đến năm 2030?", HISTORY) == "Tỷ lệ lấp đầy các khu công nghiệp đến năm 2030 đạt bao nhiêu?"


def test_standalone_question_is_kept() -> None:
    assert not is_follow_up("Doanh nghiệp được hỗ trợ gì?")
    assert rewrite("Doanh nghiệp được hỗ trợ gì?", HISTORY) == "Doanh nghiệp được hỗ trợ gì?"
    assert rewrite("còn cụm công nghiệp thì sao?", None) == "còn cụm công nghiệp thì sao?"
