"""Moves of crew jobs against the exact objective (SPEC "Crews").

The model and the neighbourhood search plan single-engineer work around crew jobs, which
they hold where they are. This pass moves the crew jobs themselves: for each, the same
crew re-timed to its earliest place (gaps included), the crew with one member changed
(the lead only for an engineer who could lead it), and a crew built afresh member by
member; the cheapest few by the surrogate checked and evaluated in full, each kept when
the whole plan is better.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from dispatcher import interrupt
from dispatcher.semantics.evaluate import Evaluation, Job
from dispatcher.semantics.problem import Problem, TicketData
from dispatcher.solver.clock import SLOT_SECONDS, WALL, Clock
from dispatcher.solver.construct import Schedule, crew_cost, find_crew_slot, place_crew

log = logging.getLogger(__name__)


CREW_TRIES = 3  # places per crew job judged exactly, the best by the surrogate first


def improve_crews(
    problem: Problem,
    jobs: list[Job],
    evaluation: Evaluation,
    evaluate: Callable[[list[Job]], Evaluation],
    valid: Callable[[list[Job]], bool],
    deadline: float,
    clock: Clock = WALL,
) -> tuple[list[Job], Evaluation]:
    """One pass over the crew jobs (in ticket id order), each moved where it lowers the
    exact objective most; the plan and its evaluation after the pass.

    Crews link their members' days, and on a day with many crews the links reach most
    engineers, so a move cannot be priced on a few days: the places are ranked by the
    surrogate (``construct.crew_cost``) and the best ``CREW_TRIES`` evaluated in full.
    The pass stops at ``deadline``, an instant of ``clock`` (charged with the places tried)."""
    crews = sorted((job for job in jobs if job.crew), key=lambda j: problem.tickets[j.ticket].id)
    before = evaluation.total
    for old in crews:
        current = next((job for job in jobs if job.ticket == old.ticket), None)
        if current is None:
            continue
        for moved in _places(problem, jobs, current, clock):
            if clock.now() > deadline or interrupt.stop_requested():
                log.info("crew moves (out of time): %.4f -> %.4f", before, evaluation.total)
                return jobs, evaluation
            candidate = [job for job in jobs if job.ticket != current.ticket] + [moved]
            if not valid(candidate):
                continue
            trial = evaluate(candidate)
            if trial.total < evaluation.total - 1e-9:
                jobs, evaluation, current = candidate, trial, moved
    if crews:
        log.info("crew moves: %.4f -> %.4f", before, evaluation.total)
    return jobs, evaluation


def _places(problem: Problem, jobs: list[Job], current: Job, clock: Clock) -> list[Job]:
    """Other places for a crew job, the ``CREW_TRIES`` cheapest by the surrogate: the same
    crew at its earliest place, each member swapped, and a crew built afresh."""
    ticket = problem.tickets[current.ticket]
    rest = [job for job in jobs if job.ticket != current.ticket]
    schedule = Schedule.of(problem, rest)
    ranked: dict[Job, tuple[float, int, int, tuple[int, ...]]] = {}
    for members in _crews_to_try(problem, ticket, current):
        clock.charge(SLOT_SECONDS * len(members))
        slot = find_crew_slot(schedule, ticket, members, gaps=True)
        if slot is not None:
            moved = Job(current.ticket, members[0], slot[0], slot[1], members[1:])
            ranked[moved] = (crew_cost(problem, ticket, moved, sum(slot[2])), *slot[:2], members)
    clock.charge(SLOT_SECONDS * max(1, len(problem.capable[ticket.index])))
    fresh = place_crew(schedule, ticket, gaps=True)
    if fresh is not None:
        ranked[fresh[0]] = (crew_cost(problem, ticket, *fresh), fresh[0].end, fresh[0].start, ())
    ranked.pop(current, None)
    return sorted(ranked, key=lambda job: ranked[job])[:CREW_TRIES]


def _crews_to_try(problem: Problem, ticket: TicketData, current: Job) -> Iterator[tuple[int, ...]]:
    """The same crew, then each member swapped for another engineer who could take that
    place (the lead's place only for one who could lead it)."""
    members = current.members
    yield members
    leads = problem.capable[ticket.index]
    for place, _ in enumerate(members):
        pool = leads if place == 0 else problem.crew_capable[ticket.index]
        for other in pool:
            if other in members:
                continue
            yield (*members[:place], other, *members[place + 1 :])
