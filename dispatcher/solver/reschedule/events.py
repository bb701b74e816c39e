"""The events of a reschedule (added tickets, absences, jobs done, overruns) and the
parsing of their command-line forms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dispatcher.errors import InputError
from dispatcher.io.yamlio import LineMap
from dispatcher.semantics.problem import Problem
from models.scenario import Ticket

COMMAND_LINE = "command line"


@dataclass(frozen=True)
class AddedTickets:
    """Tickets joining the plan, with where they came from (for error messages)."""

    tickets: list[Ticket]
    filename: str = "<added tickets>"
    lines: LineMap = field(default_factory=LineMap)


@dataclass(frozen=True)
class Unavailable:
    """``--unavailable ENG[@FROM/TO]``: [FROM, TO) leaves the engineer's shifts."""

    engineer: str
    start: dt.datetime | None = None  # None: now
    end: dt.datetime | None = None  # None: the horizon's end


@dataclass(frozen=True)
class Overrun:
    """``--overrun TICKET@UNTIL``: a running job now needs until UNTIL."""

    ticket: str
    until: dt.datetime


@dataclass
class Events:
    """What happened since the plan was made, as given on the command line."""

    add: list[AddedTickets] = field(default_factory=list)
    unavailable: list[Unavailable] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    overrun: list[Overrun] = field(default_factory=list)


def parse_unavailable(text: str, problem: Problem) -> Unavailable:
    """``ENG`` or ``ENG@FROM/TO`` (either end may be left empty)."""
    if text in problem.engineer_index or "@" not in text:
        return Unavailable(text)
    engineer, _, period = text.rpartition("@")
    low, slash, high = period.partition("/")
    if not slash:
        raise InputError.single(
            COMMAND_LINE, f"'{text}': give the period as FROM/TO", path="--unavailable"
        )
    return Unavailable(engineer, _datetime(low, "--unavailable"), _datetime(high, "--unavailable"))


def parse_overrun(text: str) -> Overrun:
    """``TICKET@UNTIL``."""
    ticket, at, until = text.rpartition("@")
    value = _datetime(until, "--overrun") if at else None
    if not ticket or value is None:
        raise InputError.single(COMMAND_LINE, f"'{text}': expected TICKET@UNTIL", path="--overrun")
    return Overrun(ticket, value)


def _datetime(text: str, option: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError.single(
            COMMAND_LINE, f"'{text}' is not an ISO 8601 datetime", path=option
        ) from None
