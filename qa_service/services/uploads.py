"""Adding documents at run time: checks (type by content, size, name), a
background ingestion job per upload, and removal."""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from qa_service.components.bundle import Components
from qa_service.components.jobs import Job, JobAction
from qa_service.components.registry import PreviousVersion
from qa_service.errors import IngestError, QAError, UnknownDocument, disk_full, ingest_failure
from qa_service.ingestion.pipeline import PIPELINE_VERSION, IngestPipeline, IngestReport
from qa_service.ingestion.readers import check_archive
from qa_service.models import DocumentMeta
from qa_service.resources import msg
from qa_service.services.upload_files import StagedUpload, detect_type, guess_title, safe_stem, stage_upload
from qa_service.text import slug

log = logging.getLogger("qa_service.uploads")

# share of a job's progress bar before embedding starts (reading, cleaning, chunking) and at the commit
_EMBED_FROM, _EMBED_TO = 0.1, 0.95
# a staging file still being written is this recent (an upload is copied in seconds)
_RECEIVING_S = 3600.0


@dataclass
class UploadMeta:
    number: str | None = None
    title: str | None = None
    issuer: str | None = None
    date: str | None = None

    def overrides(self) -> dict[str, object]:
        given = {"doc_number": self.number, "title": self.title, "issuer": self.issuer, "issued": self.date}
        return {key: value for key, value in given.items() if value}

    def matches(self, doc: DocumentMeta) -> bool:
        """True when every field given is what the document already has (nothing to change)."""
        return all(getattr(doc, key) == value for key, value in self.overrides().items())


class DocumentConflict(QAError):
    """An upload would replace a different document of the same name: 409, both titles, how to go on."""

    status = 409

    def __init__(self, existing: DocumentMeta, incoming_title: str, protected: bool, keep_days: float) -> None:
        super().__init__(
            "protected_document" if protected else "document_exists",
            existing=existing.title[:200], incoming=incoming_title[:200], days=f"{keep_days:g}",
        )
        self.details = [{
            "doc_id": existing.doc_id, "existing_title": existing.title, "incoming_title": incoming_title,
            "protected": protected,
        }]


