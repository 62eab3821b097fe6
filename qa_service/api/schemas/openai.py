"""The OpenAI-compatible API (GET /v1/models, POST /v1/chat/completions): OpenAI's shapes, and the answer's
citations in extra fields an OpenAI client keeps (`completion.citations` with the official Python client)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from qa_service.api.schemas.common import CitationOut
from qa_service.api.schemas.search import Hit

# not a model's release: the date this API's shapes were fixed (OpenAI clients sort models by it)
MODELS_CREATED = 1_767_225_600  # 2026-01-01
OWNER = "hoi-dap-chinh-sach"


class OpenAIError(BaseModel):
    message: str = Field(..., description="in English, where OpenAI clients read it")
    type: str
    param: str | None = None
    code: str
    message_vi: str
    message_en: str


class OpenAIErrorBody(BaseModel):
    """An unknown model: OpenAI's error shape, the message in both languages inside it."""

    error: OpenAIError
    request_id: str


class ModelOut(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = MODELS_CREATED
    owned_by: str = OWNER
    description: str = Field("", description="what the model does (an extra field)")


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelOut]


class ContentPart(BaseModel):
    """A part of a message's content; only text parts can be asked about."""

    model_config = ConfigDict(extra="ignore")
    type: str = Field(..., max_length=40)
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")  # name, tool_calls …: accepted, not used
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str | None:
        """The message's text (its text parts joined); None when it has none."""
        if isinstance(self.content, str):
            return self.content
        if self.content is None or any(p.type != "text" or p.text is None for p in self.content):
            return None
        return "\n".join(p.text for p in self.content if p.text is not None)


class ChatCompletionRequest(BaseModel):
    """OpenAI's request. The last message is the question (role «user»); the earlier user and assistant messages
    are its history; system and developer messages are not instructions to this service and are left out. Other
    OpenAI parameters (temperature, max_tokens, n, tools …) are accepted and have no effect: the answer is the
    service's checked answer, not sampled text."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "model": "hoi-dap-extractive",
                    "messages": [{"role": "user", "content": "Mục tiêu tỷ trọng công nghiệp trong GRDP đến 2025 là bao nhiêu?"}],
                }
            ]
        },
    )
    model: str = Field(..., max_length=200, description="an id of GET /v1/models: one per answer mode")
    messages: list[ChatMessage] = Field(..., min_length=1, description="bounded by settings (chat.max_messages, chat.max_chars)")
    # strict: the spec says boolean, so «0» or «"yes"» is refused (422), not read as one
    stream: StrictBool = Field(False, description="server-sent `chat.completion.chunk`s, then `data: [DONE]`")


class AnswerMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str = Field(..., description="the answer, then its sources: number, document, label and verbatim quote")
    refusal: None = Field(None, description="always null: a refusal is an ordinary answer saying what is missing")


class Choice(BaseModel):
    index: int = 0
    message: AnswerMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class ChatCompletion(BaseModel):
    """OpenAI's `chat.completion`, with the service's answer in three extra fields."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: None = Field(None, description="not counted: the answer is not sampled token by token")
    citations: list[CitationOut] = Field(
        default_factory=list, description="extra field: the citations [n] of the content, as POST /ask returns them"
    )
    answered: bool = Field(..., description="extra field: false when the documents do not answer the question")
    suggestions: list[Hit] = Field(default_factory=list, description="extra field: with a refusal, the nearest passages")
