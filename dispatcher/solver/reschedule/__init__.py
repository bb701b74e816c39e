"""Rescheduling a plan from an instant T with events (SPEC "Rescheduling").

The old plan splits at T into completed work (moved to ``completed`` as it is),
running work (kept, or cut when its engineer becomes unavailable) and future
work (free to change, at a price: ``disruption``). Events are applied to a
copy of the problem: added tickets join it, unavailable periods leave the
engineers' shifts, the rest of a cut job becomes its ticket's work.

The new plan is built in three steps: *repair* (keep every future job that
still holds, insert the rest greedily, then let event tickets bump work where
that pays), then CP-SAT on the whole day or, for big days, a neighbourhood
search around the engineers the events touched, every model pricing the
disruption exactly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dispatcher import interrupt
from dispatcher.errors import InputError
from dispatcher.io.loader import compile_added_tickets
from dispatcher.io.yamlio import LineMap
from dispatcher.semantics.evaluate import Evaluation, Job, evaluate
from dispatcher.semantics.problem import EngineerData, Problem, TicketData
from dispatcher.semantics.risk import sigma_of
from dispatcher.semantics.shifts import ShiftCalendar
from dispatcher.semantics.timeconv import minutes_since, to_utc
from dispatcher.semantics.walk import walk
from dispatcher.solver.assemble import build_plan
from dispatcher.solver.budget import PAIR_BUDGET, workers_for
from dispatcher.solver.construct import (
    Schedule,
    find_slot,
    greedy_plan,
    reference_order,
    ticket_cost,
)
from dispatcher.solver.cpsat import solve_model
from dispatcher.solver.feasibility import broken_tickets
from dispatcher.solver.lns import improve
from dispatcher.solver.model import ModelBuilder, hint_model
from dispatcher.solver.scopes import ModelScope, SearchBudget, SearchScope
from dispatcher.solver.solve import SolveOptions
from models import Plan
from models.scenario import Ticket

log = logging.getLogger(__name__)

COMMAND_LINE = "command line"


# --------------------------------------------------------------------------- events


@dataclass(frozen=True)
class AddedTickets:
    """Tickets joining the plan, with where they came from (for error messages)."""

    tickets: list[Ticket]
    filename: str = "<added tickets>"
    lines: LineMap = field(default_factory=LineMap)


@dataclass(frozen=True)
class Unavailable:
    """``--unavailable ENG[@FROM/TO]``: [FROM, TO) leaves the engineer's shifts."""

    engineer: str
    start: dt.datetime | None = None  # None: now
    end: dt.datetime | None = None  # None: the horizon's end


@dataclass(frozen=True)
class Overrun:
    """``--overrun TICKET@UNTIL``: a running job now needs until UNTIL."""

    ticket: str
    until: dt.datetime


@dataclass
class Events:
    add: list[AddedTickets] = field(default_factory=list)
    unavailable: list[Unavailable] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    overrun: list[Overrun] = field(default_factory=list)


# --------------------------------------------------------------------------- result


@dataclass
class TierCost:
    objective: float = 0.0
    expected_breaches: float = 0.0


@dataclass
class Changes:
    """What the new plan changed, in ticket ids, engineer ids and instants."""

    kept: list[str] = field(default_factory=list)
    moved: list[tuple[str, str, dt.datetime, dt.datetime]] = field(default_factory=list)
    reassigned: list[tuple[str, str, str]] = field(default_factory=list)
    newly_assigned: list[tuple[str, str, dt.datetime]] = field(default_factory=list)
    newly_unassigned: list[tuple[str, str]] = field(default_factory=list)  # ticket, old engineer
    completed: list[str] = field(default_factory=list)
    before: dict[str, TierCost] = field(default_factory=dict)
    after: dict[str, TierCost] = field(default_factory=dict)


@dataclass
class RescheduleResult:
    plan: Plan
    changes: Changes
    problem: Problem  # the problem as it stands at T (added tickets, shifts less absences)
    jobs: list[Job]
    evaluation: Evaluation


# --------------------------------------------------------------------------- the situation at T


@dataclass
class _Situation:
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

    @property
    def background(self) -> list[Job]:
        return [job for job in [*self.completed, *self.history] if job.end > job.start]

    def not_before(self, jobs: Iterable[Job] = ()) -> dict[int, int]:
        """Free tickets may not set off before now, unless kept exactly where they were."""
        kept = {
            job.ticket for job in jobs if self.previous.get(job.ticket) == (job.engineer, job.start)
        }
        return {t: self.now for t in self.free if t not in kept}

    def disruption(self, jobs: Iterable[Job]) -> tuple[float, int, int]:
        """(cost, #reassigned, #moved) of the free jobs against the old plan."""
        weights = self.problem.weights
        placed = {job.ticket: job for job in jobs}
        reassigned, moved = len(self.cut), 0
        tolerance = weights.move_tolerance.minutes
        for ticket, (engineer, start) in self.previous.items():
            job = placed.get(ticket)
            if job is None or job.engineer != engineer:
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

    def evaluate(self, free_jobs: list[Job]) -> Evaluation:
        cost, _, _ = self.disruption(free_jobs)
        return evaluate(
            self.problem,
            [*self.running, *free_jobs],
            completed=self.completed,
            history=self.history,
            disruption=cost,
        )

    def broken(self, free_jobs: list[Job]) -> set[int]:
        return broken_tickets(
            self.problem,
            [*self.running, *free_jobs],
            given=frozenset(job.ticket for job in self.running),
            background=self.background,
            not_before=self.not_before(free_jobs),
        )


