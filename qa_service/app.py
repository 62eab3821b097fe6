"""FastAPI application: `qa_service.app:create_app()`."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from qa_service.api import errors
from qa_service.api.routers import admin, ask, conversations, documents, facts, health, search, training
from qa_service.api.schemas import error_responses
from qa_service.components.attempts import AttemptLimiter
from qa_service.components.bundle import Components, open_components
from qa_service.components.generator import Generator, GeneratorStatus, load_generator
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
        app.state.settings = opened.settings
        app.state.components = opened
        app.state.retriever = HybridRetriever(opened)
        app.state.answerer = ExtractiveAnswerer(opened, app.state.retriever)
        llm, status = generator or load_generator(opened.settings.generator)
        app.state.generative = GenerativeAnswerer(opened, app.state.answerer, llm, status)
        if llm is not None:
            # read the fixed prompt prefix in the background; a request meanwhile just waits for the model
            threading.Thread(target=app.state.generative.warm, name="llm-warm", daemon=True).start()
        app.state.documents = DocumentService(opened)
        app.state.uploads = UploadService(opened)
        app.state.conversations = ConversationService(opened.settings)
        app.state.facts = FactsService(opened)
        app.state.training = TrainingPackService(opened, app.state.facts)
        # an index written before facts existed, or by an older reader: read them from the stored chunks
        refresh_facts(opened.registry)
        admin = opened.settings.admin
        app.state.admin_attempts = AttemptLimiter(admin.failed_attempts, admin.attempt_window_s)
        # warm the query path so the first user does not pay for it
        app.state.retriever.search("khởi động", 1)
        yield
        app.state.uploads.wait_idle()
        app.state.conversations.close()
        if components is None:
            opened.registry.close()
            opened.jobs.close()

    logging.basicConfig(level=logging.INFO)
    app = FastAPI(title="Hỏi đáp chính sách", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    errors.install(app)
    for router in (health.router, search.router, ask.router, conversations.router, documents.router, facts.router, training.router, admin.router):
        app.include_router(router, responses=error_responses(413, 500))
    return app
