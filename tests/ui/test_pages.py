"""The persona pages driven by AppTest against the real service over HTTP, and what they export."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
from docx import Document
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from ui.exports import checklist_docx, checklist_markdown, pack_docx, pack_markdown
from ui.slides import pack_pptx
from ui.strings import S

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")
PROGRAMME = "chuong-trinh-hanh-dong-phat-trien-cong-nghiep-2021-2025"


def _page(url: str, monkeypatch: pytest.MonkeyPatch, page: str) -> AppTest:
    monkeypatch.setenv("QA__API_URL", url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.radio(key="page").set_value(S[page]).run()
    assert not at.exception
    return at


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _pptx_text(data: bytes) -> tuple[int, str, str]:
    prs = Presentation(io.BytesIO(data))
    shown, notes = [], []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                shown.append(shape.text_frame.text)
            if shape.has_table:
                shown += [c.text for row in shape.table.rows for c in row.cells]
        notes.append(slide.notes_slide.notes_text_frame.text)
    return len(prs.slides), "\n".join(shown), "\n".join(notes)


def test_actors_page_lists_bodies_and_their_duties_verbatim(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(api_url, monkeypatch, "page_actors")
    options = at.radio(key="actor").options
    assert any("Ban Tuyên giáo Tỉnh ủy (1 nội dung)" in o for o in options)
    assert any(o.startswith("Chính sách dành cho doanh nghiệp") and S["actors_support"] in o for o in options)  # businesses see what applies to them
    at.radio(key="actor").set_value("ban-can-su-dang-uy-ban-nhan-dan-tinh").run()
    duties = [c.label for c in at.checkbox]
    assert len(duties) == 2 and duties[0].startswith("Ban cán sự đảng Ủy ban nhân dân tỉnh chỉ đạo xây dựng kế hoạch")
    assert any("Mục IV.1" in c.value for c in at.caption)
    assert [b.label for b in at.get("download_button")] == [S["export_checklist_md"], S["export_checklist_docx"]]
    # «Xem trong văn bản» lands on the duty in the reader
    at.button(key="duty-open-ban-can-su-dang-uy-ban-nhan-dan-tinh-0").click().run()
    assert at.session_state.page == S["page_reader"]


def test_checklist_exports_keep_each_duty_and_its_source(api_url: str) -> None:
    actor = httpx.get(f"{api_url}/actors/uy-ban-mat-tran-to-quoc-viet-nam-tinh").json()
    markdown = checklist_markdown(actor, S)
    docx = _docx_text(checklist_docx(actor, S))
    assert markdown.count("- [ ] «") == len(actor["sentences"]) == 3
    for sentence in actor["sentences"]:
        assert sentence["quote"] in markdown and sentence["quote"] in docx
        assert sentence["citation_label"] in docx
    assert docx.count("☐") == 3
    assert markdown.startswith("# Nhiệm vụ của Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh")


def test_what_is_offered_to_businesses_is_not_titled_as_their_duties(api_url: str) -> None:
    business = httpx.get(f"{api_url}/actors/chinh-sach-danh-cho-doanh-nghiep").json()
    markdown = checklist_markdown(business, S)
    assert markdown.startswith("# Chính sách dành cho doanh nghiệp\n") and "Nhiệm vụ của" not in markdown
    assert _docx_text(checklist_docx(business, S)).startswith("Chính sách dành cho doanh nghiệp")


def test_targets_page_shows_the_table_chart_and_sources(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(api_url, monkeypatch, "page_targets")
    frame = at.dataframe[0].value
    assert list(frame.columns) == ["Chỉ tiêu", "2016-2020 (kết quả)", "2021-2025", "2030"]
    grdp = frame[frame["Chỉ tiêu"] == "Tỷ trọng công nghiệp trong GRDP"].iloc[0].tolist()
    assert grdp == ["Tỷ trọng công nghiệp trong GRDP", "12,78%", "trên 15%", "trên 18%"]
    # 13 rows (11 before issue 32): the change «tăng 13%» and the 2030 gross output growth are rows of their own
    assert len(frame) == 13
    rows = {r[0]: r[1:] for r in frame.values.tolist()}
    assert rows["Doanh nghiệp công nghiệp phát triển mới, tăng so với giai đoạn 2015-2020"] == ["", "13%", ""]
    assert rows["Tăng trưởng ngành công nghiệp bình quân"] == ["7,62%/năm", "", ""]
    assert rows["Giá trị sản xuất ngành công nghiệp, tăng bình quân"] == ["", "", "từ 8,0-8,5%/năm"]
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    charts = at.get("arrow_vega_lite_chart") + at.get("vega_lite_chart")
    assert len(charts) == 8  # one chart per unit: %, %/năm and six counts or amounts
    sources = " ".join(m.value for m in at.markdown)
    assert "Mục II.3.c, đoạn 1" in sources and "trên 85%" in sources


def test_training_page_builds_a_pack_to_download(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(api_url, monkeypatch, "page_training")
    at.button(key="training-build").click().run()
    assert at.warning and S["training_need_sections"] in at.warning[0].value
    at.multiselect(key="training-sections").set_value(["Mục II.3", "Mục III.3", "Mục IV"]).run()
    at.button(key="training-build").click().run()
    assert not at.exception and at.success
    assert [e.label for e in at.expander][:3] == ["Mục II.3 – Mục tiêu", at.expander[1].label, "Mục IV – Tổ chức thực hiện"]
    labels = [b.label for b in at.get("download_button")]
    assert labels == [S["export_pack_docx"], S["export_pack_pptx"], S["export_pack_md"]]


def test_pack_exports_hold_outline_targets_questions_and_sources(api_url: str) -> None:
    cid = httpx.post(f"{api_url}/conversations").json()["id"]
    answer = httpx.post(f"{api_url}/ask", json={"question": "Ban Tuyên giáo Tỉnh ủy làm gì?", "conversation_id": cid}).json()
    httpx.put(f"{api_url}/conversations/{cid}/pinned/{answer['turn']}")
    body = {"doc_id": PROGRAMME, "sections": ["Mục II.3", "Mục III.3", "Mục IV"], "conversation_id": cid}
    pack = httpx.post(f"{api_url}/training-pack", json=body).json()
    docx = _docx_text(pack_docx(pack, S))
    markdown = pack_markdown(pack, S)
    slides, shown, notes = _pptx_text(pack_pptx(pack, S))
    assert slides >= 8
    for text in (docx, markdown, shown):
        assert "Mục II.3 – Mục tiêu" in text and "Mục tiêu cụ thể giai đoạn 2021-2025" in text  # outline
        assert "12,78%" in text and "trên 85%" in text  # the figures table
        assert "Chỉ tiêu «Tỷ trọng công nghiệp trong GRDP» giai đoạn 2021-2025 là bao nhiêu?" in text  # a review question
        assert "Ban Tuyên giáo Tỉnh ủy" in text
    point = pack["sections"][1]["key_points"][0]
    assert point["quote"] in docx and point["quote"] in markdown and point["quote"] in notes  # whole quotes, slides in the notes
    assert pack["pinned"] and pack["pinned"][0]["citations"][0]["quote"] in docx
    assert "Mục IV.3" in docx and "Mục IV.3" in shown