class _Clock:
    """Instants of the command line and of plan files <-> minutes since the horizon start."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem

    def option(self, value: dt.datetime | str, option: str, clip: bool = False) -> int:
        """Minutes of an instant given on the command line; outside the horizon it is an
        error, or (``clip``: the ends of a period) moved to the horizon's edge."""
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                raise InputError.single(
                    COMMAND_LINE, f"'{value}' is not an ISO 8601 datetime", path=option
                ) from None
        try:
            minute = minutes_since(self.problem.origin, to_utc(value, self.problem.tz))
        except ValueError as exc:
            raise InputError.single(COMMAND_LINE, str(exc), path=option) from None
        if clip:
            return min(max(minute, 0), self.problem.horizon_end)
        if not 0 <= minute <= self.problem.horizon_end:
            raise InputError.single(
                COMMAND_LINE,
                f"{value.isoformat()} lies outside the horizon "
                f"({self.text(0)} to {self.text(self.problem.horizon_end)})",
                path=option,
            )
        return minute

    def plan(self, value: dt.datetime | str | None) -> int | None:
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                return None
        if value is None:
            return None
        return minutes_since(self.problem.origin, to_utc(value, self.problem.tz))

    def text(self, minute: int) -> str:
        return self.problem.instant(minute).isoformat()


def _without(
    calendar: ShiftCalendar, days: tuple[int, ...], start: int, end: int
) -> tuple[ShiftCalendar, tuple[int, ...]]:
    """Shifts less [start, end); each piece keeps its shift's travel day."""
    shifts: list[tuple[int, int]] = []
    piece_days: list[int] = []
    for (low, high), day in zip(calendar.shifts, days, strict=True):
        pieces = [(low, high)] if end <= low or start >= high else []
        if not pieces:
            pieces = [(a, b) for a, b in ((low, start), (end, high)) if a < b]
        shifts += pieces
        piece_days += [day] * len(pieces)
    return ShiftCalendar(tuple(shifts)), tuple(piece_days)


def _engineer_without(engineer: EngineerData, start: int, end: int) -> EngineerData:
    calendar, days = _without(engineer.calendar, engineer.shift_days, start, end)
    return dataclasses.replace(engineer, calendar=calendar, shift_days=days)


def _rest_of(ticket: TicketData, worked: int) -> TicketData:
    """The rest of a cut job: effort less the shift minutes worked; window and booking past."""
    p50 = max(1, ticket.p50 - worked)
    p90 = max(p50, ticket.p90 - worked)
    return dataclasses.replace(
        ticket, p50=p50, p90=p90, sigma=sigma_of(p50, p90), window=None, fixed_start=None
    )


def _replace(problem: Problem, **changes: Any) -> Problem:
    """A copy of the problem (cached eligibility recomputed)."""
    fields = {f.name: getattr(problem, f.name) for f in dataclasses.fields(problem)}
    fields.update(changes)
    return Problem(**fields)


