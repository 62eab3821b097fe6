"""What a question asks for (an amount of money, a contact, a date, an area, a year) and whether a sentence
holds it for the question's own subject. A near miss, «bao nhiêu tỷ đồng ngân sách cho Chương trình?» answered
with the 5.314 tỷ đồng of projects in 2016-2020, is refused with what the documents do not state."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

import yaml

from qa_service.ingestion.figure_words import periods
from qa_service.resources import RESOURCES, asked, stopwords
from qa_service.text import fold, has_diacritics

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_SYLLABLE = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class AskedKind:
    name: str
    evidence: re.Pattern[str]
    what_vi: str
    what_en: str
    wording: frozenset[str] = frozenset()  # syllable pairs that ask for the kind («tỷ lệ», «kinh phí», «chủ trì»)
    outside_names: bool = False  # evidence inside a name or a cited document's date does not count (`without_names`)

    def holds(self, text: str, unit: str = "") -> bool:
        """The text holds this kind of thing: as written, or as a table row reads with its unit column («Đơn vị tính:
        cơ sở | Thực hiện năm 2023: 412» holds «412 cơ sở»); with the `unit` the question counts in («bao nhiêu cơ
        sở?», folded), a figure in that unit («2.180 người» does not answer it)."""
        read = with_units(text) if "|" in text else text
        if self.outside_names:
            read = without_names(read)  # «tầm nhìn đến năm 2050» names a plan, «số 27/KH-UBND ngày …» dates a letter
        if not unit:
            return bool(self.evidence.search(read))
        return any(_counted(unit).match(fold(m.group(0)).lower()) for m in self.evidence.finditer(read))


# a table row's unit: its own column («Đơn vị tính: tỷ đồng», «ĐVT: ha») or a header's brackets («Diện tích (ha): 75»)
_UNIT_CELL = re.compile(r"^\s*(?:đơn vị tính|đơn vị|đvt)\s*:\s*(.+?)\s*$", re.IGNORECASE)
_VALUE_CELL = re.compile(r"^(?P<header>[^:]*?)(?:\((?P<unit>[^()]{1,20})\))?\s*:\s*(?P<value>\d[\d.,]*)\s*$")


def with_units(row: str) -> str:
    """A row written «Header: value | …» (ingestion/tables.py) with each bare figure followed by its unit: the row's
    unit column, else the unit in its header's brackets. A row without a unit reads as it is."""
    cells = row.split("|")
    unit = next((m.group(1) for c in cells if (m := _UNIT_CELL.match(c))), None)
    read = [
        f"{m.group('value')} {m.group('unit') or unit}"
        for c in cells
        if (m := _VALUE_CELL.match(c.strip())) and (m.group("unit") or unit)
    ]
    return row + (" | " + " | ".join(read) if read else "")


@cache
def _counted(unit: str) -> re.Pattern[str]:
    """A figure in the unit counted, or in a unit counted the same way (resources/asked.yaml `same_units`)."""
    groups = [[fold(u).lower() for u in g] for k in asked().values() for g in k.get("same_units", [])]
    units = next((g for g in groups if unit in g), [unit])
    return re.compile(rf"\d[\d.,]*\s*(?:{'|'.join(re.escape(u) for u in units)})\b")


def _units_asked(units: list[str]) -> re.Pattern[str] | None:
    """«bao nhiêu phần trăm …», «mấy ha», «how much money», «tính bằng USD», «in hectares»: a unit right after the
    words that ask for a figure or the unit it is given in (the question folded; «bao nhiêu tỷ lệ» names no unit)."""
    if not units:
        return None
    alternatives = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    return re.compile(rf"\b(?:bao nhieu|may|how many|how much|tinh bang|in)\s+({alternatives})(?![\w])(?!\s+le\b)", re.IGNORECASE)


# a pair that this many of a kind's example wordings use, and mostly that kind's (this share of its uses in the
# whole bank), asks for the kind rather than about a subject
KIND_WORDING_MIN = 3
KIND_WORDING_SHARE = 0.7


