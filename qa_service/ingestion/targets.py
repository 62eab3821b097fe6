"""The figures a document sets or reports, read at ingest for the targets page (GET /targets): what is measured, for
which period, the figure as written and whether it is a result or a target, with the sentence it came from.

Rules, not a model; the word lists are resources/facts.yaml `targets` (the counted units are shared with the answer
side, resources/asked.yaml). A figure is a number with a unit. Its measure is one of the programme's by name when one
of their patterns fits, else the change or the plan of the figure before it, else the words before it in its clause
(«Giá trị sản xuất công nghiệp - tiểu thủ công nghiệp … đạt 4.350 tỷ đồng»). Its period is the one its sentence
names — not a comparison, a price base, a date or a document's name — else its paragraph's or heading's, else, in a
report, plan or letter of one year, its title's. Its kind is what the nearest word before it says («phấn đấu»,
«đã»), else its headings, else the document's kind: a report reports results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel

from qa_service.ingestion.actors import sentences
from qa_service.ingestion.fact_rules import alternatives, rules
from qa_service.ingestion.figure_words import Period, Words, periods, trimmed, trimmed_end, words
from qa_service.labels import META_BLOCKS, is_table_row
from qa_service.models import Chunk, DocumentMeta
from qa_service.text import slug

Kind = Literal["result", "target"]


class TargetFact(BaseModel):
    measure_id: str
    measure: str
    value_text: str  # «trên 15%», verbatim in the quote
    value: float | None
    value_high: float | None = None
    unit: str
    period: str  # «2021-2025», «2030», «6 tháng đầu năm 2024»
    year: int | None
    kind: Kind
    chunk_id: str
    quote: str
    of_plan: str | None = None  # a result's share of its plan, verbatim in the quote: «đạt 98,3% kế hoạch»
    of_plan_share: float | None = None  # 98.3


def number(text: str) -> float | None:
    """Vietnamese figures: «12,78» is 12.78, «5.314» is 5314, «8,0» is 8.0."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


# -- the document -----------------------------------------------------------------------------------------------
class DocumentKind(NamedTuple):
    kind: str  # report | plan | letter | law | other (resources/facts.yaml targets.documents)
    result_period: Period | None  # a result naming no period is of this one (a report's year)
    target_period: Period | None


def document_kind(meta: DocumentMeta | None) -> DocumentKind:
    """What the document is (its type, else the code in its number, else its title's first words) and, for a report,
    plan or letter whose title names years and no span, the years: results take the first, targets the last."""
    if meta is None:
        return DocumentKind("other", None, None)
    kinds = rules()["targets"]["documents"]
    number = (meta.doc_number or "").upper()
    kind = next((k for k, d in kinds.items() if meta.doc_type and meta.doc_type.startswith(tuple(d["types"]))), None)
    kind = kind or next((k for k, d in kinds.items() if re.search(rf"(?:^|[/-])(?:{alternatives(d['codes'])})(?=[-/\d]|$)", number)), None)
    kind = kind or next((k for k, d in kinds.items() if meta.title.startswith(tuple(d["types"]))), "other")
    named = periods(meta.title, names=False)
    if kind in ("report", "plan", "letter") and named and not any(p.spans for p in named):
        return DocumentKind(kind, named[0], named[-1])
    return DocumentKind(kind, None, None)


# -- the figures of a sentence ---------------------------------------------------------------------------------
@cache
def _measures() -> list[tuple[dict[str, Any], list[re.Pattern[str]]]]:
    return [(m, [re.compile(p, re.IGNORECASE) for p in m["patterns"]]) for m in rules()["targets"]["measures"]]


@dataclass
class _Figure:
    measure: dict[str, Any]
    q: re.Match[str]
    name_end: int  # after the words that name it (a count's noun), else after its unit
    end: int = 0  # after its share of the plan if it has one, else name_end (set by _figures): a later figure's words start here
    of_plan: re.Match[str] | None = None
    plan_of: _Figure | None = None  # «(chỉ tiêu 3.030 tỷ đồng)»: the figure it is the plan of
    whole: tuple[str, str] | None = None  # (measure, «trong đó»): a part of that figure's
    period: Period | None = None


def _named(window: str, unit: str) -> tuple[dict[str, Any], int] | None:
    """The programme's measure named closest before the figure: its pattern match that ends last in the window."""
    best: tuple[dict[str, Any], int] | None = None
    for measure, patterns in _measures():
        if unit not in measure["units"]:
            continue
        for pattern in patterns:
            m = pattern.search(window)
            if m and (best is None or m.end() > best[1]):
                best = (measure, m.end())
    return best


