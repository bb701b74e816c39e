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

import time
from collections.abc import Callable

from dispatcher import interrupt
from dispatcher.semantics.evaluate import Evaluation, Job
from dispatcher.semantics.problem import Problem, TicketData
from dispatcher.solver.construct import Schedule, cheapest_slot, find_slot, reference_order

EVICT_ENGINEERS = 8  # engineers tried per ticket when it fits nowhere without evicting


def place_must(
    problem: Problem,
    jobs: list[Job],
    evaluate: Callable[[list[Job]], Evaluation],
    deadline: float,
) -> list[Job]:
    """``jobs`` with every ticket that must be assigned and is not placed where possible
    (appointments first, then by weight): in the cheapest gap, else by eviction."""
    placed = {job.ticket for job in jobs}
    waiting = [t for t in reference_order(problem) if t.must_assign and t.index not in placed]
    for ticket in waiting:
        schedule = Schedule.of(problem, jobs)
        found = cheapest_slot(schedule, ticket)
        if found is not None:
            jobs = [*jobs, found[1]]
            continue
        if ticket.crew > 1 or time.monotonic() > deadline or interrupt.stop_requested():
            continue  # a crew is built whole by the construction; nothing to evict for it
        evicted = _by_eviction(problem, jobs, ticket, evaluate)
        if evicted is not None:
            jobs = evicted
    return jobs


def _by_eviction(
    problem: Problem,
    jobs: list[Job],
    ticket: TicketData,
    evaluate: Callable[[list[Job]], Evaluation],
) -> list[Job] | None:
    """The plan with ``ticket`` placed on the engineer where that costs least once the
    work evicted for it is put back where it fits; None if no engineer can make room."""
    best: tuple[float, list[Job]] | None = None
    for engineer_index in problem.eligible[ticket.index][:EVICT_ENGINEERS]:
        candidate = _make_room(problem, jobs, ticket, engineer_index)
        if candidate is None:
            continue
        total = evaluate(candidate).total
        if best is None or total < best[0]:
            best = (total, candidate)
    return None if best is None else best[1]


def _make_room(
    problem: Problem, jobs: list[Job], ticket: TicketData, engineer_index: int
) -> list[Job] | None:
    """Evict the engineer's jobs that need not be assigned (never appointments, other
    must work or crew jobs), nearest to the ticket's earliest start first, until the
    ticket fits; then place it and put the evicted jobs back where they fit."""
    engineer = problem.engineers[engineer_index]
    schedule = Schedule.of(problem, jobs)
    movable = sorted(
        (
            job
            for job in schedule.by_engineer[engineer_index]
            if not job.crew and not problem.tickets[job.ticket].must_assign
        ),
        key=lambda job: (abs(job.start - ticket.earliest_start), job.start),
    )
    evicted: list[Job] = []
    slot = None
    for job in movable:
        schedule.remove(job)
        evicted.append(job)
        slot = find_slot(schedule, ticket, engineer, gaps=True)
        if slot is not None:
            break
    if slot is None:
        return None
    schedule.add(Job(ticket.index, engineer_index, slot[0], slot[1]))
    for job in sorted(evicted, key=lambda j: -problem.tickets[j.ticket].weight):
        back = cheapest_slot(schedule, problem.tickets[job.ticket])
        if back is not None:
            schedule.add(back[1])
    return schedule.jobs()


class MustKeeper:
    """The tickets that must be assigned and are placed in a plan: a later plan keeps
    them all placed (``keeps``), so no phase trades them for a lower objective."""

    def __init__(self, problem: Problem, jobs: list[Job]) -> None:
        self.required = frozenset(
            job.ticket for job in jobs if problem.tickets[job.ticket].must_assign
        )

    def keeps(self, jobs: list[Job]) -> bool:
        return self.required <= {job.ticket for job in jobs}


__all__ = ["MustKeeper", "place_must"]
