"""Document registry: documents, chunks, lexical tokens and cross-references
in one SQLite file beside Chroma.

It is the commit point of ingestion: a document counts as indexed once its
transaction here commits. Vectors in Chroma that the registry does not know
(from a run that was killed) are ignored by the service and swept by the
next ingest. A version stamp increases on every change, so readers (several
API workers) can tell when to reload the lexical index.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from pydantic import BaseModel

from qa_service.components.sqlite import SqliteFile
from qa_service.models import Chunk, CrossRef, DocumentMeta, OutlineEntry

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source_path TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    meta TEXT NOT NULL,
    text TEXT NOT NULL,
    outline TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    data TEXT NOT NULL,
    tokens TEXT NOT NULL,
    written INTEGER NOT NULL DEFAULT 0  -- the registry version that wrote the row: BM25 re-reads only newer rows
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, ordinal);
CREATE TABLE IF NOT EXISTS refs (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    chunk_id TEXT NOT NULL,
    key TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS refs_key ON refs(key);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- the version a replace or delete took away, kept so it can be restored (one per document)
CREATE TABLE IF NOT EXISTS previous (
    doc_id TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    at REAL NOT NULL,
    document TEXT NOT NULL,
    chunks TEXT NOT NULL,
    refs TEXT NOT NULL
);
-- facts read out of the document at ingest (qa_service/ingestion/facts.py), as JSON; `version` is the reader's
CREATE TABLE IF NOT EXISTS facts (
    doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
);
INSERT OR IGNORE INTO state(key, value) VALUES ('version', '0');
"""


PreviousReason = Literal["replaced", "deleted"]


class PreviousVersion(BaseModel):
    """A version taken away by a replace or a delete, restorable until it expires or is replaced again."""

    doc_id: str
    reason: PreviousReason
    at: float
    meta: DocumentMeta
    chunk_ids: list[str]


