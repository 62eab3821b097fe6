"""The training pack as 16:9 slides a trainer can show as they are. Every box is placed explicitly on the
13.33 × 7.5 in slide (0.5 in margins, the full width); every title and body is sized from an estimate of its text
(ui/textfit.py) so that nothing leaves its box: titles shrink with their length, a section's bullets, the figures
table and the sources continue on further slides («(2/3)» in the title) instead of running off the bottom. Slides
shorten long quotes (marked «…»); the speaker notes carry them whole."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pptx import Presentation
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.text.text import Font
from pptx.util import Emu, Inches, Pt

from ui.briefing import source_line
from ui.exports import all_citations, save, target_cells
from ui.textfit import text_height, text_width

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
SLIDE_QUOTE_CHARS = 260
FONT = "Arial"  # on every PowerPoint, with Vietnamese; LibreOffice draws it with the metric-compatible Liberation Sans
EMU_PER_PT = 12700
SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)  # 16:9
MARGIN = Inches(0.5)
INSET_X, INSET_Y = Inches(0.1), Inches(0.05)  # inside a text box, and inside a table cell
BULLET_INDENT = {0: Emu(342900), 1: Emu(742950)}  # the template's hanging indents of bullet levels 0 and 1
SPACE_BEFORE = 0.3  # em of space above each paragraph
LAYOUT_COVER, LAYOUT_BULLETS, LAYOUT_TITLE_ONLY = 0, 1, 5
TITLE_SIZES = (36, 32, 28, 24, 20, 18)
BODY_SIZES = (20, 18)  # a section's bullets: the first size that holds them on one slide, else pages at 20 pt
SOURCE_SIZES = (18, 16, 14)
TABLE_SIZES = (16, 14)
LABELS_PER_LINE = 8  # source labels per paragraph on the sources slide: pages break between paragraphs


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    width: int
    height: int

    @property
    def inner_width_pt(self) -> float:
        return (self.width - 2 * INSET_X) / EMU_PER_PT

    @property
    def inner_height_pt(self) -> float:
        return (self.height - 2 * INSET_Y) / EMU_PER_PT


_FULL_WIDTH = SLIDE_W - 2 * MARGIN
TITLE_BOX = Box(MARGIN, Inches(0.3), _FULL_WIDTH, Inches(1.3))
BODY_BOX = Box(MARGIN, Inches(1.75), _FULL_WIDTH, SLIDE_H - Inches(1.75) - MARGIN)
COVER_TITLE_BOX = Box(MARGIN, Inches(1.6), _FULL_WIDTH, Inches(1.6))
COVER_SUBTITLE_BOX = Box(MARGIN, Inches(3.4), _FULL_WIDTH, Inches(2.4))


@dataclass(frozen=True)
class Para:
    """One paragraph of a slide's body: an optional bold lead, the text, the citation label in italics."""

    text: str
    label: str = ""
    lead: str = ""
    level: int = 0
    bold: bool = False
    note: str = ""  # what the speaker notes say about it (the whole quote)

    def shown(self) -> str:
        return " ".join(x for x in (self.lead, self.text, f"({self.label})" if self.label else "") if x)

    def height(self, size: int, box: Box = BODY_BOX) -> float:
        width = box.inner_width_pt - BULLET_INDENT[self.level] / EMU_PER_PT
        return text_height(self.shown(), width, size, self.bold or bool(self.lead)) + SPACE_BEFORE * size


def short(text: str) -> str:
    return text if len(text) <= SLIDE_QUOTE_CHARS else text[:SLIDE_QUOTE_CHARS].rsplit(" ", 1)[0] + " …"


def _greedy(heights: Sequence[float], room: float) -> list[list[int]]:
    pages: list[list[int]] = [[]]
    used = 0.0
    for i, height in enumerate(heights):
        if pages[-1] and used + height > room:
            pages.append([])
            used = 0.0
        pages[-1].append(i)
        used += height
    return pages if pages[0] else []


