"""Document text as the page shows it: escaped, never rendered as live Markdown or HTML."""

from __future__ import annotations

import html
import re
from typing import Any

from ui.strings import S

# characters Markdown would act on, as HTML entities: shown as themselves inside or outside an HTML block
_ENTITIES = {c: f"&#{ord(c)};" for c in "[]()*_`#~|!\\$"}


# what GitHub-flavoured Markdown turns into a link by itself: «https://…», «www.…», «name@host»
_AUTOLINK = re.compile(r"://|(?i:www)\.|@")


def inert(text: str) -> str:
    escaped = html.escape(text)
    escaped = "".join(_ENTITIES.get(c, c) for c in escaped)
    # an entity breaks a bare address, so Markdown never makes it a link
    escaped = _AUTOLINK.sub(lambda m: {"://": "&#58;//", "@": "&#64;"}.get(m.group(0), m.group(0)[:-1] + "&#46;"), escaped)
    # one HTML block: a blank line would end it and let Markdown read what follows
    return escaped.replace("\n", "<br>")


def highlight(cit: dict[str, Any]) -> str:
    """The cited passage, escaped, with the quote marked where the service says it is (quote_start)."""
    text, length = cit["text"], len(cit["quote"])
    at = cit["quote_start"] - cit["start"]
    if not (0 <= at and text[at : at + length] == cit["quote"]):
        at, length = 0, 0  # not where it should be: show the passage unmarked rather than mark a guess
    parts = (inert(text[:at]), inert(text[at : at + length]), inert(text[at + length :]))
    marked = f"{parts[0]}<mark>{parts[1]}</mark>{parts[2]}" if length else parts[0] + parts[2]
    return f"<div style='overflow-wrap:anywhere'>{marked}</div>"


# Markdown's punctuation, Streamlit's own (`$` LaTeX, `:red[…]`) and what starts a bare link («@», «www.»)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|<>~$&@])")


def literal(text: str) -> str:
    """Document text shown as written: Markdown in it (links, bare addresses, images, emphasis, HTML) is escaped,
    never rendered. Our own layout is kept: the «- » that starts each quoted item and the line breaks."""
    lines = []
    for line in text.split("\n"):
        bullet = line.startswith("- ")
        body = _MARKDOWN.sub(r"\\\1", line[2:] if bullet else line)
        # a backslash does not stop GFM's autolinks (remark-gfm links «https://…», «www.…», «a@b.c» after escapes
        # are read): a zero-width space inside each keeps the text as written and the link dead
        body = body.replace("://", ":\u200b//").replace("\\@", "\u200b\\@")
        body = re.sub(r"(?i)\b(www)\.", "\\1\u200b\\\\.", body)
        lines.append(("- " if bullet else "") + body)
    return "\n".join(lines)


def label(text: str) -> str:
    """Document or user text as a widget's label (a button, checkbox, radio option, expander: Streamlit renders
    Markdown there too): on one line, escaped."""
    return literal(" ".join(text.split()))


def excerpt(text: str, limit: int = 300) -> str:
    """The start of a passage, cut at the end of a sentence or list item when one falls in the second half,
    else between words: never mid-word or mid-structure («ý 1-4: - Tỷ trọng…»)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.end() for m in re.finditer(r"[.;!?](?=\s)", head)]
    if ends and ends[-1] >= limit // 2:
        return head[: ends[-1]] + " …"
    return head.rsplit(" ", 1)[0].rstrip(" :-–,") + " …"


_ENUMERATOR = re.compile(r"^\s*(?:[IVXLC]+|\d{1,3}|[a-zđ])\s*[.)\-–]\s*", re.IGNORECASE)


def heading_title(heading: str) -> str:
    """«III. NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU» -> «Nhiệm vụ và giải pháp chủ yếu»: the label says the number already."""
    title = _ENUMERATOR.sub("", heading.strip().strip("*")).strip(" .:")
    letters = [c for c in title if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        title = title[:1] + title[1:].lower()
    return title


def replaced_line(replaced: dict[str, Any]) -> str:
    """«Văn bản này đã hết hiệu lực theo Luật Đầu tư 61/2020/QH14 (Điều 76, khoản 3).» (document text: literal)."""
    number = f" {literal(replaced['number'])}" if replaced.get("number") else ""
    return str(S["replaced_by"]).format(title=literal(replaced["title"]), number=number, label=literal(replaced["citation_label"]))


def newer_line(newer: dict[str, Any]) -> str:
    """«Đã có văn bản hợp nhất mới hơn: Bộ luật Lao động (văn bản hợp nhất) 125/VBHN-VPQH (2025-08-27) …» (document
    text: literal)."""
    number = f" {literal(newer['number'])}" if newer.get("number") else ""
    date = f" ({literal(newer['date'])})" if newer.get("date") else ""
    return str(S["newer_text"]).format(title=literal(newer["title"]), number=number, date=date)


def also_in_line(copies: list[dict[str, Any]]) -> str:
    """«Cũng có trong: Bộ luật Lao động 125/VBHN-VPQH, Điều 25 (gần giống, lời văn có chỗ khác).» (document text:
    literal)."""
    places = []
    for copy in copies:
        number = f" {literal(copy['doc_number'])}" if copy.get("doc_number") else ""
        place = str(S["also_in_place"]).format(title=literal(copy["doc_title"]), number=number, label=literal(copy["citation_label"]))
        places.append(place + ("" if copy.get("identical", True) else str(S["also_in_near"])))
    return str(S["also_in"]).format(places="; ".join(places))
