"""SLA clocks: elapsed time (``24x7``) or business hours of a calendar.

Instants are whole minutes since the horizon start (``origin``).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dispatcher.semantics.timeconv import UTC, minutes_since

MAX_DAYS = 3700  # a deadline further than ten years away is not looked for


class Clock:
    """Elapsed time: every minute counts."""

    def due(self, start: int, minutes: int) -> int:
        """The first instant at which ``minutes`` clock minutes have passed since ``start``."""
        return start + minutes

    def count(self, start: int, end: int) -> int:
        """Clock minutes inside [start, end]."""
        return max(0, end - start)


class BusinessClock(Clock):
    """Business hours: weekly spans in local time, skipping holidays."""

    def __init__(
        self,
        spans: dict[int, tuple[tuple[int, int], ...]],
        holidays: frozenset[dt.date],
        tz: ZoneInfo,
        origin: dt.datetime,
    ) -> None:
        self.spans = spans
        self.holidays = holidays
        self.tz = tz
        self.origin = origin
        self._days: dict[dt.date, list[tuple[int, int]]] = {}

    def _local_date(self, instant: int) -> dt.date:
        return (self.origin + dt.timedelta(minutes=instant)).astimezone(self.tz).date()

    def _open_on(self, day: dt.date) -> list[tuple[int, int]]:
        cached = self._days.get(day)
        if cached is None:
            cached = []
            if day not in self.holidays:
                midnight = dt.datetime(day.year, day.month, day.day)
                for first, last in self.spans.get(day.weekday(), ()):
                    opens = (midnight + dt.timedelta(minutes=first)).replace(tzinfo=self.tz)
                    closes = (midnight + dt.timedelta(minutes=last)).replace(tzinfo=self.tz)
                    cached.append(
                        (
                            minutes_since(self.origin, opens.astimezone(UTC)),
                            minutes_since(self.origin, closes.astimezone(UTC)),
                        )
                    )
            self._days[day] = cached
        return cached

    def due(self, start: int, minutes: int) -> int:
        day = self._local_date(start) - dt.timedelta(days=1)
        needed = minutes
        for _ in range(MAX_DAYS):
            for opens, closes in self._open_on(day):
                if closes <= start:
                    continue
                begin = max(opens, start)
                if closes - begin >= needed:
                    return begin + needed
                needed -= closes - begin
            day += dt.timedelta(days=1)
        raise ValueError("the calendar has too few business hours to reach this deadline")

    def count(self, start: int, end: int) -> int:
        if end <= start:
            return 0
        total = 0
        day = self._local_date(start) - dt.timedelta(days=1)
        last_day = self._local_date(end) + dt.timedelta(days=1)
        while day <= last_day:
            for opens, closes in self._open_on(day):
                total += max(0, min(closes, end) - max(opens, start))
            day += dt.timedelta(days=1)
        return total
