"""Request and response models: the HTTP contract."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, field_validator

MAX_QUESTION = 2000
ConversationId = Annotated[str, Field(min_length=8, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
# a question or query needs at least one letter or digit; the same rule is published in the schema
# (`pattern`), so clients and fuzzers know «\u0086» or «???» is not a question
HAS_WORD = r"\w"


class HistoryTurn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(..., max_length=20000)


def _not_blank(value: str) -> str:
    # control characters or punctuation alone («\u0000», «\t\n», «???») are not a question
    if not re.search(HAS_WORD, value):
        raise ValueError("must contain a letter or digit / cần ít nhất một chữ hoặc số")
    return value


def _json_integer(value: object) -> object:
    """JSON has one number type: 22.0 is the integer 22, but true is not 1 and "22" is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a JSON integer / phải là số nguyên")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# strict after the check above: no strings, no booleans, no 2.5. The bounds sit inside the type, so an
# optional field publishes them as minimum/maximum too
TopK = Annotated[int, Field(ge=1, le=50, strict=True), BeforeValidator(_json_integer)]


class SearchRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"query": "tỷ lệ lấp đầy khu công nghiệp", "top_k": 5}]}
    )
    query: str = Field(
        ..., min_length=1, max_length=MAX_QUESTION, pattern=HAS_WORD, description="Câu truy vấn / search text"
    )
    top_k: TopK = Field(10, description="passages to return (a JSON integer, not a boolean)")
    doc_ids: list[str] | None = Field(None, max_length=100)
    explain: StrictBool = Field(False, description="each hit says why it is where it is: its score's contributions and the pin that placed it")

    _check = field_validator("query")(_not_blank)


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


class Explanation(BaseModel):
    """Why a passage is where it is (resources/ranking.yaml): `score` is the sum of `contributions`; `relevance` among
    them is the log of the sum of `relevance_terms`; a pin («article», «section», «province» …) places a passage
    whatever its score."""

    contributions: dict[str, float]
    relevance_terms: dict[str, float]
    pins: list[str]
    dense_rank: int | None
    lexical_rank: int | None


class Hit(ChunkRef):
    score: float
    also_in: list[CopyOut] = Field(
        default_factory=list,
        description="the same passage, word for word or nearly, in other documents (copies, versions)",
    )
    explain: Explanation | None = Field(None, description="with `explain: true`: why this passage is where it is")


class SearchResponse(BaseModel):
    hits: list[Hit]
    took_ms: float


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

    _check = field_validator("question")(_not_blank)


class CitationOut(ChunkRef):
    n: int
    quote: str
    quote_start: int = Field(..., description="offset of the quote in the document's cleaned text")
    also_in: list[CopyOut] = Field(
        default_factory=list, description="the cited passage, word for word or nearly, in other documents"
    )


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
    fallback_reason: Literal["no_sources", "unverified", "misses_question", "question_language"] | None = Field(
        None,
        description="no_sources: nothing fit to show the model; unverified: too few sentences passed the checks; "
        "misses_question: the checked text left out what the question asks about; question_language: not asked "
        "in Vietnamese, so relevance cannot be checked and the model is not asked",
    )
    retracted: list[RetractedOut] = Field(default_factory=list)
    first_token_ms: float | None = None
    generation_ms: float | None = None
    conversation_id: str | None = None
    turn: int | None = Field(None, description="number of this question in the conversation (to pin it)")


class GenerativeStatusOut(BaseModel):
    available: bool
    reason: Literal["disabled", "runtime_missing", "model_missing", "model_mismatch", "load_failed"] | None = None
    model: str | None = None


class LimitsOut(BaseModel):
    """What a client should enforce before sending (the service enforces them too)."""

    max_question_chars: int
    max_upload_mb: int


