"""Pydantic models of the plan file (SPEC "Plan file")."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PLAN_FORMAT = "dispatch-plan/1"

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
    start: dt.datetime


class Assignment(Open):
    ticket: str
    engineer: str
    start: dt.datetime
    end: dt.datetime
    travel_minutes: int
    response_due: dt.datetime
    resolution_due: dt.datetime
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
    start: dt.datetime
    end: dt.datetime


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
