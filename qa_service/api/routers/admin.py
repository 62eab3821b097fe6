"""Adding and removing documents (admin token required) and ingestion jobs."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Query, UploadFile
from fastapi.concurrency import run_in_threadpool

from qa_service.api.admin_gate import require_admin
from qa_service.api.deps import ComponentsDep, SettingsDep, UploadsDep
from qa_service.api.schemas import (
    DeleteResult,
    JobOut,
    PreviousVersionOut,
    PreviousVersionsOut,
    RestoreResult,
    UploadAccepted,
    error_responses,
)
from qa_service.api.schemas.common import FormBoolean, FormDate
from qa_service.errors import QAError
from qa_service.services.uploads import UploadMeta
from qa_service.settings import Settings

router = APIRouter(tags=["admin"])

# what POST /documents takes, as the contract states it: the type is read from the bytes, never from the name (nor
# from the part's Content-Type: an `encoding` listing the types would only keep fuzzers from sending the bytes at all)
UPLOAD_TYPES = "application/pdf, application/vnd.openxmlformats-officedocument.wordprocessingml.document, text/markdown, text/plain"
UPLOAD_FILE = (
    "PDF, DOCX, Markdown hoặc văn bản UTF-8, tối đa 50 MB, không rỗng / PDF, DOCX, Markdown or UTF-8 text, up to 50 MB, "
    f"not empty ({UPLOAD_TYPES}). The type is read from the content: a PDF starts with `%PDF-`; a DOCX is a ZIP "
    "holding `word/document.xml`; anything else must be UTF-8 text without NUL characters"
)
# a form sends an empty field for one not filled in: the spec says it is taken as not given
EMPTY_OR_DATE: dict[str, object] = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}, {"type": "null"}]}
UPLOAD_DOC = (
    "The file must hold something besides whitespace (else 422 `empty_file`), and its bytes decide its type "
    "(the name does not): other bytes are 415 (`unsupported_type`, `binary_file`, `archive_not_docx`). A name that is "
    "a loaded document's name, or looks like it (extensions, hyphens and look-alike characters aside: "
    "«…-2025.md.» is «…-2025»), is 409 unless `replace` is true."
)


@router.post(
    "/documents",
    status_code=202,
    response_model=UploadAccepted,
    responses=error_responses(401, 403, 409, 413, 415, 422, 429, 507),
    dependencies=[Depends(require_admin)],
    summary="Thêm văn bản (PDF, DOCX, Markdown, văn bản) / upload a document",
    description=UPLOAD_DOC,
)
async def upload_document(
    uploads: UploadsDep,
    file: UploadFile = File(..., description=UPLOAD_FILE, json_schema_extra={"minLength": 1}),
    number: str | None = Form(None, max_length=100, description="Số hiệu, ví dụ 23-NQ/TW"),
    title: str | None = Form(None, max_length=500),
    issuer: str | None = Form(None, max_length=300),
    date: Annotated[FormDate, Form(description="Ngày ban hành / date issued, YYYY-MM-DD (empty: not given)", json_schema_extra=EMPTY_OR_DATE)] = None,
    replace: Annotated[
        FormBoolean,
        Form(description="thay văn bản đang có cùng tên (bản cũ vẫn khôi phục được) / replace the document of the same name"),
    ] = False,
) -> UploadAccepted:
    meta = UploadMeta(number, title, issuer, date.isoformat() if date else None)
    # the file part is already in a temporary file (the form parser spools it): copied from there to the staging
    # file, never read whole into memory; copying and reading a DOCX's directory are blocking: off the event loop
    job = await run_in_threadpool(uploads.submit, file.file, file.filename or "tai-lieu", meta, replace)
    return UploadAccepted(
        job_id=job.job_id, status_url=f"/jobs/{job.job_id}", status="done" if job.status == "done" else "queued",
        action=job.action, doc_id=job.doc_id, replaced_title=job.replaced_title,
    )


@router.get("/jobs/{job_id}", response_model=JobOut, responses=error_responses(404, 422), summary="Tiến độ nạp văn bản / ingestion job status")
def get_job(uploads: UploadsDep, job_id: str = Path(..., max_length=64)) -> JobOut:
    job = uploads.job(job_id)
    if job is None:
        raise QAError("unknown_job", status=404)
    return JobOut.model_validate(job.model_dump())


def _until(at: float, settings: Settings) -> float:
    return at + settings.ingestion.keep_previous_days * 86_400


@router.delete(
    "/documents/{doc_id}",
    response_model=DeleteResult,
    responses=error_responses(401, 403, 404, 409, 422, 429),
    dependencies=[Depends(require_admin)],
    summary="Gỡ văn bản khỏi cả hai chỉ mục (khôi phục được) / remove a document (restorable)",
)
def delete_document(
    uploads: UploadsDep,
    settings: SettingsDep,
    doc_id: str = Path(..., max_length=200),
    force: bool = Query(False, description="cần cho văn bản thuộc bộ gốc corpus/ / required for bundled corpus documents"),
) -> DeleteResult:
    meta = uploads.delete(doc_id, force)
    return DeleteResult(doc_id=doc_id, deleted=True, title=meta.title, restorable_until=_until(time.time(), settings))


@router.get(
    "/previous-versions",
    response_model=PreviousVersionsOut,
    responses=error_responses(401, 403, 429),
    dependencies=[Depends(require_admin)],
    summary="Các bản đã bị thay hoặc gỡ, còn khôi phục được / replaced or deleted versions that can be restored",
)
def previous_versions(uploads: UploadsDep, components: ComponentsDep) -> PreviousVersionsOut:
    settings, registry = components.settings, components.registry
    return PreviousVersionsOut(
        versions=[
            PreviousVersionOut(
                doc_id=v.doc_id, title=v.meta.title, reason=v.reason, at=v.at, restorable_until=_until(v.at, settings),
                chunk_count=len(v.chunk_ids), current_title=(current.title if (current := registry.document(v.doc_id)) else None),
            )
            for v in uploads.previous_versions()
        ]
    )


@router.post(
    "/previous-versions/{doc_id}/restore",
    response_model=RestoreResult,
    responses=error_responses(401, 403, 404, 422, 429),
    dependencies=[Depends(require_admin)],
    summary="Khôi phục bản trước (bản hiện tại trở thành bản trước) / restore the previous version (the current one becomes the previous)",
)
def restore_previous(uploads: UploadsDep, doc_id: str = Path(..., max_length=200)) -> RestoreResult:
    meta = uploads.restore(doc_id)
    return RestoreResult(doc_id=doc_id, title=meta.title, restored=True)
