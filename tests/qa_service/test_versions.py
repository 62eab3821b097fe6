"""Which document ends which, read from closing provisions; only whole documents, never the laws that amended
them or a document whose article alone is repealed."""

from __future__ import annotations

import pytest

from qa_service.ingestion.facts import extract_ended
from qa_service.models import Chunk
from qa_service.services.versions import number_key


def _chunk(text: str) -> Chunk:
    return Chunk(chunk_id="d:1", doc_id="d", ordinal=0, text=text, citation_label="Điều 9", start=0, end=len(text))


def _ended(text: str) -> list[str]:
    return [e.number for e in extract_ended([_chunk(text)])]


def test_a_law_ended_with_its_amendments_names_only_the_law() -> None:
    # Luật Bảo hiểm xã hội 2024, Điều 141: the Labour Code 45/2019/QH14 amended the old law; it does not end
    text = (
        "2. Luật Bảo hiểm xã hội số 58/2014/QH13 đã được sửa đổi, bổ sung một số điều theo Luật số 84/2015/QH13, "
        "Luật số 35/2018/QH14, Bộ luật số 45/2019/QH14 (sau đây gọi chung là Luật số 58/2014/QH13) và Nghị quyết số "
        "93/2015/QH13 của Quốc hội về việc thực hiện chính sách hưởng bảo hiểm xã hội một lần đối với người lao động "
        "hết hiệu lực thi hành kể từ ngày Luật này có hiệu lực thi hành."
    )
    assert _ended(text) == ["58/2014/QH13", "93/2015/QH13"]


def test_the_amending_list_ends_at_the_sentence_end_too() -> None:
    text = (
        "3. Luật Đầu tư số 67/2014/QH14 đã được sửa đổi, bổ sung một số điều theo Luật số 90/2015/QH13, Luật số "
        "04/2017/QH14 và Luật số 42/2019/QH14 hết hiệu lực kể từ ngày Luật này có hiệu lực thi hành, trừ Điều 75 "
        "của Luật Đầu tư số 67/2014/QH14."
    )
    assert _ended(text) == ["67/2014/QH14"]  # the SME law 04/2017/QH14 stays in force


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nghị định này thay thế Nghị định số 50/2013/NĐ-CP ngày 14 tháng 5 năm 2013 của Chính phủ.", ["50/2013/NĐ-CP"]),
        ("Bộ luật Lao động số 10/2012/QH13 hết hiệu lực thi hành kể từ ngày Bộ luật này có hiệu lực.", ["10/2012/QH13"]),
        # only an article or an annex ends: the document stays in force
        ("Khoản 2 Điều 5 của Thông tư số 36/2017/TT-BLĐTBXH hết hiệu lực kể từ ngày Thông tư này có hiệu lực.", []),
        ("Nghị định này thay thế Phụ lục III ban hành kèm theo Nghị định số 135/2020/NĐ-CP.", []),
        # a date or a figure is not a number of a document
        ("Quyết định này hết hiệu lực kể từ ngày 31/12/2025.", []),
        # a licence ending is not a document ending
        ("Giấy phép lao động hết hiệu lực khi hết thời hạn.", []),
    ],
)
def test_what_a_sentence_ends(text: str, expected: list[str]) -> None:
    assert _ended(text) == expected


def test_a_list_of_ended_documents() -> None:
    text = (
        "Các văn bản sau đây hết hiệu lực thi hành kể từ ngày Thông tư này có hiệu lực:\n"
        "a) Thông tư số 36/2017/TT-BLĐTBXH ngày 29 tháng 12 năm 2017 của Bộ trưởng;\n"
        "b) Điều 3 của Thông tư số 01/2018/TT-BLĐTBXH ngày 27/02/2018;\n"
        "c) Thông tư số 08/2019/TT-BLĐTBXH ngày 08 tháng 3 năm 2019."
    )
    ended = extract_ended([_chunk(text)])
    assert [e.number for e in ended] == ["36/2017/TT-BLĐTBXH", "08/2019/TT-BLĐTBXH"]
    assert all(e.quote in text for e in ended)  # quoted verbatim


def test_a_law_is_one_law_whatever_term_the_citation_gives() -> None:
    # Luật Đầu tư 2020 cites its predecessor as 67/2014/QH14; the law itself is 67/2014/QH13
    assert number_key("67/2014/QH14") == number_key("67/2014/QH13")
    assert number_key("67/2014/QH13") != number_key("67/2014/NĐ-CP")
    assert number_key("38/2001/PL-UBTVQH10") == number_key("38/2001/PL-UBTVQH11")


def test_a_document_without_a_number_is_found_by_its_title_and_year() -> None:
    from qa_service.services.versions import _named

    quote = "Luật Công đoàn số 12/2012/QH13 hết hiệu lực từ ngày Luật này có hiệu lực thi hành./."
    assert _named(quote, "12/2012/QH13") == ("luật công đoàn", "2012")
    assert _named("Nghị định này thay thế Nghị định số 50/2013/NĐ-CP ngày 14 tháng 5 năm 2013.", "50/2013/NĐ-CP") == ("nghị định", "2013")
    assert _named("Các văn bản sau đây hết hiệu lực", "12/2012/QH13") is None


@pytest.mark.parametrize(
    ("opening", "act"),
    [
        # Bộ luật Lao động, 125/VBHN-VPQH
        ("BỘ LUẬT\nLAO ĐỘNG\nBộ luật Lao động số 45/2019/QH14 ngày 20 tháng 11 năm 2019 của Quốc hội, có hiệu lực kể từ "
         "ngày 01 tháng 01 năm 2021, được sửa đổi, bổ sung bởi:\nLuật số 84/2025/QH15 …", "45/2019/QH14"),
        # the title cites another act without a date (40/VBHN-BCT): the act consolidated is the one dated
        ("THÔNG TƯ\nSửa đổi, bổ sung một số điều của Thông tư số 38/2025/TT-BCT của Bộ trưởng Bộ Công Thương\nThông tư "
         "số 15/2026/TT-BCT ngày 25 tháng 3 năm 2026 của Bộ trưởng Bộ Công Thương, có hiệu lực kể từ ngày 10 tháng 4 năm "
         "2026, được sửa đổi, bổ sung bởi:", "15/2026/TT-BCT"),
        # the act's subject cites the decree it details (1345/VBHN-BLĐTBXH): the first dated number
        ("Thông tư số 35/2013/TT-BLĐTBXH ngày 30 tháng 12 năm 2013 hướng dẫn Nghị định số 09/2013/NĐ-CP ngày 11 tháng "
         "01 năm 2013 của Chính phủ, có hiệu lực kể từ ngày 15 tháng 02 năm 2014, được sửa đổi, bổ sung bởi:", "35/2013/TT-BLĐTBXH"),
        ("Luật này quy định về bảo hiểm xã hội.", None),  # no consolidation statement
    ],
)
def test_the_act_a_consolidated_text_consolidates(opening: str, act: str | None) -> None:
    from qa_service.services.versions import consolidated_act

    assert consolidated_act(opening) == act
