"""The situation at now: the old plan and the events read into what the new plan starts
from (``situation_at``), and the questions the repair and the search ask of it (what
is broken, what the disruption costs, which of two plans is better).

The old plan splits at now into completed work, running work (kept, or cut when its
engineer becomes unavailable) and future work (free to change, at a price). Events
apply to a copy of the problem: added tickets join it, unavailable periods leave the
engineers' shifts, the rest of a cut job becomes its ticket's work.

Every evaluation and feasibility check of a candidate plan is charged to the situation's
``clock`` (the wall clock; with one worker the re-plan's deterministic work clock, see
``clock.WorkClock``), which the repair's and the search's deadlines are read from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dispatcher.errors import InputError
from dispatcher.io.history import (
    PlanReader,
    engineer_without,
    replace_problem,
    rest_of,
    with_tickets,
)
from dispatcher.io.loader import compile_added_tickets
from dispatcher.semantics.evaluate import Evaluation, Job, evaluate
from dispatcher.semantics.problem import Problem, TicketData
from dispatcher.solver.clock import (
    CHECK_SECONDS_PER_TICKET,
    EVALUATION_SECONDS_PER_TICKET,
    WALL,
    Clock,
)
from dispatcher.solver.feasibility import broken_tickets
from dispatcher.solver.reschedule.commandline import (
    CommandLineClock,
    engineer_named,
    ticket_named,
)
from dispatcher.solver.reschedule.events import Events, Unavailable, Wording
from models import Plan

Absence = tuple[int, int, int, Unavailable]  # engineer, from, to (minutes), the event


@dataclass
class Situation:
    """The day at now: the problem after the events, the old plan split at now (completed,
    running, future), the tickets free to place and the events to record."""

    problem: Problem
    now: int
    completed: list[Job]
    history: list[Job]  # worked parts of cut jobs: they set locations, nothing else
    running: list[Job]
    previous: dict[int, tuple[int, int]]  # future jobs of the old plan: ticket -> (engineer, S)
    cut: set[int]  # tickets cut in this reschedule (each a reassignment)
    free: list[int]
    event_tickets: list[int]  # added and cut tickets: the ones that need a place
    must: list[int]  # free tickets that must be assigned (must_assign, appointments)
    focus: list[int]  # engineers the events touched
    events: list[dict[str, Any]]
    added: list[dict[str, Any]]  # every added ticket so far, in full
    # Future crew jobs of the old plan: ticket -> the members besides the lead.
    previous_crew: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # A rebase (``rebase``): live jobs of the base plan whose engineer (or a crew member) is
    # gone from the new scenario: ticket -> (lead id, start, other members' ids). Each is a
    # reassignment, like a job cut by ``--unavailable``.
    gone_previous: dict[int, tuple[str, int, tuple[str, ...]]] = field(default_factory=dict)

    def was(self, job: Job) -> bool:
        """Is ``job`` where the old plan had it (same engineers, same start)?"""
        old = self.previous.get(job.ticket)
        return old == (job.engineer, job.start) and job.crew == self.previous_crew.get(
            job.ticket, ()
        )

    def same_engineers(self, job: Job) -> bool:
        """Does ``job`` keep the old plan's engineer (for a crew job, the set of them)?"""
        old = self.previous.get(job.ticket)
        if old is None:
            return False
        before = {old[0], *self.previous_crew.get(job.ticket, ())}
        return set(job.members) == before

    @property
    def background(self) -> list[Job]:
        return [job for job in [*self.completed, *self.history] if job.end > job.start]

    def not_before(self, jobs: Iterable[Job] = ()) -> dict[int, int]:
        """Free tickets may not set off before now, unless kept exactly where they were."""
        kept = {job.ticket for job in jobs if self.was(job)}
        return {t: self.now for t in self.free if t not in kept}

    def disruption(self, jobs: Iterable[Job]) -> tuple[float, int, int]:
        """(cost, #reassigned, #moved) of the free jobs against the old plan."""
        weights = self.problem.weights
        placed = {job.ticket: job for job in jobs}
        reassigned, moved = len(self.cut) + len(self.gone_previous), 0
        tolerance = weights.move_tolerance.minutes
        for ticket, (_, start) in self.previous.items():
            job = placed.get(ticket)
            if job is None or not self.same_engineers(job):  # a crew: another set of engineers
                reassigned += 1
            elif abs(job.start - start) > tolerance:
                moved += 1
        return weights.reassign * reassigned + weights.move * moved, reassigned, moved

    def missing(self, free_jobs: list[Job]) -> int:
        """Tickets that must be assigned (appointments, must_assign, the priced job) left out."""
        placed = {job.ticket for job in free_jobs}
        return sum(1 for ticket in self.must if ticket not in placed)

    def better(
        self, jobs: list[Job], evaluation: Evaluation, than: tuple[list[Job], Evaluation]
    ) -> bool:
        return (self.missing(jobs), evaluation.total) < (
            self.missing(than[0]),
            than[1].total - 1e-9,
        )

    # Running tickets whose end was overrun (now, or in an earlier reschedule of the job
    # that was running then): they end no earlier than their end in the plan.
    overruns: frozenset[int] = frozenset()
    # What the re-plan's deadlines are read from, charged with the work done on it: the
    # wall clock, or (one worker) the deterministic work clock (``replan.reschedule``).
    clock: Clock = field(default=WALL, repr=False, compare=False)

    def ends_no_earlier_than(self) -> dict[int, int]:
        """SPEC: a running job ends at the later of its drawn end and now, an overrun one
        at the later of its drawn end and its overrun end (its F in the plan)."""
        return {
            job.ticket: job.end if job.ticket in self.overruns else self.now for job in self.running
        }

    def live(self) -> int:
        """Tickets whose jobs a plan still decides: the free ones and the running ones."""
        return len(self.free) + len(self.running)

    def evaluate(self, free_jobs: list[Job]) -> Evaluation:
        self.clock.charge(EVALUATION_SECONDS_PER_TICKET * self.live())
        cost, _, _ = self.disruption(free_jobs)
        return evaluate(
            self.problem,
            [*self.running, *free_jobs],
            completed=self.completed,
            history=self.history,
            disruption=cost,
            now=self.now,
            running=self.ends_no_earlier_than(),
        )

    def broken(self, free_jobs: list[Job]) -> set[int]:
        self.clock.charge(CHECK_SECONDS_PER_TICKET * self.live())
        return broken_tickets(
            self.problem,
            [*self.running, *free_jobs],
            given=frozenset(job.ticket for job in self.running),
            background=self.background,
            not_before=self.not_before(free_jobs),
        )


