"""The scenario compiled to integers: minutes since the horizon start, site indices,
weights, deadlines and eligibility, built once after validation.

This is the one place where calendar time becomes whole minutes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dispatcher.semantics.clock import Clock
from dispatcher.semantics.draws import Draws
from dispatcher.semantics.pieces import joint_intervals
from dispatcher.semantics.shifts import ShiftCalendar
from dispatcher.semantics.travel import TravelTable
from models import Scenario
from models.scenario import Weights

if TYPE_CHECKING:
    from dispatcher.semantics.execution import Executor


@dataclass(frozen=True)
class EngineerData:
    index: int
    id: str
    name: str
    skills: dict[str, int]
    onsite: bool
    home: int | None
    calendar: ShiftCalendar
    shift_days: tuple[int, ...]  # local date ordinal of each shift's start: the travel "day"


@dataclass(frozen=True)
class TicketData:
    index: int
    id: str
    client: str
    tier: str
    priority: str
    weight: float
    opened: int
    onsite: bool
    site: int | None
    p50: int
    p90: int
    sigma: float
    skills: dict[str, int]
    window: tuple[int, int] | None
    assigned_to: int | None
    fixed_start: int | None
    responded: bool
    response_due: int
    resolution_due: int
    after_horizon: int  # clock minutes in [horizon end, resolution_due] when due after the horizon
    must_assign: bool
    preferred: frozenset[int]  # engineer indices the client prefers (empty: no preference)
    clock: Clock = field(repr=False, compare=False)
    crew: int = 1  # engineers needed together on the job (SPEC "Crews")

    @cached_property
    def earliest_start(self) -> int:
        low = max(self.opened, 0)
        if self.window is not None:
            low = max(low, self.window[0])
        if self.fixed_start is not None:
            low = max(low, self.fixed_start)
        return low

    @cached_property
    def latest_start(self) -> int | None:
        if self.fixed_start is not None:
            return self.fixed_start
        return self.window[1] if self.window is not None else None


@dataclass
class Problem:
    """A validated scenario in integer form, ready for the heuristics, the model and the
    evaluator."""

    scenario: Scenario
    name: str
    sha256: str
    source: str
    tz: ZoneInfo
    origin: dt.datetime  # horizon start, UTC
    horizon_end: int
    engineers: list[EngineerData]
    tickets: list[TicketData]
    site_ids: list[str]
    travel: TravelTable
    tier_caps: dict[str, int]
    risk_samples: int = 500  # policy.risk_samples: N, the draws that measure risk
    split_overnight_from: int = 240  # policy.split_overnight_from, in minutes

    @cached_property
    def engineer_index(self) -> dict[str, int]:
        return {engineer.id: engineer.index for engineer in self.engineers}

    @cached_property
    def ticket_index(self) -> dict[str, int]:
        return {ticket.id: ticket.index for ticket in self.tickets}

    @cached_property
    def capable(self) -> list[list[int]]:
        """Per ticket, the engineers with its skills, on-site flag and assigned_to (SPEC
        "Eligibility"; for a crew job, the engineers who could lead it)."""
        return [
            (able if ticket.assigned_to is None else [e for e in able if e == ticket.assigned_to])
            for ticket, able in zip(self.tickets, self.crew_capable, strict=True)
        ]

    @cached_property
    def eligible(self) -> list[list[int]]:
        """Per ticket, the engineers the single-engineer planning paths may give it to: the
        ``capable`` ones, and nobody for a crew job (``crew`` > 1), which is placed as a
        whole (``crew_capable``, ``construct.place_crew``) and then held by the search."""
        return [[] if ticket.crew > 1 else self.capable[ticket.index] for ticket in self.tickets]

    @cached_property
    def eligible_sets(self) -> list[frozenset[int]]:
        """``eligible`` as sets, for membership tests."""
        return [frozenset(engineers) for engineers in self.eligible]

    @cached_property
    def crew_capable(self) -> list[list[int]]:
        """Per ticket, the engineers with its skills and on-site flag, ``assigned_to``
        aside: who may be a member of its crew (SPEC "Eligibility": every member meets the
        skills and the on-site flag, ``assigned_to`` names the lead)."""
        # Tickets with the same needs share one answer (a day has few distinct needs).
        known: dict[tuple[bool, tuple[tuple[str, int], ...]], list[int]] = {}
        result = []
        for ticket in self.tickets:
            key = (ticket.onsite, tuple(sorted(ticket.skills.items())))
            able = known.get(key)
            if able is None:
                able = [e.index for e in self.engineers if has_what_it_needs(ticket, e)]
                known[key] = able
            result.append(able)
        return result

    @cached_property
    def _joint_calendars(self) -> dict[tuple[int, ...], ShiftCalendar]:
        return {}

    def calendar_of(self, members: tuple[int, ...]) -> ShiftCalendar:
        """The shift time a job of these members runs in: its engineer's shifts, or a
        crew's joint shift time (the minutes in which every member is in a shift)."""
        if len(members) == 1:
            return self.engineers[members[0]].calendar
        key = tuple(sorted(members))
        cached = self._joint_calendars.get(key)
        if cached is None:
            cached = joint_calendar([self.engineers[m] for m in key], self.horizon_end)
            self._joint_calendars[key] = cached
        return cached

    @cached_property
    def draws(self) -> Draws:
        """The SPEC's fixed effort draws (N = policy.risk_samples), computed once per
        ticket; copies of the problem made by ``replace`` share them."""
        return Draws(self.risk_samples)

    @cached_property
    def _executors(self) -> dict[int | None, Executor]:
        return {}

    def executor(self, now: int | None = None) -> Executor:
        """The problem's executor (SPEC v2 "Execution and breach risk") for plans made at
        ``now`` (None: a daily plan), built once and kept with its caches."""
        cached = self._executors.get(now)
        if cached is None:
            from dispatcher.semantics.execution import Executor

            cached = Executor(
                self, self.draws, split_overnight_from=self.split_overnight_from, now=now
            )
            self._executors[now] = cached
        return cached

    @property
    def weights(self) -> Weights:
        return self.scenario.weights

    def instant(self, minute: int) -> dt.datetime:
        """Minutes since the horizon start -> aware datetime in the scenario's zone."""
        return (self.origin + dt.timedelta(minutes=minute)).astimezone(self.tz)


def joint_calendar(engineers: Sequence[EngineerData], horizon_end: int) -> ShiftCalendar:
    """The shift time of a job of these engineers: its engineer's shifts, or a crew's
    joint shift time (the minutes in which every member is in a shift)."""
    if len(engineers) == 1:
        return engineers[0].calendar
    shifts = [engineer.calendar.shifts for engineer in engineers]
    return ShiftCalendar(tuple(joint_intervals(shifts, horizon_end)))


def is_eligible(ticket: TicketData, engineer: EngineerData) -> bool:
    """May ``engineer`` do (or lead) ``ticket``: its skills, on-site flag and assigned_to."""
    if ticket.assigned_to is not None and ticket.assigned_to != engineer.index:
        return False
    return has_what_it_needs(ticket, engineer)


def has_what_it_needs(ticket: TicketData, engineer: EngineerData) -> bool:
    """Has ``engineer`` the skills and on-site flag ``ticket`` needs (``assigned_to``
    aside)?"""
    if ticket.onsite and not engineer.onsite:
        return False
    return all(engineer.skills.get(skill, 0) >= level for skill, level in ticket.skills.items())
