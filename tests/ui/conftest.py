"""The real service on a free loopback port, for the UI tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI

from eval.bench_api import free_port, wait_http


def _serve(app: FastAPI) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/health", seconds=60)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def api_url(corpus_components) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The service as `make run` starts it without `make setup-llm`: extractive only."""
    from qa_service.app import create_app

    yield from _serve(create_app(corpus_components.settings, corpus_components))


@pytest.fixture(scope="session")
def gen_api_url(corpus_components, llm) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The service with the real local LLM."""
    from qa_service.app import create_app

    yield from _serve(create_app(corpus_components.settings, corpus_components, generator=llm))
