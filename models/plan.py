"""Pydantic models of the plan file (SPEC "Plan file")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

PLAN_FORMAT = "dispatch-plan/1"

# Written with the UTC offset spelled out ("+00:00", never "Z"), as the SPEC shows.
Instant = Annotated[
    dt.datetime, PlainSerializer(lambda v: v.isoformat(), return_type=str, when_used="json")
]

UnassignedReason = Literal["no_eligible_engineer", "window_unreachable", "no_capacity", "deferred"]
SolverStatus = Literal["optimal", "feasible", "fallback"]


class Open(BaseModel):
    """Plan parts accept extra fields: other tools may add their own."""

    model_config = ConfigDict(extra="allow")


class ScenarioRef(Open):
    name: str
    sha256: str


class SolverInfo(Open):
    status: SolverStatus
    time_s: float
    bound: float | None = None
    seed: int = 0


class Objective(Open):
    total: float
    sla_risk: float
    lateness: float
    deferral: float
    travel: float
    preference: float
    disruption: float = 0.0


class Previous(Open):
    engineer: str
    start: Instant


class Assignment(Open):
    ticket: str
    engineer: str
    start: Instant
    end: Instant
    travel_minutes: int
    response_due: Instant
    resolution_due: Instant
    response_risk: float
    resolution_risk: float
    previous: Previous | None = None


class Unassigned(Open):
    ticket: str
    reason: UnassignedReason
    detail: str


class Completed(Open):
    ticket: str
    engineer: str
    start: Instant
    end: Instant


class TierKpi(Open):
    tickets: int
    assigned: int
    expected_breaches: float


class Kpis(Open):
    by_tier: dict[str, TierKpi]
    travel_minutes: int


class Plan(Open):
    format: Literal["dispatch-plan/1"] = PLAN_FORMAT
    scenario: ScenarioRef
    solver: SolverInfo
    objective: Objective
    assignments: list[Assignment] = Field(default_factory=list)
    unassigned: list[Unassigned] = Field(default_factory=list)
    completed: list[Completed] = Field(default_factory=list)
    kpis: Kpis
    reschedule: dict[str, Any] | None = None
