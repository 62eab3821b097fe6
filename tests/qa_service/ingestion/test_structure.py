"""Cleaning, structure and chunking on the real documents (no model needed)."""

from __future__ import annotations

import pytest

from qa_service.ingestion.clean import Paragraph
from qa_service.ingestion.pipeline import prepare
from qa_service.ingestion.readers import load
from qa_service.ingestion.structure import structure
from qa_service.references import find_refs
from qa_service.services.sections import section_title
from qa_service.settings import Settings
from tests.conftest import LUAT_DAU_TU, PROGRAMME, require_shared


@pytest.fixture(scope="module")
def programme():  # type: ignore[no-untyped-def]
    return prepare(load(PROGRAMME), Settings())


def test_grdp_bullet_has_section_path_ii_3_b(programme) -> None:  # type: ignore[no-untyped-def]
    chunk = next(c for c in programme.chunks if "Tỷ trọng công nghiệp trong GRDP của tỉnh đạt trên 15%" in c.text)
    assert chunk.section_ids == ["II", "3", "b"]
    assert chunk.section_path[-1] == "b) Mục tiêu cụ thể giai đoạn 2021-2025"
    unit = chunk.unit_at(chunk.text.index("Tỷ trọng công nghiệp trong GRDP"))
    assert unit is not None and unit.label == "Mục II.3.b, ý 1"


def test_paragraph_cut_by_page_break_is_joined(programme) -> None:  # type: ignore[no-untyped-def]
    assert any("vốn đầu tư chưa đáp ứng yêu cầu" in c.text for c in programme.chunks)
    assert any("Bình An, huyện Châu Thành" in c.text for c in programme.chunks)
    assert "\nđầu tư chưa" not in programme.structured.text


def test_markdown_markup_and_scanning_junk_removed(programme) -> None:  # type: ignore[no-untyped-def]
    text = programme.structured.text
    assert "nel" not in text.split()[-60:] and "*nel*" not in text
    assert "**" not in text and "##" not in text
    assert "báo cáo kết quả thực hiện với Ban Thường vụ Tỉnh ủy." in text


def test_signature_and_recipients_become_metadata_and_stay_answerable(programme) -> None:  # type: ignore[no-untyped-def]
    meta = programme.meta
    assert meta.signer == "Mai Văn Huỳnh"
    assert meta.signer_position and "PHÓ BÍ THƯ THƯỜNG TRỰC" in meta.signer_position
    assert "Ban Bí thư TW Đảng" in meta.recipients
    labels = {c.citation_label: c for c in programme.chunks}
    assert "Mai Văn Huỳnh" in labels["Phần ký"].text
    assert "Ban Bí thư TW Đảng" in labels["Nơi nhận"].text


def test_offsets_point_into_cleaned_text(programme) -> None:  # type: ignore[no-untyped-def]
    text = programme.structured.text
    for chunk in programme.chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        for unit in chunk.units:
            assert chunk.start <= unit.start < unit.end <= chunk.end


def test_chunk_ids_are_stable_content_hashes(programme) -> None:  # type: ignore[no-untyped-def]
    again = prepare(load(PROGRAMME), Settings())
    assert [c.chunk_id for c in again.chunks] == [c.chunk_id for c in programme.chunks]
    assert len({c.chunk_id for c in programme.chunks}) == len(programme.chunks)


def test_cross_references_detected_with_number_date_issuer(programme) -> None:  # type: ignore[no-untyped-def]
    refs = {r.number: r for r in programme.refs if r.number}
    assert refs["23-NQ/TW"].date == "2018-03-22" and refs["23-NQ/TW"].issuer == "Bộ Chính trị"
    assert refs["124/NQ-CP"].issuer == "Chính phủ"
    assert {"10-NQ/TW", "52-NQ/TW", "197-KH/TU", "50-KL/TW", "01-CTr/TU"} <= set(refs)
    assert any(r.title == "Luật Đầu tư" for r in programme.refs)


