"""Vietnamese text helpers shared by ingestion and the service."""

from __future__ import annotations

import re
import unicodedata

from qa_service.resources import stopwords

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "„": '"', "«": '"', "»": '"'})
_WS = re.compile(r"\s+")
# a number as documents write it («44.000», «7,62», «2025»): what passages and checked sentences compare
FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
# sentence ends: . ; ! ? followed by space and an upper-case letter, digit or quote
# a list marker at the start of a quote («- », «2. », «a) ») is layout, not the document's words
BULLET_MARK = re.compile(r"^(?:[-–•+]|\d{1,3}\.|[a-zđ]\))\s+")
_SENT_END = re.compile(r"(?<=[.!?;])\s+(?=[\"“(]?[A-ZÀ-ỸĐ0-9])")
_SENT_END_STRICT = re.compile(r"(?<=[.!?])\s+(?=[\"“(]?[A-ZÀ-ỸĐ0-9])")

VI_UPPER = "A-ZÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯẠ-ỸĐ"
VI_LOWER = "a-zàáâãèéêìíòóôõùúýăđĩũơưạ-ỹđ"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _fold_slow(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def _fold_table() -> dict[int, str]:
    """Each letter with diacritics (and each combining mark) of the Latin ranges -> its plain letters: one
    str.translate instead of a normalisation and a filter per character (fold runs on every passage a question
    weighs)."""
    table: dict[int, str] = {}
    for cp in range(0x00C0, 0x2000):
        folded = _fold_slow(chr(cp))
        if folded != chr(cp):
            table[cp] = folded
    return table


_FOLD_TABLE = _fold_table()
_BEYOND_TABLE = re.compile("[^\u0000-\u1fff]")


def fold(text: str) -> str:
    """Remove Vietnamese diacritics: «Tỷ lệ lấp đầy» -> «Ty le lap day»."""
    if text.isascii():
        return text
    folded = text.translate(_FOLD_TABLE)
    # a mark outside the table's ranges (rare): the full normalisation
    return _fold_slow(folded) if _BEYOND_TABLE.search(folded) else folded


def slug(text: str, fallback: str, max_length: int = 80) -> str:
    """«Nghị quyết 23» -> «nghi-quyet-23»: ASCII letters, digits and hyphens only (document ids, file names)."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")[:max_length].strip("-") or fallback


def collapse_ws(text: str) -> str:
    return _WS.sub(" ", text).strip()


def normalize_for_match(text: str) -> str:
    """Normalisation used to compare evidence and quotes (see eval/README.md)."""
    text = nfc(text).translate(_QUOTES).replace("*", "")
    return collapse_ws(text).lower()


def count_tokens(text: str) -> int:
    """Cheap estimate of model tokens: one per word or punctuation mark.

    multilingual-e5's SentencePiece gives about one piece per Vietnamese
    syllable, so this tracks the real count within ~15% without loading the model.
    """
    return len(_TOKEN.findall(text))


def split_sentences(text: str, semicolons: bool = True) -> list[tuple[int, int]]:
    """Sentence spans (start, end) inside `text`; `semicolons` also cuts at «;»."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in (_SENT_END if semicolons else _SENT_END_STRICT).finditer(text):
        end = m.start()
        if len(text[start:end].strip()) <= 4:
            continue  # «2.» or «a)» is an enumerator, not a sentence
        if text[start:end].strip():
            spans.append((start, end))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


_PLACEHOLDER = re.compile(r"[.…_]{4,}|…")


def placeholder_share(text: str) -> float:
    """The share of a passage that is blanks to fill in («Họ và tên:………», «ngày.....tháng.....»): a form."""
    return sum(len(m.group(0)) for m in _PLACEHOLDER.finditer(text)) / max(len(text), 1)


def has_diacritics(text: str) -> bool:
    return fold(text) != text




def is_vietnamese(text: str) -> bool:
    """Language guess: Vietnamese unless it reads as English.

    Diacritics settle it; unaccented text counts as English only when English
    function words make up a fair share of it («lang nghe truyen thong» stays Vietnamese).
    """
    if has_diacritics(text):
        return True
    words = re.findall(r"[a-z']+", text.lower())
    if not words:
        return True
    english = sum(1 for w in words if w in stopwords("english_function"))
    return not (english >= 1 and english / len(words) >= 0.15)
