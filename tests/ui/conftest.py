"""The service on a free loopback port, for the UI tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from eval.loopback import free_port, wait_http
from tests.fixtures.net import serve

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


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium (Debian's chromium and chromium-driver), downloads into eval/out/downloads."""
    chromium = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.fail("Debian's chromium and chromium-driver are needed (make test installs them as root)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,1000", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(DOWNLOADS), "download.prompt_for_download": False}
    )
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(DOWNLOADS)})
    yield driver
    driver.quit()


def streamlit_ui(api_url: str) -> Iterator[str]:
    """The Streamlit app over `api_url` on a free port, as `make run` starts it, for as long as the generator is open;
    yields its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"), "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        env={**os.environ, "QA__API_URL": api_url}, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/_stcore/health", seconds=60)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
