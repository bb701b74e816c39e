"""A lower bound on the exact (SPEC v2) objective that holds at any size: each ticket alone.

Every part of a ticket's cost only grows with its start X on a given engineer in every
draw: the response is late when X > response_due, and its end F_j (D_j shift minutes from
X, the rest after the horizon on its SLA clock) and so its resolution breach and lateness
never come earlier for a later X. In any execution of any plan, a job on engineer e starts
no earlier than the first instant of e's shift pieces at or after the ticket's earliest
start (opened, window start, fixed start): travel only adds to X, and a job the plan put
after idle time cannot start before its own piece. A job that no piece can start ends with
all its work after the horizon, which is never earlier. So no plan gives a ticket less
than the cheapest of: leaving it unassigned (its risks, lateness and deferral), or its job
on some eligible engineer starting at that first instant with nothing before it
(``Executor.alone``), plus that engineer's preference cost; travel, never negative, is
left out. Draw by draw these are lower bounds, and the objective is linear in the per-draw
indicators, so the sum over tickets is a proven bound on ``objective.total`` of a daily
plan. It ignores every interaction (one job at a time, tier caps, real travel), so it is
weak when the day is crowded. Engineers with the same shifts share the computation.
"""

from __future__ import annotations

from dispatcher.semantics.evaluate import outcome_cost, preference_cost, unassigned_cost
from dispatcher.semantics.problem import Problem, TicketData

SAFETY = 1e-9  # relative: float sums may round either way


def least_costs(problem: Problem) -> list[float]:
    """Per ticket (by index), the least it could cost in any daily plan."""
    return [_least(problem, ticket) for ticket in problem.tickets]


def relaxation_bound(problem: Problem, least: list[float] | None = None) -> float:
    """Sum over tickets of the least each could cost in any plan (``least``: those
    costs, if already known)."""
    total = sum(least_costs(problem) if least is None else least)
    return total * (1 - SAFETY) if total > 0 else total


def _least(problem: Problem, ticket: TicketData) -> float:
    best = unassigned_cost(problem, ticket)
    executor = problem.executor()
    by_shifts: dict[tuple[tuple[int, int], ...], float] = {}
    for engineer_index in problem.capable[ticket.index]:
        shifts = problem.engineers[engineer_index].calendar.shifts
        alone = by_shifts.get(shifts)
        if alone is None:
            outcome = executor.alone(ticket.index, (engineer_index,), ticket.earliest_start)
            alone = outcome_cost(problem, ticket, outcome)
            by_shifts[shifts] = alone
        best = min(best, alone + preference_cost(problem, ticket, (engineer_index,)))
    return best


def breach_floor(problem: Problem) -> dict[str, float]:
    """Per tier, the fewest expected breaches (response + resolution risk, as
    ``expected_breaches`` counts them) that any daily plan can have: each ticket's least
    breach risk, unassigned or alone on an eligible engineer from its first instant (the
    argument of the module docstring, for the breach count instead of the cost). What a
    plan has above it is what planning can still save."""
    executor = problem.executor()
    floor: dict[str, float] = {}
    for ticket in problem.tickets:
        left_out = executor.unassigned(ticket.index)
        least = left_out.response_risk + left_out.resolution_risk
        seen: set[tuple[tuple[int, int], ...]] = set()
        for engineer_index in problem.capable[ticket.index]:
            shifts = problem.engineers[engineer_index].calendar.shifts
            if least == 0.0 or shifts in seen:
                continue
            seen.add(shifts)
            alone = executor.alone(ticket.index, (engineer_index,), ticket.earliest_start)
            least = min(least, alone.response_risk + alone.resolution_risk)
        floor[ticket.tier] = floor.get(ticket.tier, 0.0) + least
    return floor


__all__ = ["breach_floor", "least_costs", "relaxation_bound"]
