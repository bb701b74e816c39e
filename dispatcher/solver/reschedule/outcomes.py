"""The JSON forms of a reschedule and of an impact pricing, as pydantic models that
round-trip through JSON (``model_dump_json`` -> ``model_validate_json`` gives an equal
model): ``RescheduleOutcome`` (the new plan and what changed) and ``ImpactOutcome``
(what ``Impact.as_json()`` holds, typed).

``RescheduleResult.model()`` and ``Impact.model()`` build them; plain data, no solver.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models import Plan
from models.plan import Objective


class Outcome(BaseModel):
    """Every field declared: a misspelt key is an error, not silently kept."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)


class TierCostOutcome(Outcome):
    """One tier's share of the objective, and its expected breaches."""

    objective: float
    expected_breaches: float


class Moved(Outcome):
    """A job kept by its engineer at another start."""

    ticket: str
    engineer: str
    old_start: dt.datetime
    new_start: dt.datetime


class Reassigned(Outcome):
    """A job given to another engineer (or crew: ids joined with '+', the lead first)."""

    ticket: str
    old_engineer: str
    new_engineer: str


class NewlyAssigned(Outcome):
    """A ticket the old plan left unassigned (or that was just added), now assigned."""

    ticket: str
    engineer: str
    start: dt.datetime


class NewlyUnassigned(Outcome):
    """A job the old plan had that the new plan leaves unassigned."""

    ticket: str
    old_engineer: str


class ClosedTicket(Outcome):
    """A ticket of the base plan that the new export lacks (closed in the PSA), and what
    became of it: ``completed`` (its work had ended by now), ``cut_at_now`` (it was
    running: it ends at now, like ``--done``) or ``dropped`` (only planned after now, or
    unassigned: it leaves the plan). ``in_plan``: still listed in the new plan's
    ``completed`` (carried in ``reschedule.added_tickets``); when not, ``note`` says why."""

    ticket: str
    was: Literal["completed", "running", "planned", "unassigned"]
    became: Literal["completed", "cut_at_now", "dropped"]
    engineer: str | None = None
    crew: list[str] = Field(default_factory=list)
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    in_plan: bool = False
    note: str | None = None


class ChangedTicket(Outcome):
    """A ticket in both whose data differ: the fields that changed, and whether its job was
    running at now (it then keeps its engineers, start and end)."""

    ticket: str
    fields: list[str]
    running: bool = False


class GoneEngineer(Outcome):
    """An engineer of the base scenario missing from the new one, treated as unavailable
    from now: the tickets of theirs re-planned (``replanned``) and, of tickets still open
    whose work the base plan had ended by now, those that are re-planned because the new
    plan cannot name their engineer (``reopened``)."""

    engineer: str
    replanned: list[str] = Field(default_factory=list)
    reopened: list[str] = Field(default_factory=list)


class RebaseRecord(Outcome):
    """What a rebase onto a fresh export did (``reschedule.rebase`` of the new plan)."""

    base_scenario: dict[str, str]
    base_plan_sha256: str
    closed: list[ClosedTicket] = Field(default_factory=list)
    new: list[str] = Field(default_factory=list)
    changed: list[ChangedTicket] = Field(default_factory=list)
    engineers_gone: list[GoneEngineer] = Field(default_factory=list)
    engineers_new: list[str] = Field(default_factory=list)


class ChangesOutcome(Outcome):
    """What a reschedule changed, and the objective and expected breaches per tier of
    the old plan at now (``before``) and of the new plan (``after``)."""

    kept: list[str] = Field(default_factory=list)
    moved: list[Moved] = Field(default_factory=list)
    reassigned: list[Reassigned] = Field(default_factory=list)
    newly_assigned: list[NewlyAssigned] = Field(default_factory=list)
    newly_unassigned: list[NewlyUnassigned] = Field(default_factory=list)
    completed: list[str] = Field(default_factory=list)
    before: dict[str, TierCostOutcome] = Field(default_factory=dict)
    after: dict[str, TierCostOutcome] = Field(default_factory=dict)
    # Only after a rebase (``--rebase``): what came from the new export.
    rebase: RebaseRecord | None = Field(default=None, exclude_if=lambda value: value is None)


class RescheduleOutcome(Outcome):
    """A reschedule's JSON form: the new plan and what changed."""

    plan: Plan
    changes: ChangesOutcome


class ImpactSide(Outcome):
    """One re-plan of an impact pricing: with the job or without it."""

    objective: Objective
    by_tier: dict[str, TierCostOutcome]
    status: str


class CrewChoice(Outcome):
    """A crew job sent as a crew or to one engineer alone."""

    objective: float
    managed_expected_breaches: float
    assigned: bool
    engineers: list[str]
    start: dt.datetime | None
    end: dt.datetime | None


class CrewOrSolo(Outcome):
    """For a crew job that gives ``effort_solo``: both ways, and the cheaper."""

    crew_size: int
    crew: CrewChoice
    solo: CrewChoice
    cheaper: Literal["crew", "solo"]


class Refusal(Outcome):
    """Why a job cannot be taken (its unassigned reason), and what would make it fit."""

    reason: str
    detail: str
    would_fit: str


class PushedIntoBreach(Outcome):
    """A ticket that taking the job pushes into breach: its risk without and with it."""

    ticket: str
    breach_risk_without: float
    breach_risk_with: float


class ImpactOutcome(Outcome):
    """An impact pricing's JSON form (the keys of ``Impact.as_json()``; ``with`` is the
    attribute ``with_job``, a Python keyword)."""

    with_job: ImpactSide = Field(alias="with")
    without: ImpactSide
    delta_by_tier: dict[str, TierCostOutcome]
    delta_objective: float
    tickets: list[str]
    engineer: str | None
    start: dt.datetime | None
    pushed_into_breach: list[str]
    crew_or_solo: CrewOrSolo | None
    left_unassigned: list[str]
    cannot_be_taken: Refusal | None
    pushed_into_breach_detail: list[PushedIntoBreach]


__all__ = [
    "ChangedTicket",
    "ChangesOutcome",
    "ClosedTicket",
    "CrewChoice",
    "CrewOrSolo",
    "GoneEngineer",
    "ImpactOutcome",
    "ImpactSide",
    "Moved",
    "NewlyAssigned",
    "NewlyUnassigned",
    "PushedIntoBreach",
    "Reassigned",
    "RebaseRecord",
    "Refusal",
    "RescheduleOutcome",
    "TierCostOutcome",
]
