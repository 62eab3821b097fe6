"""Real browser, hostile document: headless Chromium opens every page over a service whose document holds Markdown
links, bare addresses, HTML and sentences addressed to a model in its title, headings and body (tests/fixtures/
hostile.py), asks a question that holds them too, and counts what the page made live: links to anywhere but the
page's own anchors, images and frames. The count must be 0 on every page (the AppTest twin, test_hostile.py, checks
what each page hands to Streamlit; this checks what the browser actually rendered)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qa_service.app import create_app
from tests.fixtures.fakes import HashEmbedder
from tests.fixtures.hostile import EVIL, hostile_components
from tests.fixtures.net import serve
from tests.ui.conftest import streamlit_ui
from ui.strings import S

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
QUESTION = "Xem [đây](https://evil.example/q) <img src=x onerror=alert(1)> www.evil.example: những nhiệm vụ chủ yếu nào?"
# anything the page made live that leads away or runs: a link (not the page's own «#…» anchor), an image, a frame
LIVE = """return Array.from(document.querySelectorAll('a[href], img, iframe, object, embed, script[src]'))
  .map(e => e.tagName + ' ' + (e.getAttribute('href') || e.getAttribute('src') || '') + ' in '
    + ((e.closest('[data-testid]') || {}).getAttribute ? e.closest('[data-testid]').getAttribute('data-testid') : ''))
  .filter(s => s.includes(arguments[0]) || s.startsWith('IMG x') || s.includes('javascript:'));"""


@pytest.fixture(scope="module")
def hostile_ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    components = hostile_components(tmp_path_factory.mktemp("hostile-browser"), HashEmbedder())
    for api in serve(create_app(components.settings, components)):
        yield from streamlit_ui(api)


def test_no_page_makes_the_documents_links_live(browser, hostile_ui: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 90)
    browser.get(hostile_ui)
    box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid='stChatInputTextArea']")))
    box.send_keys(QUESTION)
    box.send_keys(Keys.ENTER)
    wait.until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")) >= 2)
    wait.until(ec.invisibility_of_element_located((By.CSS_SELECTOR, "[data-testid='stStatusWidget']")))
    live = {"page_ask": browser.execute_script(LIVE, EVIL)}
    for name in ("page_actors", "page_targets", "page_training", "page_reader", "page_admin"):
        label = wait.until(ec.element_to_be_clickable((By.XPATH, f"//label[.//p[text()='{S[name]}']]")))
        browser.execute_script("arguments[0].click();", label)
        wait.until(ec.invisibility_of_element_located((By.CSS_SELECTOR, "[data-testid='stStatusWidget']")))
        wait.until(lambda b, shown=S[name]: shown in b.find_element(By.TAG_NAME, "body").text)
        live[name] = browser.execute_script(LIVE, EVIL)
    print({name: len(found) for name, found in live.items()})
    assert EVIL in browser.page_source  # the hostile text is on the page, shown as text: this test checks something
    assert live == {name: [] for name in live}
