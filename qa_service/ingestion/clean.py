"""clean: raw lines -> paragraphs. Removes Gazette page headers, bare page
numbers, digital-signature stamps and scanning junk; undoes hard line wraps;
joins paragraphs that a page break cut in two."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from qa_service.ingestion.readers import RawDocument
from qa_service.ingestion.tables import pipe_blocks, read_block
from qa_service.text import VI_LOWER, VI_UPPER, collapse_ws

GAZETTE_HEADER = re.compile(r"^\s*CÔNG\s*BÁO\s*/\s*Số\s*[\d\s+]+/\s*Ngày\s*[\d\s-]+\s*$", re.IGNORECASE)
BARE_PAGE_NUMBER = re.compile(r"^\s*-?\s*\d{1,4}\s*-?\s*$")
SIGNATURE_STAMP = re.compile(r"^\s*(Ký bởi|Email|Cơ quan|Thời gian ký)\s*:", re.IGNORECASE)
# italic scanning artefact after the end of a sentence: «... Tỉnh ủy. *nel*»
TRAILING_JUNK = re.compile(r"(?<=[.;:!?])\s*\*{1,2}[A-Za-z]{1,5}\*{1,2}\s*$")
MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
MD_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3})(?=\S)(.+?)(?<=\S)\1")
LEFTOVER_STARS = re.compile(r"(?<!\w)\*{1,3}(?!\s)|(?<=\S)\*{1,3}(?!\w)")

# a line that opens a new structural unit
STRUCT_START = re.compile(
    rf"^(Chương\s+[IVXLC\d]+\b|Mục\s+\d+\b|Điều\s+\d+[a-z]?\.|\d{{1,3}}\.\s+[{VI_UPPER}\"“(]|"
    rf"\d{{1,3}}\.\d{{1,3}}\.?\s|[a-zđ]\)\s|[-–•+]\s|[IVX]+[.-]\s|[{VI_UPPER}][{VI_UPPER}\s,.-]{{6,}}$)"
)
PREAMBLE_START = re.compile(r"^(Căn cứ|Thực hiện|Xét đề nghị)\s")
POINT_START = re.compile(r"^[a-zđ]\)\s")
ARTICLE_LINE = re.compile(r"^Điều\s+\d+[a-z]?\.(?:\d{1,3})?\s")
ENDS_SENTENCE = re.compile(r"[.;:!?…”\")]\s*$")
STARTS_LOWER = re.compile(rf"^[{VI_LOWER}]")


@dataclass
class Paragraph:
    text: str
    page: int | None = None
    heading_hint: bool = False
    row: tuple[int, int] | None = None  # (table, row) of a table row read as «Header: value | …»


def clean(raw: RawDocument) -> list[Paragraph]:
    lines = [(text.replace("\u00a0", " ").replace("\t", " "), page) for text, page in raw.lines]
    lines = [(t, p) for t, p in lines if not _is_noise(t)]
    # a text file or a PDF may break lines inside a paragraph; Markdown and DOCX paragraphs are paragraphs
    wrapped = raw.kind in ("text", "pdf") and _looks_hard_wrapped(lines)
    paragraphs: list[Paragraph] = []
    tables = 0
    for is_table, run in pipe_blocks(lines):
        if is_table:
            tables += 1
            paragraphs += [Paragraph(r.text, run[0][1], row=(r.table, r.row)) for r in read_block([t for t, _ in run], tables)]
        else:
            paragraphs += _paragraphs(raw.kind, run, wrapped)
    paragraphs = _join_page_breaks(paragraphs)
    out = []
    for para in paragraphs:
        text = collapse_ws(para.text)
        if text and not _is_junk_paragraph(text):
            out.append(Paragraph(text, para.page, para.heading_hint, para.row))
    return out


def _paragraphs(kind: str, lines: list[tuple[str, int | None]], wrapped: bool) -> list[Paragraph]:
    if kind == "markdown":
        return _markdown_paragraphs(lines)
    if wrapped:
        return _unwrap(lines)
    return [Paragraph(collapse_ws(t), p) for t, p in lines if t.strip()]


def _is_noise(line: str) -> bool:
    return bool(GAZETTE_HEADER.match(line) or BARE_PAGE_NUMBER.match(line) or SIGNATURE_STAMP.match(line))


def _is_junk_paragraph(text: str) -> bool:
    # a lone short fragment with no vowel-bearing word is a scanning artefact
    return len(text) <= 3 and not text[:1].isdigit() and not text.endswith(")")


def strip_markdown(line: str) -> tuple[str, bool]:
    """Return the line without Markdown markup, and whether it looked like a heading."""
    stripped = line.strip()
    heading = bool(MD_HEADING.match(stripped))
    stripped = MD_HEADING.sub("", stripped)
    stripped = TRAILING_JUNK.sub("", stripped)
    body = stripped.strip()
    # a line entirely in bold or italics is a heading in these documents
    if re.fullmatch(r"(\*{1,3}|_{2,3}).+?\1:?", body) and not body.startswith(("- ", "* ")):
        heading = True
    text = MD_EMPHASIS.sub(r"\2", body)
    text = LEFTOVER_STARS.sub("", text)
    return text.strip(), heading


def _markdown_paragraphs(lines: list[tuple[str, int | None]]) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    soft_break = False  # the previous line ended in two spaces: a line break inside one title
    for line, page in lines:
        if not line.strip():
            soft_break = False
            continue
        text, heading = strip_markdown(line)
        if not text:
            continue
        # «**CHƯƠNG TRÌNH HÀNH ĐỘNG**  » lines ending in two spaces are soft breaks of one title
        if (
            paragraphs
            and paragraphs[-1].heading_hint
            and heading
            and soft_break
            and paragraphs[-1].text
            and not ENDS_SENTENCE.search(paragraphs[-1].text)
            and _soft_break_title(paragraphs[-1].text)
        ):
            paragraphs[-1].text += " " + text
            soft_break = line.endswith("  ")
            continue
        paragraphs.append(Paragraph(text, page, heading))
        soft_break = line.endswith("  ")
    return paragraphs


def _soft_break_title(previous: str) -> bool:
    return previous.isupper() or previous.endswith(",") or previous.startswith("về ")


def _looks_hard_wrapped(lines: list[tuple[str, int | None]]) -> bool:
    body = [t.strip() for t, _ in lines if len(t.strip()) > 20]
    if len(body) < 15:
        return False
    open_ended = sum(1 for t in body if not ENDS_SENTENCE.search(t))
    return open_ended / len(body) > 0.35


def _unwrap(lines: list[tuple[str, int | None]]) -> list[Paragraph]:
    lengths = [len(t.strip()) for t, _ in lines if len(t.strip()) > 30]
    full = statistics.median(lengths) if lengths else 80.0
    paragraphs: list[Paragraph] = []
    current: list[str] = []
    page: int | None = None
    previous = ""
    for raw_line, line_page in lines:
        line = raw_line.strip()
        if not line:
            continue
        new_paragraph = (
            not current
            or bool(STRUCT_START.match(line)) and (not STARTS_LOWER.match(line[:1]) or bool(POINT_START.match(line)))
            or (ENDS_SENTENCE.search(previous) is not None and not STARTS_LOWER.match(line))
            or (len(previous) < 0.6 * full and not STARTS_LOWER.match(line))
            or previous.isupper() != line.isupper() and len(line) > 3 and len(previous) > 3
            # «Điều 61. Bảo lưu thời gian đóng bảo hiểm xã hội» / «Người lao động khi nghỉ việc…»: a title goes on in
            # lower case; a capital starts the article's text
            or (len(current) == 1 and bool(ARTICLE_LINE.match(current[0])) and not STARTS_LOWER.match(line))
            # «Thực hiện Kế hoạch số …», «Căn cứ Luật …»: the preamble starts under a title that ends without a stop
            or (bool(PREAMBLE_START.match(line)) and not previous.endswith(","))
        )
        if new_paragraph and current:
            paragraphs.append(Paragraph(" ".join(current), page))
            current = []
        if not current:
            page = line_page
        current.append(line)
        previous = line
    if current:
        paragraphs.append(Paragraph(" ".join(current), page))
    return paragraphs


def _join_page_breaks(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """«... vốn» + «đầu tư chưa ...»: a paragraph ending without punctuation
    followed by one starting in lower case is one paragraph cut by a page break."""
    out: list[Paragraph] = []
    for para in paragraphs:
        if (
            out
            and not out[-1].heading_hint
            and not para.heading_hint
            and out[-1].row is None
            and para.row is None
            and not ENDS_SENTENCE.search(out[-1].text)
            and STARTS_LOWER.match(para.text)
            and para.text.upper() != para.text  # a line in capitals is a heading or a masthead, never a continuation
        ):
            out[-1] = Paragraph(out[-1].text.rstrip() + " " + para.text.lstrip(), out[-1].page, False)
        else:
            out.append(para)
    return out
