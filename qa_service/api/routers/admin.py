"""Adding and removing documents (admin token required) and ingestion jobs."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, File, Form, Header, Path, Request, UploadFile

from qa_service.api.deps import get_admin_attempts, get_uploads
from qa_service.api.schemas import DeleteResult, JobOut, UploadAccepted, error_responses
from qa_service.components.attempts import AttemptLimiter
from qa_service.errors import QAError, TooManyAttempts, UnknownDocument
from qa_service.services.uploads import UploadMeta, UploadService

router = APIRouter(tags=["admin"])


def require_admin(
    request: Request, authorization: str | None = Header(None), attempts: AttemptLimiter = Depends(get_admin_attempts)
) -> None:
    token = request.app.state.components.settings.admin.token
    if token is None:
        raise QAError("admin_disabled", status=403)
    client = request.client.host if request.client else "-"
    wait = attempts.retry_after(client)
    if wait:
        raise TooManyAttempts(wait)
    if not authorization or not authorization.startswith("Bearer "):
        raise QAError("unauthorized", status=401)
    if not hmac.compare_digest(authorization[7:].encode(), token.get_secret_value().encode()):
        attempts.failed(client)
        raise QAError("forbidden", status=403)


@router.post(
    "/documents",
    status_code=202,
    response_model=UploadAccepted,
    responses=error_responses(401, 403, 413, 415, 422, 429),
    dependencies=[Depends(require_admin)],
    summary="Thêm văn bản (PDF, DOCX, Markdown, văn bản) / upload a document",
)
async def upload_document(
    request: Request,
    file: UploadFile = File(..., description="PDF, DOCX, Markdown hoặc văn bản UTF-8, tối đa 50 MB"),
    number: str | None = Form(None, max_length=100, description="Số hiệu, ví dụ 23-NQ/TW"),
    title: str | None = Form(None, max_length=500),
    issuer: str | None = Form(None, max_length=300),
    date: str | None = Form(None, max_length=20, description="YYYY-MM-DD"),
    uploads: UploadService = Depends(get_uploads),
) -> UploadAccepted:
    limit = request.app.state.components.settings.admin.max_upload_mb * 1024 * 1024
    data = await file.read(limit + 1)
    job_id = uploads.submit(data, file.filename or "tai-lieu", UploadMeta(number, title, issuer, date))
    return UploadAccepted(job_id=job_id, status_url=f"/jobs/{job_id}")


@router.get("/jobs/{job_id}", response_model=JobOut, responses=error_responses(404, 422), summary="Tiến độ nạp văn bản / ingestion job status")
def get_job(job_id: str = Path(..., max_length=64), uploads: UploadService = Depends(get_uploads)) -> JobOut:
    job = uploads.job(job_id)
    if job is None:
        raise QAError("unknown_job", status=404)
    return JobOut.model_validate(job.model_dump())


@router.delete(
    "/documents/{doc_id}",
    response_model=DeleteResult,
    responses=error_responses(401, 403, 404, 422, 429),
    dependencies=[Depends(require_admin)],
    summary="Gỡ văn bản khỏi cả hai chỉ mục / remove a document",
)
def delete_document(doc_id: str = Path(..., max_length=200), uploads: UploadService = Depends(get_uploads)) -> DeleteResult:
    if not uploads.delete(doc_id):
        raise UnknownDocument([doc_id[:100]])
    return DeleteResult(doc_id=doc_id, deleted=True)
