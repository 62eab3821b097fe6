"""Metadata read from a document's own text: the masthead (number, type, title, issuer, date), the closing block
(signature, «Nơi nhận») and a consolidated text's authentication (its own number and date)."""

from __future__ import annotations

import re

from qa_service.ingestion.clean import Paragraph
from qa_service.ingestion.numbering import ARTICLE, CHAPTER, PART
from qa_service.references import DOCUMENT_TYPES
from qa_service.text import VI_LOWER, VI_UPPER

BULLET_LINE = re.compile(r"^[-–•+]\s+\S")
RECIPIENTS = re.compile(r"^Nơi\s+nhận\s*:?\s*(.*)$", re.IGNORECASE)
SIGN_LEAD = re.compile(r"^(T/M|TM\.?|KT\.?|Q\.|TL\.|TUQ\.|PHÓ|CHỦ|BỘ TRƯỞNG|THỦ TƯỚNG|BÍ THƯ|GIÁM ĐỐC)\b")
PERSON = re.compile(rf"^[{VI_UPPER}][{VI_LOWER}]+(\s+[{VI_UPPER}][{VI_LOWER}]+){{1,4}}$")
DATE_LINE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
PLACE_DATE = re.compile(r"\s*(?:[^\W\d][^\W\d ]*(?: [^\W\d][^\W\d ]*){0,4},\s*)?ngày\s+\d{1,2}\s+tháng", re.IGNORECASE)
# «Số: 372/QĐ-BTC», also typed «Số:  372 /QĐ-BTC» (spaces around the slash are not part of the number)
# «Số 86-NQ/TW» at the start of a line, without the colon: a number with its code, not a count («Số 5 …»)
NUMBER_START = re.compile(r"^Số\s+(\d[\w.\-]*(?:/[\w.\-]*\w)+)\s*$")
NUMBER_LINE = re.compile(r"\bSố\s*:\s*(\d[\w.\-]*(?:\s*/\s*[\w.\-]*\w)*)", re.IGNORECASE)
# what a masthead may call the document: the types a reference can name, and the administrative ones it cannot
REFERENCE_TYPES = frozenset(t.upper() for t in DOCUMENT_TYPES)
DOC_TYPES = [t.upper() for t in (*DOCUMENT_TYPES, "Thông báo", "Báo cáo", "Tờ trình", "Hướng dẫn", "Công văn")]
PASSED_ON = re.compile(r"thông qua ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
ABBREVIATED_BODIES = {"UBND": "ỦY BAN NHÂN DÂN", "HĐND": "HỘI ĐỒNG NHÂN DÂN", "UBMTTQ": "ỦY BAN MẶT TRẬN TỔ QUỐC"}
PLACE_LEVEL = re.compile(r"^(TỈNH|HUYỆN|THÀNH PHỐ|THỊ XÃ|QUẬN|XÃ|PHƯỜNG|THỊ TRẤN)\s+(?!HỘI\b)\S")
PLACE_WITHIN = re.compile(r"\b(TỈNH|HUYỆN|THÀNH PHỐ|THỊ XÃ|QUẬN|XÃ|PHƯỜNG|THỊ TRẤN)\s+(?!ỦY\b|UỶ\b|HỘI\b)\S.*$")
# a body under a local government or party committee, named below it in the masthead
SUBORDINATE = re.compile(r"^(SỞ|PHÒNG|BAN|VĂN PHÒNG|CHI CỤC|TRUNG TÂM|ĐẢNG ỦY|BAN QUẢN LÝ)(\s|$)")
ISSUER_HINTS = ("QUỐC HỘI", "CHÍNH PHỦ", "THỦ TƯỚNG", "BỘ ", "ỦY BAN", "UỶ BAN", "TỈNH ỦY", "BAN ", "NGÂN HÀNG", "VĂN PHÒNG", "HỘI ĐỒNG", "TÒA ÁN", "VIỆN KIỂM SÁT", "KIỂM TOÁN",
                "UBND", "HĐND", "SỞ ", "PHÒNG ", "HUYỆN", "THÀNH ỦY", "HUYỆN ỦY", "ĐẢNG ỦY", "CỤC", "CHI CỤC", "TRUNG TÂM", "TỔNG CỤC")

# the lines a masthead is made of, besides lines in capitals: the national motto, «V/v …», «Kính gửi: …», rules
MOTTO = re.compile(r"^(Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc|Độc lập, tự do, hạnh phúc)\W*$", re.IGNORECASE)
SUBJECT_LINE = re.compile(r"^(V/v|Về việc)\b", re.IGNORECASE)
ADDRESSEE = re.compile(r"^Kính\s+gửi\s*:", re.IGNORECASE)
PREAMBLE = re.compile(r"^(Căn cứ|Thực hiện|Theo|Xét|Nhằm|Để)\b")
RULE = re.compile(r"^[\s_\-–=*.]{3,}$")
MASTHEAD_LINES = 16  # a masthead is the first lines; beyond them a line in capitals is a heading

Tail = list[tuple[str, list[Paragraph]]]  # ("recipients" | "signature", its paragraphs)


def document_meta(paragraphs: list[Paragraph], header: dict[str, object], tail: dict[str, object]) -> dict[str, object]:
    """The masthead's and the closing block's findings, with what only the whole text tells: a consolidated text's
    authentication, and a law's date when its masthead has none."""
    meta = {**header, **tail}
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
    return meta


def _number(match: re.Match[str]) -> str:
    return re.sub(r"\s*/\s*", "/", match.group(1)).rstrip(".")


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


def masthead_end(body: list[Paragraph]) -> int:
    """How many leading lines are the masthead of a document typed without formatting (issuer, «Số: …», the
    national name and motto, place and date, «V/v …», the type and title in capitals, «Kính gửi: …» with its list):
    they are the document's metadata, never its content. 0 when the text has no masthead (no «Số:», motto or date
    line among them)."""
    end, seen_marker, addressed, subject_left = 0, False, False, 0
    for i, para in enumerate(body[:MASTHEAD_LINES]):
        text = para.text
        if para.row is not None:
            break
        marker = bool((NUMBER_LINE.search(text) or NUMBER_START.match(text)) and len(text) < 80 or MOTTO.match(text) or PLACE_DATE.match(text) and DATE_LINE.search(text))
        caps = text.upper() == text and any(c.isalpha() for c in text) and len(text) < 200
        listed = addressed and BULLET_LINE.match(text) is not None and len(text) < 160
        # the title under the type line («KẾ HOẠCH» / «Tổ chức lớp tập huấn … năm 2024»), not a sentence of the body
        titled = subject_left > 0 and len(text) < 200 and not text.endswith((".", ":", ";")) and not PREAMBLE.match(text)
        if not (marker or caps or listed or titled or SUBJECT_LINE.match(text) or ADDRESSEE.match(text) or RULE.match(text)):
            break
        if caps and (PART.match(text) or CHAPTER.match(text) or ARTICLE.match(text)):
            break
        seen_marker = seen_marker or marker
        addressed = addressed or bool(ADDRESSEE.match(text))
        subject_left = 2 if caps and any(text.strip(" :") == t for t in DOC_TYPES) else max(subject_left - 1, 0)
        end = i + 1
    return end if seen_marker else 0


def split_tail(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], dict[str, object], Tail]:
    """Separate «Nơi nhận» and the signature block from the body."""
    meta: dict[str, object] = {}
    tail: Tail = []
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