def paginate(heights: Sequence[float], room: float) -> list[list[int]]:
    """Indices of items per page, in order, each page's heights summing to at most `room` (an item taller than
    `room` gets a page of its own): as few pages as that takes, filled evenly rather than the last one nearly empty."""
    fewest = _greedy(heights, room)
    if len(fewest) < 2:
        return fewest
    even = max(sum(heights) / len(fewest), max(heights))
    for step in range(21):  # the smallest page height, up to `room`, that still gives that few pages
        pages = _greedy(heights, even + (room - even) * step / 20)
        if len(pages) == len(fewest):
            return pages
    return fewest


def _largest(sizes: Sequence[int], fits: Callable[[int], bool]) -> int | None:
    return next((size for size in sizes if fits(size)), None)


def _place(shape: Any, box: Box) -> Any:
    """Put `shape` on `box` and return its text frame, set to wrap and never to grow or shrink on its own."""
    shape.left, shape.top, shape.width, shape.height = Emu(box.left), Emu(box.top), Emu(box.width), Emu(box.height)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = INSET_X
    frame.margin_top = frame.margin_bottom = INSET_Y
    return frame


def _run(paragraph: Any, text: str, size: int, bold: bool = False, italic: bool = False) -> None:
    run = paragraph.add_run()
    run.text = text
    run.font.name, run.font.size, run.font.bold, run.font.italic = FONT, Pt(size), bold, italic


def _fit_text(text: str, box: Box, sizes: Sequence[int], bold: bool = False) -> tuple[str, int]:
    """(text, size): the largest size at which `text` fits `box`; at the smallest, words are dropped («…») until
    it does (the full text is in the notes)."""
    def fits(candidate: str, size: int) -> bool:
        return text_height(candidate, box.inner_width_pt, size, bold) <= box.inner_height_pt

    size = _largest(sizes, lambda size: fits(text, size))
    if size is not None:
        return text, size
    words = text.split()
    while len(words) > 1 and not fits(" ".join(words) + " …", sizes[-1]):
        words.pop()
    return " ".join(words) + " …", sizes[-1]


def _set_title(shape: Any, text: str, box: Box, sizes: Sequence[int], align: Any = PP_ALIGN.LEFT, bold: bool = True) -> str:
    """Write `text` into `shape` placed on `box` at the largest of `sizes` that fits; returns what it shows."""
    frame = _place(shape, box)
    shown, size = _fit_text(text, box, sizes, bold)
    frame.text = ""
    paragraph = frame.paragraphs[0]
    paragraph.alignment = align
    _run(paragraph, shown, size, bold=bold)
    return shown


def _write_body(shape: Any, paras: Sequence[Para], size: int) -> None:
    frame = _place(shape, BODY_BOX)
    frame.text = ""
    for i, para in enumerate(paras):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.level = para.level
        paragraph.space_before = Pt(SPACE_BEFORE * size)
        if para.lead:
            _run(paragraph, para.lead + " ", size, bold=True)
        _run(paragraph, para.text, size, bold=para.bold)
        if para.label:
            _run(paragraph, f" ({para.label})", size, italic=True)


def _fitting(para: Para, size: int, room: float) -> Para:
    """`para`, its text cut at a word («…») if even alone it would not fit a slide; its note keeps it whole."""
    words = para.text.split()
    whole = para
    while para.height(size) > room and len(words) > 1:
        words.pop()
        para = replace(para, text=" ".join(words) + " …", note=whole.note or whole.shown())
    return para


def _part(title: str, i: int, n: int, s: dict[str, Any]) -> str:
    return title if n == 1 else f"{title} {s['slides_part'].format(i=i, n=n)}"


