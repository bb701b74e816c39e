"""The objective and KPIs recounted from the scenario alone (risks, lateness, deferral,
travel, preference, disruption; expected breaches and tallies per tier), and the rules
that the plan reports them truly and that its solver bound is no higher than its own
objective.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dispatcher.checker.arithmetic import is_close
from dispatcher.checker.context import CheckContext
from dispatcher.checker.facts import crew_of

OBJECTIVE_PARTS = ("sla_risk", "lateness", "deferral", "travel", "preference", "disruption")


def _zero_parts() -> dict[str, float]:
    return dict.fromkeys(OBJECTIVE_PARTS, 0.0)


@dataclass
class Recount:
    """The objective's parts and the KPIs, recounted ticket by ticket."""

    parts: dict[str, float] = field(default_factory=_zero_parts)
    breaches: dict[str, float] = field(default_factory=dict)  # expected, per tier
    counts: dict[str, Counter[str]] = field(default_factory=dict)  # tickets, assigned per tier
    completed_by_tier: Counter[str] = field(default_factory=Counter)
    travel_total: int = 0
    objective: dict[str, float] = field(default_factory=dict)  # "total" and every part


def recount(context: CheckContext, first_assignment: dict[str, int]) -> Recount:
    """Each ticket counted once: its first assignment, else unassigned, else completed."""
    tally = Recount()
    _count_assigned(context, first_assignment, tally)
    placed = set(first_assignment)
    _count_unassigned(context, placed, tally)
    _count_completed(context, placed, tally)
    weights, parts = context.scenario.weights, tally.parts
    parts["travel"] = weights.travel_per_hour * tally.travel_total / 60
    parts["disruption"] = (
        context.plan.objective.disruption if context.disruption is None else context.disruption
    )
    tally.objective = {"total": sum(parts[name] for name in OBJECTIVE_PARTS), **parts}
    return tally


def _count_assigned(
    context: CheckContext, first_assignment: dict[str, int], tally: Recount
) -> None:
    """The risks, lateness, preference and travel of each ticket's first assignment."""
    weights, parts = context.scenario.weights, tally.parts
    for index, assignment in enumerate(context.plan.assignments):
        facts = context.tickets.get(assignment.ticket)
        engineer = context.engineers.get(assignment.engineer)
        if facts is None or engineer is None or first_assignment.get(assignment.ticket) != index:
            continue
        outcome = context.outcomes[assignment.ticket]
        response, resolution = outcome.response_risk, outcome.resolution_risk
        parts["sla_risk"] += facts.weight * (
            weights.response * response + weights.resolution * resolution
        )
        late = outcome.lateness_minutes
        parts["lateness"] += facts.weight * weights.late_per_hour * late / 60
        preferred = facts.client.preferred_engineers
        members = {assignment.engineer, *(m for m, _ in crew_of(assignment))}
        if preferred and not members & set(preferred):
            parts["preference"] += weights.preference
        tally.travel_total += context.travel_of_assignment.get(index, 0)
        tally.breaches[facts.tier] = tally.breaches.get(facts.tier, 0.0) + response + resolution
        tally.counts.setdefault(facts.tier, Counter()).update(["tickets", "assigned"])


def _count_unassigned(context: CheckContext, placed: set[str], tally: Recount) -> None:
    """The risks, lateness and deferral of each unassigned ticket: its work done after the
    horizon on its SLA clock, in every draw (SPEC v2)."""
    weights, parts = context.scenario.weights, tally.parts
    for entry in context.plan.unassigned:
        facts = context.tickets.get(entry.ticket)
        if facts is None or entry.ticket in placed:
            continue
        placed.add(entry.ticket)
        outcome = context.outcomes[entry.ticket]
        response, resolution = outcome.response_risk, outcome.resolution_risk
        parts["sla_risk"] += facts.weight * (
            weights.response * response + weights.resolution * resolution
        )
        late = outcome.lateness_minutes
        parts["lateness"] += facts.weight * weights.late_per_hour * late / 60
        parts["deferral"] += facts.weight * weights.deferral
        tally.breaches[facts.tier] = tally.breaches.get(facts.tier, 0.0) + response + resolution
        tally.counts.setdefault(facts.tier, Counter()).update(["tickets"])


def _count_completed(context: CheckContext, placed: set[str], tally: Recount) -> None:
    """Completed tickets cost nothing; they are tallied per tier."""
    for done in context.plan.completed:
        facts = context.tickets.get(done.ticket)
        if facts is not None and done.ticket not in placed:
            placed.add(done.ticket)
            tally.completed_by_tier[facts.tier] += 1
            tally.breaches.setdefault(facts.tier, 0.0)


def check_objective(context: CheckContext, objective: dict[str, float]) -> None:
    """objective: each part of the objective (and its total) is reported as recomputed."""
    reported = context.plan.objective
    for name, value in objective.items():
        given = getattr(reported, name)
        if not is_close(given, value):
            context.flag(
                "objective",
                None,
                f"objective.{name} is reported as {given:.6f}; recomputed {value:.6f}",
            )


def check_bound(context: CheckContext, total: float) -> None:
    """bound: the solver's lower bound is not above the plan's own objective."""
    bound = context.plan.solver.bound
    if bound is not None and bound > total and not is_close(bound, total):
        context.flag(
            "bound",
            None,
            f"solver.bound {bound:.6f} is above the plan's own objective "
            f"{total:.6f}; it cannot be a lower bound",
        )


def check_kpi_travel(context: CheckContext, tally: Recount) -> None:
    """kpi: kpis.travel_minutes is the walk's total."""
    kpis = context.plan.kpis
    if kpis.travel_minutes != tally.travel_total:
        context.flag(
            "kpi",
            None,
            f"kpis.travel_minutes is {kpis.travel_minutes}; the walk gives {tally.travel_total}",
        )


def check_kpi_tiers(context: CheckContext, tally: Recount) -> None:
    """kpi: each tier's expected breaches, tickets and assigned are as recounted."""
    kpis = context.plan.kpis
    for tier in sorted(set(tally.breaches) | set(kpis.by_tier)):
        expected = tally.breaches.get(tier, 0.0)
        counted = tally.counts.get(tier, Counter())
        done = tally.completed_by_tier[tier]
        given = kpis.by_tier.get(tier)
        if given is None:
            if counted["tickets"] or expected:
                context.flag("kpi", None, f"kpis.by_tier lacks tier '{tier}'")
            continue
        if not is_close(given.expected_breaches, expected):
            context.flag(
                "kpi",
                None,
                f"kpis.by_tier.{tier}.expected_breaches is {given.expected_breaches:.6f}; "
                f"recomputed {expected:.6f}",
            )
        # Whether completed tickets count in a tier's tally is left open: accept both.
        if given.tickets not in (counted["tickets"], counted["tickets"] + done):
            context.flag(
                "kpi",
                None,
                f"kpis.by_tier.{tier}.tickets is {given.tickets}; counted {counted['tickets']}",
            )
        if given.assigned not in (counted["assigned"], counted["assigned"] + done):
            context.flag(
                "kpi",
                None,
                f"kpis.by_tier.{tier}.assigned is {given.assigned}; counted {counted['assigned']}",
            )
