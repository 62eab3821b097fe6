"""The rules of qa_service/ingestion/targets.py on sentences written for the test (issue 30): a figure no programme
measure names is named by its own clause; its period is not a comparison, a price base, a date or a name; a report
reports results, a plan sets targets, the nearest word says otherwise; a plan's share and a plan in parentheses stay
with their figure; a table row, the masthead, a phone or a document number is no figure; a document gives at most so
many."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from qa_service.ingestion.targets import TargetFact, document_kind, extract_targets
from qa_service.labels import Block
from qa_service.models import Chunk, DocumentMeta, Unit
from qa_service.settings import IngestionSettings


def _meta(title: str, doc_type: str | None = None, number: str | None = None) -> DocumentMeta:
    return DocumentMeta(doc_id="d", title=title, doc_type=doc_type, doc_number=number)


REPORT_2023 = _meta("Báo cáo kết quả năm 2023 và phương hướng, nhiệm vụ năm 2024", "Báo cáo")
PLAN_2024 = _meta("Kế hoạch phát triển công nghiệp năm 2024", "Kế hoạch")


def _chunk(*sentences: str, heading: str = "I. NỘI DUNG", label: str = "Mục I", ordinal: int = 0) -> Chunk:
    """One list item a sentence, under `heading`; `label` is every item's unit label prefix."""
    lines = [f"- {s}" for s in sentences]
    text = "\n".join(lines)
    starts = [sum(len(line) + 1 for line in lines[:i]) for i in range(len(lines))]
    units = [Unit(label=f"{label}, ý {i + 1}" if len(lines) > 1 else label, start=a, end=a + len(line))
             for i, (a, line) in enumerate(zip(starts, lines, strict=True))]
    return Chunk(chunk_id=f"c{ordinal}", doc_id="d", ordinal=ordinal, text=text, section_path=[heading], citation_label=label,
                 start=0, end=len(text), units=units)


def _read(*sentences: str, document: DocumentMeta | None = REPORT_2023, heading: str = "I. NỘI DUNG") -> list[tuple[str, str, str, str]]:
    return [(f.measure, f.period, f.kind, f.value_text) for f in extract_targets([_chunk(*sentences, heading=heading)], document)]


def test_a_figure_no_programme_measure_names_is_named_by_its_clause() -> None:
    facts = extract_targets([_chunk(
        "Kim ngạch xuất khẩu nông sản (giá hiện hành) năm 2023 ước đạt khoảng 75 tỷ USD.",
        "Doanh thu dịch vụ logistics dự kiến đạt 1.200 triệu đồng.",
        "Thu nhập bình quân của người lao động đạt 7,2 triệu đồng/người/tháng.",
    )], REPORT_2023)
    assert [(f.measure_id, f.measure, f.value_text, f.unit) for f in facts] == [
        ("kim-ngach-xuat-khau-nong-san", "Kim ngạch xuất khẩu nông sản", "khoảng 75 tỷ USD", "tỷ USD"),
        ("doanh-thu-dich-vu-logistics", "Doanh thu dịch vụ logistics", "1.200 triệu đồng", "triệu đồng"),
        ("thu-nhap-binh-quan-cua-nguoi-lao-dong", "Thu nhập bình quân của người lao động", "7,2 triệu đồng/người/tháng",
         "triệu đồng/người/tháng"),
    ]
    assert [f.value for f in facts] == [75.0, 1200.0, 7.2]


def test_a_count_is_named_by_what_it_counts() -> None:
    assert _read(
        "Tổ chức 12 lớp tập huấn kỹ năng số cho doanh nghiệp nhỏ, thu hút 640 lượt học viên.",
        "Mỗi huyện, thành phố đăng ký tối đa 05 đề án.",
        "Nâng tổng số hợp tác xã của huyện lên 48 hợp tác xã.",
        document=PLAN_2024,
    ) == [
        ("Tổ chức lớp tập huấn kỹ năng số", "2024", "target", "12 lớp"),  # the tail stops at «cho»
        ("Thu hút lượt học viên", "2024", "target", "640 lượt"),
        ("Mỗi huyện, thành phố đăng ký đề án", "2024", "target", "tối đa 05 đề án"),  # «huyện, thành phố» lists
        ("Tổng số hợp tác xã của huyện", "2024", "target", "48 hợp tác xã"),  # the count's noun is named already
    ]


