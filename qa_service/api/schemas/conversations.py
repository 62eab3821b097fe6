"""Conversations: their turns (each a full answer) and the answers pinned to their summary."""

from __future__ import annotations

from pydantic import BaseModel, Field

from qa_service.api.schemas.ask import AskResponse
from qa_service.api.schemas.common import CitationOut


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
    owned: bool = Field(
        True, description="the requesting client made it (X-Client-Key): it may continue, pin and delete it; a shared "
        "link's reader may only read it"
    )
