"""How every view writes a local time, in one place, so that a plan reads the same in
the terminal, the board, the calendars and the explanations.

Each function takes an aware local datetime (``PlanView.local`` gives one).
"""

from __future__ import annotations

import datetime as dt


def weekday_time(moment: dt.datetime) -> str:
    """'Mon 09:33': inside the horizon's days the weekday says which day."""
    return f"{moment:%a %H:%M}"


def dated_time(moment: dt.datetime) -> str:
    """'Fri 27 Nov 15:30': outside the horizon's days, with the date."""
    return f"{moment:%a %d %b %H:%M}"


def clock_time(moment: dt.datetime) -> str:
    """'09:33': within a day already named."""
    return f"{moment:%H:%M}"


def day_label(moment: dt.datetime) -> str:
    """'Mon 30 Nov': a day's heading."""
    return f"{moment:%a %d %b}"


def full_time(moment: dt.datetime) -> str:
    """'Mon 30 Nov 2026 12:00 GMT': read out of the plan's context (a calendar entry)."""
    return f"{moment:%a %d %b %Y %H:%M %Z}"
