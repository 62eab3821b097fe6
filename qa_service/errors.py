"""One error vocabulary for the service, ingestion and the API.

Every failure a user can be told about is a `QAError`: a stable code, an HTTP status, and a message in
Vietnamese and English read from resources/messages.yaml (`errors.<code>`), formatted with the error's
parameters. The API turns any of them into `{error, message_vi, message_en, request_id}`; ingestion
reports them as the reason a file was skipped or a job failed. Never an exception's own text.
"""

from __future__ import annotations

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
