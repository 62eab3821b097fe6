from __future__ import annotations

from pathlib import Path

import pytest

from qa_service.components.lexical import BM25Index, folded_tokens
from qa_service.components.registry import Registry
from qa_service.services.followup import is_follow_up, rewrite
from qa_service.services.query import parse_question
from qa_service.services.topic import keep_to_topic

HISTORY = [{"role": "user", "content": "Tỷ lệ lấp đầy các khu công nghiệp đến năm 2025 đạt bao nhiêu?"}]


def _chain(*turns: str) -> list[dict[str, str]]:
    history: list[dict[str, str]] = []
    for turn in turns:
        history += [{"role": "user", "content": turn}, {"role": "assistant", "content": "…"}]
    return history


def test_follow_up_replaces_the_matching_phrase() -> None:
    assert rewrite("còn cụm công nghiệp thì sao?", HISTORY) == "Tỷ lệ lấp đầy các cụm công nghiệp đến năm 2025 đạt bao nhiêu?"
    assert rewrite("Còn đến năm 2030?", HISTORY) == "Tỷ lệ lấp đầy các khu công nghiệp đến năm 2030 đạt bao nhiêu?"


def test_standalone_question_is_kept() -> None:
    assert not is_follow_up("Doanh nghiệp được hỗ trợ gì?")
    assert rewrite("Doanh nghiệp được hỗ trợ gì?", HISTORY) == "Doanh nghiệp được hỗ trợ gì?"
    assert rewrite("còn cụm công nghiệp thì sao?", None) == "còn cụm công nghiệp thì sao?"


@pytest.mark.parametrize(
    ("turns", "question", "standalone"),
    [
        # a section named instead of another: the subject before «của … là gì» is replaced
        (["Quan điểm chỉ đạo của Chương trình là gì?"], "Còn mục tiêu tổng quát thì sao?", "Mục tiêu tổng quát của Chương trình là gì?"),
        # an aspect is added to the question, not pasted into it
        (["Nhà đầu tư vào khu công nghiệp được hỗ trợ những gì?"], "Còn về đất đai, mặt bằng thì sao?",
         "Nhà đầu tư vào khu công nghiệp được hỗ trợ những gì về đất đai, mặt bằng?"),
        # «chỉ tiêu này» keeps the indicator, the period changes
        (["Tỷ trọng công nghiệp trong GRDP đến năm 2025 đạt bao nhiêu?"], "Đến năm 2030 thì chỉ tiêu này là bao nhiêu?",
         "Tỷ trọng công nghiệp trong GRDP đến năm 2030 đạt bao nhiêu?"),
        # another body: the whole name is replaced, not its last words
        (["Ban Tuyên giáo Tỉnh ủy có nhiệm vụ gì?"], "Còn Văn phòng Tỉnh ủy thì sao?", "Văn phòng Tỉnh ủy có nhiệm vụ gì?"),
        (["Kế hoạch số 197-KH/TU thực hiện văn bản nào?"], "còn Chương trình hành động 01-CTr/TU thì sao?",
         "Chương trình hành động 01-CTr/TU thực hiện văn bản nào?"),
        # three turns: the third carries what the second changed
        (["Tỷ lệ lấp đầy các khu công nghiệp đến năm 2025 đạt bao nhiêu?", "Còn cụm công nghiệp thì sao?"], "Đến năm 2030 thì sao?",
         "Tỷ lệ lấp đầy các cụm công nghiệp đến năm 2030 đạt bao nhiêu?"),
        (["Nhà đầu tư vào khu công nghiệp được hỗ trợ những gì?", "Còn về đất đai, mặt bằng thì sao?"], "Còn về tín dụng thì sao?",
         "Nhà đầu tư vào khu công nghiệp được hỗ trợ những gì về tín dụng?"),
        (["Những khu công nghiệp nào sẽ hoàn thành đến năm 2025?", "Còn cụm công nghiệp thì sao?"], "Còn tỷ lệ lấp đầy thì sao?",
         "Tỷ lệ lấp đầy các cụm công nghiệp đến năm 2025?"),
        (["Ban Tuyên giáo Tỉnh ủy có nhiệm vụ gì?", "Còn Văn phòng Tỉnh ủy thì sao?"], "Còn Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh?",
         "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh có nhiệm vụ gì?"),
        (["Tỷ trọng công nghiệp trong GRDP đến năm 2025 đạt bao nhiêu?", "Đến năm 2030 thì chỉ tiêu này là bao nhiêu?"],
         "Còn giai đoạn 2016-2020 đạt bao nhiêu?", "Tỷ trọng công nghiệp trong GRDP giai đoạn 2016-2020 đạt bao nhiêu?"),
    ],
)
def test_follow_ups_replace_the_slot_they_name(turns: list[str], question: str, standalone: str) -> None:
    assert rewrite(question, _chain(*turns)) == standalone


def test_a_follow_up_longer_than_the_previous_question_does_not_fail() -> None:
    # an IndexError here once turned such a follow-up into a 500
    assert rewrite("Còn số lao động được giải quyết việc làm ở các huyện miền núi thì sao?", _chain("GRDP?"))


def _documents(**texts: str) -> BM25Index:
    """BM25 over whole documents, as the service builds it (one row per document)."""
    index = BM25Index()
    index.build(((doc_id, folded_tokens(text)) for doc_id, text in texts.items()), version=1)
    return index


DOCUMENTS = {"a": "tỷ lệ lấp đầy các khu công nghiệp năm 2025", "b": "thời gian thử việc của người lao động"}


def _answered(*doc_ids: str) -> list[dict[str, str]]:
    return [*HISTORY, {"role": "assistant", "content": "…", "documents": " ".join(doc_ids)}]


@pytest.mark.parametrize(
    ("question", "history", "topic"),
    [
        ("Còn về đất đai thì sao?", _answered("a", "a", "b"), ["a"]),  # the document of most of the previous quotes
        ("Còn về đất đai thì sao?", _answered("a", "b", "c"), None),  # no document holds most: no topic
        ("Còn về đất đai thì sao?", HISTORY, ["a"]),  # no quotes carried: the document the previous question is about
        ("Thời gian thử việc tối đa là bao lâu?", _answered("a"), None),  # not a follow-up
    ],
)
def test_a_follow_up_takes_the_document_of_the_previous_answer(
    tmp_path: Path, question: str, history: list[dict[str, str]], topic: list[str] | None
) -> None:
    registry = Registry(tmp_path / "registry.sqlite")
    query = keep_to_topic(parse_question(question, registry, history), history, _documents(**DOCUMENTS))
    assert query.topic_doc_ids == topic


def test_an_abbreviation_in_an_earlier_turn_is_read_in_full(tmp_path: Path) -> None:
    """«KCN» in the question before is «khu công nghiệp», so «còn cụm công nghiệp?» finds its twin there."""
    registry = Registry(tmp_path / "registry.sqlite")
    history = [{"role": "user", "content": "Tỷ lệ lấp đầy KCN đến 2025 là bao nhiêu?"}, {"role": "assistant", "content": "…"}]
    query = parse_question("còn cụm công nghiệp?", registry, history)
    assert query.standalone == "Tỷ lệ lấp đầy cụm công nghiệp đến 2025 là bao nhiêu?"
