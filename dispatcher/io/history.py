"""Replaying a plan's history: the problem a plan was made for.

A rescheduled plan carries a ``reschedule`` block: the tickets its reschedules added,
and per round the engineers' absences and the jobs they cut. Replaying that block on
the scenario's problem gives the problem the plan was made for (``problem_of_plan``),
which the views read plans against and the rescheduler starts from. ``PlanReader``
also reads a plan's jobs as jobs of that problem, every error naming the plan file.

No solver here: showing, explaining or exporting a plan never loads ortools.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from typing import Any

from dispatcher.errors import InputError
from dispatcher.io.loader import compile_added_tickets
from dispatcher.io.yamlio import LineMap
from dispatcher.semantics.evaluate import Job
from dispatcher.semantics.problem import EngineerData, Problem, TicketData, joint_calendar
from dispatcher.semantics.risk import sigma_of
from dispatcher.semantics.shifts import ShiftCalendar
from dispatcher.semantics.timeconv import minutes_since, to_utc
from models import Plan
from models.scenario import Ticket


class PlanClock:
    """Instants of plan files <-> minutes since the horizon start."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem

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


def engineer_without(engineer: EngineerData, start: int, end: int) -> EngineerData:
    """The engineer with [start, end) taken out of their shifts."""
    calendar, days = _without(engineer.calendar, engineer.shift_days, start, end)
    return dataclasses.replace(engineer, calendar=calendar, shift_days=days)


def rest_of(ticket: TicketData, worked: int, started: int) -> TicketData:
    """The rest of a cut job that started at ``started``: effort less the shift minutes
    worked; window and booking past. SPEC: its response risk is 0 when the cut work
    started by response_due, else 1; a response given counts as ``responded`` (a remainder
    starts after the cut work, so past a missed response_due it is late in every draw)."""
    p50 = max(1, ticket.p50 - worked)
    p90 = max(p50, ticket.p90 - worked)
    responded = ticket.responded or started <= ticket.response_due
    return dataclasses.replace(
        ticket,
        p50=p50,
        p90=p90,
        sigma=sigma_of(p50, p90),
        window=None,
        fixed_start=None,
        responded=responded,
    )


def replace_problem(problem: Problem, **changes: Any) -> Problem:
    """A copy of the problem (cached eligibility recomputed)."""
    fields = {f.name: getattr(problem, f.name) for f in dataclasses.fields(problem)}
    fields.update(changes)
    copy = Problem(**fields)
    if "draws" in problem.__dict__ and copy.risk_samples == problem.risk_samples:
        copy.__dict__["draws"] = problem.draws  # the same draws: keep those computed
    return copy


def with_tickets(problem: Problem, compiled: list[TicketData], models: list[Ticket]) -> Problem:
    """The problem with added tickets, in the scenario too."""
    scenario = problem.scenario.model_copy(update={"tickets": [*problem.scenario.tickets, *models]})
    return replace_problem(problem, tickets=[*problem.tickets, *compiled], scenario=scenario)


