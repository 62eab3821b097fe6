"""Tables: a DOCX table or a Markdown pipe table becomes one citable paragraph per row, each cell written with its
column header («Nhiệm vụ: Rà soát … | Cơ quan chủ trì: Sở Công Thương | Thời hạn: Quý II/2024»), so a row answers
a question about any of its columns and its quote says which column a value came from.

DOCX tables are written out as pipe lines in their place among the paragraphs (the reader's one format for a
table); the cleaning step reads pipe blocks of every kind of file here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MASTHEAD_MARK = re.compile(r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA|Độc lập\s*[-–]\s*Tự do|ĐẢNG CỘNG SẢN VIỆT NAM|\bSố\s*:\s*\d", re.IGNORECASE)
SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
# a running-number column says where a row stands, not what it holds
ORDINAL_HEADERS = frozenset({"tt", "stt", "số tt", "số thứ tự", "no", "#"})


@dataclass(frozen=True)
class TableRow:
    table: int  # 1-based, in document order
    row: int  # 1-based among the table's data rows
    text: str


def is_pipe_line(line: str) -> bool:
    stripped = line.strip()
    return len(stripped) > 2 and stripped.startswith("|") and stripped.endswith("|")


def cells(line: str) -> list[str]:
    inner = line.strip()[1:-1]
    return [" ".join(c.replace("\\|", "|").split()) for c in re.split(r"(?<!\\)\|", inner)]


def row_text(headers: list[str], values: list[str]) -> str:
    """«Header: value | Header: value», leaving out empty cells and the running-number column; a row repeating its
    header (a merged cell spread across) says it once."""
    parts: list[str] = []
    for i, value in enumerate(values):
        header = headers[i] if i < len(headers) else ""
        if not value or header.lower().strip(" .") in ORDINAL_HEADERS:
            continue
        part = f"{header}: {value}" if header and header != value else value
        if part not in parts:
            parts.append(part)
    return " | ".join(parts)


def read_block(lines: list[str], table: int) -> list[TableRow]:
    """A block of pipe lines: the first is the header row (a `|---|` line under it is skipped); every other line a
    data row. A block without a header separator still takes its first line as headers (a DOCX table's first row)."""
    headers = cells(lines[0])
    body = [line for line in lines[1:] if not SEPARATOR.match(line.strip())]
    rows: list[TableRow] = []
    for line in body:
        text = row_text(headers, cells(line))
        if text:
            rows.append(TableRow(table, len(rows) + 1, text))
    return rows


def pipe_blocks(lines: list[tuple[str, int | None]]) -> Iterator[tuple[bool, list[tuple[str, int | None]]]]:
    """The lines in order as runs: (True, a table's pipe lines) or (False, other lines). One pipe line alone is text."""
    run: list[tuple[str, int | None]] = []
    in_table = False
    for line in lines:
        piped = is_pipe_line(line[0])
        if run and piped != in_table:
            yield _closed(in_table, run)
            run = []
        in_table = piped
        run.append(line)
    if run:
        yield _closed(in_table, run)


def _closed(in_table: bool, run: list[tuple[str, int | None]]) -> tuple[bool, list[tuple[str, int | None]]]:
    return (in_table and len(run) >= 2, run)


def docx_lines(document: Any, nfc: Any) -> list[tuple[str, int | None]]:
    """A DOCX body in order: each paragraph a line, each table its pipe lines (merged cells read once per row)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[tuple[str, int | None]] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            out.append((nfc(block.text), None))
        elif isinstance(block, Table) and not any(t.strip() for t, _ in out) and _is_masthead(block):
            # Word letters lay the masthead out as a borderless table (issuer | national name; number | date): its
            # lines, cell by cell, are the masthead, not a table of data
            out.extend((nfc(line), None) for cell in _distinct_cells(block) for p in cell.paragraphs for line in p.text.split("\n"))
        elif isinstance(block, Table):
            out.extend(("| " + " | ".join(_escaped(nfc(c)) for c in row) + " |", None) for row in _table_cells(block))
            out.append(("", None))
    return out


def _distinct_cells(table: Any) -> list[Any]:
    seen: set[int] = set()
    cells = []
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(cell)
    return cells


def _is_masthead(table: Any) -> bool:
    text = " ".join(cell.text for cell in _distinct_cells(table))
    return bool(MASTHEAD_MARK.search(text))


def _table_cells(table: Any) -> list[list[str]]:
    rows: list[list[str]] = []
    for row in table.rows:
        seen: set[int] = set()
        values: list[str] = []
        for cell in row.cells:
            # a horizontally merged cell appears once per column it spans: read once, the columns kept in place
            values.append("" if id(cell._tc) in seen else " ".join(cell.text.split()))
            seen.add(id(cell._tc))
        rows.append(values)
    return rows


def _escaped(text: str) -> str:
    return text.replace("|", "\\|")