@cache
def kinds() -> dict[str, AskedKind]:
    """The kinds of resources/asked.yaml, each with the wording its examples (resources/asked_kinds.yaml) ask it by."""
    data = asked()
    bank = yaml.safe_load((RESOURCES / "asked_kinds.yaml").read_text(encoding="utf-8"))["examples"]
    uses = {label: Counter(p for example in examples for p in set(pairs(example))) for label, examples in bank.items()}
    every: Counter[str] = sum(uses.values(), Counter())
    out = {}
    for name, k in data.items():
        own = uses.get(name, Counter())
        wording = frozenset(p for p, n in own.items() if n >= KIND_WORDING_MIN and n >= KIND_WORDING_SHARE * every[p])
        # a kind with a list of units gets it in its evidence: «\d… (?:{units})»
        evidence = k["evidence"].replace("{units}", "|".join(re.escape(u) for u in k.get("units", [])))
        out[name] = AskedKind(
            name, re.compile(evidence, re.IGNORECASE), k["what_vi"], k["what_en"], wording, bool(k.get("outside_names"))
        )
    return out


@cache
def _unit_patterns() -> dict[str, re.Pattern[str]]:
    # a count's units are the ones its evidence reads («cơ sở», «học viên»), folded as the question is matched
    units = {name: k.get("asked_units") or [fold(u).lower() for u in k.get("units", [])] for name, k in asked().items()}
    return {name: p for name, u in units.items() if (p := _units_asked(u))}


def unit_asked(question: str) -> tuple[str, str] | None:
    """The one kind whose unit the question names after «bao nhiêu / mấy», with that unit folded: «… đạt bao nhiêu
    phần trăm diện tích?» asks a rate, not an area; «bao nhiêu cơ sở?» a count of «co so». None when it names none,
    or units of two kinds."""
    folded = fold(question).lower()
    named = [(name, m.group(1)) for name, p in _unit_patterns().items() if (m := p.search(folded))]
    return named[0] if len(named) == 1 else None


# the figures a «số X» names the count of, when the reading is unsure which figure is asked
FIGURES = frozenset({"count", "money", "rate"})


@cache
def _number_of(folded: bool) -> re.Pattern[str]:
    """«số doanh nghiệp», «tổng số lao động», «số lượng học viên»: the number of a thing a count is in — not «một số
    doanh nghiệp» (some of them). `folded`: for a question typed without diacritics (read folded; otherwise the
    accented units, so «hồ sơ công nhận» is not «số công nhân»)."""
    units = [fold(u).lower() if folded else u.lower() for u in asked()["count"].get("units", [])]
    alternatives = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    lead = r"tong so|so luong|so" if folded else r"tổng số|số lượng|số"
    one = "mot" if folded else "một"
    return re.compile(rf"(?<!\b{one} )(?<!\w)(?:{lead})\s+({alternatives})(?![\w])", re.IGNORECASE)


def number_of(question: str) -> str | None:
    """The unit of «số X» in a question, folded; None when it names none."""
    folded = fold(question) == question
    found = _number_of(folded).search(question.lower())
    return fold(found.group(1)).lower() if found else None


def asked_kind(label: str) -> AskedKind | None:
    """The kind the classifier read («none», or a kind without evidence to check: None)."""
    return kinds().get(label)


def asked_years(question: str) -> set[str]:
    return set(_YEAR.findall(question))


# a part of a year: «6 tháng đầu năm», «sáu tháng cuối năm», «nửa đầu năm», «quý III»; a figure of one part does not
# answer a question about another («chín tháng đầu năm 2024» is not in a report of the first six months)
_MONTH_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}
_MONTHS_PART = re.compile(r"\b(\d{1,2}|mười một|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+tháng\s+(đầu|cuối)\b", re.IGNORECASE)
_HALF_PART = re.compile(r"\bnửa\s+(đầu|cuối)\s+năm\b", re.IGNORECASE)
_QUARTER = re.compile(r"\bquý\s+(IV|I{1,3}|[1-4])\b", re.IGNORECASE)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def year_parts(text: str) -> set[str]:
    """The parts of a year a text names, normalised: «6 tháng đầu năm 2024», «sáu tháng đầu năm» and «nửa đầu năm»
    -> «6-dau»; «quý III» -> «q3»."""
    found = set()
    for m in _MONTHS_PART.finditer(text):
        word = m.group(1).lower()
        months = int(word) if word.isdigit() else 11 if word == "mười một" else _MONTH_WORDS[word]
        found.add(f"{months}-{fold(m.group(2)).lower()}")
    found |= {f"6-{fold(m.group(1)).lower()}" for m in _HALF_PART.finditer(text)}
    for m in _QUARTER.finditer(text):
        q = m.group(1).lower()
        found.add(f"q{int(q) if q.isdigit() else _ROMAN[q]}")
    return found


