"""What a question asks for (an amount of money, a contact, a date, an area, a year) and whether a sentence
holds it for the question's own subject. A near miss, «bao nhiêu tỷ đồng ngân sách cho Chương trình?» answered
with the 5.314 tỷ đồng of projects in 2016-2020, is refused with what the documents do not state."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

import yaml

from qa_service.resources import RESOURCES, asked, stopwords
from qa_service.text import fold

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_SYLLABLE = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class AskedKind:
    name: str
    evidence: re.Pattern[str]
    what_vi: str
    what_en: str
    wording: frozenset[str] = frozenset()  # syllable pairs that ask for the kind («tỷ lệ», «kinh phí», «chủ trì»)


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
        out[name] = AskedKind(name, re.compile(evidence, re.IGNORECASE), k["what_vi"], k["what_en"], wording)
    return out


def asked_kind(label: str) -> AskedKind | None:
    """The kind the classifier read («none», or a kind without evidence to check: None)."""
    return kinds().get(label)


def asked_years(question: str) -> set[str]:
    return set(_YEAR.findall(question))


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


def years_in(text: str) -> set[str]:
    return set(_YEAR.findall(text))


def pairs(text: str) -> set[str]:
    """Adjacent content syllables, folded: «bố trí», «ngân sách», «thực hiện» — the question's own subject. Numbers
    are not a subject (a year asked about is checked on its own)."""
    stop = stopwords("section_question")
    syllables = [fold(s).lower() for s in _SYLLABLE.findall(text)]
    return {
        f"{a}_{b}" for a, b in zip(syllables, syllables[1:], strict=False)
        if a not in stop and b not in stop and not any(c.isdigit() for c in a + b)
    }


def subject_share(asked: frozenset[str], sentence: str) -> float:
    """Share of the question's syllable pairs (`Intent.subject_pairs`: less those that only name the kind asked for)
    the sentence holds."""
    return len(asked & pairs(sentence)) / len(asked) if asked else 1.0
