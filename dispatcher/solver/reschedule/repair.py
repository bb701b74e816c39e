"""The repair: keep every future job of the old plan that still holds, insert the rest
greedily (``repair``), then let the event tickets push work aside where that
lowers the objective (``bump``). Its plan is the search's starting point.

The slots tried, plans evaluated and checks made are charged to the situation's clock
(``Situation.clock``), which ``bump``'s deadline is read from: with one worker the
deterministic work clock, so the same input gives the same plan on a busy machine."""

from __future__ import annotations

from collections.abc import Iterable

from dispatcher import interrupt
from dispatcher.semantics.evaluate import Evaluation, Job
from dispatcher.semantics.problem import Problem, TicketData
from dispatcher.semantics.shifts import pauses_overnight
from dispatcher.semantics.walk import walk
from dispatcher.solver.clock import SLOT_SECONDS
from dispatcher.solver.construct import (
    Schedule,
    find_slot,
    greedy_plan,
    reference_order,
    ticket_cost,
)
from dispatcher.solver.reschedule.situation import Situation


def repair(sit: Situation) -> list[Job]:
    """Keep every old future job that still holds; insert the rest greedily."""
    return _fill(sit, kept_jobs(sit))


def kept_jobs(sit: Situation) -> list[Job]:
    """The old plan's future jobs that still hold where they were."""
    problem = sit.problem
    kept = []
    for ticket, (engineer, start) in sit.previous.items():
        crew = sit.previous_crew.get(ticket, ())
        end = _end_on(problem, ticket, (engineer, *crew), start)
        if end is not None:
            kept.append(Job(ticket, engineer, start, end, crew))
    while True:
        broken = sit.broken(kept)
        if not broken:
            return kept
        kept = [job for job in kept if job.ticket not in broken]


def manual_reaction(sit: Situation) -> list[Job] | None:
    """What a dispatcher does by hand: the old plan as it still holds, each event ticket
    (added, or the rest of a cut job) put next on the eligible engineer who can start it
    soonest, that engineer's later jobs pushed right in their order (a booked appointment
    stays where it is; a job that no longer fits is left out), nothing else changed.
    None if an event ticket fits nobody."""
    problem = sit.problem
    jobs = kept_jobs(sit)
    for ticket in sit.event_tickets:
        data = problem.tickets[ticket]
        if data.crew > 1 or any(job.ticket == ticket for job in jobs):
            continue  # a crew is not pushed in by hand here; the repair places it
        best: tuple[tuple[int, int], list[Job]] | None = None
        for engineer in problem.eligible[ticket]:
            pushed = _pushed_right(sit, jobs, ticket, engineer)
            if pushed is not None:
                start = next(job.start for job in pushed if job.ticket == ticket)
                if best is None or (start, engineer) < best[0]:
                    best = ((start, engineer), pushed)
        if best is None:
            return None
        jobs = best[1]
    return jobs


def _pushed_right(sit: Situation, jobs: list[Job], ticket: int, engineer: int) -> list[Job] | None:
    """``ticket`` at the earliest start on ``engineer`` before their later jobs, which
    follow it in their order, each at the earliest start after the one before."""
    problem = sit.problem
    data = problem.tickets[ticket]

    def pushable(job: Job) -> bool:
        return (
            job.engineer == engineer
            and not job.crew
            and problem.tickets[job.ticket].fixed_start is None
        )

    later = sorted((job for job in jobs if pushable(job)), key=lambda job: job.start)
    stay = [job for job in jobs if not pushable(job)]
    schedule = Schedule(problem)
    schedule.not_before = sit.not_before(stay)
    for job in [*sit.running, *sit.background, *stay]:
        schedule.add(job)
    who = problem.engineers[engineer]
    sit.clock.charge(SLOT_SECONDS * (1 + len(later)))
    slot = find_slot(schedule, data, who, gaps=False)
    if slot is None:
        return None
    placed = [Job(ticket, engineer, slot[0], slot[1])]
    schedule.add(placed[0])
    for job in later:
        again = find_slot(schedule, problem.tickets[job.ticket], who, gaps=False)
        if again is not None:
            moved = Job(job.ticket, engineer, again[0], again[1])
            schedule.add(moved)
            placed.append(moved)
    return [*stay, *placed]


def _end_on(problem: Problem, ticket: int, members: tuple[int, ...], start: int) -> int | None:
    """Where the job ends from its old start, if it still may start there (a short job,
    a cut job's remainder with its reduced p50 included, must not pause overnight; a crew
    job works in its members' joint shift time)."""
    calendar = problem.calendar_of(members)
    if calendar.shift_of_start(start) is None:
        return None
    p50 = problem.tickets[ticket].p50
    return calendar.finish(
        start, p50, overnight=pauses_overnight(p50, problem.split_overnight_from)
    )


def _fill(sit: Situation, placed: list[Job], first: Iterable[int] = ()) -> list[Job]:
    """Greedy insertion of every free ticket not in ``placed`` (``first`` ones first)."""
    problem = sit.problem
    schedule = Schedule(problem)
    schedule.not_before = sit.not_before(placed)
    preset = [*sit.running, *sit.background, *placed]
    for job in preset:
        schedule.add(job)
    taken = {job.ticket for job in placed}
    firsts = [problem.tickets[t] for t in first if t not in taken]
    rest = [
        t
        for t in reference_order(problem)
        if t.index in set(sit.free) and t.index not in taken and t not in firsts
    ]
    order = [*firsts, *rest]
    preset_set = set(preset)
    planned = greedy_plan(problem, schedule, order, clock=sit.clock)
    return [job for job in planned if job not in preset_set] + [job for job in placed]


