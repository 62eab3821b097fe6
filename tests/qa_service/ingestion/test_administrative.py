"""Administrative documents a province produces, read with their structure: a letter without headings (numbered
items and paragraphs as citable units), the masthead as a metadata block, an issuer under its parent body, and
tables (Markdown and DOCX) as one citable row each, every cell with its column header."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from qa_service.ingestion.pipeline import PreparedDocument, prepare
from qa_service.ingestion.readers import load
from qa_service.labels import Block
from qa_service.settings import Settings

LETTER = """UBND TỈNH KIÊN GIANG
SỞ CÔNG THƯƠNG
Số: 1234/SCT-QLCN
V/v báo cáo tình hình thực hiện chỉ tiêu công nghiệp năm 2024

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Kiên Giang, ngày 15 tháng 10 năm 2024

Kính gửi: Ủy ban nhân dân các huyện, thành phố.

Sở Công Thương đề nghị Ủy ban nhân dân các huyện, thành phố thực hiện một số nội dung sau:

1. Báo cáo kết quả thực hiện các chỉ tiêu phát triển công nghiệp 9 tháng đầu năm 2024.

2. Rà soát tiến độ đầu tư hạ tầng các cụm công nghiệp trên địa bàn, gồm:
- Cụm công nghiệp đã có chủ đầu tư hạ tầng;
- Cụm công nghiệp chưa có chủ đầu tư.

3. Báo cáo gửi về Sở Công Thương trước ngày 30/10/2024.

Thông tin chi tiết liên hệ Phòng Quản lý công nghiệp, điện thoại 0297.3868.415.

Nơi nhận:
- Như trên;
- Lưu: VT, QLCN.

GIÁM ĐỐC

Trần Văn Bình
"""

PLAN = """UBND HUYỆN TÂN HIỆP
PHÒNG KINH TẾ - HẠ TẦNG
Số: 45/KH-PKTHT
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Tân Hiệp, ngày 10 tháng 01 năm 2024

KẾ HOẠCH
Phát triển tiểu thủ công nghiệp huyện Tân Hiệp năm 2024

I. MỤC ĐÍCH, YÊU CẦU

Nâng giá trị sản xuất tiểu thủ công nghiệp năm 2024 đạt 1.250 tỷ đồng.

II. NHIỆM VỤ CỤ THỂ

