"""GET /health: what is loaded, the language model's state, and the limits a client should enforce."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


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
    reembed_needed: bool = Field(
        False, description="passages without a vector of this model: the index was embedded with another (`python -m ingest --rebuild`)"
    )
    other_embedding_models: list[str] = Field(default_factory=list, description="collections of other models holding vectors")
    generative: GenerativeStatusOut
    limits: LimitsOut
