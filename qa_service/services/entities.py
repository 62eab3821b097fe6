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
    lower_heads: tuple[tuple[str, ...], ...]  # body heads also read in lower case, lower case
    lower_head_after: frozenset[str]  # the words after which a lower-case head may begin a name
    not_a_name_start: frozenset[str]  # lower case: a title-case run beginning with one of these is no name
    place_heads: tuple[tuple[str, ...], ...]  # lower case
    name_end: frozenset[str]


@cache
def _vocabulary() -> _Vocabulary:
    data = yaml.safe_load((RESOURCES / "entities.yaml").read_text(encoding="utf-8"))

    def heads(text: str, lower: bool) -> tuple[tuple[str, ...], ...]:
        found = [tuple((h.lower() if lower else h).split()) for h in text.split("|")]
        return tuple(sorted(found, key=len, reverse=True))

    return _Vocabulary(
        heads(data["body_heads"], False),
        heads(data["body_heads_any_case"], True),
        frozenset(str(data["lower_head_after"]).split()),
        frozenset(str(data["not_a_name_start"]).split()),
        heads(data["place_heads"], True),
        frozenset(str(data["name_end"]).split()),
    )


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


def _body_head(words: list[str], i: int, vocab: _Vocabulary) -> int:
    """A body's head at words[i]: in its own case, or one of the lower-case heads at the question's start or after a
    function word."""
    if h := _head(words, i, vocab.body_heads, lower=False):
        return h
    after_function_word = i == 0 or words[i - 1].lower() in vocab.lower_head_after or not words[i - 1].isalpha()
    return _head(words, i, vocab.lower_heads, lower=True) if after_function_word else 0


def _proper_name(words: list[str], i: int, vocab: _Vocabulary) -> int:
    """Two or more title-case syllables in a row at words[i] («Kiên Lương», «Hà Tiên»): a place or a name said
    without its head (resources/entities.yaml, `not_a_name_start`). Not at the question's start, nor after another
    capitalised word (it would be part of that name)."""
    if i == 0 or words[i - 1][:1].isupper() or words[i].lower() in vocab.not_a_name_start:
        return 0
    j = i
    while j < len(words) and words[j].isalpha() and words[j][:1].isupper() and words[j][1:].islower():
        j += 1
    return j - i if j - i >= 2 else 0


def named_entities(question: str) -> tuple[NamedEntity, ...]:
    """Bodies (head and name: «Sở Công Thương»), places (the name after its head: «huyện Phú Quốc» -> «Phú Quốc» must
    be found) and names said without a head («ở Kiên Lương») the question names, in order."""
    vocab = _vocabulary()
    words = _WORD.findall(question)
    found: dict[str, NamedEntity] = {}
    i = 0
    while i < len(words):
        if (h := _body_head(words, i, vocab)) and (n := _name(words, i + h, vocab.name_end, True)):
            strict = " ".join(words[i : i + h + n])
            said = " ".join(words[i : i + h + n + _said(words, i + h + n, vocab.name_end)])
            found.setdefault(strict, NamedEntity(said, _needed(strict)))
            i += h + n
        elif (h := _head(words, i, vocab.place_heads, lower=True)) and (n := _name(words, i + h, vocab.name_end, False)):
            name = " ".join(words[i + h : i + h + n])
            if not name.isupper():  # «KCN», «CCN» after a head are abbreviations, not names
                found.setdefault(" ".join(words[i : i + h + n]), NamedEntity(" ".join(words[i : i + h + n]), _needed(name)))
            i += h + n
        elif n := _proper_name(words, i, vocab):
            name = " ".join(words[i : i + n])
            found.setdefault(name, NamedEntity(name, _needed(name)))
            i += n
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