def test_cross_reference_patterns() -> None:
    refs = find_refs("Thực hiện Kế hoạch số 197-KH/TU, ngày 28/02/2020 của Tỉnh ủy và Luật Đầu tư số 61/2020/QH14.")
    numbers = [r.number for r in refs]
    assert "197-KH/TU" in numbers
    assert find_refs("Luật này có hiệu lực") == []


def test_law_structure_luat_dau_tu() -> None:
    require_shared()
    law = prepare(load(LUAT_DAU_TU), Settings())
    assert law.meta.doc_number == "61/2020/QH14"
    assert law.meta.title == "Luật Đầu tư"
    units = {u.label: (c, u) for c in law.chunks for u in c.units}
    chunk, unit = units["Điều 15, khoản 1, điểm c"]
    assert law.structured.text[unit.start : unit.end].startswith("c) Miễn, giảm tiền sử dụng đất, tiền thuê đất")
    assert chunk.citation_label == "Điều 15, khoản 1"
    assert "Điều 15. Hình thức và đối tượng áp dụng ưu đãi đầu tư" in chunk.section_path
    # Gazette page headers, page numbers and signature stamps are gone
    assert "CÔNG BÁO" not in law.structured.text
    assert "Ký bởi" not in law.structured.text


def test_repeated_identical_passages_get_distinct_ids(tmp_path) -> None:  # type: ignore[no-untyped-def]
    doc = tmp_path / "bang.txt"
    row = "Kinh doanh dịch vụ đo đạc và bản đồ, theo quy định của pháp luật chuyên ngành về đo đạc."
    doc.write_text("Điều 1. Danh mục\n" + "\n\n".join([row] * 3) + "\n\nĐiều 2. Hiệu lực\nLuật này có hiệu lực.\n", encoding="utf-8")
    chunks = prepare(load(doc), Settings(chunking={"max_tokens": 32, "min_tokens": 0})).chunks  # type: ignore[arg-type]
    ids = [c.chunk_id for c in chunks]
    assert len(ids) == len(set(ids)) and sum(row in c.text for c in chunks) == 3


def test_gazette_law_articles_are_passages_whatever_their_layout() -> None:
    """Two layouts of the Gazette texts: the article's text on the lines under its title (Luật BHXH 2014, Điều 61),
    and the whole article on its heading line (Quyết định 798/QĐ-TTg, Điều 4). Both must be citable passages."""
    from tests.conftest import DATASET

    require_shared()
    bhxh = prepare(load(DATASET / "docs" / "bhxh" / "luat-so-58-2014-qh13-15355.txt"), Settings())
    article = next(o for o in bhxh.structured.outline if o.label == "Điều 61")
    assert article.title == "Điều 61. Bảo lưu thời gian đóng bảo hiểm xã hội"
    assert any(c.citation_label.startswith("Điều 61") and c.text.startswith("Người lao động khi nghỉ việc") for c in bhxh.chunks)

    decision = prepare(load(DATASET / "docs" / "bhxh" / "quyet-dinh-so-798-qd-ttg-469485.txt"), Settings())
    labels = [c.citation_label for c in decision.chunks]
    assert {"Điều 4", "Điều 5", "Điều 6"} <= set(labels)
    inline = next(c for c in decision.chunks if c.citation_label == "Điều 4")
    assert inline.text.startswith("Điều 4. Ban Chỉ đạo làm việc theo nguyên tắc tập trung dân chủ")
    assert decision.meta.doc_number == "798/QĐ-TTg"


def test_a_law_without_a_masthead_gets_its_date_from_the_passing_clause() -> None:
    from tests.conftest import DATASET

    require_shared()
    union = prepare(load(DATASET / "docs" / "cong_doan" / "luat-so-12-2012-qh13-4823.txt"), Settings())
    assert (union.meta.title, union.meta.issued) == ("Luật Công đoàn", "2012-06-20")


