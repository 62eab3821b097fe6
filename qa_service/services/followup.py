"""Rewrite a follow-up («còn cụm công nghiệp thì sao?») into a standalone question. Deterministic, no LLM.

A follow-up replaces exactly the slot it names and keeps the rest of the previous question:
- a period («đến năm 2030 thì sao?», «còn giai đoạn 2016-2020?») replaces the previous period;
- an aspect («còn về tín dụng?») is added to the previous question, or replaces the aspect added before;
- a near twin of a phrase («cụm công nghiệp» for «khu công nghiệp») replaces that phrase;
- anything else («còn mục tiêu tổng quát?», «còn Văn phòng Tỉnh ủy?») replaces the previous subject, the words
  before its predicate («… của Chương trình là gì?», «… có nhiệm vụ gì?»), keeping a period it named.
Chains carry the topic: each earlier turn is rewritten against the one before it, so the third turn of
«khu công nghiệp 2025 → còn cụm? → đến năm 2030?» asks about «cụm công nghiệp đến năm 2030».
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from qa_service.references import REFERENCE
from qa_service.text import collapse_ws, fold

_LEADS = re.compile(
    r"^(?:vậy\s+|thế\s+|và\s+)?(?:còn|thế còn|vậy còn|đối với|với|riêng|what about|how about|and)\s+", re.IGNORECASE
)
_TAILS = re.compile(
    r"\s*(?:thì sao|thì thế nào|thì như thế nào|như thế nào|ra sao|thế nào|nữa|thì|then)?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"\b(nó|điều đó|việc đó|cái đó|văn bản đó|văn bản này|chương trình đó|chỉ tiêu này|chỉ tiêu đó|mục tiêu này|"
    r"cơ quan này|cơ quan đó|con số này|nội dung này|nhiệm vụ này|it|that|this)\b",
    re.IGNORECASE,
)
# a period: «đến năm 2030», «năm 2025», «giai đoạn 2016-2020», «đến 2025»
_PERIOD = re.compile(r"\b(?:(?:đến|tới|trong|vào)\s+)?(?:năm\s+|giai đoạn\s+)?(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\b", re.IGNORECASE)
# where the subject of a question ends and its predicate starts
_PREDICATE = re.compile(r"\s+(?:của|là|có|gồm|đạt|tăng|được|phải|cần|chịu|làm)\s", re.IGNORECASE)
_ASPECT = re.compile(r"^về\s+", re.IGNORECASE)
_WHICH = re.compile(r"^(?:những|các)\s+(.+?)\s+nào\b", re.IGNORECASE)


@dataclass(frozen=True)
class TurnReader:
    """How a turn is read by meaning (the service's classifiers, components/intents.py): whether it follows up the one
    before, and whether it asks a question of its own («cơ quan nào chủ trì?», «tổng vốn bao nhiêu?») rather than
    naming another subject for the same question («còn cụm công nghiệp?»). Without one, the marker words below decide
    whether a turn follows up, and no turn asks on its own."""

    follows_up: Callable[[str], bool] = field(default=lambda turn: is_follow_up(turn))
    asks: Callable[[str], bool] = field(default=lambda turn: False)


def is_follow_up(question: str) -> bool:
    """The marker words of a follow-up («còn …», «… thì sao?», «nó», «văn bản đó»): the reading without a classifier."""
    q = question.strip()
    return bool(_LEADS.match(q)) or (len(q.split()) <= 5 and bool(_TAILS.search(q)) and "thì sao" in q.lower()) or bool(
        _PRONOUN.search(q) and len(q.split()) <= 10
    )


def rewrite(question: str, history: list[dict[str, str]] | None, reader: TurnReader | None = None) -> str:
    """Standalone form of `question` given earlier turns (role/content dicts)."""
    previous = previous_question(history, reader)
    return rewrite_against(question, previous, reader) if previous else question


def previous_question(history: list[dict[str, str]] | None, reader: TurnReader | None = None) -> str | None:
    """The last question asked before, made standalone against the ones before it; None without one."""
    turns = [h["content"] for h in history or [] if h.get("role") == "user" and h.get("content")]
    if not turns:
        return None
    previous = turns[0]
    for turn in turns[1:]:
        previous = rewrite_against(turn, previous, reader)
    return previous


def topic_of(previous: str) -> str:
    """What the previous question was about: the words before its predicate («Tỷ lệ lấp đầy các khu công nghiệp đến
    năm 2025» of «… đạt bao nhiêu?»), else all of it."""
    m = _PREDICATE.search(previous)
    return (previous[: m.start()] if m and m.start() > 0 else previous).strip(" ?")


def rewrite_against(question: str, previous: str, reader: TurnReader | None = None) -> str:
    """`question` made standalone against the (already standalone) previous question."""
    reader = reader or TurnReader()
    if not reader.follows_up(question):
        return question
    focus = _TAILS.sub("", _LEADS.sub("", question.strip())).strip(" ,")
    period = _PERIOD.search(question)
    if period and _PERIOD.search(previous):
        # «Đến năm 2030 thì chỉ tiêu này là bao nhiêu?»: the same question for another period
        return collapse_ws(_PERIOD.sub(period.group(0).lower(), previous, count=1))
    if _PRONOUN.search(question) and not _LEADS.match(question.strip()):
        # «nó được hỗ trợ gì?» -> keep the question, add the previous subject
        return collapse_ws(f"{question.rstrip('?')} ({previous.rstrip('?')})?")
    if not focus:
        return previous
    if _ASPECT.match(focus):
        # «còn về đất đai, mặt bằng?»: the same question about another aspect
        base = previous.rstrip(" ?")
        cut = base.lower().rfind(" về ")
        if cut > 0 and cut > len(base) // 2:
            base = base[:cut]
        return collapse_ws(f"{base} {focus}?")
    if REFERENCE.search(focus) and REFERENCE.search(previous):
        # «còn Chương trình hành động 01-CTr/TU?»: the same question about another document
        return collapse_ws(REFERENCE.sub(focus, previous, count=1))
    twin = _replace_twin(previous, focus)
    if twin:
        return twin
    if reader.asks(focus) and not _LEADS.match(question.strip()):
        # «cơ quan nào chủ trì?», «tổng vốn bao nhiêu?»: a question of its own about what the previous one was about
        # («còn số doanh nghiệp mới?» names another subject for the same question: the rules below)
        return collapse_ws(f"{focus[0].upper() + focus[1:]} ({topic_of(previous)})?")
    which = _WHICH.match(previous)
    if which:
        # «Những cụm công nghiệp nào sẽ hoàn thành đến năm 2025?» + «tỷ lệ lấp đầy» -> about those things
        period = _PERIOD.search(previous)
        return collapse_ws(f"{focus[0].upper() + focus[1:]} các {which.group(1)}{' ' + period.group(0) if period else ''}?")
    m = _PREDICATE.search(previous)
    if m and m.start() > 0:
        subject, rest = previous[: m.start()], previous[m.start() :]
        kept = _PERIOD.search(subject)
        lead = focus[0].upper() + focus[1:]
        return collapse_ws(f"{lead}{' ' + kept.group(0).lower() if kept and not _PERIOD.search(focus) else ''}{rest}")
    return collapse_ws(f"{focus} ({previous.rstrip('?')})?")


def _replace_twin(previous: str, focus: str) -> str | None:
    """Put `focus` in place of a phrase of `previous` that differs from it in one word.

    «Tỷ lệ lấp đầy các khu công nghiệp đạt bao nhiêu?» + «cụm công nghiệp»
    -> «Tỷ lệ lấp đầy các cụm công nghiệp đạt bao nhiêu?»; «điện mặt trời» + «điện gió» -> «điện gió».
    """
    words = previous.split()
    focus_words = focus.split()
    n = len(focus_words)
    if n < 2 or n > len(words):
        return None
    folded_focus = [fold(w).lower().strip(",.?") for w in focus_words]
    found: tuple[int, int] | None = None  # (start, length)
    for length in (n, n + 1):  # the phrase replaced may be one word longer («điện mặt trời»)
        for start in range(0, len(words) - length + 1):
            window = [fold(w).lower().strip(",.?") for w in words[start : start + length]]
            aligned = sum(1 for a, b in zip(window, folded_focus, strict=False) if a == b)
            if aligned == n - 1 and (length == n or window[0] == folded_focus[0]):
                found = (start, length)
                break
        if found:
            break
    if found is None:
        return None
    start, length = found
    last = words[start + length - 1]
    trailing = last[-1] if last[-1] in ",.?" else ""
    replaced = words[:start] + [focus + trailing] + words[start + length :]
    return collapse_ws(" ".join(replaced))
