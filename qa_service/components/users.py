"""Accounts (`QA__AUTH__MODE=accounts`): named users with a role and an argon2 hash of their password, and the
sessions a login opens.

A session token is 32 random bytes the client keeps; the store holds only its SHA-256, so a copy of the file opens
no session. A password check costs the same whether the name exists or not (an unknown name is checked against a
hash made once for that purpose), so the answer's time does not tell which names exist.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from qa_service.components.sqlite import SqliteFile

Role = Literal["admin", "reader"]
ROLES: tuple[Role, ...] = ("admin", "reader")
NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")  # a login name: no spaces, nothing a log line or a URL would mangle
MAX_PASSWORD_CHARS = 1024  # argon2 takes any length; a megabyte password would only cost the server its time

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    hash TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    created REAL NOT NULL,
    expires REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user, created);
"""


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    created: float


@dataclass(frozen=True)
class Session:
    """A logged-in user, as a valid session token stands for it."""

    name: str
    role: Role
    expires: float


class UnknownUser(Exception):
    pass


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise ValueError("a user name is 1-64 letters, digits or . _ @ -")
    return name


class UserStore(SqliteFile):
    schema = SCHEMA

    def __init__(self, path: Path, session_hours: float = 12.0, max_sessions: int = 10) -> None:
        super().__init__(path)
        self.session_s = session_hours * 3600
        self.max_sessions = max_sessions
        self._hasher = PasswordHasher()
        # checked against for a name that does not exist; made now, so the first such login takes no longer either
        self._absent_hash = self._hasher.hash(secrets.token_urlsafe(16))

    # -- users -----------------------------------------------------------------------------------------
    def add(self, name: str, role: Role, password: str) -> None:
        """A new user (ValueError for a taken or malformed name, an unknown role or an empty password)."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if not password or len(password) > MAX_PASSWORD_CHARS:
            raise ValueError(f"a password is 1-{MAX_PASSWORD_CHARS} characters")
        hashed = self._hasher.hash(password)
        with self._tx() as conn:
            if conn.execute("SELECT 1 FROM users WHERE name = ?", (check_name(name),)).fetchone():
                raise ValueError(f"user {name} exists")
            conn.execute("INSERT INTO users VALUES (?, ?, ?, ?)", (name, role, hashed, time.time()))

    def remove(self, name: str) -> None:
        """The user and its sessions (UnknownUser when there is none)."""
        with self._tx() as conn:
            if conn.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
                raise UnknownUser(name)

    def users(self) -> list[User]:
        rows = self._conn().execute("SELECT name, role, created FROM users ORDER BY name").fetchall()
        return [User(name, cast(Role, role), created) for name, role, created in rows]

    def verify(self, name: str, password: str) -> Role | None:
        """The user's role when the password is theirs; None otherwise, after the same work either way."""
        row = self._conn().execute("SELECT role, hash FROM users WHERE name = ?", (name,)).fetchone()
        stored = row[1] if row else self._absent_hash
        try:
            self._hasher.verify(stored, password[:MAX_PASSWORD_CHARS])
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if self._hasher.check_needs_rehash(stored):  # the hasher's parameters changed since: keep the new ones
            with self._tx() as conn:
                conn.execute("UPDATE users SET hash = ? WHERE name = ?", (self._hasher.hash(password), name))
        return cast(Role, row[0])

    # -- sessions --------------------------------------------------------------------------------------
    def open_session(self, name: str) -> tuple[str, float]:
        """A new session token for the user and when it expires; past `max_sessions` the oldest ones end."""
        token = secrets.token_urlsafe(32)
        now = time.time()
        expires = now + self.session_s
        with self._tx() as conn:
            conn.execute("DELETE FROM sessions WHERE expires <= ?", (now,))
            conn.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", (token_digest(token), name, now, expires))
            conn.execute(
                "DELETE FROM sessions WHERE user = ? AND token NOT IN "
                "(SELECT token FROM sessions WHERE user = ? ORDER BY created DESC LIMIT ?)",
                (name, name, self.max_sessions),
            )
        return token, expires

    def session(self, token: str) -> Session | None:
        """Who the token stands for, while it has not expired (nor been closed, nor its user removed)."""
        row = self._conn().execute(
            "SELECT u.name, u.role, s.expires FROM sessions s JOIN users u ON u.name = s.user "
            "WHERE s.token = ? AND s.expires > ?",
            (token_digest(token), time.time()),
        ).fetchone()
        return Session(row[0], cast(Role, row[1]), row[2]) if row else None

    def close_session(self, token: str) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM sessions WHERE token = ?", (token_digest(token),))
