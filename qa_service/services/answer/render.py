"""Rendering: the answer first (a lead in one sentence), then the verbatim quotes with their labels; refusals that
say what is missing. Strings live in resources/messages.yaml."""

from __future__ import annotations

import re

from qa_service.components.untrusted import InstructionReader
from qa_service.labels import Block
from qa_service.models import ScoredChunk
from qa_service.resources import msg
from qa_service.services.answer.sentences import coverage
from qa_service.services.asked import AskedKind
from qa_service.services.citations import Citation, Citations
from qa_service.services.query import Query
from qa_service.services.results import AnswerResult
from qa_service.services.sections import section_title

# where a quote can be cut into clauses for the lead: between sentences, and after «;» — unless the «;» separates
# the items of a list announced by a count and a colon («02 khu công nghiệp: Thanh Lộc …; Thuận Yên …»)
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ỸĐ])")
SEMICOLON_BREAK = re.compile(r"(?<=;)\s+")
COUNTED_LIST = re.compile(r"\b\d{1,3}\s+[^\d:;.]{1,40}:\s")
# a figure that answers «bao nhiêu?»: a number that is not just a year
FIGURE = re.compile(r"\d+(?:[.,]\d+)*\s*(?:%|tỷ|triệu|nghìn|lao động|dự án|doanh nghiệp|khu|cụm|ha\b)|\b(?!(?:19|20)\d\d\b)\d+(?:[.,]\d+)*")


def lang(query: Query) -> str:
    return "vi" if query.vietnamese else "en"


def render(
    cited: list[Citation], query: Query, citations: Citations, idf: dict[str, float], first: Citation, min_chars: int,
    instructions: InstructionReader,
) -> str:
    """The lead from the best evidence (`first`), then every quote with its number and label. Document text that
    reads as an instruction to a model is never made the lead's words: such a quote is only said to stand there, and
    such a title or heading is not named."""
    meta = citations.document(first.chunk.doc_id)
    title = lead_title(first.doc_title, first.doc_number or first.chunk.doc_id, instructions)
    if first.label == Block.SIGNATURE and meta and meta.signer:
        lead = msg("answer", f"signer_{lang(query)}").format(title=title, signer=meta.signer, position=meta.signer_position or "")
    elif first.label == Block.RECIPIENTS and meta and meta.recipients:
        # «gửi đến những nơi nào?»: every recipient, not the clause before the first «;»
        lead = msg("answer", f"recipients_{lang(query)}").format(title=title, n=len(meta.recipients), recipients="; ".join(meta.recipients))
    elif query.vietnamese and not instructions.instruction_like(first.quote):
        # the answer first: the clause of the first quote that best answers, and where it stands
        lead = msg("answer", "clause_vi").format(
            clause=clause(first.quote, idf, query, min_chars), where=where(first, citations, instructions)
        )
    elif query.vietnamese:
        # document text that reads as an instruction is never made the answer's own words: it is only quoted
        lead = msg("answer", "states_vi").format(where=where(first, citations, instructions))
    else:
        key = "list_lead" if len(cited) > 2 else "lead"
        lead = msg("answer", f"{key}_{lang(query)}").format(title=title, label=first.label)
    lines = [query.note, ""] if query.note else []
    lines += [lead, ""]
    for cit in cited:
        lines.append(f"- «{cit.quote}» [{cit.n}]" + (f" ({cit.label})" if cit.n > 1 else ""))
    return "\n".join(lines)


def lead_title(title: str, fallback: str, instructions: InstructionReader) -> str:
    """A document's title as a lead names it; its number (or id) when the title reads as an instruction."""
    return fallback if instructions.instruction_like(title) else title


def clause(quote: str, idf: dict[str, float], query: Query, min_chars: int) -> str:
    """The piece of `quote` (cut at sentence ends and «;», a counted list kept whole) that covers the question
    best; with a figure when a figure is asked for. Verbatim but for the first letter, so every figure and name
    in it is quoted."""
    clauses = [
        c
        for sentence in SENTENCE_BREAK.split(quote)
        for c in ([sentence] if COUNTED_LIST.search(sentence) else SEMICOLON_BREAK.split(sentence))
    ]
    pieces = [p.strip(" ;:,") for p in clauses if len(p.strip(" ;:,")) >= min_chars]
    if not pieces:
        return quote
    wants_figure = query.intent.figure
    best = max(pieces, key=lambda p: (bool(FIGURE.search(p)) if wants_figure else True, coverage(idf, p)))
    best = best.rstrip(".")
    return best[:1].upper() + best[1:]


def where(cit: Citation, citations: Citations, instructions: InstructionReader) -> str:
    """«Mục II.3.b, ý 1 – Mục tiêu cụ thể giai đoạn 2021-2025», with the document when several are loaded; a heading
    or title that reads as an instruction to a model is left out."""
    heading = section_title(cit.chunk.section_path[-1]) if cit.chunk.section_path else ""
    if heading and instructions.instruction_like(heading):
        heading = ""
    place = f"{cit.label} – {heading}" if heading and heading not in cit.label else cit.label
    if citations.document_count() > 1:  # name the document only when there is a choice
        place = f"{cit.doc_number or lead_title(cit.doc_title, cit.chunk.doc_id, instructions)}, {place}"
    return place


def missing(query: Query, kind: AskedKind | None, years: set[str]) -> str:
    """What the documents do not state: the kind asked for, for the years asked about."""
    span = ", ".join(sorted(years))
    if kind:
        what = kind.what_vi if query.vietnamese else kind.what_en
        return f"{what} {msg('refusal', f'for_years_{lang(query)}').format(years=span)}" if years else what
    return str(msg("refusal", f"missing_year_{lang(query)}")).format(years=span)


def refusal(hits: list[ScoredChunk], query: Query, strength: float, suggestions: int, what: str | None = None) -> AnswerResult:
    text = msg("refusal", f"missing_{lang(query)}").format(what=what) if what else msg("refusal", lang(query))
    return AnswerResult(text, False, [], suggestions=hits[:suggestions], strength=strength)
