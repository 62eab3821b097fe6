"""The service on a free loopback port, for the UI tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fixtures.net import serve


@pytest.fixture(scope="session")
def api_url(corpus_components) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The service as `make run` starts it without `make setup-llm` (extractive only), on the tier's index."""
    from qa_service.app import create_app

    yield from serve(create_app(corpus_components.settings, corpus_components))


@pytest.fixture(scope="session")
def real_api_url(real_corpus_components) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from qa_service.app import create_app

    yield from serve(create_app(real_corpus_components.settings, real_corpus_components))


@pytest.fixture(scope="session")
def gen_api_url(real_corpus_components, llm) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The service with the real local LLM."""
    from qa_service.app import create_app

    yield from serve(create_app(real_corpus_components.settings, real_corpus_components, generator=llm))
