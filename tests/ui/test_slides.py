"""The training pack's slides can be shown as they are (issue 32): 16:9 boxes over the full width, titles above
their bodies, no text past its box or the slide, every figure of the table, one sources slide. Checked from the
PPTX's geometry (fast), and from what LibreOffice draws of it (slow: `libreoffice-impress`, `make office-deps`).
Each check prints its per-slide fault counts (`pytest -s`)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from pptx import Presentation
from pptx.util import Emu, Pt

from tests.ui.slide_checks import geometry_faults, glyph_faults, to_pdf
from ui.client import QaClient
from ui.slides import SLIDE_H, SLIDE_W, Para, bullet_slides, pack_pptx
from ui.strings import S

PROGRAMME = "chuong-trinh-hanh-dong-phat-trien-cong-nghiep-2021-2025"
SECTIONS = ["Mục II.3", "Mục III.3", "Mục III.4", "Mục III.5", "Mục IV"]
# the packs do not depend on the embedder: built once, over the hashed one, in both tiers
on_the_fake = pytest.mark.parametrize("embedder", ["fake"], indirect=True)


@pytest.fixture(scope="module")
def decks(api_url: str) -> dict[str, tuple[dict[str, Any], bytes]]:
    """(pack, slides) as the training page makes them: one pack per section, and one of all five with a pinned
    answer."""
    client = QaClient(api_url)
    cid = httpx.post(f"{api_url}/conversations").json()["id"]
    answer = httpx.post(f"{api_url}/ask", json={"question": "Ban Tuyên giáo Tỉnh ủy làm gì?", "conversation_id": cid}).json()
    httpx.put(f"{api_url}/conversations/{cid}/pinned/{answer['turn']}")
    built = {}
    for name, sections, conversation in [*((s, [s], None) for s in SECTIONS), ("all", SECTIONS, cid)]:
        status, pack = client.training_pack(PROGRAMME, sections, conversation)
        assert status == 200, pack
        built[name] = (pack, pack_pptx(pack, S))
    return built


def _slides(data: bytes) -> list[tuple[str, str, str]]:
    """(title, everything shown, notes) per slide."""
    out = []
    for slide in Presentation(io.BytesIO(data)).slides:
        shown = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        shown += [c.text for shape in slide.shapes if shape.has_table for row in shape.table.rows for c in row.cells]
        title = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        out.append((title, "\n".join(shown), slide.notes_slide.notes_text_frame.text))
    return out


def test_the_geometry_checks_catch_the_old_layout() -> None:
    """The template's 4:3 boxes on a 16:9 slide, a long title, bullets past the bottom: every slide is faulted."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)
    for bullets in (3, 12):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = "Mục III.5 – Tập trung huy động các nguồn lực đầu tư, xây dựng kết cấu hạ tầng (ý chính)"
        body = slide.placeholders[1].text_frame
        for i in range(bullets):
            paragraph = body.paragraphs[0] if i == 0 else body.add_paragraph()
            paragraph.text = "Tiếp tục thực hiện Nghị quyết số 10-NQ/TW về phát triển kinh tế tư nhân. " * 2
            paragraph.font.size = Pt(18)
    buffer = io.BytesIO()
    prs.save(buffer)
    faults = geometry_faults(buffer.getvalue())
    print("old layout, geometry faults per slide:", faults)
    assert len(faults) == 2 and all(f >= 2 for f in faults)  # the right third empty, the title overflowing; then the body


@on_the_fake
def test_every_slide_fits_by_its_geometry(decks: dict[str, tuple[dict[str, Any], bytes]]) -> None:
    for name, (_, data) in decks.items():
        faults = geometry_faults(data)
        print(f"{name}: {len(faults)} slides, geometry faults per slide {faults}")
        assert faults == [0] * len(faults), name


@on_the_fake
def test_slides_keep_every_figure_quote_and_source_once(decks: dict[str, tuple[dict[str, Any], bytes]]) -> None:
    pack, data = decks["all"]
    slides = _slides(data)
    titles = [title for title, _, _ in slides]
    shown = "\n".join(text for _, text, _ in slides)
    notes = "\n".join(note for _, _, note in slides)
    assert titles.count(S["briefing_sources"]) == 1  # one sources slide
    assert shown.count(pack["title"]) == 2  # the document's title: on the cover and once among the sources
    for row in pack["targets"]["rows"]:  # every row of the figures table, each value
        assert row["measure"] in shown and all(v["value_text"] in shown for v in row["values"])
    for section in pack["sections"]:
        assert all(c["quote"] in notes for c in section["key_points"])  # whole quotes in the speaker notes
        assert all(c["quote"] in notes for actor in section["actors"] for c in actor["sentences"])
    assert pack["pinned"][0]["citations"][0]["quote"] in notes
    # a section with more key points than a slide holds continues on numbered slides
    key_points = [t for t in titles if t.startswith("Mục III.4") and S["pack_key_points"] in t]
    assert len(key_points) > 1 and key_points[-1].endswith(f"({len(key_points)}/{len(key_points)})")


@pytest.mark.slow
@on_the_fake
def test_libreoffice_draws_every_glyph_inside_its_box(decks: dict[str, tuple[dict[str, Any], bytes]], tmp_path: Path) -> None:
    paths = [tmp_path / f"deck-{i}.pptx" for i in range(len(decks))]
    for path, (_, data) in zip(paths, decks.values(), strict=True):
        path.write_bytes(data)
    pdfs = to_pdf(paths, tmp_path)
    for (name, (_, data)), pdf in zip(decks.items(), pdfs, strict=True):
        faults = glyph_faults(pdf, data)
        print(f"{name}: {len(faults)} pages drawn, glyphs out of their box or the page per slide {faults}")
        assert faults == [0] * len(faults), name


def test_text_too_long_for_any_slide_is_cut_on_screen_and_whole_in_the_notes() -> None:
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    title, long_text = "Câu hỏi rất dài về chính sách " * 25, "nội dung " * 1500
    bullet_slides(prs, title, [Para(long_text, "Mục I"), *[Para("ngắn", "Mục II")] * 30], S)
    buffer = io.BytesIO()
    prs.save(buffer)
    faults = geometry_faults(buffer.getvalue())
    assert len(faults) > 1 and faults == [0] * len(faults)
    first = _slides(buffer.getvalue())[0]
    assert first[0].endswith("…") and first[2].startswith(title.strip())
    assert long_text.strip() in first[2] and "…" in first[1]
