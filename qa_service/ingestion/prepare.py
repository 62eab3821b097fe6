"""Everything ingestion does to a file before the model: read -> clean -> structure -> chunk, then the BM25 tokens
and the facts. No index is written here, so it can run on a thread of its own ahead of the writer
(qa_service/ingestion/prefetch.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qa_service.components.lexical import WordSegmenter, lexical_tokens
from qa_service.errors import IngestError
from qa_service.ingestion.chunker import make_chunks
from qa_service.ingestion.clean import clean
from qa_service.ingestion.facts import DocumentFacts, extract_facts
from qa_service.ingestion.readers import RawDocument, file_hash, load
from qa_service.ingestion.stages import StageTimes
from qa_service.ingestion.structure import StructuredDocument, structure
from qa_service.models import Chunk, CrossRef, DocumentMeta
from qa_service.references import find_refs
from qa_service.settings import Settings
from qa_service.text import slug

# bump when cleaning/chunking changes, so every document is re-processed once
PIPELINE_VERSION = "13"


@dataclass
class PreparedDocument:
    meta: DocumentMeta
    structured: StructuredDocument
    chunks: list[Chunk]
    refs: list[CrossRef]


@dataclass
class ReadyFile:
    """One file as the writer receives it: prepared with its tokens and facts, or `unchanged_since` the registry
    hash it was found equal to (the writer checks it still is), or the error that stopped it (raised at its turn)."""

    path: Path
    doc_id: str
    prepared: PreparedDocument | None = None
    tokens: dict[str, list[str]] | None = None
    facts: DocumentFacts | None = None
    unchanged_since: str | None = None
    error: BaseException | None = None


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


def prepare(
    raw: RawDocument, settings: Settings, overrides: dict[str, object] | None = None, times: StageTimes | None = None
) -> PreparedDocument:
    """clean -> split -> enrich, without the model; `times` gets the seconds of each step."""
    times = times or StageTimes()
    with times.timing("clean"):
        paragraphs = clean(raw)
    with times.timing("structure"):
        structured = structure(paragraphs)
    if not structured.units:
        raise IngestError("no_paragraphs")
    doc_id = str((overrides or {}).get("doc_id") or doc_id_for(raw.path))
    meta = _metadata(doc_id, raw, structured, overrides or {})
    with times.timing("chunk"):
        chunks, refs = _chunks_and_refs(doc_id, structured, meta, settings)
    return PreparedDocument(meta, structured, chunks, refs)


def _chunks_and_refs(
    doc_id: str, structured: StructuredDocument, meta: DocumentMeta, settings: Settings
) -> tuple[list[Chunk], list[CrossRef]]:
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
    return chunks, refs


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


def lexical_text(chunk: Chunk) -> str:
    """What BM25 indexes of a chunk: its own heading (the last of its context) and its text."""
    return chunk.context.split(" > ")[-1] + " " + chunk.text if chunk.context else chunk.text


def read_file(
    path: Path,
    doc_id: str,
    current: str | None,
    settings: Settings,
    segmenter: WordSegmenter,
    overrides: dict[str, object] | None = None,
    check: Callable[[], None] | None = None,
    times: StageTimes | None = None,
) -> ReadyFile:
    """read -> prepare -> BM25 tokens -> facts: all a document needs before the model. `current` is the registry's
    hash of the document when an unchanged file may be passed over (no rebuild, no overrides), else None."""
    times = times or StageTimes()
    if current and path.is_file():
        with times.timing("read"):  # hash the bytes before parsing anything: an unchanged file costs one read
            same = current == f"{file_hash(path.read_bytes())}:{PIPELINE_VERSION}"
        if same:
            return ReadyFile(path, doc_id, unchanged_since=current)
    with times.timing("read"):
        raw = load(path, settings.ingestion, tick=check)
    prepared = prepare(raw, settings, {**(overrides or {}), "doc_id": doc_id}, times)
    if check:
        check()
    with times.timing("segment"):
        tokens = {c.chunk_id: lexical_tokens(lexical_text(c), segmenter) for c in prepared.chunks}
    if check:
        check()
    with times.timing("facts"):
        facts = extract_facts(prepared.chunks, prepared.meta, settings.ingestion.max_figures)
    return ReadyFile(path, doc_id, prepared, tokens, facts)
