"""GET /actors and /targets: who must do what, and the figures by period, each cited."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from qa_service.api.schemas.common import CitationOut


class ActorSummaryOut(BaseModel):
    id: str
    name: str = Field(..., description="as the documents write it")
    role: Literal["duty", "support"] = Field(..., description="duty: work assigned to it; support: what is offered to it (businesses)")
    duties: int
    doc_ids: list[str]


class ActorsOut(BaseModel):
    actors: list[ActorSummaryOut]


class ActorOut(ActorSummaryOut):
    sentences: list[CitationOut] = Field(..., description="the documents' own sentences, verbatim, with their labels")


class TargetValueOut(BaseModel):
    year: int | None
    period: str = Field(..., description="«2021-2025», «2030»; empty when the document names none")
    kind: Literal["result", "target"] = Field(..., description="result: reached (a past period); target: to reach")
    value_text: str = Field(..., description="as written: «trên 15%»")
    value: float | None = Field(..., description="the figure (a range's lower end)")
    value_high: float | None = None
    unit: str
    of_plan: str | None = Field(None, description="a result's share of its plan, as written: «đạt 98,3% kế hoạch»")
    of_plan_share: float | None = Field(None, description="that share in percent: 98.3")
    citation: CitationOut


class TargetRowOut(BaseModel):
    measure_id: str
    measure: str
    unit: str
    values: list[TargetValueOut]
    doc_id: str = Field("", description="the document whose figures these are: one row per document and measure")
    doc_title: str = ""
    doc_number: str | None = None


class PeriodOut(BaseModel):
    year: int
    label: str
    kind: Literal["result", "target", "mixed"]


class TargetsOut(BaseModel):
    periods: list[PeriodOut]
    rows: list[TargetRowOut]