@dataclass(frozen=True)
class Hints:
    """What a rebase tells the re-plan beyond its events (ids of the new scenario): tickets
    that need a place as added ones do, engineers whose days changed, and the live jobs
    of engineers gone from the new scenario (see ``Situation.gone_previous``)."""

    event_tickets: tuple[str, ...] = ()
    focus: tuple[str, ...] = ()
    gone_previous: dict[str, tuple[str, dt.datetime, tuple[str, ...]]] = field(default_factory=dict)

    def apply(self, sit: Situation, clock: CommandLineClock) -> None:
        problem = sit.problem
        tickets = [problem.ticket_index[t] for t in self.event_tickets if t in problem.ticket_index]
        sit.event_tickets = [*sit.event_tickets, *(t for t in tickets if t in sit.free)]
        engineers = {problem.engineer_index[e] for e in self.focus if e in problem.engineer_index}
        sit.focus = sorted({*sit.focus, *engineers})
        for name, (lead, start, crew) in self.gone_previous.items():
            index = problem.ticket_index.get(name)
            minute = clock.plan(start)
            if index is not None and index in sit.free and minute is not None:
                sit.gone_previous[index] = (lead, minute, crew)


@dataclass
class _Commands:
    """The command line's events at now, resolved against the problem."""

    now: int
    absences: list[Absence]
    done: set[int]
    overruns: dict[int, int]  # ticket -> the minute its running job now ends


