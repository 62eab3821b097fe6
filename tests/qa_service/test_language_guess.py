"""Which language a question is typed in (`text.is_vietnamese`): unaccented text is English when English function
words make a fair share of it — words no Vietnamese syllable typed without diacritics is («must», «have», «been»), so
«in ấn», «ít», «thêm», «than đá» typed bare stay Vietnamese."""

from __future__ import annotations

import pytest

from qa_service.text import is_vietnamese


@pytest.mark.parametrize(
    "question",
    ["Which bodies must take part in training workers?", "What has the province done about wastewater?", "Who has been assigned this?"],
)
def test_an_english_question_with_few_function_words_is_english(question: str) -> None:
    assert not is_vietnamese(question)


@pytest.mark.parametrize(
    "question",
    ["in an tai lieu bao nhieu tien", "co it doanh nghiep tham gia", "ho tro them gi cho lang nghe", "than da khai thac o dau",
     "lang nghe truyen thong", "Tỉnh hỗ trợ gì cho doanh nghiệp?"],
)
def test_vietnamese_typed_bare_stays_vietnamese(question: str) -> None:
    assert is_vietnamese(question)
