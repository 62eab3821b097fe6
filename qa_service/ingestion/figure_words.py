"""The patterns a figure is read with (ingestion/targets.py), built once from resources/facts.yaml `targets`: a number
with its unit, the periods a text names — not a comparison, a price base, a date or a year in a document's name — and
the words that bound, qualify or date the words naming a figure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from qa_service.ingestion.fact_rules import alternatives, rules
from qa_service.resources import count_units
from qa_service.text import collapse_ws

NUM = r"\d+(?:[.,]\d+)*"
_YEAR = r"(?:19|20)\d\d(?!\d)"
_PERIOD = re.compile(
    rf"(?:(?:giai đoạn|thời kỳ)\s+)?(?P<a>{_YEAR})\s*[-–]\s*(?P<b>{_YEAR})"
    rf"|(?P<months>\d{{1,2}})\s+tháng\s+(?P<half>đầu|cuối)\s+năm\s+(?P<my>{_YEAR})"
    rf"|quý\s+(?P<quarter>IV|I{{1,3}}|[1-4])(?:\s+năm\s+|\s*/\s*)(?P<qy>{_YEAR})"
    rf"|(?:(?:(?P<to>đến|tới)|vào|trong)\s+)?năm\s+(?P<y>{_YEAR})",
    re.IGNORECASE,
)


class Period(NamedTuple):
    label: str  # «2021-2025», «2030», «6 tháng đầu năm 2024», «quý I/2024»
    year: int
    start: int  # in the text it was read from
    spans: bool  # a range or a horizon («đến năm 2030»): no one year


def _period(m: re.Match[str]) -> Period:
    if m.group("a"):
        return Period(f"{m.group('a')}-{m.group('b')}", int(m.group("b")), m.start(), True)
    if m.group("my"):
        return Period(f"{m.group('months')} tháng {m.group('half').lower()} năm {m.group('my')}", int(m.group("my")), m.start(), False)
    if m.group("qy"):
        return Period(f"quý {m.group('quarter').upper()}/{m.group('qy')}", int(m.group("qy")), m.start(), False)
    return Period(m.group("y"), int(m.group("y")), m.start(), bool(m.group("to")))


def _words_re(words: list[str]) -> str:
    """The words as whole words, longest first."""
    return rf"(?<!\w)(?:{alternatives(words)})(?!\w)"


@dataclass(frozen=True)
class Words:
    quantity: re.Pattern[str]  # «ước đạt 14.862 tỷ đồng», «tối đa 300 triệu đồng/cơ sở/lần»
    change_lead: re.Pattern[str]  # between a count and its change: «… công nghiệp, tăng »
    against: re.Pattern[str]  # after a change: «so với cùng kỳ năm 2023»
    of_plan: re.Pattern[str]  # after a figure: «, đạt 98,3% kế hoạch»
    plan_ref: re.Pattern[str]  # between a figure and its plan: « (chỉ tiêu »
    part: re.Pattern[str]
    target_cue: re.Pattern[str]
    result_cue: re.Pattern[str]
    tail_word: re.Pattern[str]
    tail_stop: re.Pattern[str]
    comparison: re.Pattern[str]  # before a year that is no period
    date: re.Pattern[str]
    name: re.Pattern[str]
    leading: re.Pattern[str]
    trailing: re.Pattern[str]
    compound: re.Pattern[str]  # a name's end that keeps its trailing word
    time: re.Pattern[str]
    comma: re.Pattern[str]  # a comma, not a decimal one («1,26%»)
    listed: re.Pattern[str]  # a word a list is made of: «huyện», «thành phố», «người dân», «doanh nghiệp»
    listed_end: re.Pattern[str]  # …ending a text
    boundary: re.Pattern[str]

    def clause(self, lead: str, count: bool) -> str:
        """The words of the figure's own clause: after the last «;», «:», clause comma or boundary word, without
        parentheses. «Kinh phí: 50 triệu đồng» is named by its label; a count after a label by what it counts
        («Thành phần: 85 học viên»). «… và 145 doanh nghiệp» opens a new item: no words."""
        lead = re.split(r";|(?<!\w)[a-zđ]\)\s", re.sub(r"\([^()]*\)", " ", lead))[-1]
        label, colon, rest = lead.rpartition(":")
        if colon:
            lead = label if not count and not trimmed(rest, self) else rest
        lead = lead[self._clause_start(lead) :]
        cuts = [m.end() for m in self.boundary.finditer(lead)]
        if count:  # «tiềm năng, lợi thế và danh mục 36 dự án»; «Sở Kế hoạch và Đầu tư» is one name
            cuts += [m.end() for m in re.finditer(r"(?<!\w)và\s+(?=\w)", lead) if lead[m.end()].islower()]
        lead = lead[max(cuts) :] if cuts else lead
        return "" if re.search(r"(?<!\w)và\s*$", lead) else lead

    def _clause_start(self, lead: str) -> int:
        """After the last comma that ends a clause: one between two words of a list («Mỗi huyện, thành phố đăng
        ký», «người dân, doanh nghiệp») does not."""
        for comma in reversed(list(self.comma.finditer(lead))):
            if not (self.listed_end.search(lead[: comma.start()]) and self.listed.match(lead[comma.end() :].lstrip())):
                return comma.end()
        return 0


@cache
def words() -> Words:
    t = rules()["targets"]
    n, p = t["naming"], t["periods"]
    counts = [u for u in count_units() if u not in t["amounts"]]
    units, per = alternatives(t["amounts"] + counts), alternatives(t["per"] + counts)
    of_plan = t["of_plan"]
    listed = rules()["actors"]["addressees"]["continuations"] + n["list_words"]
    i = re.IGNORECASE
    return Words(
        quantity=re.compile(
            rf"(?<![\w/])(?:(?P<qual>{alternatives(t['qualifiers'])})\s+)?(?<![\d/.,])(?P<n1>{NUM})(?:\s*[-–]\s*(?P<n2>{NUM}))?"
            rf"\s*(?P<unit>{units})(?P<per>(?:/(?:{per}))*)(?!\w)"
        ),
        change_lead=re.compile(rf"(?:\s+[^\W\d]+){{0,4}}\s*,?\s*(?P<word>{alternatives(t['changes']['words'])})\s+", i),
        against=re.compile(
            rf"\s*(?P<text>(?:so với|so cùng kỳ)(?:\s+[^\W\d]+){{0,4}}?\s+(?:(?:giai đoạn|thời kỳ)\s+)?(?:{_YEAR}\s*[-–]\s*{_YEAR}|năm\s+{_YEAR}))", i
        ),
        of_plan=re.compile(
            rf"\s*,?\s*(?P<text>(?:{alternatives(of_plan['verbs'])})\s+(?P<share>{NUM})\s*%\s*(?:so với\s+)?(?:{alternatives(of_plan['plans'])})"
            rf"(?:\s+(?:[^\W\d]+\s+){{0,2}}?giao)?)(?!\w)", i
        ),
        plan_ref=re.compile(rf"\s*[,;]?\s*\(?\s*(?:{alternatives(t['plan_refs'])})\s*:?\s*", i),
        part=re.compile(_words_re(n["parts"]), i),
        target_cue=re.compile(_words_re(t["clause_cues"]["target"]), i),
        result_cue=re.compile(_words_re(t["clause_cues"]["result"]), i),
        tail_word=re.compile(r"\s+([^\W\d][\w-]*|(?<=năm )(?:19|20)\d\d(?!\d))"),
        tail_stop=re.compile(rf"\s+{_words_re(n['tail_stops'])}", i),
        comparison=re.compile(rf"(?:{alternatives(p['comparisons'])})(?:\s+[^\W\d]+){{0,4}}\s*$", i),
        date=re.compile(r"tháng\s+\d{1,2}\s*$", i),
        name=re.compile(rf"{_words_re(p['names'])}[^,;:.()]*$"),  # as written: «Kế hoạch», not «đạt 98% kế hoạch»
        leading=re.compile(rf"^(?:{alternatives(n['leading'])})(?:\s+|$)", i),
        trailing=re.compile(rf"(?:^|\s+)(?:{alternatives(n['trailing'])})$", i),
        compound=re.compile(rf"{_words_re(n['compounds'])}$", i),
        time=re.compile(_words_re(n["time"]), i),
        comma=re.compile(r",(?!\d)"),
        listed=re.compile(_words_re(listed), i),
        listed_end=re.compile(rf"{_words_re(listed)}\s*$", i),
        boundary=re.compile(_words_re(n["boundaries"]), i),
    )


def periods(text: str, names: bool = True) -> list[Period]:
    """The periods a text names, in order, leaving out a year compared with («so với năm 2022»), a price base
    («giá so sánh năm 2010»), a date («ngày 18 tháng 01 năm 2024») and — unless `names` is off, for a title — a year
    in a document's name («Kế hoạch số 27/KH-UBND … năm 2024»)."""
    w = words()
    found = []
    for m in _PERIOD.finditer(text):
        before = text[max(0, m.start() - 120) : m.start()]
        if w.comparison.search(before) or w.date.search(before) or (names and w.name.search(before)):
            continue
        found.append(_period(m))
    return found


def trimmed(text: str, w: Words) -> str:
    """The words without periods, time words, and the verbs and qualifiers at either end: «Tổng giá trị sản xuất ước»
    -> «Tổng giá trị sản xuất», «phấn đấu tỷ lệ hộ nghèo năm 2024 giảm còn» -> «tỷ lệ hộ nghèo»."""
    text = collapse_ws(w.time.sub(" ", _PERIOD.sub(" ", text))).strip(" ,.-–—")
    while True:
        shorter = trimmed_end(w.leading.sub("", text).strip(" ,.-–—"), w)
        if shorter == text:
            return text
        text = shorter


def trimmed_end(text: str, w: Words) -> str:
    """The words without the verbs and qualifiers at their end, a compound («giá trị gia tăng») kept whole."""
    while not w.compound.search(text) and (shorter := w.trailing.sub("", text).strip(" ,.-–—")) != text:
        text = shorter
    return text
