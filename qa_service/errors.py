"""One error vocabulary for the service, ingestion and the API.

Every failure a user can be told about is a `QAError`: a stable code, an HTTP status, and a message in
Vietnamese and English read from resources/messages.yaml (`errors.<code>`), formatted with the error's
parameters. The API turns any of them into `{error, message_vi, message_en, request_id}`; ingestion
reports them as the reason a file was skipped or a job failed. Never an exception's own text.
"""

from __future__ import annotations

import errno
from typing import Literal

from qa_service.resources import msg

Lang = Literal["vi", "en"]


class QAError(Exception):
    status: int = 400

    def __init__(self, code: str, *, status: int | None = None, **params: object) -> None:
        super().__init__(code)
        self.code = code
        if status is not None:
            self.status = status
        self.params = params

    def message(self, lang: Lang) -> str:
        return str(msg("errors", self.code)[lang]).format(**self.params)

    @property
    def message_vi(self) -> str:
        return self.message("vi")

    @property
    def message_en(self) -> str:
        return self.message("en")

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en}"


class IngestError(QAError):
    """A file that cannot be ingested: skipped by the CLI with this reason, a failed upload job."""

    status = 422


_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_SQLITE_FULL = 13  # SQLITE_FULL, «database or disk is full»
# Chroma's Rust core reports a full disk only in its text (its exceptions carry no errno)
_FULL_TEXTS = ("no space left on device", "database or disk is full", "(os error 28)")


def disk_full(exc: BaseException) -> bool:
    """True when `exc`, or an exception it was raised from or while handling, says the disk is full."""
    current: BaseException | None = exc
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _FULL_ERRNOS:
            return True
        code = getattr(current, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF == _SQLITE_FULL:
            return True
        if not isinstance(current, OSError) and any(text in str(current).lower() for text in _FULL_TEXTS):
            return True
        current = current.__cause__ or current.__context__
    return False


def ingest_failure(exc: Exception) -> IngestError:
    """What an ingestion failure tells the user: its own reason, a full disk, or only the kind of error (never its text)."""
    if isinstance(exc, IngestError):
        return exc
    if disk_full(exc):
        return IngestError("disk_full")
    return IngestError("processing_failed", kind=type(exc).__name__)


class UnknownDocument(QAError):
    status = 404

    def __init__(self, doc_ids: list[str]) -> None:
        super().__init__("unknown_document", ids=", ".join(doc_ids)[:200])
        self.doc_ids = doc_ids


class GeneratorUnavailable(QAError):
    status = 503

    def __init__(self, reason: str | None) -> None:
        super().__init__("generative_unavailable")
        self.reason = reason


class GeneratorBusy(QAError):
    status = 503

    def __init__(self) -> None:
        super().__init__("generator_busy")


class ServiceNotReady(QAError):
    status = 503

    def __init__(self) -> None:
        super().__init__("not_ready")


class TooManyAttempts(QAError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__("too_many_attempts", seconds=retry_after)
        self.retry_after = retry_after


class TooManyLogins(TooManyAttempts):
    """Wrong passwords past the allowance: held back and 429, like wrong admin tokens (a right password always passes)."""

    def __init__(self, retry_after: int) -> None:
        QAError.__init__(self, "too_many_logins", seconds=retry_after)
        self.retry_after = retry_after


class UnknownConversation(QAError):
    status = 404

    def __init__(self) -> None:
        super().__init__("unknown_conversation")


class UnknownTurn(QAError):
    status = 404

    def __init__(self, turn: int) -> None:
        super().__init__("unknown_turn", turn=turn)


class ConversationFull(QAError):
    status = 409

    def __init__(self, max_turns: int) -> None:
        super().__init__("conversation_full", max=max_turns)


class UnknownActor(QAError):
    status = 404

    def __init__(self) -> None:
        super().__init__("unknown_actor")


class UnknownSection(QAError):
    status = 404

    def __init__(self, labels: list[str]) -> None:
        super().__init__("unknown_section", labels=", ".join(labels)[:200])


class UnknownArticle(QAError):
    status = 404

    def __init__(self, number: str) -> None:
        super().__init__("unknown_article", number=number)