class _Builder:
    """Reads the old plan and the events into a _Situation; every error names its source."""

    def __init__(self, base: Problem, old: Plan, plan_name: str) -> None:
        self.base = base
        self.old = old
        self.plan_name = plan_name
        self.clock = _Clock(base)

    def fail(self, message: str, path: str = "") -> InputError:
        return InputError.single(self.plan_name, message, path=path)

    # -- the old plan's own history ----------------------------------------

    def history_rounds(self) -> list[dict[str, Any]]:
        block = self.old.reschedule
        if not block:
            return []
        rounds = [r for r in block.get("history") or [] if isinstance(r, dict)]
        return [*rounds, {"now": block.get("now"), "events": block.get("events") or []}]

    def added_before(self, problem: Problem) -> tuple[Problem, list[dict[str, Any]]]:
        block = self.old.reschedule or {}
        raw = [item for item in block.get("added_tickets") or [] if isinstance(item, dict)]
        if not raw:
            return problem, []
        tickets = []
        for i, item in enumerate(raw):
            try:
                tickets.append(Ticket.model_validate(item))
            except Exception as exc:  # pydantic ValidationError: name the field
                raise self.fail(
                    f"added ticket is not valid: {exc}".splitlines()[0],
                    f"reschedule.added_tickets[{i}]",
                ) from None
        compiled = compile_added_tickets(
            problem, tickets, LineMap(), self.plan_name, ("reschedule", "added_tickets")
        )
        return _with_tickets(problem, compiled, tickets), raw

    def apply_history(self, problem: Problem) -> tuple[Problem, list[Job]]:
        """Absences and cuts of earlier reschedules still hold."""
        engineers = list(problem.engineers)
        tickets = list(problem.tickets)
        pieces: list[Job] = []
        for round_ in self.history_rounds():
            then = self.clock.plan(round_.get("now")) or 0
            for event in round_.get("events") or []:
                if not isinstance(event, dict) or event.get("type") != "unavailable":
                    continue
                index = problem.engineer_index.get(str(event.get("engineer")))
                if index is None:
                    raise self.fail(
                        f"names unknown engineer '{event.get('engineer')}'", "reschedule"
                    )
                low = self.clock.plan(event.get("from"))
                high = self.clock.plan(event.get("to"))
                low = then if low is None else max(low, then)
                high = problem.horizon_end if high is None else high
                engineers[index] = _engineer_without(engineers[index], low, high)
                for cut in event.get("cut") or []:
                    ticket_index = problem.ticket_index.get(str(cut.get("ticket")))
                    start, end = self.clock.plan(cut.get("start")), self.clock.plan(cut.get("end"))
                    if ticket_index is None or start is None or end is None:
                        raise self.fail(
                            "a cut of an earlier reschedule is unreadable", "reschedule"
                        )
                    worked = engineers[index].calendar.minutes_between(start, end)
                    tickets[ticket_index] = _rest_of(tickets[ticket_index], worked)
                    pieces.append(Job(ticket_index, index, start, end))
        return _replace(problem, engineers=engineers, tickets=tickets), pieces

    # -- the old plan's jobs -----------------------------------------------

    def old_jobs(self, problem: Problem) -> tuple[list[Job], list[Job]]:
        """(assignments, completed) of the old plan as jobs of ``problem``."""

        def job(entry: Any, where: str) -> Job:
            ticket = problem.ticket_index.get(entry.ticket)
            engineer = problem.engineer_index.get(entry.engineer)
            if ticket is None:
                raise self.fail(
                    f"names ticket '{entry.ticket}', which is not in the scenario", where
                )
            if engineer is None:
                raise self.fail(
                    f"names engineer '{entry.engineer}', who is not in the scenario", where
                )
            start, end = self.clock.plan(entry.start), self.clock.plan(entry.end)
            assert start is not None and end is not None
            return Job(ticket, engineer, start, end)

        assignments = [job(a, f"assignments[{i}]") for i, a in enumerate(self.old.assignments)]
        completed = [job(c, f"completed[{i}]") for i, c in enumerate(self.old.completed)]
        placed = [*(j.ticket for j in assignments), *(j.ticket for j in completed)]
        placed += [problem.ticket_index.get(u.ticket, -1) for u in self.old.unassigned]
        missing = sorted(set(range(len(problem.tickets))) - set(placed))
        if missing or len(placed) != len(set(placed)) or -1 in placed:
            raise self.fail(
                "the plan does not list every ticket of the scenario exactly once "
                f"(missing: {', '.join(problem.tickets[i].id for i in missing[:5]) or 'none'})"
            )
        return assignments, completed


def problem_of_plan(problem: Problem, plan: Plan) -> tuple[Problem, list[Job]]:
    """The problem a plan was made for, and the worked parts of jobs its reschedules cut.

    A daily plan's problem is the scenario's; a rescheduled plan's has the tickets it
    added, and the absences and cuts of every round of its ``reschedule`` block.
    """
    if not plan.reschedule:
        return problem, []
    reader = _Builder(problem, plan, "plan")
    with_added, _ = reader.added_before(problem)
    return reader.apply_history(with_added)


def _with_tickets(problem: Problem, compiled: list[TicketData], models: list[Ticket]) -> Problem:
    scenario = problem.scenario.model_copy(update={"tickets": [*problem.scenario.tickets, *models]})
    return _replace(problem, tickets=[*problem.tickets, *compiled], scenario=scenario)


