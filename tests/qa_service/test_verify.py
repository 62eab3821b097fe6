"""Sentence verification of generated answers (no model needed: the fast tier)."""

from __future__ import annotations

from qa_service.services.verify import (
    Source,
    dropped_lead,
    fallback_reason,
    misattributed_names,
    question_focus,
    split_answer,
    unknown_first_word,
    unsupported_figures,
    unsupported_names,
    verify_answer,
    wrong_source,
)

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
    # ...which must still be a word of the source or the question
    assert unknown_first_word("Uní ban Mặt trận Tổ quốc Việt Nam tỉnh", evidence) == "Uní"
    assert unknown_first_word("Tỉnh hoàn thành khu công nghiệp", evidence) is None
    assert unknown_first_word("Xã hoàn thành khu công nghiệp", evidence) == "Xã"
    assert unknown_first_word("Xã hoàn thành khu công nghiệp", evidence, question="Xã đã làm gì?") is None
    result = verify_answer("Uní ban Mặt trận Tổ quốc Việt Nam tỉnh hoàn thành [1].", [Source(1, evidence + " hoàn thành")], 0.6)
    assert result.sentences[0].reason == "unsupported_name"
    result = verify_answer("Khu công nghiệp Thành Lộc hoàn thành năm 2025 [1].", [Source(1, evidence + " năm 2025")], 0.6)
    assert result.sentences[0].reason == "unsupported_name"


# from the programme and what the model wrote about it (eval/report_generative.json, q-041 / q-079 / q-037)
REMOVE = "Kiên quyết đưa ra khỏi quy hoạch các khu, cụm công nghiệp không có dự án đầu tư, vị trí không thuận lợi."
DUTY = (
    "2. Các huyện, thành ủy, đảng ủy trực thuộc Tỉnh ủy có trách nhiệm quán triệt, tuyên truyền, phổ biến và xây dựng"
    " kế hoạch thực hiện Chương trình này có hiệu quả, phù hợp với tình hình thực tế của đơn vị, địa phương."
)


def test_a_copy_without_the_sentences_lead_is_dropped() -> None:
    # without «Kiên quyết đưa ra khỏi quy hoạch» the list reads as a description, not as the zones to remove
    assert dropped_lead("Khu, cụm công nghiệp không có dự án đầu tư, vị trí không thuận lợi", REMOVE)
    # without «Các huyện, thành ủy» the duty has no bearer
    assert dropped_lead(
        "Chương trình được quán triệt, tuyên truyền, phổ biến và xây dựng kế hoạch thực hiện có hiệu quả, phù hợp với"
        " tình hình thực tế của đơn vị, địa phương",
        DUTY,
    )
    result = verify_answer("Khu, cụm công nghiệp không có dự án đầu tư, vị trí không thuận lợi [1].", [Source(1, REMOVE)], 0.6)
    assert result.sentences[0].reason == "dropped_lead"


def test_a_copy_keeping_the_lead_or_a_short_claim_passes() -> None:
    assert not dropped_lead("Tỉnh kiên quyết đưa ra khỏi quy hoạch các khu, cụm công nghiệp không có dự án đầu tư", REMOVE)
    assert not dropped_lead("Các huyện, thành ủy có trách nhiệm quán triệt, tuyên truyền Chương trình", DUTY)
    # a connective is not the lead: «Đặc biệt với…» may go
    evidence = "Đặc biệt với định hướng tập trung đầu tư xây dựng kết cấu hạ tầng kinh tế-xã hội đồng bộ."
    assert not dropped_lead("Tỉnh định hướng tập trung đầu tư xây dựng kết cấu hạ tầng kinh tế-xã hội đồng bộ", evidence)
    # a claim using little of the sentence is judged by coverage, not by the lead
    assert not dropped_lead("Các khu, cụm công nghiệp có vị trí không thuận lợi", REMOVE + " Thêm nhiều nội dung khác nữa ở đây.")


def test_question_focus_counts_the_question_terms_the_sources_use() -> None:
    question = "Làm thế nào để khắc phục tình trạng quy hoạch treo?"
    evidence = "Khắc phục tình trạng quy hoạch treo; tăng cường công tác quản lý quy hoạch."
    share, missing = question_focus("Tăng cường công tác quản lý quy hoạch", question, evidence)
    assert share < 0.3 and "hoạch treo" in missing
    share, missing = question_focus("Khắc phục tình trạng quy hoạch treo bằng cách tăng cường quản lý", question, evidence)
    assert share == 1.0 and missing == []
    # terms the sources do not use cannot be asked of the answer
    assert question_focus("Tăng cường quản lý", question, "Tăng cường công tác quản lý.") == (1.0, [])


