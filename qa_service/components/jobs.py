"""Ingestion jobs (uploads): status and progress in SQLite, so every API process sees every job."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from qa_service.components.sqlite import SqliteFile

JobStatus = Literal["queued", "running", "done", "failed"]
# added: a new document; replaced: an existing one replaced on purpose (replace=true); unchanged: the same bytes again
JobAction = Literal["added", "replaced", "unchanged"]


class Job(BaseModel):
    job_id: str
    filename: str
    status: JobStatus
    progress: float
    doc_id: str | None = None
    message_vi: str | None = None
    message_en: str | None = None
    owner: str = ""
    action: JobAction = "added"
    replaced_title: str | None = None


class JobStore(SqliteFile):
    schema = """
    CREATE TABLE IF NOT EXISTS jobs (
        job_id TEXT PRIMARY KEY,
        filename TEXT NOT NULL,
        status TEXT NOT NULL,
        progress REAL NOT NULL DEFAULT 0,
        doc_id TEXT,
        message_vi TEXT,
        message_en TEXT,
        created REAL NOT NULL,
        updated REAL NOT NULL,
        owner TEXT NOT NULL DEFAULT ''
    );
    """
    # columns added after the first release: added to older files on open
    added_columns = {"action": "TEXT NOT NULL DEFAULT 'added'", "replaced_title": "TEXT"}

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        have = {row[1] for row in self._conn().execute("PRAGMA table_info(jobs)")}
        for name, kind in self.added_columns.items():
            if name not in have:
                self._conn().execute(f"ALTER TABLE jobs ADD COLUMN {name} {kind}")

    def create(
        self, job_id: str, filename: str, owner: str, action: JobAction = "added", replaced_title: str | None = None
    ) -> None:
        now = time.time()
        with self._tx() as db:
            db.execute(
                "INSERT INTO jobs(job_id, filename, status, created, updated, owner, action, replaced_title)"
                " VALUES (?,?,?,?,?,?,?,?)",
                (job_id, filename, "queued", now, now, owner, action, replaced_title),
            )

    def update(
        self,
        job_id: str,
        *,
        status: JobStatus | None = None,
        progress: float | None = None,
        doc_id: str | None = None,
        message_vi: str | None = None,
        message_en: str | None = None,
    ) -> None:
        fields = {"status": status, "progress": progress, "doc_id": doc_id, "message_vi": message_vi, "message_en": message_en}
        given = {k: v for k, v in fields.items() if v is not None}
        sets = ", ".join([f"{k} = ?" for k in given] + ["updated = ?"])
        with self._tx() as db:
            db.execute(f"UPDATE jobs SET {sets} WHERE job_id = ?", [*given.values(), time.time(), job_id])

    def get(self, job_id: str) -> Job | None:
        conn = self._conn()
        conn.row_factory = sqlite3.Row
        try:
            row = conn.execute("SELECT * FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        finally:
            conn.row_factory = None
        return Job.model_validate(dict(row)) if row else None

    def unfinished(self) -> list[Job]:
        ids = [r[0] for r in self._conn().execute("SELECT job_id FROM jobs WHERE status IN ('queued', 'running')")]
        return [job for job in map(self.get, ids) if job is not None]