def test_periods_and_what_is_no_period() -> None:
    rows = _read(
        "Giá trị xuất khẩu 6 tháng đầu năm 2024 (giá so sánh năm 2010) đạt 310 tỷ đồng, tăng 9% so với cùng kỳ năm 2023.",
        "Quý I/2024, doanh thu bán lẻ đạt 2.400 tỷ đồng.",
        "Phấn đấu đến năm 2030, tỷ lệ đô thị hóa đạt 45%.",
        "Giai đoạn 2021-2025, vốn ngân sách bố trí cho hạ tầng đạt 900 tỷ đồng.",
        # a date, a document's name and a congress's term are no periods: the report's year is
        "Theo Kế hoạch số 12/KH-UBND ngày 05 tháng 3 năm 2022 về chuyển đổi số năm 2022, huyện có 40 hộ kinh doanh dùng hóa đơn điện tử.",
        "Thực hiện Nghị quyết Đại hội, nhiệm kỳ 2020-2025, huyện hỗ trợ 15 hộ khởi nghiệp.",
    )
    assert rows == [
        ("Giá trị xuất khẩu", "6 tháng đầu năm 2024", "result", "310 tỷ đồng"),
        ("Giá trị xuất khẩu, tăng so với cùng kỳ năm 2023", "6 tháng đầu năm 2024", "result", "9%"),
        ("Doanh thu bán lẻ", "quý I/2024", "result", "2.400 tỷ đồng"),
        ("Tỷ lệ đô thị hóa", "2030", "target", "45%"),
        ("Vốn ngân sách bố trí cho hạ tầng", "2021-2025", "result", "900 tỷ đồng"),
        ("Huyện có hộ kinh doanh dùng hóa đơn điện tử", "2023", "result", "40 hộ"),
        ("Huyện hỗ trợ hộ khởi nghiệp", "2023", "result", "15 hộ"),
    ]


def test_a_report_reports_results_a_plan_sets_targets_the_nearest_word_says_otherwise() -> None:
    sentence = "Số hộ sử dụng nước sạch đạt 1.250 hộ."
    assert _read(sentence)[0][1:3] == ("2023", "result")  # a report's result: the title's first year
    assert _read(sentence, document=PLAN_2024)[0][1:3] == ("2024", "target")
    assert _read(sentence, heading="III. PHƯƠNG HƯỚNG, NHIỆM VỤ")[0][1:3] == ("2024", "target")  # its last year
    assert _read(
        "Năm 2023 đã cấp 120 giấy chứng nhận; phấn đấu năm 2024 cấp 150 giấy chứng nhận.",
        "Phòng Kinh tế chủ trì thực hiện chương trình, phấn đấu tỷ lệ hộ dùng nước sạch năm 2024 đạt 98%.",
        document=PLAN_2024,
    ) == [
        ("Cấp giấy chứng nhận", "2023", "result", "120 giấy chứng nhận"),
        ("Cấp giấy chứng nhận", "2024", "target", "150 giấy chứng nhận"),
        ("Tỷ lệ hộ dùng nước sạch", "2024", "target", "98%"),  # «phấn đấu» is nearer than «thực hiện»
    ]


def test_a_plans_share_and_a_plan_in_parentheses_stay_with_their_figure() -> None:
    facts = extract_targets([_chunk(
        "Sản lượng thủy sản ước đạt 12.400 tấn, đạt 103,3% kế hoạch, tăng 4% so với năm 2022.",
        "Có 64 hợp tác xã hoạt động hiệu quả, đạt 91% kế hoạch (chỉ tiêu 70 hợp tác xã).",
    )], REPORT_2023)
    assert [(f.measure, f.period, f.kind, f.value_text, f.of_plan, f.of_plan_share) for f in facts] == [
        ("Sản lượng thủy sản", "2023", "result", "12.400 tấn", "đạt 103,3% kế hoạch", 103.3),
        ("Sản lượng thủy sản, tăng so với năm 2022", "2023", "result", "4%", None, None),
        ("Hợp tác xã hoạt động hiệu quả", "2023", "result", "64 hợp tác xã", "đạt 91% kế hoạch", 91.0),
        ("Hợp tác xã hoạt động hiệu quả", "2023", "target", "70 hợp tác xã", None, None),
    ]
    assert all(f.of_plan is None or f.of_plan in f.quote for f in facts)


