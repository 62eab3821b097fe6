"""FastAPI application: `qa_service.app:create_app()`."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from qa_service.api import errors, etag
from qa_service.api.mcp import mount as mount_mcp
from qa_service.api.routers import admin, ask, auth, conversations, documents, facts, health, search, training
from qa_service.api.routers.openai_compat import router as openai_router
from qa_service.api.schemas import error_responses
from qa_service.api.state import Services
from qa_service.components.attempts import AttemptLimiter
from qa_service.components.bundle import Components, open_components
from qa_service.components.generator import Generator, GeneratorStatus, load_generator
from qa_service.components.users import UserStore
from qa_service.ingestion.pipeline import refresh_facts
from qa_service.services.answer import ExtractiveAnswerer
from qa_service.services.conversations import ConversationService
from qa_service.services.documents import DocumentService
from qa_service.services.facts import FactsService
from qa_service.services.generative import GenerativeAnswerer
from qa_service.services.retrieval import HybridRetriever
from qa_service.services.training import TrainingPackService
from qa_service.services.uploads import UploadService
from qa_service.settings import Settings, get_settings

DESCRIPTION = """
Hỏi đáp về văn bản chính sách, có trích dẫn kiểm chứng được.

Questions about Vietnamese policy documents, answered with verifiable citations.
Mọi trích dẫn (`quote`) đều được kiểm tra là có nguyên văn trong đoạn được dẫn.
"""


def open_services(opened: Components, generator: tuple[Generator | None, GeneratorStatus] | None) -> Services:
    """The services over the opened components, in dependency order; the LLM's prompt prefix warms in the background."""
    retriever = HybridRetriever(opened)
    answerer = ExtractiveAnswerer(opened, retriever)
    llm, status = generator or load_generator(opened.settings.generator)
    generative = GenerativeAnswerer(opened, answerer, llm, status)
    if llm is not None:
        # read the fixed prompt prefix in the background; a request meanwhile just waits for the model
        threading.Thread(target=generative.warm, name="llm-warm", daemon=True).start()
    documents = DocumentService(opened)
    uploads = UploadService(opened)
    conversations = ConversationService(opened.settings)
    facts = FactsService(opened)
    training = TrainingPackService(opened, facts)
    # an index written before facts existed, or by an older reader: read them from the stored chunks
    refresh_facts(opened.registry, opened.settings.ingestion.max_figures)
    admin = opened.settings.admin
    admin_attempts = AttemptLimiter(admin.failed_attempts, admin.attempt_window_s, admin.failure_delay_s, admin.max_failure_delay_s)
    auth = opened.settings.auth
    login_attempts = AttemptLimiter(auth.failed_logins, auth.attempt_window_s, auth.failure_delay_s, auth.max_failure_delay_s)
    users = None
    if auth.accounts:
        assert auth.users_path is not None  # filled in by the Settings validator
        users = UserStore(auth.users_path, auth.session_hours, auth.max_sessions)
    return Services(
        components=opened, retriever=retriever, answerer=answerer, generative=generative, documents=documents,
        uploads=uploads, conversations=conversations, facts=facts, training=training, admin_attempts=admin_attempts,
        users=users, login_attempts=login_attempts,
    )


def create_app(
    settings: Settings | None = None,
    components: Components | None = None,
    generator: tuple[Generator | None, GeneratorStatus] | None = None,
) -> FastAPI:
    """Build the app. The models, Chroma and the lexical index open once, in the lifespan.

    `generator` lets tests share one loaded LLM between apps; by default it is loaded from settings
    (and is simply unavailable when `make setup-llm` was not run).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = components or open_components(settings or get_settings())
        services = open_services(opened, generator)
        app.state.services = services
        # warm the query path so the first user does not pay for it
        services.retriever.search("khởi động", 1)
        services.components.readers.warm()  # the classifiers fitted before the first question, not during it
        services.components.instructions.warm()
        facts_warm = threading.Thread(target=services.facts.warm, name="facts-warm", daemon=True)
        facts_warm.start()
        yield
        facts_warm.join(timeout=30)  # not reading the registry while it closes
        services.uploads.wait_idle()
        services.conversations.close()
        if services.users is not None:
            services.users.close()
        if components is None:
            opened.registry.close()
            opened.jobs.close()

    logging.basicConfig(level=logging.INFO)
    app = FastAPI(title="Hỏi đáp chính sách", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    routers = (health.router, auth.router, search.router, ask.router, conversations.router, documents.router, facts.router, training.router, admin.router, openai_router)
    errors.install(app, [route for router in routers for route in router.routes])
    etag.install(app)
    for router in routers:
        app.include_router(router, responses=error_responses(413, 431, 500))
    mount_mcp(app)  # the MCP tools at /mcp, over the same services
    return app
