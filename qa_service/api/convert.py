"""Service results -> API models. Citations arrive resolved (label, page, offsets, document title); only
plain hits need their document looked up, once per document."""

from __future__ import annotations

from qa_service.api.schemas import (
    AskResponse,
    CitationOut,
    CopyOut,
    Explanation,
    Hit,
    NewerTextOut,
    ReplacedByOut,
    RetractedOut,
)
from qa_service.models import Chunk, ScoredChunk
from qa_service.services.citations import Citation, Citations, CopySource
from qa_service.services.results import AnswerResult
from qa_service.services.versions import NewerText, Replacement


def _chunk_fields(chunk: Chunk) -> dict[str, object]:
    return {
        "chunk_id": chunk.chunk_id,
        "doc_id": chunk.doc_id,
        "section_path": chunk.section_path,
        "text": chunk.text,
        "start": chunk.start,
        "end": chunk.end,
    }


def replaced_out(replacement: Replacement | None) -> ReplacedByOut | None:
    if replacement is None:
        return None
    return ReplacedByOut(
        doc_id=replacement.by_doc_id, title=replacement.by_title, number=replacement.by_number,
        citation_label=replacement.label, quote=replacement.quote,
    )


def newer_out(newer: NewerText | None) -> NewerTextOut | None:
    return NewerTextOut(doc_id=newer.doc_id, title=newer.title, number=newer.number, date=newer.issued) if newer else None


def explanation_out(hit: ScoredChunk) -> Explanation:
    return Explanation(
        contributions={k: round(v, 6) for k, v in hit.contributions.items()},
        relevance_terms={k: round(v, 6) for k, v in hit.relevance_terms.items()},
        pins=list(hit.pins),
        dense_rank=hit.dense_rank,
        lexical_rank=hit.lexical_rank,
    )


def hit_out(hit: ScoredChunk, documents: Citations, explain: bool = False) -> Hit:
    meta = documents.document(hit.chunk.doc_id)
    return Hit(
        **_chunk_fields(hit.chunk),  # type: ignore[arg-type]
        doc_title=meta.title if meta else hit.chunk.doc_id,
        doc_number=meta.doc_number if meta else None,
        citation_label=hit.chunk.citation_label,
        score=round(hit.score, 6),
        page=hit.chunk.page,
        also_in=[_copy(documents.copy_source(c)) for c in hit.copies],
        replaced_by=replaced_out(documents.replaced_by(hit.chunk.doc_id)),
        newer_text=newer_out(documents.newer_text(hit.chunk.doc_id)),
        explain=explanation_out(hit) if explain else None,
    )


def _copy(copy: CopySource) -> CopyOut:
    return CopyOut(
        doc_id=copy.doc_id,
        doc_title=copy.doc_title,
        doc_number=copy.doc_number,
        citation_label=copy.label,
        identical=copy.similarity >= 1.0,
        similarity=copy.similarity,
    )


def citation_out(cit: Citation) -> CitationOut:
    return CitationOut(
        **_chunk_fields(cit.chunk),  # type: ignore[arg-type]
        doc_title=cit.doc_title,
        doc_number=cit.doc_number,
        n=cit.n,
        citation_label=cit.label,
        quote=cit.quote,
        page=cit.page,
        quote_start=cit.quote_start,
        replaced_by=replaced_out(cit.replaced_by),
        newer_text=newer_out(cit.newer_text),
        also_in=[_copy(c) for c in cit.also_in],
    )


def ask_response(result: AnswerResult, documents: Citations) -> AskResponse:
    return AskResponse(
        answer=result.answer,
        answered=result.answered,
        citations=[citation_out(c) for c in result.citations],
        suggestions=[hit_out(h, documents) for h in result.suggestions],
        standalone_question=result.standalone_question,
        took_ms=result.took_ms,
        mode=result.mode,  # type: ignore[arg-type]
        fallback=result.fallback,
        fallback_reason=result.fallback_reason,  # type: ignore[arg-type]
        retracted=[RetractedOut(text=r.text, reason=r.reason) for r in result.retracted],  # type: ignore[arg-type]
        first_token_ms=result.first_token_ms,
        generation_ms=result.generation_ms,
    )