def _situation(
    base: Problem,
    old: Plan,
    now_value: dt.datetime | str,
    events: Events,
    plan_name: str,
    must_assign: bool = False,
) -> tuple[_Situation, Problem, list[Job], list[Job], list[Job]]:
    """The situation at T; also the problem before the events, the old plan's live jobs,
    its completed work and its cut parts (for the 'before' objective)."""
    reader = _Builder(base, old, plan_name)
    clock = reader.clock
    now = clock.option(now_value, "--now")
    block = old.reschedule or {}
    old_now = clock.plan(block.get("now"))
    if old_now is not None and now < old_now:
        raise InputError.single(
            COMMAND_LINE,
            f"now is before the plan's own 'now' ({clock.text(old_now)}): "
            "a plan is rescheduled forwards",
            path="--now",
        )
    problem, added_raw = reader.added_before(base)
    problem, old_pieces = reader.apply_history(problem)
    before_problem = problem
    assignments, old_completed = reader.old_jobs(problem)

    # New tickets.
    added_ids: list[str] = []
    for group in events.add:
        compiled = compile_added_tickets(problem, group.tickets, group.lines, group.filename)
        if must_assign:
            compiled = [dataclasses.replace(t, must_assign=True) for t in compiled]
        problem = _with_tickets(problem, compiled, group.tickets)
        added_raw += [t.model_dump(mode="json", exclude_none=True) for t in group.tickets]
        added_ids += [t.id for t in group.tickets]

    # Engineer ids and ticket ids named on the command line.
    def engineer_of(name: str, option: str) -> int:
        if name not in problem.engineer_index:
            raise InputError.single(
                COMMAND_LINE, f"unknown engineer '{name}' (not in the scenario)", path=option
            )
        return problem.engineer_index[name]

    def ticket_of(name: str, option: str) -> int:
        if name not in problem.ticket_index:
            raise InputError.single(
                COMMAND_LINE, f"unknown ticket '{name}' (not in the plan)", path=option
            )
        return problem.ticket_index[name]

    job_of = {job.ticket: job for job in assignments}
    engineers = list(problem.engineers)
    absences: list[tuple[int, int, int, Unavailable]] = []
    for absence in events.unavailable:
        index = engineer_of(absence.engineer, "--unavailable")
        low = (
            now
            if absence.start is None
            else clock.option(absence.start, "--unavailable", clip=True)
        )
        high = (
            problem.horizon_end
            if absence.end is None
            else clock.option(absence.end, "--unavailable", clip=True)
        )
        if high <= low:
            raise InputError.single(
                COMMAND_LINE,
                f"{absence.engineer}: the period is empty (it must end after it starts, inside the "
                "horizon)",
                path="--unavailable",
            )
        absences.append((index, low, high, absence))
        engineers[index] = _engineer_without(engineers[index], max(low, now), high)
    problem = _replace(problem, engineers=engineers)

    done: set[int] = set()
    for name in events.done:
        index = ticket_of(name, "--done")
        job = job_of.get(index)
        if job is None or job.end <= now:
            state = (
                "already completed"
                if job is not None or any(c.ticket == index for c in old_completed)
                else "not assigned in the plan"
            )
            raise InputError.single(
                COMMAND_LINE,
                f"{name} cannot be marked done: it is {state} (only running or future jobs can)",
                path="--done",
            )
        done.add(index)
    overruns: dict[int, int] = {}
    for overrun in events.overrun:
        index = ticket_of(overrun.ticket, "--overrun")
        job = job_of.get(index)
        if job is None or not job.start < now < job.end:
            raise InputError.single(
                COMMAND_LINE,
                f"{overrun.ticket} is not running at now, so it cannot overrun",
                path="--overrun",
            )
        until = clock.option(overrun.until, "--overrun")
        if until <= now:
            raise InputError.single(
                COMMAND_LINE, f"{overrun.ticket}: UNTIL must be after now", path="--overrun"
            )
        overruns[index] = until

    completed = list(old_completed)
    running: list[Job] = []
    previous: dict[int, tuple[int, int]] = {}
    history = list(old_pieces)
    cut: set[int] = set()
    cuts_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    tickets = list(problem.tickets)
    for job in assignments:
        if job.ticket in done:
            completed.append(Job(job.ticket, job.engineer, min(job.start, now), now))
        elif job.end <= now:
            completed.append(job)
        elif job.start < now:
            engineer = problem.engineers[job.engineer]
            absent = any(i == job.engineer and low <= now < high for i, low, high, _ in absences)
            end = job.end
            if job.ticket in overruns:
                end = (
                    engineer.calendar.finish(
                        job.start,
                        engineer.calendar.minutes_between(job.start, overruns[job.ticket]),
                    )
                    or job.end
                )
            elif engineer.calendar is not before_problem.engineers[job.engineer].calendar:
                # Its engineer leaves later: the shift minutes the job needed still have to
                # be worked, pausing over the absence.
                needed = before_problem.engineers[job.engineer].calendar.minutes_between(
                    job.start, job.end
                )
                end = engineer.calendar.finish(job.start, needed) or -1
            if absent or end < 0:
                worked = engineer.calendar.minutes_between(job.start, now)
                tickets[job.ticket] = _rest_of(tickets[job.ticket], worked)
                history.append(Job(job.ticket, job.engineer, job.start, now))
                cut.add(job.ticket)
                cuts_of[job.engineer].append(
                    {
                        "ticket": problem.tickets[job.ticket].id,
                        "engineer": engineer.id,
                        "start": clock.text(job.start),
                        "end": clock.text(now),
                    }
                )
            else:
                running.append(Job(job.ticket, job.engineer, job.start, end))
        else:
            previous[job.ticket] = (job.engineer, job.start)
    problem = _replace(problem, tickets=tickets)
    taken = {job.ticket for job in [*completed, *running]}
    free = [t.index for t in problem.tickets if t.index not in taken]
    added_indices = [problem.ticket_index[name] for name in added_ids]
    event_tickets = [*added_indices, *sorted(cut)]

    focus: set[int] = {index for index, _, _, _ in absences}
    for ticket in overruns:
        focus.add(job_of[ticket].engineer)

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
                "until": clock.text(overruns[problem.ticket_index[overrun.ticket]]),
            }
        )
    for index, low, high, absence in absences:
        recorded.append(
            {
                "type": "unavailable",
                "engineer": absence.engineer,
                "from": clock.text(low),
                "to": clock.text(high),
                "cut": cuts_of.pop(index, []),
            }
        )
    situation = _Situation(
        problem=problem,
        now=now,
        completed=completed,
        history=history,
        running=running,
        previous=previous,
        cut=cut,
        free=free,
        event_tickets=event_tickets,
        must=[t for t in free if problem.tickets[t].must_assign],
        focus=sorted(focus),
        events=recorded,
        added=added_raw,
    )
    live = [job for job in assignments]
    return situation, before_problem, live, old_completed, old_pieces