BUMP_ENGINEERS = 8  # engineers tried per event ticket, best earliest start first


def bump(
    sit: Situation, jobs: list[Job], best: Evaluation, deadline: float
) -> tuple[list[Job], Evaluation]:
    """Event tickets may push work aside: for each, try the engineers who could start it
    soonest taking it at their earliest slot once their later jobs step back, the displaced
    jobs either going back down the same engineer's day or to anyone's gap; keep what
    lowers the objective. Bounded by count (``BUMP_ENGINEERS``); ``deadline``, an instant
    of ``sit.clock``, only guards a very slow machine."""
    for ticket in sit.event_tickets:
        for engineer in _soonest(sit, ticket)[:BUMP_ENGINEERS]:
            current = next((job for job in jobs if job.ticket == ticket), None)
            if current is not None and current.engineer == engineer:
                continue
            for anywhere in (False, True):
                if sit.clock.now() > deadline or interrupt.stop_requested():
                    return jobs, best
                candidate = _push_in(sit, jobs, ticket, engineer, anywhere)
                if candidate is None or sit.broken(candidate):
                    continue
                evaluation = sit.evaluate(candidate)
                if sit.better(candidate, evaluation, (jobs, best)):
                    jobs, best = candidate, evaluation
    return jobs, best


def _soonest(sit: Situation, ticket: int) -> list[int]:
    """Eligible engineers by what the ticket would cost at their earliest start, were their
    day empty from now on."""
    problem = sit.problem
    data = problem.tickets[ticket]
    schedule = Schedule(problem)
    schedule.not_before = {ticket: sit.now}
    for job in [*sit.running, *sit.background]:
        schedule.add(job)
    ranked = []
    sit.clock.charge(SLOT_SECONDS * len(problem.eligible[ticket]))
    for engineer in problem.eligible[ticket]:
        slot = find_slot(schedule, data, problem.engineers[engineer], gaps=True)
        if slot is not None:
            cost = ticket_cost(problem, data, problem.engineers[engineer], *slot)
            ranked.append((round(cost, 9), slot[0], engineer))
    return [engineer for _, _, engineer in sorted(ranked)]


def _push_in(
    sit: Situation, jobs: list[Job], ticket: int, engineer: int, anywhere: bool
) -> list[Job] | None:
    """``ticket`` on ``engineer`` at their earliest slot with their future jobs lifted; the
    lifted jobs go back where they were if they still fit, else to the engineer's next slot
    (or, ``anywhere``, where the greedy rule puts them: one displaced job then does not
    push back the rest of the day). Jobs of a capped tier make way too."""
    problem = sit.problem
    data = problem.tickets[ticket]
    capped = data.tier in problem.tier_caps

    def lifts(job: Job) -> bool:
        if problem.tickets[job.ticket].fixed_start is not None:
            return False  # a booked appointment stays where it is
        return (
            job.engineer == engineer
            or job.ticket == ticket
            or (capped and problem.tickets[job.ticket].tier == data.tier)
        )

    kept = [job for job in jobs if not lifts(job)]
    lifted = sorted(
        (job for job in jobs if lifts(job) and job.ticket != ticket), key=lambda j: j.start
    )
    schedule = Schedule(problem)
    schedule.not_before = sit.not_before(kept)
    for job in [*sit.running, *sit.background, *kept]:
        schedule.add(job)
    sit.clock.charge(SLOT_SECONDS)
    slot = find_slot(schedule, data, problem.engineers[engineer], gaps=True)
    if slot is None:
        return None
    placed = [Job(ticket, engineer, slot[0], slot[1])]
    schedule.add(placed[0])
    for job in lifted:
        if _fits(sit, schedule, job):
            schedule.add(job)
            placed.append(job)
        else:
            before = set(schedule.jobs())
            order = [problem.tickets[job.ticket]]
            if not anywhere:

                def own_engineer(_: TicketData, own: int = job.engineer) -> list[int]:
                    return [own]

                greedy_plan(problem, schedule, order, own_engineer, clock=sit.clock)
            if anywhere or len(schedule.jobs()) == len(before):
                greedy_plan(problem, schedule, order, clock=sit.clock)
            placed += [j for j in schedule.jobs() if j not in before]
    return [*kept, *placed]


def _fits(sit: Situation, schedule: Schedule, job: Job) -> bool:
    """Can ``job`` go exactly where it is, given the schedule?"""
    problem = sit.problem
    timeline = schedule.by_engineer[job.engineer]
    if any(other.start < job.end and job.start < other.end for other in timeline):
        return False
    if schedule.tier_conflict(problem.tickets[job.ticket].tier, job.start, job.end) is not None:
        return False
    steps = walk(
        problem,
        problem.engineers[job.engineer],
        [(j.ticket, j.start, j.end) for j in [*timeline, job]],
        schedule.not_before,
    )
    free = set(sit.free)
    return all(step.start >= step.earliest for step in steps if step.ticket in free)
