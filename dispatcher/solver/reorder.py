"""Reordering engineers' days against the exact (SPEC v2) objective.

When a plan is carried out, a job that runs late delays every later job of its
engineer's day, so the same jobs cost less in a better order: weighty jobs with tight due
times early, long uncertain ones after them. The CP-SAT model prices each job alone (its
surrogate cannot see that chain), so this pass looks at each day directly: it moves a job
that carries risk to an earlier place in its engineer's day, re-times the jobs from there
on (each at the earliest start the rules allow after the previous one, the rest of the
plan staying as it is: ``construct.find_slot``), prices the day by carrying it out
(``evaluate.partial_total``) and keeps the move when the exact objective falls.

Days are independent except through tier caps (handled by the schedule) and crews, so a
move is priced on its engineer alone and re-checked in full only when it is kept. The
days of engineers in a crew job are left as they are: the crew ties them to another day. The
pass is bounded by a deadline on its budget's clock (each move tried is charged to it: with
one worker the deterministic work clock, so it stays reproducible), or by a count of moves.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dispatcher import interrupt
from dispatcher.semantics.evaluate import DayPricer, Evaluation, Job, crew_engineers
from dispatcher.semantics.problem import Problem
from dispatcher.solver.clock import MOVE_SECONDS, WALL, Clock
from dispatcher.solver.construct import Schedule, find_slot

log = logging.getLogger(__name__)

RISKY = 0.01  # a job whose response + resolution risk is below this is not moved earlier
REACH = 4  # places a job may move earlier in one move


@dataclass(frozen=True)
class ReorderBudget:
    """When the pass stops: the ``deadline`` on ``clock`` (which each move tried is charged
    to), or after ``moves`` tried moves when given."""

    deadline: float
    moves: int | None = None
    clock: Clock = WALL


# One pass of an improvement: from the plan, its evaluation and the moves tried so far,
# (how many changes it made, the moves it tried, the plan after them).
Pass = Callable[[list[Job], Evaluation, int], tuple[int, int, list[Job]]]


def reorder_days(
    problem: Problem,
    jobs: list[Job],
    evaluation: Evaluation,
    evaluate: Callable[[list[Job]], Evaluation],
    valid: Callable[[list[Job]], bool],
    budget: ReorderBudget,
) -> tuple[list[Job], Evaluation]:
    """Better orders of each engineer's jobs, until no move helps or the budget ends.

    Each day's moves are priced on that day alone (days of a daily plan are carried out
    independently): the day's best move, then the best from there, until none helps. The
    whole plan is evaluated and checked once per pass, not once per move; a pass whose
    plan would not pass the check is dropped whole."""

    def one_pass(jobs: list[Job], evaluation: Evaluation, tried: int) -> tuple[int, int, list[Job]]:
        schedule = Schedule.of(problem, jobs)
        days: dict[int, list[Job]] = {}
        for job in jobs:
            days.setdefault(job.engineer, []).append(job)
        tied = crew_engineers(jobs)
        changed = count = 0
        for engineer in _by_risk(problem, jobs, evaluation):
            if engineer in tied:
                continue
            day, moves = settle_day(problem, days[engineer], schedule, budget, tried + count)
            count += moves
            if day is not days[engineer]:
                days[engineer] = day
                changed += 1
            if spent(budget, tried + count):
                break
        return changed, count, [job for day in days.values() for job in day]

    return improve_in_passes(
        "reorder", "days changed", jobs, evaluation, evaluate, valid, budget, one_pass
    )


def improve_in_passes(
    name: str,
    changes: str,
    jobs: list[Job],
    evaluation: Evaluation,
    evaluate: Callable[[list[Job]], Evaluation],
    valid: Callable[[list[Job]], bool],
    budget: ReorderBudget,
    one_pass: Pass,
) -> tuple[list[Job], Evaluation]:
    """``one_pass`` again and again while a pass lowers the exact objective and the budget
    lasts; a pass's plan is kept only if it passes ``valid`` and evaluates lower (logged
    as ``name``, its changes counted as ``changes``)."""
    tried = kept = 0
    started, before = time.monotonic(), evaluation.total
    improved = True
    while improved and not spent(budget, tried):
        improved = False
        changed, count, candidate = one_pass(jobs, evaluation, tried)
        tried += count
        if changed and valid(candidate):
            trial = evaluate(candidate)
            if trial.total < evaluation.total - 1e-9:
                jobs, evaluation, improved = candidate, trial, True
                kept += changed
    log.info(
        "%s: %d moves tried in %.2fs, %d %s: %.4f -> %.4f",
        name,
        tried,
        time.monotonic() - started,
        kept,
        changes,
        before,
        evaluation.total,
    )
    return jobs, evaluation


def settle_day(
    problem: Problem, day: list[Job], schedule: Schedule, budget: ReorderBudget, tried: int
) -> tuple[list[Job], int]:
    """``day`` (held by ``schedule``) after the best reordering move, then the best from
    there, while one helps and the budget (``tried`` moves spent already) lasts, and the
    moves tried; the schedule then holds the day returned (``day`` itself if no move
    helped)."""
    count = 0
    while not spent(budget, tried + count):
        limit = ReorderBudget(
            budget.deadline,
            None if budget.moves is None else budget.moves - tried - count,
            budget.clock,
        )
        found, priced = better_day(problem, day, schedule, limit)
        count += priced
        if found is None:
            break
        replace_day(schedule, day, found)
        day = found
    return day, count


def polish_days(
    problem: Problem,
    jobs: list[Job],
    engineers: Iterable[int],
    moves: int,
    clock: Clock = WALL,
) -> list[Job]:
    """``jobs`` (a whole plan) with the days of ``engineers`` reordered where their share
    of the exact objective falls, at most ``moves`` moves tried in all (for the
    neighbourhood search: it re-checks and re-prices what it keeps), each charged to
    ``clock``."""
    schedule = Schedule.of(problem, jobs)
    left = moves
    tied = crew_engineers(jobs)
    for engineer in sorted(set(engineers) - tied):
        if left <= 0:
            break
        day = [j for j in jobs if j.engineer == engineer]
        found, count = better_day(problem, day, schedule, ReorderBudget(float("inf"), left, clock))
        left -= count
        if found is not None:
            replace_day(schedule, day, found)
            jobs = [*(j for j in jobs if j.engineer != engineer), *found]
    return jobs


def replace_day(schedule: Schedule, day: list[Job], new_day: list[Job]) -> None:
    for job in day:
        schedule.remove(job)
    for job in new_day:
        schedule.add(job)


def spent(budget: ReorderBudget, tried: int) -> bool:
    if budget.moves is not None:
        return tried >= budget.moves or interrupt.stop_requested()
    return budget.clock.now() >= budget.deadline or interrupt.stop_requested()


def _by_risk(problem: Problem, jobs: list[Job], evaluation: Evaluation) -> list[int]:
    """Engineers whose days carry risk, most weighted risk first."""
    risk: dict[int, float] = {}
    for job in jobs:
        cost = evaluation.jobs.get(job.ticket)
        if cost is not None:
            weight = problem.tickets[job.ticket].weight
            share = weight * (cost.response_risk + cost.resolution_risk)
            risk[job.engineer] = risk.get(job.engineer, 0.0) + share
    return sorted((e for e, r in risk.items() if r > 0), key=lambda e: (-risk[e], e))


def better_day(
    problem: Problem, day: list[Job], schedule: Schedule, budget: ReorderBudget
) -> tuple[list[Job] | None, int]:
    """The best reordering of one engineer's ``day`` found by moving one risky job
    earlier, re-timing the jobs after it (None: none lowers the day's share of the exact
    objective), and how many moves were tried. ``schedule`` holds the whole plan, ``day``
    included, and is left as it was."""
    pricer = DayPricer(problem, day)
    day, base, outcomes = pricer.day, pricer.total, pricer.outcomes
    best: tuple[float, list[Job]] | None = None
    count = 0
    for index, job in enumerate(day):
        outcome = outcomes[job.ticket]
        if outcome.response_risk + outcome.resolution_risk < RISKY:
            continue
        for place in range(index - 1, max(-1, index - 1 - REACH), -1):
            if spent(budget, count):
                return (best[1] if best else None), count
            count += 1
            budget.clock.charge(MOVE_SECONDS)
            order = [*day[:place], job, *day[place:index], *day[index + 1 :]]
            new_day = retimed(schedule, day, order, place)
            if new_day is None:
                continue
            total = pricer.price(new_day, place)
            if total < base - 1e-9 and (best is None or total < best[0]):
                best = (total, new_day)
    return (best[1] if best else None), count


def retimed(schedule: Schedule, day: list[Job], order: list[Job], place: int) -> list[Job] | None:
    """The day in ``order``: the jobs before ``place`` as they were, each later one at the
    earliest start the rules allow after the one before it (None if one does not fit).
    ``schedule`` holds the whole plan and is left as it was."""
    problem = schedule.problem
    moved = day[place:]
    for job in moved:
        schedule.remove(job)
    placed: list[Job] = []
    try:
        for job in order[place:]:
            ticket = problem.tickets[job.ticket]
            slot = find_slot(schedule, ticket, problem.engineers[job.engineer], gaps=False)
            if slot is None:
                return None
            new_job = Job(job.ticket, job.engineer, slot[0], slot[1])
            schedule.add(new_job)
            placed.append(new_job)
        return [*order[:place], *placed]
    finally:
        for job in placed:
            schedule.remove(job)
        for job in moved:
            schedule.add(job)


__all__ = [
    "Pass",
    "ReorderBudget",
    "better_day",
    "improve_in_passes",
    "polish_days",
    "reorder_days",
    "replace_day",
    "retimed",
    "settle_day",
    "spent",
]
