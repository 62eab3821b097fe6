"""A question that calls a document by its type («Chương trình nói gì về năng lượng tái tạo?» of a Chương trình hành
động) says which document with that word: every sentence of the document holds it, so a sentence that lists
«nghị quyết, chương trình, kế hoạch» holds no more of the question than any other — what is left («năng lượng tái
tạo») chooses."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import answerer_over, sentence_coverages

PROGRAMME = """## III. NHIỆM VỤ VÀ GIẢI PHÁP

- Tăng cường công tác kiểm tra việc thực hiện, đưa phát triển công nghiệp vào nghị quyết, chương trình, kế hoạch của cấp ủy.
- Thu hút đầu tư các dự án phát triển năng lượng tái tạo, nhất là điện mặt trời, điện gió.
- Đẩy mạnh cải cách hành chính, rút ngắn thời gian giải quyết thủ tục đầu tư.
"""
META = {"doc_type": "Chương trình hành động", "issuer": "Tỉnh ủy Kiên Giang",
        "title": "Chương trình hành động về phát triển công nghiệp tỉnh giai đoạn 2021-2025"}
QUESTION = "Chương trình nói gì về năng lượng tái tạo?"


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Any:
    return answerer_over(tmp_path_factory.mktemp("typed"), embedder, [("chuong-trinh-cong-nghiep", PROGRAMME, META)])


def _coverages(answerer: Any) -> dict[str, float]:
    marks = {"listing": "nghị quyết, chương trình", "renewable": "năng lượng tái tạo", "other": "cải cách hành chính"}
    return sentence_coverages(answerer, QUESTION, marks)


def test_the_type_word_naming_the_document_chooses_no_sentence(answerer: Any) -> None:
    found = _coverages(answerer)
    assert found["listing"] == found["other"] < found["renewable"]


def test_ablation_the_type_word_counted_as_the_sentence_own_lifts_the_listing(answerer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from qa_service.services.answer.compose import Composer

    monkeypatch.setattr(Composer, "_type_words", lambda self, query, docs: {})
    found = _coverages(answerer)
    assert found["listing"] > found["other"]
