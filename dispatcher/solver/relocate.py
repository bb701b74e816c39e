"""Moving costly jobs to another engineer's day, priced against the exact (SPEC v2) objective.

The reordering (``reorder``) improves each day on its own; the neighbourhoods (``lns``)
move work between engineers but judge it with the model's surrogate, which prices each
job alone. On a loaded day the costly jobs (overdue work, tight managed tickets) pay for
every minute they wait behind others, and the cheapest fix is often another engineer's
day: put the job in front of work that can wait there, and close the gap it leaves.

This pass does that with exact prices. For each costly job, heaviest first, it looks at
the places on other eligible engineers' days where the job would start at least
``EARLIER_BY`` minutes sooner: put in there (that day's later jobs re-timed after it, its
own day's later jobs re-timed earlier), or exchanged with the job there, which takes its
place on its day. A cheap estimate ranks them (the job's weight times the minutes it
would save, less the delay passed on to work already at risk, and with an exchange the
other job's own delay); the best ``CANDIDATES`` are priced exactly, both days carried out
against the draws (``evaluate.DayPricer``), and the best move is kept when the sum of the
two days' shares falls. Both days are then reordered (``reorder.better_day``, move after
move while one helps), so the next job meets days already in good order.

Days are independent except through tier caps (held by the schedule) and crews (the days
of engineers in a crew job are left as they are), so each move is priced on its two days
alone and the whole plan is checked and evaluated once per pass; a pass whose plan would
not pass the check, or does not lower the exact objective, is dropped whole. Each day
priced is charged to the budget's clock, so with one worker the pass stays reproducible.
Booked starts and jobs of a capped tier (their place in the tier's queue) are not moved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dispatcher.semantics.evaluate import (
    DayPricer,
    Evaluation,
    Job,
    JobCost,
    crew_engineers,
    outcome_cost,
)
from dispatcher.semantics.problem import Problem, TicketData
from dispatcher.solver.clock import RELOCATE_SECONDS
from dispatcher.solver.construct import Schedule
from dispatcher.solver.reorder import (
    ReorderBudget,
    improve_in_passes,
    replace_day,
    retimed,
    settle_day,
    spent,
)

# A job is moved only if its share of the objective is at least this much.
COSTLY = 0.05
# Places on other days priced exactly for each job (the best by the estimate).
CANDIDATES = 6
# A place is a candidate only if the job would start at least this much earlier there.
EARLIER_BY = 15


@dataclass
class _Day:
    """One engineer's jobs in start order, its pricer (built when first needed) and, per
    position, the weight of the sensitive work from there to the end of the day."""

    jobs: list[Job]
    pushed: list[float]
    sensitivity: list[float]
    pricer: DayPricer | None = None


def relocate_jobs(
    problem: Problem,
    jobs: list[Job],
    evaluation: Evaluation,
    evaluate: Callable[[list[Job]], Evaluation],
    valid: Callable[[list[Job]], bool],
    budget: ReorderBudget,
) -> tuple[list[Job], Evaluation]:
    """Moves of costly jobs to other engineers' days, pass after pass, while a pass lowers
    the exact objective and the budget lasts."""

    def one_pass(jobs: list[Job], evaluation: Evaluation, tried: int) -> tuple[int, int, list[Job]]:
        return _one_pass(problem, jobs, evaluation, budget, tried)

    return improve_in_passes(
        "relocate", "jobs moved", jobs, evaluation, evaluate, valid, budget, one_pass
    )


def _one_pass(
    problem: Problem, jobs: list[Job], evaluation: Evaluation, budget: ReorderBudget, tried: int
) -> tuple[int, int, list[Job]]:
    """(jobs moved, places priced, the plan after the moves) of one pass over the costly
    jobs, heaviest first."""
    schedule = Schedule.of(problem, jobs)
    tied = crew_engineers(jobs)
    outcomes = evaluation.jobs
    sensitive = {
        job.ticket: _sensitivity(problem.tickets[job.ticket], outcomes.get(job.ticket))
        for job in jobs
    }
    by_engineer: dict[int, list[Job]] = {}
    for job in jobs:
        by_engineer.setdefault(job.engineer, []).append(job)
    days: dict[int, _Day] = {}

    def day_of(engineer: int) -> _Day:
        day = days.get(engineer)
        if day is None:
            day = _make_day(problem, by_engineer.get(engineer, []), sensitive)
            days[engineer] = day
        return day

    costly = sorted(
        (
            (cost, job.ticket)
            for job in jobs
            if not job.crew
            and job.engineer not in tied
            and (cost := _cost(problem, job.ticket, outcomes.get(job.ticket))) >= COSTLY
        ),
        key=lambda item: (-item[0], problem.tickets[item[1]].id),
    )
    where = {job.ticket: job.engineer for job in jobs}
    count = moved = 0
    for _, ticket_index in costly:
        if spent(budget, tried + count):
            break
        ticket = problem.tickets[ticket_index]
        if not _movable(problem, ticket):
            continue
        home = where[ticket_index]
        source = day_of(home)
        index = next(i for i, job in enumerate(source.jobs) if job.ticket == ticket_index)
        places = _candidates(problem, ticket, source, index, home, tied, day_of)
        best: tuple[float, int, list[Job], list[Job]] | None = None
        # The source's day without the job (the same for every move), once needed; if its
        # later jobs cannot be re-timed without it, only exchanges are tried.
        shorter: list[Job] | None = None
        saved, moves_fit = 0.0, True
        for engineer, place, swap in places:
            if spent(budget, tried + count):
                break
            if not swap and shorter is None and moves_fit:
                shorter = _without(schedule, source, index)
                moves_fit = shorter is not None
                if shorter is not None:
                    saved = -_price(problem, source, shorter, index)
            if not swap and shorter is None:
                continue
            count += 1
            # An exchange re-times and prices both days: about twice a move's work.
            budget.clock.charge(RELOCATE_SECONDS * (2 if swap else 1))
            target = day_of(engineer)
            if swap:
                found = _swapped(problem, schedule, source, index, target, place)
            else:
                assert shorter is not None
                longer = _with(schedule, target, place, source.jobs[index], engineer)
                found = None if longer is None else (shorter, longer, saved)
            if found is None:
                continue
            new_source, new_target, gain = found
            change = _price(problem, target, new_target, place) - gain
            if change < -1e-9 and (best is None or change < best[0]):
                best = (change, engineer, new_source, new_target)
        if best is None:
            continue
        _, engineer, new_source, new_target = best
        replace_day(schedule, source.jobs, new_source)
        replace_day(schedule, days[engineer].jobs, new_target)
        # The two days changed: better orders of each, as the reordering would find them.
        new_source, tried_here = settle_day(problem, new_source, schedule, budget, tried + count)
        count += tried_here
        new_target, tried_here = settle_day(problem, new_target, schedule, budget, tried + count)
        count += tried_here
        for job in (*new_source, *new_target):
            where[job.ticket] = job.engineer
        days[home] = _make_day(problem, new_source, sensitive)
        days[engineer] = _make_day(problem, new_target, sensitive)
        moved += 1
    plan = [job for engineer, day in by_engineer.items() if engineer not in days for job in day]
    plan.extend(job for day in days.values() for job in day.jobs)
    return moved, count, plan


def _movable(problem: Problem, ticket: TicketData) -> bool:
    """Not a booked start, nor a place in a capped tier's queue: those stay where they are."""
    return ticket.fixed_start is None and ticket.tier not in problem.tier_caps


