"""A question that names a document by its title («… cho kế hoạch phát triển ngành nghề nông thôn năm 2024?») says
which document with those words: every sentence of that document holds them, so they do not choose between its
sentences — what is left («kinh phí») does. Without that, a target row that restates the title (and its year) holds
more of the question than the budget sentence that answers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import answerer_over, sentence_coverages

PLAN = """## I. KẾT QUẢ NĂM 2023 VÀ CHỈ TIÊU NĂM 2024

| TT | Chỉ tiêu | Đơn vị tính | Thực hiện năm 2023 | Kế hoạch năm 2024 |
|---|---|---|---|---|
| 1 | Giá trị sản xuất ngành nghề nông thôn và làng nghề | tỷ đồng | 410 | 455 |
| 2 | Số cơ sở ngành nghề nông thôn | cơ sở | 286 | 300 |

## II. NHIỆM VỤ VÀ GIẢI PHÁP

1. Hỗ trợ các cơ sở đan đệm bàng đổi mới thiết bị, xây dựng nhãn hiệu tập thể cho sản phẩm làng nghề.

## III. KINH PHÍ THỰC HIỆN

Tổng kinh phí thực hiện là 640 triệu đồng từ ngân sách huyện và nguồn vốn lồng ghép các chương trình.
"""
META = {"doc_type": "Kế hoạch", "issuer": "Ủy ban nhân dân huyện Hòn Đất",
        "title": "Kế hoạch phát triển ngành nghề nông thôn và làng nghề huyện Hòn Đất năm 2024"}
QUESTION = "Bố trí bao nhiêu kinh phí cho kế hoạch phát triển ngành nghề nông thôn và làng nghề năm 2024?"


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Any:
    return answerer_over(tmp_path_factory.mktemp("titled"), embedder, [("ke-hoach-lang-nghe-hon-dat", PLAN, META)])


def _coverages(answerer: Any) -> tuple[float, float]:
    """(budget sentence, target row): the share of the question each holds, as the sentence table reads it."""
    found = sentence_coverages(answerer, QUESTION, {"budget": "640 triệu đồng", "row": "Giá trị sản xuất"})
    return found["budget"], found["row"]


def test_the_words_naming_the_document_leave_the_choice_to_the_rest(answerer: Any) -> None:
    budget, row = _coverages(answerer)
    assert budget > row


def test_ablation_title_words_counted_as_the_sentence_own_let_the_row_hold_more(answerer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from qa_service.services.answer.compose import Composer

    monkeypatch.setattr(Composer, "_title_words", lambda self, query, evidence: {})
    budget, row = _coverages(answerer)
    assert budget < row
