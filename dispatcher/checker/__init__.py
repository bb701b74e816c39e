"""The independent plan checker (SPEC "dispatch check").

It re-checks a plan against every rule of the SPEC and recomputes the
objective from the scenario alone. On purpose it shares no code with the
solver: time zones, SLA clocks, shift arithmetic, travel and risk are all
recomputed here with plain loops, so that a bug in the solver's arithmetic
cannot hide itself by being repeated in its own check.

Conventions (the loader's, restated): instants become whole minutes since the
horizon start floored to a minute, rounded up; naive datetimes are local time
in the scenario's zone, an ambiguous one meaning its first occurrence.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from models import Plan
from models.durations import parse_day_hours
from models.scenario import Calendar, Client, Engineer, Scenario, Ticket

Z90 = 1.2815516  # Phi^-1(0.9): p90 sits this many sigmas above the median
RISK_TOLERANCE = 1e-6
RELATIVE_TOLERANCE = 1e-4
ABSOLUTE_TOLERANCE = 1e-6
EARTH_RADIUS_KM = 6371.0
MAX_CALENDAR_DAYS = 3700  # a deadline more than ten years of calendar away is not looked for
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OBJECTIVE_PARTS = ("sla_risk", "lateness", "deferral", "travel", "preference", "disruption")
_NORMAL = NormalDist()


@dataclass(frozen=True)
class Violation:
    """One broken rule, in words a dispatcher understands."""

    rule: str
    ticket: str | None
    message: str

    def __str__(self) -> str:
        # Parentheses, not brackets: rich (the CLI's console) would read "[rule]" as markup.
        where = f"{self.ticket}: " if self.ticket else ""
        return f"{where}{self.message} ({self.rule})"


@dataclass
class CheckReport:
    """What the checker found and what it recomputed."""

    violations: list[Violation]
    objective: dict[str, float]
    expected_breaches_by_tier: dict[str, float]
    travel_minutes: int

    @property
    def ok(self) -> bool:
        return not self.violations


# --------------------------------------------------------------------------- time


class _Timeline:
    """Instants <-> whole minutes since the horizon start (floored to a minute)."""

    def __init__(self, scenario: Scenario) -> None:
        self.tz = ZoneInfo(scenario.timezone)
        start = self.utc(scenario.horizon.start)
        self.origin = start.replace(second=0, microsecond=0)
        self.end = self.minute(scenario.horizon.end)

    def utc(self, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is not None:
            return value.astimezone(dt.UTC)
        # Naive = local wall time; fold=0 picks the first of two ambiguous autumn times.
        return value.replace(tzinfo=self.tz, fold=0).astimezone(dt.UTC)

    def minute(self, value: dt.datetime) -> int:
        seconds = (self.utc(value) - self.origin).total_seconds()
        return math.ceil(seconds / 60 - 1e-9)

    def on_whole_minute(self, value: dt.datetime) -> bool:
        seconds = (self.utc(value) - self.origin).total_seconds()
        return abs(seconds / 60 - round(seconds / 60)) < 1e-9

    def local(self, minute: int) -> dt.datetime:
        return (self.origin + dt.timedelta(minutes=minute)).astimezone(self.tz)

    def local_date(self, minute: int) -> dt.date:
        return self.local(minute).date()

    def wall_minute(self, day: dt.date, minutes_after_midnight: int) -> int:
        """The instant of a local wall-clock time on ``day`` ('24:00' = next midnight)."""
        wall = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes_after_midnight)
        return self.minute(wall)

    def text(self, minute: int) -> str:
        return self.local(minute).strftime("%a %Y-%m-%d %H:%M")


class _SlaClock:
    """An SLA clock: elapsed time (calendar None) or a business-hours calendar."""

    def __init__(self, timeline: _Timeline, calendar: Calendar | None) -> None:
        self.timeline = timeline
        self.calendar = calendar
        self._spans: dict[dt.date, list[tuple[int, int]]] = {}

    def open_spans(self, day: dt.date) -> list[tuple[int, int]]:
        """Business hours of one local date, as instants [opens, closes)."""
        assert self.calendar is not None
        cached = self._spans.get(day)
        if cached is None:
            cached = []
            text = self.calendar.weekly.get(WEEKDAY_NAMES[day.weekday()])  # type: ignore[call-overload]
            if day not in self.calendar.holidays and text is not None:
                for first, last in parse_day_hours(text):
                    opens = self.timeline.wall_minute(day, first)
                    closes = self.timeline.wall_minute(day, last)
                    if closes > opens:
                        cached.append((opens, closes))
            self._spans[day] = cached
        return cached

    def due(self, start: int, minutes: int) -> int:
        """First instant at which ``minutes`` clock minutes have passed since ``start``."""
        if self.calendar is None:
            return start + minutes
        still_needed = minutes
        day = self.timeline.local_date(start)
        for _ in range(MAX_CALENDAR_DAYS):
            for opens, closes in self.open_spans(day):
                if closes <= start:
                    continue
                counted_from = max(opens, start)  # opened outside hours: next business minute
                if closes - counted_from >= still_needed:
                    return counted_from + still_needed  # may be exactly the closing time
                still_needed -= closes - counted_from
            day += dt.timedelta(days=1)
        return start + MAX_CALENDAR_DAYS * 24 * 60

    def count(self, start: int, end: int) -> int:
        """Clock minutes inside [start, end]."""
        if end <= start:
            return 0
        if self.calendar is None:
            return end - start
        total = 0
        day, last_day = self.timeline.local_date(start), self.timeline.local_date(end)
        while day <= last_day:
            for opens, closes in self.open_spans(day):
                total += max(0, min(closes, end) - max(opens, start))
            day += dt.timedelta(days=1)
        return total


# --------------------------------------------------------------------------- shifts


@dataclass(frozen=True)
class _Shift:
    start: int
    end: int
    day: dt.date  # the travel "day": local date of the (original) shift's start


def _shift_of_start(shifts: list[_Shift], instant: int) -> _Shift | None:
    for shift in shifts:
        if shift.start <= instant < shift.end:
            return shift
    return None


def _shift_of_end(shifts: list[_Shift], instant: int) -> _Shift | None:
    for shift in shifts:
        if shift.start < instant <= shift.end:
            return shift
    return None


def _shift_minutes(shifts: list[_Shift], start: int, end: int) -> int:
    """Shift minutes inside [start, end]."""
    return sum(max(0, min(shift.end, end) - max(shift.start, start)) for shift in shifts)


def _finish(shifts: list[_Shift], start: int, work: int) -> int | None:
    """Where ``work`` shift minutes begun at ``start`` end (None: past the last shift)."""
    still_needed = work
    for shift in shifts:
        if shift.end <= start:
            continue
        begin = max(shift.start, start)
        if shift.end - begin >= still_needed:
            return begin + still_needed
        still_needed -= shift.end - begin
    return None


def _remove(shifts: list[_Shift], cut_from: int, cut_to: int) -> list[_Shift]:
    """Shifts less [cut_from, cut_to); the pieces keep their shift's travel day."""
    pieces: list[_Shift] = []
    for shift in shifts:
        if cut_to <= shift.start or cut_from >= shift.end:
            pieces.append(shift)
            continue
        if shift.start < cut_from:
            pieces.append(_Shift(shift.start, cut_from, shift.day))
        if cut_to < shift.end:
            pieces.append(_Shift(cut_to, shift.end, shift.day))
    return pieces


