"""split (part 1): read the document's structure from its numbering, not from
Markdown `#`. Two styles:

- programme style: parts `I-`/`II.`, sections `1.`, items `a)`, bullets `-`;
- law style: `Chương`, `Mục`, `Điều N.`, khoản `1.`, điểm `a)`.

The result is the cleaned full text (offsets point into it), its outline,
the smallest citable units with their section path and label, and metadata
read from the text (signature block, «Nơi nhận», number, type, issuer, date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa_service.ingestion.clean import Paragraph
from qa_service.models import OutlineEntry
from qa_service.references import DOCUMENT_TYPES
from qa_service.text import VI_LOWER, VI_UPPER

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
RECIPIENTS = re.compile(r"^Nơi\s+nhận\s*:?\s*(.*)$", re.IGNORECASE)
SIGN_LEAD = re.compile(r"^(T/M|TM\.?|KT\.?|Q\.|TL\.|TUQ\.|PHÓ|CHỦ|BỘ TRƯỞNG|THỦ TƯỚNG|BÍ THƯ|GIÁM ĐỐC)\b")
PERSON = re.compile(rf"^[{VI_UPPER}][{VI_LOWER}]+(\s+[{VI_UPPER}][{VI_LOWER}]+){{1,4}}$")
DATE_LINE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
PLACE_DATE = re.compile(r"\s*(?:[^\W\d][^\W\d ]*(?: [^\W\d][^\W\d ]*){0,4},\s*)?ngày\s+\d{1,2}\s+tháng", re.IGNORECASE)
# «Số: 372/QĐ-BTC», also typed «Số:  372 /QĐ-BTC» (spaces around the slash are not part of the number)
NUMBER_LINE = re.compile(r"\bSố\s*:\s*(\d[\w.\-]*(?:\s*/\s*[\w.\-]*\w)*)", re.IGNORECASE)
DOC_TYPES = [t.upper() for t in DOCUMENT_TYPES]
PASSED_ON = re.compile(r"thông qua ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
ISSUER_HINTS = ("QUỐC HỘI", "CHÍNH PHỦ", "THỦ TƯỚNG", "BỘ ", "ỦY BAN", "UỶ BAN", "TỈNH ỦY", "BAN ", "NGÂN HÀNG", "VĂN PHÒNG", "HỘI ĐỒNG", "TÒA ÁN", "VIỆN KIỂM SÁT", "KIỂM TOÁN")


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


@dataclass
class StructuredDocument:
    text: str
    style: str
    units: list[UnitBlock]
    outline: list[OutlineEntry]
    meta: dict[str, object] = field(default_factory=dict)


def _number(match: re.Match[str]) -> str:
    return re.sub(r"\s*/\s*", "/", match.group(1)).rstrip(".")


def detect_style(paragraphs: list[Paragraph]) -> str:
    articles = sum(1 for p in paragraphs if ARTICLE.match(p.text))
    return "law" if articles >= 2 else "programme"


def _join_heading_titles(paragraphs: list[Paragraph]) -> list[Paragraph]:
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


def structure(paragraphs: list[Paragraph]) -> StructuredDocument:
    paragraphs = _join_heading_titles(paragraphs)
    style = detect_style(paragraphs)
    body, tail_meta, tail_units = _split_tail(paragraphs)
    header_meta, body = _read_header(body, style)
    builder = _Builder(style)
    for para in body:
        builder.add(para)
    for kind, lines in tail_units:
        builder.add_tail(kind, lines)
    meta = {**header_meta, **tail_meta}
    if authenticated := _authentication(paragraphs):
        meta["tail_number"], meta["consolidated"] = authenticated[0], True
        if authenticated[1]:
            meta["consolidated_on"] = authenticated[1]
    if "issued" not in meta:
        # a law without a masthead date: «Luật này đã được Quốc hội … thông qua ngày 20 tháng 6 năm 2012»
        for para in reversed(paragraphs[-30:]):
            if m := PASSED_ON.search(para.text):
                day, month, year = m.groups()
                meta["issued"] = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
                break
    return StructuredDocument(builder.text(), style, builder.units, builder.outline, meta)


def _authentication(paragraphs: list[Paragraph]) -> tuple[str, str | None] | None:
    """A consolidated text's own number and date, from its authentication block («Số: 47/VBHN-VPQH», «XÁC THỰC VĂN
    BẢN HỢP NHẤT», «Hà Nội, ngày 27 tháng 12 năm 2023»): the first «Số: …/VBHN-…» line wherever it stands — annexes
    may follow it, their forms carry «Số:.../...», and another act's consolidated text is cited as «Văn bản hợp nhất
    số …», never after «Số:»."""
    for i, para in enumerate(paragraphs):
        if (m := NUMBER_LINE.search(para.text)) and "/VBHN" in m.group(1).upper():
            dated = (DATE_LINE.search(p.text) for p in paragraphs[i : i + 6])
            date = next((d.groups() for d in dated if d), None)
            return _number(m), f"{int(date[2]):04d}-{int(date[1]):02d}-{int(date[0]):02d}" if date else None
    return None


def _split_tail(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], dict[str, object], list[tuple[str, list[Paragraph]]]]:
    """Separate «Nơi nhận» and the signature block from the body."""
    meta: dict[str, object] = {}
    tail: list[tuple[str, list[Paragraph]]] = []
    n = len(paragraphs)
    recipients_at = next(
        (i for i in range(n - 1, max(-1, n - 40), -1) if RECIPIENTS.match(paragraphs[i].text)), None
    )
    # signature: from the end, a person's name preceded by position lines in capitals
    sign_start = None
    window_start = recipients_at if recipients_at is not None else max(0, n - 12)
    for i in range(window_start, n):
        text = paragraphs[i].text
        if SIGN_LEAD.match(text) and text.upper() == text:
            sign_start = i
            break
    if sign_start is not None:
        sign_lines = [p.text for p in paragraphs[sign_start:] if not RECIPIENTS.match(p.text)]
        names = [t for t in sign_lines if PERSON.match(t)]
        positions = [t for t in sign_lines if t.upper() == t and not PERSON.match(t)]
        if names:
            meta["signer"] = names[-1]
        if positions:
            meta["signer_position"] = ", ".join(dict.fromkeys(positions))
    end_body = min(x for x in (recipients_at, sign_start, n) if x is not None)
    if recipients_at is not None:
        stop = sign_start if sign_start is not None and sign_start > recipients_at else n
        rec_paras = paragraphs[recipients_at:stop]
        first = RECIPIENTS.match(rec_paras[0].text)
        items = ([first.group(1)] if first and first.group(1) else []) + [p.text for p in rec_paras[1:]]
        items = [re.sub(r"^[-–•+]\s*", "", t).rstrip(",;.") for t in items if t.strip()]
        items = [t for t in items if not (SIGN_LEAD.match(t) and t.upper() == t) and not PERSON.match(t)]
        meta["recipients"] = items
        tail.append(("recipients", rec_paras[:1] + [Paragraph(t) for t in items]))
    if sign_start is not None:
        tail.append(("signature", paragraphs[sign_start:]))
    return paragraphs[:end_body], meta, tail


def _read_header(body: list[Paragraph], style: str) -> tuple[dict[str, object], list[Paragraph]]:
    """Number, type, title, issuer and date from the masthead, before the first structural unit."""
    meta: dict[str, object] = {}
    limit = min(len(body), 30)
    first_struct = next(
        (
            i
            for i in range(limit)
            if CHAPTER.match(body[i].text) or ARTICLE.match(body[i].text) or PART.match(body[i].text)
        ),
        limit,
    )
    head = body[:first_struct]
    for i, para in enumerate(head):
        text = para.text
        if "doc_number" not in meta and (m := NUMBER_LINE.search(text)):
            meta["doc_number"] = _number(m)
        if "issued" not in meta and (d := DATE_LINE.search(text)):
            day, month, year = d.groups()
            meta["issued"] = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        upper = text.upper() == text and len(text) > 2
        # «NGHỊ ĐỊNH1»: a footnote mark glued to the heading in consolidated texts
        text = re.sub(r"(?<=[^\W\d])\d{1,2}$", "", text) if upper else text
        if upper and text.startswith("VĂN BẢN HỢP NHẤT"):
            # the masthead of a consolidated text («VĂN BẢN HỢP NHẤT - BỘ TÀI CHÍNH»): what it is and who consolidated
            # it, not its title — the title is the act's own heading below («LUẬT / BẢO HIỂM XÃ HỘI»)
            meta["consolidated"] = True
            issuer = text.removeprefix("VĂN BẢN HỢP NHẤT").strip(" -–")
            if issuer and "issuer" not in meta:
                meta["issuer"] = _title_case(issuer)
            continue
        if upper and "issuer" not in meta and any(text.startswith(h) for h in ISSUER_HINTS) and i < 6:
            meta["issuer"] = _title_case(text.split("CỘNG HÒA")[0].strip())
        if upper and "doc_type" not in meta:
            for doc_type in DOC_TYPES:
                if text == doc_type or text.startswith(doc_type + " "):
                    meta["doc_type"] = doc_type.capitalize()
                    rest = text[len(doc_type) :].strip()
                    subject = rest or _subject_lines(head[i + 1 :])
                    subject = _own_subject(subject, doc_type, meta)
                    if subject.upper() == subject:
                        subject = subject.lower()
                    else:
                        subject = subject[:1].lower() + subject[1:]
                    title = doc_type.capitalize() + (" " + subject if subject else "")
                    if doc_type in ("LUẬT", "BỘ LUẬT") and subject:
                        title = f"{doc_type.capitalize()} {subject.capitalize()}"
                    meta["title_guess"] = title
                    break
    return meta, body


def _inline_article(rest: str) -> bool:
    """An article heading that holds the article itself: a sentence, not a title («Phạm vi điều chỉnh»)."""
    return (
        len(rest.split()) > 18
        or bool(re.search(r"[.;:]\s+\S", rest))
        or rest.rstrip().endswith((".", ";"))
        # «(được bãi bỏ)»: a repealed article is all on its heading, and a reader asking for it must be told
        or bool(REPEALED.fullmatch(rest.strip()))
    )


def _subject_lines(lines: list[Paragraph]) -> str:
    """What a document is about, under its type: the next line, and the lines that go on from it (a line
    starting in lower case, or after one ending in a comma) — «Quy định chi tiết … để tổ chức,» «hướng dẫn …»."""
    parts: list[str] = []
    for para in lines[:4]:
        text = re.sub(r"[\s_–-]*_{3,}[\s_–-]*$", "", para.text).strip()  # the rule drawn under a title
        # the place-and-date line ends it; a date inside the subject («Nghị định … ngày 31 tháng 12 năm 2020») does not
        if not (2 < len(text) < 600) or NUMBER_LINE.search(text) or PLACE_DATE.match(text) or set(text) <= set("_-–. "):
            break
        if parts and not (text[:1].islower() or parts[-1].endswith(",")):
            break
        parts.append(text)
        if text.upper() == text:  # «LAO ĐỘNG» under «BỘ LUẬT»: a heading in capitals is one line
            break
    return " ".join(" ".join(parts).split())


def _own_subject(subject: str, doc_type: str, meta: dict[str, object]) -> str:
    """The subject without what the masthead's next paragraphs say when a line break did not part them: the
    preamble («Căn cứ Luật …»), and a consolidated text's statement naming the act it consolidates («Thông tư số
    17/2022/TT-BLĐTBXH ngày … được sửa đổi, bổ sung bởi:» — the act's own type, or its own number)."""
    subject = re.split(r"\s+Căn cứ\b", subject, maxsplit=1)[0]
    if own := meta.get("doc_number"):
        subject = re.split(rf"\s+\S+(?: \S+)? số {re.escape(str(own))}(?!\w)", subject, maxsplit=1)[0]
    if m := re.search(rf"\s+{re.escape(doc_type.capitalize())} số \d", subject):
        # «… có hiệu lực kể từ …, được sửa đổi, bổ sung bởi:» says the text is a consolidation even where the
        # masthead does not
        if meta.get("consolidated") or "sửa đổi, bổ sung bởi" in subject[m.start() :]:
            meta["consolidated"] = True
            subject = subject[: m.start()]
    # «… về đăng ký thuế1»: a consolidated text's footnote mark glued to the last word
    return re.sub(r"(?<=[^\W\d])\d{1,2}$", "", subject.strip())


def _title_case(text: str) -> str:
    return " ".join(w.capitalize() for w in text.split())


class _Builder:
    def __init__(self, style: str) -> None:
        self.style = style
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
        if self.style == "law":
            self._add_law(para, text)
        else:
            self._add_programme(para, text)

    def _is_heading(self, para: Paragraph, rest: str) -> bool:
        return para.heading_hint or (len(rest) < 180 and not rest.rstrip().endswith((".", ";")))

    def _add_programme(self, para: Paragraph, text: str) -> None:
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
            if _inline_article(m.group(2)):
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
