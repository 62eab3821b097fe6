"""Conversations: what the UI reopens after a reload or from a shared link. Each belongs to the client that made
it (`owner`: the digest of its client key, see `owner_of`); only that client lists, continues, pins or deletes
it — to anyone else it does not exist (404) — while anyone holding its id reads it (a shared link, read-only)."""

from __future__ import annotations

import hashlib
from typing import Any

from qa_service.components import conversations as store
from qa_service.components.conversations import ConversationStore, ConversationSummary, StoredConversation
from qa_service.errors import ConversationFull, UnknownConversation, UnknownTurn
from qa_service.settings import Settings


def owner_of(client_key: str | None) -> str:
    """The owner a client key stands for: its digest (the store never holds a key), «» for a client without one."""
    return hashlib.sha256(client_key.encode()).hexdigest() if client_key else ""


def owner_of_user(name: str) -> str:
    """The owner a logged-in user stands for (accounts mode): the same on every device, never a client key's (a
    client key has no «:»)."""
    return hashlib.sha256(f"user:{name}".encode()).hexdigest()


class ConversationService:
    def __init__(self, settings: Settings) -> None:
        cfg = settings.conversations
        self.store = ConversationStore(settings.conversations_path, cfg.max_conversations, cfg.max_turns, cfg.keep_days)
        self.history_turns = cfg.history_turns

    def create(self, owner: str) -> StoredConversation:
        return self.get(self.store.create(owner=owner))

    def recent(self, owner: str, limit: int) -> list[ConversationSummary]:
        return self.store.recent(limit, owner=owner)

    def get(self, conversation_id: str) -> StoredConversation:
        """Anyone's conversation, to read: its id is the key of a shared link."""
        found = self.store.get(conversation_id)
        if found is None:
            raise UnknownConversation()
        return found

    def require(self, conversation_id: str, owner: str) -> None:
        """Checked before answering, so a wrong id (or someone else's conversation) or a full one costs no
        retrieval."""
        count = self.store.turn_count(conversation_id, owner=owner)
        if count is None:
            raise UnknownConversation()
        if count >= self.store.max_turns:
            raise ConversationFull(self.store.max_turns)

    def history(self, conversation_id: str) -> list[dict[str, str]]:
        """The last questions and answers, as /ask's `history` (a follow-up is read against them)."""
        turns = self.get(conversation_id).history[-self.history_turns :] if self.history_turns else []
        out: list[dict[str, str]] = []
        for turn in turns:
            out.append({"role": "user", "content": turn.question})
            cited = [str(c.get("doc_id", "")) for c in turn.response.get("citations") or [] if isinstance(c, dict)]
            # the documents the answer quoted: a follow-up keeps to them (services/topic.py)
            out.append({"role": "assistant", "content": str(turn.response.get("answer", "")), "documents": " ".join(cited)})
        return out

    def record(self, conversation_id: str, owner: str, question: str, response: dict[str, Any]) -> int:
        try:
            turn = self.store.add_turn(conversation_id, question, response, owner=owner)
        except store.ConversationFull:
            raise ConversationFull(self.store.max_turns) from None
        if turn is None:
            raise UnknownConversation()
        return turn

    def delete(self, conversation_id: str, owner: str) -> None:
        if not self.store.delete(conversation_id, owner=owner):
            raise UnknownConversation()

    def _owned(self, conversation_id: str, owner: str) -> None:
        if self.store.turn_count(conversation_id, owner=owner) is None:
            raise UnknownConversation()

    def pin(self, conversation_id: str, owner: str, turn: int) -> StoredConversation:
        self._owned(conversation_id, owner)
        if not self.store.pin(conversation_id, turn):
            raise UnknownTurn(turn)
        return self.get(conversation_id)

    def unpin(self, conversation_id: str, owner: str, turn: int) -> StoredConversation:
        self._owned(conversation_id, owner)
        if not self.store.unpin(conversation_id, turn):
            raise UnknownTurn(turn)
        return self.get(conversation_id)

    def close(self) -> None:
        self.store.close()
