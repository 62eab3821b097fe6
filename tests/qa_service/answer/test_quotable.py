"""A line in capitals heads or enacts a text («QUYẾT ĐỊNH:», «CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM»): it is never
quoted as what the text says, however near its passage ranks (an English question shares no word with any sentence,
and the enacting line of a decision's opening led its answer)."""

from __future__ import annotations

import pytest

from qa_service.models import Chunk, ScoredChunk, Unit
from qa_service.services.answer.sentences import candidates, quotable
from qa_service.services.query import Query
from qa_service.settings import AnswerSettings


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("QUYẾT ĐỊNH:", False),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", False),
        ("Điều 2. Sở Công Thương chủ trì thực hiện.", True),
        ("Hỗ trợ 50% chi phí, tối đa 20 triệu đồng.", True),
        ("Có.", False),  # too short to say anything
    ],
)
def test_what_may_be_quoted(sentence: str, expected: bool) -> None:
    assert quotable(sentence, AnswerSettings().evidence.min_sentence_chars) is expected


def test_the_enacting_line_of_a_decision_is_no_candidate() -> None:
    first, second = "QUYẾT ĐỊNH:", "Điều 1. Ban hành mức hỗ trợ phát triển nghề đan đát trên địa bàn huyện."
    text = f"{first}\n{second}"
    units = [Unit(label="đoạn 1", start=0, end=len(first)), Unit(label="đoạn 2", start=len(first) + 1, end=len(text))]
    chunk = Chunk(chunk_id="c", doc_id="d", ordinal=0, text=text, citation_label="Phần mở đầu", start=0, end=len(text), units=units)
    question = "What support does the decision set?"
    query = Query(question=question, standalone=question, text=question, expanded=question, vietnamese=False, diacritics=False)
    found = candidates(query, [ScoredChunk(chunk=chunk, score=1.0)], {"support": 1.0}, AnswerSettings())
    assert [c.text for c in found] == ["Ban hành mức hỗ trợ phát triển nghề đan đát trên địa bàn huyện."]  # its label is no part of it
