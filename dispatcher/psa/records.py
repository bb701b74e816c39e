"""What every PSA export holds, in one neutral shape: the PSA adapters
(``connectwise``, ``autotask``, ``halo``) read their saved API responses into these
records, and ``build`` turns them, with the mapping file, into a scenario.

Every record remembers where it came from (``Origin``: the file and the record's index
in it), so that a problem with it is reported like any input error: file, record index,
field. Times are aware ``datetime``s (the PSAs answer in UTC); ``build`` writes them in
the scenario's time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dispatcher.errors import InputIssue


@dataclass(frozen=True)
class Origin:
    """A record's place: the response file and its index among that file's records."""

    file: str
    index: int
    line: int | None = None

    def issue(self, field_name: str, message: str) -> InputIssue:
        path = f"[{self.index}]" + (f".{field_name}" if field_name else "")
        return InputIssue(self.file, self.line, path, message)

    def __str__(self) -> str:
        return f"{self.file} [{self.index}]"


@dataclass
class PsaTicket:
    """A ticket (ConnectWise service ticket, Autotask ticket, Halo ticket)."""

    origin: Origin
    id: str  # the PSA's id, kept as the scenario ticket id
    summary: str | None = None
    number: str | None = None  # a human ticket number when the PSA has one besides the id
    status: str | None = None
    closed: bool = False  # the PSA says it is closed, completed or resolved
    priority: str | None = None  # the PSA's priority name (mapped to P1.. by the mapping)
    created: dt.datetime | None = None
    company: str | None = None  # PsaCompany.key
    site: str | None = None  # PsaSite.key
    agreement_type: str | None = None  # agreement / contract type name; None: no agreement
    agreement: str | None = None  # the agreement's own name, for the provenance comment
    # What the mapping's rules match on: board, type, subtype, item (ConnectWise); queue,
    # issue_type, sub_issue_type, category, ticket_type (Autotask); team, ticket_type,
    # category_1..4 (Halo); service_location everywhere it exists; priority (the PSA's).
    fields: dict[str, str] = field(default_factory=dict)
    estimate_hours: float | None = None
    responded: dt.datetime | None = None
    response_due: dt.datetime | None = None
    resolution_due: dt.datetime | None = None
    sla: str | None = None  # PsaSla.key


@dataclass
class PsaMember:
    """An engineer (ConnectWise member, Autotask resource, Halo agent)."""

    origin: Origin
    key: str  # the PSA's id
    login: str | None  # identifier / userName: the scenario engineer id when present
    name: str
    active: bool = True
    skills: dict[str, str] = field(default_factory=dict)  # PSA skill name -> PSA level text
    calendar: str | None = None  # PsaCalendar.key of their working hours


@dataclass
class PsaBooking:
    """Booked work: a schedule entry / service call / appointment on a ticket."""

    origin: Origin
    key: str  # the PSA's id of the entry
    ticket: str  # PsaTicket.id
    member: str  # PsaMember.key
    start: dt.datetime
    end: dt.datetime
    done: bool = False


@dataclass
class PsaCalendar:
    """Working hours: per weekday (0 = Monday) a list of (start, end) times, and holidays."""

    key: str
    name: str
    weekly: dict[int, list[tuple[dt.time, dt.time]]] = field(default_factory=dict)
    holidays: list[dt.date] = field(default_factory=list)


@dataclass
class PsaSla:
    """An SLA: per PSA priority name, response and resolution hours, on a calendar."""

    key: str
    name: str
    calendar: str | None = None  # PsaCalendar.key; None: round the clock
    targets: dict[str, tuple[float, float]] = field(default_factory=dict)  # priority -> hours
    default: tuple[float, float] | None = None  # for priorities without their own


@dataclass
class PsaSite:
    key: str
    company: str
    name: str
    address: str | None = None


@dataclass
class PsaCompany:
    key: str
    name: str
    identifier: str | None = None


@dataclass
class Skip:
    """A record left out, and why (closed ticket, inactive member, ...)."""

    origin: Origin
    what: str  # "ticket", "member", "booking", ...
    id: str
    reason: str


@dataclass
class PsaExport:
    """Everything an adapter read from one PSA's saved responses."""

    psa: str
    tickets: list[PsaTicket] = field(default_factory=list)
    members: list[PsaMember] = field(default_factory=list)
    bookings: list[PsaBooking] = field(default_factory=list)
    calendars: dict[str, PsaCalendar] = field(default_factory=dict)
    slas: dict[str, PsaSla] = field(default_factory=dict)
    companies: dict[str, PsaCompany] = field(default_factory=dict)
    sites: dict[str, PsaSite] = field(default_factory=dict)
    skipped: list[Skip] = field(default_factory=list)
    issues: list[InputIssue] = field(default_factory=list)  # records that cannot be read
    files: list[str] = field(default_factory=list)  # the response files read