class Registry(SqliteFile):
    schema = SCHEMA

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        columns = {row[1] for row in self._conn().execute("PRAGMA table_info(chunks)")}
        if "written" not in columns:  # a registry from before the stamp: its rows count as written at version 0
            try:
                self._conn().execute("ALTER TABLE chunks ADD COLUMN written INTEGER NOT NULL DEFAULT 0")
            except sqlite3.OperationalError as exc:  # another process added it first
                if "duplicate column" not in str(exc):
                    raise

    # -- writes ----------------------------------------------------------
    def replace_document(
        self,
        doc: DocumentMeta,
        text: str,
        outline: list[OutlineEntry],
        chunks: list[Chunk],
        tokens: dict[str, list[str]],
        refs: list[CrossRef],
        keep_previous: bool = True,
        facts: tuple[int, str] | None = None,
    ) -> None:
        """Replace a document in one transaction; `facts` is (reader version, JSON)."""
        with self._tx() as db:
            if keep_previous:
                self._archive(db, doc.doc_id, "replaced")
            db.execute("DELETE FROM documents WHERE doc_id = ?", (doc.doc_id,))
            db.execute(
                "INSERT INTO documents(doc_id, source_path, source_hash, meta, text, outline) VALUES (?,?,?,?,?,?)",
                (
                    doc.doc_id,
                    doc.source_path,
                    doc.source_hash,
                    doc.model_dump_json(),
                    text,
                    json.dumps([o.model_dump() for o in outline], ensure_ascii=False),
                ),
            )
            written = self._bump(db)
            db.executemany(
                "INSERT INTO chunks(chunk_id, doc_id, ordinal, data, tokens, written) VALUES (?,?,?,?,?,?)",
                [
                    (c.chunk_id, c.doc_id, c.ordinal, c.model_dump_json(), " ".join(tokens[c.chunk_id]), written)
                    for c in chunks
                ],
            )
            db.executemany(
                "INSERT INTO refs(doc_id, chunk_id, key, data) VALUES (?,?,?,?)",
                [(r.doc_id, r.chunk_id, r.key, r.model_dump_json()) for r in refs],
            )
            if facts is not None:
                db.execute("INSERT INTO facts(doc_id, version, data) VALUES (?,?,?)", (doc.doc_id, *facts))

    def set_facts(self, doc_id: str, source_hash: str, version: int, data: str) -> bool:
        """Store facts read from the document as it is now: not if it changed meanwhile (source_hash)."""
        with self._tx() as db:
            if db.execute("SELECT 1 FROM documents WHERE doc_id=? AND source_hash=?", (doc_id, source_hash)).fetchone() is None:
                return False
            db.execute("INSERT OR REPLACE INTO facts(doc_id, version, data) VALUES (?,?,?)", (doc_id, version, data))
            self._bump(db)  # what /actors and /targets show changed: readers keyed by the version see it
        return True

    def stale_facts(self, version: int) -> list[str]:
        """Documents whose facts are missing or were read by another version of the reader."""
        rows = self._conn().execute(
            "SELECT d.doc_id FROM documents d LEFT JOIN facts f ON f.doc_id = d.doc_id "
            "WHERE f.version IS NULL OR f.version != ? ORDER BY d.doc_id",
            (version,),
        )
        return [r[0] for r in rows]

    def facts(self) -> dict[str, str]:
        """doc_id -> facts JSON, for every document."""
        return dict(self._conn().execute("SELECT doc_id, data FROM facts ORDER BY doc_id").fetchall())

    def delete_document(self, doc_id: str, keep_previous: bool = True) -> list[str]:
        with self._tx() as db:
            ids = [r[0] for r in db.execute("SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc_id,))]
            if keep_previous:
                self._archive(db, doc_id, "deleted")
            db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            self._bump(db)
        return ids

    @staticmethod
    def _archive(db: sqlite3.Connection, doc_id: str, reason: PreviousReason) -> None:
        """Copy the current version into `previous` (replacing an older previous one), in the caller's transaction."""
        row = db.execute(
            "SELECT doc_id, source_path, source_hash, meta, text, outline FROM documents WHERE doc_id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            return
        chunks = db.execute("SELECT chunk_id, ordinal, data, tokens FROM chunks WHERE doc_id = ? ORDER BY ordinal", (doc_id,))
        refs = db.execute("SELECT chunk_id, key, data FROM refs WHERE doc_id = ? ORDER BY rowid", (doc_id,))
        db.execute(
            "INSERT OR REPLACE INTO previous(doc_id, reason, at, document, chunks, refs) VALUES (?,?,?,?,?,?)",
            (doc_id, reason, time.time(), json.dumps(list(row), ensure_ascii=False),
             json.dumps([list(c) for c in chunks], ensure_ascii=False), json.dumps([list(r) for r in refs], ensure_ascii=False)),
        )

    def restore(self, doc_id: str) -> bool:
        """Swap the previous version back in; the current one (if any) becomes the previous, so a restore is
        itself reversible. False when there is nothing to restore."""
        with self._tx() as db:
            row = db.execute("SELECT document, chunks, refs FROM previous WHERE doc_id = ?", (doc_id,)).fetchone()
            if row is None:
                return False
            db.execute("DELETE FROM previous WHERE doc_id = ?", (doc_id,))
            self._archive(db, doc_id, "replaced")
            db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            db.execute(
                "INSERT INTO documents(doc_id, source_path, source_hash, meta, text, outline) VALUES (?,?,?,?,?,?)",
                json.loads(row[0]),
            )
            written = self._bump(db)
            db.executemany(
                "INSERT INTO chunks(chunk_id, doc_id, ordinal, data, tokens, written) VALUES (?,?,?,?,?,?)",
                [(cid, doc_id, ordinal, data, tokens, written) for cid, ordinal, data, tokens in json.loads(row[1])],
            )
            db.executemany(
                "INSERT INTO refs(doc_id, chunk_id, key, data) VALUES (?,?,?,?)",
                [(doc_id, cid, key, data) for cid, key, data in json.loads(row[2])],
            )
        return True

    def drop_previous(self, older_than: float | None = None, doc_id: str | None = None) -> list[str]:
        """Forget previous versions (all of one document, or those kept since before `older_than`); returns their doc ids."""
        with self._tx() as db:
            if doc_id is not None:
                ids = [r[0] for r in db.execute("SELECT doc_id FROM previous WHERE doc_id = ?", (doc_id,))]
            else:
                ids = [r[0] for r in db.execute("SELECT doc_id FROM previous WHERE at < ?", (older_than or 0.0,))]
            db.executemany("DELETE FROM previous WHERE doc_id = ?", [(i,) for i in ids])
        return ids

    @staticmethod
    def _bump(db: sqlite3.Connection) -> int:
        """The next version, in the caller's transaction: readers see it when that commits."""
        db.execute("UPDATE state SET value = CAST(value AS INTEGER) + 1 WHERE key = 'version'")
        return int(db.execute("SELECT value FROM state WHERE key = 'version'").fetchone()[0])

    # -- reads -----------------------------------------------------------
    def state(self, key: str) -> str | None:
        row = self._conn().execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: str) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO state(key, value) VALUES (?, ?)", (key, value))

    def version(self) -> int:
        row = self._conn().execute("SELECT value FROM state WHERE key = 'version'").fetchone()
        return int(row[0])

    def source_hash(self, doc_id: str) -> str | None:
        row = self._conn().execute("SELECT source_hash FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def previous_versions(self) -> list[PreviousVersion]:
        rows = self._conn().execute("SELECT doc_id, reason, at, document, chunks FROM previous ORDER BY at DESC").fetchall()
        return [
            PreviousVersion(
                doc_id=doc_id, reason=reason, at=at, meta=DocumentMeta.model_validate_json(json.loads(document)[3]),
                chunk_ids=[c[0] for c in json.loads(chunks)],
            )
            for doc_id, reason, at, document, chunks in rows
        ]

    def previous_version(self, doc_id: str) -> PreviousVersion | None:
        return next((p for p in self.previous_versions() if p.doc_id == doc_id), None)

    def previous_chunk_ids(self) -> set[str]:
        out: set[str] = set()
        for (chunks,) in self._conn().execute("SELECT chunks FROM previous"):
            out.update(c[0] for c in json.loads(chunks))
        return out

    def source_paths(self) -> set[str]:
        """Files the index still refers to: the current versions' and the previous versions'."""
        conn = self._conn()
        paths = {r[0] for r in conn.execute("SELECT source_path FROM documents")}
        paths.update(json.loads(r[0])[1] for r in conn.execute("SELECT document FROM previous"))
        return paths

    def find_by_hash(self, source_hash: str) -> DocumentMeta | None:
        row = self._conn().execute("SELECT meta FROM documents WHERE source_hash = ? LIMIT 1", (source_hash,)).fetchone()
        return DocumentMeta.model_validate_json(row[0]) if row else None

    def documents(self) -> list[DocumentMeta]:
        """Every document's metadata. Read on every question (to resolve the documents it names), so parsed once
        per registry version; callers get copies."""
        version = self.version()
        cached = getattr(self, "_documents_cache", None)
        if cached is None or cached[0] != version:
            rows = self._conn().execute("SELECT meta FROM documents ORDER BY doc_id").fetchall()
            cached = (version, [DocumentMeta.model_validate_json(r[0]) for r in rows])
            self._documents_cache = cached
        return [m.model_copy() for m in cached[1]]

    def memo(self, name: str, build: Callable[[Registry], T]) -> T:
        """`build(self)`, computed once per registry version: for what is derived from every document (which versions
        replace which) and read on every question."""
        version = self.version()
        memos: dict[str, tuple[int, Any]] = self.__dict__.setdefault("_memos", {})
        cached = memos.get(name)
        if cached is None or cached[0] != version:
            cached = (version, build(self))
            memos[name] = cached
        return cast(T, cached[1])

    def ended(self) -> dict[str, list[dict[str, str]]]:
        """doc_id -> the documents it says it ends or replaces (facts «ended», read at ingest), parsed once per
        registry version like documents()."""
        version = self.version()
        cached = getattr(self, "_ended_cache", None)
        if cached is None or cached[0] != version:
            ended: dict[str, list[dict[str, str]]] = {}
            for doc_id, data in self.facts().items():
                items = json.loads(data).get("ended") or []
                if items:
                    ended[doc_id] = items
            cached = (version, ended)
            self._ended_cache = cached
        return {k: [dict(i) for i in v] for k, v in cached[1].items()}

    def document(self, doc_id: str) -> DocumentMeta | None:
        row = self._conn().execute("SELECT meta FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return DocumentMeta.model_validate_json(row[0]) if row else None

    def document_text(self, doc_id: str) -> tuple[str, list[OutlineEntry]] | None:
        row = self._conn().execute("SELECT text, outline FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if not row:
            return None
        return row[0], [OutlineEntry.model_validate(o) for o in json.loads(row[1])]

    def outline(self, doc_id: str) -> tuple[list[OutlineEntry], int] | None:
        """The document's outline and the length of its cleaned text, without reading the text."""
        row = self._conn().execute("SELECT outline, length(text) FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if not row:
            return None
        return [OutlineEntry.model_validate(o) for o in json.loads(row[0])], int(row[1])

    def document_count(self) -> int:
        return int(self._conn().execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def chunk_counts(self) -> dict[str, int]:
        rows = self._conn().execute("SELECT doc_id, COUNT(*) FROM chunks GROUP BY doc_id").fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def counts(self) -> tuple[int, int]:
        conn = self._conn()
        docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        chunks = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        return int(docs), int(chunks)

    def chunk_ids(self, doc_id: str | None = None) -> list[str]:
        conn = self._conn()
        if doc_id is None:
            return [r[0] for r in conn.execute("SELECT chunk_id FROM chunks")]
        return [r[0] for r in conn.execute("SELECT chunk_id FROM chunks WHERE doc_id = ? ORDER BY ordinal", (doc_id,))]

    def chunk_doc_map(self) -> dict[str, str]:
        return dict(self._conn().execute("SELECT chunk_id, doc_id FROM chunks").fetchall())

    def chunks(self, ids: list[str]) -> dict[str, Chunk]:
        if not ids:
            return {}
        out: dict[str, Chunk] = {}
        conn = self._conn()
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            for cid, data in conn.execute(f"SELECT chunk_id, data FROM chunks WHERE chunk_id IN ({marks})", part):
                out[cid] = Chunk.model_validate_json(data)
        return out

    def next_chunk(self, doc_id: str, ordinal: int, after: int) -> Chunk | None:
        """The first chunk of the document after `ordinal` that starts at or after offset `after`."""
        rows = self._conn().execute(
            "SELECT data FROM chunks WHERE doc_id = ? AND ordinal > ? ORDER BY ordinal LIMIT 4", (doc_id, ordinal)
        )
        chunks = [Chunk.model_validate_json(r[0]) for r in rows]
        return next((c for c in chunks if c.start >= after), None)

    def iter_tokens(self) -> Iterator[tuple[str, list[str]]]:
        for cid, tokens in self._conn().execute("SELECT chunk_id, tokens FROM chunks ORDER BY doc_id, ordinal"):
            yield cid, tokens.split()

    def tokens_since(self, version: int) -> tuple[list[str], dict[str, list[str]]]:
        """Every chunk id in iter_tokens' order, and the tokens of the rows written after `version` (for BM25 to
        update itself: the other rows it holds already). One read transaction, so both describe the same moment."""
        conn = self._conn()
        conn.execute("BEGIN")
        try:
            order = [r[0] for r in conn.execute("SELECT chunk_id FROM chunks ORDER BY doc_id, ordinal")]
            rows = conn.execute("SELECT chunk_id, tokens FROM chunks WHERE written > ?", (version,))
            fresh = {cid: tokens.split() for cid, tokens in rows}
        finally:
            conn.execute("COMMIT")
        return order, fresh

    def refs(self, doc_id: str | None = None) -> list[CrossRef]:
        """Cross-references, all or those of one citing document, in the order they were found."""
        if doc_id is None:
            rows = self._conn().execute("SELECT data FROM refs ORDER BY rowid").fetchall()
        else:
            rows = self._conn().execute("SELECT data FROM refs WHERE doc_id = ? ORDER BY rowid", (doc_id,)).fetchall()
        return [CrossRef.model_validate_json(r[0]) for r in rows]
