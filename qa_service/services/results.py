"""What an answerer returns: the answer, its checked citations, and how it was reached."""

from __future__ import annotations

from dataclasses import dataclass, field

from qa_service.models import ScoredChunk
from qa_service.services.citations import Citation
from qa_service.services.query import Query


@dataclass
class Retracted:
    """A generated sentence that failed verification and is not shown."""

    text: str
    reason: str


@dataclass
class AnswerResult:
    answer: str
    answered: bool
    citations: list[Citation]
    suggestions: list[ScoredChunk] = field(default_factory=list)
    standalone_question: str = ""
    strength: float = 0.0
    took_ms: float = 0.0
    hits: list[ScoredChunk] = field(default_factory=list)  # what retrieval returned (the generator's sources)
    note: str | None = None  # said before the answer, e.g. «văn bản … chưa được nạp»
    mode: str = "extractive"
    fallback: bool = False  # generative mode gave way to the extractive answer
    fallback_reason: str | None = None  # no_sources | unverified | misses_question | question_language | question_instruction
    retracted: list[Retracted] = field(default_factory=list)
    first_token_ms: float | None = None
    generation_ms: float | None = None
    generated_sentences: int = 0
    query: Query | None = None  # the question as the services read it
    answerability: dict[str, float] | None = None  # the signals that decided whether to answer (strength.py)