def bullet_slides(prs: Any, title: str, paras: Sequence[Para], s: dict[str, Any],
                  sizes: Sequence[int] = BODY_SIZES) -> None:
    """`paras` under `title`: on one slide at the first of `sizes` that holds them all, else over as many slides as
    they need at the largest size; each slide's notes hold its paragraphs' notes."""
    if not paras:
        return
    room = BODY_BOX.inner_height_pt
    one = _largest(sizes, lambda size: sum(p.height(size) for p in paras) <= room)
    size = one or _largest(sizes, lambda size: max(p.height(size) for p in paras) <= room) or sizes[-1]
    paras = [_fitting(p, size, room) for p in paras]
    pages = paginate([p.height(size) for p in paras], room)
    for i, page in enumerate(pages, start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_BULLETS])
        full_title = _part(title, i, len(pages), s)
        shown = _set_title(slide.shapes.title, full_title, TITLE_BOX, TITLE_SIZES)
        _write_body(slide.placeholders[1], [paras[j] for j in page], size)
        notes = ([full_title] if shown != full_title else []) + [paras[j].note for j in page if paras[j].note]
        slide.notes_slide.notes_text_frame.text = "\n\n".join(notes)


def _column_widths(header: list[str], rows: list[list[str]], size: int) -> list[int]:
    """Each column as wide as its longest cell, scaled to the full width; when they need more than that, the period
    columns get at most half of it between them and the measure's column wraps."""
    need = [int((max(text_width(text, size, True) for text in column) + 2 * INSET_X / EMU_PER_PT + 1) * EMU_PER_PT)
            for column in zip(header, *rows, strict=True)]
    if sum(need) <= _FULL_WIDTH:
        widths = [int(n * _FULL_WIDTH / sum(need)) for n in need]
    else:
        cap = _FULL_WIDTH // (2 * max(len(need) - 1, 1))
        periods = [min(n, cap) for n in need[1:]]
        widths = [_FULL_WIDTH - sum(periods), *periods]
    widths[0] += _FULL_WIDTH - sum(widths)  # rounding
    return widths


def _row_height(cells: Sequence[str], widths: Sequence[int], size: int, bold: bool) -> float:
    """Points a table row needs: its tallest cell, wrapped in its column, with the cell's margins."""
    tallest = max(text_height(text, (w - 2 * INSET_X) / EMU_PER_PT, size, bold) for text, w in zip(cells, widths, strict=True))
    return tallest + 2 * INSET_Y / EMU_PER_PT


def _table(slide: Any, header: list[str], rows: list[list[str]], widths: list[int], size: int) -> None:
    heights = [_row_height(header, widths, size, True)] + [_row_height(r, widths, size, False) for r in rows]
    frame = slide.shapes.add_table(len(rows) + 1, len(header), Emu(BODY_BOX.left), Emu(BODY_BOX.top),
                                   Emu(sum(widths)), Emu(int(sum(heights) * EMU_PER_PT)))
    table = frame.table
    for j, width in enumerate(widths):
        table.columns[j].width = Emu(width)
    for i, (cells, height) in enumerate(zip([header, *rows], heights, strict=True)):
        table.rows[i].height = Emu(int(height * EMU_PER_PT))
        for j, text in enumerate(cells):
            cell = table.cell(i, j)
            cell.margin_left = cell.margin_right = INSET_X
            cell.margin_top = cell.margin_bottom = INSET_Y
            cell.text_frame.word_wrap = True
            cell.text_frame.text = ""
            paragraph = cell.text_frame.paragraphs[0]
            if text:  # LibreOffice sizes an empty run at the template's 18 pt, whatever the run says
                _run(paragraph, text, size, bold=i == 0)
            # an empty cell's height follows its end-of-paragraph font
            end = Font(paragraph._p.get_or_add_endParaRPr())
            end.name, end.size = FONT, Pt(size)
    frame.height = Emu(sum(table.rows[i].height for i in range(len(heights))))


