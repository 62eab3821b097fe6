"""Who must do what (GET /actors) and the figures (GET /targets), read from the documents at ingest."""

from __future__ import annotations

from fastapi import APIRouter, Path, Query

from qa_service.api.convert import citation_out
from qa_service.api.deps import FactsDep
from qa_service.api.etag import LIBRARY_TAG, NOT_MODIFIED
from qa_service.api.schemas import (
    ActorOut,
    ActorsOut,
    ActorSummaryOut,
    PeriodOut,
    TargetRowOut,
    TargetsOut,
    TargetValueOut,
    error_responses,
)
from qa_service.services.facts import Actor, TargetTable

router = APIRouter(tags=["facts"])

DOC_IDS = Query(None, max_length=100, description="only these documents (repeat the parameter)")


def _summary(actor: Actor) -> ActorSummaryOut:
    return ActorSummaryOut(
        id=actor.actor_id, name=actor.name, role=actor.role,  # type: ignore[arg-type]
        duties=len(actor.duties), doc_ids=actor.doc_ids,
    )


def actor_out(actor: Actor) -> ActorOut:
    return ActorOut(**_summary(actor).model_dump(), sentences=[citation_out(c) for c in actor.duties])


def targets_out(table: TargetTable) -> TargetsOut:
    return TargetsOut(
        periods=[PeriodOut(year=p.year, label=p.label, kind=p.kind) for p in table.periods],  # type: ignore[arg-type]
        rows=[
            TargetRowOut(
                measure_id=row.measure_id, measure=row.measure, unit=row.unit,
                doc_id=row.doc_id, doc_title=row.doc_title, doc_number=row.doc_number,
                values=[
                    TargetValueOut(
                        year=v.fact.year, period=v.fact.period, kind=v.fact.kind, value_text=v.fact.value_text,
                        value=v.fact.value, value_high=v.fact.value_high, unit=v.fact.unit,
                        of_plan=v.fact.of_plan, of_plan_share=v.fact.of_plan_share, citation=citation_out(v.citation),
                    )
                    for v in row.values
                ],
            )
            for row in table.rows
        ],
    )


@router.get(
    "/actors", response_model=ActorsOut, dependencies=[LIBRARY_TAG], responses={**error_responses(404, 422), **NOT_MODIFIED},
    summary="Cơ quan, đơn vị được giao nhiệm vụ / bodies the documents assign work to",
)
def actors(service: FactsDep, doc_id: list[str] | None = DOC_IDS) -> ActorsOut:
    return ActorsOut(actors=[_summary(a) for a in service.actors(doc_id)])


@router.get(
    "/actors/{actor_id}", response_model=ActorOut, dependencies=[LIBRARY_TAG], responses={**error_responses(404, 422), **NOT_MODIFIED},
    summary="Nhiệm vụ của một cơ quan, nguyên văn / one body's duties, verbatim and cited",
)
def actor(
    service: FactsDep,
    actor_id: str = Path(..., min_length=1, max_length=120, pattern=r"^[a-z0-9-]+$"),
    doc_id: list[str] | None = DOC_IDS,
) -> ActorOut:
    return actor_out(service.actor(actor_id, doc_id))


@router.get(
    "/targets", response_model=TargetsOut, dependencies=[LIBRARY_TAG], responses={**error_responses(404, 422), **NOT_MODIFIED},
    summary="Chỉ tiêu và kết quả theo giai đoạn / targets and results by period, each cited",
)
def targets(service: FactsDep, doc_id: list[str] | None = DOC_IDS) -> TargetsOut:
    return targets_out(service.targets(doc_id))
