"""enrich: detect the documents a text cites («Nghị quyết số 23-NQ/TW, ngày
22/3/2018 của Bộ Chính trị», «Kế hoạch số 197-KH/TU», «Luật Đầu tư»)."""

from __future__ import annotations

import re

from qa_service.models import CrossRef
from qa_service.resources import stopwords
from qa_service.text import VI_LOWER, VI_UPPER, fold

# Vietnamese document types, longest first where one starts another («Thông tư liên tịch» before «Thông tư»).
# One list for: a document's own heading (ingestion), a citation by number («Nghị quyết số 23-NQ/TW»), and a
# question naming a document («Nghị định 31/2021/NĐ-CP quy định gì?»).
DOCUMENT_TYPES = (
    "Văn bản hợp nhất",
    "Chương trình hành động",
    "Nghị quyết",
    "Nghị định",
    "Thông tư liên tịch",
    "Thông tư",
    "Quyết định",
    "Chỉ thị",
    "Kế hoạch",
    "Kết luận",
    "Chương trình",
    "Bộ luật",
    "Luật",
    "Pháp lệnh",
)
_KIND = "|".join(re.escape(k) for k in DOCUMENT_TYPES)
# «23-NQ/TW», «31/2021/NĐ-CP», «78/2025/UBTVQH15», «125/VBHN-VPQH», «66.16/2026/NQ-CP» (never read from the middle
# of a dotted number: «66.16/…» is not «16/…», another document)
NUMBER = r"(?<![\d.])\d{1,4}(?:\.\d{1,3})?(?:/\d{4})?[-/][A-ZĐa-zđ]{1,8}\d{0,2}(?:[-/][A-ZĐa-zđ0-9]{1,8}){0,3}"
NUMBERED_REF = re.compile(
    rf"\b(?P<kind>{_KIND})\s+(?:số\s+)?(?P<number>{NUMBER})"
    rf"(?:\s*,?\s*ngày\s+(?P<date>\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{4}}))?"
    rf"(?:\s+(?:của|do)\s+(?P<issuer>(?:Ban Chấp hành Trung ương|Bộ Chính trị|Ban Bí thư|Chính phủ|Quốc hội|"
    rf"Thủ tướng Chính phủ|Tỉnh ủy|Ủy ban nhân dân tỉnh|Hội đồng nhân dân tỉnh|Ban Thường vụ Tỉnh ủy|Bộ [{VI_UPPER}][{VI_LOWER}]+(?: [{VI_UPPER}][{VI_LOWER}]+)*)"
    rf"(?: khóa [IVXLC]+)?))?"
)
# a reference in running text or in a question: «Nghị quyết số 23-NQ/TW», «Kế hoạch 197-KH/TU», «31/2021/NĐ-CP»
REFERENCE = re.compile(
    rf"\b(?:{'|'.join(re.escape(k) for k in (*DOCUMENT_TYPES, 'Văn bản'))})?\s*(?:số\s*)?{NUMBER}", re.IGNORECASE
)
NAMED_LAW = re.compile(rf"\b(Luật|Bộ luật)\s+((?:[{VI_UPPER}][{VI_LOWER}]*)(?:\s+[{VI_LOWER}]+){{0,5}})")
# words that end a law's name in running text («Luật Quy hoạch và tiềm năng…»)
_NAME_STOP = stopwords("law_name_end")


def normalize_number(number: str) -> str:
    return re.sub(r"\s+", "", number).upper().replace("Đ", "D")


def ref_key(number: str | None, title: str | None) -> str:
    if number:
        return "no:" + normalize_number(number)
    return "name:" + fold(title or "").lower()


def find_refs(text: str) -> list[CrossRef]:
    refs: list[CrossRef] = []
    seen: set[str] = set()
    for m in NUMBERED_REF.finditer(text):
        number = m.group("number")
        if not re.search(r"[A-ZĐ]", number):
            continue
        key = ref_key(number, None)
        if key in seen:
            continue
        seen.add(key)
        refs.append(
            CrossRef(
                key=key,
                kind=m.group("kind"),
                number=number,
                date=_iso_date(m.group("date")),
                issuer=m.group("issuer"),
                raw=m.group(0),
            )
        )
    for m in NAMED_LAW.finditer(text):
        words = m.group(2).split()
        name_words: list[str] = []
        for word in words:
            if name_words and word in _NAME_STOP:
                break
            name_words.append(word)
        if not name_words or name_words[0].lower() in {"này"}:
            continue
        title = f"{m.group(1)} {' '.join(name_words)}"
        # «Luật số 61/2020/QH14» is caught above; «Luật này» is not a reference
        if re.match(r"\d", name_words[0]):
            continue
        key = ref_key(None, title)
        if key in seen:
            continue
        seen.add(key)
        refs.append(CrossRef(key=key, kind=m.group(1), title=title, raw=m.group(0)))
    return refs


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    day, month, year = re.split(r"[/.-]", value)
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
