"""Duration, date-time and time-of-day parsing shared by the scenario and plan models.

Durations are ISO 8601 (``PT1H30M``, ``P1D``) or compact (``90m``, ``2h``,
``1h30m``, ``1d``). They are rounded up to whole minutes here, in this one
place, before anything is computed from them.

Date-times are ISO 8601 text only: a bare number is refused rather than read
as seconds since 1970, which is what a mistyped ``20261130`` would become.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

MAX_DURATION_DAYS = 366  # longer is a typo, and would overflow date arithmetic
MAX_DURATION_MINUTES = MAX_DURATION_DAYS * 24 * 60
MIN_YEAR, MAX_YEAR = 1900, 2200  # of a date and time

_ISO = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
_COMPACT = re.compile(
    r"^(?:(?P<d>\d+(?:\.\d+)?)d)?\s*(?:(?P<h>\d+(?:\.\d+)?)h)?\s*"
    r"(?:(?P<m>\d+(?:\.\d+)?)m(?:in)?)?\s*(?:(?P<s>\d+(?:\.\d+)?)s)?$"
)


@dataclass(frozen=True)
class Duration:
    """A positive whole number of minutes, remembering whether days were used."""

    minutes: int
    uses_days: bool = False

    def __str__(self) -> str:
        return format_minutes(self.minutes)


def format_minutes(minutes: int) -> str:
    """Compact form that parses back to the same number of minutes."""
    hours, mins = divmod(minutes, 60)
    if hours and mins:
        return f"{hours}h{mins}m"
    if hours:
        return f"{hours}h"
    return f"{mins}m"


def parse_duration(value: object) -> Duration:
    """Parse a duration; raise ValueError with a short reason when it is not one."""
    if isinstance(value, Duration):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(
            f"expected a duration such as '90m', '2h' or 'PT1H30M', got {quoted(value)}"
        )
    if isinstance(value, int):
        # Plain integers are whole minutes (the form durations are written back in JSON).
        if value <= 0:
            raise ValueError(f"duration must be positive, got {value}")
        if value > MAX_DURATION_MINUTES:
            raise _too_long(value)
        return Duration(value)
    text = value.strip()
    match = _ISO.match(text.upper()) if text[:1] in "Pp" else _COMPACT.match(text.lower())
    if not text or match is None or not any(match.groupdict().values()):
        raise ValueError(
            f"{quoted(value)} is not a duration (use e.g. '90m', '2h', '1h30m' or 'PT1H30M')"
        )
    parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
    total_seconds = ((parts["d"] * 24 + parts["h"]) * 60 + parts["m"]) * 60 + parts["s"]
    # Compared before rounding: 400 digits of hours make an infinite float.
    if total_seconds > MAX_DURATION_MINUTES * 60:
        raise _too_long(value)
    minutes = math.ceil(total_seconds / 60 - 1e-9)
    if minutes <= 0:
        raise ValueError(f"duration must be positive, got {quoted(value)}")
    return Duration(minutes, uses_days=parts["d"] > 0)


def _too_long(given: object) -> ValueError:
    return ValueError(f"duration {quoted(given)} is longer than {MAX_DURATION_DAYS} days")


def quoted(value: object, limit: int = 40) -> str:
    """A value for an error message: quoted if text, and cut short (input may be hostile)."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"'{text}'" if isinstance(value, str) else text


_ISO_PARTS = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?")


def parse_datetime(value: object) -> dt.datetime:
    """An ISO 8601 date and time (a date alone means midnight); ValueError saying why not."""
    if isinstance(value, dt.datetime):
        return _in_years(value, value)
    if isinstance(value, dt.date):
        return _in_years(dt.datetime(value.year, value.month, value.day), value)
    if not isinstance(value, str):
        raise ValueError(
            f"expected an ISO 8601 date and time such as 2026-11-30T08:00, got {quoted(value)}"
        )
    text = value.strip()
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is not None:
        return _in_years(moment, value)
    parts = _ISO_PARTS.match(text)
    if parts is not None:
        # Well formed but impossible (Feb 30, 25:00): let datetime say which part is wrong.
        try:
            year, month, day, hour, minute, second = (int(part or 0) for part in parts.groups())
            dt.datetime(year, month, day, hour, minute, second)
        except ValueError as exc:
            raise ValueError(f"{quoted(value)} is not a valid date and time: {exc}") from None
    raise ValueError(f"{quoted(value)} is not an ISO 8601 date and time such as 2026-11-30T08:00")


def _in_years(moment: dt.datetime, given: object) -> dt.datetime:
    # Far from these years, converting between zones overflows datetime (year 1 at +01:00).
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValueError(
            f"year {moment.year} of {quoted(str(given))} is not between {MIN_YEAR} and {MAX_YEAR}"
        )
    return moment


def parse_date(value: object) -> dt.date:
    """An ISO 8601 date (``2026-12-25``); ValueError saying why not."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 date such as 2026-12-25, got {quoted(value)}")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        reason = "" if str(exc).startswith("Invalid isoformat") else f": {exc}"
        raise ValueError(
            f"{quoted(value)} is not an ISO 8601 date such as 2026-12-25{reason}"
        ) from None


_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_time_of_day(text: str) -> int:
    """'08:30' -> 510 minutes after midnight; '24:00' is allowed as an end."""
    match = _HHMM.match(text.strip())
    if not match:
        raise ValueError(f"{quoted(text)} is not a time of day (HH:MM)")
    hours, mins = int(match.group(1)), int(match.group(2))
    if mins > 59 or hours > 24 or (hours == 24 and mins):
        raise ValueError(f"{quoted(text)} is not a time of day (HH:MM)")
    return hours * 60 + mins


def parse_day_hours(value: object) -> tuple[tuple[int, int], ...]:
    """'08:00-12:00,13:00-17:00' -> ((480, 720), (780, 1020)); '' or 'closed' -> ()."""
    if not isinstance(value, str):
        raise ValueError(f'expected hours such as "08:00-18:00", got {quoted(value)}')
    text = value.strip()
    if text.lower() in ("", "closed", "off"):
        return ()
    spans: list[tuple[int, int]] = []
    for piece in text.split(","):
        if "-" not in piece:
            raise ValueError(f"{quoted(piece.strip())} is not a span of hours (HH:MM-HH:MM)")
        start_text, end_text = piece.split("-", 1)
        start, end = parse_time_of_day(start_text), parse_time_of_day(end_text)
        if end <= start:
            raise ValueError(f"{quoted(piece.strip())} ends before it starts")
        if spans and start < spans[-1][1]:
            raise ValueError(f"{quoted(piece.strip())} overlaps or precedes the span before it")
        spans.append((start, end))
    return tuple(spans)
