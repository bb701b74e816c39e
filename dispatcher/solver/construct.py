"""Construction heuristics: the dispatcher's rule of thumb (the benchmark reference)
and the project's own greedy insertion (the solver's hint and fallback).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from collections.abc import Callable
from itertools import islice

from dispatcher.semantics.evaluate import Evaluation, Job, sla_cost, unassigned_cost
from dispatcher.semantics.problem import EngineerData, Problem, TicketData
from dispatcher.semantics.shifts import pauses_overnight
from dispatcher.semantics.walk import days_touched, walk
from dispatcher.solver.clock import SLOT_SECONDS, WALL, Clock
from models.scenario import Weights


class TierLoad:
    """How many jobs of one capped tier run at each minute: a step function kept as sorted
    breakpoints, so a query looks only at the minutes it asks about."""

    def __init__(self) -> None:
        self.points: list[int] = []  # where the count changes
        self.counts: list[int] = []  # count on [points[i], points[i + 1])
        self.by_end: list[tuple[int, int]] = []  # (end, start) of every job

    def _split(self, minute: int) -> int:
        """Index of the breakpoint at ``minute``, adding it if needed."""
        i = bisect_right(self.points, minute)
        if i and self.points[i - 1] == minute:
            return i - 1
        self.points.insert(i, minute)
        self.counts.insert(i, self.counts[i - 1] if i else 0)
        return i

    def add(self, start: int, end: int) -> None:
        first, last = self._split(start), self._split(end)
        for i in range(first, last):
            self.counts[i] += 1
        insort(self.by_end, (end, start))

    def remove(self, start: int, end: int) -> None:
        """Take out a job added with ``add`` (its breakpoints stay: they do no harm)."""
        first, last = self._split(start), self._split(end)
        for i in range(first, last):
            self.counts[i] -= 1
        self.by_end.remove((end, start))

    def peak(self, start: int, end: int) -> int:
        """Most jobs running at one minute of [start, end)."""
        first = max(0, bisect_right(self.points, start) - 1)  # the piece holding ``start``
        last = bisect_left(self.points, end)  # pieces from ``end`` on are not asked about
        return max(self.counts[first:last], default=0)

    def first_end(self, start: int, end: int) -> int | None:
        """The earliest end of a job overlapping [start, end)."""
        i = bisect_right(self.by_end, (start, float("inf")))
        while i < len(self.by_end):
            job_end, job_start = self.by_end[i]
            if job_start < end:
                return job_end
            i += 1
        return None


class Schedule:
    """Jobs per engineer in start order, plus the load of each capped tier. A crew job is
    in every member's list (the same ``Job``) and counts once in its tier's load."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.by_engineer: list[list[Job]] = [[] for _ in problem.engineers]
        self.by_tier: dict[str, TierLoad] = defaultdict(TierLoad)
        self.not_before: dict[int, int] = {}
        # With a buffer, an on-site job reserves this much travel before its start, whatever
        # the previous location: the schedule then satisfies the CP-SAT model exactly.
        self.buffer: Callable[[TicketData, EngineerData], int] | None = None

    @classmethod
    def of(cls, problem: Problem, jobs: list[Job]) -> Schedule:
        """A schedule holding ``jobs``."""
        schedule = cls(problem)
        for job in jobs:
            schedule.add(job)
        return schedule

    def add(self, job: Job) -> None:
        for member in job.members:
            insort(self.by_engineer[member], job, key=lambda j: j.start)
        tier = self.problem.tickets[job.ticket].tier
        if tier in self.problem.tier_caps:
            self.by_tier[tier].add(job.start, job.end)

    def remove(self, job: Job) -> None:
        """Take out a job held by the schedule."""
        for member in job.members:
            self.by_engineer[member].remove(job)
        tier = self.problem.tickets[job.ticket].tier
        if tier in self.problem.tier_caps:
            self.by_tier[tier].remove(job.start, job.end)

    def jobs(self) -> list[Job]:
        """Every job once (a crew job from its lead's list)."""
        return [
            job
            for engineer, jobs in enumerate(self.by_engineer)
            for job in jobs
            if job.engineer == engineer
        ]

    def tier_conflict(self, tier: str, start: int, end: int) -> int | None:
        """None if a job of ``tier`` over [start, end) keeps the cap, else the first end to
        wait for (of the running jobs, the one that ends first)."""
        cap = self.problem.tier_caps.get(tier)
        if cap is None:
            return None
        load = self.by_tier[tier]
        if load.peak(start, end) < cap:
            return None
        return load.first_end(start, end)


