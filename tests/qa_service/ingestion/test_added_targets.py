"""The figures of documents a user adds (issue 30), read at ingest as the upload reads them: each file made from its
source text (eval/added_docs.py), loaded, prepared and read by qa_service/ingestion/targets.py. The lists below
were written by hand from the texts before the rules were, and the rules were made to meet them."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.added_docs import build
from qa_service.ingestion.facts import extract_facts
from qa_service.ingestion.pipeline import prepare
from qa_service.ingestion.readers import load
from qa_service.ingestion.targets import TargetFact
from qa_service.settings import Settings

Row = tuple[str, str, str, str, str | None]  # measure, period, kind, value as written, its share of the plan

# a district's report of 2023: every figure of Mục I is a result of 2023 (the title's first year; no sentence names
# one), «tăng 6,1% so với năm 2022» compares and is no period, «(giá so sánh năm 2010)» is a price base; «(chỉ tiêu …)»
# is the same measure's target of the same year; Mục III («phương hướng … năm 2024») sets a target of 2024
GIONG_RIENG: list[Row] = [
    ("Tổng giá trị sản xuất", "2023", "result", "14.862 tỷ đồng", "đạt 100,6% kế hoạch"),
    ("Tổng giá trị sản xuất, tăng so với năm 2022", "2023", "result", "6,1%", None),
    ("Sản lượng lúa", "2023", "result", "1.052.300 tấn", "đạt 101,2% kế hoạch"),
    ("Diện tích lúa chất lượng cao", "2023", "result", "86%", None),
    ("Giá trị sản xuất công nghiệp - tiểu thủ công nghiệp", "2023", "result", "2.980 tỷ đồng", "đạt 98,3% kế hoạch"),
    ("Giá trị sản xuất công nghiệp - tiểu thủ công nghiệp", "2023", "target", "3.030 tỷ đồng", None),
    ("Tổng thu ngân sách nhà nước trên địa bàn", "2023", "result", "312,4 tỷ đồng", "đạt 104,1% dự toán tỉnh giao"),
    ("Doanh nghiệp thành lập mới", "2023", "result", "38 doanh nghiệp", "đạt 76% kế hoạch"),
    ("Doanh nghiệp thành lập mới", "2023", "target", "50 doanh nghiệp", None),
    ("Tỷ lệ hộ nghèo", "2023", "result", "1,85%", None),
    ("Tỷ lệ hộ nghèo", "2023", "target", "dưới 2%", None),
    ("Lao động được giải quyết việc làm", "2023", "result", "3.450 lao động", "đạt 115% kế hoạch"),
    ("Xã đạt chuẩn nông thôn mới nâng cao", "2023", "result", "2 xã", None),
    ("Tổng số xã đạt chuẩn nông thôn mới nâng cao của huyện", "2023", "result", "5 xã", None),
    ("Tỷ lệ người dân tham gia bảo hiểm y tế", "2023", "result", "92,7%", None),
    ("Tỷ lệ hộ nghèo", "2024", "target", "dưới 1,5%", None),
]

# the district's six-month report (a PDF): its period is the title's «6 tháng đầu năm 2024»; «năm 2025» inside
# «đề án khuyến công năm 2025» names what was prepared, not when; Mục III «phấn đấu … trong năm 2024» is a target
SIX_MONTHS = "6 tháng đầu năm 2024"
TAN_HIEP_SIX_MONTHS: list[Row] = [
    ("Giá trị sản xuất công nghiệp - tiểu thủ công nghiệp", SIX_MONTHS, "result", "2.085 tỷ đồng", "đạt 47,9% kế hoạch năm"),
    ("Giá trị sản xuất công nghiệp - tiểu thủ công nghiệp, tăng so với cùng kỳ năm 2023", SIX_MONTHS, "result", "7,4%", None),
    ("Dự án đầu tư công nghiệp thu hút", SIX_MONTHS, "result", "01 dự án", None),
    ("Vốn đầu tư thu hút", SIX_MONTHS, "result", "150 tỷ đồng", None),
    ("Chi trả bồi thường cho hộ", SIX_MONTHS, "result", "74 hộ", None),
    ("Nhận bàn giao mặt bằng", SIX_MONTHS, "result", "68%", None),
    ("Lao động được giải quyết việc làm", SIX_MONTHS, "result", "540 lao động", None),
    ("Hỗ trợ cơ sở công nghiệp nông thôn ứng dụng máy móc", SIX_MONTHS, "result", "02 cơ sở", None),
    ("Tổng kinh phí hỗ trợ", SIX_MONTHS, "result", "410 triệu đồng", None),
    ("Hướng dẫn cơ sở lập đề án khuyến công năm 2025", SIX_MONTHS, "result", "05 cơ sở", None),
    ("Kiểm tra cơ sở xay xát", SIX_MONTHS, "result", "23 cơ sở", None),
    ("Nhắc nhở cơ sở", SIX_MONTHS, "result", "4 cơ sở", None),
    ("Dự án đầu tư công nghiệp thu hút", "2024", "target", "03 dự án", None),
]

# a training course's plan (a DOCX, masthead in a table): its two figures are the plan's, of 2024; «02 ngày», the
# dates and «Số: 512/KH-SCT» are no figures
TRAINING_PLAN: list[Row] = [
    ("Học viên", "2024", "target", "85 học viên", None),
    ("Tổng kinh phí tổ chức lớp tập huấn", "2024", "target", "96,5 triệu đồng", None),
]


def _facts(name: str, tmp_path: Path) -> list[TargetFact]:
    settings = Settings()
    prepared = prepare(load(build(name, tmp_path), settings.ingestion), settings)
    facts = extract_facts(prepared.chunks, prepared.meta, settings.ingestion.max_figures)
    texts = {c.chunk_id: c.text for c in prepared.chunks}
    for fact in facts.targets:  # each figure is in its quote, each quote in its passage
        assert fact.value_text in fact.quote and fact.quote in texts[fact.chunk_id], fact
    return facts.targets


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bao-cao-kinh-te-xa-hoi-huyen-giong-rieng-2023.md", GIONG_RIENG),
        ("bao-cao-so-ket-6-thang-2024-huyen-tan-hiep.pdf", TAN_HIEP_SIX_MONTHS),
        ("ke-hoach-lop-tap-huan-quan-ly-cum-cong-nghiep-2024.docx", TRAINING_PLAN),
    ],
)
def test_an_added_documents_figures_are_the_hand_read_list(name: str, expected: list[Row], tmp_path: Path) -> None:
    got = [(f.measure, f.period, f.kind, f.value_text, f.of_plan) for f in _facts(name, tmp_path)]
    assert got == expected


def test_the_targets_page_labels_each_row_with_its_document(tmp_path: Path) -> None:
    """GET /targets over the programme and two added documents: one row per document and measure («Lao động được
    giải quyết việc làm» of the province and of two districts are three rows), each with its document; the
    programme's 13 rows as they were; a result's plan share and the plan beside it."""
    from fastapi.testclient import TestClient

    from qa_service.app import create_app
    from tests.conftest import PROGRAMME, ingested
    from tests.fixtures.fakes import HashEmbedder

    added = [build(n, tmp_path / "docs") for n in ("bao-cao-kinh-te-xa-hoi-huyen-giong-rieng-2023.md", "ke-hoach-phat-trien-cn-tthcn-huyen-tan-hiep-2024.md")]
    components, report = ingested(tmp_path / "index", HashEmbedder(), [PROGRAMME, *added])
    assert len(report.added) == 3 and not report.skipped
    with TestClient(create_app(components.settings, components)) as client:
        table = client.get("/targets").json()
        titles = {r["doc_id"]: r["doc_title"] for r in table["rows"]}
        assert len(titles) == 3 and all(titles.values())
        jobs = [r for r in table["rows"] if r["measure_id"] == "viec-lam"]
        assert sorted(v["value_text"] for r in jobs for v in r["values"]) == ["1.200 lao động", "3.450 lao động", "hơn 44.000 lao động"]
        programme = [r for r in table["rows"] if r["doc_title"].startswith("Chương trình hành động")]
        assert len(programme) == 13
        report_rows = {r["measure"]: r for r in table["rows"] if r["doc_title"].startswith("Báo cáo kết quả")}
        output = report_rows["Giá trị sản xuất công nghiệp - tiểu thủ công nghiệp"]["values"]
        assert [(v["value_text"], v["kind"], v["of_plan"], v["of_plan_share"]) for v in output] == [
            ("2.980 tỷ đồng", "result", "đạt 98,3% kế hoạch", 98.3), ("3.030 tỷ đồng", "target", None, None),
        ]
        assert [p["label"] for p in table["periods"]] == ["2016-2020", "2023", "2024", "2021-2025", "2030"]
        one = client.get("/targets", params={"doc_id": added[1].stem}).json()
        assert {r["doc_id"] for r in one["rows"]} == {added[1].stem} and len(one["rows"]) == 8