# «Kết quả … đến năm 2023?» asks what was achieved; «dự báo … trong năm 2023 … có khả năng còn kéo dài» is a
# forecast, and a forecast is not a result whatever year it names
_RESULT_QUESTION = re.compile(r"\bkết quả\b|\bđã đạt\b|\bđạt được\b|\bthực hiện được\b|\bđã thực hiện\b", re.IGNORECASE)
_FORECAST = re.compile(r"\bdự báo\b|\bdự kiến\b|\bcó khả năng\b|\bước tính\b", re.IGNORECASE)


def result_asked(question: str) -> bool:
    """«Kết quả … đạt được …?»: the question asks what was achieved."""
    return bool(_RESULT_QUESTION.search(question))


def is_forecast(passage: str) -> bool:
    """The passage (a sentence with its heading) is a forecast, not a result."""
    return bool(_FORECAST.search(passage))


def year_spans(text: str) -> set[str]:
    """The spans of years a text names, normalised by the ingest step's period reader: «giai đoạn 2016 – 2020» ->
    «2016-2020»; a span compared with («so với giai đoạn 2016-2020») is not the text's own."""
    return {p.label for p in periods(text, names=False) if p.spans and "-" in p.label}


def years_in(text: str) -> set[str]:
    return set(_YEAR.findall(text))


def pairs(text: str) -> set[str]:
    """Adjacent content syllables, folded: «bố trí», «ngân sách», «thực hiện» — the question's own subject. Numbers
    are not a subject (a year asked about is checked on its own)."""
    # function words as typed: folded, they would take «đăng ký», «đầu tư», «Sở» with them; a syllable typed without
    # diacritics (an unaccented question, or its words beside an expanded «KCN») is read against the folded list
    accented, folded, asking = (stopwords(n) for n in ("section_question_accented", "section_question", "question_particles"))
    syllables = []
    for typed in (s.lower() for s in _SYLLABLE.findall(text)):
        stop = typed in asking or typed in accented if has_diacritics(typed) else typed in folded
        syllables.append("" if stop else fold(typed))
    return {
        f"{a}_{b}" for a, b in zip(syllables, syllables[1:], strict=False)
        if a and b and not any(c.isdigit() for c in a + b)
    }


def subject_share(asked: frozenset[str], sentence: str, context: frozenset[str] | None = None) -> float:
    """Share of the question's syllable pairs (`Intent.subject_pairs`: less those that only name the kind asked for)
    the sentence holds, or its `context` (the title of the document the question names it by)."""
    return len(asked & (pairs(sentence) | (context or frozenset()))) / len(asked) if asked else 1.0


# a year that names a thing or dates a document is not the period a sentence speaks of: «hướng dẫn 05 cơ sở lập đề án
# khuyến công năm 2025» (in a report of 2024), «Quy hoạch tỉnh thời kỳ 2021-2030, tầm nhìn đến năm 2050», «Kế hoạch số
# 27/KH-UBND ngày 18 tháng 01 năm 2024»
_THING_YEAR = (
    r"\b(?:đề án|kế hoạch|chương trình|dự án|hội nghị|hội chợ|lớp|cuộc thi|ngày hội|kỳ họp|báo cáo|quyết định|quy hoạch|"
    r"chiến lược)(?:\s+(?!ngày\b|tháng\b|trước\b|trong\b|chậm\b|từ\b)[\wÀ-ỹ-]+,?){0,8}?\s+năm\s+(?:19|20)\d\d\b"
)
_WRITTEN_DATE = r"\bngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+(?:19|20)\d\d\b|\b\d{1,2}/\d{1,2}/(?:19|20)\d\d\b"
_NAMED_YEAR = re.compile(f"{_THING_YEAR}|{_WRITTEN_DATE}", re.IGNORECASE)
# the date a cited document was issued (its number, then its date): it dates that document, it is no deadline
_DOCUMENT_DATE = rf"\bsố\s+\d[\w/.-]*,?\s+(?:ngày\s+)?(?:{_WRITTEN_DATE})"
_NAMING = re.compile(f"{_THING_YEAR}|{_DOCUMENT_DATE}", re.IGNORECASE)


