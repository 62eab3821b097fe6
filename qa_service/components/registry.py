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
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qa_service.models import Chunk, CrossRef, DocumentMeta, OutlineEntry

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
    tokens TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, ordinal);
CREATE TABLE IF NOT EXISTS refs (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    chunk_id TEXT NOT NULL,
    key TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS refs_key ON refs(key);
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
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO state(key, value) VALUES ('version', '0');
"""


class Registry:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        conn = self._conn()
        conn.executescript(SCHEMA)
        # indexes made before jobs had an owner
        columns = {row[1] for row in conn.execute("PRAGMA table_info(jobs)")}
        if "owner" not in columns:
            conn.execute("ALTER TABLE jobs ADD COLUMN owner TEXT NOT NULL DEFAULT ''")

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- writes ----------------------------------------------------------
    def replace_document(
        self,
        doc: DocumentMeta,
        text: str,
        outline: list[OutlineEntry],
        chunks: list[Chunk],
        tokens: dict[str, list[str]],
        refs: list[CrossRef],
    ) -> None:
        with self._tx() as db:
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
            db.executemany(
                "INSERT INTO chunks(chunk_id, doc_id, ordinal, data, tokens) VALUES (?,?,?,?,?)",
                [
                    (c.chunk_id, c.doc_id, c.ordinal, c.model_dump_json(), " ".join(tokens[c.chunk_id]))
                    for c in chunks
                ],
            )
            db.executemany(
                "INSERT INTO refs(doc_id, chunk_id, key, data) VALUES (?,?,?,?)",
                [(r.doc_id, r.chunk_id, r.key, r.model_dump_json()) for r in refs],
            )
            self._bump(db)

    def delete_document(self, doc_id: str) -> list[str]:
        with self._tx() as db:
            ids = [r[0] for r in db.execute("SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc_id,))]
            db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            self._bump(db)
        return ids

    @staticmethod
    def _bump(db: sqlite3.Connection) -> None:
        db.execute("UPDATE state SET value = CAST(value AS INTEGER) + 1 WHERE key = 'version'")

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

    def documents(self) -> list[DocumentMeta]:
        rows = self._conn().execute("SELECT meta FROM documents ORDER BY doc_id").fetchall()
        return [DocumentMeta.model_validate_json(r[0]) for r in rows]

    def document(self, doc_id: str) -> DocumentMeta | None:
        row = self._conn().execute("SELECT meta FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return DocumentMeta.model_validate_json(row[0]) if row else None

    def document_text(self, doc_id: str) -> tuple[str, list[OutlineEntry]] | None:
        row = self._conn().execute("SELECT text, outline FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if not row:
            return None
        return row[0], [OutlineEntry.model_validate(o) for o in json.loads(row[1])]

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

    def neighbours(self, doc_id: str, ordinal: int, span: int = 1) -> list[Chunk]:
        rows = self._conn().execute(
            "SELECT data FROM chunks WHERE doc_id = ? AND ordinal BETWEEN ? AND ? ORDER BY ordinal",
            (doc_id, ordinal - span, ordinal + span),
        )
        return [Chunk.model_validate_json(r[0]) for r in rows]

    def iter_tokens(self) -> Iterator[tuple[str, list[str]]]:
        for cid, tokens in self._conn().execute("SELECT chunk_id, tokens FROM chunks ORDER BY doc_id, ordinal"):
            yield cid, tokens.split()

    def tokens(self, chunk_id: str) -> list[str]:
        row = self._conn().execute("SELECT tokens FROM chunks WHERE chunk_id = ?", (chunk_id,)).fetchone()
        return row[0].split() if row else []

    # -- ingestion jobs (in SQLite so every API worker sees every job) ---
    def create_job(self, job_id: str, filename: str, owner: str) -> None:
        now = time.time()
        with self._tx() as db:
            db.execute(
                "INSERT INTO jobs(job_id, filename, status, created, updated, owner) VALUES (?,?,?,?,?,?)",
                (job_id, filename, "queued", now, now, owner),
            )

    def unfinished_jobs(self) -> list[tuple[str, str]]:
        rows = self._conn().execute("SELECT job_id, owner FROM jobs WHERE status IN ('queued', 'running')").fetchall()
        return [(r[0], r[1]) for r in rows]

    def update_job(self, job_id: str, **fields: object) -> None:
        allowed = {"status", "progress", "doc_id", "message_vi", "message_en"}
        sets = [f"{k} = ?" for k in fields if k in allowed]
        with self._tx() as db:
            db.execute(
                f"UPDATE jobs SET {', '.join(sets + ['updated = ?'])} WHERE job_id = ?",
                [*[v for k, v in fields.items() if k in allowed], time.time(), job_id],
            )

    def job(self, job_id: str) -> dict[str, object] | None:
        conn = self._conn()
        conn.row_factory = sqlite3.Row
        try:
            row = conn.execute("SELECT * FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        finally:
            conn.row_factory = None
        return dict(row) if row else None

    def refs(self) -> list[CrossRef]:
        rows = self._conn().execute("SELECT data FROM refs").fetchall()
        return [CrossRef.model_validate_json(r[0]) for r in rows]
