"""Duration and time-of-day parsing shared by the scenario models.

Durations are ISO 8601 (``PT1H30M``, ``P1D``) or compact (``90m``, ``2h``,
``1h30m``, ``1d``). They are rounded up to whole minutes here, in this one
place, before anything is computed from them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

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
        raise ValueError(f"expected a duration such as '90m', '2h' or 'PT1H30M', got {value!r}")
    if isinstance(value, int):
        # Plain integers are whole minutes (the form durations are written back in JSON).
        if value <= 0:
            raise ValueError(f"duration must be positive, got {value}")
        return Duration(value)
    text = value.strip()
    match = _ISO.match(text.upper()) if text[:1] in "Pp" else _COMPACT.match(text.lower())
    if not text or match is None or not any(match.groupdict().values()):
        raise ValueError(
            f"'{value}' is not a duration (use e.g. '90m', '2h', '1h30m' or 'PT1H30M')"
        )
    parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
    total_seconds = ((parts["d"] * 24 + parts["h"]) * 60 + parts["m"]) * 60 + parts["s"]
    minutes = math.ceil(total_seconds / 60 - 1e-9)
    if minutes <= 0:
        raise ValueError(f"duration must be positive, got '{value}'")
    return Duration(minutes, uses_days=parts["d"] > 0)


_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_time_of_day(text: str) -> int:
    """'08:30' -> 510 minutes after midnight; '24:00' is allowed as an end."""
    match = _HHMM.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a time of day (HH:MM)")
    hours, mins = int(match.group(1)), int(match.group(2))
    if mins > 59 or hours > 24 or (hours == 24 and mins):
        raise ValueError(f"'{text}' is not a time of day (HH:MM)")
    return hours * 60 + mins


def parse_day_hours(value: object) -> tuple[tuple[int, int], ...]:
    """'08:00-12:00,13:00-17:00' -> ((480, 720), (780, 1020)); '' or 'closed' -> ()."""
    if not isinstance(value, str):
        raise ValueError(f'expected hours such as "08:00-18:00", got {value!r}')
    text = value.strip()
    if text.lower() in ("", "closed", "off"):
        return ()
    spans: list[tuple[int, int]] = []
    for piece in text.split(","):
        if "-" not in piece:
            raise ValueError(f"'{piece.strip()}' is not a span of hours (HH:MM-HH:MM)")
        start_text, end_text = piece.split("-", 1)
        start, end = parse_time_of_day(start_text), parse_time_of_day(end_text)
        if end <= start:
            raise ValueError(f"'{piece.strip()}' ends before it starts")
        if spans and start < spans[-1][1]:
            raise ValueError(f"'{piece.strip()}' overlaps or precedes the span before it")
        spans.append((start, end))
    return tuple(spans)