class Health(BaseModel):
    status: Literal["ok"]
    documents: int
    chunks: int
    vectors: int = Field(..., description="vectors in Chroma: equal to chunks unless an ingestion is between embedding and commit")
    embedding_model: str
    generative: GenerativeStatusOut
    limits: LimitsOut


class DocumentOut(BaseModel):
    doc_id: str
    title: str
    number: str | None
    type: str | None
    issuer: str | None
    date: str | None
    signer: str | None = None
    chunk_count: int
    source_file: str
    pages: int | None = None
    replaced_by: ReplacedByOut | None = Field(None, description="no longer in force: the loaded act that ended it")
    newer_text: NewerTextOut | None = Field(None, description="a newer consolidated text of the same act that is loaded")


class CitedDocument(BaseModel):
    key: str
    kind: str
    number: str | None
    title: str | None
    date: str | None
    issuer: str | None
    loaded: bool
    loaded_doc_id: str | None = None
    cited_from: list[str] = Field(..., description="citation labels where the programme cites it")


class DocumentsResponse(BaseModel):
    loaded: list[DocumentOut]
    cited_not_loaded: list[CitedDocument]
    cited_loaded: list[CitedDocument]


class OutlineItem(BaseModel):
    level: int
    label: str
    title: str
    start: int
    end: int


class DocumentDetail(BaseModel):
    document: DocumentOut
    text: str
    outline: list[OutlineItem]


class ClauseOut(BaseModel):
    label: str = Field(..., description="«Điều 15, khoản 2», «Điều 15, khoản 2, điểm a»")
    start: int
    end: int


class ArticleOut(BaseModel):
    doc_id: str
    doc_title: str
    doc_number: str | None
    label: str = Field(..., description="«Điều 15»")
    title: str = Field(..., description="the article's heading without its number")
    text: str = Field(..., description="the whole article as in the document's cleaned text")
    start: int = Field(..., description="offset of the article in the document's cleaned text")
    clauses: list[ClauseOut]


class ErrorBody(BaseModel):
    """Every error response: a stable code, the message in Vietnamese and English, and the request id."""

    error: str = Field(..., description="stable code, e.g. validation_error, unknown_document, generator_busy")
    message_vi: str
    message_en: str
    request_id: str
    details: list[dict[str, object]] | None = None


