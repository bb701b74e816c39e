"""Pydantic models of the plan file (SPEC "Plan file")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    with_config,
)
from typing_extensions import TypedDict

from .durations import parse_datetime

PLAN_FORMAT: Final = "dispatch-plan/2"

# Written with the UTC offset spelled out ("+00:00", never "Z"), as the SPEC shows;
# read from ISO text only (a bare number is not taken as seconds since 1970).
Instant = Annotated[
    dt.datetime,
    BeforeValidator(parse_datetime),
    PlainSerializer(lambda v: v.isoformat(), return_type=str, when_used="json"),
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


# Written only on crew jobs: a solo job's assignment has no "crew" key at all.
_ONLY_CREW = Field(default=None, exclude_if=lambda value: value is None)


class Previous(Open):
    engineer: str
    start: Instant
    crew: list[str] | None = _ONLY_CREW  # a crew job's other members in the old plan


class CrewMember(Open):
    """A member of a crew job other than its lead, with their own travel to the job."""

    engineer: str
    travel_minutes: int = Field(ge=0)


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
    crew: list[CrewMember] | None = _ONLY_CREW  # SPEC "Crews": the members besides the lead


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


def _instant_text(value: object) -> object:
    parse_datetime(value)  # says what is wrong with anything but ISO text
    return value


# The reschedule block stays plain JSON data (tools read it as a dict), but every part
# the rescheduler and the views read must have the type they expect: an instant is ISO
# text, a list is a list.
InstantText = Annotated[str, BeforeValidator(_instant_text)]
_OPEN = ConfigDict(extra="allow")


@with_config(_OPEN)
class Cut(TypedDict, total=False):
    """The part of a job worked before its engineer became unavailable."""

    ticket: str
    engineer: str
    start: InstantText | None
    end: InstantText | None


# Functional form, since 'from' is a keyword; the config is set the way with_config sets it.
Event = TypedDict(
    "Event",
    {
        "type": str,
        "ticket": str,
        "tickets": list[str],
        "engineer": str,
        "from": InstantText | None,
        "to": InstantText | None,
        "until": InstantText | None,
        "cut": list[Cut] | None,
    },
    total=False,
)
Event.__pydantic_config__ = _OPEN  # type: ignore[attr-defined]


@with_config(_OPEN)
class Round(TypedDict, total=False):
    """An earlier reschedule of the plan: its instant and events."""

    now: InstantText | None
    events: list[Event] | None


@with_config(_OPEN)
class RescheduleBlock(TypedDict, total=False):
    """What a rescheduled plan carries so that a later reschedule loses nothing."""

    now: InstantText | None
    base_plan_sha256: str
    added_tickets: list[dict[str, Any]] | None
    events: list[Event] | None
    history: list[Round] | None


_RESCHEDULE_BLOCK: TypeAdapter[RescheduleBlock] = TypeAdapter(RescheduleBlock)


def _reschedule_block(block: dict[str, Any] | None) -> dict[str, Any] | None:
    """The block as it was given, once its parts are known to have the types readers expect."""
    if block is not None:
        _RESCHEDULE_BLOCK.validate_python(block)
    return block


def _known_format(value: Any) -> Any:
    """Only this format is read: a plan of another (``dispatch-plan/1``, whose risks meant
    each job alone) would be misread, so it is refused with what to do instead."""
    if isinstance(value, str) and value.startswith("dispatch-plan/") and value != PLAN_FORMAT:
        raise ValueError(
            f"this plan is in format '{value}'; this version reads '{PLAN_FORMAT}' only "
            "(risks are now measured by carrying the plan out): plan the day again"
        )
    return value


class Plan(Open):
    format: Annotated[Literal["dispatch-plan/2"], BeforeValidator(_known_format)] = PLAN_FORMAT
    scenario: ScenarioRef
    solver: SolverInfo
    objective: Objective
    assignments: list[Assignment] = Field(default_factory=list)
    unassigned: list[Unassigned] = Field(default_factory=list)
    completed: list[Completed] = Field(default_factory=list)
    kpis: Kpis
    reschedule: Annotated[dict[str, Any] | None, AfterValidator(_reschedule_block)] = None
