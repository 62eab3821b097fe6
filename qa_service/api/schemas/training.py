"""POST /training-pack: chosen sections as outline, key points, figures, bodies and review questions."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from qa_service.api.schemas.common import CitationOut, ConversationId
from qa_service.api.schemas.conversations import PinnedOut
from qa_service.api.schemas.facts import ActorOut, TargetsOut


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
