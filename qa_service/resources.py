"""Load user-facing strings and prompts from files (qa_service/resources/)."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

RESOURCES = Path(__file__).resolve().parent / "resources"


@cache
def messages() -> dict[str, Any]:
    data = yaml.safe_load((RESOURCES / "messages.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@cache
def asked() -> dict[str, Any]:
    """resources/asked.yaml: what a sentence must hold to answer a question of each kind."""
    data = yaml.safe_load((RESOURCES / "asked.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def count_units() -> list[str]:
    """The things Vietnamese documents count («học viên», «hộ», «doanh nghiệp», «tấn»): one list for the answer side
    (a count question's evidence) and the ingest side (a figure on the targets page)."""
    return [str(u) for u in asked()["count"]["units"]]


def msg(section: str, key: str) -> Any:
    return messages()[section][key]


@cache
def stopwords(name: str) -> frozenset[str]:
    """A named list of function words from resources/stopwords.yaml."""
    data = yaml.safe_load((RESOURCES / "stopwords.yaml").read_text(encoding="utf-8"))
    return frozenset(str(data[name]).split())


@cache
def prompt(name: str) -> str:
    """A prompt template from resources/prompts/<name>.txt (string.Template syntax)."""
    return (RESOURCES / "prompts" / f"{name}.txt").read_text(encoding="utf-8")


@cache
def injection_patterns() -> list[re.Pattern[str]]:
    lines = prompt("injection_patterns").splitlines()
    return [re.compile(line, re.IGNORECASE) for line in lines if line.strip() and not line.startswith("#")]


@cache
def abbreviations() -> tuple[re.Pattern[str], dict[str, str]]:
    """(a pattern finding the abbreviations of resources/abbreviations.yaml, abbreviation -> words): upper-case ones
    as written, the unambiguous ones in any case; never a part of a document number («10-NQ/TW»)."""
    data = yaml.safe_load((RESOURCES / "abbreviations.yaml").read_text(encoding="utf-8"))
    words = {str(k): str(v) for k, v in data["cased"].items()} | {str(k).lower(): str(v) for k, v in data["any_case"].items()}

    def alternation(keys: list[str]) -> str:
        return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))

    pattern = re.compile(
        rf"(?<![\w/&.-])(?:(?P<cased>{alternation(list(data['cased']))})|(?i:(?P<any>{alternation(list(data['any_case']))})))(?![\w/&-])"
    )
    return pattern, words


def expand_abbreviations(text: str) -> str:
    """«tỷ lệ lấp đầy KCN» -> «tỷ lệ lấp đầy khu công nghiệp»."""
    pattern, words = abbreviations()
    return pattern.sub(lambda m: words[m.group("cased")] if m.group("cased") else words[m.group("any").lower()], text)


_EN_STOP = stopwords("english_stop")


@lru_cache(maxsize=1)
def glossary() -> dict[str, str]:
    data = yaml.safe_load((RESOURCES / "glossary_en_vi.yaml").read_text(encoding="utf-8"))
    return {str(k).lower(): str(v) for k, v in data.items()}


@lru_cache(maxsize=1)
def _phrases() -> tuple[str, ...]:
    """The glossary's phrases (keys with a space), longest first: a longer phrase is matched before its parts."""
    return tuple(p for p in sorted(glossary(), key=len, reverse=True) if " " in p)


@lru_cache(maxsize=1024)
def _english_terms(question: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    words, mapped = _english_terms_uncached(question)
    return tuple(words), tuple(mapped.items())


def english_terms(question: str) -> tuple[list[str], dict[str, str]]:
    """Content words/phrases of an English question and their Vietnamese glossary terms (read once per question
    text: the glossary has ~1,700 entries)."""
    words, mapped = _english_terms(question)
    return list(words), dict(mapped)


def _english_terms_uncached(question: str) -> tuple[list[str], dict[str, str]]:
    """Content words/phrases of an English question and their Vietnamese glossary terms."""

    text = question.lower()
    mapped: dict[str, str] = {}
    for phrase in _phrases():
        # a plain substring test first: the word-bounded pattern is built only for the few phrases present
        if phrase in text and re.search(rf"\b{re.escape(phrase)}\b", text):
            mapped[phrase] = glossary()[phrase]
            text = re.sub(rf"\b{re.escape(phrase)}\b", " ", text)
    words = [w for w in re.findall(r"[a-z0-9]+", text) if w not in _EN_STOP and len(w) > 1]
    for w in words:
        if w in glossary():
            mapped[w] = glossary()[w]
    return list(mapped.keys() - set(words)) + words, mapped
