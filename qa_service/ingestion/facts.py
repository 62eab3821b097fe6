"""Facts read out of a document's own sentences at ingest: which body must do what (actors), and the
figures it sets or reports (targets). Each fact keeps the sentence it came from, verbatim, and the chunk
holding it, so the service cites it like any quote (`Citations.cite` checks it occurs there).

Rules, not a model: Vietnamese administrative drafting names the body first and then its duty
(«Ban Tuyên giáo Tỉnh ủy chỉ đạo, định hướng…»), and states a target as a measure, a period and a figure
(«Tỷ lệ lấp đầy các khu công nghiệp đạt trên 65%»). The word lists are in resources/facts.yaml.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel

from qa_service.ingestion.actors import ActorDuty, extract_actors, sentences
from qa_service.ingestion.fact_rules import alternatives as _alternatives
from qa_service.ingestion.fact_rules import rules as _rules
from qa_service.models import Chunk, Unit
from qa_service.references import _KIND, NUMBER
from qa_service.text import BULLET_MARK, slug, split_sentences

# stored with the facts: a document whose facts were read by an older version is read again
FACTS_VERSION = 5


class TargetFact(BaseModel):
    measure_id: str
    measure: str
    value_text: str  # «trên 15%», verbatim in the quote
    value: float | None
    value_high: float | None = None
    unit: str
    period: str  # «2021-2025», «2030»
    year: int | None
    kind: Literal["result", "target"]
    chunk_id: str
    quote: str


class EndedDocument(BaseModel):
    """A document this one ends: «Luật Đầu tư số 67/2014/QH14 … hết hiệu lực kể từ ngày Luật này có hiệu lực»,
    «Nghị định này thay thế Nghị định số 50/2013/NĐ-CP»."""

    number: str  # as written («67/2014/QH14»: the law itself misprints QH13)
    chunk_id: str
    quote: str  # the sentence (or list item) saying so, verbatim in the chunk


class DocumentFacts(BaseModel):
    version: int = FACTS_VERSION
    actors: list[ActorDuty] = []
    targets: list[TargetFact] = []
    ended: list[EndedDocument] = []


def _sentences(chunk: Chunk) -> list[tuple[str, Unit | None]]:
    """(sentence without its list marker, the unit it sits in) in reading order."""
    return [(s.text, s.unit) for s in sentences(chunk)]


# -- targets -----------------------------------------------------------------------------------------------
_NUM = r"\d+(?:[.,]\d+)*"
_PERIOD = re.compile(
    r"(?P<so_voi>so với\s+)?(?:(?:giai đoạn|thời kỳ)\s+)?(?:(?P<a>(?:19|20)\d\d)\s*[-–]\s*(?P<b>(?:19|20)\d\d)|(?:đến|tới|vào|trong)?\s*năm\s+(?P<y>(?:19|20)\d\d))",
    re.IGNORECASE,
)


@cache
def _quantity() -> re.Pattern[str]:
    rules = _rules()["targets"]
    return re.compile(
        rf"(?:(?P<qual>{_alternatives(rules['qualifiers'])})\s+)?(?P<n1>{_NUM})(?:\s*[-–]\s*(?P<n2>{_NUM}))?\s*(?P<unit>{_alternatives(rules['units'])})(?!\w)"
    )


@cache
def _measures() -> list[tuple[dict[str, Any], list[re.Pattern[str]]]]:
    return [(m, [re.compile(p, re.IGNORECASE) for p in m["patterns"]]) for m in _rules()["targets"]["measures"]]


@cache
def _change_lead() -> re.Pattern[str]:
    """What stands between a count and a figure of its change: the rest of the count's noun (a few words, no figure)
    and the word of change, «…100 doanh nghiệp| công nghiệp, tăng |13%…»."""
    words = _alternatives(_rules()["targets"]["changes"]["words"])
    return re.compile(rf"(?:\s+[^\W\d]+){{0,4}}\s*,?\s*(?P<word>{words})\s+", re.IGNORECASE)


def number(text: str) -> float | None:
    """Vietnamese figures: «12,78» is 12.78, «5.314» is 5314, «8,0» is 8.0."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _periods(text: str) -> list[tuple[str, int, int]]:
    """(label, year, position) of the periods a text names, leaving out comparisons («so với giai đoạn 2015-2020»)."""
    found = []
    for m in _PERIOD.finditer(text):
        if m.group("so_voi"):
            continue
        if m.group("a"):
            found.append((f"{m.group('a')}-{m.group('b')}", int(m.group("b")), m.start()))
        else:
            found.append((m.group("y"), int(m.group("y")), m.start()))
    return found


