"""The service on a free loopback port, for the UI tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from eval.browser_session import chromium, serve
from eval.browser_session import streamlit_ui as run_streamlit
from eval.browser_timing import ServiceClock

ROOT = Path(__file__).resolve().parents[2]
DOWNLOADS = ROOT / "eval" / "out" / "downloads"


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


@pytest.fixture(scope="session")
def timed_api(real_corpus_components) -> Iterator[tuple[str, ServiceClock]]:  # type: ignore[no-untyped-def]
    """The real service behind a clock of its requests: a browser action's wait splits into its share and the UI's."""
    from qa_service.app import create_app

    clock = ServiceClock(create_app(real_corpus_components.settings, real_corpus_components))
    for url in serve(clock):
        yield url, clock


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium (Debian's chromium and chromium-driver), downloads into eval/out/downloads."""
    if not shutil.which("chromium") or not shutil.which("chromedriver"):
        pytest.fail("Debian's chromium and chromium-driver are needed (make test installs them as root)")
    yield from chromium(DOWNLOADS)


def streamlit_ui(api_url: str) -> Iterator[str]:
    """The Streamlit app over `api_url` on a free port, as `make run` starts it, for as long as the generator is open;
    yields its URL."""
    yield from run_streamlit(api_url)