@pytest.mark.parametrize(
    ("path", "title", "doc_type"),
    [
        # «VĂN BẢN HỢP NHẤT -» and its issuer are the masthead, not the title: the title is the act's own heading
        (
            "bhxh/van-ban-hop-nhat-so-19-vbhn-vpqh-30971",
            "Luật Bảo hiểm xã hội (văn bản hợp nhất)",
            "Luật",
        ),
        (
            "bhxh/van-ban-hop-nhat-so-1315-vbhn-bldtbxh-39218",
            "Thông tư hướng dẫn phương pháp rà soát, phân loại hộ nghèo, hộ cận nghèo; xác định thu nhập của hộ làm nông "
            "nghiệp, lâm nghiệp, ngư nghiệp, diêm nghiệp có mức sống trung bình giai đoạn 2022 - 2025 và mẫu biểu báo cáo "
            "(văn bản hợp nhất)",
            "Thông tư",
        ),
        # the consolidated text goes on «Nghị định số 49/2018/NĐ-CP ngày … được sửa đổi, bổ sung bởi:»: not the subject
        (
            "giao_duc_nghe/van-ban-hop-nhat-so-1798-vbhn-bldtbxh-39344",
            "Nghị định quy định về kiểm định chất lượng giáo dục nghề nghiệp (văn bản hợp nhất)",
            "Nghị định",
        ),
        # no masthead saying so, but the statement «Thông tư số 37/2016/TT-BLĐTBXH … được sửa đổi, bổ sung bởi:»
        (
            "bhxh/van-ban-hop-nhat-so-464-vbhn-bldtbxh-44174",
            "Thông tư hướng dẫn quản lý lao động, tiền lương, thù lao và tiền thưởng trong Công ty Quản lý tài sản của "
            "các tổ chức tín dụng Việt Nam (văn bản hợp nhất)",
            "Thông tư",
        ),
        # a subject longer than a line or two («Về việc công bố …», with a date inside) is still the title
        (
            "chinh_sach_dn/quyet-dinh-so-333-qd-btc-469000",
            "Quyết định về việc công bố văn bản quy định chi tiết, quy định biện pháp cụ thể để tổ chức, hướng dẫn thi "
            "hành Nghị định số 155/2020/NĐ-CP",
            "Quyết định",
        ),
    ],
)
def test_gazette_titles_come_from_the_acts_own_heading(path: str, title: str, doc_type: str) -> None:
    from tests.conftest import DATASET

    require_shared()
    found = list((DATASET / "docs").glob(f"*/{path.split('/')[1]}.txt"))
    prepared = prepare(load(found[0]), Settings())
    assert prepared.meta.title.startswith(title.removesuffix(" (văn bản hợp nhất)")), prepared.meta.title
    assert prepared.meta.title.endswith(" (văn bản hợp nhất)") == title.endswith(" (văn bản hợp nhất)")
    if title.endswith(" (văn bản hợp nhất)"):  # nothing between the act's heading and the mark
        assert prepared.meta.title == title
    assert prepared.meta.doc_type == doc_type


@pytest.mark.parametrize(
    ("name", "number", "title"),
    [
        # the authentication block («Số: 04/VBHN-BYT … XÁC THỰC VĂN BẢN HỢP NHẤT») stands before 400 lines of annexes
        ("van-ban-hop-nhat-so-04-vbhn-byt-26289", "04/VBHN-BYT", None),
        # no masthead and no «được sửa đổi, bổ sung bởi» in the subject: the block alone says it is consolidated
        ("van-ban-hop-nhat-so-1550-vbhn-bldtbxh-41722", "1550/VBHN-BLĐTBXH", "Thông tư quy định về điều lệ trường cao đẳng (văn bản hợp nhất)"),
        # the consolidated text's footnote mark glued to the heading's last word («… đăng ký thuế1») is not the title
        ("van-ban-hop-nhat-so-06-vbhn-btc-469375", "06/VBHN-BTC", "Thông tư quy định về đăng ký thuế (văn bản hợp nhất)"),
    ],
)
def test_a_consolidated_text_has_its_own_number_wherever_the_block_stands(name: str, number: str, title: str | None) -> None:
    from tests.conftest import DATASET

    require_shared()
    prepared = prepare(load(next((DATASET / "docs").glob(f"*/{name}.txt"))), Settings())
    assert prepared.meta.doc_number == number
    if title:
        assert prepared.meta.title == title


