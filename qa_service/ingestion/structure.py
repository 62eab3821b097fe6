"""split (part 1): read the document's structure from its numbering, not from Markdown `#`.

The result is the cleaned full text (offsets point into it), its outline, the smallest citable units with their
section path and label, and metadata read from the text (signature block, «Nơi nhận», number, type, issuer, date).
The steps live by role: numbering.py (line patterns, the style), masthead.py (metadata from the masthead and the
closing block), units.py (the outline and units built from the numbered lines).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qa_service.ingestion.clean import Paragraph
from qa_service.ingestion.masthead import document_meta, masthead_end, read_header, split_tail
from qa_service.ingestion.numbering import detect_style, is_flat, join_heading_titles
from qa_service.ingestion.units import UnitBlock, UnitBuilder
from qa_service.models import OutlineEntry


@dataclass
class StructuredDocument:
    text: str
    style: str
    units: list[UnitBlock]
    outline: list[OutlineEntry]
    meta: dict[str, object] = field(default_factory=dict)


def structure(paragraphs: list[Paragraph]) -> StructuredDocument:
    paragraphs = join_heading_titles(paragraphs)
    style = detect_style(paragraphs)
    body, tail_meta, tail_units = split_tail(paragraphs)
    header_meta, body = read_header(body, style)
    head = masthead_end(body)
    builder = UnitBuilder(style, flat=is_flat(body[head:], style))
    builder.add_head(body[:head])
    for para in body[head:]:
        builder.add(para)
    for kind, lines in tail_units:
        builder.add_tail(kind, lines)
    meta = document_meta(paragraphs, header_meta, tail_meta)
    return StructuredDocument(builder.text(), style, builder.units, builder.outline, meta)
