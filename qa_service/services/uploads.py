"""Adding documents at run time: checks (type by content, size, name), a
background ingestion job per upload, and removal."""

from __future__ import annotations

import logging
import os
import re
import socket
import threading
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from qa_service.components.bundle import Components
from qa_service.components.jobs import Job
from qa_service.errors import IngestError, QAError
from qa_service.ingestion.pipeline import IngestPipeline, IngestReport, doc_id_for
from qa_service.ingestion.readers import check_archive
from qa_service.resources import msg
from qa_service.text import slug

log = logging.getLogger("qa_service.uploads")

# share of a job's progress bar before embedding starts (reading, cleaning, chunking) and at the commit
_EMBED_FROM, _EMBED_TO = 0.1, 0.95


@dataclass
class UploadMeta:
    number: str | None = None
    title: str | None = None
    issuer: str | None = None
    date: str | None = None


def detect_type(data: bytes, filename: str) -> str:
    """File type from the bytes, not the name. Returns the extension we store it under."""
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return ".docx"
        except zipfile.BadZipFile:
            pass
        raise QAError("archive_not_docx", status=415)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QAError("unsupported_type", status=415) from exc
    if "\x00" in text:
        raise QAError("binary_file", status=415)
    markdown = filename.lower().endswith((".md", ".markdown")) or text.startswith("---\n") or bool(re.search(r"^#{1,6} ", text, re.M))
    return ".md" if markdown else ".txt"


def safe_stem(filename: str) -> str:
    """«../../Nghị quyết 23.pdf» -> «nghi-quyet-23»: no directories, no odd characters."""
    base = Path(filename.replace("\\", "/")).name
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return slug(stem, "tai-lieu")


class UploadService:
    def __init__(self, components: Components) -> None:
        self.c = components
        self.jobs = components.jobs
        self.pipeline = IngestPipeline(
            components.settings, components.embedder, components.store, components.registry, components.segmenter
        )
        # one ingestion at a time: the model is shared with live queries on 2 cores
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest")
        self._write_lock = threading.Lock()
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self._close_orphans()

    def _close_orphans(self) -> None:
        """Jobs whose process on this host died (killed mid-ingest) will never finish: say so.

        Nothing they did is committed (the registry is the commit point), so the index is as before
        and the user can simply upload again."""
        host = socket.gethostname()
        for job in self.jobs.unfinished():
            owner_host, _, pid = job.owner.rpartition(":")
            if owner_host == host and pid.isdigit() and not Path(f"/proc/{pid}").exists():
                self._fail(job.job_id, QAError("job_interrupted"))
        # a staging file («.<job_id>.pdf») whose job is no longer queued or running will never be ingested
        live = {job.job_id for job in self.jobs.unfinished()}
        upload_dir = self.c.settings.upload_dir
        for staged in upload_dir.glob(".*") if upload_dir.is_dir() else []:
            if staged.is_file() and staged.name[1:].split(".", 1)[0] not in live:
                staged.unlink(missing_ok=True)

    def _fail(self, job_id: str, error: QAError) -> None:
        self.jobs.update(job_id, status="failed", progress=1.0, message_vi=error.message_vi, message_en=error.message_en)

    def job(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def submit(self, data: bytes, filename: str, meta: UploadMeta) -> str:
        limit = self.c.settings.admin.max_upload_mb * 1024 * 1024
        if len(data) > limit:
            raise QAError("too_large", status=413)
        if not data.strip():
            raise QAError("empty_file", status=422)
        ext = detect_type(data, filename)
        if ext == ".docx":
            try:  # a decompression bomb is refused here, before a job unpacks it
                check_archive(data, self.c.settings.ingestion)
            except IngestError as exc:
                raise QAError(exc.code, status=413 if exc.code.startswith("archive_") else 415, **exc.params) from exc
        upload_dir = self.c.settings.upload_dir
        upload_dir.mkdir(parents=True, exist_ok=True)
        path = upload_dir / f"{safe_stem(filename)}{ext}"
        job_id = uuid.uuid4().hex[:16]
        incoming = upload_dir / f".{job_id}{ext}"
        incoming.write_bytes(data)
        self.jobs.create(job_id, path.name, self.owner)
        self._executor.submit(self._run, job_id, incoming, path, meta)
        return job_id

    def _run(self, job_id: str, incoming: Path, final: Path, meta: UploadMeta) -> None:
        self.jobs.update(job_id, status="running", progress=_EMBED_FROM)
        overrides: dict[str, object] = {"doc_id": doc_id_for(final), "source_path": str(final)}
        for key, value in (("doc_number", meta.number), ("title", meta.title), ("issuer", meta.issuer), ("issued", meta.date)):
            if value:
                overrides[key] = value

        def embedded(doc_id: str, done: int, total: int) -> None:
            self.jobs.update(job_id, progress=_EMBED_FROM + (_EMBED_TO - _EMBED_FROM) * done / max(total, 1))

        try:
            with self._write_lock:
                # ingest from the staging name, then keep the file under its clean name
                doc_id = self.pipeline.ingest_file(incoming, IngestReport(), overrides=overrides, on_embedded=embedded)
                incoming.replace(final)
            done = msg("jobs", "done")
            self.jobs.update(job_id, status="done", progress=1.0, doc_id=doc_id, message_vi=done["vi"], message_en=done["en"])
        except IngestError as exc:
            incoming.unlink(missing_ok=True)
            self._fail(job_id, exc)
        except Exception as exc:  # the job must end with a status, whatever happened
            log.exception("upload job %s failed", job_id)
            incoming.unlink(missing_ok=True)
            self._fail(job_id, IngestError("processing_failed", kind=type(exc).__name__))

    def delete(self, doc_id: str) -> bool:
        meta = self.c.registry.document(doc_id)
        if meta is None:
            return False
        with self._write_lock:
            self.pipeline.remove(doc_id)
        source = Path(meta.source_path)
        if source.parent == self.c.settings.upload_dir and source.exists():
            source.unlink()
        return True

    def wait_idle(self) -> None:
        """For shutdown: let a running ingestion finish its commit."""
        self._executor.shutdown(wait=True)
