"""Bodies and places a question names («Sở Công Thương», «huyện Phú Quốc»), read once with the question; one the
loaded documents never mention is refused as such, saying which, instead of being answered from another body's or
place's item. The vocabulary lives in resources/entities.yaml."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import yaml

from qa_service.components.lexical import folded_tokens
from qa_service.components.protocols import DocumentReader
from qa_service.resources import RESOURCES

_WORD = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class NamedEntity:
    surface: str  # as the question writes it: «Sở Công Thương»
    tokens: tuple[str, ...]  # folded lexical tokens that must all occur in one passage for it to be mentioned


@dataclass(frozen=True)
class _Vocabulary:
    body_heads: tuple[tuple[str, ...], ...]  # longest first
    place_heads: tuple[tuple[str, ...], ...]  # lower case
    name_end: frozenset[str]


@cache
def _vocabulary() -> _Vocabulary:
    data = yaml.safe_load((RESOURCES / "entities.yaml").read_text(encoding="utf-8"))

    def heads(text: str, lower: bool) -> tuple[tuple[str, ...], ...]:
        found = [tuple((h.lower() if lower else h).split()) for h in text.split("|")]
        return tuple(sorted(found, key=len, reverse=True))

    return _Vocabulary(heads(data["body_heads"], False), heads(data["place_heads"], True), frozenset(str(data["name_end"]).split()))


def _capital(word: str) -> bool:
    return word[:1].isupper()


def _head(words: list[str], i: int, heads: tuple[tuple[str, ...], ...], lower: bool) -> int:
    """The length of the head starting at words[i], 0 when none does."""
    for head in heads:
        got = tuple(w.lower() if lower else w for w in words[i : i + len(head)])
        if got == head:
            return len(head)
    return 0


def _name(words: list[str], i: int, ends: frozenset[str], compounds: bool) -> int:
    """How many words from words[i] make a name: capitalised words, each (with `compounds`) with at most one
    lower-case syllable after it that does not end the name («Kế hoạch», «Tuyên giáo»)."""
    j = i
    while j < len(words) and _capital(words[j]) and words[j].isalpha():
        j += 1
        if compounds and j < len(words) and words[j].isalpha() and not _capital(words[j]) and words[j].lower() not in ends:
            j += 1
        if compounds and _joined(words, j):
            j += 1  # «Sở Tài nguyên và Môi trường», «Sở Lao động - Thương binh và Xã hội»: one name
    return j - i


def _joined(words: list[str], j: int) -> bool:
    """words[j] joins two parts of one body's name: «và» or a dash before a capitalised word that does not begin
    another body («Sở Công Thương và Sở Tài chính» are two)."""
    return (
        j + 1 < len(words)
        and words[j] in ("và", "-", "–")
        and _capital(words[j + 1])
        and words[j + 1].isalpha()
        and not _head(words, j + 1, _vocabulary().body_heads, lower=False)
    )


def _said(words: list[str], j: int, ends: frozenset[str], most: int = 4) -> int:
    """How many lower-case words after a name still belong to how it is said («Ban Quản lý» + «khu kinh tế tỉnh»):
    shown in the refusal, not required to be found."""
    k = j
    while k < len(words) and k - j < most and words[k].isalpha() and not _capital(words[k]) and words[k].lower() not in ends:
        k += 1
    return k - j


def _needed(text: str) -> tuple[str, ...]:
    """The name's syllable pairs (its single syllable when it has one), as the lexical index stores them."""
    tokens = folded_tokens(text)
    pairs = tuple(t for t in tokens if "_" in t)
    return pairs or tuple(tokens)


def named_entities(question: str) -> tuple[NamedEntity, ...]:
    """Bodies (head and name: «Sở Công Thương») and places (the name after its head: «huyện Phú Quốc» -> «Phú
    Quốc» must be found) the question names, in order."""
    vocab = _vocabulary()
    words = _WORD.findall(question)
    found: dict[str, NamedEntity] = {}
    i = 0
    while i < len(words):
        if (h := _head(words, i, vocab.body_heads, lower=False)) and (n := _name(words, i + h, vocab.name_end, True)):
            strict = " ".join(words[i : i + h + n])
            said = " ".join(words[i : i + h + n + _said(words, i + h + n, vocab.name_end)])
            found.setdefault(strict, NamedEntity(said, _needed(strict)))
            i += h + n
        elif (h := _head(words, i, vocab.place_heads, lower=True)) and (n := _name(words, i + h, vocab.name_end, False)):
            name = " ".join(words[i + h : i + h + n])
            if not name.isupper():  # «KCN», «CCN» after a head are abbreviations, not names
                found.setdefault(" ".join(words[i : i + h + n]), NamedEntity(" ".join(words[i : i + h + n]), _needed(name)))
            i += h + n
        else:
            i += 1
    for m in _ACRONYM.finditer(question):
        if not _ROMAN.match(m.group(1)) and m.group(1).lower() not in _units():
            found.setdefault(m.group(1), NamedEntity(m.group(1), tuple(folded_tokens(m.group(1)))))
    return tuple(e for e in found.values() if e.tokens)


# an acronym the question names («chỉ số IIP», «thứ hạng PCI»), not a part of a document's number («23-NQ/TW»): a
# name, found in the documents or refused as such; abbreviations the documents spell out (KCN, FDI) were expanded
# before (resources/abbreviations.yaml)
_ACRONYM = re.compile(r"(?<![\w/.&-])([A-ZĐ][A-ZĐ0-9]{1,5})(?![\w/&-])")
_ROMAN = re.compile(r"^[IVXLC]+$")


@cache
def _units() -> frozenset[str]:
    """Units a figure is written in («USD», «MW», «kWh»): not names."""
    from qa_service.resources import count_units

    return frozenset(u.lower() for u in count_units()) | {"usd", "vnd", "vnđ", "đ"}


def documents_naming(registry: DocumentReader, entities: Iterable[NamedEntity]) -> frozenset[str]:
    """Documents whose issuer or title names one of `entities`: every token of the name among the document's own
    (a report of «huyện Giồng Riềng» may name its district only there). The names' tokens are held once per registry
    version."""
    entities = tuple(entities)
    if not entities:
        return frozenset()
    names = registry.memo(
        "document_name_tokens",
        lambda r: {d.doc_id: frozenset(folded_tokens(f"{d.issuer or ''} {d.title}")) for d in r.documents()},
    )
    return frozenset(doc for doc, tokens in names.items() if any(set(e.tokens) <= tokens for e in entities))