def _price(problem: Problem, day: _Day, new_jobs: list[Job], place: int) -> float:
    """The change in the day's share of the objective when it becomes ``new_jobs`` (the
    same jobs before ``place``)."""
    day.pricer = day.pricer or DayPricer(problem, day.jobs)
    return day.pricer.price(new_jobs, place) - day.pricer.total


def _without(schedule: Schedule, day: _Day, index: int) -> list[Job] | None:
    """The day without its job at ``index``, the later ones re-timed."""
    order = [*day.jobs[:index], *day.jobs[index + 1 :]]
    return retimed(schedule, day.jobs, order, index)


def _with(schedule: Schedule, day: _Day, place: int, job: Job, engineer: int) -> list[Job] | None:
    """The day with ``job`` (held elsewhere by the schedule) put in at ``place``, the
    later jobs re-timed after it."""
    order = [*day.jobs[:place], Job(job.ticket, engineer, 0, 0), *day.jobs[place:]]
    schedule.remove(job)
    try:
        return retimed(schedule, day.jobs, order, place)
    finally:
        schedule.add(job)


def _swapped(
    problem: Problem, schedule: Schedule, source: _Day, index: int, target: _Day, place: int
) -> tuple[list[Job], list[Job], float] | None:
    """Both days with the source's job at ``index`` and the target's at ``place``
    exchanged (each re-timed from there), and what the source's day saves."""
    job, other = source.jobs[index], target.jobs[place]
    order = [*source.jobs[:index], Job(other.ticket, job.engineer, 0, 0), *source.jobs[index + 1 :]]
    new_source = retimed(schedule, source.jobs, order, index)
    if new_source is None:
        return None
    order = [*target.jobs[:place], Job(job.ticket, other.engineer, 0, 0), *target.jobs[place + 1 :]]
    new_target = retimed(schedule, target.jobs, order, place)
    if new_target is None:
        return None
    return new_source, new_target, -_price(problem, source, new_source, index)