def test_a_vbhn_number_mid_document_makes_it_consolidated_and_a_form_number_does_not() -> None:
    head = "THÔNG TƯ\nQuy định về điều lệ trường cao đẳng\nĐiều 1. Phạm vi\nNội dung.\nĐiều 2. Hiệu lực\nThi hành.\n"
    block = "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\nSố: 1550/VBHN-BLĐTBXH\nXÁC THỰC VĂN BẢN HỢP NHẤT\n"
    annex = "Phụ lục\nMẫu số 01\nSố:.../...\nBiên bản họp.\n"
    consolidated = structure([Paragraph(t) for t in (head + block + annex).splitlines()])
    assert (consolidated.meta.get("tail_number"), consolidated.meta.get("consolidated")) == ("1550/VBHN-BLĐTBXH", True)
    plain = structure([Paragraph(t) for t in (head + annex).splitlines()])
    assert "tail_number" not in plain.meta and not plain.meta.get("consolidated")


def test_a_number_typed_with_spaces_around_its_slash_is_read_whole() -> None:
    """Quyết định 372/QĐ-BTC prints «Số:  372 /QĐ-BTC»: read as «372» it matched no question naming it."""
    lines = ["BỘ TÀI CHÍNH", "Số:  372 /QĐ-BTC", "Hà Nội, ngày 17 tháng 3 năm 2026", "QUYẾT ĐỊNH", "Về việc đính chính",
             "Điều 1. Đính chính", "Nội dung.", "Điều 2. Hiệu lực", "Thi hành."]
    assert structure([Paragraph(t) for t in lines]).meta["doc_number"] == "372/QĐ-BTC"


def test_a_repealed_article_is_a_passage_and_a_glued_footnote_mark_is_not_its_number() -> None:
    """«Điều 5.3 (được bãi bỏ)» in consolidated text 4246/VBHN-BLĐTBXH: Điều 5 (footnote 3), repealed. With no
    passage a reader asking for Điều 5 got Điều 11 first; the repeal is what there is to say."""
    from tests.conftest import DATASET

    require_shared()
    prepared = prepare(load(next((DATASET / "docs").glob("*/van-ban-hop-nhat-so-4246-vbhn-bldtbxh-34873.txt"))), Settings())
    labels = [o.label for o in prepared.structured.outline if o.label.startswith("Điều")]
    assert labels == [f"Điều {n}" for n in range(1, 12)]
    repealed = [c for c in prepared.chunks if c.citation_label in ("Điều 5", "Điều 6")]
    assert [c.citation_label for c in repealed] == ["Điều 5", "Điều 6"] and all("bãi bỏ" in c.text for c in repealed)
    lines = ["LUẬT", "Điều 7.4 Thẩm quyền cấp giấy phép", "1. Bộ trưởng cấp giấy phép.", "Điều 8. Hiệu lực", "Luật này có hiệu lực."]
    outline = structure([Paragraph(t) for t in lines]).outline
    assert [(o.label, o.title) for o in outline if o.label.startswith("Điều")][0] == ("Điều 7", "Điều 7.4 Thẩm quyền cấp giấy phép")
    assert section_title("Điều 7.4 Thẩm quyền cấp giấy phép") == "Thẩm quyền cấp giấy phép"  # what an answer leads with
