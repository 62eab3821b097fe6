"""What several routes share: the rules a question and a passage count obey, and a cited passage as every
response shows it (where it sits, what replaced its document, its copies elsewhere)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field

MAX_QUESTION = 2000
ConversationId = Annotated[str, Field(min_length=8, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
# a question or query needs at least one letter or digit of the Latin script, Vietnamese's letters included; the same
# rule is published in the schema (`pattern`), so clients and fuzzers know «\u0086» or «???» is not a question. It is
# spelled as ranges of code points because the spec's dialect (ECMA-262) reads «\w» as ASCII only: with «\w» the
# service took «đ» or «ệ» alone while the published pattern refused them
HAS_WORD = "[0-9A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ]"


def not_blank(value: str) -> str:
    # control characters, punctuation or other scripts alone («\u0000», «\t\n», «???») are not a question
    if not re.search(HAS_WORD, value):
        raise ValueError("must contain a Latin letter or a digit / cần ít nhất một chữ cái hoặc chữ số")
    return value


def json_integer(value: object) -> object:
    """JSON has one number type: 22.0 is the integer 22, but true is not 1 and "22" is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a JSON integer / phải là số nguyên")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def form_boolean(value: object) -> object:
    """A form field published as a boolean is «true» or «false», as the spec reads one: «0», «yes» or «on» are not."""
    if isinstance(value, str) and value.strip().lower() not in {"true", "false"}:
        raise ValueError("must be true or false / phải là true hoặc false")
    return value


FormBoolean = Annotated[bool, BeforeValidator(form_boolean)]


def form_date(value: object) -> object:
    """A form field published as `format: date` is YYYY-MM-DD: «0» is not 1970-01-01, whatever pydantic would read."""
    if isinstance(value, str) and value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError("must be a date, YYYY-MM-DD / phải là ngày dạng YYYY-MM-DD")
    return value


FormDate = Annotated[date | None, BeforeValidator(form_date)]


# strict after the check above: no strings, no booleans, no 2.5. The bounds sit inside the type, so an
# optional field publishes them as minimum/maximum too
TopK = Annotated[int, Field(ge=1, le=50, strict=True), BeforeValidator(json_integer)]


class ReplacedByOut(BaseModel):
    """The passage's document is no longer in force: a loaded act ended or replaced it, and says so here."""

    doc_id: str
    title: str
    number: str | None
    citation_label: str = Field(..., description="where the replacing act says so («Điều 76, khoản 3»)")
    quote: str = Field(..., description="its words, verbatim")


class NewerTextOut(BaseModel):
    """The passage's document is in force, but a newer consolidated text of its act is loaded (amended wording)."""

    doc_id: str
    title: str
    number: str | None
    date: str | None


class ChunkRef(BaseModel):
    """A passage and where it sits: offsets are into the document's cleaned text (GET /documents/{doc_id})."""

    chunk_id: str
    doc_id: str
    doc_title: str
    doc_number: str | None
    citation_label: str
    section_path: list[str]
    text: str
    page: int | None = None
    start: int
    end: int
    replaced_by: ReplacedByOut | None = None
    newer_text: NewerTextOut | None = None


class CopyOut(BaseModel):
    doc_id: str
    doc_title: str
    doc_number: str | None
    citation_label: str
    identical: bool = Field(description="word for word; false: nearly the same words (an amended word, footnote marks)")
    similarity: float = Field(ge=0.0, le=1.0, description="overlap of the two passages' word 3-grams (Jaccard)")


class CitationOut(ChunkRef):
    n: int
    quote: str
    quote_start: int = Field(..., description="offset of the quote in the document's cleaned text")
    also_in: list[CopyOut] = Field(
        default_factory=list, description="the cited passage, word for word or nearly, in other documents"
    )
