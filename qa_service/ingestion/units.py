"""The tree built from a document's numbered lines: its outline (headings with their level and label) and its
smallest citable units (bullet, khoản, điểm, paragraph), each with its section path, its label («Điều 5, khoản 2,
điểm a», «Mục II.1, ý 3») and the group it may be merged within.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa_service.ingestion.clean import Paragraph
from qa_service.ingestion.numbering import (
    APPENDIX,
    ARTICLE,
    BULLET,
    CHAPTER,
    LAW_SECTION,
    LETTERED,
    NUMBERED,
    PART,
    inline_article,
)
from qa_service.labels import Block
from qa_service.models import OutlineEntry


@dataclass
class UnitBlock:
    text: str
    start: int
    end: int
    page: int | None
    path_titles: list[str]
    path_ids: list[str]
    label: str
    group: str  # units are merged only within one group (leaf section / article)
    intro: str = ""  # the khoản lead-in a point depends on («1. Hình thức ưu đãi đầu tư bao gồm:»)


class UnitBuilder:
    """Takes the body's paragraphs in order; keeps the full text (offsets point into it), outline and units."""

    def __init__(self, style: str, flat: bool = False) -> None:
        self.style = style
        # a letter or notice with no headings: its numbered items are its sections («Mục 2»), its other paragraphs
        # are counted («Đoạn 3»), each a citable unit of its own
        self.flat = flat
        self.item_open = False  # a numbered item of a flat document is the section of the bullets under it
        self.parts: list[str] = []
        self.length = 0
        self.units: list[UnitBlock] = []
        self.outline: list[OutlineEntry] = []
        # stack of (level, id, title)
        self.stack: list[tuple[int, str, str]] = []
        self.bullet_count: dict[str, int] = {}
        self.paragraph_count: dict[str, int] = {}
        self.khoan: tuple[str, str] | None = None  # (number, lead-in text) inside the current article

    # -- text assembly -------------------------------------------------
    def _append(self, text: str) -> tuple[int, int]:
        if self.parts:
            self.parts.append("\n")
            self.length += 1
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start, self.length

    def text(self) -> str:
        return "".join(self.parts)

    # -- headings ------------------------------------------------------
    def _push(self, level: int, ident: str, title: str, start: int, end: int) -> None:
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, ident, title))
        self.outline.append(OutlineEntry(level=level, label=self._label_base(), title=title, start=start, end=end))

    def _path(self) -> tuple[list[str], list[str]]:
        return [t for _, _, t in self.stack], [i for _, i, _ in self.stack]

    def _label_base(self) -> str:
        ids = [i for _, i, _ in self.stack]
        if self.style == "law":
            named = [i for i in ids if i.startswith(("Điều", "Phụ lục"))]
            if named:
                return named[-1]
            return ", ".join(ids) if ids else "Phần mở đầu"
        return "Mục " + ".".join(ids) if ids else "Phần mở đầu"

    # -- content -------------------------------------------------------
    def add(self, para: Paragraph) -> None:
        text = para.text
        if para.row is not None:
            self._add_row(para, *para.row)
        elif self.style == "law":
            self._add_law(para, text)
        else:
            self._add_programme(para, text)

    def _is_heading(self, para: Paragraph, rest: str) -> bool:
        return para.heading_hint or (len(rest) < 180 and not rest.rstrip().endswith((".", ";")))

    def _add_programme(self, para: Paragraph, text: str) -> None:
        if self.flat:
            self._add_flat(para, text)
            return
        m = PART.match(text)
        if m and (para.heading_hint or m.group(2).upper() == m.group(2)):
            start, end = self._append(text)
            self._push(1, m.group(1), f"{m.group(1)}. {m.group(2).strip()}", start, end)
            return
        m = NUMBERED.match(text)
        if m and self._is_heading(para, m.group(2)):
            start, end = self._append(text)
            self._push(2, m.group(1), text, start, end)
            return
        m = LETTERED.match(text)
        if m and self._is_heading(para, m.group(2)):
            start, end = self._append(text)
            self._push(3, m.group(1), text, start, end)
            return
        if para.heading_hint and not BULLET.match(text) and len(text) < 200 and not self.stack:
            # the document title before part I
            start, end = self._append(text)
            self.outline.append(OutlineEntry(level=0, label="Tiêu đề", title=text, start=start, end=end))
            return
        start, end = self._append(text)
        base = self._label_base()
        titles, ids = self._path()
        if m := NUMBERED.match(text):
            # a numbered paragraph that is content, not a heading (part IV's items)
            label = f"{base}.{m.group(1)}" if ids else f"Điểm {m.group(1)}"
        elif BULLET.match(text):
            self.bullet_count[base] = self.bullet_count.get(base, 0) + 1
            label = f"{base}, ý {self.bullet_count[base]}"
        else:
            self.paragraph_count[base] = self.paragraph_count.get(base, 0) + 1
            label = f"{base}, đoạn {self.paragraph_count[base]}" if ids else base
        self.units.append(UnitBlock(text, start, end, para.page, titles, ids, label, group=base))

    def _add_flat(self, para: Paragraph, text: str) -> None:
        """A numbered item opens its own section, and the bullets under it are its «ý»; any other paragraph closes it
        and is counted at the top («Đoạn 2»)."""
        numbered, bullet = NUMBERED.match(text), BULLET.match(text)
        if not numbered and not (bullet and self.item_open):
            self.stack.clear()
            self.item_open = False
        start, end = self._append(text)
        if numbered:
            self._push(1, numbered.group(1), text[:120], start, end)
            self.item_open = True
        base = self._label_base()
        titles, ids = self._path()
        if numbered:
            label = base
        elif bullet and self.item_open:
            self.bullet_count[base] = self.bullet_count.get(base, 0) + 1
            label = f"{base}, ý {self.bullet_count[base]}"
        else:
            self.paragraph_count[""] = self.paragraph_count.get("", 0) + 1
            label, base = f"Đoạn {self.paragraph_count['']}", ""  # consecutive paragraphs may share a passage
        self.units.append(UnitBlock(text, start, end, para.page, titles, ids, label, group=base))

    def _add_row(self, para: Paragraph, table: int, row: int) -> None:
        """A table row: a unit of its own, labelled by its table and row within the section it stands in."""
        start, end = self._append(para.text)
        titles, ids = self._path()
        where = self._label_base() if ids else ""
        label = f"{where}, bảng {table}, dòng {row}" if where else f"Bảng {table}, dòng {row}"
        self.units.append(UnitBlock(para.text, start, end, para.page, titles, ids, label, group=label))

    def add_head(self, lines: list[Paragraph]) -> None:
        """The masthead (issuer, number, date, «V/v», «Kính gửi»): one unit labelled as a block, like the signature."""
        if not lines:
            return
        start, end = self._append(" ".join(p.text for p in lines))
        self.outline.append(OutlineEntry(level=1, label=Block.HEADER, title=Block.HEADER, start=start, end=end))
        self.units.append(UnitBlock(self.text()[start:end], start, end, lines[0].page, [Block.HEADER], [Block.HEADER], Block.HEADER, group=Block.HEADER))

    def _add_law(self, para: Paragraph, text: str) -> None:
        if (m := APPENDIX.match(text)) and len(text) < 300 and text[:7].upper() == text[:7]:
            start, end = self._append(text)
            self._push(1, f"Phụ lục{m.group(2) or ''}".strip(), text, start, end)
            self.khoan = None
            return
        if m := CHAPTER.match(text):
            start, end = self._append(text)
            self._push(1, f"Chương {m.group(1)}", text, start, end)
            self.khoan = None
            return
        if (m := LAW_SECTION.match(text)) and len(text) < 200:
            start, end = self._append(text)
            self._push(2, f"Mục {m.group(1)}", text, start, end)
            self.khoan = None
            return
        if m := ARTICLE.match(text):
            start, end = self._append(text)
            self._push(3, f"Điều {m.group(1)}", text, start, end)
            self.khoan = None
            if inline_article(m.group(2)):
                # «Điều 4. Ban Chỉ đạo làm việc theo nguyên tắc tập trung dân chủ, …»: the article's words are on
                # its heading line; they are a passage too, or the article could not be found or quoted
                titles, ids = self._path()
                label = self._label_base()
                self.units.append(UnitBlock(text, start, end, para.page, titles, ids, label, group=label))
            return
        start, end = self._append(text)
        titles, ids = self._path()
        base = self._label_base()
        in_article = any(i.startswith("Điều") for i in ids)
        intro = ""
        if in_article and (m := NUMBERED.match(text)):
            self.khoan = (m.group(1), text)
            label = f"{base}, khoản {m.group(1)}"
        elif in_article and (m := LETTERED.match(text)):
            if self.khoan:
                label = f"{base}, khoản {self.khoan[0]}, điểm {m.group(1)}"
                intro = self.khoan[1]
            else:
                label = f"{base}, điểm {m.group(1)}"
        elif in_article and self.khoan and BULLET.match(text) and self.units:
            # a dash list inside a point or clause belongs to it
            label = self.units[-1].label
            intro = self.units[-1].intro
        elif in_article and self.khoan:
            label = f"{base}, khoản {self.khoan[0]}"
            intro = self.khoan[1]
        else:
            label = base
        # a clause and its points form one group: chunks never straddle two khoản
        group = f"{base}, khoản {self.khoan[0]}" if in_article and self.khoan else base
        self.units.append(UnitBlock(text, start, end, para.page, titles, ids, label, group=group, intro=intro))

    def add_tail(self, kind: str, lines: list[Paragraph]) -> None:
        if not lines:
            return
        texts = list(dict.fromkeys(p.text.rstrip(";,") for p in lines))
        text = "; ".join(texts) if kind == "recipients" else ", ".join(texts)
        if kind == "recipients":
            text = re.sub(r"^(Nơi\s+nhận\s*:?)\s*;?\s*", r"\1 ", text, flags=re.IGNORECASE).strip()
            label, title = "Nơi nhận", "Nơi nhận"
        else:
            label, title = "Phần ký", "Chữ ký"
        start, end = self._append(text)
        self.outline.append(OutlineEntry(level=1, label=label, title=title, start=start, end=end))
        self.units.append(UnitBlock(text, start, end, lines[0].page, [title], [label], label, group=label))
