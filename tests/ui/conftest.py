"""The real service on a free loopback port, for the UI tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI


def _serve(app: FastAPI) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(url + "/health").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
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