# --------------------------------------------------------------------------- building the plan


def _repair(sit: _Situation) -> list[Job]:
    """Keep every old future job that still holds; insert the rest greedily."""
    problem = sit.problem
    kept = [
        Job(ticket, engineer, start, end)
        for ticket, (engineer, start) in sit.previous.items()
        if (end := _end_on(problem, ticket, engineer, start)) is not None
    ]
    while True:
        broken = sit.broken(kept)
        if not broken:
            break
        kept = [job for job in kept if job.ticket not in broken]
    return _fill(sit, kept)


def _end_on(problem: Problem, ticket: int, engineer: int, start: int) -> int | None:
    calendar = problem.engineers[engineer].calendar
    if calendar.shift_of_start(start) is None:
        return None
    return calendar.finish(start, problem.tickets[ticket].p50)


def _fill(sit: _Situation, placed: list[Job], first: Iterable[int] = ()) -> list[Job]:
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
    return [job for job in greedy_plan(problem, schedule, order) if job not in preset_set] + [
        job for job in placed
    ]


SEARCH_SHARE = 0.5  # one worker: deterministic seconds for the search, share of the limit
BUMP_ENGINEERS = 8  # engineers tried per event ticket, best earliest start first


def _bump(
    sit: _Situation, jobs: list[Job], best: Evaluation, deadline: float
) -> tuple[list[Job], Evaluation]:
    """Event tickets may push work aside: for each, try the engineers who could start it
    soonest taking it at their earliest slot once their later jobs step back, the displaced
    jobs either going back down the same engineer's day or to anyone's gap; keep what
    lowers the objective."""
    for ticket in sit.event_tickets:
        for engineer in _soonest(sit, ticket)[:BUMP_ENGINEERS]:
            current = next((job for job in jobs if job.ticket == ticket), None)
            if current is not None and current.engineer == engineer:
                continue
            for anywhere in (False, True):
                if time.monotonic() > deadline or interrupt.stop_requested():
                    return jobs, best
                candidate = _push_in(sit, jobs, ticket, engineer, anywhere)
                if candidate is None or sit.broken(candidate):
                    continue
                evaluation = sit.evaluate(candidate)
                if sit.better(candidate, evaluation, (jobs, best)):
                    jobs, best = candidate, evaluation
    return jobs, best


def _soonest(sit: _Situation, ticket: int) -> list[int]:
    """Eligible engineers by what the ticket would cost at their earliest start, were their
    day empty from now on."""
    problem = sit.problem
    data = problem.tickets[ticket]
    schedule = Schedule(problem)
    schedule.not_before = {ticket: sit.now}
    for job in [*sit.running, *sit.background]:
        schedule.add(job)
    ranked = []
    for engineer in problem.eligible[ticket]:
        slot = find_slot(schedule, data, problem.engineers[engineer], gaps=True)
        if slot is not None:
            cost = ticket_cost(problem, data, problem.engineers[engineer], *slot)
            ranked.append((round(cost, 9), slot[0], engineer))
    return [engineer for _, _, engineer in sorted(ranked)]


