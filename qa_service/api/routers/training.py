"""A training pack for chosen sections: outline, key points, figures, bodies, review questions, all cited."""

from __future__ import annotations

from fastapi import APIRouter

from qa_service.api.convert import citation_out
from qa_service.api.deps import ConversationsDep, TrainingDep
from qa_service.api.routers.conversations import conversation_out
from qa_service.api.routers.facts import actor_out, targets_out
from qa_service.api.schemas import (
    PackSectionOut,
    ReviewQuestionOut,
    TrainingPackOut,
    TrainingPackRequest,
    error_responses,
)

router = APIRouter(tags=["training"])


@router.post(
    "/training-pack", response_model=TrainingPackOut, responses=error_responses(404, 422),
    summary="Soạn tài liệu tập huấn từ các mục đã chọn / a cited training pack for chosen sections",
    description="Builds, stores nothing. Outline, key points, figures, bodies and review questions of each section, "
    "all quoted verbatim with labels; with `conversation_id`, that conversation's pinned answers.",
)
def training_pack(body: TrainingPackRequest, service: TrainingDep, conversations: ConversationsDep) -> TrainingPackOut:
    # reading a conversation's pins needs only its id (a shared link's reader builds a pack from them too)
    pinned = conversation_out(conversations.get(body.conversation_id), "").pinned if body.conversation_id else []
    pack = service.build(body.doc_id, body.sections)
    return TrainingPackOut(
        doc_id=pack.doc_id,
        title=pack.title,
        sections=[
            PackSectionOut(
                label=s.label, title=s.title,
                outline=[citation_out(c) for c in s.outline],
                key_points=[citation_out(c) for c in s.key_points],
                targets=targets_out(s.targets),
                actors=[actor_out(a) for a in s.actors],
                questions=[
                    ReviewQuestionOut(question=q.question, answer=q.answer, citations=[citation_out(c) for c in q.citations])
                    for q in s.questions
                ],
            )
            for s in pack.sections
        ],
        targets=targets_out(pack.targets),
        pinned=pinned,
        took_ms=round(pack.took_ms, 1),
    )
