"""Service results -> API models."""

from __future__ import annotations

from qa_service.api.schemas import CitationOut, Hit
from qa_service.components.registry import Registry
from qa_service.models import ScoredChunk
from qa_service.services.answer import Citation


def hit_out(hit: ScoredChunk, registry: Registry) -> Hit:
    chunk = hit.chunk
    meta = registry.document(chunk.doc_id)
    return Hit(
        chunk_id=chunk.chunk_id,
        doc_id=chunk.doc_id,
        doc_title=meta.title if meta else chunk.doc_id,
        doc_number=meta.doc_number if meta else None,
        citation_label=chunk.citation_label,
        section_path=chunk.section_path,
        text=chunk.text,
        score=round(hit.score, 6),
        page=chunk.page,
        start=chunk.start,
        end=chunk.end,
    )


def citation_out(cit: Citation, registry: Registry) -> CitationOut:
    chunk = cit.chunk
    meta = registry.document(chunk.doc_id)
    return CitationOut(
        n=cit.n,
        chunk_id=chunk.chunk_id,
        doc_id=chunk.doc_id,
        doc_title=meta.title if meta else chunk.doc_id,
        doc_number=meta.doc_number if meta else None,
        citation_label=cit.label,
        section_path=chunk.section_path,
        quote=cit.quote,
        text=chunk.text,
        page=cit.page,
        start=chunk.start,
        end=chunk.end,
        quote_start=chunk.start + chunk.text.find(cit.quote),
    )
