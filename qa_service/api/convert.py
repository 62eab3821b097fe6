"""Service results -> API models."""

from __future__ import annotations

from qa_service.api.schemas import AskResponse, CitationOut, Hit, RetractedOut
from qa_service.components.registry import Registry
from qa_service.models import Chunk, ScoredChunk
from qa_service.services.answer import AnswerResult, Citation


def _chunk_fields(chunk: Chunk, registry: Registry) -> dict[str, object]:
    """What every hit and citation says about its chunk and document."""
    meta = registry.document(chunk.doc_id)
    return {
        "chunk_id": chunk.chunk_id,
        "doc_id": chunk.doc_id,
        "doc_title": meta.title if meta else chunk.doc_id,
        "doc_number": meta.doc_number if meta else None,
        "section_path": chunk.section_path,
        "text": chunk.text,
        "start": chunk.start,
        "end": chunk.end,
    }


def hit_out(hit: ScoredChunk, registry: Registry) -> Hit:
    fields = _chunk_fields(hit.chunk, registry)
    return Hit(**fields, citation_label=hit.chunk.citation_label, score=round(hit.score, 6), page=hit.chunk.page)  # type: ignore[arg-type]


def citation_out(cit: Citation, registry: Registry) -> CitationOut:
    fields = _chunk_fields(cit.chunk, registry)
    return CitationOut(
        **fields,  # type: ignore[arg-type]
        n=cit.n,
        citation_label=cit.label,
        quote=cit.quote,
        page=cit.page,
        quote_start=cit.chunk.start + cit.chunk.text.find(cit.quote),
    )


def ask_response(result: AnswerResult, registry: Registry) -> AskResponse:
    return AskResponse(
        answer=result.answer,
        answered=result.answered,
        citations=[citation_out(c, registry) for c in result.citations],
        suggestions=[hit_out(h, registry) for h in result.suggestions],
        standalone_question=result.standalone_question,
        took_ms=result.took_ms,
        mode=result.mode,  # type: ignore[arg-type]
        fallback=result.fallback,
        fallback_reason=result.fallback_reason,  # type: ignore[arg-type]
        retracted=[RetractedOut(text=r.text, reason=r.reason) for r in result.retracted],  # type: ignore[arg-type]
        first_token_ms=result.first_token_ms,
        generation_ms=result.generation_ms,
    )