def without_names(text: str) -> str:
    """The text with the years that name a thing and the dates of cited documents blanked: what is left dates
    what the text itself says («… trước ngày 15 tháng 12 năm 2024»)."""
    return _NAMING.sub(lambda m: " " * len(m.group(0)), text)


def period_years(text: str) -> set[str]:
    """The years a text speaks of as its period: those it names, less those inside a name or a date."""
    spans = [m.span() for m in _NAMED_YEAR.finditer(text)]
    return {m.group(0) for m in _YEAR.finditer(text) if not any(a <= m.start() < b for a, b in spans)}


Side = tuple[str, ...]  # the terms of one side of a distinction


@cache
def _contrasts() -> tuple[tuple[tuple[Side, Side], ...], re.Pattern[str]]:
    data = yaml.safe_load((RESOURCES / "contrasts.yaml").read_text(encoding="utf-8"))

    def side(terms: str | list[str]) -> Side:
        return (terms,) if isinstance(terms, str) else tuple(terms)

    pairs_ = [(side(a), side(b)) for a, b in data["pairs"]]
    turn = re.compile(r"^\W*(?:" + "|".join(re.escape(t) for t in data["turns"]) + r")\b")
    return tuple(pairs_) + tuple((b, a) for a, b in pairs_), turn


def _names(text: str, term: str) -> bool:
    """The text names the term, whole or coordinated with a sibling that shares its head: «khu, cụm công nghiệp» and
    «khu và cụm công nghiệp» name «khu công nghiệp»."""
    first, _, rest = term.partition(" ")
    shared = rf"|{re.escape(first)}(?:,|\s+và|\s+hoặc|\s+hay)\s+\w+\s+{re.escape(rest)}" if rest else ""
    return re.search(rf"(?<!\w)(?:{re.escape(term)}{shared})(?!\w)", text) is not None


def _names_side(text: str, side: Side, folded: bool = False) -> bool:
    return any(_names(text, fold(t).lower() if folded else t) for t in side)


def contrast_asked(question: str) -> tuple[tuple[Side, Side], ...]:
    """The sides of a distinction the question asks for, each with its other side (resources/contrasts.yaml):
    «nguyên nhân chủ quan?» -> (((«chủ quan», «chủ yếu»), («khách quan»,)),). A question naming both sides asks for
    neither alone."""
    sides, _ = _contrasts()
    text = question.lower()
    folded = fold(text) == text  # typed without diacritics: read folded
    return tuple((a, b) for a, b in sides if _names_side(text, a, folded) and not _names_side(text, b, folded))


def names_other_side(contrast: tuple[tuple[Side, Side], ...], sentence: str) -> bool:
    """The sentence names only the other side of a distinction asked about («… có nguyên nhân khách quan: …» for
    «nguyên nhân chủ quan?»)."""
    text = sentence.lower()
    return any(_names_side(text, b) and not _names_side(text, a) for a, b in contrast)


def turns_to_asked_side(contrast: tuple[tuple[Side, Side], ...], sentence: str, previous: str) -> bool:
    """The sentence turns («Nhưng …», «Tuy nhiên …») from a sentence naming only the other side: it states the side
    asked about, in the document's words rather than the question's («Nhưng chủ yếu là do: …»)."""
    _, turn = _contrasts()
    return bool(contrast) and bool(previous) and bool(turn.match(sentence)) and names_other_side(contrast, previous)
