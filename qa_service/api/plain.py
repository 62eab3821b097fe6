"""API results as plain text, for clients that show text only: the OpenAI-compatible chat and the MCP tools.

Every quote stays verbatim between «», with its number, its label and its document; the structured result
travels beside the text (the chat's `citations`, the tools' structured content). A chat client sends an
earlier answer back as history; `answer_turn` reads it back into /ask's history turn (the answer and the
documents it quoted), so a follow-up keeps to them as it does in a conversation.
"""

from __future__ import annotations

import re

from qa_service.api.schemas import AskResponse, CitationOut, DocumentsResponse, Hit
from qa_service.api.schemas.documents import SectionOut

SOURCES = "Nguồn / Sources:"
NEAREST = "Đoạn gần nhất / Nearest passages:"
# the end of a source line: the document id a follow-up keeps to (ids hold no spaces)
_DOC_ID = re.compile(r" · doc_id=(\S+)$", re.MULTILINE)
EXCERPT_CHARS = 300
LISTED_CITED = 40  # cited-but-not-loaded documents named in list_documents' text; the structured result has all


def _document(title: str, number: str | None) -> str:
    return f"{title} ({number})" if number and number not in title else title


def _source_line(n: int, title: str, number: str | None, label: str, doc_id: str) -> str:
    return f"[{n}] {_document(title, number)} — {label} · doc_id={doc_id}"


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The passage's words from its start, cut at a word end past `limit`: verbatim as far as it goes."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:") + " …"


def _citation_lines(cit: CitationOut, answer: str) -> list[str]:
    lines = [_source_line(cit.n, cit.doc_title, cit.doc_number, cit.citation_label, cit.doc_id)]
    if cit.quote not in answer:  # a written-out answer: its quotes are shown here, once
        lines.append(f"    «{cit.quote}»")
    return lines


def answer_text(response: AskResponse) -> str:
    """The answer with its sources: each citation's number, document and label, and its verbatim quote unless
    the answer already holds it. A refusal says what is missing and lists the nearest passages it promises."""
    parts = [response.answer.strip()]
    if response.citations:
        lines = [SOURCES] + [line for cit in response.citations for line in _citation_lines(cit, response.answer)]
        parts.append("\n".join(lines))
    elif response.suggestions:
        lines = [NEAREST]
        for i, hit in enumerate(response.suggestions, 1):
            lines += [_source_line(i, hit.doc_title, hit.doc_number, hit.citation_label, hit.doc_id), f"    «{excerpt(hit.text)}»"]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def answer_turn(content: str) -> tuple[str, list[str]]:
    """An earlier answer sent back by a chat client -> (its answer text, the documents its citations quote, one
    per citation): /ask's history turn. Text this module did not write is the answer as it is."""
    answer, sep, sources = content.partition(f"\n\n{SOURCES}\n")
    if sep:
        return answer, _DOC_ID.findall(sources)
    return content.partition(f"\n\n{NEAREST}\n")[0], []


def hits_text(hits: list[Hit]) -> str:
    if not hits:
        return "Không tìm thấy đoạn nào. / No passage found."
    blocks = [f"{_source_line(i, h.doc_title, h.doc_number, h.citation_label, h.doc_id)}\n«{h.text.strip()}»" for i, h in enumerate(hits, 1)]
    return "\n\n".join(blocks)


def section_text(section: SectionOut) -> str:
    where = f"{section.label} – {section.title}" if section.title and section.title != section.label else section.label
    lines = [f"{_document(section.doc_title, section.doc_number)} — {where} · doc_id={section.doc_id}"]
    if section.children:
        lines.append("Mục con / subsections: " + "; ".join(section.children))
    return "\n".join(lines) + f"\n\n«{section.text}»"


def documents_text(documents: DocumentsResponse) -> str:
    lines = [f"Văn bản đã nạp / loaded documents ({len(documents.loaded)}):"]
    for d in documents.loaded:
        facts = ", ".join(x for x in (d.number, d.date, d.issuer) if x)
        line = f"- {d.doc_id}: {d.title}" + (f" ({facts})" if facts else "")
        if d.replaced_by:
            line += f" — hết hiệu lực / no longer in force: {_document(d.replaced_by.title, d.replaced_by.number)}"
        lines.append(line)
    cited = documents.cited_not_loaded
    if cited:
        lines += ["", f"Được dẫn chiếu nhưng chưa nạp / cited, not loaded ({len(cited)}):"]
        lines += [f"- {_document(c.title or c.kind, c.number)}" for c in cited[:LISTED_CITED]]
        if len(cited) > LISTED_CITED:
            lines.append(f"- … (+{len(cited) - LISTED_CITED})")
    return "\n".join(lines)
