"""What the command line names in a reschedule: instants (``--now``, the ends of an
absence, an overrun's end) and the engineers and tickets of the events, each read against
the scenario with one clear error naming the option."""

from __future__ import annotations

import datetime as dt
import re

from dispatcher.errors import InputError
from dispatcher.io.history import PlanClock
from dispatcher.semantics.problem import Problem
from dispatcher.semantics.timeconv import minutes_since, to_utc
from dispatcher.solver.reschedule.events import COMMAND_LINE


class CommandLineClock(PlanClock):
    """Instants of the command line and of plan files <-> minutes since the horizon start;
    errors name ``source`` as their file (the command line, or the API)."""

    def __init__(self, problem: Problem, source: str = COMMAND_LINE) -> None:
        super().__init__(problem)
        self.source = source

    def option(self, value: dt.datetime | str, option: str, clip: bool = False) -> int:
        """Minutes of an instant given on the command line; outside the horizon it is an
        error, or (``clip``: the ends of a period) moved to the horizon's edge."""
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                raise InputError.single(
                    self.source, f"'{value}' is not an ISO 8601 datetime", path=option
                ) from None
        try:
            minute = minutes_since(self.problem.origin, to_utc(value, self.problem.tz))
        except ValueError as exc:
            raise InputError.single(self.source, str(exc), path=option) from None
        if clip:
            return min(max(minute, 0), self.problem.horizon_end)
        if not 0 <= minute <= self.problem.horizon_end:
            raise InputError.single(
                self.source,
                f"{value.isoformat()} lies outside the horizon "
                f"({self.text(0)} to {self.text(self.problem.horizon_end)})",
                path=option,
            )
        return minute


CLOCK_TIME = re.compile(r"(\d{1,2}):(\d{2})")


def resolve_now(
    problem: Problem,
    value: str,
    not_before: dt.datetime | str | None = None,
    today: dt.date | None = None,
) -> tuple[dt.datetime | str, str | None]:
    """``--now`` as given on the command line: an ISO 8601 date-time (returned as it is),
    ``now`` (the current time in the scenario's time zone) or ``HH:MM``; with the line
    that says which instant ``now`` or ``HH:MM`` stands for (None for an ISO value).

    ``HH:MM`` is that local time on one of the horizon's days, chosen by this rule:
    of the days on which HH:MM lies inside the horizon, today's date (in the
    scenario's time zone) if it is one of them; else the first of them not before
    ``not_before`` (the plan's own ``now``, a rescheduled plan going forwards); else
    the first of them. A time that lies inside no horizon day is an error."""
    text = value.strip()
    tz = problem.tz
    if text.lower() == "now":
        moment = dt.datetime.now(tz).replace(second=0, microsecond=0)
        return moment, f"--now now: {_said(moment)} ({tz.key})"
    match = CLOCK_TIME.fullmatch(text)
    if match is None:
        return value, None
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise InputError.single(
            COMMAND_LINE, f"'{value}' is not a time of day (HH:MM)", path="--now"
        )
    clock = CommandLineClock(problem)
    first, last = problem.instant(0).date(), problem.instant(problem.horizon_end).date()
    inside: list[dt.datetime] = []
    day = first
    while day <= last:
        naive = dt.datetime.combine(day, dt.time(hour, minute))
        try:
            at = clock.plan(naive)
        except ValueError:  # a local time the clocks skip on that day
            at = None
        if at is not None and 0 <= at <= problem.horizon_end:
            inside.append(naive.replace(tzinfo=tz))
        day += dt.timedelta(days=1)
    if not inside:
        raise InputError.single(
            COMMAND_LINE,
            f"{text} lies on no day of the horizon ({clock.text(0)} to "
            f"{clock.text(problem.horizon_end)}); give a date too (ISO 8601)",
            path="--now",
        )
    today = dt.datetime.now(tz).date() if today is None else today
    floor = clock.plan(not_before) if not_before is not None else None
    chosen = next((at for at in inside if at.date() == today), None)
    why = "today"
    if chosen is None and floor is not None:
        later = [at for at in inside if (clock.plan(at) or 0) >= floor]
        if later:
            chosen, why = later[0], "the first horizon day not before the plan's own now"
    if chosen is None:
        chosen, why = inside[0], "the first horizon day"
    if len(inside) == 1:
        why = "the only horizon day with that time inside the horizon"
    return chosen, f"--now {text}: {_said(chosen)} ({tz.key}), {why}"


def _said(moment: dt.datetime) -> str:
    return f"{moment:%a %d %b %Y %H:%M}"


def engineer_named(problem: Problem, name: str, option: str, source: str = COMMAND_LINE) -> int:
    """An engineer id named on the command line (or given to the API: ``source``)."""
    if name not in problem.engineer_index:
        raise InputError.single(
            source, f"unknown engineer '{name}' (not in the scenario)", path=option
        )
    return problem.engineer_index[name]


def ticket_named(problem: Problem, name: str, option: str, source: str = COMMAND_LINE) -> int:
    """A ticket id named on the command line (or given to the API: ``source``)."""
    if name not in problem.ticket_index:
        raise InputError.single(source, f"unknown ticket '{name}' (not in the plan)", path=option)
    return problem.ticket_index[name]


__all__ = ["CommandLineClock", "engineer_named", "resolve_now", "ticket_named"]