def _push_in(
    sit: _Situation, jobs: list[Job], ticket: int, engineer: int, anywhere: bool
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
                greedy_plan(problem, schedule, order, lambda _, e=job.engineer: [e])
            if anywhere or len(schedule.jobs()) == len(before):
                greedy_plan(problem, schedule, order)
            placed += [j for j in schedule.jobs() if j not in before]
    return [*kept, *placed]


def _fits(sit: _Situation, schedule: Schedule, job: Job) -> bool:
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


def _optimize(
    sit: _Situation, options: SolveOptions, started: float
) -> tuple[list[Job], Evaluation, str]:
    deadline = started + options.time_limit
    jobs = _repair(sit)
    best = sit.evaluate(jobs)
    log.info("repair: %.4f", best.total)
    # Bounded by count (BUMP_ENGINEERS); the clock only guards a very slow machine.
    jobs, best = _bump(sit, jobs, best, started + options.time_limit * 0.5)
    log.info("after bumping: %.4f", best.total)
    status = "fallback"
    problem = sit.problem
    frozen: dict[int, Job | None] = {job.ticket: job for job in sit.running}
    frozen.update({job.ticket: None for job in sit.completed})
    workers = workers_for(options.workers)
    builder = ModelBuilder(
        problem,
        "upper",
        ModelScope(
            fixed=[*sit.running, *sit.background],
            not_before=sit.not_before(),
            frozen=frozen,
            frozen_as_fixed=True,
            previous=sit.previous,
        ),
    )
    pairs = sum(len(builder.engineers_of(problem.tickets[t])) for t in sit.free)
    if pairs <= PAIR_BUDGET:
        built = builder.build()
        hint_model(built, jobs)
        remaining = deadline - time.monotonic()
        # One worker: a fixed deterministic budget, so the same input gives the same plan.
        budget = SEARCH_SHARE * options.time_limit if workers == 1 else remaining * 0.9
        outcome = solve_model(
            built,
            budget,
            workers=workers,
            seed=options.seed,
            deadline=time.monotonic() + remaining * 0.95,
        )
        if outcome.jobs is not None:
            status = "feasible"
            candidate = outcome.jobs
            if not sit.broken(candidate):
                evaluation = sit.evaluate(candidate)
                log.info("cp-sat: %.4f", evaluation.total)
                if sit.better(candidate, evaluation, (jobs, best)):
                    jobs, best = candidate, evaluation
    else:
        locked = {job.ticket for job in sit.running} | {job.ticket for job in sit.completed}
        locked |= {t for t in sit.free if problem.tickets[t].fixed_start is not None}
        running = {job.ticket for job in sit.running}
        improved, evaluation = improve(
            problem,
            [*sit.running, *jobs],
            lambda all_jobs: sit.evaluate([j for j in all_jobs if j.ticket not in running]),
            scope=SearchScope(
                not_before=sit.not_before(),
                locked=locked,
                buffer_of=builder.travel_buffer,
                background=sit.background,
                previous=sit.previous,
                focus=_focus(sit, jobs),
                focus_only=True,
                valid=lambda all_jobs: (
                    not sit.broken([j for j in all_jobs if j.ticket not in running])
                ),
            ),
            budget=SearchBudget(
                deadline=deadline, workers=workers, work=SEARCH_SHARE * options.time_limit
            ),
            seed=options.seed,
        )
        status = "feasible"
        improved = [j for j in improved if j.ticket not in running]
        if sit.better(improved, evaluation, (jobs, best)):
            jobs, best = improved, evaluation
    return jobs, best, status


def _focus(sit: _Situation, jobs: list[Job]) -> list[int]:
    """Engineers the events touched: absent or overrunning ones, and those whose day the
    repair changed. The search stays around them, so the rest of the plan stands."""
    engineers = set(sit.focus)
    placed = {job.ticket: job for job in jobs}
    for ticket, (engineer, start) in sit.previous.items():
        job = placed.get(ticket)
        if job is None or (job.engineer, job.start) != (engineer, start):
            engineers.add(engineer)
            if job is not None:
                engineers.add(job.engineer)
    for ticket in sit.event_tickets:
        if ticket in placed:
            engineers.add(placed[ticket].engineer)
    problem = sit.problem
    return sorted(e for e in engineers if problem.engineers[e].calendar.shifts)


def _tier_costs(problem: Problem, jobs: list[Job], evaluation: Evaluation) -> dict[str, TierCost]:
    """The objective and expected breaches split by tier (disruption left out)."""
    weights = problem.weights
    result: dict[str, TierCost] = defaultdict(TierCost)
    for job in jobs:
        ticket = problem.tickets[job.ticket]
        cost = evaluation.jobs[job.ticket]
        tier = result[ticket.tier]
        tier.expected_breaches += cost.response_risk + cost.resolution_risk
        tier.objective += ticket.weight * (
            weights.response * cost.response_risk + weights.resolution * cost.resolution_risk
        )
        tier.objective += (
            ticket.weight * weights.late_per_hour * max(0, job.end - ticket.resolution_due) / 60
        )
        tier.objective += weights.travel_per_hour * cost.travel / 60
        if ticket.preferred and job.engineer not in ticket.preferred:
            tier.objective += weights.preference
    for index, (respond, resolve) in evaluation.unassigned_risk.items():
        ticket = problem.tickets[index]
        tier = result[ticket.tier]
        tier.expected_breaches += respond + resolve
        tier.objective += ticket.weight * (
            weights.response * respond + weights.resolution * resolve + weights.deferral
        )
        tier.objective += (
            ticket.weight
            * weights.late_per_hour
            * max(0, problem.horizon_end - ticket.resolution_due)
            / 60
        )
    return dict(sorted(result.items()))


def _held(sit: _Situation) -> Problem:
    """The problem with the time running work still holds taken out of its engineer's
    shifts: what an unassigned ticket is judged against after a reschedule (a booked
    appointment an overrunning job runs into cannot be kept)."""
    engineers = list(sit.problem.engineers)
    for job in sit.running:
        engineers[job.engineer] = _engineer_without(
            engineers[job.engineer], max(job.start, sit.now), job.end
        )
    return _replace(sit.problem, engineers=engineers)


def _changes(sit: _Situation, old_assignments: list[Job], jobs: list[Job]) -> Changes:
    problem = sit.problem
    instant = problem.instant
    changes = Changes()
    running = {job.ticket for job in sit.running}
    live = {
        job.ticket: job
        for job in old_assignments
        if job.ticket in sit.previous or job.ticket in sit.cut or job.ticket in running
    }
    new = {job.ticket: job for job in jobs}
    for ticket in sorted({*sit.free, *running}, key=lambda t: problem.tickets[t].id):
        name = problem.tickets[ticket].id
        before, after = live.get(ticket), new.get(ticket)
        if before is None:
            if after is not None:
                engineer = problem.engineers[after.engineer].id
                changes.newly_assigned.append((name, engineer, instant(after.start)))
            continue
        old_engineer = problem.engineers[before.engineer].id
        if after is None:
            changes.newly_unassigned.append((name, old_engineer))
        elif after.engineer != before.engineer or ticket in sit.cut:
            changes.reassigned.append((name, old_engineer, problem.engineers[after.engineer].id))
        elif after.start != before.start:
            changes.moved.append((name, old_engineer, instant(before.start), instant(after.start)))
        else:
            changes.kept.append(name)
    return changes


def reschedule(
    problem: Problem,
    old: Plan,
    now: dt.datetime | str,
    events: Events | None = None,
    options: SolveOptions | None = None,
    *,
    plan_name: str = "<plan>",
    must_assign: bool = False,
) -> RescheduleResult:
    """Re-plan ``old`` from ``now`` with ``events``; the new plan and what changed.

    With ``must_assign`` the added tickets are assigned whenever someone can take them.
    """
    started = time.monotonic()
    events = events or Events()
    options = options or SolveOptions(time_limit=5.0)
    if old.scenario.sha256 != problem.sha256:
        raise InputError.single(
            plan_name,
            f"this plan belongs to another scenario (sha256 {old.scenario.sha256[:12]}..., "
            f"the scenario is {problem.sha256[:12]}...)",
            path="scenario.sha256",
        )
    sit, before_problem, old_assignments, old_completed, old_pieces = _situation(
        problem, old, now, events, plan_name, must_assign
    )
    jobs, evaluation, status = _optimize(sit, options, started)
    _, reassigned, moved = sit.disruption(jobs)
    all_jobs = sorted(
        [*sit.running, *jobs], key=lambda j: (j.start, sit.problem.tickets[j.ticket].id)
    )
    block = old.reschedule or {}
    history = [r for r in block.get("history") or [] if isinstance(r, dict)]
    if block:
        history.append({"now": block.get("now"), "events": block.get("events") or []})
    import hashlib

    from dispatcher.io.planfile import plan_json

    reschedule_block: dict[str, Any] = {
        "now": sit.problem.instant(sit.now).isoformat(),
        "base_plan_sha256": hashlib.sha256(plan_json(old).encode("utf-8")).hexdigest(),
        "added_tickets": sit.added,
        "events": sit.events,
        "history": history,
        "reassigned": reassigned,
        "moved": moved,
    }
    previous_of: dict[int, tuple[str, Any]] = {}
    for job in old_assignments:
        if (
            job.ticket in sit.previous
            or job.ticket in sit.cut
            or any(r.ticket == job.ticket for r in sit.running)
        ):
            previous_of[job.ticket] = (
                sit.problem.engineers[job.engineer].id,
                sit.problem.instant(job.start),
            )
    plan = build_plan(
        sit.problem,
        all_jobs,
        evaluation,
        status=status,
        time_s=time.monotonic() - started,
        bound=None,
        seed=options.seed,
        completed=sit.completed,
        previous=previous_of,
        reschedule=reschedule_block,
        not_before={t: sit.now for t in sit.free},
        reasons=_held(sit),
    )
    changes = _changes(sit, old_assignments, all_jobs)
    old_done = set(old_completed)
    changes.completed = [
        sit.problem.tickets[j.ticket].id for j in sit.completed if j not in old_done
    ]
    before = evaluate(
        before_problem,
        [j for j in old_assignments],
        completed=old_completed,
        history=old_pieces,
    )
    changes.before = _tier_costs(before_problem, old_assignments, before)
    changes.after = _tier_costs(sit.problem, all_jobs, evaluation)
    return RescheduleResult(plan, changes, sit.problem, all_jobs, evaluation)


def parse_unavailable(text: str, problem: Problem) -> Unavailable:
    """``ENG`` or ``ENG@FROM/TO`` (either end may be left empty)."""
    if text in problem.engineer_index or "@" not in text:
        return Unavailable(text)
    engineer, _, period = text.rpartition("@")
    low, slash, high = period.partition("/")
    if not slash:
        raise InputError.single(
            COMMAND_LINE, f"'{text}': give the period as FROM/TO", path="--unavailable"
        )
    return Unavailable(engineer, _datetime(low, "--unavailable"), _datetime(high, "--unavailable"))


def parse_overrun(text: str) -> Overrun:
    """``TICKET@UNTIL``."""
    ticket, at, until = text.rpartition("@")
    value = _datetime(until, "--overrun") if at else None
    if not ticket or value is None:
        raise InputError.single(COMMAND_LINE, f"'{text}': expected TICKET@UNTIL", path="--overrun")
    return Overrun(ticket, value)


def _datetime(text: str, option: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError.single(
            COMMAND_LINE, f"'{text}' is not an ISO 8601 datetime", path=option
        ) from None


# --------------------------------------------------------------------------- impact


@dataclass
class Impact:
    """What taking a job costs: the best re-plan without it, then with it."""

    without: RescheduleResult
    with_job: RescheduleResult
    tickets: list[str]
    engineer: str | None
    start: dt.datetime | None
    pushed: list[tuple[str, float, float]]  # ticket, breach risk without, with

    def delta_by_tier(self) -> dict[str, dict[str, float]]:
        tiers = sorted(set(self.without.changes.after) | set(self.with_job.changes.after))
        result = {}
        for tier in tiers:
            a = self.without.changes.after.get(tier, TierCost())
            b = self.with_job.changes.after.get(tier, TierCost())
            result[tier] = {
                "objective": round(b.objective - a.objective, 6),
                "expected_breaches": round(b.expected_breaches - a.expected_breaches, 6),
            }
        return result

    def as_json(self) -> dict[str, Any]:
        def side(result: RescheduleResult) -> dict[str, Any]:
            return {
                "objective": result.plan.objective.model_dump(),
                "by_tier": {
                    tier: {
                        "objective": round(cost.objective, 6),
                        "expected_breaches": round(cost.expected_breaches, 6),
                    }
                    for tier, cost in result.changes.after.items()
                },
                "status": result.plan.solver.status,
            }

        return {
            "with": side(self.with_job),
            "without": side(self.without),
            "delta_by_tier": self.delta_by_tier(),
            "delta_objective": round(
                self.with_job.plan.objective.total - self.without.plan.objective.total, 6
            ),
            "tickets": self.tickets,
            "engineer": self.engineer,
            "start": None if self.start is None else self.start.isoformat(),
            "pushed_into_breach": [ticket for ticket, _, _ in self.pushed],
            "pushed_into_breach_detail": [
                {
                    "ticket": ticket,
                    "breach_risk_without": round(a, 6),
                    "breach_risk_with": round(b, 6),
                }
                for ticket, a, b in self.pushed
            ],
        }


PUSH_THRESHOLD = 0.1  # a rise in breach risk (response + resolution) worth naming


def impact(
    problem: Problem,
    old: Plan,
    now: dt.datetime | str,
    job: AddedTickets,
    options: SolveOptions | None = None,
    *,
    plan_name: str = "<plan>",
) -> Impact:
    """Re-plan from ``now`` without, then with, the job (assigned whenever possible)."""
    without = reschedule(problem, old, now, Events(), options, plan_name=plan_name)
    with_job = reschedule(
        problem, old, now, Events(add=[job]), options, plan_name=plan_name, must_assign=True
    )
    ids = [ticket.id for ticket in job.tickets]
    placed = {a.ticket: a for a in with_job.plan.assignments}
    first = placed.get(ids[0]) if ids else None
    protected = _protected_tiers(problem, with_job.problem, ids)
    risk_without = _breach_risks(without)
    risk_with = _breach_risks(with_job)
    pushed = sorted(
        (
            (ticket, risk_without[ticket], risk_with[ticket])
            for ticket in risk_without
            if ticket in risk_with
            and with_job.problem.tickets[with_job.problem.ticket_index[ticket]].tier in protected
            and risk_with[ticket] - risk_without[ticket] >= PUSH_THRESHOLD
        ),
        key=lambda item: (item[1] - item[2], item[0]),
    )
    return Impact(
        without,
        with_job,
        ids,
        None if first is None else first.engineer,
        None if first is None else first.start,
        pushed,
    )


def _protected_tiers(problem: Problem, after: Problem, ids: list[str]) -> set[str]:
    """The managed tier if the scenario has one, else every tier but the job's own."""
    tiers = set(problem.scenario.weights.tiers)
    if "managed" in tiers:
        return {"managed"}
    own = {after.tickets[after.ticket_index[i]].tier for i in ids}
    return tiers - own


def _breach_risks(result: RescheduleResult) -> dict[str, float]:
    """Per ticket still open: response + resolution risk (unassigned ones included)."""
    tickets = result.problem.tickets
    risks = {
        tickets[index].id: cost.response_risk + cost.resolution_risk
        for index, cost in result.evaluation.jobs.items()
    }
    for index, (respond, resolve) in result.evaluation.unassigned_risk.items():
        risks[tickets[index].id] = respond + resolve
    return risks