def _candidates(
    problem: Problem,
    ticket: TicketData,
    source: _Day,
    index: int,
    home: int,
    tied: set[int],
    day_of: Callable[[int], _Day],
) -> list[tuple[int, int, bool]]:
    """Up to ``CANDIDATES`` (engineer, position, swap) places where the source's job at
    ``index`` would start at least ``EARLIER_BY`` minutes earlier, best first by an
    estimate of the change: the job's weight times the minutes it would save, less the
    minutes the work after it there is pushed back times that work's sensitivity (with
    ``swap``, the job there changes places with it, and its own delay counts too)."""
    job = source.jobs[index]
    after_here = source.pushed[index + 1]
    scored: list[tuple[float, int, int, bool]] = []
    for engineer in problem.eligible[ticket.index]:
        if engineer == home or engineer in tied:
            continue
        day = day_of(engineer)
        for place in range(len(day.jobs) + 1):
            opens = max(day.jobs[place - 1].end if place else 0, ticket.earliest_start)
            if opens > job.start - EARLIER_BY:
                break
            sooner = job.start - opens
            score = ticket.weight * sooner - ticket.p50 * day.pushed[place]
            if score > 0:
                scored.append((-score, engineer, place, False))
            if place == len(day.jobs):
                continue
            other = day.jobs[place]
            other_ticket = problem.tickets[other.ticket]
            if (
                not _movable(problem, other_ticket)
                or home not in problem.eligible_sets[other.ticket]
            ):
                continue
            longer = ticket.p50 - other_ticket.p50
            score = (
                (ticket.weight - day.sensitivity[place]) * sooner
                - longer * day.pushed[place + 1]
                + longer * after_here
            )
            if score > 0:
                scored.append((-score, engineer, place, True))
    scored.sort()
    return [(engineer, place, swap) for _, engineer, place, swap in scored[:CANDIDATES]]


def _make_day(problem: Problem, jobs: list[Job], sensitive: dict[int, float]) -> _Day:
    ordered = sorted(jobs, key=lambda job: (job.start, problem.tickets[job.ticket].id))
    own = [sensitive.get(job.ticket, 0.0) for job in ordered]
    pushed = [0.0] * (len(ordered) + 1)
    for position in range(len(ordered) - 1, -1, -1):
        pushed[position] = pushed[position + 1] + own[position]
    return _Day(ordered, pushed, own)


def _cost(problem: Problem, ticket_index: int, outcome: JobCost | None) -> float:
    """A job's SLA and lateness share of the objective (0 without an outcome)."""
    if outcome is None:
        return 0.0
    return outcome_cost(problem, problem.tickets[ticket_index], outcome)


def _sensitivity(ticket: TicketData, outcome: JobCost | None) -> float:
    """How much a job's cost grows as it starts later, roughly: its weight, times the
    chance it is already late or at risk (a job safely inside its due times costs nothing
    to push back a little)."""
    if outcome is None:
        return 0.0
    exposed = max(outcome.resolution_risk, outcome.response_risk)
    if outcome.lateness_minutes > 0:
        exposed = max(exposed, 1.0)
    return ticket.weight * exposed


__all__ = ["relocate_jobs"]