def _location_by_day(problem: Problem, engineer: EngineerData, jobs: list[Job]) -> dict[int, int]:
    locations: dict[int, int] = {}
    for job in jobs:
        ticket = problem.tickets[job.ticket]
        if ticket.onsite and ticket.site is not None:
            for day in days_touched(engineer, job.start, job.end):
                locations[day] = ticket.site
    return locations


def find_slot(
    schedule: Schedule, ticket: TicketData, engineer: EngineerData, *, gaps: bool
) -> tuple[int, int, int] | None:
    """Earliest (start, end, travel) for ``ticket`` on ``engineer`` that keeps every rule
    (SPEC "Work": a job shorter than ``split_overnight_from`` does not pause overnight).

    With ``gaps`` the job may go between existing jobs; otherwise only after the last one.
    """
    timeline = schedule.by_engineer[engineer.index]
    earliest, p50 = ticket.earliest_start, ticket.p50
    # Jobs never overlap, so their ends rise with their starts: skip those over by then.
    first = bisect_right(timeline, earliest, key=lambda job: job.end) if gaps else len(timeline)
    calendar = engineer.calendar
    for position in range(first, len(timeline) + 1):
        # The work needs p50 shift minutes between the gap's opening and its close (the
        # next job, or the last shift's end): cheap tests before the exact one.
        opens = max(earliest, timeline[position - 1].end if position else 0)
        if position < len(timeline):
            following = timeline[position]
            closes = following.start - _reserved(schedule, following, engineer)
            if closes - opens < p50 or calendar.minutes_between(opens, closes) < p50:
                continue
        elif calendar.position(opens) + p50 > calendar.total:
            continue
        slot = _earliest_in_gap(schedule, ticket, engineer, timeline, position)
        if slot is not None:
            return slot
    return None


def _earliest_in_gap(
    schedule: Schedule,
    ticket: TicketData,
    engineer: EngineerData,
    timeline: list[Job],
    position: int,
) -> tuple[int, int, int] | None:
    problem = schedule.problem
    calendar = engineer.calendar
    previous = timeline[position - 1] if position > 0 else None
    following = timeline[position] if position < len(timeline) else None
    latest = ticket.latest_start
    overnight = pauses_overnight(ticket.p50, problem.split_overnight_from)
    candidate = max(ticket.earliest_start, previous.end if previous else 0)
    candidate = max(candidate, schedule.not_before.get(ticket.index, candidate))
    locations = None
    while True:
        shift = bisect_right(calendar.ends, candidate)
        if shift >= len(calendar.shifts):
            return None
        # A later start in this shift only ends later: past its last start, try the next.
        last_here = calendar.latest_start(shift, ticket.p50, overnight=overnight)
        start = max(candidate, calendar.starts[shift])
        travel = 0
        if ticket.onsite:
            ready = calendar.starts[shift]
            if previous is not None and calendar.shift_of_end(previous.end) == shift:
                ready = previous.end
            ready = max(ready, schedule.not_before.get(ticket.index, ready))
            if locations is None:
                locations = _location_by_day(problem, engineer, timeline[:position])
            location = locations.get(engineer.shift_days[shift], engineer.home)
            if schedule.buffer is not None:
                travel = schedule.buffer(ticket, engineer)
            elif location is not None and ticket.site is not None:
                travel = problem.travel(location, ticket.site)
            start = max(start, ready + travel)
        if start > last_here:
            if overnight and start < calendar.ends[shift]:
                return None  # its work runs past the last shift, from any later start too
            candidate = calendar.ends[shift]  # a short job waits for the next day
            continue
        if latest is not None and start > latest:
            return None
        if ticket.fixed_start is not None and start != ticket.fixed_start:
            return None
        end = calendar.finish(start, ticket.p50, overnight=overnight)
        if end is None:
            return None
        if following is not None and end > following.start - _reserved(
            schedule, following, engineer
        ):
            return None
        wait = schedule.tier_conflict(ticket.tier, start, end)
        if wait is not None:
            candidate = max(wait, start + 1)
            continue
        if (
            following is not None
            and schedule.buffer is None
            and not _rest_still_holds(
                schedule,
                engineer,
                timeline,
                position,
                Job(ticket.index, engineer.index, start, end),
            )
        ):
            return None
        return start, end, travel


