"""The checker's own time line and SLA clocks: instants as whole minutes since the
horizon start, local wall-clock times, and business-hours calendars.

Conventions (the loader's, restated): instants become whole minutes since the horizon
start floored to a minute, rounded up; naive datetimes are local time in the scenario's
zone, an ambiguous one meaning its first occurrence.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

from models.durations import parse_day_hours
from models.scenario import Calendar, Scenario

MAX_CALENDAR_DAYS = 3700  # a deadline more than ten years of calendar away is not looked for
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Timeline:
    """Instants <-> whole minutes since the horizon start (floored to a minute)."""

    def __init__(self, scenario: Scenario) -> None:
        self.tz = ZoneInfo(scenario.timezone)
        start = self.utc(scenario.horizon.start)
        self.origin = start.replace(second=0, microsecond=0)
        self.end = self.minute(scenario.horizon.end)

    def utc(self, value: dt.datetime) -> dt.datetime:
        """``value`` in UTC (a naive one read as local wall time)."""
        if value.tzinfo is not None:
            return value.astimezone(dt.UTC)
        # Naive = local wall time; fold=0 picks the first of two ambiguous autumn times.
        return value.replace(tzinfo=self.tz, fold=0).astimezone(dt.UTC)

    def minute(self, value: dt.datetime) -> int:
        """Whole minutes since the horizon start, rounded up."""
        seconds = (self.utc(value) - self.origin).total_seconds()
        return math.ceil(seconds / 60 - 1e-9)

    def on_whole_minute(self, value: dt.datetime) -> bool:
        seconds = (self.utc(value) - self.origin).total_seconds()
        return abs(seconds / 60 - round(seconds / 60)) < 1e-9

    def local(self, minute: int) -> dt.datetime:
        """The instant ``minute`` as an aware datetime in the scenario's zone."""
        return (self.origin + dt.timedelta(minutes=minute)).astimezone(self.tz)

    def local_date(self, minute: int) -> dt.date:
        return self.local(minute).date()

    def wall_minute(self, day: dt.date, minutes_after_midnight: int) -> int:
        """The instant of a local wall-clock time on ``day`` ('24:00' = next midnight)."""
        wall = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes_after_midnight)
        return self.minute(wall)

    def text(self, minute: int) -> str:
        """The instant as messages show it, e.g. 'Mon 2026-11-30 09:00' (local time)."""
        return self.local(minute).strftime("%a %Y-%m-%d %H:%M")


class SlaClock:
    """An SLA clock: elapsed time (calendar None) or a business-hours calendar."""

    def __init__(self, timeline: Timeline, calendar: Calendar | None) -> None:
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
