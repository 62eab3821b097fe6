"""The app's typed state: everything the lifespan opens once, held as `app.state.services`."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.applications import Starlette

from qa_service.components.attempts import AttemptLimiter
from qa_service.components.bundle import Components
from qa_service.components.users import UserStore
from qa_service.services.answer import ExtractiveAnswerer
from qa_service.services.conversations import ConversationService
from qa_service.services.documents import DocumentService
from qa_service.services.facts import FactsService
from qa_service.services.generative import GenerativeAnswerer
from qa_service.services.retrieval import HybridRetriever
from qa_service.services.training import TrainingPackService
from qa_service.services.uploads import UploadService
from qa_service.settings import Settings


@dataclass(frozen=True)
class Services:
    """The components and the services over them, built together in the lifespan: a request sees all or none."""

    components: Components
    retriever: HybridRetriever
    answerer: ExtractiveAnswerer
    generative: GenerativeAnswerer
    documents: DocumentService
    uploads: UploadService
    conversations: ConversationService
    facts: FactsService
    training: TrainingPackService
    admin_attempts: AttemptLimiter
    users: UserStore | None  # the accounts, in `QA__AUTH__MODE=accounts` only
    login_attempts: AttemptLimiter

    @property
    def settings(self) -> Settings:
        return self.components.settings


def services_of(app: Starlette) -> Services | None:
    """The app's services once its lifespan has opened them; None before (or when it failed)."""
    services = getattr(app.state, "services", None)
    return services if isinstance(services, Services) else None
