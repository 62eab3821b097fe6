"""Conversations: created by the UI, filled by POST /ask with `conversation_id`, reopened by id. Each belongs to the
client that created it (`X-Client-Key`): another client gets 404 for listing, pinning or deleting it, and reads it
only by its id (a shared link)."""

from __future__ import annotations

from fastapi import APIRouter, Path, Query, Response

from qa_service.api.deps import ConversationsDep, OwnerDep
from qa_service.api.schemas import (
    AskResponse,
    ConversationOut,
    ConversationsOut,
    ConversationSummaryOut,
    PinnedOut,
    TurnOut,
    error_responses,
)
from qa_service.components.conversations import StoredConversation

router = APIRouter(tags=["conversations"])

CONVERSATION_ID = Path(..., min_length=8, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
TURN = Path(..., ge=0, le=100_000)


def conversation_out(found: StoredConversation, owner: str) -> ConversationOut:
    history = [
        TurnOut(n=t.n, question=t.question, response=AskResponse.model_validate({**t.response, "conversation_id": found.id, "turn": t.n}))
        for t in found.history
    ]
    by_turn = {t.n: t for t in history}
    pinned = [
        PinnedOut(
            turn=n,
            question=by_turn[n].response.standalone_question or by_turn[n].question,
            answer=by_turn[n].response.answer,
            citations=by_turn[n].response.citations,
        )
        for n in found.pinned
        if n in by_turn
    ]
    summary = ConversationSummaryOut.model_validate(found.model_dump(exclude={"history", "pinned", "owner"}))
    return ConversationOut(**summary.model_dump(), history=history, pinned=pinned, owned=found.owner == owner)


@router.post("/conversations", status_code=201, response_model=ConversationOut, summary="Bắt đầu cuộc trò chuyện / new conversation")
def create(service: ConversationsDep, owner: OwnerDep) -> ConversationOut:
    return conversation_out(service.create(owner), owner)


@router.get("/conversations", response_model=ConversationsOut, summary="Các cuộc trò chuyện gần đây / recent conversations")
def recent(service: ConversationsDep, owner: OwnerDep, limit: int = Query(30, ge=1, le=200)) -> ConversationsOut:
    """This client's conversations only."""
    return ConversationsOut(conversations=[ConversationSummaryOut.model_validate(c.model_dump()) for c in service.recent(owner, limit)])


@router.get(
    "/conversations/{conversation_id}", response_model=ConversationOut, responses=error_responses(404, 422),
    summary="Mở lại một cuộc trò chuyện / reopen a conversation",
)
def get(service: ConversationsDep, owner: OwnerDep, conversation_id: str = CONVERSATION_ID) -> ConversationOut:
    return conversation_out(service.get(conversation_id), owner)


@router.delete(
    "/conversations/{conversation_id}", status_code=204, responses=error_responses(404, 422),
    summary="Xóa cuộc trò chuyện / delete a conversation",
)
def delete(service: ConversationsDep, owner: OwnerDep, conversation_id: str = CONVERSATION_ID) -> Response:
    service.delete(conversation_id, owner)
    return Response(status_code=204)


@router.put(
    "/conversations/{conversation_id}/pinned/{turn}", response_model=ConversationOut, responses=error_responses(404, 422),
    summary="Ghim câu trả lời vào bản tóm tắt / pin an answer",
)
def pin(service: ConversationsDep, owner: OwnerDep, conversation_id: str = CONVERSATION_ID, turn: int = TURN) -> ConversationOut:
    return conversation_out(service.pin(conversation_id, owner, turn), owner)


@router.delete(
    "/conversations/{conversation_id}/pinned/{turn}", response_model=ConversationOut, responses=error_responses(404, 422),
    summary="Bỏ ghim / unpin",
)
def unpin(service: ConversationsDep, owner: OwnerDep, conversation_id: str = CONVERSATION_ID, turn: int = TURN) -> ConversationOut:
    return conversation_out(service.unpin(conversation_id, owner, turn), owner)
