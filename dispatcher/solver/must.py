"""Work that must be assigned (booked appointments, ``must_assign`` tickets) is placed
before any search and kept through every phase (SPEC: the plan must assign such a
ticket unless its unassigned reason is not ``deferred``).

``place_must`` puts each such ticket the construction left out where it costs least; if
nothing fits, it evicts work that need not be assigned from one of its engineers' days,
nearest to where the ticket would go first, until it fits, and puts the evicted work back
wherever it still fits. ``MustKeeper`` is the test every later phase's plans pass: the
tickets that must be assigned and were placed stay placed.
"""

from __future__ import annotations

from collections.abc import Callable

from dispatcher import interrupt
from dispatcher.semantics.evaluate import Evaluation, Job
from dispatcher.semantics.problem import Problem, TicketData
from dispatcher.solver.clock import SLOT_SECONDS, WALL, Clock
from dispatcher.solver.construct import (
    Schedule,
    cheapest_slot,
    find_crew_slot,
    find_slot,
    reference_order,
)

EVICT_ENGINEERS = 8  # engineers tried per ticket when it fits nowhere without evicting


def place_must(
    problem: Problem,
    jobs: list[Job],
    evaluate: Callable[[list[Job]], Evaluation],
    deadline: float,
    *,
    background: list[Job] | None = None,
    not_before: Callable[[list[Job]], dict[int, int]] | None = None,
    tickets: list[int] | None = None,
    crews: bool = False,
    clock: Clock = WALL,
) -> list[Job]:
    """``jobs`` with every ticket that must be assigned and is not placed where possible
    (appointments first, then by weight): in the cheapest gap, else by eviction.

    Rescheduling: ``background`` jobs (running and completed work) occupy time and are
    never moved, ``not_before`` gives the plan's departure floors, and ``tickets`` are the
    ones to place (default: every must_assign ticket of the problem). With ``crews``,
    crew jobs are placed the same way even when they need not be. It stops at
    ``deadline``, an instant of ``clock`` (which the placements tried are charged to)."""
    context = _Context(problem, evaluate, background or [], not_before, clock)
    placed = {job.ticket for job in jobs}
    wanted = set(tickets) if tickets is not None else None
    waiting = [
        t
        for t in reference_order(problem)
        if (t.must_assign or (crews and t.crew > 1))
        and t.index not in placed
        and (wanted is None or t.index in wanted)
        and (t.crew > 1 or problem.eligible[t.index])
    ]
    for ticket in waiting:
        if clock.now() > deadline or interrupt.stop_requested():
            break
        schedule = context.schedule(jobs)
        found = cheapest_slot(schedule, ticket, clock)
        if found is not None:
            jobs = [*jobs, found[1]]
            continue
        evicted = _by_eviction(context, jobs, ticket)
        if evicted is not None:
            jobs = evicted
    return jobs


class _Context:
    """What a placement works in: the problem, the exact objective, work that only
    occupies time, and the departure floors."""

    def __init__(
        self,
        problem: Problem,
        evaluate: Callable[[list[Job]], Evaluation],
        background: list[Job],
        not_before: Callable[[list[Job]], dict[int, int]] | None,
        clock: Clock,
    ) -> None:
        self.problem = problem
        self.evaluate = evaluate
        self.background = background
        self.not_before = not_before
        self.clock = clock

    def schedule(self, jobs: list[Job]) -> Schedule:
        schedule = Schedule.of(self.problem, [*self.background, *jobs])
        if self.not_before is not None:
            schedule.not_before = self.not_before(jobs)
        return schedule

    def jobs_of(self, schedule: Schedule) -> list[Job]:
        """The schedule's jobs less the background."""
        held = set(self.background)
        return [job for job in schedule.jobs() if job not in held]


