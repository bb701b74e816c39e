"""Local time <-> instants, honouring the scenario's IANA time zone."""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = dt.UTC


def zone(name: str) -> ZoneInfo:
    """The IANA zone, or ValueError naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"'{name}' is not a known IANA time zone") from None


def to_utc(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """An instant: offset-aware values as given, naive ones as local time in ``tz``.

    A local time inside a spring-forward gap is an error; an ambiguous one
    (autumn overlap) means its first occurrence.
    """
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    aware = value.replace(tzinfo=tz, fold=0)
    back = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if back != value:
        raise ValueError(
            f"local time {value.isoformat()} does not exist in {tz.key} (clocks go forward)"
        )
    return aware.astimezone(UTC)


def minutes_since(origin: dt.datetime, instant: dt.datetime) -> int:
    """Whole minutes from origin to instant, rounded up (planning resolution is one minute)."""
    return math.ceil((instant - origin).total_seconds() / 60 - 1e-9)


def local_midnight_utc(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
