"""The events of a reschedule (added tickets, absences, jobs done, overruns), the
parsing of their command-line forms, and how errors about them name where they came
from (``Wording``: the command line's options, or the Python API's arguments)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dispatcher.errors import InputError
from dispatcher.io.yamlio import LineMap
from dispatcher.semantics.problem import Problem
from models.scenario import Ticket

COMMAND_LINE = "command line"


@dataclass(frozen=True)
class Wording:
    """How an error about an event or ``now`` names its source: the "file" of the
    issue, an option (``--unavailable`` on the command line, the argument
    ``unavailable`` of ``dispatcher.api.reschedule_plan``) and one event as given."""

    source: str
    option_prefix: str

    def option(self, name: str) -> str:
        """``name`` (``now``, ``unavailable``, ``done``, ``overrun``) as the caller spells it."""
        return f"{self.option_prefix}{name}"

    def event(self, name: str, value: str) -> str:
        """One event as given: ``--overrun T@UNTIL``, or ``overrun T@UNTIL`` from the API."""
        return f"{self.option(name)} {value}"


COMMAND_LINE_WORDING = Wording(COMMAND_LINE, "--")
API_WORDING = Wording("<api>", "")


@dataclass(frozen=True)
class AddedTickets:
    """Tickets joining the plan, with where they came from (for error messages)."""

    tickets: list[Ticket]
    filename: str = "<added tickets>"
    lines: LineMap = field(default_factory=LineMap)


@dataclass(frozen=True)
class Unavailable:
    """An engineer unavailable over [start, end) (``--unavailable ENG[@FROM/TO]``); a
    naive datetime is in the scenario's time zone."""

    engineer: str
    start: dt.datetime | None = None  # None: now
    end: dt.datetime | None = None  # None: the horizon's end


@dataclass(frozen=True)
class Overrun:
    """A running job that now needs until ``until`` (``--overrun TICKET@UNTIL``); a
    naive datetime is in the scenario's time zone."""

    ticket: str
    until: dt.datetime


@dataclass
class Events:
    """What happened since the plan was made, and how errors about it are worded."""

    add: list[AddedTickets] = field(default_factory=list)
    unavailable: list[Unavailable] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    overrun: list[Overrun] = field(default_factory=list)
    wording: Wording = COMMAND_LINE_WORDING


def parse_unavailable(
    text: str, problem: Problem, wording: Wording = COMMAND_LINE_WORDING
) -> Unavailable:
    """``ENG`` or ``ENG@FROM/TO`` (either end may be left empty)."""
    if text in problem.engineer_index or "@" not in text:
        return Unavailable(text)
    engineer, _, period = text.rpartition("@")
    low, slash, high = period.partition("/")
    option = wording.option("unavailable")
    if not slash:
        raise InputError.single(
            wording.source, f"'{text}': give the period as FROM/TO", path=option
        )
    return Unavailable(
        engineer, _datetime(low, option, wording.source), _datetime(high, option, wording.source)
    )


def parse_overrun(text: str, wording: Wording = COMMAND_LINE_WORDING) -> Overrun:
    """``TICKET@UNTIL``."""
    ticket, at, until = text.rpartition("@")
    option = wording.option("overrun")
    value = _datetime(until, option, wording.source) if at else None
    if not ticket or value is None:
        raise InputError.single(wording.source, f"'{text}': expected TICKET@UNTIL", path=option)
    return Overrun(ticket, value)


def _datetime(text: str, option: str, source: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError.single(
            source, f"'{text}' is not an ISO 8601 datetime", path=option
        ) from None
