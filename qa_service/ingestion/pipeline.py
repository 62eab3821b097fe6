"""Ingestion as small steps: load -> clean -> split -> enrich -> embed -> upsert.

Chunk ids are `doc_id:content-hash`, so an unchanged corpus embeds nothing and
a changed file re-embeds only the chunks that changed; a passage whose text is
already embedded under another id (a consolidated text and its law) copies that
vector. The registry commit is the last step per document: a run killed midway
leaves the previous index usable and the next run finishes the work (vectors
already in Chroma are reused, stray ones are swept). The work before the model
runs on a thread of its own, a file or two ahead of the writer
(`ingestion.prepare_ahead`, qa_service/ingestion/prefetch.py).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa_service.components.embedder import Embedder
from qa_service.components.lexical import WordSegmenter
from qa_service.components.protocols import DenseStore, DocumentRegistry
from qa_service.components.write_lock import WriteLock
from qa_service.errors import IngestError, ingest_failure
from qa_service.ingestion.facts import FACTS_VERSION, extract_facts
from qa_service.ingestion.prefetch import Prefetcher
from qa_service.ingestion.prepare import (
    PIPELINE_VERSION,
    PreparedDocument,
    ReadyFile,
    discover,
    doc_id_for,
    prepare,
    read_file,
)
from qa_service.ingestion.readers import SUPPORTED
from qa_service.ingestion.stages import StageTimes
from qa_service.models import Chunk, DocumentMeta
from qa_service.settings import Settings

# what other modules and tests import from here
__all__ = [
    "PIPELINE_VERSION", "IngestPipeline", "IngestReport", "PreparedDocument", "Skipped", "discover", "doc_id_for",
    "prepare", "refresh_facts",
]

log = logging.getLogger("ingest")


@dataclass
class Skipped:
    path: str
    reason_vi: str
    reason_en: str

    @classmethod
    def because(cls, path: Path, error: IngestError) -> Skipped:
        return cls(str(path), error.message_vi, error.message_en)


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    chunks: int = 0
    embedded: int = 0  # passages the model embedded
    reused: int = 0  # passages that took the vector of the same text embedded before (another document's)
    seconds: float = 0.0
    embed_seconds: float = 0.0
    stages: StageTimes = field(default_factory=StageTimes)
    # on a rebuild, text key -> the first chunk this run wrote it for: all a rebuild may reuse
    embedded_keys: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def passages_per_second(self) -> float:
        return self.embedded / self.embed_seconds if self.embed_seconds else 0.0


ProgressFn = Callable[[str, int, int, "IngestReport"], None]
# (doc_id, chunks embedded so far, chunks to embed): called after each batch is in the vector store
EmbeddedFn = Callable[[str, int, int], None]


def refresh_facts(registry: DocumentRegistry, max_figures: int) -> int:
    """Read the facts of documents stored without them or by an older reader (from their stored chunks:
    nothing is re-read or re-embedded). Returns how many documents were read."""
    done = 0
    for doc_id in registry.stale_facts(FACTS_VERSION):
        meta = registry.document(doc_id)
        if meta is None:
            continue
        chunks = list(registry.chunks(registry.chunk_ids(doc_id)).values())
        facts = extract_facts(chunks, meta, max_figures)
        done += registry.set_facts(doc_id, meta.source_hash, facts.version, facts.model_dump_json())
    return done


def embedding_key(model_id: str, text: str) -> str:
    """The key a vector is stored under beside its chunk id: the same text for the same model has the same vector."""
    return hashlib.sha256(f"{model_id}\n{text}".encode()).hexdigest()[:32]


class IngestPipeline:
    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        store: DenseStore,
        registry: DocumentRegistry,
        segmenter: WordSegmenter,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.registry = registry
        self.segmenter = segmenter
        self.lock = WriteLock(settings.write_lock_path)

    def run(
        self,
        paths: list[Path],
        rebuild: bool = False,
        progress: ProgressFn | None = None,
        overrides: dict[str, dict[str, object]] | None = None,
        on_embedded: EmbeddedFn | None = None,
    ) -> IngestReport:
        with self.lock.hold():
            return self._run(paths, rebuild, progress, overrides, on_embedded)

    def _run(
        self,
        paths: list[Path],
        rebuild: bool,
        progress: ProgressFn | None,
        overrides: dict[str, dict[str, object]] | None,
        on_embedded: EmbeddedFn | None,
    ) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        files = discover(paths)
        known = {d.doc_id: d for d in self.registry.documents()}
        plan = self._plan(files, overrides or {}, known)
        todo = [(path, doc_id) for path, (doc_id, skip) in zip(files, plan, strict=True) if skip is None]

        def read(item: tuple[Path, str]) -> ReadyFile:
            return self._read(item[0], item[1], rebuild, (overrides or {}).get(str(item[0])), report.stages)

        with Prefetcher(todo, read, self.settings.ingestion.prepare_ahead) as ready_files:
            for index, (path, (_, skip)) in enumerate(zip(files, plan, strict=True)):
                if progress:
                    progress(path.name, index, len(files), report)
                if skip is not None:
                    report.skipped.append(Skipped.because(path, skip))
                    continue
                try:
                    self._commit(ready_files.next(), report, rebuild, (overrides or {}).get(str(path)), on_embedded)
                except IngestError as exc:
                    report.skipped.append(Skipped.because(path, exc))
                except Exception as exc:  # one bad file must not stop the others; its previous version stays
                    log.exception("ingest of %s failed", path)
                    report.skipped.append(Skipped.because(path, ingest_failure(exc)))
        with report.stages.timing("sweep"):
            self._remove_vanished(paths, known, {doc_id for doc_id, _ in plan if doc_id}, report)
            self.sweep()
            refresh_facts(self.registry, self.settings.ingestion.max_figures)
        report.seconds = time.perf_counter() - started
        if progress:
            progress("", len(files), len(files), report)
        return report

    def _plan(
        self, files: list[Path], overrides: dict[str, dict[str, object]], known: dict[str, DocumentMeta]
    ) -> list[tuple[str, IngestError | None]]:
        """Each file's document id ("" for a file of no supported kind) and why it is not read, if it is not."""
        plan: list[tuple[str, IngestError | None]] = []
        for path in files:
            if path.suffix.lower() not in SUPPORTED:
                plan.append(("", IngestError("unsupported_extension", suffix=path.suffix or "-")))
                continue
            doc_id = str(overrides.get(str(path), {}).get("doc_id") or doc_id_for(path))
            if doc_id in known and self._replaced_by_upload(known[doc_id], path):
                # an admin replaced this file's document on purpose: the file does not silently take it back
                plan.append((doc_id, IngestError("replaced_by_upload", doc_id=doc_id)))
                continue
            plan.append((doc_id, None))
        return plan

    def _remove_vanished(self, paths: list[Path], known: dict[str, DocumentMeta], seen: set[str], report: IngestReport) -> None:
        """A file removed from a scanned folder leaves both indexes."""
        scanned_dirs = [p.resolve() for p in paths if p.is_dir()]
        for doc_id, meta in known.items():
            src = Path(meta.source_path).resolve()
            if doc_id not in seen and any(d in src.parents for d in scanned_dirs) and not src.exists():
                self.remove(doc_id)
                report.removed.append(doc_id)

    def _replaced_by_upload(self, meta: DocumentMeta, path: Path) -> bool:
        source = Path(meta.source_path).resolve()
        return source != path.resolve() and self.settings.upload_dir.resolve() in source.parents

    def _read(
        self,
        path: Path,
        doc_id: str,
        rebuild: bool,
        overrides: dict[str, object] | None,
        times: StageTimes,
        check: Callable[[], None] | None = None,
    ) -> ReadyFile:
        """All before the model, on whichever thread: errors come back as values, raised at the file's turn."""
        try:
            current = None if rebuild or overrides else self.registry.source_hash(doc_id)
            return read_file(path, doc_id, current, self.settings, self.segmenter, overrides, check, times)
        except Exception as exc:
            return ReadyFile(path, doc_id, error=exc)

    def ingest_file(
        self,
        path: Path,
        report: IngestReport,
        rebuild: bool = False,
        overrides: dict[str, object] | None = None,
        on_embedded: EmbeddedFn | None = None,
        check: Callable[[], None] | None = None,
    ) -> str:
        """One document, start to commit. The caller holds `self.lock`. `check` is called between steps
        and per page and batch: it raises to stop a job that ran out of time."""
        doc_id = str((overrides or {}).get("doc_id") or doc_id_for(path))
        ready = self._read(path, doc_id, rebuild, overrides, report.stages, check)
        return self._commit(ready, report, rebuild, overrides, on_embedded, check)

    def _commit(
        self,
        ready: ReadyFile,
        report: IngestReport,
        rebuild: bool,
        overrides: dict[str, object] | None,
        on_embedded: EmbeddedFn | None,
        check: Callable[[], None] | None = None,
    ) -> str:
        """The writer's part of one document: embed, upsert, commit (on the caller's thread, in file order)."""
        if ready.error is not None:
            raise ready.error
        doc_id = ready.doc_id
        current = self.registry.source_hash(doc_id)
        if ready.unchanged_since is not None:
            if current == ready.unchanged_since:
                report.unchanged.append(doc_id)
                return doc_id
            # an earlier file of this run gave its document the same id: read this one against what is there now
            ready = self._read(ready.path, doc_id, rebuild, overrides, report.stages, check)
            return self._commit(ready, report, rebuild, overrides, on_embedded, check)
        assert ready.prepared is not None and ready.tokens is not None and ready.facts is not None
        prepared = ready.prepared
        if check:
            check()
        self._embed_and_upsert(prepared, report, rebuild, on_embedded, check)
        with report.stages.timing("registry"):
            old_ids = set(self.registry.chunk_ids(doc_id))
            stale = sorted(old_ids - {c.chunk_id for c in prepared.chunks})
            # the version being replaced stays restorable: its vectors are copied aside before the commit
            forgotten = self._previous_only(doc_id, old_ids) if current else []
            self.store.keep_previous(stale)
            self.registry.replace_document(
                prepared.meta, prepared.structured.text, prepared.structured.outline, prepared.chunks, ready.tokens,
                prepared.refs, facts=(ready.facts.version, ready.facts.model_dump_json()),
            )
            self.store.delete(stale)
            self.store.delete(forgotten, previous=True)
        (report.updated if current else report.added).append(doc_id)
        report.chunks += len(prepared.chunks)
        return doc_id

    def _previous_only(self, doc_id: str, live: set[str]) -> list[str]:
        """Vectors only the older previous version needs: it is about to be overwritten by the current one."""
        older = self.registry.previous_version(doc_id)
        return sorted(set(older.chunk_ids) - live) if older else []

    def _embed_and_upsert(
        self,
        prepared: PreparedDocument,
        report: IngestReport,
        rebuild: bool,
        on_embedded: EmbeddedFn | None,
        check: Callable[[], None] | None = None,
    ) -> None:
        """Vectors for the chunks Chroma lacks: a text already stored (for the model in use) is copied, each other
        distinct text embedded once. Written batch by batch, so a killed run keeps what it embedded."""
        times = report.stages
        with times.timing("upsert"):
            existing = set() if rebuild else self.store.existing_ids([c.chunk_id for c in prepared.chunks])
            todo = [c for c in prepared.chunks if c.chunk_id not in existing]
            keys = [embedding_key(self.embedder.model_id, c.embed_text) for c in todo]
            known = self._stored_vectors(sorted(set(keys)), rebuild, report) if todo else {}
        if any(k not in known for k in keys):  # a run that only copies vectors never loads the model
            self.embedder.warm()
        batch = self.settings.ingestion.embed_batch
        for start in range(0, len(todo), batch):
            part, part_keys = todo[start : start + batch], keys[start : start + batch]
            self._embed_missing(part, part_keys, known, report)
            with times.timing("upsert"):
                self.store.upsert([(c.chunk_id, c.doc_id, known[k]) for c, k in zip(part, part_keys, strict=True)], part_keys)
            if rebuild:
                for chunk, key in zip(part, part_keys, strict=True):
                    report.embedded_keys.setdefault(key, chunk.chunk_id)
            if on_embedded:
                on_embedded(prepared.meta.doc_id, start + len(part), len(todo))
            if check:
                check()

    def _stored_vectors(self, keys: list[str], rebuild: bool, report: IngestReport) -> dict[str, np.ndarray]:
        """Vectors stored for these texts by the model in use; a rebuild embeds again, so it takes only those this run
        wrote (by chunk id: an older vector of the same key may still be there)."""
        if not rebuild:
            return self.store.vectors_by_key(keys)
        written = {report.embedded_keys[k]: k for k in keys if k in report.embedded_keys}
        found, matrix = self.store.vectors(sorted(written))
        return {written[cid]: row for cid, row in zip(found, matrix, strict=True)}

    def _embed_missing(self, part: list[Chunk], keys: list[str], known: dict[str, np.ndarray], report: IngestReport) -> None:
        """Embed the distinct texts of `part` not in `known`, and add them to it."""
        text_of = {k: c.embed_text for c, k in zip(part, keys, strict=True) if k not in known}
        fresh = list(text_of)
        if fresh:
            with report.stages.timing("embed"):
                t0 = time.perf_counter()
                vectors = self.embedder.embed_batch([text_of[k] for k in fresh])
                report.embed_seconds += time.perf_counter() - t0
            known.update(zip(fresh, vectors, strict=True))
        report.embedded += len(fresh)
        report.reused += len(part) - len(fresh)

    def remove(self, doc_id: str) -> bool:
        """Take a document out of both indexes; it stays restorable as its previous version. The caller holds the lock."""
        ids = self.registry.chunk_ids(doc_id)
        if self.registry.document(doc_id) is None:
            return False
        forgotten = self._previous_only(doc_id, set(ids))
        self.store.keep_previous(ids)
        self.registry.delete_document(doc_id)
        self.store.delete(ids)
        self.store.delete(forgotten, previous=True)
        return True

    def restore(self, doc_id: str) -> DocumentMeta | None:
        """Swap a document's previous version back in (the current one becomes the previous). The caller holds the lock."""
        older = self.registry.previous_version(doc_id)
        if older is None:
            return None
        live = set(self.registry.chunk_ids(doc_id))
        coming = set(older.chunk_ids)
        self.store.bring_back(sorted(coming - live))
        self.store.keep_previous(sorted(live - coming))
        self.registry.restore(doc_id)
        self.store.delete(sorted(live - coming))
        self.store.delete(sorted(coming - live), previous=True)
        refresh_facts(self.registry, self.settings.ingestion.max_figures)  # a restored version may have been stored without facts
        return self.registry.document(doc_id)

    def sweep(self) -> int:
        """Delete vectors the registry does not know (left by a killed run or a failed job) and previous versions
        past their time. The caller holds the lock: a writer between embedding and commit would lose its vectors."""
        keep_s = self.settings.ingestion.keep_previous_days * 86_400
        self.registry.drop_previous(older_than=time.time() - keep_s)
        stray = sorted(self.store.all_ids() - set(self.registry.chunk_ids()))
        if stray:
            self.store.delete(stray)
        stale_previous = sorted(self.store.all_ids(previous=True) - self.registry.previous_chunk_ids())
        if stale_previous:
            self.store.delete(stale_previous, previous=True)
        if self.registry.state("doc_key_backfilled") != "1":
            # once per index: vectors written before the doc key existed get it
            self.store.backfill_doc_key(self.registry.chunk_doc_map())
            self.registry.set_state("doc_key_backfilled", "1")
        return len(stray)