def test_parts_and_figures_of_one_measure_by_period() -> None:
    assert _read(
        "Tổng vốn đầu tư công năm 2023 là 840 tỷ đồng, trong đó vốn ngân sách tỉnh 520 tỷ đồng và vốn ngân sách huyện 320 tỷ đồng.",
        "Tỷ lệ giải ngân năm 2022 đạt 88%, năm 2023 đạt 94%.",
    ) == [
        ("Tổng vốn đầu tư công", "2023", "result", "840 tỷ đồng"),
        ("Tổng vốn đầu tư công, trong đó vốn ngân sách tỉnh", "2023", "result", "520 tỷ đồng"),
        ("Tổng vốn đầu tư công, trong đó vốn ngân sách huyện", "2023", "result", "320 tỷ đồng"),
        ("Tỷ lệ giải ngân", "2022", "result", "88%"),
        ("Tỷ lệ giải ngân", "2023", "result", "94%"),
    ]


def test_no_figure_in_a_table_row_the_masthead_a_phone_a_number_a_date_or_a_description() -> None:
    row = Chunk(chunk_id="t", doc_id="d", ordinal=1, text="Chỉ tiêu: Số cơ sở | Đơn vị tính: cơ sở | Năm 2023: 412 cơ sở",
                section_path=["I. KẾT QUẢ"], citation_label="Mục I, bảng 1, dòng 1", start=0, end=60,
                units=[Unit(label="Mục I, bảng 1, dòng 1", start=0, end=60)])
    head = Chunk(chunk_id="h", doc_id="d", ordinal=0, text="Số: 12/KH-UBND năm 2024, 50 doanh nghiệp", section_path=[Block.HEADER],
                 citation_label=Block.HEADER, start=0, end=40, units=[Unit(label=Block.HEADER, start=0, end=40)])
    body = _chunk(
        "Liên hệ số điện thoại 0297.3868.415 trước ngày 31/8/2024 theo Điều 2 Quyết định số 08/2024/QĐ-UBND.",
        "Hoàn thành giải phóng mặt bằng Cụm công nghiệp (diện tích 32,5 ha) trong quý III năm 2024.",
        "Có 2/16 chỉ tiêu không đạt năm 2024.",
        ordinal=2,
    )
    assert extract_targets([head, row, body], PLAN_2024) == []


def test_a_figure_without_a_period_is_read_only_in_a_report_plan_or_letter_of_one_year() -> None:
    sentence = "Hỗ trợ tối đa 300 triệu đồng/cơ sở."
    assert _read(sentence, document=_meta("Quyết định quy định mức hỗ trợ", "Quyết định")) == []
    assert _read(sentence, document=_meta("Kế hoạch phát triển giai đoạn 2021-2025", "Kế hoạch")) == []  # a span
    assert _read(sentence, document=None) == []
    assert _read(sentence, document=_meta("Công văn về đăng ký đề án năm 2025", "Công văn")) == [
        ("Hỗ trợ", "2025", "target", "tối đa 300 triệu đồng/cơ sở"),
    ]
    # a law's figures are read only by the programme's measures: its fines and thresholds are no targets
    assert _read("Năm 2025, doanh nghiệp có 200 lao động.", document=_meta("Luật Việc làm", "Luật")) == []


def test_what_a_document_is() -> None:
    assert document_kind(_meta("Bao cao hoi nghi.pdf", number="1876/BC-SKHĐT")).kind == "report"  # by its number
    assert document_kind(_meta("Nghị quyết về phát triển", number="86-NQ/TW")).kind == "plan"
    assert document_kind(_meta("Kế hoạch tập huấn năm 2024")).kind == "plan"  # by its title
    assert document_kind(_meta("Luật Đầu tư", number="61/2020/QH14")).kind == "law"
    assert document_kind(None).kind == "other"
    six = document_kind(_meta("Báo cáo sơ kết 6 tháng đầu năm 2024 thực hiện Kế hoạch phát triển", "Báo cáo"))
    assert six.result_period and six.result_period.label == "6 tháng đầu năm 2024" and six.result_period.year == 2024


def test_a_document_gives_at_most_max_figures() -> None:
    sentences = [f"Xã số {n} có {n + 10} hộ kinh doanh." for n in range(8)]
    assert len(extract_targets([_chunk(*sentences)], REPORT_2023)) == 8
    assert len(extract_targets([_chunk(*sentences)], REPORT_2023, max_figures=5)) == 5
    assert IngestionSettings().max_figures == 60
    with pytest.raises(ValidationError):
        IngestionSettings(max_figures=0)


def test_an_old_fact_reads_without_its_plan_share() -> None:
    old = {"measure_id": "m", "measure": "M", "value_text": "5%", "value": 5, "unit": "%", "period": "2025", "year": 2025,
           "kind": "target", "chunk_id": "c", "quote": "M đạt 5%."}
    assert TargetFact.model_validate(old).of_plan is None