class PlanReader:
    """Reads a plan's history and jobs against the scenario; every error names its source."""

    def __init__(self, base: Problem, old: Plan, plan_name: str) -> None:
        self.base = base
        self.old = old
        self.plan_name = plan_name
        self.clock = PlanClock(base)

    def fail(self, message: str, path: str = "") -> InputError:
        return InputError.single(self.plan_name, message, path=path)

    # -- the old plan's own history ----------------------------------------

    def history_rounds(self) -> list[dict[str, Any]]:
        block = self.old.reschedule
        if not block:
            return []
        rounds = [r for r in block.get("history") or [] if isinstance(r, dict)]
        return [*rounds, {"now": block.get("now"), "events": block.get("events") or []}]

    def earlier_overruns(self, problem: Problem) -> dict[int, int]:
        """Tickets whose running job an earlier reschedule overran: ticket -> that round's
        now (the overrun is of the job that had started by then)."""
        found: dict[int, int] = {}
        for round_ in self.history_rounds():
            then = self.clock.plan(round_.get("now")) or 0
            for event in round_.get("events") or []:
                if isinstance(event, dict) and event.get("type") == "overrun":
                    index = problem.ticket_index.get(str(event.get("ticket")))
                    if index is not None:
                        found[index] = then
        return found

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
        return with_tickets(problem, compiled, tickets), raw

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
                engineers[index] = engineer_without(engineers[index], low, high)
                # A crew job's cut lists every member: one piece of work, cut once.
                crews: dict[tuple[int, int, int], list[int]] = {}
                for cut in event.get("cut") or []:
                    ticket_index = problem.ticket_index.get(str(cut.get("ticket")))
                    member = problem.engineer_index.get(
                        str(cut.get("engineer", event.get("engineer")))
                    )
                    start, end = self.clock.plan(cut.get("start")), self.clock.plan(cut.get("end"))
                    if ticket_index is None or start is None or end is None or member is None:
                        raise self.fail(
                            "a cut of an earlier reschedule is unreadable", "reschedule"
                        )
                    crews.setdefault((ticket_index, start, end), []).append(member)
                for (ticket_index, start, end), members in crews.items():
                    members_data = [engineers[m] for m in members]
                    calendar = joint_calendar(members_data, problem.horizon_end)
                    worked = calendar.minutes_between(start, end)
                    tickets[ticket_index] = rest_of(tickets[ticket_index], worked, start)
                    pieces.append(Job(ticket_index, members[0], start, end, tuple(members[1:])))
        return replace_problem(problem, engineers=engineers, tickets=tickets), pieces

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
            return Job(ticket, engineer, start, end, self._crew(problem, entry, where))

        assignments = [job(a, f"assignments[{i}]") for i, a in enumerate(self.old.assignments)]
        completed = [job(c, f"completed[{i}]") for i, c in enumerate(self.old.completed)]
        placed = [*(j.ticket for j in assignments), *(j.ticket for j in completed)]
        placed += [problem.ticket_index.get(u.ticket, -1) for u in self.old.unassigned]
        missing = sorted(set(range(len(problem.tickets))) - set(placed))
        if missing or len(placed) != len(set(placed)) or -1 in placed:
            raise self.fail(
                "the plan does not list every ticket of the scenario exactly once "
                f"({self._listing_faults(problem, placed, missing)})"
            )
        return assignments, completed

    def _crew(self, problem: Problem, entry: Any, where: str) -> tuple[int, ...]:
        """The other members of a crew job in the plan (its ``crew`` list), as indices."""
        members: list[int] = []
        for i, member in enumerate(getattr(entry, "crew", None) or []):
            name = member.get("engineer") if isinstance(member, dict) else member.engineer
            index = problem.engineer_index.get(str(name))
            if index is None:
                raise self.fail(
                    f"names crew member '{name}', who is not in the scenario",
                    f"{where}.crew[{i}].engineer",
                )
            members.append(index)
        return tuple(members)

    def _listing_faults(self, problem: Problem, placed: list[int], missing: list[int]) -> str:
        """What is wrong with the plan's list of tickets, naming up to five of each."""

        def named(ids: list[str]) -> str:
            return ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")

        counts = Counter(placed)
        twice = [problem.tickets[i].id for i in sorted(counts) if i >= 0 and counts[i] > 1]
        unknown = [u.ticket for u in self.old.unassigned if u.ticket not in problem.ticket_index]
        faults = [
            f"{what}: {named(ids)}"
            for what, ids in (
                ("missing", [problem.tickets[i].id for i in missing]),
                ("listed more than once", twice),
                ("not in the scenario", unknown),
            )
            if ids
        ]
        return "; ".join(faults)


def problem_of_plan(problem: Problem, plan: Plan) -> tuple[Problem, list[Job]]:
    """The problem a plan was made for, and the worked parts of jobs its reschedules cut.

    A daily plan's problem is the scenario's; a rescheduled plan's has the tickets it
    added, and the absences and cuts of every round of its ``reschedule`` block.
    """
    if not plan.reschedule:
        return problem, []
    reader = PlanReader(problem, plan, "plan")
    with_added, _ = reader.added_before(problem)
    return reader.apply_history(with_added)
