"""Briefing export for trainers: pinned answers as Markdown or DOCX, each point
with its quotes and full citations, and the list of sources at the end."""

from __future__ import annotations

import io
from typing import Any

from docx import Document


def _source_line(cit: dict[str, Any]) -> str:
    number = f" ({cit['doc_number']})" if cit.get("doc_number") else ""
    page = f", trang {cit['page']}" if cit.get("page") else ""
    return f"{cit['doc_title']}{number} — {cit['citation_label']}{page}"


def _sources(items: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        for cit in item["citations"]:
            seen[_source_line(cit)] = None
    return list(seen)


def to_markdown(items: list[dict[str, Any]], title: str = "Tài liệu tóm tắt") -> str:
    lines = [f"# {title}", ""]
    for i, item in enumerate(items, start=1):
        lines += [f"## {i}. {item['question']}", ""]
        for cit in item["citations"]:
            lines.append(f"> «{cit['quote']}»  ")
            lines.append(f"> — {_source_line(cit)}")
            lines.append("")
    lines += ["## Nguồn", ""]
    lines += [f"- {source}" for source in _sources(items)]
    return "\n".join(lines) + "\n"


def to_docx(items: list[dict[str, Any]], title: str = "Tài liệu tóm tắt") -> bytes:
    document = Document()
    document.add_heading(title, level=0)
    for i, item in enumerate(items, start=1):
        document.add_heading(f"{i}. {item['question']}", level=1)
        for cit in item["citations"]:
            quote = document.add_paragraph(style="Intense Quote")
            quote.add_run(f"«{cit['quote']}»")
            document.add_paragraph(_source_line(cit), style="Caption")
    document.add_heading("Nguồn", level=1)
    for source in _sources(items):
        document.add_paragraph(source, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
