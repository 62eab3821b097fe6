"""Adding and removing documents (admin token required) and ingestion jobs."""

from __future__ import annotations

import time
from datetime import date as Date

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
from qa_service.errors import QAError
from qa_service.services.uploads import UploadMeta
from qa_service.settings import Settings

router = APIRouter(tags=["admin"])


@router.post(
    "/documents",
    status_code=202,
    response_model=UploadAccepted,
    responses=error_responses(401, 403, 409, 413, 415, 422, 429, 507),
    dependencies=[Depends(require_admin)],
    summary="Thêm văn bản (PDF, DOCX, Markdown, văn bản) / upload a document",
)
async def upload_document(
    uploads: UploadsDep,
    file: UploadFile = File(..., description="PDF, DOCX, Markdown hoặc văn bản UTF-8, tối đa 50 MB"),
    number: str | None = Form(None, max_length=100, description="Số hiệu, ví dụ 23-NQ/TW"),
    title: str | None = Form(None, max_length=500),
    issuer: str | None = Form(None, max_length=300),
    date: Date | None = Form(None, description="Ngày ban hành / date issued, YYYY-MM-DD"),
    replace: bool = Form(
        False, description="thay văn bản đang có cùng tên (bản cũ vẫn khôi phục được) / replace the document of the same name"
    ),
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
