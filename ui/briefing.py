"""Briefing export for trainers: pinned answers as Markdown or DOCX, each point
with its quotes and full citations, and the list of sources at the end."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document


def _strings(strings: dict[str, Any] | None) -> dict[str, Any]:
    if strings is not None:
        return strings
    import yaml

    return yaml.safe_load((Path(__file__).parent / "strings_vi.yaml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def source_line(cit: dict[str, Any], page_word: str) -> str:
    number = f" ({cit['doc_number']})" if cit.get("doc_number") else ""
    page = f", {page_word} {cit['page']}" if cit.get("page") else ""
    return f"{cit['doc_title']}{number} — {cit['citation_label']}{page}"


def _sources(items: list[dict[str, Any]], page_word: str) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        for cit in item["citations"]:
            seen[source_line(cit, page_word)] = None
    return list(seen)


def answer_text(body: dict[str, Any], strings: dict[str, Any] | None = None) -> str:
    """One answer as plain text to paste elsewhere: the answer, then each quote with its full source."""
    s = _strings(strings)
    lines = [body["answer"].strip(), "", f"{s['briefing_sources']}:"]
    for cit in body.get("citations", []):
        lines.append(f"[{cit['n']}] «{cit['quote']}» — {source_line(cit, s['briefing_page'])}")
    return "\n".join(lines)


def to_markdown(items: list[dict[str, Any]], strings: dict[str, Any] | None = None) -> str:
    s = _strings(strings)
    lines = [f"# {s['briefing_title']}", ""]
    for i, item in enumerate(items, start=1):
        lines += [f"## {i}. {item['question']}", ""]
        for cit in item["citations"]:
            lines.append(f"> «{cit['quote']}»  ")
            lines.append(f"> — {source_line(cit, s['briefing_page'])}")
            lines.append("")
    lines += [f"## {s['briefing_sources']}", ""]
    lines += [f"- {source}" for source in _sources(items, s["briefing_page"])]
    return "\n".join(lines) + "\n"


def to_docx(items: list[dict[str, Any]], strings: dict[str, Any] | None = None) -> bytes:
    s = _strings(strings)
    document = Document()
    document.add_heading(s["briefing_title"], level=0)
    for i, item in enumerate(items, start=1):
        document.add_heading(f"{i}. {item['question']}", level=1)
        for cit in item["citations"]:
            quote = document.add_paragraph(style="Intense Quote")
            quote.add_run(f"«{cit['quote']}»")
            document.add_paragraph(source_line(cit, s["briefing_page"]), style="Caption")
    document.add_heading(s["briefing_sources"], level=1)
    for source in _sources(items, s["briefing_page"]):
        document.add_paragraph(source, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
