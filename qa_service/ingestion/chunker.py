"""split (part 2): citable units -> chunks.

A chunk is the smallest meaningful unit (bullet, khoản, điểm, paragraph),
merged with neighbours of the same section up to a token budget; a unit longer
than the budget is cut at sentence boundaries. Each chunk keeps the labels and
offsets of the units inside it, so a quote can be cited to its exact unit.
"""

from __future__ import annotations

import hashlib

from qa_service.ingestion.units import UnitBlock
from qa_service.labels import group_label as _group_label
from qa_service.models import Chunk, Unit
from qa_service.text import count_tokens, split_sentences


def make_chunks(
    doc_id: str, doc_text: str, units: list[UnitBlock], short_title: str, max_tokens: int, min_tokens: int
) -> list[Chunk]:
    pieces = [piece for unit in units for piece in _split_long(unit, doc_text, max_tokens)]
    groups: list[list[UnitBlock]] = []
    size = 0
    for piece in pieces:
        tokens = count_tokens(piece.text)
        same_group = bool(groups) and groups[-1][-1].group == piece.group
        fits = size + tokens <= max_tokens
        too_small = size < min_tokens or tokens < min_tokens
        if same_group and (fits or (too_small and size + tokens <= max_tokens * 1.5)):
            groups[-1].append(piece)
            size += tokens
        else:
            groups.append([piece])
            size = tokens
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for ordinal, group in enumerate(groups):
        start, end = group[0].start, group[-1].end
        text = doc_text[start:end]
        first = group[0]
        context_parts = [short_title, *first.path_titles]
        if first.intro and first.intro not in text:
            context_parts.append(first.intro)
        context = " > ".join(p for p in context_parts if p)
        label = _group_label([u.label for u in group])
        digest = hashlib.sha256(f"{context}\n{text}\n{label}".encode()).hexdigest()
        # identical passages in one document (repeated table rows) still need distinct ids
        repeat = seen.get(digest, 0)
        seen[digest] = repeat + 1
        if repeat:
            digest = hashlib.sha256(f"{digest}#{repeat}".encode()).hexdigest()
        chunks.append(
            Chunk(
                chunk_id=f"{doc_id}:{digest[:16]}",
                doc_id=doc_id,
                ordinal=ordinal,
                text=text,
                context=context,
                section_path=first.path_titles,
                section_ids=first.path_ids,
                citation_label=label,
                start=start,
                end=end,
                page=first.page,
                units=_merge_units(group),
                content_hash=digest,
            )
        )
    return chunks


def _split_long(unit: UnitBlock, doc_text: str, max_tokens: int) -> list[UnitBlock]:
    if count_tokens(unit.text) <= max_tokens:
        return [unit]
    out: list[UnitBlock] = []
    spans = split_sentences(unit.text)
    current_start: int | None = None
    current_end = 0
    size = 0
    for s, e in spans:
        tokens = count_tokens(unit.text[s:e])
        if current_start is not None and size + tokens > max_tokens:
            out.append(_sub_unit(unit, doc_text, current_start, current_end))
            current_start, size = None, 0
        if current_start is None:
            current_start = s
        current_end = e
        size += tokens
    if current_start is not None:
        out.append(_sub_unit(unit, doc_text, current_start, current_end))
    return out


def _sub_unit(unit: UnitBlock, doc_text: str, s: int, e: int) -> UnitBlock:
    start, end = unit.start + s, unit.start + e
    return UnitBlock(
        doc_text[start:end], start, end, unit.page, unit.path_titles, unit.path_ids, unit.label, unit.group, unit.intro
    )


def _merge_units(group: list[UnitBlock]) -> list[Unit]:
    units: list[Unit] = []
    for piece in group:
        if units and units[-1].label == piece.label:
            units[-1].end = piece.end
        else:
            units.append(Unit(label=piece.label, start=piece.start, end=piece.end, page=piece.page))
    return units
