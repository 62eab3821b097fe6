"""The question's own subject as syllable pairs (`asked.pairs`): the words that ask («mấy», «đâu») and spoken
particles («vậy», «giúp», «nhé») pair with nothing, so a spoken question's subject is what it is about — while the
same syllables folded («máy», «đầu», «vay») stay words of a subject."""

from __future__ import annotations

from qa_service.services.asked import pairs, subject_share


def test_asking_words_and_particles_pair_with_no_subject_word() -> None:
    assert pairs("xuất khẩu tăng mấy % 1 năm vậy?") == {"xuat_khau", "khau_tang"}
    assert pairs("tiền đâu làm hạ tầng giúp nhé") == {"lam_ha", "ha_tang"}


def test_the_same_syllables_with_other_tones_stay_words_of_the_subject() -> None:
    assert {"nha_may", "may_dau", "vay_von"} <= pairs("nhà máy đầu tư vay vốn")


def test_a_spoken_question_is_held_whole_by_the_sentence_that_answers_it() -> None:
    sentence = "Tổng kim ngạch xuất khẩu công nghiệp tăng bình quân 7%/năm."
    asked = frozenset(pairs("kim ngạch xuất khẩu công nghiệp tăng bình quân mấy %?"))
    assert subject_share(asked, sentence) == 1.0


def test_function_words_are_known_as_typed_so_content_words_that_fold_alike_stay() -> None:
    """Folded, «đang» is «đăng», «từ» is «tư», «số» is «Sở», «trong» is «trọng»: typed with diacritics, each is
    itself; typed without, the folded list reads it (and an expanded «KCN» beside unaccented words does not
    switch them to the accented list)."""
    assert {"dang_ky", "de_an", "dau_tu", "ty_trong", "so_cong"} <= pairs("Sở Công Thương nhận đề án đăng ký đầu tư, tỷ trọng bao nhiêu?")
    assert pairs("tong cong co bao nhieu de an dang ky") == {"tong_cong"}
    assert pairs("den 2025 cac khu công nghiệp phai lap day duoc bao nhieu") == {"khu_cong", "cong_nghiep", "nghiep_phai", "phai_lap", "lap_day"}


def test_the_words_of_a_formal_or_spoken_request_are_no_subject() -> None:
    """«Xin cho biết …», «… được xác định trong …», «… giúp»: how it is asked, not what about — a heading is not
    measured against them."""
    from qa_service.services.sections import content_syllables

    question = "Xin cho biết các quan điểm chỉ đạo được xác định trong Chương trình, nêu giúp"
    assert content_syllables(question) == {"quan", "diem", "chi", "dao", "dinh"}
    assert pairs(question) == {"quan_diem", "diem_chi", "chi_dao"}
    assert content_syllables("xin cho biet cac quan diem chi dao, giup") == {"quan", "diem", "chi", "dao"}