def _measure(window: str, unit: str) -> tuple[dict[str, Any], int] | None:
    """The measure named closest before the figure: its pattern match that ends last in the window."""
    best: tuple[dict[str, Any], int] | None = None
    for measure, patterns in _measures():
        if unit not in measure["units"]:
            continue
        for pattern in patterns:
            m = pattern.search(window)
            if m and (best is None or m.end() > best[1]):
                best = (measure, m.end())
    return best


def _change(sentence: str, figure: re.Match[str], previous: tuple[dict[str, Any], re.Match[str]] | None) -> dict[str, Any] | None:
    """The measure of a figure that names none of its own but says how the count or amount right before it changes:
    «khoảng 100 doanh nghiệp công nghiệp, tăng 13% so với giai đoạn 2015-2020» is the change of «Doanh nghiệp … phát
    triển mới» against 2015-2020, a measure of its own. After a percentage it is left out: «đạt trên 20%, tăng 3%»
    may be points or a share of the 20%."""
    rules = _rules()["targets"]["changes"]
    if previous is None or figure.group("unit") not in rules["units"] or previous[1].group("unit").startswith("%"):
        return None
    lead = _change_lead().fullmatch(sentence, previous[1].end(), figure.start())
    if lead is None:
        return None
    base = _PERIOD.match(sentence[figure.end() :].lstrip())
    against = f" {base.group(0).strip()}" if base and base.group("so_voi") else ""
    name = f"{previous[0]['name']}, {lead.group('word').lower()}{against}"
    return {"id": slug(f"{previous[0]['id']} {lead.group('word')}{against}", previous[0]["id"]), "name": name}


def _figures(sentence: str) -> list[tuple[dict[str, Any], re.Match[str]]]:
    """(measure, figure) of each figure of a sentence that measures something named in it."""
    found: list[tuple[dict[str, Any], re.Match[str]]] = []
    claimed = 0  # end of the previous figure: a measure name ending before it names that figure, not this one
    for q in _quantity().finditer(sentence):
        named = _measure(sentence[: q.end()], q.group("unit"))
        measure = named[0] if named and named[1] > claimed else _change(sentence, q, found[-1] if found else None)
        if measure is not None:
            found.append((measure, q))
            claimed = q.end()
    return found


def _period_of(figure: re.Match[str], periods: list[tuple[str, int, int]], fallback: tuple[str, int] | None) -> tuple[str, int] | None:
    """The period named last before the figure, else first after it, else the paragraph's or heading's."""
    before = [p for p in periods if p[2] < figure.start()]
    after = [p for p in periods if p[2] > figure.end()]
    return (before[-1][:2] if before else None) or (after[0][:2] if after else None) or fallback


def extract_targets(chunks: list[Chunk]) -> list[TargetFact]:
    cues = [c.lower() for c in _rules()["targets"]["result_cues"]]
    facts: list[TargetFact] = []
    carried: tuple[str, int] | None = None
    last_label: str | None = None
    for chunk in sorted(chunks, key=lambda c: c.ordinal):
        headings = " ".join(chunk.section_path).lower()
        heading_periods = [p for h in reversed(chunk.section_path) for p in _periods(h)]
        for sentence, unit in _sentences(chunk):
            label = unit.label if unit else None
            if label != last_label:
                # a period carries to the next sentences of its paragraph only (which may go on in the next chunk)
                carried, last_label = None, label
            periods = _periods(sentence)
            if periods and periods[0][2] < 20:
                carried = periods[0][:2]
            result = any(c in headings or c in sentence.lower() for c in cues)
            for measure, q in _figures(sentence):
                period = _period_of(q, periods, carried or (heading_periods[0][:2] if heading_periods else None))
                if period is None:
                    continue  # a figure with no period is a threshold or a condition («vốn từ 6.000 tỷ đồng»), not a target
                facts.append(
                    TargetFact(
                        measure_id=measure["id"], measure=measure["name"], value_text=q.group(0).removeprefix("đạt ").strip(),
                        value=number(q.group("n1")), value_high=number(q.group("n2")) if q.group("n2") else None,
                        unit=q.group("unit"), period=period[0], year=period[1], kind="result" if result else "target",
                        chunk_id=chunk.chunk_id, quote=sentence,
                    )
                )
    return facts


