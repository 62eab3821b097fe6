"""POST /search: passages ranked for a query, each able to say why it is where it is."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from qa_service.api.schemas.common import HAS_WORD, MAX_QUESTION, ChunkRef, CopyOut, TopK, not_blank


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

    _check = field_validator("query")(not_blank)


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