def _change(sentence: str, q: re.Match[str], previous: _Figure | None, w: Words) -> dict[str, Any] | None:
    """The measure of a figure that names none of its own but says how the count or amount right before it changes:
    «khoảng 100 doanh nghiệp công nghiệp, tăng 13% so với giai đoạn 2015-2020» is the change of «Doanh nghiệp … phát
    triển mới» against 2015-2020, a measure of its own. After a percentage it is left out: «đạt trên 20%, tăng 3%»
    may be points or a share of the 20%."""
    if previous is None or q.group("unit") not in rules()["targets"]["changes"]["units"] or previous.q.group("unit").startswith("%"):
        return None
    lead = w.change_lead.fullmatch(sentence, previous.end, q.start())
    if lead is None:
        return None
    base = w.against.match(sentence, q.end())
    against = f" {base.group('text')}" if base else ""
    measure = previous.measure
    return {"id": slug(f"{measure['id']} {lead.group('word')}{against}", measure["id"]), "name": f"{measure['name']}, {lead.group('word').lower()}{against}"}


def _tail(sentence: str, at: int, w: Words) -> tuple[str, int]:
    """The words after a count's unit that say what is counted, and where they end: «15 dự án| khởi nghiệp đổi mới
    sáng tạo|, trong đó…», up to a punctuation mark, a stop word or the word limit; «năm 2025» after them is part of
    the name («05 cơ sở lập đề án khuyến công năm 2025»)."""
    found: list[str] = []
    end = at
    while len(found) < rules()["targets"]["naming"]["tail_words"]:
        m = w.tail_word.match(sentence, end)
        if m is None or w.tail_stop.match(sentence, end):
            break
        found.append(m.group(1))
        end = m.end()
    return trimmed_end(" ".join(found), w), end


def _whole(between: str, previous: _Figure | None, w: Words) -> tuple[tuple[str, str] | None, str]:
    """(the figure this one is a part of, the words that are this one's): after «trong đó» the figure before is the
    whole; a part's whole goes on to the next «;» («… trong đó ngân sách tỉnh 1,25 tỷ đồng và nguồn xã hội hóa …»)."""
    part = w.part.search(between) if previous else None
    if part and previous is not None:
        return (previous.measure["name"], part.group(0).lower()), between[part.end() :]
    return (previous.whole if previous and ";" not in between else None), between


def _generic(sentence: str, q: re.Match[str], since: int, previous: _Figure | None, w: Words) -> _Figure | None:
    """A measure named by the words before the figure in its clause (from `since`, the end of the number before),
    trimmed of verbs, qualifiers and time; a count adds what it counts. A part is named «<its whole's measure>, trong
    đó <these words>»; words naming only a period make the figure the one before's in that period."""
    unit = q.group("unit")
    count = unit not in rules()["targets"]["amounts"]
    whole, own = _whole(sentence[since : q.start()], previous, w)
    clause = w.clause(own, count)
    name = trimmed(clause, w)
    if not name and previous is not None and periods(clause, names=False):
        return _Figure(previous.measure, q, q.end(), whole=previous.whole)
    end = q.end()
    if count:
        tail, end = _tail(sentence, q.end(), w)
        if not re.search(rf"(?<!\w){re.escape(unit)}(?!\w)", name, re.IGNORECASE):
            name = f"{name} {unit} {tail}".strip()
    if not name:
        return None
    name = f"{whole[0]}, {whole[1]} {name}" if whole else name[0].upper() + name[1:]
    return _Figure({"id": slug(name, "chi-tieu"), "name": name}, q, end, whole=whole)


def _figure(sentence: str, q: re.Match[str], previous: _Figure | None, after: int, generic: bool, w: Words) -> _Figure | None:
    """What the figure measures: the plan of the figure before, its change, a programme measure, else (not in a law)
    the words before it, after the number before (`after`: one that measures nothing too). A figure in parentheses
    that is no plan describes something («(diện tích 32,5 ha)»)."""
    since = previous.end if previous else 0
    if previous is not None and w.plan_ref.fullmatch(sentence, since, q.start()):
        return _Figure(previous.measure, q, q.end(), plan_of=previous)
    if sentence.count("(", 0, q.start()) > sentence.count(")", 0, q.start()):
        return None
    measure = _change(sentence, q, previous, w)
    named = _named(sentence[: q.end()], q.group("unit")) if measure is None else None
    measure = measure or (named[0] if named and named[1] > since else None)
    if measure is not None:
        return _Figure(measure, q, q.end())
    return _generic(sentence, q, max(since, after), previous, w) if generic else None