# IV. TỔ CHỨC THỰC HIỆN, items 3 and 4 (the model gave item 4's task to item 3's body: eval q-080)
DUTIES = (
    "3. Ban Tuyên giáo Tỉnh ủy chỉ đạo, định hướng các cơ quan thông tin đại chúng của tỉnh, thường xuyên phổ biến"
    " các chủ trương, chính sách của Đảng, Nhà nước về phát triển công nghiệp.\n"
    "4. Văn phòng Tỉnh ủy phối hợp với các cơ quan, đơn vị có liên quan theo dõi việc triển khai thực hiện Chương"
    " trình hành động này, định kỳ báo cáo kết quả thực hiện với Ban Thường vụ Tỉnh ủy."
)


def test_a_body_given_another_items_task_is_dropped() -> None:
    wrong = "Ban Tuyên giáo Tỉnh ủy phối hợp với các cơ quan, đơn vị có liên quan theo dõi việc triển khai thực hiện Chương trình"
    assert misattributed_names(wrong, DUTIES) == ["Ban Tuyên"]
    assert verify_answer(f"{wrong} [1].", [Source(1, DUTIES)], 0.6).sentences[0].reason == "misattributed_name"
    right = "Văn phòng Tỉnh ủy phối hợp với các cơ quan, đơn vị có liên quan theo dõi việc triển khai thực hiện Chương trình"
    assert misattributed_names(right, DUTIES) == []
    # a list of places separated by «;» is one statement, not several sentences
    places = "03 cụm công nghiệp: Vĩnh Hòa Hưng Nam, huyện Gò Quao; Bình An, huyện Châu Thành; Hàm Ninh, thành phố Phú Quốc."
    claim = "Quy hoạch 03 cụm công nghiệp Vĩnh Hòa Hưng Nam, huyện Gò Quao; Bình An, huyện Châu Thành"
    assert misattributed_names(claim, "Chú trọng tính khả thi việc quy hoạch " + places) == []


def test_citing_one_source_for_anothers_words_is_dropped() -> None:
    own = "Huy động các nguồn lực đầu tư hạ tầng kỹ thuật các khu, cụm công nghiệp trên cơ sở huy động các nguồn lực của xã hội."
    other = (
        "Đẩy mạnh công tác xã hội hóa để huy động các nguồn lực đầu tư hạ tầng công nghiệp theo hình thức đối tác"
        " công-tư tại các dự án trọng điểm về phát triển công nghiệp."
    )
    claim = "Huy động nguồn lực đầu tư hạ tầng công nghiệp theo hình thức đối tác công-tư tại các dự án trọng điểm"
    assert wrong_source(claim, own, [other])
    assert not wrong_source(claim, other, [own])
    result = verify_answer(f"{claim} [1].", [Source(1, own), Source(2, other)], 0.6)
    assert result.sentences[0].reason == "wrong_source"


def test_a_piece_before_a_marker_that_restates_the_question_is_dropped() -> None:
    question = "Tỉnh đề xuất bổ sung những dự án năng lượng nào vào quy hoạch điện quốc gia?"
    sources = [
        Source(1, "2. Nâng cao chất lượng công tác lập quy hoạch và quản lý quy hoạch phát triển công nghiệp"),
        Source(2, "Đề xuất bổ sung vào quy hoạch điện quốc gia các dự án điện gió, điện mặt trời của tỉnh."),
    ]
    text = (
        "Để nâng cao chất lượng công tác lập quy hoạch và quản lý quy hoạch phát triển công nghiệp [1], tỉnh đề xuất"
        " bổ sung những dự án năng lượng vào quy hoạch điện quốc gia [2]."
    )
    assert verify_answer(text, sources, 0.6, question=question).sentences[0].reason == "restates_question"


def test_fallback_when_the_first_sentence_fails_or_the_question_is_missed() -> None:
    kept_first = check("Tỷ trọng công nghiệp trong GRDP của tỉnh đạt trên 15% [1]. Điều này chưa rõ.")
    assert fallback_reason(kept_first, "", SOURCES[0].text, 0.5, 0.6) is None
    dropped_first = check("Điều này chưa rõ. Tỷ trọng công nghiệp trong GRDP của tỉnh đạt trên 15% [1].")
    assert fallback_reason(dropped_first, "", SOURCES[0].text, 0.5, 0.6) == "unverified"
    question = "Tổng kim ngạch xuất khẩu ngành công nghiệp tăng bao nhiêu?"
    assert fallback_reason(kept_first, question, SOURCES[0].text, 0.5, 0.6) == "misses_question"
