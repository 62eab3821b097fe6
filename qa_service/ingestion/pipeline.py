"""Ingestion as small steps: load -> clean -> split -> enrich -> embed -> upsert.

Chunk ids are `doc_id:content-hash`, so an unchanged corpus embeds nothing and
a changed file re-embeds only the chunks that changed. The registry commit is
the last step per document: a run killed midway leaves the previous index
usable and the next run finishes the work (vectors already in Chroma are
reused, stray ones are swept).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qa_service.components.embedder import Embedder
from qa_service.components.lexical import WordSegmenter, lexical_tokens
from qa_service.components.protocols import DenseStore, DocumentRegistry
from qa_service.components.write_lock import WriteLock
from qa_service.errors import IngestError, ingest_failure
from qa_service.ingestion.chunker import make_chunks
from qa_service.ingestion.clean import clean
from qa_service.ingestion.facts import FACTS_VERSION, extract_facts
from qa_service.ingestion.readers import SUPPORTED, RawDocument, file_hash, load
from qa_service.ingestion.structure import StructuredDocument, structure
from qa_service.models import Chunk, CrossRef, DocumentMeta
from qa_service.references import find_refs
from qa_service.settings import Settings
from qa_service.text import slug

log = logging.getLogger("ingest")

# bump when cleaning/chunking changes, so every document is re-processed once
PIPELINE_VERSION = "13"


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
    embedded: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0

    @property
    def passages_per_second(self) -> float:
        return self.embedded / self.embed_seconds if self.embed_seconds else 0.0


@dataclass
class PreparedDocument:
    meta: DocumentMeta
    structured: StructuredDocument
    chunks: list[Chunk]
    refs: list[CrossRef]


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


def doc_id_for(path: Path) -> str:
    return slug(path.stem, "document", max_length=200)


def discover(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p for p in sorted(path.rglob("*")) if p.is_file() and p.name.lower() != "readme.md" and not p.name.startswith(".")
            )
        else:
            files.append(path)
    return files


def prepare(raw: RawDocument, settings: Settings, overrides: dict[str, object] | None = None) -> PreparedDocument:
    """clean -> split -> enrich, without the model."""
    paragraphs = clean(raw)
    structured = structure(paragraphs)
    if not structured.units:
        raise IngestError("no_paragraphs")
    doc_id = str((overrides or {}).get("doc_id") or doc_id_for(raw.path))
    meta = _metadata(doc_id, raw, structured, overrides or {})
    short_title = meta.title if len(meta.title) <= 90 else meta.title[:87] + "…"
    chunks = make_chunks(
        doc_id, structured.text, structured.units, short_title, settings.chunking.max_tokens, settings.chunking.min_tokens
    )
    if len(chunks) > settings.ingestion.max_chunks:  # checked before anything is embedded
        raise IngestError("too_many_chunks", n=settings.ingestion.max_chunks)
    refs: list[CrossRef] = []
    own = {meta.doc_number.upper()} if meta.doc_number else set()
    for chunk in chunks:
        found = [r for r in find_refs(chunk.text) if (r.number or "").upper() not in own]
        chunk.refs = [r.key for r in found]
        for ref in found:
            refs.append(ref.model_copy(update={"doc_id": doc_id, "chunk_id": chunk.chunk_id}))
    return PreparedDocument(meta, structured, chunks, refs)


def _metadata(doc_id: str, raw: RawDocument, sd: StructuredDocument, overrides: dict[str, object]) -> DocumentMeta:
    fm = raw.front_matter
    found = sd.meta

    def pick(*values: object) -> str | None:
        for value in values:
            if value not in (None, ""):
                return str(value)
        return None

    signer = pick(fm.get("signer"))
    signer_name = found.get("signer") or (signer.split(",")[0].strip() if signer else None)
    # a consolidated text's own number is the one it authenticates at the end («19/VBHN-BTC»); the masthead may
    # still carry the original act's («Số: 49/2018/NĐ-CP»)
    own_tail = found.get("tail_number") if found.get("consolidated") else None
    number = pick(overrides.get("doc_number"), fm.get("doc_number"), own_tail, found.get("doc_number"), found.get("tail_number"))
    title = pick(overrides.get("title"), fm.get("title"), found.get("title_guess"))
    consolidated = bool(found.get("consolidated")) or bool(number and "VBHN" in number.upper())
    if title and not pick(overrides.get("title"), fm.get("title")) and consolidated:
        # a consolidated text is titled after its own heading, and says what it is
        title = f"{title} (văn bản hợp nhất)"
    if not title:
        first = next((o.title for o in sd.outline if o.level == 0), None)
        # an upload is read from its staging name: the name it was uploaded under is the fallback
        title = first or str(overrides.get("display_name") or raw.path.stem).replace("-", " ").capitalize()
    return DocumentMeta(
        doc_id=doc_id,
        title=title,
        doc_number=number,
        doc_type=pick(overrides.get("doc_type"), fm.get("doc_type"), found.get("doc_type")),
        issuer=pick(overrides.get("issuer"), fm.get("issuer"), found.get("issuer")),
        # a consolidated text is dated by its authentication, not by the act it consolidates: of three consolidations
        # of one law, the newest is the text in force
        issued=pick(overrides.get("issued"), fm.get("issued"), found.get("consolidated_on") if consolidated else None, found.get("issued")),
        signer=pick(signer_name),
        signer_position=pick(found.get("signer_position")),
        recipients=list(found.get("recipients") or []),  # type: ignore[call-overload]
        language=str(fm.get("language") or "vi"),
        source_path=str(overrides.get("source_path") or raw.path),
        source_hash=f"{raw.source_hash}:{PIPELINE_VERSION}",
        pages=raw.pages,
    )


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
        seen: set[str] = set()
        for index, path in enumerate(files):
            if progress:
                progress(path.name, index, len(files), report)
            if path.suffix.lower() not in SUPPORTED:
                report.skipped.append(Skipped.because(path, IngestError("unsupported_extension", suffix=path.suffix or "-")))
                continue
            doc_id = str((overrides or {}).get(str(path), {}).get("doc_id") or doc_id_for(path))
            seen.add(doc_id)
            if doc_id in known and self._replaced_by_upload(known[doc_id], path):
                # an admin replaced this file's document on purpose: the file does not silently take it back
                report.skipped.append(Skipped.because(path, IngestError("replaced_by_upload", doc_id=doc_id)))
                continue
            try:
                self.ingest_file(path, report, rebuild, (overrides or {}).get(str(path)), on_embedded)
            except IngestError as exc:
                report.skipped.append(Skipped.because(path, exc))
            except Exception as exc:  # one bad file must not stop the others; its previous version stays
                log.exception("ingest of %s failed", path)
                report.skipped.append(Skipped.because(path, ingest_failure(exc)))
        # a file removed from a scanned folder leaves both indexes
        scanned_dirs = [p.resolve() for p in paths if p.is_dir()]
        for doc_id, meta in known.items():
            src = Path(meta.source_path).resolve()
            if doc_id not in seen and any(d in src.parents for d in scanned_dirs) and not src.exists():
                self.remove(doc_id)
                report.removed.append(doc_id)
        self.sweep()
        refresh_facts(self.registry, self.settings.ingestion.max_figures)
        report.seconds = time.perf_counter() - started
        if progress:
            progress("", len(files), len(files), report)
        return report

    def _replaced_by_upload(self, meta: DocumentMeta, path: Path) -> bool:
        source = Path(meta.source_path).resolve()
        return source != path.resolve() and self.settings.upload_dir.resolve() in source.parents

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
        current = self.registry.source_hash(doc_id)
        if not rebuild and not overrides and current and path.is_file():
            # hash the bytes before parsing anything: an unchanged file costs one read
            if current == f"{file_hash(path.read_bytes())}:{PIPELINE_VERSION}":
                report.unchanged.append(doc_id)
                return doc_id
        raw = load(path, self.settings.ingestion, tick=check)
        prepared = prepare(raw, self.settings, {**(overrides or {}), "doc_id": doc_id})
        if check:
            check()
        self._embed_and_upsert(prepared, report, rebuild, on_embedded, check)
        tokens = {c.chunk_id: lexical_tokens(c.context.split(" > ")[-1] + " " + c.text if c.context else c.text, self.segmenter) for c in prepared.chunks}
        old_ids = set(self.registry.chunk_ids(doc_id))
        stale = sorted(old_ids - {c.chunk_id for c in prepared.chunks})
        # the version being replaced stays restorable: its vectors are copied aside before the commit
        forgotten = self._previous_only(doc_id, old_ids) if current else []
        self.store.keep_previous(stale)
        facts = extract_facts(prepared.chunks, prepared.meta, self.settings.ingestion.max_figures)
        self.registry.replace_document(
            prepared.meta, prepared.structured.text, prepared.structured.outline, prepared.chunks, tokens, prepared.refs,
            facts=(facts.version, facts.model_dump_json()),
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
        ids = [c.chunk_id for c in prepared.chunks]
        existing = set() if rebuild else self.store.existing_ids(ids)
        todo = [c for c in prepared.chunks if c.chunk_id not in existing]
        if todo:
            self.embedder.warm()
        batch = self.settings.ingestion.embed_batch
        for start in range(0, len(todo), batch):
            part = todo[start : start + batch]
            t0 = time.perf_counter()
            vectors = self.embedder.embed_batch([c.embed_text for c in part])
            report.embed_seconds += time.perf_counter() - t0
            report.embedded += len(part)
            self.store.upsert([(c.chunk_id, c.doc_id, v) for c, v in zip(part, vectors, strict=True)])
            if on_embedded:
                on_embedded(prepared.meta.doc_id, start + len(part), len(todo))
            if check:
                check()

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
