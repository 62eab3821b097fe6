"""The pieces a real-browser run needs, shared by the UI tests (tests/ui/conftest.py) and eval/bench_browser.py: an
ASGI app served by uvicorn in a thread with the server's own wire limits, the Streamlit app as `make run` starts it,
and headless Chromium (Debian's chromium and chromium-driver) downloading into a folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uvicorn

from eval.loopback import free_port, wait_http
from qa_service.settings import ApiSettings
from qa_service.wire import wire_config

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1400,1000", "--disable-dev-shm-usage")


def serve(app: Any, api: ApiSettings | None = None) -> Iterator[str]:
    """Serve the ASGI `app` on a free loopback port for as long as the generator is open; yields its base URL. `api`:
    the wire limits (those of `python -m qa_service.server` by default)."""
    port = free_port()
    server = uvicorn.Server(wire_config(app, api or ApiSettings(), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/health", seconds=60)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


def streamlit_ui(api_url: str, root: Path = ROOT) -> Iterator[str]:
    """The Streamlit app of the checkout at `root` (another checkout's, to compare two versions in one run) over
    `api_url`, on a free port, for as long as the generator is open; yields its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(root / "ui" / "app.py"), "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        env={**os.environ, "QA__API_URL": api_url, "PYTHONPATH": str(root)}, cwd=root,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/_stcore/health", seconds=60)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def chromium(downloads: Path) -> Iterator[Any]:
    """Headless Chromium downloading into `downloads`, for as long as the generator is open."""
    chromium_path, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium_path or not driver_path:
        raise RuntimeError("Debian's chromium and chromium-driver are needed (`make browser-deps` installs them as root)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium_path
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    downloads.mkdir(parents=True, exist_ok=True)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        yield driver
    finally:
        driver.quit()
