from __future__ import annotations

from fastapi import APIRouter, Path

from qa_service.api.convert import newer_out, replaced_out
from qa_service.api.deps import DocumentsDep
from qa_service.api.etag import LIBRARY_TAG, NOT_MODIFIED
from qa_service.api.schemas import (
    ArticleOut,
    CitedDocument,
    ClauseOut,
    DocumentDetail,
    DocumentOut,
    DocumentsResponse,
    OutlineItem,
    error_responses,
)
from qa_service.errors import UnknownArticle, UnknownDocument
from qa_service.models import DocumentMeta
from qa_service.services.documents import CitedEntry, DocumentService
from qa_service.services.versions import Replacement

router = APIRouter(tags=["documents"])


def _doc_out(meta: DocumentMeta, count: int, replaced: dict[str, Replacement], service: DocumentService) -> DocumentOut:
    return DocumentOut(
        doc_id=meta.doc_id,
        title=meta.title,
        number=meta.doc_number,
        type=meta.doc_type,
        issuer=meta.issuer,
        date=meta.issued,
        signer=meta.signer,
        chunk_count=count,
        source_file=meta.source_path.rsplit("/", 1)[-1],
        pages=meta.pages,
        replaced_by=replaced_out(replaced.get(meta.doc_id)),
        newer_text=newer_out(service.newer_text(meta.doc_id)),
    )


def _cited_out(entry: CitedEntry) -> CitedDocument:
    ref = entry.ref
    return CitedDocument(
        key=ref.key,
        kind=ref.kind,
        number=ref.number,
        title=ref.title,
        date=ref.date,
        issuer=ref.issuer,
        loaded=entry.loaded_doc_id is not None,
        loaded_doc_id=entry.loaded_doc_id,
        cited_from=entry.cited_from,
    )


@router.get(
    "/documents", response_model=DocumentsResponse, dependencies=[LIBRARY_TAG], responses=NOT_MODIFIED,
    summary="Văn bản đã nạp và văn bản được dẫn chiếu",
)
def list_documents(service: DocumentsDep) -> DocumentsResponse:
    cited = [_cited_out(e) for e in service.cited()]
    replaced = service.replaced()
    return DocumentsResponse(
        loaded=[_doc_out(m, n, replaced, service) for m, n in service.loaded()],
        cited_not_loaded=[c for c in cited if not c.loaded],
        cited_loaded=[c for c in cited if c.loaded],
    )


@router.get(
    "/documents/{doc_id}", response_model=DocumentDetail, dependencies=[LIBRARY_TAG],
    responses={**error_responses(404, 422), **NOT_MODIFIED}, summary="Toàn văn và mục lục / full text and outline",
)
def get_document(service: DocumentsDep, doc_id: str = Path(..., max_length=200)) -> DocumentDetail:
    found = service.detail(doc_id)
    if found is None:
        raise UnknownDocument([doc_id[:100]])
    meta, count, text, outline = found
    return DocumentDetail(
        document=_doc_out(meta, count, service.replaced(), service), text=text, outline=[OutlineItem(**o.model_dump()) for o in outline]
    )


@router.get(
    "/documents/{doc_id}/articles/{number}",
    response_model=ArticleOut,
    responses=error_responses(404, 422),
    summary="Một điều của văn bản theo số / one article by its number",
)
def get_article(
    service: DocumentsDep,
    doc_id: str = Path(..., max_length=200),
    number: str = Path(..., pattern=r"^\d{1,3}[a-zđ]?$", description="«15», «10a»"),
) -> ArticleOut:
    found = service.article(doc_id, number)
    if found is None:
        raise UnknownArticle(number)
    return ArticleOut(
        doc_id=doc_id, doc_title=found.meta.title, doc_number=found.meta.doc_number, label=found.section.label,
        title=found.section.title, text=found.text, start=found.section.start,
        clauses=[ClauseOut(label=label, start=a, end=b) for label, a, b in found.clauses],
    )
