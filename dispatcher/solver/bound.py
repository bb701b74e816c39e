"""A lower bound on the exact (SPEC v2) objective that holds at any size: each ticket alone.

Every part of a ticket's cost only grows with its start X on a given engineer in every
draw: the response is late when X > response_due, and its end F_j (D_j shift minutes from
X, the rest after the horizon on its SLA clock) and so its resolution breach and lateness
never come earlier for a later X.

The planned travel of an on-site job is the drive from where its engineer is: home, or the
site of another on-site job, so it is at least the *shortest way in*, the least of the
drive from the engineer's home and from any other on-site ticket's site (0 when another
ticket shares the site). In any execution of any plan, X = max(max(ready, a) + travel,
opened, hold) in one of the engineer's shift pieces [a, b) (the first piece giving X < b
from there on): so X is no earlier than the first instant a + shortest way in, at or
after the ticket's earliest start (opened, window start, fixed start), that is inside a
piece. A job that no piece can start ends with all its work after the horizon, which is
never earlier. So no plan gives a ticket less than the cheapest of: leaving it unassigned
(its risks, lateness and deferral), or its job on some engineer who could lead it,
starting at that instant with nothing before it (``Executor.alone``), plus that
engineer's preference cost (for a crew job, none if any engineer who could be a member is
preferred) and the shortest way in as travel. Draw by draw these are
lower bounds, and the objective is linear in the per-draw indicators, so the sum over
tickets is a proven bound on ``objective.total`` of a daily plan (a crew job's joint time
lies inside its lead's shifts, so the lead's pieces bound it too). It ignores every
interaction (one job at a time, tier caps, the real route), so it is weak when the day is
crowded. Engineers with the same shifts and way in share the computation.
"""

from __future__ import annotations

from collections import Counter

from dispatcher.semantics.evaluate import outcome_cost, preference_cost, unassigned_cost
from dispatcher.semantics.problem import Problem, TicketData

SAFETY = 1e-9  # relative: float sums may round either way


def least_costs(problem: Problem) -> list[float]:
    """Per ticket (by index), the least it could cost in any daily plan."""
    ways_in = WaysIn(problem)
    groups: dict[tuple[tuple[int, int], ...], int] = {}
    group_of = [groups.setdefault(e.calendar.shifts, len(groups)) for e in problem.engineers]
    return [_least(problem, ticket, ways_in, group_of) for ticket in problem.tickets]


class WaysIn:
    """The shortest way in to an on-site ticket for an engineer: the least of the drive
    from their home and from the site of any other on-site ticket (0 when one shares it)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self._from_sites: dict[int, int] = {}  # site -> least drive from another ticket's
        self._visits = Counter(
            ticket.site for ticket in problem.tickets if ticket.onsite and ticket.site is not None
        )

    def __call__(self, ticket: TicketData, engineer_index: int) -> int:
        if not ticket.onsite or ticket.site is None:
            return 0
        nearest = self._from_other_sites(ticket.site)
        home = self.problem.engineers[engineer_index].home
        if home is None:
            return nearest
        return min(nearest, self.problem.travel(home, ticket.site))

    def _from_other_sites(self, site: int) -> int:
        cached = self._from_sites.get(site)
        if cached is None:
            if self._visits[site] > 1:
                cached = 0  # another ticket at this very site: no drive between them
            else:
                travel = self.problem.travel
                cached = min(
                    (travel(other, site) for other in self._visits if other != site),
                    default=NO_WAY,
                )
            self._from_sites[site] = cached
        return cached


NO_WAY = 10**9  # no other on-site ticket: the way in is from home only


def relaxation_bound(problem: Problem, least: list[float] | None = None) -> float:
    """Sum over tickets of the least each could cost in any plan (``least``: those
    costs, if already known)."""
    total = sum(least_costs(problem) if least is None else least)
    return total * (1 - SAFETY) if total > 0 else total


def _least(problem: Problem, ticket: TicketData, ways_in: WaysIn, group_of: list[int]) -> float:
    """The least ``ticket`` could cost in any daily plan (``group_of``: each engineer's
    shift pattern, engineers with the same shifts sharing the work)."""
    best = unassigned_cost(problem, ticket)
    executor = problem.executor()
    travel_rate = problem.weights.travel_per_hour / 60
    never = unassigned_cost(problem, ticket) - ticket.weight * problem.weights.deferral
    by_start: dict[tuple[int, int | None], float] = {}
    starts: dict[tuple[int, int], int | None] = {}
    for engineer_index in problem.capable[ticket.index]:
        travel = ways_in(ticket, engineer_index)
        engineers = (engineer_index,)
        shifts = group_of[engineer_index]
        if (shifts, travel) not in starts:
            starts[(shifts, travel)] = executor.first_start(
                engineers, ticket.earliest_start, min(travel, 24 * 60)
            )
        start = starts[(shifts, travel)]
        key = (shifts, start)
        alone = by_start.get(key)
        if alone is None:
            # No piece left: all its work after the horizon, as if unassigned (no deferral).
            outcome = None if start is None else executor.alone_at(ticket.index, engineers, start)
            alone = never if outcome is None else outcome_cost(problem, ticket, outcome)
            by_start[key] = alone
        cost = alone + travel_rate * travel + _least_preference(problem, ticket, engineers)
        best = min(best, cost)
    return best


def _least_preference(problem: Problem, ticket: TicketData, lead: tuple[int]) -> float:
    """The least preference cost of the ticket's job with this lead: a crew job meets the
    client's preference when any member is preferred, so it may cost nothing whenever a
    preferred engineer could be a member."""
    if ticket.crew > 1:
        return preference_cost(problem, ticket, [*lead, *problem.crew_capable[ticket.index]])
    return preference_cost(problem, ticket, lead)


def least_breaches(problem: Problem) -> list[float]:
    """Per ticket (by index), the fewest expected breaches (response + resolution risk, as
    ``expected_breaches`` counts them) it can have in any daily plan: unassigned, or alone
    on an engineer who could lead it from its first instant (the argument of the module
    docstring, for the breach count instead of the cost)."""
    executor = problem.executor()
    least_of: list[float] = []
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
        least_of.append(least)
    return least_of


def breach_floor(problem: Problem) -> dict[str, float]:
    """Per tier, the fewest expected breaches any daily plan can have (``least_breaches``
    summed): what a plan has above it is what planning can still save."""
    floor: dict[str, float] = {}
    for ticket, least in zip(problem.tickets, least_breaches(problem), strict=True):
        floor[ticket.tier] = floor.get(ticket.tier, 0.0) + least
    return floor


__all__ = ["breach_floor", "least_breaches", "least_costs", "relaxation_bound"]
