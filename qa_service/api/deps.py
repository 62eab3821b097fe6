"""Dependencies: the components opened in the lifespan, and the services over them."""

from __future__ import annotations

from fastapi import Request

from qa_service.components.attempts import AttemptLimiter
from qa_service.components.bundle import Components
from qa_service.errors import ServiceNotReady
from qa_service.services.answer import ExtractiveAnswerer
from qa_service.services.conversations import ConversationService
from qa_service.services.documents import DocumentService
from qa_service.services.facts import FactsService
from qa_service.services.generative import GenerativeAnswerer
from qa_service.services.retrieval import HybridRetriever
from qa_service.services.training import TrainingPackService
from qa_service.services.uploads import UploadService


def get_components(request: Request) -> Components:
    components = getattr(request.app.state, "components", None)
    if components is None:
        raise ServiceNotReady()
    return components


def get_retriever(request: Request) -> HybridRetriever:
    return request.app.state.retriever  # type: ignore[no-any-return]


def get_answerer(request: Request) -> ExtractiveAnswerer:
    return request.app.state.answerer  # type: ignore[no-any-return]


def get_documents(request: Request) -> DocumentService:
    return request.app.state.documents  # type: ignore[no-any-return]


def get_uploads(request: Request) -> UploadService:
    return request.app.state.uploads  # type: ignore[no-any-return]


def get_admin_attempts(request: Request) -> AttemptLimiter:
    return request.app.state.admin_attempts  # type: ignore[no-any-return]


def get_generative(request: Request) -> GenerativeAnswerer:
    return request.app.state.generative  # type: ignore[no-any-return]


def get_conversations(request: Request) -> ConversationService:
    return request.app.state.conversations  # type: ignore[no-any-return]


def get_facts(request: Request) -> FactsService:
    return request.app.state.facts  # type: ignore[no-any-return]


def get_training(request: Request) -> TrainingPackService:
    return request.app.state.training  # type: ignore[no-any-return]
