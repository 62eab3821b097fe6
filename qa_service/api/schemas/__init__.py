"""Request and response models: the HTTP contract, one module per role. Everything is re-exported here, so
`from qa_service.api.schemas import AskRequest` reads the same as before the split."""

from __future__ import annotations

from qa_service.api.schemas.ask import AskRequest, AskResponse, HistoryTurn, RetractedOut
from qa_service.api.schemas.common import (
    HAS_WORD,
    MAX_QUESTION,
    ChunkRef,
    CitationOut,
    ConversationId,
    CopyOut,
    NewerTextOut,
    ReplacedByOut,
    TopK,
)
from qa_service.api.schemas.conversations import (
    ConversationOut,
    ConversationsOut,
    ConversationSummaryOut,
    PinnedOut,
    TurnOut,
)
from qa_service.api.schemas.documents import (
    ArticleOut,
    CitedDocument,
    ClauseOut,
    DocumentDetail,
    DocumentOut,
    DocumentsResponse,
    OutlineItem,
)
from qa_service.api.schemas.errors import ErrorBody, error_responses
from qa_service.api.schemas.facts import (
    ActorOut,
    ActorsOut,
    ActorSummaryOut,
    PeriodOut,
    TargetRowOut,
    TargetsOut,
    TargetValueOut,
)
from qa_service.api.schemas.health import GenerativeStatusOut, Health, LimitsOut
from qa_service.api.schemas.search import Explanation, Hit, SearchRequest, SearchResponse
from qa_service.api.schemas.training import PackSectionOut, ReviewQuestionOut, TrainingPackOut, TrainingPackRequest
from qa_service.api.schemas.uploads import (
    DeleteResult,
    JobOut,
    PreviousVersionOut,
    PreviousVersionsOut,
    RestoreResult,
    UploadAccepted,
)

__all__ = [
    "HAS_WORD",
    "MAX_QUESTION",
    "ActorOut",
    "ActorSummaryOut",
    "ActorsOut",
    "ArticleOut",
    "AskRequest",
    "AskResponse",
    "ChunkRef",
    "CitationOut",
    "CitedDocument",
    "ClauseOut",
    "ConversationId",
    "ConversationOut",
    "ConversationSummaryOut",
    "ConversationsOut",
    "CopyOut",
    "DeleteResult",
    "DocumentDetail",
    "DocumentOut",
    "DocumentsResponse",
    "ErrorBody",
    "Explanation",
    "GenerativeStatusOut",
    "Health",
    "Hit",
    "HistoryTurn",
    "JobOut",
    "LimitsOut",
    "NewerTextOut",
    "OutlineItem",
    "PackSectionOut",
    "PeriodOut",
    "PinnedOut",
    "PreviousVersionOut",
    "PreviousVersionsOut",
    "ReplacedByOut",
    "RestoreResult",
    "RetractedOut",
    "ReviewQuestionOut",
    "SearchRequest",
    "SearchResponse",
    "TargetRowOut",
    "TargetValueOut",
    "TargetsOut",
    "TopK",
    "TrainingPackOut",
    "TrainingPackRequest",
    "TurnOut",
    "UploadAccepted",
    "error_responses",
]
