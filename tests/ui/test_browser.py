"""One real-browser test: headless Chromium loads the Streamlit page, asks,
sees a citation, opens the reader. Screenshots go to eval/out/screenshots/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from eval.loopback import free_port, wait_http

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "eval" / "out" / "screenshots"


@pytest.fixture(scope="module")
def ui_url(real_api_url: str) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "QA__API_URL": real_api_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"), "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/_stcore/health", seconds=60)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
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
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def test_ask_see_citation_open_reader(browser, ui_url: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 90)
    browser.get(ui_url)
    box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid='stChatInputTextArea']")))
    box.send_keys("Mục tiêu tỷ trọng công nghiệp trong GRDP đến 2025?")
    box.send_keys(Keys.ENTER)
    wait.until(ec.presence_of_element_located((By.XPATH, "//*[contains(text(), 'Mục II.3.b')]")))
    assert "15%" in browser.find_element(By.TAG_NAME, "body").text
    # the sources sit collapsed under the answer; opening them shows the passage with the quote marked
    summary = wait.until(ec.element_to_be_clickable((By.XPATH, "//summary[.//*[contains(text(), 'Nguồn trích dẫn')]]")))
    browser.execute_script("arguments[0].click();", summary)
    wait.until(ec.visibility_of_element_located((By.TAG_NAME, "mark")))
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "ask.png"))

    button = wait.until(ec.element_to_be_clickable((By.XPATH, "//button[.//p[text()='Xem trong văn bản']]")))
    browser.execute_script("arguments[0].click();", button)
    wait.until(ec.presence_of_element_located((By.XPATH, "//*[contains(text(), 'Mục lục')]")))
    wait.until(ec.presence_of_element_located((By.ID, "cited")))
    marked = browser.find_elements(By.TAG_NAME, "mark")
    assert any("Tỷ trọng công nghiệp trong GRDP" in m.text for m in marked)
    scroll_top = "return window.parent.document.querySelector('section.main, [data-testid=\"stMain\"]').scrollTop"
    wait.until(lambda b: b.execute_script(scroll_top) > 0)  # the reader scrolled to the cited place
    assert "QUAN ĐIỂM VÀ MỤC TIÊU" in browser.find_element(By.TAG_NAME, "body").text
    browser.save_screenshot(str(SHOTS / "reader.png"))