def _reserved(schedule: Schedule, job: Job, engineer: EngineerData) -> int:
    """Travel a job reserves before its start on ``engineer``'s day (buffered schedules
    only)."""
    ticket = schedule.problem.tickets[job.ticket]
    if schedule.buffer is None or not ticket.onsite:
        return 0
    return schedule.buffer(ticket, engineer)


def _rest_still_holds(
    schedule: Schedule, engineer: EngineerData, timeline: list[Job], position: int, new_job: Job
) -> bool:
    """Inserting before later jobs may change their ready time and travel: re-walk."""
    jobs = [(j.ticket, j.start, j.end) for j in timeline]
    jobs.insert(position, (new_job.ticket, new_job.start, new_job.end))
    steps = walk(schedule.problem, engineer, jobs, schedule.not_before)
    return all(step.start >= step.earliest for step in steps)


def find_crew_slot(
    schedule: Schedule, ticket: TicketData, members: tuple[int, ...], *, gaps: bool = False
) -> tuple[int, int, tuple[int, ...]] | None:
    """Earliest (start, end, each member's travel) for ``ticket`` done by ``members``
    together, keeping every rule (SPEC "Crews": the work runs in the crew's joint shift
    time, S and F lie in it; each member walks their own day, so S >= ready + travel for
    every member; a short job does not pause overnight in the joint time; window, fixed
    start and tier cap as for any job).

    Without ``gaps`` the job goes after each member's last job (the rule of thumb); with
    them it may go between jobs, where the later jobs of every member still keep their
    travel."""
    problem = schedule.problem
    joint = problem.calendar_of(members)
    overnight = pauses_overnight(ticket.p50, problem.split_overnight_from)
    latest = ticket.latest_start
    days = [schedule.by_engineer[m] for m in members]
    floor = schedule.not_before.get(ticket.index)
    candidate = ticket.earliest_start
    if not gaps:
        candidate = max([candidate, *(day[-1].end for day in days if day)])
    if floor is not None:
        candidate = max(candidate, floor)
    while True:
        piece = bisect_right(joint.ends, candidate)
        if piece >= len(joint.shifts):
            return None
        last_here = joint.latest_start(piece, ticket.p50, overnight=overnight)
        start = max(candidate, joint.starts[piece])
        trips, start = _crew_arrival(problem, ticket, members, days, start, floor)
        if start >= joint.ends[piece] or start > last_here:
            if overnight and start < joint.ends[piece]:
                return None  # its work runs past the last joint shift from any later start
            candidate = max(start, joint.ends[piece]) if start > last_here else start
            continue
        if latest is not None and start > latest:
            return None
        if ticket.fixed_start is not None and start != ticket.fixed_start:
            return None
        end = joint.finish(start, ticket.p50, overnight=overnight)
        if end is None:
            return None
        blocked = _crew_blocked(schedule, ticket, members, days, start, end)
        if blocked is not None:
            candidate = max(blocked, start + 1)
            continue
        wait = schedule.tier_conflict(ticket.tier, start, end)
        if wait is not None:
            candidate = max(wait, start + 1)
            continue
        return start, end, trips