# a number as a reference writes it: after «số» or a document type («Luật Đầu tư số 67/2014/QH14», «Thông tư
# 36/2017/TT-BLĐTBXH»); a bare date or figure never has the letters NUMBER asks for
_ENDED_NUMBER = re.compile(rf"(?:\bsố\s+|\b(?:{_KIND})\s+)(?P<number>{NUMBER})")
_ENDS = re.compile(r"hết hiệu lực(?: thi hành)?(?: kể từ| từ ngày| khi)|(?:này|sau đây) thay thế\b")
_LIST_ENDS = re.compile(r"\b[Cc]ác\s[^.:;]{0,80}?\bsau(?: đây)?\s(?:hết hiệu lực|bị bãi bỏ)")
# only part of the document ends («khoản 2 Điều 5 của Thông tư số …»): the document stays in force
_PART = re.compile(r"\b(?:[Đđ]iều|khoản|điểm|[Cc]hương|[Mm]ục|[Pp]hụ lục)\s+(?:\d|[IVXLC]+\b)", re.IGNORECASE)
# «… số 58/2014/QH13 đã được sửa đổi, bổ sung một số điều theo Luật số 84/2015/QH13, Bộ luật số 45/2019/QH14 (sau
# đây gọi chung là …)»: the amending laws are named, not ended (the Labour Code does not end with the old BHXH law);
# the list runs to «(sau đây …», to «và <type> <name>» (another document ended) or to the end
_AMENDED_BY = re.compile(r"(?:đã được\s+)?sửa đổi,?\s+bổ sung\b.*?(?=\(sau đây|\bvà\s+(?:" + _KIND + r")\s+(?!số\b)|$)")


def _whole_documents(segment: str) -> list[str]:
    """Numbers in `segment` whose own stretch of text (since the previous number) names no article or clause."""
    out, previous = [], 0
    segment = _AMENDED_BY.sub(" ", segment)
    for m in _ENDED_NUMBER.finditer(segment):
        if not _PART.search(segment[previous : m.start()]):
            out.append(m.group("number"))
        previous = m.end()
    return out


def extract_ended(chunks: list[Chunk]) -> list[EndedDocument]:
    """Documents this one replaces or ends, from its own closing provisions. Numbers only: which loaded document
    a number is, and so which versions are no longer in force, is decided when the library is read
    (services/versions.py)."""
    found: dict[str, EndedDocument] = {}
    for chunk in chunks:
        text = chunk.text
        if not _ENDS.search(text) and not _LIST_ENDS.search(text):
            continue
        for start, end in split_sentences(text, semicolons=False):
            sentence = text[start:end].strip()
            m = _ENDS.search(sentence)
            if m is None:
                continue
            # «X hết hiệu lực»: what stands before; «này thay thế X»: what follows
            segment = sentence[: m.start()] if m.group(0).startswith("hết") else sentence[m.end() :]
            for number in _whole_documents(segment):
                found.setdefault(number, EndedDocument(number=number, chunk_id=chunk.chunk_id, quote=sentence))
        for m in _LIST_ENDS.finditer(text):
            # «Các văn bản sau đây hết hiệu lực …: a) Thông tư số …; b) …»: one item per line
            for line in text[m.end() :].split("\n")[1:]:
                item = BULLET_MARK.sub("", line).strip()
                if not item:
                    continue
                for number in _whole_documents(item):
                    found.setdefault(number, EndedDocument(number=number, chunk_id=chunk.chunk_id, quote=item))
    return list(found.values())


def extract_facts(chunks: list[Chunk]) -> DocumentFacts:
    return DocumentFacts(actors=extract_actors(chunks), targets=extract_targets(chunks), ended=extract_ended(chunks))
