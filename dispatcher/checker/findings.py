"""What the checker reports: a broken rule (``Violation``), the report of a whole check
(``CheckReport``), and the names of every rule it knows (``RuleName``).

A rule name is one of the ``RuleName`` literals, so a misspelt rule is a type error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dispatcher.checker.execution import Outcome

RuleName = Literal[
    # the plan as a whole
    "scenario_mismatch",
    "reschedule",
    "bad_added_ticket",
    "unknown_engineer",
    "missing_ticket",
    "duplicate_ticket",
    "unknown_ticket",
    # each assignment
    "crew",
    "not_whole_minute",
    "ineligible",
    "before_opened",
    "window",
    "fixed_start",
    "outside_horizon",
    "outside_shift",
    "overrun",
    "wrong_end",
    "due",
    "risk",
    "short_job_split_overnight",
    # each engineer's day
    "overlap",
    "travel",
    "travel_minutes",
    # capacity and unassigned tickets
    "tier_cap",
    "unassigned_reason",
    "must_assign",
    # rescheduling
    "done",
    "before_now",
    "completed_changed",
    "previous",
    "running_changed",
    "cut",
    "completed_without_reschedule",
    "rebase",
    # what the plan reports about itself
    "objective",
    "bound",
    "kpi",
]


@dataclass(frozen=True)
class Violation:
    """One broken rule, in words a dispatcher understands."""

    rule: RuleName
    ticket: str | None
    message: str

    def __str__(self) -> str:
        # Parentheses, not brackets: rich (the CLI's console) would read "[rule]" as markup.
        where = f"{self.ticket}: " if self.ticket else ""
        return f"{where}{self.message} ({self.rule})"


@dataclass
class CheckReport:
    """What the checker found and what it recomputed."""

    violations: list[Violation]
    objective: dict[str, float]
    expected_breaches_by_tier: dict[str, float]
    travel_minutes: int
    # ticket -> its recomputed risks and lateness over the draws (SPEC v2)
    outcomes: dict[str, Outcome] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations

    def model(self) -> CheckOutcome:
        """The report's JSON form, a pydantic model that round-trips through JSON (each
        ticket's risks without the per-draw starts and ends)."""
        return CheckOutcome(
            ok=self.ok,
            violations=[
                ViolationOutcome(rule=v.rule, ticket=v.ticket, message=v.message)
                for v in self.violations
            ],
            objective=dict(self.objective),
            expected_breaches_by_tier=dict(self.expected_breaches_by_tier),
            travel_minutes=self.travel_minutes,
            risks={
                ticket: TicketRisk(
                    response_risk=o.response_risk,
                    resolution_risk=o.resolution_risk,
                    lateness_minutes=o.lateness_minutes,
                )
                for ticket, o in self.outcomes.items()
            },
        )


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ViolationOutcome(_Shape):
    """A broken rule in a ``CheckOutcome``."""

    rule: RuleName
    ticket: str | None
    message: str


class TicketRisk(_Shape):
    """A ticket's recomputed risks and expected lateness over the draws."""

    response_risk: float
    resolution_risk: float
    lateness_minutes: float


class CheckOutcome(_Shape):
    """``CheckReport.model()``: what the checker found and recomputed, as JSON."""

    ok: bool
    violations: list[ViolationOutcome] = Field(default_factory=list)
    objective: dict[str, float] = Field(default_factory=dict)
    expected_breaches_by_tier: dict[str, float] = Field(default_factory=dict)
    travel_minutes: int = 0
    risks: dict[str, TicketRisk] = Field(default_factory=dict)