def _crew_arrival(
    problem: Problem,
    ticket: TicketData,
    members: tuple[int, ...],
    days: list[list[Job]],
    start: int,
    floor: int | None,
) -> tuple[tuple[int, ...], int]:
    """Each member's travel to a crew job at ``start`` or later, and the earliest start
    from ``start`` on that their jobs before it and those trips allow (SPEC "Travel",
    each member from the end of their previous job in the same shift, else their shift
    start, and from where that day has taken them). Past a member's shift the answer may
    lie outside the joint piece: the caller moves on."""
    while True:
        trips: list[int] = []
        needed = start
        for member, day in zip(members, days, strict=True):
            engineer = problem.engineers[member]
            calendar = engineer.calendar
            shift = calendar.shift_of_start(start)
            if shift is None:  # past the joint piece: the caller moves on
                return tuple(trips), start
            before = day[: bisect_right(day, start, key=lambda job: job.end)]
            ready = calendar.starts[shift]
            if before and calendar.shift_of_end(before[-1].end) == shift:
                ready = max(ready, before[-1].end)
            if floor is not None:
                ready = max(ready, floor)
            travel = 0
            if ticket.onsite and ticket.site is not None:
                locations = _location_by_day(problem, engineer, before)
                location = locations.get(engineer.shift_days[shift], engineer.home)
                travel = problem.travel(location, ticket.site) if location is not None else 0
            trips.append(travel)
            needed = max(needed, ready + travel)
        if needed <= start:
            return tuple(trips), start
        start = needed


def _crew_blocked(
    schedule: Schedule,
    ticket: TicketData,
    members: tuple[int, ...],
    days: list[list[Job]],
    start: int,
    end: int,
) -> int | None:
    """None if a crew job over [start, end) fits every member's day (no overlap, and
    their later jobs keep their travel); else an instant to look again from."""
    problem = schedule.problem
    blocked: int | None = None
    for member, day in zip(members, days, strict=True):
        later = bisect_right(day, start, key=lambda job: job.end)
        if later == len(day):
            continue
        following = day[later]
        engineer = problem.engineers[member]
        if following.start - _reserved(schedule, following, engineer) < end:
            blocked = max(blocked or 0, following.end)
            continue
        trial = Job(ticket.index, member, start, end)
        if schedule.buffer is None and not _rest_still_holds(schedule, engineer, day, later, trial):
            blocked = max(blocked or 0, following.end)
    return blocked


def place_crew(
    schedule: Schedule, ticket: TicketData, *, gaps: bool = False
) -> tuple[Job, int] | None:
    """The crew job the SPEC's rule of thumb builds for ``ticket``, one member at a time:
    first the engineer who could lead it on whom it alone would finish earliest, then each
    next member the engineer with whom the set so far would finish earliest (ties: the
    earlier start, then the order engineers are listed), the job appended after every
    member's last job (``find_crew_slot``; with ``gaps``, wherever it fits earliest),
    with the members' travel in all. None if no full crew can take it. The schedule is
    not changed."""
    problem = schedule.problem
    chosen: tuple[int, ...] = ()
    slot: tuple[int, int, tuple[int, ...]] | None = None
    while len(chosen) < ticket.crew:
        pool = problem.capable if not chosen else problem.crew_capable
        best: tuple[tuple[int, int, int], int, tuple[int, int, tuple[int, ...]]] | None = None
        for engineer_index in pool[ticket.index]:
            if engineer_index in chosen:
                continue
            found = find_crew_slot(schedule, ticket, (*chosen, engineer_index), gaps=gaps)
            if found is None:
                continue
            rank = (found[1], found[0], engineer_index)
            if best is None or rank < best[0]:
                best = (rank, engineer_index, found)
        if best is None:
            return None
        chosen, slot = (*chosen, best[1]), best[2]
    assert slot is not None
    return Job(ticket.index, chosen[0], slot[0], slot[1], chosen[1:]), sum(slot[2])


def crew_cost(problem: Problem, ticket: TicketData, job: Job, trips: int) -> float:
    """The objective a crew job adds, priced like ``ticket_cost`` on its lead (the
    surrogate), with every member's travel and the preference met by any member."""
    lead = problem.engineers[job.engineer]
    cost = ticket_cost(problem, ticket, lead, job.start, job.end, trips)
    if job.engineer not in ticket.preferred and not ticket.preferred.isdisjoint(job.crew):
        cost -= problem.weights.preference  # ticket_cost charged it on the lead alone
    return cost


