"""Sentence verification of generated answers (no model needed: the fast tier)."""

from __future__ import annotations

from qa_service.services.verify import Source, split_answer, unsupported_figures, unsupported_names, verify_answer

SOURCES = [
    Source(1, "- Tỷ trọng công nghiệp trong GRDP của tỉnh đạt trên 15%.\n- Tổng kim ngạch xuất khẩu ngành công nghiệp tăng bình quân 7%/năm."),
    Source(2, "Thực hiện Nghị quyết số 23-NQ/TW, ngày 22/3/2018 của Bộ Chính trị về định hướng xây dựng chính sách phát triển công nghiệp quốc gia."),
]


def check(text: str, **kw: object):  # type: ignore[no-untyped-def]
    return verify_answer(text, SOURCES, min_coverage=0.6, **kw)  # type: ignore[arg-type]


def test_supported_sentence_is_kept() -> None:
    result = check("Tỷ trọng công nghiệp trong GRDP của tỉnh đạt trên 15% [1].")
    assert [s.kept for s in result.sentences] == [True]


def test_sentence_without_citation_is_dropped() -> None:
    result = check("Tỷ trọng công nghiệp trong GRDP của tỉnh đạt trên 15%.")
    assert result.sentences[0].reason == "no_citation"


def test_citation_to_a_source_that_does_not_exist_is_dropped() -> None:
    result = check("Tỷ trọng công nghiệp trong GRDP của tỉnh đạt trên 15% [3].")
    assert result.sentences[0].reason == "unknown_source"


def test_wrong_or_merged_figure_is_dropped() -> None:
    # the model once merged two facts into a wrong figure: 15% + 7% -> 22%
    result = check("Tỷ trọng công nghiệp trong GRDP của tỉnh đạt trên 22% [1].")
    assert result.sentences[0].reason == "unsupported_figure"
    # a figure from another source does not count for this one
    result = check("Xuất khẩu ngành công nghiệp tăng bình quân 7%/năm [2].")
    assert result.sentences[0].reason == "unsupported_figure"


def test_dates_and_document_numbers_must_match_the_cited_text() -> None:
    assert unsupported_figures("Nghị quyết số 23-NQ/TW ngày 22/3/2018", SOURCES[1].text) == []
    assert unsupported_figures("Nghị quyết 23-NQ/TW ngày 22/03/2018", SOURCES[1].text) == []  # same date
    assert unsupported_figures("Nghị quyết số 24-NQ/TW", SOURCES[1].text) == ["24-NQ/TW"]
    assert unsupported_figures("ban hành ngày 23/3/2018", SOURCES[1].text) == ["23/3/2018"]


def test_low_word_coverage_is_dropped() -> None:
    result = check("Doanh nghiệp được miễn thuế thu nhập trong mười năm đầu hoạt động [1].")
    assert result.sentences[0].reason == "low_coverage"
    assert result.sentences[0].coverage < 0.6


def test_restating_the_question_is_not_an_answer() -> None:
    question = "Nghị quyết 23-NQ/TW liên quan đến phát triển công nghiệp thế nào?"
    result = check("Nghị quyết 23-NQ/TW liên quan đến phát triển công nghiệp [2].", question=question)
    assert result.sentences[0].reason == "restates_question"


def test_marker_after_the_full_stop_belongs_to_the_sentence() -> None:
    assert split_answer("Đạt trên 15%. [1] Tăng 7%/năm. [1]") == ["Đạt trên 15% [1].", "Tăng 7%/năm [1]."]
    result = check("Tỷ trọng công nghiệp trong GRDP đạt trên 15%. [1] Xuất khẩu tăng bình quân 7%/năm. [1]")
    assert [s.kept for s in result.sentences] == [True, True]


def test_several_markers_and_list_syntax() -> None:
    result = check("- Tỷ trọng công nghiệp trong GRDP của tỉnh đạt trên 15% [1, 2].")
    assert result.sentences[0].cited == [1, 2] and result.sentences[0].kept


def test_sentence_cut_by_a_timeout_is_incomplete() -> None:
    result = check("Tỷ trọng công nghiệp trong GRDP đạt trên 15% [1]. Tổng kim ngạch xuất khẩu tăng", complete=False)
    assert [s.reason for s in result.sentences] == [None, "incomplete"]
    assert result.kept_share == 0.5


def test_an_english_sentence_cannot_be_checked_against_vietnamese_text() -> None:
    # hence answers are written in Vietnamese whatever the question's language
    result = check("Industry should exceed 15% of the province's GRDP [1].")
    assert result.sentences[0].reason == "low_coverage"


def test_misspelt_names_are_dropped() -> None:
    evidence = "hoàn thành 02 khu công nghiệp: Thanh Lộc (giai đoạn 2), huyện Châu Thành; Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"
    assert unsupported_names("Khu công nghiệp Thanh Lộc, huyện Châu Thành", evidence) == []
    assert unsupported_names("Thành Lộc, huyện Châu Thành", evidence) == ["Thành Lộc"]
    assert unsupported_names("Ban Mặt trận Tổ quốc Việt Nam tỉnh phối hợp với Uní ban", evidence) == ["Uní"]
    assert unsupported_names("Tỉnh hoàn thành khu công nghiệp", evidence) == []  # an ordinary first word
    result = verify_answer("Khu công nghiệp Thành Lộc hoàn thành năm 2025 [1].", [Source(1, evidence + " năm 2025")], 0.6)
    assert result.sentences[0].reason == "unsupported_name"
