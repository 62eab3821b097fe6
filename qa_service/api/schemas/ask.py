"""POST /ask and /ask/stream: a question (with its history or conversation) and the checked, cited answer."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from qa_service.api.schemas.common import HAS_WORD, MAX_QUESTION, CitationOut, ConversationId, TopK, not_blank
from qa_service.api.schemas.search import Hit

# a document id as the API returns it (`citations[].doc_id`): no whitespace. The class is spelled out: «\s» means
# different characters to the server's regex engine (Rust: Unicode White_Space, no U+001C-001F) and to a client's
# (Python, ECMAScript), and schemathesis found an id one side took for whitespace and the other did not
_SPACE = "\\t\\n\\v\\f\\r \\u001c-\\u001f\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
DocId = Annotated[str, Field(min_length=1, max_length=200, pattern=f"^[^{_SPACE}]+$")]


class HistoryTurn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(..., max_length=20000)
    documents: list[DocId] = Field(
        default_factory=list,
        max_length=20,
        description="an assistant turn: the documents its citations quote, one per citation (`citations[].doc_id`); "
        "a follow-up keeps to the one quoted most",
    )

    def as_turn(self) -> dict[str, str]:
        """The services' history turn (documents space-separated: ids hold no spaces)."""
        return {"role": self.role, "content": self.content, "documents": " ".join(self.documents)}


class AskRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"question": "Mục tiêu tỷ trọng công nghiệp trong GRDP đến 2025 là bao nhiêu?"},
                {
                    "question": "còn cụm công nghiệp thì sao?",
                    "history": [
                        {"role": "user", "content": "Tỷ lệ lấp đầy các khu công nghiệp đến 2025 đạt bao nhiêu?"},
                        {"role": "assistant", "content": "Trên 65% [1]"},
                    ],
                },
            ]
        }
    )
    question: str = Field(..., min_length=1, max_length=MAX_QUESTION, pattern=HAS_WORD, description="Câu hỏi / question")
    top_k: TopK | None = Field(None, description="passages retrieved and weighed for the answer (default 10)")
    doc_ids: list[str] | None = Field(None, max_length=100)
    history: list[HistoryTurn] | None = Field(None, max_length=50)
    mode: Literal["extractive", "generative"] | None = Field(
        None, description="extractive (quotes, fast) or generative (written out by the local LLM, checked); default from settings"
    )
    conversation_id: ConversationId | None = Field(
        None,
        description="record the question and the answer in this conversation (POST /conversations); without `history`, "
        "the conversation's last turns are the history",
    )

    _check = field_validator("question")(not_blank)


class RetractedOut(BaseModel):
    text: str = Field(..., description="generated sentence that failed verification and is not in `answer`")
    reason: Literal[
        "no_citation",
        "unknown_source",
        "unsupported_figure",
        "unsupported_name",
        "restates_question",
        "dropped_lead",
        "low_coverage",
        "misattributed_name",
        "wrong_source",
        "incomplete",
    ]


class AskResponse(BaseModel):
    answer: str
    answered: bool
    citations: list[CitationOut]
    suggestions: list[Hit] = Field(default_factory=list)
    standalone_question: str
    took_ms: float
    mode: Literal["extractive", "generative"] = "extractive"
    fallback: bool = Field(False, description="generative mode gave way to the extractive answer")
    fallback_reason: Literal["no_sources", "unverified", "misses_question", "question_language", "question_instruction"] | None = Field(
        None,
        description="no_sources: nothing fit to show the model; unverified: too few sentences passed the checks; "
        "misses_question: the checked text left out what the question asks about; question_language: not asked "
        "in Vietnamese, so relevance cannot be checked and the model is not asked; question_instruction: the "
        "question reads as an instruction to a model, so it is never put in a prompt",
    )
    retracted: list[RetractedOut] = Field(default_factory=list)
    first_token_ms: float | None = None
    generation_ms: float | None = None
    conversation_id: str | None = None
    turn: int | None = Field(None, description="number of this question in the conversation (to pin it)")