@dataclass
class _Split:
    """The old plan's jobs split at now, and the tickets whose jobs were cut."""

    completed: list[Job]
    history: list[Job]
    tickets: list[TicketData]
    running: list[Job] = field(default_factory=list)
    previous: dict[int, tuple[int, int]] = field(default_factory=dict)
    previous_crew: dict[int, tuple[int, ...]] = field(default_factory=dict)
    cut: set[int] = field(default_factory=set)
    cuts_of: defaultdict[int, list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list)
    )


def situation_at(
    base: Problem,
    old: Plan,
    now_value: dt.datetime | str,
    events: Events,
    plan_name: str,
    must_assign: bool = False,
) -> tuple[Situation, Problem, list[Job], list[Job], list[Job]]:
    """The situation at T; also the problem before the events, the old plan's live jobs,
    its completed work and its cut parts (for the 'before' objective)."""
    reader = PlanReader(base, old, plan_name)
    wording = events.wording
    clock = CommandLineClock(base, wording.source)
    now = _now(clock, old, now_value, wording)
    problem, added_raw = reader.added_before(base)
    earlier = reader.earlier_overruns(problem)
    problem, old_pieces = reader.apply_history(problem)
    before_problem = problem
    assignments, old_completed = reader.old_jobs(problem)
    problem, added_ids = _add_tickets(problem, events, must_assign, added_raw)
    job_of = {job.ticket: job for job in assignments}
    problem, absences = _absences(problem, events, clock, now)
    done = _done(problem, events, job_of, old_completed, now)
    commands = _Commands(now, absences, done, _overruns(problem, events, job_of, clock, now, done))
    split = _split_at_now(
        problem, before_problem, assignments, old_completed, old_pieces, clock, commands
    )
    problem = replace_problem(problem, tickets=split.tickets)
    taken = {job.ticket for job in [*split.completed, *split.running]}
    free = [t.index for t in problem.tickets if t.index not in taken]
    added_indices = [problem.ticket_index[name] for name in added_ids]
    event_tickets = [*added_indices, *sorted(split.cut)]

    focus: set[int] = {index for index, _, _, _ in absences}
    for ticket in commands.overruns:
        focus.add(job_of[ticket].engineer)

    recorded = _recorded(problem, events, clock, added_ids, commands, split.cuts_of)
    situation = Situation(
        problem=problem,
        now=now,
        completed=split.completed,
        history=split.history,
        running=split.running,
        previous=split.previous,
        previous_crew=split.previous_crew,
        cut=split.cut,
        free=free,
        event_tickets=event_tickets,
        must=[t for t in free if problem.tickets[t].must_assign],
        focus=sorted(focus),
        events=recorded,
        added=added_raw,
        overruns=frozenset(
            [
                *commands.overruns,
                *(
                    job.ticket
                    for job in split.running
                    if job.start < earlier.get(job.ticket, job.start)
                ),
            ]
        ),
    )
    live = [job for job in assignments]
    return situation, before_problem, live, old_completed, old_pieces


def _now(clock: CommandLineClock, old: Plan, now_value: dt.datetime | str, wording: Wording) -> int:
    """``now`` in minutes; a plan is rescheduled forwards from its own now."""
    now = clock.option(now_value, wording.option("now"))
    block = old.reschedule or {}
    old_now = clock.plan(block.get("now"))
    if old_now is not None and now < old_now:
        raise InputError.single(
            wording.source,
            f"now is before the plan's own 'now' ({clock.text(old_now)}): "
            "a plan is rescheduled forwards",
            path=wording.option("now"),
        )
    return now


