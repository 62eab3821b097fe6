"""Dependencies: the services the lifespan opened, one typed alias per role, so a route names what it needs
(`answerer: AnswererDep`) and never reads `app.state` itself."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from qa_service.api.account_gate import session_of
from qa_service.api.state import Services, services_of
from qa_service.components.bundle import Components
from qa_service.errors import ServiceNotReady
from qa_service.services.answer import ExtractiveAnswerer
from qa_service.services.conversations import ConversationService, owner_of, owner_of_user
from qa_service.services.documents import DocumentService
from qa_service.services.facts import FactsService
from qa_service.services.generative import GenerativeAnswerer
from qa_service.services.retrieval import HybridRetriever
from qa_service.services.training import TrainingPackService
from qa_service.services.uploads import UploadService
from qa_service.settings import Settings


def get_services(request: Request) -> Services:
    services = services_of(request.app)
    if services is None:  # a request before the lifespan has run: «starting», not a crash
        raise ServiceNotReady()
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_components(services: ServicesDep) -> Components:
    return services.components


def get_app_settings(services: ServicesDep) -> Settings:
    return services.settings


def get_retriever(services: ServicesDep) -> HybridRetriever:
    return services.retriever


def get_answerer(services: ServicesDep) -> ExtractiveAnswerer:
    return services.answerer


def get_generative(services: ServicesDep) -> GenerativeAnswerer:
    return services.generative


def get_documents(services: ServicesDep) -> DocumentService:
    return services.documents


def get_uploads(services: ServicesDep) -> UploadService:
    return services.uploads


def get_conversations(services: ServicesDep) -> ConversationService:
    return services.conversations


def get_facts(services: ServicesDep) -> FactsService:
    return services.facts


def get_training(services: ServicesDep) -> TrainingPackService:
    return services.training


# a random token the client keeps (the UI: in a cookie of its own), never in a URL: whose conversations these are
CLIENT_KEY_HEADER = "X-Client-Key"


def get_owner(
    request: Request,
    client_key: str = Header(
        "", alias=CLIENT_KEY_HEADER, max_length=128, pattern=r"^(?:[A-Za-z0-9_-]{16,128})?$",
        description="the client's own random token (16-128 URL-safe characters): it alone lists, continues, pins and "
        "deletes the conversations it created; empty or absent, the client shares those made without one. A "
        "conversation's id alone only reads it. Accounts mode: ignored, the conversations are the logged-in user's",
    ),
) -> str:
    session = session_of(request)  # accounts mode: the user's, on whatever device they log in from
    return owner_of_user(session.name) if session is not None else owner_of(client_key)


ComponentsDep = Annotated[Components, Depends(get_components)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
RetrieverDep = Annotated[HybridRetriever, Depends(get_retriever)]
AnswererDep = Annotated[ExtractiveAnswerer, Depends(get_answerer)]
GenerativeDep = Annotated[GenerativeAnswerer, Depends(get_generative)]
DocumentsDep = Annotated[DocumentService, Depends(get_documents)]
UploadsDep = Annotated[UploadService, Depends(get_uploads)]
ConversationsDep = Annotated[ConversationService, Depends(get_conversations)]
FactsDep = Annotated[FactsService, Depends(get_facts)]
TrainingDep = Annotated[TrainingPackService, Depends(get_training)]
OwnerDep = Annotated[str, Depends(get_owner)]