| STT | Nhiệm vụ | Cơ quan chủ trì | Thời hạn |
|---|---|---|---|
| 1 | Rà soát quy hoạch cụm công nghiệp Thạnh Đông | Phòng Kinh tế - Hạ tầng | Quý II/2024 |
| 2 | Tổ chức lớp tập huấn khởi sự doanh nghiệp | Trung tâm Giáo dục nghề nghiệp | Tháng 8/2024 |
"""


def _prepared(tmp_path: Path, name: str, text: str) -> PreparedDocument:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return prepare(load(path), Settings())


def _labels(doc: PreparedDocument) -> dict[str, str]:
    return {c.citation_label: c.text for c in doc.chunks}


@pytest.fixture
def letter(tmp_path: Path) -> PreparedDocument:
    return _prepared(tmp_path, "cong-van.md", LETTER)


def test_letter_metadata_from_its_masthead(letter: PreparedDocument) -> None:
    meta = letter.meta
    assert meta.doc_type == "Công văn" and meta.doc_number == "1234/SCT-QLCN" and meta.issued == "2024-10-15"
    assert meta.issuer == "Sở Công Thương tỉnh Kiên Giang"  # the issuing body, placed by its parent's place
    assert meta.title.startswith("Công văn số 1234/SCT-QLCN về báo cáo tình hình")


def test_letter_masthead_is_one_block_never_mixed_with_content(letter: PreparedDocument) -> None:
    labels = _labels(letter)
    head = labels[Block.HEADER]
    assert "Số: 1234/SCT-QLCN" in head and "Kính gửi: Ủy ban nhân dân các huyện, thành phố." in head
    assert not any("Độc lập" in text or "Số: 1234" in text for label, text in labels.items() if label != Block.HEADER)


def test_letter_items_and_paragraphs_are_citable_units(letter: PreparedDocument) -> None:
    labels = _labels(letter)
    assert labels["Mục 3"] == "3. Báo cáo gửi về Sở Công Thương trước ngày 30/10/2024."
    assert labels["Đoạn 2"].startswith("Thông tin chi tiết liên hệ")  # after the items: not part of item 3
    assert labels["Đoạn 1"].startswith("Sở Công Thương đề nghị")
    chunk = next(c for c in letter.chunks if "chưa có chủ đầu tư" in c.text)
    unit = chunk.unit_at(chunk.text.index("Cụm công nghiệp chưa"))
    assert unit is not None and unit.label == "Mục 2, ý 2"  # a bullet under an item is that item's «ý»


def test_decision_issuer_on_two_lines_and_preamble_after_the_masthead(tmp_path: Path) -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH KIÊN GIANG\nSố: 25/2024/QĐ-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nKiên Giang, ngày 05 tháng 3 năm 2024\nQUYẾT ĐỊNH\n"
        "Ban hành mức hỗ trợ phát triển cụm công nghiệp\nỦY BAN NHÂN DÂN TỈNH KIÊN GIANG\n"
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\nQUYẾT ĐỊNH:\n"
        "Điều 1. Mức hỗ trợ\n1. Hỗ trợ đầu tư hạ tầng kỹ thuật tối đa 5.000 triệu đồng/cụm.\n"
        "Điều 2. Sở Công Thương chủ trì hướng dẫn thực hiện Quyết định này.\n"
    )
    doc = _prepared(tmp_path, "qd.txt", text)
    assert doc.meta.issuer == "Ủy ban nhân dân tỉnh Kiên Giang"
    assert doc.meta.title == "Quyết định ban hành mức hỗ trợ phát triển cụm công nghiệp"  # the caps line below is not title
    labels = _labels(doc)
    assert "QUYẾT ĐỊNH Ban hành" in labels[Block.HEADER] and "Căn cứ" not in labels[Block.HEADER]
    assert labels["Điều 1, khoản 1"].endswith("5.000 triệu đồng/cụm.")


def test_markdown_table_rows_carry_their_headers(tmp_path: Path) -> None:
    doc = _prepared(tmp_path, "ke-hoach.md", PLAN)
    assert doc.meta.issuer == "Phòng Kinh Tế - Hạ Tầng huyện Tân Hiệp"
    labels = _labels(doc)
    assert labels["Mục II, bảng 1, dòng 2"] == (
        "Nhiệm vụ: Tổ chức lớp tập huấn khởi sự doanh nghiệp | Cơ quan chủ trì: Trung tâm Giáo dục nghề nghiệp"
        " | Thời hạn: Tháng 8/2024"
    )  # the running-number column says where the row stands, not what it holds


def test_docx_table_is_read_in_place(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("1. Các sở, ngành thực hiện các nhiệm vụ theo bảng dưới đây.")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([("Nhiệm vụ", "Chủ trì", "Thời hạn"), ("Rà soát quy hoạch", "Sở Xây dựng", "Quý I/2025"), ("Lập đề án", "Sở Công Thương", "Quý III/2025")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(2, 1).merge(table.cell(2, 2)).text = "Sở Công Thương"  # a merged cell is read once, in its column
    document.add_paragraph("2. Báo cáo kết quả trước ngày 15/12/2025.")
    path = tmp_path / "ke-hoach.docx"
    document.save(str(path))
    doc = prepare(load(path), Settings())
    rows = [c.text for c in doc.chunks if "bảng 1" in c.citation_label.lower()]
    assert rows == ["Nhiệm vụ: Rà soát quy hoạch | Chủ trì: Sở Xây dựng | Thời hạn: Quý I/2025", "Nhiệm vụ: Lập đề án | Chủ trì: Sở Công Thương"]
    assert any(c.text.startswith("2. Báo cáo kết quả") for c in doc.chunks)  # the text after the table is kept in order


def test_a_document_with_headings_keeps_its_labels(tmp_path: Path) -> None:
    doc = _prepared(tmp_path, "ke-hoach.md", PLAN)
    labels = _labels(doc)
    assert labels["Mục I, đoạn 1"].startswith("Nâng giá trị sản xuất")
    assert not any(label.startswith("Đoạn") for label in labels)  # counted paragraphs are for documents without headings


def test_markdown_masthead_in_bold_and_a_number_without_colon(tmp_path: Path) -> None:
    text = (
        "**BAN CHẤP HÀNH TRUNG ƯƠNG**\n\nSố 86-NQ/TW\n\n**ĐẢNG CỘNG SẢN VIỆT NAM**\n\n*Hà Nội, ngày 10 tháng 10 năm 2023*\n\n"
        "**NGHỊ QUYẾT**\n**về phát triển công nghiệp chế biến nông sản**\n\n**I- TÌNH HÌNH**\n\n"
        "Công nghiệp chế biến nông sản có bước phát triển khá.\n"
    )
    doc = _prepared(tmp_path, "nq.md", text)
    assert doc.meta.doc_number == "86-NQ/TW" and doc.meta.issued == "2023-10-10"
    labels = _labels(doc)
    assert "Số 86-NQ/TW" in labels[Block.HEADER] and labels["Mục I, đoạn 1"].startswith("Công nghiệp chế biến")


def test_notice_without_items_counts_its_paragraphs(tmp_path: Path) -> None:
    text = (
        "ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG\nVĂN PHÒNG\nSố: 412/TB-VP\nKiên Giang, ngày 08 tháng 11 năm 2024\nTHÔNG BÁO\n"
        "Kết luận tại cuộc họp về hạ tầng cụm công nghiệp\n"
        "Sau khi nghe Sở Công Thương báo cáo, Phó Chủ tịch kết luận như sau.\n"
        "Sở Công Thương chủ trì rà soát năng lực các chủ đầu tư, báo cáo trước ngày 15/12/2024.\n"
    )
    doc = _prepared(tmp_path, "tb.txt", text)
    assert doc.meta.doc_type == "Thông báo" and doc.meta.issuer == "Văn Phòng Ủy ban nhân dân tỉnh Kiên Giang"
    assert "THÔNG BÁO" in _labels(doc)[Block.HEADER]
    chunk = next(c for c in doc.chunks if "Sở Công Thương chủ trì" in c.text)  # short paragraphs may share a passage
    unit = chunk.unit_at(chunk.text.index("Sở Công Thương chủ trì"))
    assert unit is not None and unit.label == "Đoạn 2"


def test_docx_masthead_laid_out_as_a_table_is_the_masthead(tmp_path: Path) -> None:
    document = docx.Document()
    head = document.add_table(rows=2, cols=2)
    head.cell(0, 0).text = "UBND TỈNH KIÊN GIANG\nSỞ XÂY DỰNG"
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    head.cell(1, 0).text = "Số: 77/SXD-QLN\nV/v rà soát nhà ở công nhân"
    head.cell(1, 1).text = "Kiên Giang, ngày 02 tháng 4 năm 2025"
    document.add_paragraph("Kính gửi: Ban Quản lý Khu kinh tế tỉnh.")
    document.add_paragraph("Sở Xây dựng đề nghị rà soát nhu cầu nhà ở công nhân tại các khu công nghiệp.")
    document.add_paragraph("1. Báo cáo số lượng công nhân có nhu cầu nhà ở trước ngày 30/4/2025.")
    path = tmp_path / "cong-van.docx"
    document.save(str(path))
    doc = prepare(load(path), Settings())
    assert doc.meta.doc_number == "77/SXD-QLN" and doc.meta.issuer == "Sở Xây Dựng tỉnh Kiên Giang"
    labels = _labels(doc)
    assert "Kính gửi: Ban Quản lý Khu kinh tế tỉnh." in labels[Block.HEADER]
    assert not any("bảng" in label.lower() for label in labels)  # the layout table is not data
    assert labels["Mục 1"].startswith("1. Báo cáo số lượng công nhân")


def test_a_task_tables_lead_body_has_the_row_for_its_duty(tmp_path: Path) -> None:
    from qa_service.ingestion.facts import extract_facts

    doc = _prepared(tmp_path, "ke-hoach.md", PLAN)
    actors = {a.actor: a.quote for a in extract_facts(doc.chunks).actors}
    assert actors["Trung tâm Giáo dục nghề nghiệp"].startswith("Nhiệm vụ: Tổ chức lớp tập huấn khởi sự doanh nghiệp")
    assert "Phòng Kinh tế - Hạ tầng" in actors  # the duties page lists a district's bodies like the programme's


def test_a_figures_column_is_not_a_body(tmp_path: Path) -> None:
    from qa_service.ingestion.facts import extract_facts

    table = "\n| Chỉ tiêu | Thực hiện năm 2023 | Kế hoạch năm 2024 |\n|---|---|---|\n| Số cơ sở ngành nghề | 412 | 430 |\n"
    doc = _prepared(tmp_path, "bao-cao.md", PLAN + table)
    assert all(not a.actor[:1].isdigit() for a in extract_facts(doc.chunks).actors)
