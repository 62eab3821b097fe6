"""What a report calls its own paragraphs: «Những hạn chế nêu trên có nguyên nhân …» names the paragraph before it
(«Tuy nhiên, phát triển công nghiệp chưa tương xứng …») as the shortcomings, though that paragraph never says the
word. Its sentences then hold the name, as a heading's words are held by what it heads, so «Những hạn chế … là gì?»
is answered by the paragraph named so, not by the sentence that only names it back."""

from __future__ import annotations

import re

from qa_service.text import fold

# a paragraph opening with «Những/Các <name> (đã) nêu trên / kể trên / nói trên / trên đây»
_NAMED_BACK = re.compile(
    r"^\W*(?:Những|Các)\s+((?:[^\W\d_]+,?\s+){1,6}?)(?:(?:đã\s+)?(?:nêu|kể|nói)\s+trên|trên\s+đây)\b",
    re.IGNORECASE | re.MULTILINE,
)
_WORD = re.compile(r"[^\W\d_]+")

Span = tuple[int, int, frozenset[str]]  # (start, end) of a paragraph in its document's text, the folded words it is named by


def named_paragraphs(text: str) -> list[Span]:
    """Every paragraph a later paragraph names back, with the (folded) words of that name."""
    out: list[Span] = []
    for match in _NAMED_BACK.finditer(text):
        end = len(text[: match.start()].rstrip())
        start = text.rfind("\n", 0, end) + 1
        if end > start:
            out.append((start, end, frozenset(fold(w).lower() for w in _WORD.findall(match.group(1)))))
    return out


def without_name(sentence: str) -> str:
    """The sentence less the name it calls an earlier paragraph by: «Những hạn chế nêu trên có nguyên nhân …» says
    what caused the shortcomings, not what they are, so its own «hạn chế» holds nothing of «Những hạn chế … là gì?»."""
    match = _NAMED_BACK.match(sentence)
    return sentence[: match.start(1)] + sentence[match.end(1) :] if match else sentence


def named_words(spans: list[Span], offset: int) -> frozenset[str]:
    """The words the paragraph holding `offset` is named by (none when no paragraph names it back)."""
    return frozenset(w for start, end, words in spans if start <= offset < end for w in words)