_ERROR_MEANING = {
    401: "admin token missing / thiếu mã quản trị",
    403: "wrong admin token, or admin functions disabled / sai mã hoặc chưa bật quản trị",
    404: "unknown document, job, conversation or section, or no previous version / không tìm thấy",
    409: "the name belongs to another document (send replace=true), a corpus document (force), or a full conversation / trùng tên văn bản hoặc cuộc trò chuyện đã đầy",
    413: "request body or file too large / nội dung hoặc tệp quá lớn",
    415: "unsupported file type / định dạng không hỗ trợ",
    422: "invalid request / dữ liệu không hợp lệ",
    429: "too many wrong admin tokens from this client: wait Retry-After seconds / thử sai quá nhiều lần",
    500: "unexpected error, with a request id / lỗi ngoài dự kiến",
    503: "starting, or the language model is unavailable or busy / đang khởi động hoặc mô hình bận",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI entries for the error statuses a route can answer with (all share ErrorBody)."""
    return {status: {"model": ErrorBody, "description": _ERROR_MEANING[status]} for status in statuses}


class UploadAccepted(BaseModel):
    job_id: str
    status_url: str
    status: Literal["queued", "done"] = Field("queued", description="done at once when the same bytes are already loaded")
    action: Literal["added", "replaced", "unchanged"] = "added"
    doc_id: str | None = Field(None, description="known at once only for action=unchanged")
    replaced_title: str | None = Field(None, description="title of the document this upload replaces (replace=true)")


class JobOut(BaseModel):
    job_id: str
    filename: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float
    doc_id: str | None = None
    message_vi: str | None = None
    message_en: str | None = None
    action: Literal["added", "replaced", "unchanged"] = "added"
    replaced_title: str | None = None


class DeleteResult(BaseModel):
    doc_id: str
    deleted: bool
    title: str
    restorable_until: float = Field(..., description="Unix time until which POST /previous-versions/{doc_id}/restore brings it back")


class PreviousVersionOut(BaseModel):
    doc_id: str
    title: str
    reason: Literal["replaced", "deleted"]
    at: float = Field(..., description="when it was replaced or deleted (Unix time)")
    restorable_until: float
    chunk_count: int
    current_title: str | None = Field(None, description="title of the version in use now (None after a delete)")


class PreviousVersionsOut(BaseModel):
    versions: list[PreviousVersionOut]


class RestoreResult(BaseModel):
    doc_id: str
    title: str
    restored: bool


class ConversationSummaryOut(BaseModel):
    id: str
    title: str = Field(..., description="the first question")
    created: float
    updated: float
    turns: int


class ConversationsOut(BaseModel):
    conversations: list[ConversationSummaryOut]


class TurnOut(BaseModel):
    n: int
    question: str
    response: AskResponse


class PinnedOut(BaseModel):
    turn: int
    question: str = Field(..., description="the question as understood (a follow-up made standalone)")
    answer: str
    citations: list[CitationOut]


class ConversationOut(ConversationSummaryOut):
    history: list[TurnOut]
    pinned: list[PinnedOut]


class ActorSummaryOut(BaseModel):
    id: str
    name: str = Field(..., description="as the documents write it")
    role: Literal["duty", "support"] = Field(..., description="duty: work assigned to it; support: what is offered to it (businesses)")
    duties: int
    doc_ids: list[str]


class ActorsOut(BaseModel):
    actors: list[ActorSummaryOut]


class ActorOut(ActorSummaryOut):
    sentences: list[CitationOut] = Field(..., description="the documents' own sentences, verbatim, with their labels")


class TargetValueOut(BaseModel):
    year: int | None
    period: str = Field(..., description="«2021-2025», «2030»; empty when the document names none")
    kind: Literal["result", "target"] = Field(..., description="result: reached (a past period); target: to reach")
    value_text: str = Field(..., description="as written: «trên 15%»")
    value: float | None = Field(..., description="the figure (a range's lower end)")
    value_high: float | None = None
    unit: str
    citation: CitationOut


class TargetRowOut(BaseModel):
    measure_id: str
    measure: str
    unit: str
    values: list[TargetValueOut]


class PeriodOut(BaseModel):
    year: int
    label: str
    kind: Literal["result", "target", "mixed"]


class TargetsOut(BaseModel):
    periods: list[PeriodOut]
    rows: list[TargetRowOut]


class TrainingPackRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"doc_id": "chuong-trinh-hanh-dong-phat-trien-cong-nghiep-2021-2025", "sections": ["Mục II.3", "Mục III.3", "Mục IV"]}]}
    )
    doc_id: str = Field(..., min_length=1, max_length=200)
    sections: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        ..., min_length=1, max_length=20, description="section labels as in the document's outline («Mục III.3», «Điều 15»)"
    )
    conversation_id: ConversationId | None = Field(None, description="its pinned answers join the pack")


class ReviewQuestionOut(BaseModel):
    question: str
    answer: str = Field(..., description="the text's own words (a figure, a list of headings, a sentence)")
    citations: list[CitationOut]


class PackSectionOut(BaseModel):
    label: str
    title: str
    outline: list[CitationOut] = Field(..., description="the section's sub-headings")
    key_points: list[CitationOut] = Field(..., description="each item's opening sentences, verbatim")
    targets: TargetsOut
    actors: list[ActorOut]
    questions: list[ReviewQuestionOut]


class TrainingPackOut(BaseModel):
    doc_id: str
    title: str
    sections: list[PackSectionOut]
    targets: TargetsOut = Field(..., description="the whole document's figures")
    pinned: list[PinnedOut]
    took_ms: float
