"""Conversations kept by the service: the questions, the checked answers it gave, and the pinned ones.

The answer stored is the service's own response (quotes already verified), never text a client sends, so a
shared link or a briefing built from pins shows exactly what the service answered. Everything here is
bounded (conversations, turns per conversation, age): see `ConversationSettings`.

Each conversation has an owner: the digest of the client key its creator sent («» for a client that sent none).
Only the owner lists it, asks into it, pins, unpins or deletes it; anyone holding its id (a shared link) reads it.
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from qa_service.components.sqlite import SqliteFile

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    owner TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS conversations_updated ON conversations(updated);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    question TEXT NOT NULL,
    response TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (conversation_id, n)
);
CREATE TABLE IF NOT EXISTS pinned (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    turn INTEGER NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (conversation_id, turn)
);
"""


# 16 random bytes: 22 URL-safe characters, 128 bits no one guesses
ID_BYTES = 16


class StoredTurn(BaseModel):
    n: int
    question: str
    response: dict[str, Any]  # the AskResponse as sent
    at: float


class ConversationSummary(BaseModel):
    id: str
    title: str
    created: float
    updated: float
    turns: int


class StoredConversation(ConversationSummary):
    history: list[StoredTurn]
    pinned: list[int]  # turn numbers, in the order they were pinned
    owner: str = ""  # the digest of its creator's client key


class ConversationFull(Exception):
    pass


class ConversationStore(SqliteFile):
    schema = SCHEMA

    def __init__(self, path: Path, max_conversations: int, max_turns: int, keep_days: float) -> None:
        super().__init__(path)
        self.max_conversations = max_conversations
        self.max_turns = max_turns
        self.keep_days = keep_days
        with self._tx() as db:  # a store written before conversations had owners: theirs is the keyless client
            if "owner" not in {row[1] for row in db.execute("PRAGMA table_info(conversations)")}:
                db.execute("ALTER TABLE conversations ADD COLUMN owner TEXT NOT NULL DEFAULT ''")
            db.execute("CREATE INDEX IF NOT EXISTS conversations_owner ON conversations(owner, updated)")

    def create(self, title: str = "", owner: str = "") -> str:
        """A new, empty conversation of `owner`; the oldest ones go first when the store is full or they expired."""
        conversation_id = secrets.token_urlsafe(ID_BYTES)  # a shared link is the key: not guessable
        now = time.time()
        with self._tx() as db:
            db.execute("DELETE FROM conversations WHERE updated < ?", (now - self.keep_days * 86400,))
            (count,) = db.execute("SELECT COUNT(*) FROM conversations").fetchone()
            excess = count - self.max_conversations + 1
            if excess > 0:
                db.execute(
                    "DELETE FROM conversations WHERE id IN (SELECT id FROM conversations ORDER BY updated LIMIT ?)", (excess,)
                )
            db.execute(
                "INSERT INTO conversations(id, title, created, updated, owner) VALUES (?,?,?,?,?)", (conversation_id, title, now, now, owner)
            )
        return conversation_id

    def turn_count(self, conversation_id: str, owner: str = "") -> int | None:
        """None when `owner` has no such conversation."""
        row = self._conn().execute(
            "SELECT (SELECT COUNT(*) FROM turns WHERE conversation_id=c.id) FROM conversations c WHERE c.id=? AND c.owner=?",
            (conversation_id, owner),
        ).fetchone()
        return None if row is None else int(row[0])

    def add_turn(self, conversation_id: str, question: str, response: dict[str, Any], owner: str = "") -> int | None:
        """The turn's number; None when `owner` has no such conversation. ConversationFull at the limit."""
        now = time.time()
        with self._tx() as db:
            row = db.execute(
                "SELECT title, (SELECT COUNT(*) FROM turns WHERE conversation_id=?) FROM conversations WHERE id=? AND owner=?",
                (conversation_id, conversation_id, owner),
            ).fetchone()
            if row is None:
                return None
            title, count = row
            if count >= self.max_turns:
                raise ConversationFull()
            db.execute(
                "INSERT INTO turns(conversation_id, n, question, response, at) VALUES (?,?,?,?,?)",
                (conversation_id, count, question, json.dumps(response, ensure_ascii=False), now),
            )
            db.execute(
                "UPDATE conversations SET updated=?, title=? WHERE id=?", (now, title or question[:120], conversation_id)
            )
        return int(count)

    def recent(self, limit: int, owner: str = "") -> list[ConversationSummary]:
        rows = self._conn().execute(
            "SELECT c.id, c.title, c.created, c.updated, (SELECT COUNT(*) FROM turns t WHERE t.conversation_id=c.id) "
            "FROM conversations c WHERE c.owner=? ORDER BY c.updated DESC LIMIT ?",
            (owner, limit),
        ).fetchall()
        return [ConversationSummary(id=r[0], title=r[1], created=r[2], updated=r[3], turns=r[4]) for r in rows]

    def get(self, conversation_id: str) -> StoredConversation | None:
        conn = self._conn()
        row = conn.execute("SELECT id, title, created, updated, owner FROM conversations WHERE id=?", (conversation_id,)).fetchone()
        if row is None:
            return None
        turns = [
            StoredTurn(n=n, question=q, response=json.loads(r), at=at)
            for n, q, r, at in conn.execute(
                "SELECT n, question, response, at FROM turns WHERE conversation_id=? ORDER BY n", (conversation_id,)
            )
        ]
        pinned = [t for (t,) in conn.execute("SELECT turn FROM pinned WHERE conversation_id=? ORDER BY at, turn", (conversation_id,))]
        return StoredConversation(
            id=row[0], title=row[1], created=row[2], updated=row[3], turns=len(turns), history=turns, pinned=pinned, owner=row[4]
        )

    def delete(self, conversation_id: str, owner: str = "") -> bool:
        with self._tx() as db:
            return db.execute("DELETE FROM conversations WHERE id=? AND owner=?", (conversation_id, owner)).rowcount > 0

    def pin(self, conversation_id: str, turn: int) -> bool:
        """False when there is no such turn (the owner is checked first: ConversationService). Pinning twice keeps
        the first place in the briefing."""
        with self._tx() as db:
            if db.execute("SELECT 1 FROM turns WHERE conversation_id=? AND n=?", (conversation_id, turn)).fetchone() is None:
                return False
            db.execute("INSERT OR IGNORE INTO pinned(conversation_id, turn, at) VALUES (?,?,?)", (conversation_id, turn, time.time()))
            db.execute("UPDATE conversations SET updated=? WHERE id=?", (time.time(), conversation_id))
        return True

    def unpin(self, conversation_id: str, turn: int) -> bool:
        with self._tx() as db:
            return db.execute("DELETE FROM pinned WHERE conversation_id=? AND turn=?", (conversation_id, turn)).rowcount > 0
