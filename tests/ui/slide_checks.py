"""Checks that a deck can be shown as it is, counted per slide: from the PPTX's geometry (every shape on the
slide, titles above bodies, boxes using the 16:9 width, each text's estimated height inside its box, each table
row's text inside its row) and, after LibreOffice has drawn it, from the PDF (every glyph on the page and inside
one of its slide's boxes)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from ui.textfit import text_height

EMU_PER_PT = 12700
MARGIN_SLACK = 914400  # 1 in: a box ending further from the slide's edge than this wastes the 16:9 width
GLYPH_SLACK = 2.0  # points a glyph may stick out of its box (antialiasing, italic overhang)
# the python-pptx template's sizes (pt) where a run sets none, and its bullets' hanging indents (EMU)
TEMPLATE_TITLE_PT, TEMPLATE_BODY_PT = (44, 32), {0: 32, 1: 28}
TEMPLATE_INDENT = {0: 342900, 1: 742950}


def _box(shape: Any) -> tuple[int, int, int, int]:
    return int(shape.left), int(shape.top), int(shape.left + shape.width), int(shape.top + shape.height)


def _is_title(shape: Any) -> bool:
    return shape.is_placeholder and shape.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)


def _size_pt(paragraph: Any, title: bool) -> float:
    for run in paragraph.runs:
        if run.font.size is not None:
            return float(run.font.size.pt)
    if paragraph.font.size is not None:
        return float(paragraph.font.size.pt)
    end = paragraph._p.endParaRPr  # an empty paragraph's size
    if end is not None and end.get("sz"):
        return int(end.get("sz")) / 100
    return TEMPLATE_TITLE_PT[0] if title else TEMPLATE_BODY_PT.get(paragraph.level, 28)


def _text_overflows(shape: Any) -> bool:
    """Whether the shape's text, estimated as the slides module does, is taller than the box inside its margins."""
    frame, title = shape.text_frame, _is_title(shape)
    indent = TEMPLATE_INDENT if shape.is_placeholder and not title and shape.placeholder_format.idx == 1 else {}
    room = (shape.height - frame.margin_top - frame.margin_bottom) / EMU_PER_PT
    needed = 0.0
    for paragraph in frame.paragraphs:
        size = _size_pt(paragraph, title)
        width = (shape.width - frame.margin_left - frame.margin_right - indent.get(paragraph.level, 0)) / EMU_PER_PT
        bold = any(run.font.bold for run in paragraph.runs) or title
        space = paragraph.space_before.pt if paragraph.space_before is not None else (0 if title else 0.2 * size)
        needed += text_height(paragraph.text, width, size, bold) + space
    return needed > room


def _rows_overflow(shape: Any) -> int:
    faults = 0
    widths = [column.width for column in shape.table.columns]
    for row in shape.table.rows:
        needed = max(
            sum(text_height(p.text, (w - cell.margin_left - cell.margin_right) / EMU_PER_PT, _size_pt(p, False),
                            any(r.font.bold for r in p.runs)) for p in cell.text_frame.paragraphs)
            + (cell.margin_top + cell.margin_bottom) / EMU_PER_PT
            for cell, w in zip(row.cells, widths, strict=True)
        )
        faults += needed > row.height / EMU_PER_PT + 0.5
    return faults


def geometry_faults(data: bytes) -> list[int]:
    """Per slide, how many shapes leave the slide, reach above the title's bottom, waste the width, or hold more
    text (estimated) than they show."""
    prs = Presentation(io.BytesIO(data))
    width, height = int(prs.slide_width), int(prs.slide_height)
    counts = []
    for slide in prs.slides:
        faults = 0
        title = slide.shapes.title
        for shape in slide.shapes:
            left, top, right, bottom = _box(shape)
            faults += left < 0 or top < 0 or right > width or bottom > height
            faults += right < width - MARGIN_SLACK or left > MARGIN_SLACK
            if title is not None and shape.shape_id != title.shape_id:
                faults += top < _box(title)[3]
            if shape.has_text_frame:
                faults += _text_overflows(shape)
            if shape.has_table:
                faults += _rows_overflow(shape)
        counts.append(faults)
    return counts


def soffice() -> str:
    """LibreOffice's `soffice`, with Liberation Sans to draw Arial at its metrics; missing, the test skips on a
    developer's machine but fails in CI or as root, where `make test` installs them (`make office-deps`)."""
    found = shutil.which("soffice")
    fonts = subprocess.run(["fc-list"], capture_output=True, text=True).stdout if shutil.which("fc-list") else ""
    if found and "Liberation Sans" in fonts:
        return found
    reason = "drawing the slides needs LibreOffice and Liberation Sans: apt-get install libreoffice-impress fonts-liberation (make office-deps)"
    if os.environ.get("CI") or os.geteuid() == 0:
        pytest.fail(reason)
    pytest.skip(reason)


def to_pdf(decks: list[Path], out: Path) -> list[Path]:
    """Each deck drawn by LibreOffice into `out` (one run for all; a private profile, so no user's settings)."""
    profile = out / "lo-profile"
    subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir", str(out),
         *map(str, decks)],
        check=True, capture_output=True, timeout=300,
    )
    return [out / (deck.stem + ".pdf") for deck in decks]


def glyph_faults(pdf: Path, data: bytes) -> list[int]:
    """Per page of the drawn deck, how many glyphs lie off the page or outside every box of their slide."""
    import pypdfium2 as pdfium

    prs = Presentation(io.BytesIO(data))
    scale = EMU_PER_PT
    counts = []
    document = pdfium.PdfDocument(str(pdf))
    assert len(document) == len(prs.slides), "one PDF page per slide"
    for page, slide in zip(document, prs.slides, strict=True):
        page_width, page_height = page.get_size()
        boxes = [tuple(v / scale for v in _box(shape)) for shape in slide.shapes]
        text = page.get_textpage()
        faults = 0
        for i in range(text.count_chars()):
            if not text.get_text_range(i, 1).strip():
                continue
            left, bottom, right, top = text.get_charbox(i)
            y_top, y_bottom = page_height - top, page_height - bottom  # from the top, as the slide measures
            off_page = left < -GLYPH_SLACK or right > page_width + GLYPH_SLACK or y_top < -GLYPH_SLACK or y_bottom > page_height + GLYPH_SLACK
            inside = any(bl - GLYPH_SLACK <= left and right <= br + GLYPH_SLACK and bt - GLYPH_SLACK <= y_top
                         and y_bottom <= bb + GLYPH_SLACK for bl, bt, br, bb in boxes)
            faults += off_page or not inside
        counts.append(faults)
    return counts