def _by_eviction(context: _Context, jobs: list[Job], ticket: TicketData) -> list[Job] | None:
    """The plan with ``ticket`` placed where that costs least once the work evicted for it
    is put back where it fits; None if no engineer (no crew) can make room."""
    best: tuple[float, list[Job]] | None = None
    for members in _teams(context.problem, context.schedule(jobs), ticket):
        candidate = _make_room(context, jobs, ticket, members)
        if candidate is None:
            continue
        total = context.evaluate(candidate).total
        if best is None or total < best[0]:
            best = (total, candidate)
    return None if best is None else best[1]


def _teams(problem: Problem, schedule: Schedule, ticket: TicketData) -> list[tuple[int, ...]]:
    """Who to make room on: the first ``EVICT_ENGINEERS`` engineers who could take the
    ticket or, for a crew job, as many crews of the least booked engineers (a lead who
    could lead it, then the least booked others)."""
    if ticket.crew == 1:
        return [(e,) for e in problem.eligible[ticket.index][:EVICT_ENGINEERS]]

    def booked(engineer: int) -> tuple[int, int]:
        return (sum(j.end - j.start for j in schedule.by_engineer[engineer]), engineer)

    others = sorted(problem.crew_capable[ticket.index], key=booked)
    teams = []
    for lead in sorted(problem.capable[ticket.index], key=booked)[:EVICT_ENGINEERS]:
        rest = [e for e in others if e != lead][: ticket.crew - 1]
        if len(rest) == ticket.crew - 1:
            teams.append((lead, *rest))
    return teams


def _make_room(
    context: _Context, jobs: list[Job], ticket: TicketData, members: tuple[int, ...]
) -> list[Job] | None:
    """Evict the members' jobs (and, for a capped tier, that tier's jobs on anyone's day)
    that need not be assigned (never appointments, other must work or crew jobs), nearest
    to the ticket's earliest start first, until the ticket fits; then place it and put the
    evicted jobs back where they fit."""
    problem = context.problem
    schedule = context.schedule(jobs)
    held = set(context.background)
    capped = ticket.tier in problem.tier_caps
    movable = sorted(
        {
            job
            for job in schedule.jobs()
            if (
                not set(job.members).isdisjoint(members)
                # a capped tier's lane: the same tier's work on anyone's day makes way too
                or (capped and problem.tickets[job.ticket].tier == ticket.tier)
            )
            and job not in held
            and not job.crew
            and not problem.tickets[job.ticket].must_assign
        },
        key=lambda job: (abs(job.start - ticket.earliest_start), job.start, job.ticket),
    )
    evicted: list[Job] = []
    placed: Job | None = None
    for job in movable:
        schedule.remove(job)
        evicted.append(job)
        context.clock.charge(SLOT_SECONDS * len(members))
        placed = _fits(schedule, ticket, members)
        if placed is not None:
            break
    if placed is None:
        return None
    schedule.add(placed)
    for job in sorted(evicted, key=lambda j: (-problem.tickets[j.ticket].weight, j.ticket)):
        back = cheapest_slot(schedule, problem.tickets[job.ticket], context.clock)
        if back is not None:
            schedule.add(back[1])
    return context.jobs_of(schedule)


def _fits(schedule: Schedule, ticket: TicketData, members: tuple[int, ...]) -> Job | None:
    """The ticket's earliest job on these members, gaps included; None if none fits."""
    if len(members) == 1:
        engineer = schedule.problem.engineers[members[0]]
        slot = find_slot(schedule, ticket, engineer, gaps=True)
        return None if slot is None else Job(ticket.index, members[0], slot[0], slot[1])
    found = find_crew_slot(schedule, ticket, members, gaps=True)
    return None if found is None else Job(ticket.index, members[0], found[0], found[1], members[1:])


class MustKeeper:
    """The tickets that must be assigned, and the crew jobs, placed in a plan: a later plan
    keeps them all placed (``keeps``), so no phase trades them for a lower objective."""

    def __init__(self, problem: Problem, jobs: list[Job]) -> None:
        self.required = frozenset(
            job.ticket for job in jobs if problem.tickets[job.ticket].must_assign or job.crew
        )

    def keeps(self, jobs: list[Job]) -> bool:
        return self.required <= {job.ticket for job in jobs}


__all__ = ["MustKeeper", "place_must"]