def _figures(sentence: str, generic: bool, w: Words) -> list[_Figure]:
    """Each figure of a sentence that measures something, with the share of its plan that follows it («…, đạt 98,3%
    kế hoạch»: no figure of its own)."""
    found: list[_Figure] = []
    after = 0  # the end of the number before, measuring something or not
    for q in w.quantity.finditer(sentence):
        if found and q.start() < found[-1].end:
            continue
        figure = _figure(sentence, q, found[-1] if found else None, after, generic, w)
        after = q.end()
        if figure is None:
            continue
        figure.of_plan = w.of_plan.match(sentence, figure.name_end)
        figure.end = figure.of_plan.end() if figure.of_plan else figure.name_end
        found.append(figure)
    return found


# -- kind and period -----------------------------------------------------------------------------------------
def _kind(sentence: str, figure: _Figure, found: list[_Figure], headings: str, document: DocumentKind, w: Words) -> Kind:
    """A plan's figure is a target; else the cue nearest before the figure (a plan share or a plan in parentheses
    before it says nothing of this one), else a result cue in the sentence or headings, else a heading that sets
    targets, else the document's kind."""
    if figure.plan_of is not None:
        return "target"
    before = sentence[: figure.q.start()]
    for other in found:
        if other is not figure and other.q.start() < figure.q.start():
            start = other.plan_of.end if other.plan_of else other.name_end
            before = before[:start] + " " * (other.end - start) + before[other.end :]
    target = max((m.end() for m in w.target_cue.finditer(before)), default=-1)
    result = max((m.end() for m in w.result_cue.finditer(before)), default=-1)
    if target >= 0 or result >= 0:
        return "target" if target > result else "result"
    t = rules()["targets"]
    if any(c in headings or c in sentence.lower() for c in t["result_cues"]):
        return "result"
    if any(c in headings for c in t["target_headings"]):
        return "target"
    return "result" if document.kind == "report" else "target"


def _period_of(figure: _Figure, until: int, named: list[Period], fallback: Period | None) -> Period | None:
    """A plan's period is its figure's; else the period named last before the figure, else first after it and its
    name (before the next figure, at `until`), else the paragraph's, heading's or document's."""
    if figure.plan_of is not None:
        return figure.plan_of.period
    before = [p for p in named if p.start < figure.q.start()]
    after = [p for p in named if figure.name_end <= p.start < until]
    return (before[-1] if before else None) or (after[0] if after else None) or fallback


def _fact(figure: _Figure, kind: Kind, period: Period, chunk: Chunk, sentence: str) -> TargetFact:
    q, share = figure.q, figure.of_plan
    return TargetFact(
        measure_id=figure.measure["id"], measure=figure.measure["name"], value_text=q.group(0).removeprefix("đạt ").strip(),
        value=number(q.group("n1")), value_high=number(q.group("n2")) if q.group("n2") else None,
        unit=q.group("unit") + q.group("per"), period=period.label, year=period.year, kind=kind,
        chunk_id=chunk.chunk_id, quote=sentence,
        of_plan=share.group("text") if share else None, of_plan_share=number(share.group("share")) if share else None,
    )


def extract_targets(chunks: list[Chunk], document: DocumentMeta | None = None, max_figures: int | None = None) -> list[TargetFact]:
    """The document's figures in reading order, at most `max_figures`. A figure with no period at all is a threshold
    or a condition («vốn từ 6.000 tỷ đồng»), not a target; a table row, the masthead, «Nơi nhận» and the signature
    hold none."""
    w = words()
    doc = document_kind(document)
    facts: list[TargetFact] = []
    seen: set[tuple[str, str, str, str]] = set()
    carried: Period | None = None
    last_label: str | None = None
    for chunk in sorted(chunks, key=lambda c: c.ordinal):
        headings = " ".join(chunk.section_path).lower()
        heading = next((p for h in reversed(chunk.section_path) for p in periods(h)), None)
        for s in sentences(chunk):
            label = s.unit.label if s.unit else None
            if label != last_label:
                # a period carries to the next sentences of its paragraph only (which may go on in the next chunk)
                carried, last_label = None, label
            named = periods(s.text)
            if named and named[0].start < 20:
                carried = named[0]
            if label is not None and (label in META_BLOCKS or is_table_row(label)):
                continue
            found = _figures(s.text, doc.kind != "law", w)
            for n, figure in enumerate(found):
                kind = _kind(s.text, figure, found, headings, doc, w)
                fallback = carried or heading or (doc.result_period if kind == "result" else doc.target_period)
                until = found[n + 1].q.start() if n + 1 < len(found) else len(s.text)
                figure.period = _period_of(figure, until, named, fallback)
                if figure.period is None:
                    continue
                fact = _fact(figure, kind, figure.period, chunk, s.text)
                if (fact.measure_id, fact.period, fact.value_text, fact.quote) in seen:
                    continue  # a sentence the document repeats (a decision and the plan it issues)
                seen.add((fact.measure_id, fact.period, fact.value_text, fact.quote))
                facts.append(fact)
                if max_figures is not None and len(facts) >= max_figures:
                    return facts
    return facts
