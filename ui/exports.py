"""Files a cadre or a trainer takes away: a body's checklist (Markdown, DOCX) and a training pack (Markdown,
DOCX; its PPTX slides are ui/slides.py). Every item keeps its verbatim quote and full source."""

from __future__ import annotations

import io
from typing import Any

from docx import Document

from ui.briefing import source_line

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def save(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# -- a body's duties as a checklist --------------------------------------------------------------------
def checklist_title(actor: dict[str, Any], s: dict[str, Any]) -> str:
    """«Nhiệm vụ của Sở …» for a body given work; what is offered (to businesses) is titled by its own name."""
    return str(s["checklist_title" if actor["role"] == "duty" else "checklist_title_support"].format(name=actor["name"]))


def checklist_markdown(actor: dict[str, Any], s: dict[str, Any]) -> str:
    lines = [f"# {checklist_title(actor, s)}", ""]
    for cit in actor["sentences"]:
        lines += [f"- [ ] «{cit['quote']}»  ", f"  — {source_line(cit, s['briefing_page'])}", ""]
    return "\n".join(lines)


def checklist_docx(actor: dict[str, Any], s: dict[str, Any]) -> bytes:
    document = Document()
    document.add_heading(checklist_title(actor, s), level=0)
    for cit in actor["sentences"]:
        document.add_paragraph(f"☐ «{cit['quote']}»")
        document.add_paragraph(source_line(cit, s["briefing_page"]), style="Caption")
    return save(document)


# -- training pack ------------------------------------------------------------------------------------------
DOC_TITLE_CHARS = 80  # a document's title in the figures table: a report's may run to 130 characters


def several_documents(table: dict[str, Any]) -> bool:
    """Figures of more than one document: each row then says whose they are."""
    return len({row.get("doc_id", "") for row in table["rows"]}) > 1


def target_cells(table: dict[str, Any], s: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the figures table: one row per document and measure (the measure's column headed ""), one
    column per period, and first a column «Văn bản» with each row's document when several give figures."""
    several = several_documents(table)
    header = ([s["targets_document"]] if several else []) + [""] + [p["label"] for p in table["periods"]]
    rows = []
    for row in table["rows"]:
        cells = [_cell([v for v in row["values"] if v["year"] == p["year"]], p["label"], s) for p in table["periods"]]
        rows.append(([_short(row.get("doc_title", ""))] if several else []) + [row["measure"]] + cells)
    return header, rows


def _short(title: str) -> str:
    return title if len(title) <= DOC_TITLE_CHARS else title[: DOC_TITLE_CHARS - 1].rstrip() + "…"


def _cell(values: list[dict[str, Any]], column: str, s: dict[str, Any]) -> str:
    """Every figure of one period as written: a figure of part of it says which («6 tháng đầu năm 2024: …»), a
    result's share of its plan follows it («2.980 tỷ đồng (đạt 98,3% kế hoạch)»), and beside results a target says
    it is one."""
    mixed = len({v["kind"] for v in values}) > 1
    texts = []
    for v in values:
        text = v["value_text"] + (f" ({v['of_plan']})" if v.get("of_plan") else "")
        if v["period"] != column and not v["period"].isdigit():
            text = f"{v['period']}: {text}"
        texts.append(f"{s['targets_kind_target']}: {text}" if mixed and v["kind"] == "target" else text)
    return "; ".join(texts)


def all_citations(pack: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for section in pack["sections"]:
        found += section["outline"] + section["key_points"]
        found += [c for q in section["questions"] for c in q["citations"]]
    found += [c for row in pack["targets"]["rows"] for c in (v["citation"] for v in row["values"])]
    found += [c for item in pack["pinned"] for c in item["citations"]]
    return found


def _sources(pack: dict[str, Any], s: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(source_line(c, s["briefing_page"]) for c in all_citations(pack)))


def pack_markdown(pack: dict[str, Any], s: dict[str, Any]) -> str:
    lines = [f"# {s['pack_title']}", "", f"*{pack['title']}*", ""]
    header, rows = target_cells(pack["targets"], s)
    if rows:
        lines += [f"## {s['pack_targets']}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        lines.append("")
    for section in pack["sections"]:
        lines += [f"## {section['label']} – {section['title']}", ""]
        if section["outline"]:
            lines += [f"### {s['pack_outline']}", ""] + [f"- {c['quote']} ({c['citation_label']})" for c in section["outline"]] + [""]
        if section["key_points"]:
            lines += [f"### {s['pack_key_points']}", ""]
            lines += [f"> «{c['quote']}» — {c['citation_label']}\n" for c in section["key_points"]]
        for actor in section["actors"]:
            lines += [f"### {actor['name']}", ""] + [f"- «{c['quote']}» — {c['citation_label']}" for c in actor["sentences"]] + [""]
        if section["questions"]:
            lines += [f"### {s['pack_questions']}", ""]
            for i, q in enumerate(section["questions"], start=1):
                labels = ", ".join(dict.fromkeys(c["citation_label"] for c in q["citations"]))
                lines += [f"{i}. **{q['question']}**  ", f"   {s['pack_answer']}: {q['answer']} ({labels})", ""]
    if pack["pinned"]:
        lines += [f"## {s['pack_pinned']}", ""]
        for item in pack["pinned"]:
            lines += [f"### {item['question']}", ""] + [f"> «{c['quote']}» — {c['citation_label']}\n" for c in item["citations"]]
    lines += [f"## {s['briefing_sources']}", ""] + [f"- {x}" for x in _sources(pack, s)]
    return "\n".join(lines) + "\n"


def pack_docx(pack: dict[str, Any], s: dict[str, Any]) -> bytes:
    document = Document()
    document.add_heading(s["pack_title"], level=0)
    document.add_paragraph(pack["title"], style="Subtitle")
    header, rows = target_cells(pack["targets"], s)
    if rows:
        document.add_heading(s["pack_targets"], level=1)
        table = document.add_table(rows=len(rows) + 1, cols=len(header))
        table.style = "Table Grid"
        for j, text in enumerate(header):
            table.cell(0, j).text = text
        for i, row in enumerate(rows, start=1):
            for j, text in enumerate(row):
                table.cell(i, j).text = text
    for section in pack["sections"]:
        document.add_heading(f"{section['label']} – {section['title']}", level=1)
        if section["outline"]:
            document.add_heading(s["pack_outline"], level=2)
            for c in section["outline"]:
                document.add_paragraph(f"{c['quote']} ({c['citation_label']})", style="List Bullet")
        if section["key_points"]:
            document.add_heading(s["pack_key_points"], level=2)
            for c in section["key_points"]:
                document.add_paragraph(f"«{c['quote']}»", style="Intense Quote")
                document.add_paragraph(source_line(c, s["briefing_page"]), style="Caption")
        for actor in section["actors"]:
            document.add_heading(actor["name"], level=2)
            for c in actor["sentences"]:
                document.add_paragraph(f"«{c['quote']}» — {c['citation_label']}", style="List Bullet")
        if section["questions"]:
            document.add_heading(s["pack_questions"], level=2)
            for q in section["questions"]:
                document.add_paragraph(q["question"], style="List Number")
                labels = ", ".join(dict.fromkeys(c["citation_label"] for c in q["citations"]))
                document.add_paragraph(f"{s['pack_answer']}: {q['answer']} ({labels})")
    if pack["pinned"]:
        document.add_heading(s["pack_pinned"], level=1)
        for item in pack["pinned"]:
            document.add_heading(item["question"], level=2)
            for c in item["citations"]:
                document.add_paragraph(f"«{c['quote']}»", style="Intense Quote")
                document.add_paragraph(source_line(c, s["briefing_page"]), style="Caption")
    document.add_heading(s["briefing_sources"], level=1)
    for source in _sources(pack, s):
        document.add_paragraph(source, style="List Bullet")
    return save(document)
