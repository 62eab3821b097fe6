"""Real-browser tests: headless Chromium drives the Streamlit page as users would: ask, see a citation, open
the reader; then a day's walk (eval/browser_walk.py), every step timed from the user's action to its content on
screen with the service's share beside it: ten questions, a reload, the reader from a citation, the persona pages, a
training pack; then a pin, a reload and a shared link that reopen the conversation, the persona pages' downloads.
Screenshots go to eval/out/screenshots/, timings to eval/out/browser_timings.json (the numbers are printed, not
asserted: `python -m eval.bench_browser` is the benchmark)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from eval.browser_timing import ServiceClock, Stopwatch, save, table
from eval.browser_walk import TEN_QUESTIONS, walk
from tests.ui.conftest import streamlit_ui

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "eval" / "out" / "screenshots"
DOWNLOADS = ROOT / "eval" / "out" / "downloads"


@pytest.fixture(scope="module")
def timed_ui(timed_api: tuple[str, ServiceClock]) -> Iterator[tuple[str, ServiceClock]]:
    api_url, clock = timed_api
    for url in streamlit_ui(api_url):
        yield url, clock


@pytest.fixture(scope="module")
def ui_url(timed_ui: tuple[str, ServiceClock]) -> str:
    return timed_ui[0]


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


def test_a_days_walk_through_the_ui(browser, timed_ui: tuple[str, ServiceClock]) -> None:  # type: ignore[no-untyped-def]
    import time

    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 90)
    body = lambda: browser.find_element(By.TAG_NAME, "body").text  # noqa: E731
    assistant = "[data-testid='stChatMessageAvatarAssistant']"
    ui_url, clock = timed_ui
    watch = Stopwatch(browser, clock)
    walk(watch, ui_url)  # each step waits for its own content: a step that never shows fails the test
    save(watch.timings, SHOTS.parent / "browser_timings.json")
    print("\n" + table(watch.timings))
    assert "Chưa tìm thấy câu trả lời" in body()  # the last question is not in the documents
    SHOTS.mkdir(parents=True, exist_ok=True)

    # pin the first answer, then reload: the URL names the conversation, which comes back with its briefing
    pin = wait.until(ec.element_to_be_clickable((By.XPATH, "//button[.//p[text()='Ghim vào bản tóm tắt']]")))
    browser.execute_script("arguments[0].click();", pin)
    wait.until(ec.presence_of_element_located((By.XPATH, "//button[.//p[text()='Đã ghim']]")))
    wait.until(lambda b: "c=" in b.current_url)
    link = browser.current_url
    browser.refresh()
    wait.until(lambda b: len(b.find_elements(By.CSS_SELECTOR, assistant)) == len(TEN_QUESTIONS))
    assert TEN_QUESTIONS[0] in body() and TEN_QUESTIONS[-1] in body()
    sidebar = browser.find_element(By.CSS_SELECTOR, "[data-testid='stSidebar']").text
    assert TEN_QUESTIONS[0] in sidebar  # the pinned answer heads the briefing
    # the browser's cookie brought its client key back: the conversation is still its own, so it may delete it
    delete = wait.until(ec.element_to_be_clickable((By.XPATH, "//button[.//p[text()='Xóa cuộc trò chuyện này']]")))
    # deleting asks first: one click only shows «Xóa hẳn» / «Thôi»; «Thôi» keeps the conversation
    browser.execute_script("arguments[0].click();", delete)
    keep = wait.until(ec.element_to_be_clickable((By.XPATH, "//button[.//p[text()='Thôi']]")))
    assert browser.find_elements(By.XPATH, "//button[.//p[text()='Xóa hẳn']]")
    browser.save_screenshot(str(SHOTS / "conversation.png"))
    browser.execute_script("arguments[0].click();", keep)
    wait.until(ec.presence_of_element_located((By.XPATH, "//button[.//p[text()='Xóa cuộc trò chuyện này']]")))
    assert len(browser.find_elements(By.CSS_SELECTOR, assistant)) == len(TEN_QUESTIONS) and TEN_QUESTIONS[0] in body()
    # a colleague opening the link in a new window gets the same conversation
    browser.switch_to.new_window("window")
    browser.get(link)
    wait.until(lambda b: len(b.find_elements(By.CSS_SELECTOR, assistant)) == len(TEN_QUESTIONS))
    assert TEN_QUESTIONS[4] in body()

    def open_page(name: str) -> None:
        label = wait.until(ec.element_to_be_clickable((By.XPATH, f"//label[.//p[text()='{name}']]")))
        browser.execute_script("arguments[0].click();", label)

    open_page("Nhiệm vụ theo cơ quan")
    wait.until(ec.presence_of_element_located((By.XPATH, "//*[contains(text(), 'Ban Tuyên giáo Tỉnh ủy (1 nội dung)')]")))
    wait.until(ec.presence_of_element_located((By.XPATH, "//*[contains(text(), 'Mục III.1, đoạn 1')]")))
    # a Sở's cadre finds their own entry (IV.1 directs «các sở, ngành»); what businesses are offered is titled so
    wait.until(ec.presence_of_element_located((By.XPATH, "//*[contains(text(), 'Các sở, ngành (1 nội dung)')]")))
    assert "Chính sách dành cho doanh nghiệp" in body()
    browser.save_screenshot(str(SHOTS / "actors.png"))
    _download(browser, wait, "Tải danh sách việc cần làm (DOCX)", ".docx")

    open_page("Chỉ tiêu")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-testid='stDataFrame']")))
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-testid='stVegaLiteChart'], .vega-embed")))
    browser.save_screenshot(str(SHOTS / "targets.png"))
    # one chart per unit (%, %/năm, each count or amount): the first scrolled into view for its picture
    wait.until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "[data-testid='stVegaLiteChart']")) >= 3)
    charts = browser.find_elements(By.CSS_SELECTOR, "[data-testid='stVegaLiteChart']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'});", charts[0])
    time.sleep(1)  # the chart draws after it scrolls in
    browser.save_screenshot(str(SHOTS / "targets_chart.png"))

    open_page("Soạn tài liệu tập huấn")
    select = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid='stMultiSelect'] input")))
    for section in ("Mục II.3 – Mục tiêu", "Mục III.3 – Nâng cao chất lượng", "Mục IV – Tổ chức thực hiện"):
        select.send_keys(section)
        select.send_keys(Keys.ENTER)
    select.send_keys(Keys.ESCAPE)
    build = wait.until(ec.element_to_be_clickable((By.XPATH, "//button[.//p[text()='Soạn tài liệu']]")))
    browser.execute_script("arguments[0].click();", build)
    wait.until(ec.presence_of_element_located((By.XPATH, "//*[contains(text(), 'Đã soạn 3 mục')]")))
    browser.save_screenshot(str(SHOTS / "training.png"))
    pptx = _download(browser, wait, "Tải trang chiếu (PPTX)", ".pptx")
    docx = _download(browser, wait, "Tải DOCX", ".docx")
    from docx import Document
    from pptx import Presentation

    assert len(Presentation(str(pptx)).slides) >= 8
    # the admin page's uploader speaks Vietnamese and states the service's limit
    open_page("Quản trị văn bản")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-testid='stFileUploaderDropzone'] button p")))
    after = "return getComputedStyle(document.querySelector(arguments[0]), '::after').content"
    assert browser.execute_script(after, "[data-testid='stFileUploaderDropzone'] button p") == '"Chọn tệp"'
    limit = browser.execute_script(after, "[data-testid='stFileUploaderDropzoneInstructions'] span")
    assert "Tối đa 50 MB mỗi tệp" in limit
    browser.save_screenshot(str(SHOTS / "admin.png"))
    assert any("Bảng chỉ tiêu" in p.text for p in Document(str(docx)).paragraphs)


def _answer_shown(browser, n: int) -> bool:  # type: ignore[no-untyped-def]
    """The n-th reply is on screen with its sources or its refusal (not just the empty bubble)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    try:
        replies = [m for m in browser.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")
                   if m.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessageAvatarAssistant']")]
        return len(replies) >= n and any(k in replies[n - 1].text for k in ("Nguồn trích dẫn", "Chưa tìm thấy"))
    except StaleElementReferenceException:
        return False


def _download(browser, wait, label: str, suffix: str) -> Path:  # type: ignore[no-untyped-def]
    """Click a download button and wait for the file to land (Chrome writes *.crdownload until done). A click
    that lands while the page is still re-running hits a button about to be replaced: click again."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    # a file of the same name left by an earlier run is overwritten, not renamed: it counts once it is newer
    before = {p: p.stat().st_mtime_ns for p in DOWNLOADS.glob(f"*{suffix}")}

    def fresh() -> set[Path]:
        return {p for p in DOWNLOADS.glob(f"*{suffix}") if p.exists() and p.stat().st_mtime_ns != before.get(p)}

    for _ in range(3):
        button = wait.until(ec.element_to_be_clickable((By.XPATH, f"//button[.//p[text()='{label}']]")))
        browser.execute_script("arguments[0].click();", button)
        try:
            WebDriverWait(browser, 15).until(
                lambda _: fresh() and not list(DOWNLOADS.glob("*.crdownload"))
            )
            break
        except TimeoutException:
            continue
    landed = fresh()
    assert landed, f"{label}: nothing downloaded"
    new = max(landed, key=lambda p: p.stat().st_mtime)
    assert new.stat().st_size > 1000
    return new
