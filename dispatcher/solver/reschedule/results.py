"""What a reschedule and an impact pricing return: the new plan, what changed, the
objective per tier before and after, and the two re-plans of an impact.

Plain data, no solver: the views import these types without loading ortools.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dispatcher.semantics.evaluate import Evaluation, Job
from dispatcher.semantics.problem import Problem
from models import Plan

if TYPE_CHECKING:  # pydantic models, loaded when asked for
    from dispatcher.solver.reschedule.outcomes import (
        ChangesOutcome,
        ImpactOutcome,
        RebaseRecord,
        RescheduleOutcome,
    )


@dataclass
class TierCost:
    """One tier's share of the objective, and its expected breaches."""

    objective: float = 0.0
    expected_breaches: float = 0.0


@dataclass
class Changes:
    """What the new plan changed, in ticket ids, engineer ids and instants."""

    kept: list[str] = field(default_factory=list)
    moved: list[tuple[str, str, dt.datetime, dt.datetime]] = field(default_factory=list)
    reassigned: list[tuple[str, str, str]] = field(default_factory=list)
    newly_assigned: list[tuple[str, str, dt.datetime]] = field(default_factory=list)
    newly_unassigned: list[tuple[str, str]] = field(default_factory=list)  # ticket, old engineer
    completed: list[str] = field(default_factory=list)
    before: dict[str, TierCost] = field(default_factory=dict)
    after: dict[str, TierCost] = field(default_factory=dict)
    rebase: RebaseRecord | None = None  # a rebase onto a fresh export: what it brought

    def model(self) -> ChangesOutcome:
        """These changes as a pydantic model (JSON form: ``.model_dump_json()``)."""
        from dispatcher.solver.reschedule import outcomes as o

        def costs(tiers: dict[str, TierCost]) -> dict[str, o.TierCostOutcome]:
            return {
                tier: o.TierCostOutcome(
                    objective=cost.objective, expected_breaches=cost.expected_breaches
                )
                for tier, cost in tiers.items()
            }

        return o.ChangesOutcome(
            kept=list(self.kept),
            moved=[
                o.Moved(ticket=t, engineer=e, old_start=a, new_start=b) for t, e, a, b in self.moved
            ],
            reassigned=[
                o.Reassigned(ticket=t, old_engineer=a, new_engineer=b)
                for t, a, b in self.reassigned
            ],
            newly_assigned=[
                o.NewlyAssigned(ticket=t, engineer=e, start=at) for t, e, at in self.newly_assigned
            ],
            newly_unassigned=[
                o.NewlyUnassigned(ticket=t, old_engineer=e) for t, e in self.newly_unassigned
            ],
            completed=list(self.completed),
            before=costs(self.before),
            after=costs(self.after),
            rebase=self.rebase,
        )


@dataclass
class RescheduleResult:
    """The new plan, what it changed, and the problem and jobs it was evaluated on."""

    plan: Plan
    changes: Changes
    problem: Problem  # the problem as it stands at T (added tickets, shifts less absences)
    jobs: list[Job]
    evaluation: Evaluation

    def model(self) -> RescheduleOutcome:
        """The JSON form: the new plan and what changed, as a pydantic model that
        round-trips through JSON (``RescheduleOutcome.model_validate_json``)."""
        from dispatcher.solver.reschedule.outcomes import RescheduleOutcome

        return RescheduleOutcome(plan=self.plan, changes=self.changes.model())


# What would make a job fit that cannot be taken, by its unassigned reason (SPEC
# "Unassigned reasons"); the reason's detail says which skill, time or hours.
WOULD_FIT = {
    "no_eligible_engineer": "enough engineers with the skills and on-site flag it needs "
    "(the detail names them), or a smaller crew",
    "window_unreachable": "a window or fixed start that an eligible engineer can reach "
    "inside a shift, after the travel from home",
    "no_capacity": "less effort than the shift time left before the horizon ends, more "
    "shift time, or asking earlier (an earlier {now})",
    "deferred": "moving weightier work out of its eligible engineers' time",
}


