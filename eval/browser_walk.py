"""A day's walk through the UI, every step timed from the user's action to its content on screen (eval/browser_timing.py):
the first page (cold and warm), ten questions, a reload of the conversation, the reader from a citation, the three
persona pages, a training pack and back to the chat. The real-browser test and `eval/bench_browser.py` both run it."""

from __future__ import annotations

import json
from typing import Any

from eval.browser_timing import Stopwatch, answers_shown, element_shown, text_shown
from ui.strings import S

TEN_QUESTIONS = [
    "Mục tiêu tỷ trọng công nghiệp trong GRDP đến 2025 là bao nhiêu?",
    "Tỷ lệ lấp đầy các khu công nghiệp đến năm 2025 đạt bao nhiêu?",
    "còn cụm công nghiệp thì sao?",
    "Chương trình có những nhóm nhiệm vụ, giải pháp chủ yếu nào?",
    "Ban Tuyên giáo Tỉnh ủy có nhiệm vụ gì?",
    "Doanh nghiệp nhỏ và vừa được hỗ trợ tiếp cận tín dụng thế nào?",
    "Những khu công nghiệp nào sẽ hoàn thành đến năm 2025?",
    "Quan điểm chỉ đạo của Chương trình là gì?",
    "Định hướng đến năm 2030 về tỷ lệ lấp đầy khu công nghiệp?",
    "Giá xăng dầu hôm nay là bao nhiêu?",
]
CHAT_BOX = "[data-testid='stChatInputTextArea']"
TRAINING_SECTIONS = ("Mục II.3 – Mục tiêu", "Mục III.3 – Nâng cao chất lượng", "Mục IV – Tổ chức thực hiện")


def page_shown(title: str, selector: str) -> str:
    """The page's own title in its heading and an element only that page has (a page being left keeps its old
    elements on screen until the new run replaces them)."""
    return (
        f"const h = [...document.querySelectorAll('h1')].some(e => e.innerText.trim() === {json.dumps(title)});"
        f"return h && !!document.querySelector({json.dumps(selector)});"
    )


ASK_SHOWN = page_shown(str(S["title"]), CHAT_BOX)
CITED_IN_VIEW = """
const e = document.getElementById('cited');
if (!e || !document.querySelector('mark')) return false;
const r = e.getBoundingClientRect();
return r.top >= 0 && r.top < window.innerHeight;
"""


def all_answers_shown(n: int) -> str:
    return (
        "const r = [...document.querySelectorAll(\"[data-testid='stChatMessage']\")]"
        ".filter(m => m.querySelector(\"[data-testid='stChatMessageAvatarAssistant']\"));"
        f"return r.length === {n} && r.every(m => m.innerText.includes('Nguồn trích dẫn') || m.innerText.includes('Chưa tìm thấy'));"
    )


def open_page(browser: Any, name: str) -> None:
    from selenium.webdriver.common.by import By

    label = browser.find_element(By.XPATH, f"//label[.//p[text()='{name}']]")
    browser.execute_script("arguments[0].click();", label)


def ask(watch: Stopwatch, n: int, question: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    watch.wait(element_shown(CHAT_BOX))
    box = watch.browser.find_element(By.CSS_SELECTOR, CHAT_BOX)
    box.send_keys(question)
    watch.time(f"question#{n}", lambda: box.send_keys(Keys.ENTER), answers_shown(n))


def walk(watch: Stopwatch, url: str, cold: bool = False) -> None:
    """The timed steps, in order; a step whose content never shows raises TimeoutError."""
    from selenium.webdriver.common.by import By

    browser = watch.browser
    watch.time("first load (cold)" if cold else "first load", lambda: browser.get(url), ASK_SHOWN)
    watch.time("first load (warm)", lambda: browser.get(url), ASK_SHOWN)
    for n, question in enumerate(TEN_QUESTIONS, start=1):
        ask(watch, n, question)
    watch.time("reload conversation", browser.refresh, all_answers_shown(len(TEN_QUESTIONS)))
    # the reader from the first answer's first citation: its sources opened first (not timed)
    summary = browser.find_element(By.XPATH, "//summary[.//*[contains(text(), 'Nguồn trích dẫn')]]")
    browser.execute_script("arguments[0].click();", summary)
    reader_button = f"//button[.//p[text()='{S['open_in_reader']}']]"
    watch.wait(lambda b: b.find_element(By.XPATH, reader_button).is_displayed())
    button = browser.find_element(By.XPATH, reader_button)
    watch.time("reader from citation", lambda: browser.execute_script("arguments[0].click();", button), CITED_IN_VIEW)
    watch.time("page: actors", lambda: open_page(browser, S["page_actors"]),
               page_shown(S["page_actors"], "[data-testid='stCheckbox']"))
    watch.time("page: targets", lambda: open_page(browser, S["page_targets"]),
               page_shown(S["page_targets"], "[data-testid='stDataFrame']"))
    watch.time("page: training", lambda: open_page(browser, S["page_training"]),
               page_shown(S["page_training"], "[data-testid='stMultiSelect']"))
    _pick_sections(watch)
    build = browser.find_element(By.XPATH, f"//button[.//p[text()='{S['training_build']}']]")
    watch.time("training pack", lambda: browser.execute_script("arguments[0].click();", build),
               text_shown(S["training_took"].split("{")[0] + str(len(TRAINING_SECTIONS))))
    watch.time("page: ask (10 answers)", lambda: open_page(browser, S["page_ask"]), all_answers_shown(len(TEN_QUESTIONS)))


def _pick_sections(watch: Stopwatch) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    select = watch.browser.find_element(By.CSS_SELECTOR, "[data-testid='stMultiSelect'] input")
    for section in TRAINING_SECTIONS:
        select.send_keys(section)
        select.send_keys(Keys.ENTER)
        watch.wait(text_shown(section.split(" – ")[0], "[data-testid='stMultiSelect']"))
    select.send_keys(Keys.ESCAPE)