def table_slides(prs: Any, pack: dict[str, Any], s: dict[str, Any]) -> None:
    """The figures table, every row: on one slide at 16 or 14 pt, else its rows over several slides under the
    header; the notes hold each figure's sentence."""
    header, rows = target_cells(pack["targets"], s)
    if not rows:
        return
    room = BODY_BOX.height / EMU_PER_PT

    def heights(size: int) -> tuple[float, list[float]]:
        widths = _column_widths(header, rows, size)
        return _row_height(header, widths, size, True), [_row_height(r, widths, size, False) for r in rows]

    size = _largest(TABLE_SIZES, lambda size: heights(size)[0] + sum(heights(size)[1]) <= room) or TABLE_SIZES[-1]
    head, body = heights(size)
    pages = paginate(body, room - head)
    notes = [[f"{r['measure']} – {v['period']}: «{v['citation']['quote']}» ({v['citation']['citation_label']})"
              for v in r["values"]] for r in pack["targets"]["rows"]]
    for i, page in enumerate(pages, start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
        _set_title(slide.shapes.title, _part(s["pack_targets"], i, len(pages), s), TITLE_BOX, TITLE_SIZES)
        _table(slide, header, [rows[j] for j in page], _column_widths(header, rows, size), size)
        slide.notes_slide.notes_text_frame.text = "\n".join(line for j in page for line in notes[j])


def _quote_paras(citations: list[dict[str, Any]], s: dict[str, Any]) -> list[Para]:
    return [Para(short(c["quote"]), c["citation_label"], note=f"«{c['quote']}» — {source_line(c, s['briefing_page'])}")
            for c in citations]


def section_slides(prs: Any, section: dict[str, Any], s: dict[str, Any]) -> None:
    heading = f"{section['label']} – {section['title']}"
    bullet_slides(prs, heading, [Para(c["quote"], c["citation_label"]) for c in section["outline"]], s)
    bullet_slides(prs, f"{heading} – {s['pack_key_points']}", _quote_paras(section["key_points"], s), s)
    for actor in section["actors"]:
        bullet_slides(prs, actor["name"], _quote_paras(actor["sentences"], s), s)
    questions = [
        Para(f"→ {short(q['answer'])}", ", ".join(dict.fromkeys(c["citation_label"] for c in q["citations"])),
             lead=q["question"], note=f"{q['question']}\n{q['answer']}")
        for q in section["questions"]
    ]
    bullet_slides(prs, f"{s['pack_questions']}: {section['label']}", questions, s)


def source_paras(pack: dict[str, Any], s: dict[str, Any]) -> list[Para]:
    """Each document once (bold), then its cited places, each once, several to a line."""
    places: dict[str, dict[str, None]] = {}
    for cit in all_citations(pack):
        document = cit["doc_title"] + (f" ({cit['doc_number']})" if cit.get("doc_number") else "")
        page = f", {s['briefing_page']} {cit['page']}" if cit.get("page") else ""
        places.setdefault(document, {})[cit["citation_label"] + page] = None
    paras = []
    for document, labels in places.items():
        paras.append(Para(document, bold=True))
        names = list(labels)
        paras += [Para("; ".join(names[i : i + LABELS_PER_LINE]), level=1) for i in range(0, len(names), LABELS_PER_LINE)]
    return paras


def pack_pptx(pack: dict[str, Any], s: dict[str, Any]) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    cover = prs.slides.add_slide(prs.slide_layouts[LAYOUT_COVER])
    _set_title(cover.shapes.title, s["pack_title"], COVER_TITLE_BOX, (44, 40, 36), PP_ALIGN.CENTER)
    _set_title(cover.placeholders[1], pack["title"], COVER_SUBTITLE_BOX, (28, 24, 20, 18), PP_ALIGN.CENTER, bold=False)
    table_slides(prs, pack, s)
    for section in pack["sections"]:
        section_slides(prs, section, s)
    for item in pack["pinned"]:
        bullet_slides(prs, item["question"], _quote_paras(item["citations"], s), s)
    bullet_slides(prs, s["briefing_sources"], source_paras(pack, s), s, SOURCE_SIZES)
    return save(prs)