@dataclass
class Impact:
    """What taking a job costs: the best re-plan without it, then with it."""

    without: RescheduleResult
    with_job: RescheduleResult
    tickets: list[str]
    engineer: str | None
    start: dt.datetime | None
    pushed: list[tuple[str, float, float]]  # ticket, breach risk without, with
    # A crew job with ``effort_solo``: the best re-plan with it sent to one engineer.
    solo: RescheduleResult | None = None
    now_option: str = "--now"  # how "now" is spelt to the caller (``now`` from the API)

    def crew_or_solo(self) -> dict[str, Any] | None:
        """For a crew job that gives ``effort_solo``: the objective and the protected
        tiers' expected breaches sending the crew, and sending one engineer alone."""
        if self.solo is None:
            return None
        ticket = self.tickets[0]

        def side(result: RescheduleResult) -> dict[str, Any]:
            placed = next((a for a in result.plan.assignments if a.ticket == ticket), None)
            return {
                "objective": round(result.plan.objective.total, 6),
                "managed_expected_breaches": round(
                    sum(
                        cost.expected_breaches
                        for tier, cost in result.changes.after.items()
                        if tier == "managed"
                    ),
                    6,
                ),
                "assigned": placed is not None,
                "engineers": []
                if placed is None
                else [placed.engineer, *(m.engineer for m in placed.crew or [])],
                "start": None if placed is None else placed.start.isoformat(),
                "end": None if placed is None else placed.end.isoformat(),
            }

        crew, alone = side(self.with_job), side(self.solo)
        cheaper = "crew" if crew["objective"] <= alone["objective"] else "solo"
        problem = self.with_job.problem
        size = problem.tickets[problem.ticket_index[ticket]].crew
        return {"crew_size": size, "crew": crew, "solo": alone, "cheaper": cheaper}

    def refusal(self) -> dict[str, str] | None:
        """When the job cannot be taken (no engineer even with it made a must): its
        unassigned reason and detail, and what would make it fit; None when taken."""
        if self.engineer is not None:
            return None
        entry = next((u for u in self.with_job.plan.unassigned if u.ticket in self.tickets), None)
        reason = entry.reason if entry is not None else "deferred"
        detail = entry.detail if entry is not None else ""
        would_fit = WOULD_FIT.get(reason, "").format(now=self.now_option)
        return {"reason": reason, "detail": detail, "would_fit": would_fit}

    def delta_by_tier(self) -> dict[str, dict[str, float]]:
        tiers = sorted(set(self.without.changes.after) | set(self.with_job.changes.after))
        result = {}
        for tier in tiers:
            a = self.without.changes.after.get(tier, TierCost())
            b = self.with_job.changes.after.get(tier, TierCost())
            result[tier] = {
                "objective": round(b.objective - a.objective, 6),
                "expected_breaches": round(b.expected_breaches - a.expected_breaches, 6),
            }
        return result

    def dropped(self) -> list[str]:
        """Tickets the best plan without the job assigns and the plan with it leaves
        unassigned: what taking the job sends to after the horizon."""
        placed = {a.ticket for a in self.without.plan.assignments}
        left = {u.ticket for u in self.with_job.plan.unassigned}
        return sorted((placed & left) - set(self.tickets))

    def model(self) -> ImpactOutcome:
        """``as_json()`` as a pydantic model that round-trips through JSON."""
        from dispatcher.solver.reschedule.outcomes import ImpactOutcome

        return ImpactOutcome.model_validate(self.as_json())

    def as_json(self) -> dict[str, Any]:
        def side(result: RescheduleResult) -> dict[str, Any]:
            return {
                "objective": result.plan.objective.model_dump(),
                "by_tier": {
                    tier: {
                        "objective": round(cost.objective, 6),
                        "expected_breaches": round(cost.expected_breaches, 6),
                    }
                    for tier, cost in result.changes.after.items()
                },
                "status": result.plan.solver.status,
            }

        return {
            "with": side(self.with_job),
            "without": side(self.without),
            "delta_by_tier": self.delta_by_tier(),
            "delta_objective": round(
                self.with_job.plan.objective.total - self.without.plan.objective.total, 6
            ),
            "tickets": self.tickets,
            "engineer": self.engineer,
            "start": None if self.start is None else self.start.isoformat(),
            "pushed_into_breach": [ticket for ticket, _, _ in self.pushed],
            "crew_or_solo": self.crew_or_solo(),
            "left_unassigned": self.dropped(),
            "cannot_be_taken": self.refusal(),
            "pushed_into_breach_detail": [
                {
                    "ticket": ticket,
                    "breach_risk_without": round(a, 6),
                    "breach_risk_with": round(b, 6),
                }
                for ticket, a, b in self.pushed
            ],
        }