def ticket_cost(
    problem: Problem, ticket: TicketData, engineer: EngineerData, start: int, end: int, travel: int
) -> float:
    """The objective this job adds (SLA risk, lateness, travel, preference)."""
    weights: Weights = problem.weights
    cost = sla_cost(problem, ticket, engineer, start)
    cost += ticket.weight * weights.late_per_hour * max(0, end - ticket.resolution_due) / 60
    cost += weights.travel_per_hour * travel / 60
    if ticket.preferred and engineer.index not in ticket.preferred:
        cost += weights.preference
    return cost


def reference_order(problem: Problem) -> list[TicketData]:
    fixed = sorted(
        (t for t in problem.tickets if t.fixed_start is not None),
        key=lambda t: (t.fixed_start, t.id),
    )
    others = sorted(
        (t for t in problem.tickets if t.fixed_start is None),
        key=lambda t: (-t.weight, t.resolution_due, t.id),
    )
    return fixed + others


Chooser = Callable[[TicketData, EngineerData, int, int, int], tuple[float, ...]]
# Engineers a ticket is tried on once the construction's deadline has passed (until its
# hard deadline): the least booked.
LATE_REACH = 2


def _construct(
    problem: Problem,
    schedule: Schedule,
    order: list[TicketData],
    *,
    gaps: bool,
    key: Chooser,
    engineers_of: Callable[[TicketData], list[int]] | None = None,
    deadline: float | None = None,
    worth: Callable[[TicketData, float], bool] | None = None,
    reach: int | None = None,
    clock: Clock = WALL,
    hard_deadline: float | None = None,
) -> Schedule:
    booked = [sum(j.end - j.start for j in day) for day in schedule.by_engineer]
    # (booked minutes, engineer), kept sorted: the least booked engineers in order.
    by_load = sorted((minutes, e) for e, minutes in enumerate(booked))
    for ticket in order:
        late = deadline is not None and clock.now() > deadline and not ticket.must_assign
        if late and (hard_deadline is None or clock.now() > hard_deadline):
            continue  # out of time: only work that must be assigned is still placed
        if ticket.crew > 1 and engineers_of is None:
            # A crew job is placed whenever a crew can take it, even where leaving it out
            # would cost less: staffing a visit of two or more is what the dispatcher
            # needs the plan for, and nothing else would place it.
            clock.charge(SLOT_SECONDS * max(1, len(problem.eligible[ticket.index])))
            crew = place_crew(schedule, ticket, gaps=gaps)
            if crew is not None:
                schedule.add(crew[0])
            continue
        best: tuple[tuple[float, ...], Job] | None = None
        engineers = engineers_of(ticket) if engineers_of else problem.eligible[ticket.index]
        tried = LATE_REACH if late else reach
        if tried is not None and len(engineers) > tried:
            # A big day on a short limit: only the least booked engineers are tried (past
            # the deadline, the two least booked, so that the rest still finds a place).
            allowed = set(engineers)
            engineers = list(islice((e for _, e in by_load if e in allowed), tried))
        clock.charge(SLOT_SECONDS * len(engineers))
        for engineer_index in engineers:
            engineer = problem.engineers[engineer_index]
            slot = find_slot(schedule, ticket, engineer, gaps=gaps and not late)
            if slot is None:
                continue
            start, end, travel = slot
            rank = (*key(ticket, engineer, start, end, travel), engineer_index)
            if best is None or rank < best[0]:
                best = (rank, Job(ticket.index, engineer_index, start, end))
        if best is not None and (worth is None or worth(ticket, best[0][0])):
            schedule.add(best[1])
            chosen = best[1].engineer
            by_load.pop(bisect_left(by_load, (booked[chosen], chosen)))
            booked[chosen] += best[1].end - best[1].start
            insort(by_load, (booked[chosen], chosen))
    return schedule


def reference_plan(problem: Problem) -> list[Job]:
    """SPEC's rule of thumb: appointments first, then weightiest first onto the
    engineer on whom the ticket would finish earliest, appended after their last job at
    the earliest start the rules allow (``find_slot``: travel, window, tier cap, and a job
    shorter than ``split_overnight_from`` not pausing overnight, SPEC "Work")."""
    return _construct(
        problem,
        Schedule(problem),
        reference_order(problem),
        gaps=False,
        key=lambda ticket, engineer, start, end, travel: (end, start),
    ).jobs()


