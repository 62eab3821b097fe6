"""Admin: uploads and their jobs, deletes, and the previous versions they keep restorable."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class UploadAccepted(BaseModel):
    job_id: str
    status_url: str
    status: Literal["queued", "done"] = Field("queued", description="done at once when the same bytes are already loaded")
    action: Literal["added", "replaced", "unchanged"] = "added"
    doc_id: str | None = Field(None, description="known at once only for action=unchanged")
    replaced_title: str | None = Field(None, description="title of the document this upload replaces (replace=true)")


class JobOut(BaseModel):
    job_id: str
    filename: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float
    doc_id: str | None = None
    message_vi: str | None = None
    message_en: str | None = None
    action: Literal["added", "replaced", "unchanged"] = "added"
    replaced_title: str | None = None


class DeleteResult(BaseModel):
    doc_id: str
    deleted: bool
    title: str
    restorable_until: float = Field(..., description="Unix time until which POST /previous-versions/{doc_id}/restore brings it back")


class PreviousVersionOut(BaseModel):
    doc_id: str
    title: str
    reason: Literal["replaced", "deleted"]
    at: float = Field(..., description="when it was replaced or deleted (Unix time)")
    restorable_until: float
    chunk_count: int
    current_title: str | None = Field(None, description="title of the version in use now (None after a delete)")


class PreviousVersionsOut(BaseModel):
    versions: list[PreviousVersionOut]


class RestoreResult(BaseModel):
    doc_id: str
    title: str
    restored: bool