def _add_tickets(
    problem: Problem, events: Events, must_assign: bool, added_raw: list[dict[str, Any]]
) -> tuple[Problem, list[str]]:
    """The problem with the events' new tickets, and their ids; ``added_raw`` (every
    added ticket so far, in full) is extended with them."""
    added_ids: list[str] = []
    for group in events.add:
        compiled = compile_added_tickets(problem, group.tickets, group.lines, group.filename)
        if must_assign:
            compiled = [dataclasses.replace(t, must_assign=True) for t in compiled]
        problem = with_tickets(problem, compiled, group.tickets)
        added_raw += [t.model_dump(mode="json", exclude_none=True) for t in group.tickets]
        added_ids += [t.id for t in group.tickets]
    return problem, added_ids


def _absences(
    problem: Problem, events: Events, clock: CommandLineClock, now: int
) -> tuple[Problem, list[Absence]]:
    """The unavailable periods in minutes, and the problem with them out of the shifts."""
    engineers = list(problem.engineers)
    absences: list[Absence] = []
    source, option = events.wording.source, events.wording.option("unavailable")
    for absence in events.unavailable:
        index = engineer_named(problem, absence.engineer, option, source)
        low = now if absence.start is None else clock.option(absence.start, option, clip=True)
        high = (
            problem.horizon_end
            if absence.end is None
            else clock.option(absence.end, option, clip=True)
        )
        if high <= low:
            raise InputError.single(
                source,
                f"{absence.engineer}: the period is empty (it must end after it starts, inside the "
                "horizon)",
                path=option,
            )
        absences.append((index, low, high, absence))
        engineers[index] = engineer_without(engineers[index], max(low, now), high)
    return replace_problem(problem, engineers=engineers), absences


def _done(
    problem: Problem, events: Events, job_of: dict[int, Job], old_completed: list[Job], now: int
) -> set[int]:
    """Tickets marked done; only running or future jobs can be."""
    done: set[int] = set()
    source, option = events.wording.source, events.wording.option("done")
    for name in events.done:
        index = ticket_named(problem, name, option, source)
        job = job_of.get(index)
        if job is None or job.end <= now:
            state = (
                "already completed"
                if job is not None or any(c.ticket == index for c in old_completed)
                else "not assigned in the plan"
            )
            raise InputError.single(
                source,
                f"{name} cannot be marked done: it is {state} (only running or future jobs can)",
                path=option,
            )
        done.add(index)
    return done


def _overruns(
    problem: Problem,
    events: Events,
    job_of: dict[int, Job],
    clock: CommandLineClock,
    now: int,
    done: set[int],
) -> dict[int, int]:
    """Running jobs that overrun: ticket -> the minute they now need until. Events that
    contradict each other are refused, naming both: one ticket overrun twice, overrun and
    done, or "overrun" to before its planned end."""
    overruns: dict[int, int] = {}
    given: dict[int, str] = {}
    wording = events.wording
    source, option = wording.source, wording.option("overrun")
    for overrun in events.overrun:
        index = ticket_named(problem, overrun.ticket, option, source)
        job = job_of.get(index)
        if job is None or not job.start < now < job.end:
            raise InputError.single(
                source,
                f"{overrun.ticket} is not running at now, so it cannot overrun",
                path=option,
            )
        text = wording.event("overrun", f"{overrun.ticket}@{overrun.until.isoformat()}")
        if index in given:
            raise InputError.single(
                source,
                f"{given[index]} and {text}: one ticket, two overruns; give one",
                path=option,
            )
        if index in done:
            raise InputError.single(
                source,
                f"{wording.event('done', overrun.ticket)} and {text}: a job cannot be both "
                "done now and still running; give one",
                path=option,
            )
        given[index] = text
        until = clock.option(overrun.until, option)
        if until <= now:
            raise InputError.single(
                source, f"{overrun.ticket}: the overrun's end must be after now", path=option
            )
        if until < job.end:
            planned = problem.instant(job.end).isoformat()
            raise InputError.single(
                source,
                f"{text} is before its planned end {planned}: an overrun ends later; "
                f"for a job that ends early, mark it {wording.option('done')} when it is",
                path=option,
            )
        overruns[index] = until
    return overruns


