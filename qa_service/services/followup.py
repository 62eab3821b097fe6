"""Rewrite a follow-up («còn cụm công nghiệp thì sao?») into a standalone
question using the previous user turn. Deterministic, no LLM."""

from __future__ import annotations

import re

from qa_service.text import collapse_ws, fold

_LEADS = re.compile(
    r"^(?:vậy\s+|thế\s+|và\s+)?(?:còn|thế còn|vậy còn|đối với|với|riêng|what about|how about|and)\s+", re.IGNORECASE
)
_TAILS = re.compile(
    r"\s*(?:thì sao|thì thế nào|thì như thế nào|như thế nào|ra sao|thế nào|nữa|thì|then)?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(nó|điều đó|việc đó|cái đó|văn bản đó|văn bản này|chương trình đó|it|that|this)\b", re.IGNORECASE)


def is_follow_up(question: str) -> bool:
    q = question.strip()
    return bool(_LEADS.match(q)) or (len(q.split()) <= 5 and bool(_TAILS.search(q)) and "thì sao" in q.lower()) or bool(
        _PRONOUN.search(q) and len(q.split()) <= 10
    )


def rewrite(question: str, history: list[dict[str, str]] | None) -> str:
    """Standalone form of `question` given earlier turns (role/content dicts)."""
    if not history:
        return question
    previous = next((h["content"] for h in reversed(history) if h.get("role") == "user" and h.get("content")), None)
    if not previous or not is_follow_up(question):
        return question
    focus = _TAILS.sub("", _LEADS.sub("", question.strip())).strip(" ,")
    if _PRONOUN.search(question) and not _LEADS.match(question.strip()):
        # «nó được hỗ trợ gì?» -> keep the question, add the previous subject
        return collapse_ws(f"{question.rstrip('?')} ({previous.rstrip('?')})?")
    if not focus:
        return previous
    return _substitute(previous, focus)


def _substitute(previous: str, focus: str) -> str:
    """Put `focus` in place of the phrase of `previous` it most resembles.

    «Tỷ lệ lấp đầy các khu công nghiệp đạt bao nhiêu?» + «cụm công nghiệp»
    -> «Tỷ lệ lấp đầy các cụm công nghiệp đạt bao nhiêu?»
    """
    words = previous.split()
    focus_words = focus.split()
    folded_focus = [fold(w).lower().strip(",.?") for w in focus_words]
    best: tuple[float, int, int] | None = None  # (similarity, start, length)
    n = len(focus_words)
    for length in sorted({n, n - 1, n + 1} - {0}):
        for start in range(0, max(0, len(words) - length) + 1):
            window = [fold(w).lower().strip(",.?") for w in words[start : start + length]]
            if window == folded_focus:
                continue
            bag = sum(1 for w in window if w in folded_focus)
            aligned = sum(1 for a, b in zip(window, folded_focus, strict=False) if a == b)
            if not bag:
                continue
            # words in the same places count more; then prefer the focus's own length
            score = bag + aligned - 0.1 * abs(length - n)
            if best is None or score > best[0]:
                best = (score, start, length)
    if best is None:
        return collapse_ws(f"{previous.rstrip('?')} – {focus}?")
    _, start, length = best
    trailing = words[start + length - 1][-1] if words[start + length - 1][-1] in ",.?" else ""
    replaced = words[:start] + [focus + trailing] + words[start + length :]
    return collapse_ws(" ".join(replaced))
