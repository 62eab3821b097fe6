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


_EN_STOP = stopwords("english_stop")


@lru_cache(maxsize=1)
def glossary() -> dict[str, str]:
    data = yaml.safe_load((RESOURCES / "glossary_en_vi.yaml").read_text(encoding="utf-8"))
    return {str(k).lower(): str(v) for k, v in data.items()}


def english_terms(question: str) -> tuple[list[str], dict[str, str]]:
    """Content words/phrases of an English question and their Vietnamese glossary terms."""

    text = question.lower()
    mapped: dict[str, str] = {}
    for phrase in sorted(glossary(), key=len, reverse=True):
        if " " in phrase and re.search(rf"\b{re.escape(phrase)}\b", text):
            mapped[phrase] = glossary()[phrase]
            text = re.sub(rf"\b{re.escape(phrase)}\b", " ", text)
    words = [w for w in re.findall(r"[a-z0-9]+", text) if w not in _EN_STOP and len(w) > 1]
    for w in words:
        if w in glossary():
            mapped[w] = glossary()[w]
    return list(mapped.keys() - set(words)) + words, mapped
