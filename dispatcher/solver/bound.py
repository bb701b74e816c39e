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
interaction (one job at a time, the real route), so it is weak when the day is crowded.
Engineers with the same shifts and way in share the computation.

**A capped tier's lane.** One interaction is kept: a tier cap. Every job of a capped tier
runs over [S, F) inside the horizon, and that interval holds its p50 minutes of shift time
of its engineer (a crew: of the joint shift time, inside the lead's), so p50 minutes of
the tier's *lane*: the union of the shift time, within the horizon, of the engineers who
could lead any of the tier's tickets. At no minute do more than ``cap`` of the tier's jobs
run, so the p50 of the tier's assigned tickets sum to at most ``cap`` times the lane's
minutes. A ticket of the tier costs at least its unassigned cost U less its *saving*
s = U - least when assigned (its least cost is U - s, and assigned it costs at least that)
and exactly U when not. So the tier's tickets cost at least the sum of their U less the
most that savings can add up to over tickets whose p50 fit the lane, and the fractional
knapsack (tickets taken by saving per minute, the last one in part) is at least that
most: a lower bound again. Tickets with a fixed start are always assigned, so they take
their share of the lane first. The same argument with breaches in place of costs lifts
each capped tier's breach floor.
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
    costs, if already known), plus what each capped tier's lane keeps its tickets from
    saving (the module docstring)."""
    least = least_costs(problem) if least is None else least
    total = sum(least)
    for tier, cap in problem.tier_caps.items():
        savings = {
            t.index: unassigned_cost(problem, t) - least[t.index]
            for t in problem.tickets
            if t.tier == tier
        }
        total += lane_shortfall(problem, tier, cap, savings)
    return total * (1 - SAFETY) if total > 0 else total


def lane_minutes(problem: Problem, tier: str) -> int:
    """The minutes of the tier's lane: the union of the shift time, within the horizon, of
    every engineer who could lead one of its tickets."""
    leads = {e for t in problem.tickets if t.tier == tier for e in problem.capable[t.index]}
    pieces = sorted(
        (max(start, 0), min(end, problem.horizon_end))
        for engineer in leads
        for start, end in problem.engineers[engineer].calendar.shifts
    )
    minutes, reach = 0, 0  # reach: the end of the union so far
    for start, end in pieces:
        start = max(start, reach)
        if end > start:
            minutes += end - start
            reach = end
    return minutes


def lane_shortfall(problem: Problem, tier: str, cap: int, savings: dict[int, float]) -> float:
    """How much less than the sum of ``savings`` (per ticket of the tier, by index: what
    assigning it can save at most, >= 0) the tier's tickets can save together when their
    p50 must fit ``cap`` times its lane: the sum less the fractional knapsack's best, the
    tickets with a fixed start taken first."""
    room = float(cap * lane_minutes(problem, tier))
    tickets = problem.tickets
    forced = [i for i in savings if tickets[i].fixed_start is not None]
    room -= sum(tickets[i].p50 for i in forced)
    saved = sum(savings[i] for i in forced)
    rest = sorted(
        (i for i in savings if tickets[i].fixed_start is None and savings[i] > 0),
        key=lambda i: (-savings[i] / tickets[i].p50, i),  # p50 >= 1 (the loader's rule)
    )
    for index in rest:
        if room <= 0:
            break
        share = min(1.0, room / tickets[index].p50)
        saved += savings[index] * share
        room -= tickets[index].p50 * share
    return max(0.0, sum(savings.values()) - saved)


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


def breach_floor(
    problem: Problem, least: list[float] | None = None, *, weighted: bool = False
) -> dict[str, float]:
    """Per tier, the fewest expected breaches any daily plan can have (``least_breaches``
    summed, and for a capped tier what its lane keeps it from saving): what a plan has
    above it is what planning can still save. ``least``: ``least_breaches``, if already
    known; ``weighted``: each ticket's breaches times its weight w(t)."""
    executor = problem.executor()
    floor: dict[str, float] = {}
    savings: dict[str, dict[int, float]] = {tier: {} for tier in problem.tier_caps}
    least = least_breaches(problem) if least is None else least
    for ticket, fewest in zip(problem.tickets, least, strict=True):
        weight = ticket.weight if weighted else 1.0
        floor[ticket.tier] = floor.get(ticket.tier, 0.0) + weight * fewest
        if ticket.tier in savings:
            left_out = executor.unassigned(ticket.index)
            unassigned = left_out.response_risk + left_out.resolution_risk
            savings[ticket.tier][ticket.index] = weight * (unassigned - fewest)
    for tier, cap in problem.tier_caps.items():
        if savings[tier]:
            floor[tier] += lane_shortfall(problem, tier, cap, savings[tier])
    return floor


__all__ = [
    "breach_floor",
    "lane_minutes",
    "lane_shortfall",
    "least_breaches",
    "least_costs",
    "relaxation_bound",
]