def read_header(body: list[Paragraph], style: str) -> tuple[dict[str, object], list[Paragraph]]:
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
        if "doc_number" not in meta and (m := NUMBER_LINE.search(text) or NUMBER_START.match(text)):
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
        if upper and "issuer" not in meta and _issuer_line(text) and i < 6:
            meta["issuer"] = _issuer(text, head[i + 1] if i + 1 < len(head) else None)
        if "doc_type" not in meta and (m := SUBJECT_LINE.match(text)) and m.group(1).lower() == "v/v":
            # a letter says what it is about under its number («V/v báo cáo …») instead of naming its type
            meta["doc_type"] = "Công văn"
            subject = text[m.end() :].strip(" :.")
            meta["title_guess"] = "Công văn" + (f" số {meta['doc_number']}" if meta.get("doc_number") else "") + f" về {subject}"
        if upper and "doc_type" not in meta:
            for doc_type in DOC_TYPES:
                # an administrative type («BÁO CÁO») also starts the titles of an annex's forms: read when alone
                if text == doc_type or (doc_type in REFERENCE_TYPES and text.startswith(doc_type + " ")):
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


def _issuer_line(text: str) -> bool:
    return any(text.startswith(h) for h in ISSUER_HINTS)


def _issuer(line: str, below: Paragraph | None) -> str:
    """The body that issued the document. A masthead of two lines in capitals names either one body cut in two
    («ỦY BAN NHÂN DÂN» / «TỈNH KIÊN GIANG») or the parent above the issuing body («UBND TỈNH KIÊN GIANG» / «SỞ
    CÔNG THƯƠNG»): then the issuer is the lower one, placed by the parent's place («Sở Công Thương tỉnh Kiên Giang»)."""
    line = line.split("CỘNG HÒA")[0].strip()
    nxt = below.text.strip() if below is not None else ""
    if not nxt or nxt.upper() != nxt or NUMBER_LINE.search(nxt) or not any(c.isalpha() for c in nxt) or nxt.startswith("CỘNG HÒA"):
        return _title_case(line)
    if PLACE_LEVEL.match(nxt):
        return _title_case(f"{line} {nxt}")
    place = PLACE_WITHIN.search(line)
    if not place or not SUBORDINATE.match(nxt):  # two central bodies (a joint circular), or one name on two lines
        return _title_case(line)
    if nxt == "VĂN PHÒNG":  # the office of the body above: «Văn phòng Ủy ban nhân dân tỉnh Kiên Giang»
        return _title_case(f"{nxt} {line}")
    return _title_case(nxt + ("" if PLACE_WITHIN.search(nxt) else f" {place.group(0)}"))


def _title_case(text: str) -> str:
    for short, full in ABBREVIATED_BODIES.items():
        text = re.sub(rf"\b{short}\b", full, text)
    cased = " ".join(w.capitalize() for w in text.split())
    # «Ủy Ban Nhân Dân tỉnh Kiên Giang»: the level of a place before its name is a common word («Tỉnh ủy» is a name)
    # («Xã» is left: «Lao Động - Thương Binh Và Xã Hội»)
    cased = re.sub(r"\b(Tỉnh|Huyện|Thành Phố|Thị Xã|Quận|Phường|Thị Trấn)\b(?! Ủy| Uỷ)", lambda m: m.group(1).lower(), cased)
    return re.sub(r"\b(Ủy|Uỷ|Hội) (Ban|Đồng) Nhân Dân\b", lambda m: f"{m.group(1)} {m.group(2).lower()} nhân dân", cased)