def _split_at_now(
    problem: Problem,
    before_problem: Problem,
    assignments: list[Job],
    old_completed: list[Job],
    old_pieces: list[Job],
    clock: CommandLineClock,
    commands: _Commands,
) -> _Split:
    """The old plan's jobs at now: done or ended ones complete, running ones kept or cut,
    future ones free (remembered as ``previous``)."""
    now = commands.now
    split = _Split(
        completed=list(old_completed), history=list(old_pieces), tickets=list(problem.tickets)
    )
    for job in assignments:
        if job.ticket in commands.done:
            split.completed.append(
                Job(job.ticket, job.engineer, min(job.start, now), now, job.crew)
            )
        elif job.end <= now:
            split.completed.append(job)
        elif job.start < now:
            _running_at_now(split, problem, before_problem, clock, commands, job)
        else:
            split.previous[job.ticket] = (job.engineer, job.start)
            if job.crew:
                split.previous_crew[job.ticket] = job.crew
    return split


def _running_at_now(
    split: _Split,
    problem: Problem,
    before_problem: Problem,
    clock: CommandLineClock,
    commands: _Commands,
    job: Job,
) -> None:
    """A job running at now keeps going, to its new end, unless its engineer is absent
    now or cannot finish it: then it is cut, and the rest becomes its ticket's work."""
    now = commands.now
    absent = [
        member
        for member in job.members
        if any(i == member and low <= now < high for i, low, high, _ in commands.absences)
    ]
    end = _running_end(job, problem, before_problem, commands.overruns)
    if absent or end < 0:
        # A crew job is cut for everyone when any member goes (SPEC "Rescheduling"): the
        # cut is recorded in that member's event and lists every member.
        worked = problem.calendar_of(job.members).minutes_between(job.start, now)
        split.tickets[job.ticket] = rest_of(split.tickets[job.ticket], worked, job.start)
        split.history.append(Job(job.ticket, job.engineer, job.start, now, job.crew))
        split.cut.add(job.ticket)
        for member in job.members:
            split.cuts_of[absent[0] if absent else job.engineer].append(
                {
                    "ticket": problem.tickets[job.ticket].id,
                    "engineer": problem.engineers[member].id,
                    "start": clock.text(job.start),
                    "end": clock.text(now),
                }
            )
    else:
        split.running.append(Job(job.ticket, job.engineer, job.start, end, job.crew))


def _running_end(
    job: Job, problem: Problem, before_problem: Problem, overruns: dict[int, int]
) -> int:
    """Where a running job now ends; -1 if its engineers' shifts cannot hold it (a crew
    job works in its members' joint shift time)."""
    calendar = problem.calendar_of(job.members)
    end = job.end
    if job.ticket in overruns:
        end = (
            calendar.finish(job.start, calendar.minutes_between(job.start, overruns[job.ticket]))
            or job.end
        )
    else:
        before = before_problem.calendar_of(job.members)
        if calendar.shifts != before.shifts:
            # An engineer leaves later: the shift minutes the job needed still have to
            # be worked, pausing over the absence.
            needed = before.minutes_between(job.start, job.end)
            end = calendar.finish(job.start, needed) or -1
    return end


def _recorded(
    problem: Problem,
    events: Events,
    clock: CommandLineClock,
    added_ids: list[str],
    commands: _Commands,
    cuts_of: defaultdict[int, list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """The events as the new plan's ``reschedule`` block records them."""
    recorded: list[dict[str, Any]] = []
    if added_ids:
        recorded.append({"type": "add", "tickets": added_ids})
    for name in events.done:
        recorded.append({"type": "done", "ticket": name})
    for overrun in events.overrun:
        recorded.append(
            {
                "type": "overrun",
                "ticket": overrun.ticket,
                "until": clock.text(commands.overruns[problem.ticket_index[overrun.ticket]]),
            }
        )
    for index, low, high, absence in commands.absences:
        recorded.append(
            {
                "type": "unavailable",
                "engineer": absence.engineer,
                "from": clock.text(low),
                "to": clock.text(high),
                "cut": cuts_of.pop(index, []),
            }
        )
    return recorded