# --------------------------------------------------------------------------- risk, travel


def _overrun_probability(p50: int, p90: int, available: int) -> float:
    """P(D > available), D lognormal with median p50 and 90th percentile p90."""
    sigma = math.log(p90 / p50) / Z90 if p90 > p50 else 0.0
    if sigma == 0.0:
        return 1.0 if available < p50 else 0.0
    if available <= 0:
        return 1.0
    return 1.0 - _NORMAL.cdf((math.log(available) - math.log(p50)) / sigma)


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def _close(reported: float, expected: float) -> bool:
    difference = abs(reported - expected)
    return difference <= ABSOLUTE_TOLERANCE or difference <= RELATIVE_TOLERANCE * max(
        abs(reported), abs(expected)
    )


# --------------------------------------------------------------------------- facts


@dataclass
class _TicketFacts:
    ticket: Ticket
    client: Client
    tier: str
    weight: float
    site: str | None
    p50: int
    p90: int
    opened: int
    response_due: int
    resolution_due: int
    clock: _SlaClock
    added: bool = False
    resumed: bool = False  # the rest of a cut job: its window or booking lay in the past


@dataclass
class _EngineerFacts:
    engineer: Engineer
    shifts: list[_Shift]  # after any unavailability (rescheduling)
    unavailable: bool = False


@dataclass
class _Job:
    ticket: str
    engineer: str
    start: int
    end: int
    onsite: bool
    site: str | None
    history: bool  # completed work (or the cut part of a job): walked through, not judged
    needs_now: bool = False  # new or moved after a reschedule: nobody sets off before now
    assignment: int | None = None  # index in plan.assignments


@dataclass
class _Reschedule:
    now: int
    done: set[str] = field(default_factory=set)
    # ticket -> (UNTIL, the now of the reschedule that recorded it): it binds the job that
    # was running then, not a later re-planned rest of it
    overrun: dict[str, tuple[int, int]] = field(default_factory=dict)
    # (engineer, from, to, the now of the reschedule that recorded it)
    unavailable: list[tuple[str, int, int, int]] = field(default_factory=list)
    cuts: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # ticket -> eng, S, T
    # Cuts recorded by earlier reschedules (the block's 'history'): the ticket's effort
    # stays reduced and the worked part stays in the walk; they are not judged again.
    past_cuts: list[tuple[str, str, int, int]] = field(default_factory=list)
    added: list[Ticket] = field(default_factory=list)


# --------------------------------------------------------------------------- the checker


def check_plan(problem: Any, plan: Plan, base: Plan | None = None) -> CheckReport:
    """Re-check ``plan`` against the scenario of ``problem`` (and ``base`` when rescheduled)."""
    return _Checker(problem, plan, base).run()