def greedy_plan(
    problem: Problem,
    schedule: Schedule | None = None,
    order: list[TicketData] | None = None,
    engineers_of: Callable[[TicketData], list[int]] | None = None,
    deadline: float | None = None,
    thrifty: bool = False,
    reach: int | None = None,
    clock: Clock = WALL,
    hard_deadline: float | None = None,
) -> list[Job]:
    """Our construction: like the rule of thumb, but a job may fill a gap between jobs and
    goes to the engineer where it adds least to the objective (then finishes earliest).
    ``thrifty``: a ticket that would cost more placed than left out stays out (unless it
    must be assigned), leaving its time to the tickets after it.

    Past ``deadline`` (an instant of ``clock``, which each ticket's placement is charged
    to) it tries each ticket on its ``LATE_REACH`` least booked engineers only, and past
    ``hard_deadline`` (or the deadline, without one) it places only the tickets that must
    be assigned (booked appointments, must_assign), leaving the others not yet placed
    unassigned. With ``reach``, each
    ticket is tried on at most that many of its engineers, the least booked so far (a big
    day on a short time limit)."""
    schedule = schedule or Schedule(problem)
    order = order if order is not None else reference_order(problem)
    return _construct(
        problem,
        schedule,
        order,
        gaps=True,
        key=lambda ticket, engineer, start, end, travel: (
            round(ticket_cost(problem, ticket, engineer, start, end, travel), 9),
            end,
            start,
        ),
        engineers_of=engineers_of,
        deadline=deadline,
        reach=reach,
        clock=clock,
        hard_deadline=hard_deadline,
        worth=(
            # Appointments count as must-assign tickets (the loader marks them so).
            lambda ticket, cost: (
                ticket.must_assign or cost < unassigned_cost(problem, ticket) - 1e-9
            )
        )
        if thrifty
        else None,
    ).jobs()


def cheapest_slot(
    schedule: Schedule, ticket: TicketData, clock: Clock = WALL
) -> tuple[float, Job] | None:
    """The gap where ``ticket`` adds least to the objective, over its eligible engineers,
    with that cost; None if it fits nowhere. The pairs tried are charged to ``clock``."""
    problem = schedule.problem
    clock.charge(SLOT_SECONDS * max(1, len(problem.eligible[ticket.index])))
    if ticket.crew > 1:
        crew = place_crew(schedule, ticket, gaps=True)
        return None if crew is None else (crew_cost(problem, ticket, *crew), crew[0])
    best: tuple[float, Job] | None = None
    for engineer_index in problem.eligible[ticket.index]:
        engineer = problem.engineers[engineer_index]
        slot = find_slot(schedule, ticket, engineer, gaps=True)
        if slot is None:
            continue
        start, end, travel = slot
        cost = ticket_cost(problem, ticket, engineer, start, end, travel)
        if best is None or cost < best[0]:
            best = (cost, Job(ticket.index, engineer_index, start, end))
    return best


def fill_unassigned(
    problem: Problem,
    jobs: list[Job],
    evaluation: Evaluation,
    evaluate_jobs: Callable[[list[Job]], Evaluation],
    *,
    valid: Callable[[list[Job]], bool] | None = None,
    deadline: float | None = None,
    clock: Clock = WALL,
) -> tuple[list[Job], Evaluation]:
    """Place unassigned tickets into the gaps of a finished plan, costliest to leave first,
    wherever the exact objective falls (nothing already placed moves), until ``deadline``
    on ``clock``."""
    schedule = Schedule.of(problem, jobs)
    waiting = sorted(
        (problem.tickets[t] for t in evaluation.unassigned_risk),
        key=lambda t: (-unassigned_cost(problem, t), t.id),
    )
    for ticket in waiting:
        if deadline is not None and clock.now() > deadline:
            break
        best = cheapest_slot(schedule, ticket, clock)
        if best is None or best[0] >= unassigned_cost(problem, ticket) - 1e-9:
            continue
        candidate = [*jobs, best[1]]
        if valid is not None and not valid(candidate):
            continue
        trial = evaluate_jobs(candidate)
        if trial.total < evaluation.total - 1e-9:
            jobs, evaluation = candidate, trial
            schedule.add(best[1])
    return jobs, evaluation
