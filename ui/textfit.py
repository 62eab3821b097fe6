"""How much room a text takes on a slide, estimated from its characters and font size alone (no font files):
the slides are laid out from these numbers, so they err on the large side. Widths are Arial's (the slides' font;
LibreOffice draws it with the metric-compatible Liberation Sans), per class of character, in em."""

from __future__ import annotations

import math
import unicodedata

LINE_HEIGHT = 1.2  # em per line: Arial's ascent + descent (1.15) with room for Vietnamese stacked marks
SAFETY = 1.05  # widths are rounded up by this much: an estimate that wraps one word early is harmless
BOLD = 1.1  # Arial Bold's lowercase against the regular's
_NARROW = set(" iljtfrI.,;:!'|()[]-/")
_WIDE = set("mwMW%@")
_EM = set("—…")
# a base letter carrying a Vietnamese horn is a little wider than the plain letter
_HORN = set("ơưƠƯ")


def _char_em(ch: str) -> float:
    if ch in _EM:
        return 1.0
    if ch in _HORN:
        return 0.7
    base = unicodedata.normalize("NFD", ch)[0] if ch not in "đĐ" else ("d" if ch == "đ" else "D")
    if base in _NARROW:
        return 0.3
    if base in _WIDE:
        return 0.95
    if base.isupper():
        return 0.72
    if base.isalnum() or base in "«»":
        return 0.56
    return 0.65


def text_width(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of `text` on one line, in points."""
    ems = sum(_char_em(ch) for ch in unicodedata.normalize("NFC", text))
    return ems * size_pt * SAFETY * (BOLD if bold else 1.0)


def line_count(text: str, width_pt: float, size_pt: float, bold: bool = False) -> int:
    """Lines `text` wraps to in a column `width_pt` wide: greedy word wrap, as PowerPoint and LibreOffice do; a word
    longer than the column is broken across lines."""
    if not text:
        return 1
    space = text_width(" ", size_pt, bold)
    lines, used = 1, 0.0
    for word in text.split():
        width = text_width(word, size_pt, bold)
        if width > width_pt:  # broken mid-word: it fills lines of its own
            extra = math.ceil(width / width_pt)
            lines += extra - (1 if used == 0 else 0)
            used = width - (extra - 1) * width_pt
            continue
        needed = width if used == 0 else used + space + width
        if needed <= width_pt:
            used = needed
        else:
            lines, used = lines + 1, width
    return lines


def text_height(text: str, width_pt: float, size_pt: float, bold: bool = False) -> float:
    """Height of `text` wrapped in a column `width_pt` wide, in points; hard line breaks start new lines."""
    return sum(line_count(part, width_pt, size_pt, bold) for part in text.split("\n")) * size_pt * LINE_HEIGHT