class _Checker:
    def __init__(self, problem: Any, plan: Plan, base: Plan | None) -> None:
        self.problem = problem
        self.scenario: Scenario = problem.scenario
        self.plan = plan
        self.base = base
        self.time = _Timeline(self.scenario)
        self.violations: list[Violation] = []
        self.site_index = {site: i for i, site in enumerate(problem.site_ids)}
        self.matrix: dict[tuple[int, int], int] = dict(problem.travel.matrix)
        self.clocks: dict[str, _SlaClock] = {"24x7": _SlaClock(self.time, None)}
        for name, calendar in self.scenario.calendars.items():
            self.clocks[name] = _SlaClock(self.time, calendar)
        self.clients = {client.id: client for client in self.scenario.clients}
        self.reschedule: _Reschedule | None = None
        self.tickets: dict[str, _TicketFacts] = {}
        self.engineers: dict[str, _EngineerFacts] = {}
        self.jobs: list[_Job] = []
        self.travel_of_assignment: dict[int, int] = {}
        self.base_assignments: dict[str, tuple[str, int, int]] = {}
        if base is not None:
            for old in reversed(base.assignments):
                self.base_assignments[old.ticket] = (
                    old.engineer,
                    self.time.minute(old.start),
                    self.time.minute(old.end),
                )
        self.disruption: float | None = 0.0

    def flag(self, rule: str, ticket: str | None, message: str) -> None:
        self.violations.append(Violation(rule, ticket, message))

    # ----------------------------------------------------------------- driver

    def run(self) -> CheckReport:
        if self.plan.scenario.sha256 != self.problem.sha256:
            self.flag(
                "scenario_mismatch",
                None,
                f"the plan was made for another scenario (sha256 "
                f"{self.plan.scenario.sha256[:12]}…, this scenario is {self.problem.sha256[:12]}…)",
            )
        if self.base is not None and self.base.scenario.sha256 != self.problem.sha256:
            self.flag(
                "scenario_mismatch",
                None,
                f"the base plan was made for another scenario (sha256 "
                f"{self.base.scenario.sha256[:12]}…)",
            )
        self.reschedule = self._read_reschedule()
        self._build_engineers()
        self._build_tickets()
        placed = self._check_accounting()
        self._check_assignments(placed)
        self._check_history()
        jobs_of: dict[str, list[_Job]] = {}
        for job in self.jobs:
            jobs_of.setdefault(job.engineer, []).append(job)
        for engineer_id, jobs in jobs_of.items():
            self._check_overlaps(jobs)
            self._walk(self.engineers[engineer_id], jobs)
        self._check_tier_caps()
        self._check_unassigned()
        if self.reschedule is not None:
            self._check_reschedule_rules()
        elif self.plan.completed:
            self.flag(
                "completed_without_reschedule",
                None,
                f"{len(self.plan.completed)} tickets are listed as completed, but the plan is not "
                "a reschedule (no reschedule block)",
            )
        return self._objective_and_kpis(placed)

    # ----------------------------------------------------------------- rescheduling input

    def _instant(self, value: Any) -> int | None:
        if isinstance(value, dt.datetime):
            return self.time.minute(value)
        if isinstance(value, str):
            try:
                return self.time.minute(dt.datetime.fromisoformat(value))
            except ValueError:
                return None
        return None

    def _read_reschedule(self) -> _Reschedule | None:
        block = self.plan.reschedule
        if block is None:
            if self.base is not None:
                self.flag(
                    "reschedule",
                    None,
                    "checked against a base plan, but the plan has no reschedule block "
                    "(its 'now' is unknown)",
                )
            return None
        now = self._instant(block.get("now"))
        if now is None:
            self.flag("reschedule", None, "the reschedule block has no readable 'now' instant")
            return None
        result = _Reschedule(now=now)
        added = list(block.get("added_tickets") or [])
        if self.base is not None and self.base.reschedule:
            # Tickets added by an earlier reschedule belong to the ticket set as well.
            known = {item.get("id") for item in added if isinstance(item, dict)}
            for item in self.base.reschedule.get("added_tickets") or []:
                if isinstance(item, dict) and item.get("id") not in known:
                    added.append(item)
        for index, item in enumerate(added):
            try:
                result.added.append(Ticket.model_validate(item))
            except ValidationError as exc:
                self.flag(
                    "bad_added_ticket",
                    item.get("id") if isinstance(item, dict) else None,
                    f"added ticket #{index + 1} is not a valid ticket: {exc.errors()[0]['msg']}",
                )
        for earlier in block.get("history") or []:
            if isinstance(earlier, dict):
                self._read_past_round(earlier, result)
        for event in block.get("events") or []:
            if not isinstance(event, dict):
                continue
            kind = event.get("type")
            if kind == "done" and isinstance(event.get("ticket"), str):
                result.done.add(event["ticket"])
            elif kind == "overrun" and isinstance(event.get("ticket"), str):
                until = self._instant(event.get("until"))
                result.overrun[event["ticket"]] = (until if until is not None else now, now)
            elif kind == "unavailable" and isinstance(event.get("engineer"), str):
                start = self._instant(event.get("from"))
                end = self._instant(event.get("to"))
                result.unavailable.append(
                    (
                        event["engineer"],
                        now if start is None else start,
                        self.time.end if end is None else end,
                        now,
                    )
                )
                for cut in event.get("cut") or []:
                    if not isinstance(cut, dict) or not isinstance(cut.get("ticket"), str):
                        continue
                    cut_start, cut_end = (
                        self._instant(cut.get("start")),
                        self._instant(cut.get("end")),
                    )
                    if cut_start is not None:
                        result.cuts[cut["ticket"]] = (
                            str(cut.get("engineer", event["engineer"])),
                            cut_start,
                            now if cut_end is None else cut_end,
                        )
        return result

    def _read_past_round(self, earlier: dict[str, Any], result: _Reschedule) -> None:
        """Facts that outlive an earlier reschedule: absences, overruns and cuts."""
        then = self._instant(earlier.get("now"))
        if then is None:
            self.flag("reschedule", None, "a round of the reschedule history has no 'now'")
            return
        for event in earlier.get("events") or []:
            if not isinstance(event, dict):
                continue
            kind = event.get("type")
            if kind == "overrun" and isinstance(event.get("ticket"), str):
                until = self._instant(event.get("until"))
                result.overrun[event["ticket"]] = (then if until is None else until, then)
            if kind != "unavailable" or not isinstance(event.get("engineer"), str):
                continue
            start, end = self._instant(event.get("from")), self._instant(event.get("to"))
            result.unavailable.append(
                (
                    event["engineer"],
                    then if start is None else start,
                    self.time.end if end is None else end,
                    then,
                )
            )
            for cut in event.get("cut") or []:
                if isinstance(cut, dict) and isinstance(cut.get("ticket"), str):
                    cut_start, cut_end = (
                        self._instant(cut.get("start")),
                        self._instant(cut.get("end")),
                    )
                    if cut_start is not None:
                        result.past_cuts.append(
                            (
                                cut["ticket"],
                                str(cut.get("engineer", event["engineer"])),
                                cut_start,
                                then if cut_end is None else cut_end,
                            )
                        )

    # ----------------------------------------------------------------- scenario facts

    def _build_engineers(self) -> None:
        for engineer in self.scenario.engineers:
            shifts = sorted(
                (
                    _Shift(
                        self.time.minute(shift.start),
                        self.time.minute(shift.end),
                        self.time.utc(shift.start).astimezone(self.time.tz).date(),
                    )
                    for shift in engineer.shifts
                ),
                key=lambda shift: shift.start,
            )
            self.engineers[engineer.id] = _EngineerFacts(engineer, shifts)
        if self.reschedule is None:
            return
        for engineer_id, start, end, since in self.reschedule.unavailable:
            facts = self.engineers.get(engineer_id)
            if facts is None:
                self.flag(
                    "unknown_engineer",
                    None,
                    f"an unavailability names engineer '{engineer_id}', who is not in the scenario",
                )
                continue
            # Only work after now is affected: the past stays as it happened.
            facts.shifts = _remove(facts.shifts, max(start, since), end)
            facts.unavailable = True

    def _build_tickets(self) -> None:
        for ticket in self.scenario.tickets:
            facts = self._ticket_facts(ticket)
            if facts is not None:
                self.tickets[ticket.id] = facts
        for ticket in self.reschedule.added if self.reschedule else []:
            if ticket.id in self.tickets:
                self.flag("bad_added_ticket", ticket.id, "an added ticket reuses an existing id")
                continue
            facts = self._ticket_facts(ticket)
            if facts is not None:
                facts.added = True
                self.tickets[ticket.id] = facts
        if self.reschedule is None:
            return
        cuts = [
            *self.reschedule.past_cuts,
            *((ticket, *cut) for ticket, cut in self.reschedule.cuts.items()),
        ]
        for ticket_id, engineer_id, start, end in cuts:
            facts = self.tickets.get(ticket_id)
            engineer = self.engineers.get(engineer_id)
            if facts is None or engineer is None:
                continue
            facts.resumed = True
            # The rest of a cut job needs its effort less the shift minutes already worked.
            worked = _shift_minutes(engineer.shifts, start, end)
            facts.p50 = max(1, facts.p50 - worked)
            facts.p90 = max(facts.p50, facts.p90 - worked)

    def _ticket_facts(self, ticket: Ticket) -> _TicketFacts | None:
        client = self.clients.get(ticket.client)
        policy = self.scenario.sla_policies.get(client.sla) if client else None
        target = policy.targets.get(ticket.priority) if policy else None
        clock = self.clocks.get(policy.clock) if policy else None
        if client is None or policy is None or target is None or clock is None:
            self.flag(
                "bad_added_ticket",
                ticket.id,
                f"the ticket's client '{ticket.client}' or its priority '{ticket.priority}' "
                "is unknown to the scenario",
            )
            return None
        opened = self.time.minute(ticket.opened)
        response_due = (
            self.time.minute(ticket.response_due)
            if ticket.response_due is not None
            else clock.due(opened, target.response.minutes)
        )
        resolution_due = (
            self.time.minute(ticket.resolution_due)
            if ticket.resolution_due is not None
            else clock.due(opened, target.resolution.minutes)
        )
        weights = self.scenario.weights
        return _TicketFacts(
            ticket=ticket,
            client=client,
            tier=policy.tier,
            weight=weights.tiers.get(policy.tier, 0.0)
            * weights.priorities.get(ticket.priority, 0.0),
            site=ticket.site or client.site,
            p50=ticket.effort.p50.minutes,
            p90=ticket.effort.p90.minutes,
            opened=opened,
            response_due=response_due,
            resolution_due=resolution_due,
            clock=clock,
        )

    def _eligible(self, facts: _TicketFacts, engineer: Engineer) -> list[str]:
        """Why ``engineer`` cannot take the ticket (skills, on-site, assigned_to); [] = can."""
        ticket = facts.ticket
        reasons = []
        if ticket.assigned_to is not None and ticket.assigned_to != engineer.id:
            reasons.append(f"the ticket is assigned to {ticket.assigned_to}")
        if ticket.onsite and not engineer.onsite:
            reasons.append("the ticket is on-site and the engineer works remotely only")
        for skill, level in ticket.skills.items():
            has = engineer.skills.get(skill, 0)
            if has < level:
                reasons.append(f"needs {skill}>={level}, has {skill}={has}")
        return reasons

    def _travel(self, origin: str, destination: str) -> int:
        if origin == destination:
            return 0
        key = (self.site_index.get(origin, -1), self.site_index.get(destination, -1))
        if key in self.matrix:
            return self.matrix[key]
        a, b = self.scenario.sites[origin], self.scenario.sites[destination]
        km = _haversine_km(a.lat, a.lon, b.lat, b.lon)
        policy = self.scenario.policy
        return math.ceil(km * policy.road_factor / policy.travel_speed_kmh * 60 - 1e-9)

    # ----------------------------------------------------------------- every ticket once

    def _check_accounting(self) -> dict[str, int]:
        """Each ticket exactly once; returns, per ticket, the index of its first assignment."""
        places: Counter[str] = Counter()
        first_assignment: dict[str, int] = {}
        for index, assignment in enumerate(self.plan.assignments):
            places[assignment.ticket] += 1
            first_assignment.setdefault(assignment.ticket, index)
        places.update(entry.ticket for entry in self.plan.unassigned)
        places.update(entry.ticket for entry in self.plan.completed)
        for ticket_id in self.tickets:
            if places[ticket_id] == 0:
                self.flag(
                    "missing_ticket",
                    ticket_id,
                    "the ticket is in none of assignments, unassigned or completed",
                )
            elif places[ticket_id] > 1:
                self.flag(
                    "duplicate_ticket",
                    ticket_id,
                    f"the ticket appears {places[ticket_id]} times "
                    "(across assignments, unassigned and completed); it must appear once",
                )
        for ticket_id in places:
            if ticket_id not in self.tickets:
                self.flag("unknown_ticket", ticket_id, "the plan names a ticket the scenario lacks")
        return first_assignment

    # ----------------------------------------------------------------- assignments

    def _base_assignment(self, ticket_id: str) -> tuple[str, int, int] | None:
        return self.base_assignments.get(ticket_id)

    def _is_running(self, ticket_id: str, engineer_id: str, start: int) -> bool:
        """A job that had begun before now and keeps its engineer and start."""
        rs = self.reschedule
        if rs is None or start >= rs.now or ticket_id in rs.cuts:
            return False
        if self.base is not None:
            before = self._base_assignment(ticket_id)
            return before is not None and before[0] == engineer_id and before[1] == start
        return True

    def _is_kept(self, assignment: Any, start: int) -> bool:
        """Same engineer and start as in the old plan (so no 'nobody drives before now')."""
        if self.reschedule is None:
            return True
        if assignment.ticket in self.reschedule.cuts:
            return False
        if self.base is not None:
            before = self._base_assignment(assignment.ticket)
            return before is not None and before[:2] == (assignment.engineer, start)
        previous = assignment.previous
        return (
            previous is not None
            and previous.engineer == assignment.engineer
            and self.time.minute(previous.start) == start
        )

    def _check_assignments(self, first_assignment: dict[str, int]) -> None:
        t = self.time
        for index, assignment in enumerate(self.plan.assignments):
            ticket_id = assignment.ticket
            facts = self.tickets.get(ticket_id)
            engineer = self.engineers.get(assignment.engineer)
            if facts is None:
                continue  # flagged as unknown already
            if engineer is None:
                self.flag(
                    "unknown_engineer",
                    ticket_id,
                    f"assigned to '{assignment.engineer}', who is not in the scenario",
                )
                continue
            for label, value in (("start", assignment.start), ("end", assignment.end)):
                if not t.on_whole_minute(value):
                    self.flag(
                        "not_whole_minute",
                        ticket_id,
                        f"its {label} {value} is not on a whole minute",
                    )
            start, end = t.minute(assignment.start), t.minute(assignment.end)
            ticket = facts.ticket
            name = assignment.engineer

            reasons = self._eligible(facts, engineer.engineer)
            if reasons:
                self.flag("ineligible", ticket_id, f"{name} cannot take it: {'; '.join(reasons)}")
            running = self._is_running(ticket_id, name, start)
            # The rest of a cut job resumes after now: its window or booking lay in the past.
            resumed = facts.resumed
            if start < facts.opened:
                self.flag(
                    "before_opened",
                    ticket_id,
                    f"starts {t.text(start)}, before the ticket was opened "
                    f"at {t.text(facts.opened)}",
                )
            if ticket.window is not None and not resumed:
                low, high = t.minute(ticket.window.start), t.minute(ticket.window.end)
                if not low <= start <= high:
                    self.flag(
                        "window",
                        ticket_id,
                        f"starts {t.text(start)}, outside its window "
                        f"{t.text(low)} to {t.text(high)}",
                    )
            if ticket.fixed_start is not None and not resumed:
                fixed = t.minute(ticket.fixed_start)
                if start != fixed:
                    self.flag(
                        "fixed_start",
                        ticket_id,
                        f"booked for {t.text(fixed)} but the plan starts it {t.text(start)}",
                    )
            if start < 0 or end > t.end or end <= start:
                self.flag(
                    "outside_horizon",
                    ticket_id,
                    f"runs {t.text(start)} to {t.text(end)}; the horizon is "
                    f"{t.text(0)} to {t.text(t.end)}",
                )
            self._check_shift_arithmetic(assignment, facts, engineer, start, end, running)

            job = _Job(
                ticket=ticket_id,
                engineer=name,
                start=start,
                end=end,
                onsite=ticket.onsite,
                site=facts.site,
                history=False,
                needs_now=self.reschedule is not None and not self._is_kept(assignment, start),
                assignment=index,
            )
            self.jobs.append(job)
            if index == first_assignment.get(ticket_id):
                self._check_reported_risk(assignment, facts, engineer, start)

    def _check_shift_arithmetic(
        self,
        assignment: Any,
        facts: _TicketFacts,
        engineer: _EngineerFacts,
        start: int,
        end: int,
        running: bool,
    ) -> None:
        t, ticket_id, name = self.time, assignment.ticket, assignment.engineer
        if _shift_of_start(engineer.shifts, start) is None:
            self.flag(
                "outside_shift",
                ticket_id,
                f"starts {t.text(start)}, when {name} has no shift (a job starts inside a shift)",
            )
        if _shift_of_end(engineer.shifts, end) is None:
            self.flag(
                "outside_shift",
                ticket_id,
                f"ends {t.text(end)}, when {name} has no shift (a job ends inside a shift)",
            )
        rs = self.reschedule
        if rs is not None and ticket_id in rs.overrun and start < rs.overrun[ticket_id][1]:
            # It now needs the shift minutes up to UNTIL: F is where they end.
            until = rs.overrun[ticket_id][0]
            expected = _finish(
                engineer.shifts, start, _shift_minutes(engineer.shifts, start, until)
            )
            if expected != end:
                self.flag(
                    "overrun",
                    ticket_id,
                    f"overran until {t.text(until)}, so its shift minutes end "
                    f"{t.text(expected) if expected is not None else 'after the last shift'}, "
                    f"but the plan ends it at {t.text(end)}",
                )
            return
        if running and engineer.unavailable:
            return  # an unavailability may have changed how a running job ends: judged vs base
        expected = _finish(engineer.shifts, start, facts.p50)
        if expected != end:
            where = t.text(expected) if expected is not None else "after the last shift"
            self.flag(
                "wrong_end",
                ticket_id,
                f"{facts.p50} shift minutes of {name}'s from {t.text(start)} end {where}, "
                f"but the plan ends it at {t.text(end)}",
            )

    def _resolution_window(self, facts: _TicketFacts, engineer: _EngineerFacts, start: int) -> int:
        """W: the time the job can get before its resolution is due."""
        due = facts.resolution_due
        if due <= start:
            return 0
        within = _shift_minutes(engineer.shifts, start, min(due, self.time.end))
        after = facts.clock.count(self.time.end, due) if due > self.time.end else 0
        return within + after

    def _assigned_risks(
        self, facts: _TicketFacts, engineer: _EngineerFacts, start: int
    ) -> tuple[float, float]:
        responded = facts.ticket.responded is not None
        response = 1.0 if start > facts.response_due and not responded else 0.0
        available = self._resolution_window(facts, engineer, start)
        return response, _overrun_probability(facts.p50, facts.p90, available)

    def _check_reported_risk(
        self, assignment: Any, facts: _TicketFacts, engineer: _EngineerFacts, start: int
    ) -> None:
        t, ticket_id = self.time, assignment.ticket
        for label, reported, expected in (
            ("response_due", assignment.response_due, facts.response_due),
            ("resolution_due", assignment.resolution_due, facts.resolution_due),
        ):
            if t.minute(reported) != expected:
                self.flag(
                    "due",
                    ticket_id,
                    f"reports {label} {t.text(t.minute(reported))}; it is {t.text(expected)}",
                )
        response, resolution = self._assigned_risks(facts, engineer, start)
        for label, reported_risk, expected_risk in (
            ("response_risk", assignment.response_risk, response),
            ("resolution_risk", assignment.resolution_risk, resolution),
        ):
            if abs(reported_risk - expected_risk) > RISK_TOLERANCE:
                self.flag(
                    "risk",
                    ticket_id,
                    f"reports {label} {reported_risk:.6f}; recomputed {expected_risk:.6f}",
                )

    def _check_history(self) -> None:
        """Completed work and cut parts: the walk and the overlaps pass through them."""
        for entry in self.plan.completed:
            facts = self.tickets.get(entry.ticket)
            if entry.engineer not in self.engineers:
                self.flag(
                    "unknown_engineer",
                    entry.ticket,
                    f"completed by '{entry.engineer}', who is not in the scenario",
                )
                continue
            start, end = self.time.minute(entry.start), self.time.minute(entry.end)
            if facts is not None and end > start:
                self.jobs.append(
                    _Job(
                        entry.ticket,
                        entry.engineer,
                        start,
                        end,
                        facts.ticket.onsite,
                        facts.site,
                        True,
                    )
                )
        if self.reschedule is None:
            return
        pieces = [
            *self.reschedule.past_cuts,
            *((ticket, *cut) for ticket, cut in self.reschedule.cuts.items()),
        ]
        for ticket_id, engineer_id, start, end in pieces:
            facts = self.tickets.get(ticket_id)
            if facts is not None and engineer_id in self.engineers and end > start:
                self.jobs.append(
                    _Job(ticket_id, engineer_id, start, end, facts.ticket.onsite, facts.site, True)
                )

    # ----------------------------------------------------------------- one engineer's day

    def _check_overlaps(self, jobs: list[_Job]) -> None:
        latest: _Job | None = None
        for job in sorted(jobs, key=lambda job: (job.start, job.end)):
            if latest is not None and job.start < latest.end:
                self.flag(
                    "overlap",
                    job.ticket,
                    f"{job.engineer} starts it {self.time.text(job.start)} while still on "
                    f"{latest.ticket} (until {self.time.text(latest.end)}); one job at a time",
                )
            if latest is None or job.end > latest.end:
                latest = job

    def _walk(self, engineer: _EngineerFacts, jobs: list[_Job]) -> None:
        """The SPEC's travel walk: each day from home, location carried between shifts."""
        t = self.time
        home = engineer.engineer.home
        location_by_day: dict[dt.date, str | None] = {}
        previous_end: int | None = None
        now = self.reschedule.now if self.reschedule else None
        for job in sorted(jobs, key=lambda job: (job.start, job.end)):
            shift = _shift_of_start(engineer.shifts, job.start)
            day = shift.day if shift is not None else t.local_date(job.start)
            travel = 0
            here = location_by_day.get(day, home)
            if job.onsite and job.site is not None and here is not None:
                travel = self._travel(here, job.site)
            overlapping = previous_end is not None and job.start < previous_end  # flagged apart
            if job.onsite and not job.history and shift is not None and not overlapping:
                ready = shift.start
                if previous_end is not None and shift.start < previous_end <= shift.end:
                    ready = previous_end
                if job.needs_now and now is not None:
                    ready = max(ready, now)
                if job.start < ready + travel:
                    self.flag(
                        "travel",
                        job.ticket,
                        f"{job.engineer} can be ready at {t.text(ready)} and needs "
                        f"{travel} minutes from {here} to {job.site}, so cannot start before "
                        f"{t.text(ready + travel)}; the plan starts it {t.text(job.start)}",
                    )
            if job.assignment is not None:
                self.travel_of_assignment[job.assignment] = travel
                reported = self.plan.assignments[job.assignment].travel_minutes
                if reported != travel:
                    self.flag(
                        "travel_minutes",
                        job.ticket,
                        f"reports {reported} travel minutes; the walk gives {travel}",
                    )
            if job.onsite and job.site is not None:
                for worked in engineer.shifts:
                    if worked.start < job.end and job.start < worked.end:
                        location_by_day[worked.day] = job.site
            previous_end = job.end

    # ----------------------------------------------------------------- tier caps

    def _check_tier_caps(self) -> None:
        for tier, cap in self.scenario.policy.tier_caps.items():
            events: list[tuple[int, int, str]] = []
            for job in self.jobs:
                facts = self.tickets.get(job.ticket)
                if facts is not None and facts.tier == tier and job.end > job.start:
                    events.append((job.start, 1, job.ticket))
                    events.append((job.end, -1, job.ticket))
            # At one minute, a job ending leaves before one starting: intervals are [S, F).
            events.sort(key=lambda event: (event[0], event[1]))
            running: list[str] = []
            for minute, change, ticket_id in events:
                if change < 0:
                    running.remove(ticket_id)
                    continue
                running.append(ticket_id)
                if len(running) > cap:
                    self.flag(
                        "tier_cap",
                        ticket_id,
                        f"at {self.time.text(minute)} {len(running)} {tier} jobs run at once "
                        f"({', '.join(running)}); the cap is {cap}",
                    )

    # ----------------------------------------------------------------- unassigned

    def _check_unassigned(self) -> None:
        for entry in self.plan.unassigned:
            facts = self.tickets.get(entry.ticket)
            if facts is None:
                continue
            someone = any(
                not self._eligible(facts, engineer.engineer) for engineer in self.engineers.values()
            )
            if entry.reason == "no_eligible_engineer" and someone:
                self.flag(
                    "unassigned_reason",
                    entry.ticket,
                    "reason no_eligible_engineer, but an engineer has the skills, on-site flag "
                    "and assignment it needs",
                )
            if entry.reason == "deferred" and not someone:
                self.flag(
                    "unassigned_reason",
                    entry.ticket,
                    "reason deferred, but no engineer is eligible (no_eligible_engineer)",
                )
            ticket = facts.ticket
            if ticket.fixed_start is not None and (
                self.reschedule is None or entry.reason == "deferred"
            ):
                # The loader proved every booking can hold; only events of a reschedule
                # (an unavailable engineer, say) can excuse dropping one.
                self.flag(
                    "fixed_start",
                    entry.ticket,
                    f"a booked appointment (fixed_start) is left unassigned ({entry.reason})",
                )
            elif entry.reason == "deferred" and ticket.must_assign:
                self.flag(
                    "must_assign",
                    entry.ticket,
                    "the ticket is must_assign but left unassigned as deferred",
                )

    # ----------------------------------------------------------------- rescheduling rules

    def _check_reschedule_rules(self) -> None:
        rs = self.reschedule
        assert rs is not None
        t = self.time
        assigned = {a.ticket: a for a in self.plan.assignments}
        completed = {c.ticket: c for c in self.plan.completed}
        unassigned = {u.ticket for u in self.plan.unassigned}

        for ticket_id in rs.done:
            entry = completed.get(ticket_id)
            if entry is None:
                self.flag("done", ticket_id, "marked done, but it is not in completed")
            elif t.minute(entry.end) != rs.now:
                self.flag(
                    "done",
                    ticket_id,
                    f"marked done at {t.text(rs.now)} but completed ends "
                    f"{t.text(t.minute(entry.end))}",
                )

        for assignment in self.plan.assignments:
            start = t.minute(assignment.start)
            if start >= rs.now:
                continue
            if self.base is not None:
                if self._is_running(assignment.ticket, assignment.engineer, start):
                    continue
            else:
                # Without the old plan only clear cases are judged: a new ticket, the rest
                # of a cut job, or a job that 'previous' shows was moved, in the past.
                facts = self.tickets.get(assignment.ticket)
                previous = assignment.previous
                new_job = previous is None and facts is not None and facts.added
                was_moved = previous is not None and (
                    previous.engineer != assignment.engineer or t.minute(previous.start) != start
                )
                if not (new_job or was_moved or assignment.ticket in rs.cuts):
                    continue
            self.flag(
                "before_now",
                assignment.ticket,
                f"starts {t.text(start)}, before now ({t.text(rs.now)}); only jobs already "
                "running may",
            )

        if self.base is None:
            for entry in self.plan.completed:
                if t.minute(entry.end) > rs.now:
                    self.flag(
                        "completed_changed",
                        entry.ticket,
                        f"in completed but ends {t.text(t.minute(entry.end))}, after now",
                    )
            self.disruption = None  # not recomputable without the old plan: taken as reported
            return

        base_completed = {c.ticket: c for c in self.base.completed}
        explained = set(rs.done)
        for ticket_id, old in base_completed.items():
            explained.add(ticket_id)
            self._same_completed(
                ticket_id,
                completed.get(ticket_id),
                (old.engineer, t.minute(old.start), t.minute(old.end)),
            )
        reassigned = moved = 0
        tolerance = self.scenario.weights.move_tolerance.minutes
        for old_assignment in self.base.assignments:
            ticket_id = old_assignment.ticket
            engineer_id = old_assignment.engineer
            old_start, old_end = t.minute(old_assignment.start), t.minute(old_assignment.end)
            if ticket_id in rs.done:
                entry = completed.get(ticket_id)
                if entry is not None and entry.engineer != engineer_id:
                    self.flag(
                        "done",
                        ticket_id,
                        f"done by {engineer_id} in the old plan, completed by {entry.engineer}",
                    )
                continue
            if old_end <= rs.now:
                explained.add(ticket_id)
                self._same_completed(
                    ticket_id, completed.get(ticket_id), (engineer_id, old_start, old_end)
                )
                continue
            new = assigned.get(ticket_id)
            if old_start < rs.now:
                if ticket_id in rs.cuts:
                    reassigned += 1  # a cut counts as a reassignment
                    continue
                self._running_kept(ticket_id, new, engineer_id, old_start, old_end)
                continue
            if ticket_id in unassigned or (new is not None and new.engineer != engineer_id):
                reassigned += 1
            elif new is not None and abs(t.minute(new.start) - old_start) > tolerance:
                moved += 1
            if (
                new is not None
                and new.previous is not None
                and (
                    new.previous.engineer != engineer_id
                    or t.minute(new.previous.start) != old_start
                )
            ):
                self.flag(
                    "previous",
                    ticket_id,
                    f"'previous' says {new.previous.engineer} at "
                    f"{t.text(t.minute(new.previous.start))}; the old plan had {engineer_id} at "
                    f"{t.text(old_start)}",
                )
        for ticket_id in completed:
            if ticket_id not in explained:
                self.flag(
                    "completed_changed",
                    ticket_id,
                    "in completed, but it was neither completed by now in the old plan "
                    "nor marked done",
                )
        weights = self.scenario.weights
        self.disruption = weights.reassign * reassigned + weights.move * moved

    def _same_completed(self, ticket_id: str, entry: Any, old: tuple[str, int, int]) -> None:
        t = self.time
        if entry is None:
            self.flag(
                "completed_changed",
                ticket_id,
                f"finished by {t.text(old[2])} in the old plan, but it is not in completed",
            )
            return
        now = (entry.engineer, t.minute(entry.start), t.minute(entry.end))
        if now != old:
            self.flag(
                "completed_changed",
                ticket_id,
                f"completed work changed: was {old[0]} {t.text(old[1])} to {t.text(old[2])}, "
                f"now {now[0]} {t.text(now[1])} to {t.text(now[2])}",
            )

    def _running_kept(
        self, ticket_id: str, new: Any, engineer_id: str, old_start: int, old_end: int
    ) -> None:
        rs = self.reschedule
        assert rs is not None
        t = self.time
        if new is None:
            self.flag(
                "running_changed",
                ticket_id,
                f"running at now with {engineer_id} since {t.text(old_start)}, "
                "but no longer assigned",
            )
            return
        start, end = t.minute(new.start), t.minute(new.end)
        if new.engineer != engineer_id or start != old_start:
            self.flag(
                "running_changed",
                ticket_id,
                f"running at now with {engineer_id} since {t.text(old_start)}; the plan has "
                f"{new.engineer} from {t.text(start)}",
            )
            return
        engineer = self.engineers.get(engineer_id)
        if ticket_id in rs.overrun or (engineer is not None and engineer.unavailable):
            return
        if end != old_end:
            self.flag(
                "running_changed",
                ticket_id,
                f"running job must keep its end {t.text(old_end)}; the plan ends it {t.text(end)}",
            )

    # ----------------------------------------------------------------- objective, KPIs

    def _objective_and_kpis(self, first_assignment: dict[str, int]) -> CheckReport:
        t, weights = self.time, self.scenario.weights
        parts = dict.fromkeys(OBJECTIVE_PARTS, 0.0)
        breaches: dict[str, float] = {}
        counts: dict[str, Counter[str]] = {}
        travel_total = 0
        for index, assignment in enumerate(self.plan.assignments):
            facts = self.tickets.get(assignment.ticket)
            engineer = self.engineers.get(assignment.engineer)
            if (
                facts is None
                or engineer is None
                or first_assignment.get(assignment.ticket) != index
            ):
                continue
            start, end = t.minute(assignment.start), t.minute(assignment.end)
            response, resolution = self._assigned_risks(facts, engineer, start)
            parts["sla_risk"] += facts.weight * (
                weights.response * response + weights.resolution * resolution
            )
            late = max(0, end - facts.resolution_due)
            parts["lateness"] += facts.weight * weights.late_per_hour * late / 60
            preferred = facts.client.preferred_engineers
            if preferred and assignment.engineer not in preferred:
                parts["preference"] += weights.preference
            travel_total += self.travel_of_assignment.get(index, 0)
            breaches[facts.tier] = breaches.get(facts.tier, 0.0) + response + resolution
            counts.setdefault(facts.tier, Counter()).update(["tickets", "assigned"])
        placed = set(first_assignment)
        for entry in self.plan.unassigned:
            facts = self.tickets.get(entry.ticket)
            if facts is None or entry.ticket in placed:
                continue
            placed.add(entry.ticket)
            responded = facts.ticket.responded is not None
            response = 1.0 if facts.response_due <= t.end and not responded else 0.0
            resolution = 1.0 if facts.resolution_due <= t.end else 0.0
            parts["sla_risk"] += facts.weight * (
                weights.response * response + weights.resolution * resolution
            )
            late = max(0, t.end - facts.resolution_due)
            parts["lateness"] += facts.weight * weights.late_per_hour * late / 60
            parts["deferral"] += facts.weight * weights.deferral
            breaches[facts.tier] = breaches.get(facts.tier, 0.0) + response + resolution
            counts.setdefault(facts.tier, Counter()).update(["tickets"])
        completed_by_tier: Counter[str] = Counter()
        for done in self.plan.completed:
            facts = self.tickets.get(done.ticket)
            if facts is not None and done.ticket not in placed:
                placed.add(done.ticket)
                completed_by_tier[facts.tier] += 1
                breaches.setdefault(facts.tier, 0.0)
        parts["travel"] = weights.travel_per_hour * travel_total / 60
        parts["disruption"] = (
            self.plan.objective.disruption if self.disruption is None else self.disruption
        )
        objective = {"total": sum(parts[name] for name in OBJECTIVE_PARTS), **parts}

        reported = self.plan.objective
        for name, value in objective.items():
            given = getattr(reported, name)
            if not _close(given, value):
                self.flag(
                    "objective",
                    None,
                    f"objective.{name} is reported as {given:.6f}; recomputed {value:.6f}",
                )
        bound = self.plan.solver.bound
        if (
            bound is not None
            and bound > objective["total"]
            and not _close(bound, objective["total"])
        ):
            self.flag(
                "bound",
                None,
                f"solver.bound {bound:.6f} is above the plan's own objective "
                f"{objective['total']:.6f}; it cannot be a lower bound",
            )
        self._check_kpis(breaches, counts, completed_by_tier, travel_total)
        return CheckReport(
            violations=self.violations,
            objective=objective,
            expected_breaches_by_tier=breaches,
            travel_minutes=travel_total,
        )

    def _check_kpis(
        self,
        breaches: dict[str, float],
        counts: dict[str, Counter[str]],
        completed_by_tier: Counter[str],
        travel_total: int,
    ) -> None:
        kpis = self.plan.kpis
        if kpis.travel_minutes != travel_total:
            self.flag(
                "kpi",
                None,
                f"kpis.travel_minutes is {kpis.travel_minutes}; the walk gives {travel_total}",
            )
        for tier in sorted(set(breaches) | set(kpis.by_tier)):
            expected = breaches.get(tier, 0.0)
            tally = counts.get(tier, Counter())
            done = completed_by_tier[tier]
            given = kpis.by_tier.get(tier)
            if given is None:
                if tally["tickets"] or expected:
                    self.flag("kpi", None, f"kpis.by_tier lacks tier '{tier}'")
                continue
            if not _close(given.expected_breaches, expected):
                self.flag(
                    "kpi",
                    None,
                    f"kpis.by_tier.{tier}.expected_breaches is {given.expected_breaches:.6f}; "
                    f"recomputed {expected:.6f}",
                )
            # Whether completed tickets count in a tier's tally is left open: accept both.
            if given.tickets not in (tally["tickets"], tally["tickets"] + done):
                self.flag(
                    "kpi",
                    None,
                    f"kpis.by_tier.{tier}.tickets is {given.tickets}; counted {tally['tickets']}",
                )
            if given.assigned not in (tally["assigned"], tally["assigned"] + done):
                self.flag(
                    "kpi",
                    None,
                    f"kpis.by_tier.{tier}.assigned is {given.assigned}; "
                    f"counted {tally['assigned']}",
                )