def _age_s(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except FileNotFoundError:  # gone since the listing (its upload finished)
        return 0.0


# a document id's extension words and characters easily taken for one another: «…-2025-md», «2O25», «Iuat», «rn»
_ID_EXTENSIONS = re.compile(r"(?:-(?:md|markdown|txt|pdf|docx))+$")
_CONFUSABLE = str.maketrans({"0": "o", "1": "l", "i": "l"})


def look_alike_key(doc_id: str) -> str:
    """What a document id looks like to a reader: «…-2025-md», «…-2o25» and «…2025» all look like «…-2025», so an
    upload under one of them collides with the document of the other (409) rather than sitting beside it."""
    bare = _ID_EXTENSIONS.sub("", doc_id).replace("-", "")
    return bare.translate(_CONFUSABLE).replace("rn", "m")


class UploadService:
    def __init__(self, components: Components) -> None:
        self.c = components
        self.jobs = components.jobs
        self.pipeline = IngestPipeline(
            components.settings, components.embedder, components.store, components.registry, components.segmenter
        )
        # one ingestion at a time: the model is shared with live queries on 2 cores
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest")
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self._close_orphans()
        # vectors of jobs that died before their commit; skipped while another process is writing
        with self.pipeline.lock.hold(wait=False) as held:
            if held:
                self._sweep()

    def _close_orphans(self) -> None:
        """Jobs whose process on this host died (killed mid-ingest) will never finish: say so.

        Nothing they did is committed (the registry is the commit point), so the index is as before
        and the user can simply upload again."""
        host = socket.gethostname()
        for job in self.jobs.unfinished():
            owner_host, _, pid = job.owner.rpartition(":")
            if owner_host == host and pid.isdigit() and not Path(f"/proc/{pid}").exists():
                self._fail(job.job_id, QAError("job_interrupted"))
        # a staging file («.<job_id>.pdf») whose job is no longer queued or running will never be ingested; one still
        # being received («.<job_id>.part», no job yet) may belong to another process: left alone while it is recent
        live = {job.job_id for job in self.jobs.unfinished()}
        upload_dir = self.c.settings.upload_dir
        for staged in upload_dir.glob(".*") if upload_dir.is_dir() else []:
            if not staged.is_file() or staged.name[1:].split(".", 1)[0] in live:
                continue
            if staged.suffix == ".part" and _age_s(staged) < _RECEIVING_S:
                continue
            staged.unlink(missing_ok=True)

    def _sweep(self) -> None:
        """Under the write lock: stray vectors, expired previous versions, and uploaded files nothing refers to."""
        self.pipeline.sweep()
        upload_dir = self.c.settings.upload_dir
        if not upload_dir.is_dir():
            return
        referenced = {Path(p).resolve() for p in self.c.registry.source_paths()}
        for entry in upload_dir.iterdir():
            if entry.name.startswith("."):
                continue  # staging files belong to jobs
            files = [f for f in entry.iterdir()] if entry.is_dir() else [entry]
            if not any(f.resolve() in referenced for f in files):
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink(missing_ok=True)

    def _fail(self, job_id: str, error: QAError) -> None:
        self.jobs.update(job_id, status="failed", progress=1.0, message_vi=error.message_vi, message_en=error.message_en)

    def job(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def submit(self, source: IO[bytes], filename: str, meta: UploadMeta, replace: bool = False) -> Job:
        """Check an upload and queue its job. A name that belongs to another document is a 409 unless `replace`;
        the same bytes again are a finished job that changed nothing. The file is copied to its staging file as it
        is read, never held whole in memory."""
        job_id = uuid.uuid4().hex[:16]
        staging = self.c.settings.upload_dir / f".{job_id}.part"
        try:
            upload = self._stage(source, staging)
            ext = self._check(upload, filename)
            return self._queue(job_id, upload, ext, filename, meta, replace)
        finally:
            staging.unlink(missing_ok=True)  # a queued upload was moved to its job's name already

    def _stage(self, source: IO[bytes], staging: Path) -> StagedUpload:
        try:
            return stage_upload(source, staging, self.c.settings.admin.max_upload_mb * 1024 * 1024)
        except OSError as exc:
            if disk_full(exc):
                log.warning("upload not staged: %s", exc)
                raise QAError("storage_full", status=507) from exc
            raise

    def _check(self, upload: StagedUpload, filename: str) -> str:
        """The upload's type (415 for what cannot be read), after the checks that need no parsing."""
        if upload.blank:
            raise QAError("empty_file", status=422)
        ext = detect_type(upload, filename)
        if ext == ".docx":
            try:  # a decompression bomb is refused here, before a job unpacks it
                check_archive(upload.path, self.c.settings.ingestion)
            except IngestError as exc:
                raise QAError(exc.code, status=413 if exc.code.startswith("archive_") else 415, **exc.params) from exc
        return ext

    def _queue(
        self, job_id: str, upload: StagedUpload, ext: str, filename: str, meta: UploadMeta, replace: bool
    ) -> Job:
        settings = self.c.settings
        stem = safe_stem(filename)
        doc_id = slug(stem, "tai-lieu", max_length=200)
        same = self.c.registry.find_by_hash(f"{upload.digest}:{PIPELINE_VERSION}")
        if same is not None and meta.matches(same):
            unchanged = msg("jobs", "unchanged")
            self.jobs.create(job_id, f"{stem}{ext}", self.owner, action="unchanged")
            self.jobs.update(job_id, status="done", progress=1.0, doc_id=same.doc_id,
                             message_vi=unchanged["vi"].format(title=same.title), message_en=unchanged["en"].format(title=same.title))
            return self._job(job_id)
        existing = self._same_name(doc_id)
        if existing is not None:
            doc_id = existing.doc_id  # a look-alike name is that document's name: replaced only when asked to
        action: JobAction = "added"
        if existing is not None:
            if not replace:
                protected = self._protected(existing)
                raise DocumentConflict(existing, meta.title or guess_title(upload.head, ext, filename), protected,
                                       settings.ingestion.keep_previous_days)
            action = "replaced"
        # each version keeps its own file (<upload_dir>/<content hash>/<name>), so a replaced one stays restorable
        final = settings.upload_dir / upload.digest[:16] / f"{stem}{ext}"
        incoming = settings.upload_dir / f".{job_id}{ext}"
        upload.path.replace(incoming)
        self.jobs.create(job_id, final.name, self.owner, action=action,
                         replaced_title=existing.title if existing is not None else None)
        self._executor.submit(self._run, job_id, incoming, final, doc_id, meta)
        return self._job(job_id)

    def _job(self, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        assert job is not None
        return job

    def _same_name(self, doc_id: str) -> DocumentMeta | None:
        """The loaded document this id names: the same id, else one whose id looks the same (`look_alike_key`)."""
        exact = self.c.registry.document(doc_id)
        if exact is not None:
            return exact
        key = look_alike_key(doc_id)
        return next((d for d in self.c.registry.documents() if look_alike_key(d.doc_id) == key), None)

    def _protected(self, doc: DocumentMeta) -> bool:
        """Documents ingested from the bundled corpus folder change only when an admin says so explicitly."""
        return self.c.settings.corpus_dir.resolve() in Path(doc.source_path).resolve().parents

    def _run(self, job_id: str, incoming: Path, final: Path, doc_id: str, meta: UploadMeta) -> None:
        self.jobs.update(job_id, status="running", progress=_EMBED_FROM)
        overrides: dict[str, object] = {"doc_id": doc_id, "source_path": str(final), "display_name": final.stem}
        overrides.update(meta.overrides())
        budget = self.c.settings.admin.job_timeout_s
        deadline = [0.0]  # set once the job has the write lock: waiting in line does not count

        def check() -> None:
            if time.monotonic() > deadline[0]:
                raise IngestError("job_timeout", seconds=f"{budget:g}")

        def embedded(doc_id: str, done: int, total: int) -> None:
            self.jobs.update(job_id, progress=_EMBED_FROM + (_EMBED_TO - _EMBED_FROM) * done / max(total, 1))

        with self.pipeline.lock.hold():
            deadline[0] = time.monotonic() + budget
            try:
                job = self._job(job_id)
                if job.action == "added" and self._same_name(doc_id) is not None:
                    # another upload of the same name committed while this one waited: never overwrite silently
                    raise IngestError("document_exists_now", doc_id=doc_id)
                # the file goes to its place first: once the registry commits, it refers to it
                final.parent.mkdir(parents=True, exist_ok=True)
                incoming.replace(final)
                doc_id = self.pipeline.ingest_file(
                    final, IngestReport(), overrides=overrides, on_embedded=embedded, check=check
                )
                done = msg("jobs", "done")
                self.jobs.update(job_id, status="done", progress=1.0, doc_id=doc_id, message_vi=done["vi"], message_en=done["en"])
            except Exception as exc:  # the job must end with a status, whatever happened
                if not isinstance(exc, IngestError):
                    log.exception("upload job %s failed", job_id)
                incoming.unlink(missing_ok=True)
                # cleaned up before the job says it failed: a client that sees «failed» sees the index and the upload
                # folder as they will stay (the disk-full test listed the folder while the sweep was removing it)
                self._after_failure()
                self._fail(job_id, ingest_failure(exc))

    def _after_failure(self) -> None:
        """What a failed job embedded is not committed: taken out now rather than at the next start. On a full disk
        this can fail too; the index is consistent either way (the registry is the commit), the next start sweeps."""
        try:
            self._sweep()
        except Exception:
            log.exception("sweep after a failed upload job failed; the next start sweeps again")

    def delete(self, doc_id: str, force: bool = False) -> DocumentMeta:
        """Take a document out of both indexes; it stays restorable (GET /previous-versions) for a while."""
        meta = self.c.registry.document(doc_id)
        if meta is None:
            raise UnknownDocument([doc_id[:100]])
        if self._protected(meta) and not force:
            raise QAError("protected_delete", status=409, title=meta.title[:200])
        with self.pipeline.lock.hold():
            self.pipeline.remove(doc_id)
        return meta

    def previous_versions(self) -> list[PreviousVersion]:
        return self.c.registry.previous_versions()

    def restore(self, doc_id: str) -> DocumentMeta:
        with self.pipeline.lock.hold():
            restored = self.pipeline.restore(doc_id)
        if restored is None:
            raise QAError("no_previous_version", status=404, doc_id=doc_id[:100])
        return restored

    def wait_idle(self) -> None:
        """For shutdown: let a running ingestion finish its commit."""
        self._executor.shutdown(wait=True)
