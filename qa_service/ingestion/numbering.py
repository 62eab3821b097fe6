"""The numbering a document's structure is read from (not Markdown `#`). Two styles:

- programme style: parts `I-`/`II.`, sections `1.`, items `a)`, bullets `-`;
- law style: `Chương`, `Mục`, `Điều N.`, khoản `1.`, điểm `a)`.

Only the line patterns and the style they imply; the tree is built in units.py.
"""

from __future__ import annotations

import re

from qa_service.ingestion.clean import Paragraph
from qa_service.text import VI_LOWER

PART = re.compile(r"^([IVX]{1,5})\s*[-.–]\s*(.+)$")
CHAPTER = re.compile(r"^Chương\s+([IVXLC]+|\d+)\b\.?\s*(.*)$")
LAW_SECTION = re.compile(r"^Mục\s+(\d+)\b\.?\s*(.*)$")
APPENDIX = re.compile(r"^(PHỤ LỤC|Phụ lục)(\s+[IVXLC\d]+)?\b\.?\s*(.*)$")
# «Điều 5.3 (được bãi bỏ)»: in a consolidated text a footnote mark may be glued to the article's full stop
ARTICLE = re.compile(r"^Điều\s+(\d+[a-z]?)\.(?:\d{1,3}(?=\s))?\s*(.*)$")
REPEALED = re.compile(r"\(?\s*(?:đã\s+)?(?:được|bị)?\s*bãi bỏ\s*\)?\.?", re.IGNORECASE)
NUMBERED = re.compile(r"^(\d{1,3})\.\s+(.+)$")
LETTERED = re.compile(rf"^([{VI_LOWER}])\)\s+(.+)$")
BULLET = re.compile(r"^[-–•+]\s+(.+)$")


def detect_style(paragraphs: list[Paragraph]) -> str:
    articles = sum(1 for p in paragraphs if ARTICLE.match(p.text))
    return "law" if articles >= 2 else "programme"


def is_flat(body: list[Paragraph], style: str) -> bool:
    """A letter, notice or note written without headings: no part, article or heading line, and every numbered item
    a sentence (a heading would be short and without a full stop)."""
    if style != "programme" or any(p.heading_hint or PART.match(p.text) or ARTICLE.match(p.text) for p in body if p.row is None):
        return False
    items = [m.group(2) for p in body if (m := NUMBERED.match(p.text))]
    return all(len(rest) >= 180 or rest.rstrip().endswith((".", ";", ":")) for rest in items)


def join_heading_titles(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """«Chương I» + «NHỮNG QUY ĐỊNH CHUNG» -> one heading."""
    out: list[Paragraph] = []
    for para in paragraphs:
        prev = out[-1].text if out else ""
        if (
            out
            and (CHAPTER.fullmatch(prev) or LAW_SECTION.fullmatch(prev) or APPENDIX.fullmatch(prev))
            and len(prev.split()) <= 3
            and para.text.upper() == para.text
            and len(para.text) > 3
        ):
            out[-1] = Paragraph(f"{prev}. {para.text}", out[-1].page, True)
        else:
            out.append(para)
    return out


def inline_article(rest: str) -> bool:
    """An article heading that holds the article itself: a sentence, not a title («Phạm vi điều chỉnh»)."""
    return (
        len(rest.split()) > 18
        or bool(re.search(r"[.;:]\s+\S", rest))
        or rest.rstrip().endswith((".", ";"))
        # «(được bãi bỏ)»: a repealed article is all on its heading, and a reader asking for it must be told
        or bool(REPEALED.fullmatch(rest.strip()))
    )
