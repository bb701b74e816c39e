"""What a synthetic scenario holds once drawn (clients, engineers, tickets, sites) and
its YAML writer for ``dispatch generate``.

The YAML is written by hand rather than with a YAML dumper: it is several times
faster at 2000 tickets and keeps small maps on one line, which is how a person would
write the file. Free text (names, summaries) is written as a JSON string,
which is a valid YAML double-quoted scalar.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

Emit = Callable[[str], None]


@dataclass
class SyntheticClient:
    """A client as drawn: its office is a site of the same id."""

    id: str
    name: str
    sla: str
    site: str
    weight: float  # relative ticket volume
    preferred: list[str] = field(default_factory=list)

    @property
    def managed(self) -> bool:
        return self.sla != "break-fix"


@dataclass
class SyntheticEngineer:
    """An engineer as drawn, with the appointments booked for them so far."""

    id: str
    name: str
    skills: dict[str, int]
    home: str
    onsite: bool
    shifts: list[tuple[dt.datetime, dt.datetime]]
    booked: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)


@dataclass
class SyntheticTicket:
    """A ticket as drawn; its id (T-0001, ...) is given when written, by arrival."""

    client: SyntheticClient
    summary: str
    priority: str
    opened: dt.datetime
    onsite: bool
    p50: int
    p90: int
    skills: dict[str, int]
    window: tuple[dt.datetime, dt.datetime] | None = None
    assigned_to: str | None = None
    fixed_start: dt.datetime | None = None
    responded: dt.datetime | None = None
    crew: int = 1  # engineers needed together (``--crews`` only)


@dataclass
class SyntheticBoard:
    """A whole generated scenario, ready to be written."""

    seed: int
    n_engineers: int
    n_tickets: int
    tz: ZoneInfo
    days: list[dt.date]
    horizon_start: dt.datetime
    horizon_end: dt.datetime
    sites: dict[str, tuple[float, float]]
    clients: list[SyntheticClient]
    engineers: list[SyntheticEngineer]
    tickets: list[SyntheticTicket]
    crews: bool = False  # drawn with ``--crews``: some on-site visits need two or three
    break_fix_cap: int = 1  # policy.tier_caps.break_fix: break-fix visits at a time


def _fmt(value: dt.datetime) -> str:
    """Local time as the scenario writes it (no offset: the scenario's zone applies)."""
    return value.strftime("%Y-%m-%dT%H:%M")


def _dur(minutes: int) -> str:
    """Compact duration: 90 -> '1h30m'."""
    hours, mins = divmod(minutes, 60)
    if hours and mins:
        return f"{hours}h{mins}m"
    return f"{hours}h" if hours else f"{mins}m"


def _quote(text: str) -> str:
    """A string as a YAML scalar that needs no further escaping."""
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(text, ensure_ascii=False)


def _flow(items: Sequence[tuple[str, str | int]]) -> str:
    """A small one-line YAML map: {a: 1, b: 2}."""
    return "{" + ", ".join(f"{key}: {value}" for key, value in items) + "}"


def _span(start: dt.datetime, end: dt.datetime) -> str:
    """A {start, end} map of local times (horizon, shift, window)."""
    return _flow([("start", _fmt(start)), ("end", _fmt(end))])


def scenario_yaml(board: SyntheticBoard) -> str:
    """The YAML text of the board, written line by line."""
    out: list[str] = []
    add = out.append
    add("# Synthetic MSP scenario written by `dispatch generate`:")
    add(
        f"# {board.n_engineers} engineers, {board.n_tickets} tickets, {len(board.days)} day(s), "
        f"seed {board.seed}{', with crews' if board.crews else ''}."
    )
    add("version: 1")
    name = f"Synthetic MSP, {board.n_engineers} engineers x {board.n_tickets} tickets"
    add(f"name: {_quote(f'{name} (seed {board.seed})')}")
    add(f"timezone: {board.tz.key}")
    add(f"horizon: {_span(board.horizon_start, board.horizon_end)}")
    add("")
    _write_policies(add, board.days)
    add("")
    add(f"policy: {{tier_caps: {{break_fix: {board.break_fix_cap}}}}}")
    add("")
    add("sites:")
    for site_id, (lat, lon) in board.sites.items():
        add(f"  {site_id}: {{lat: {lat}, lon: {lon}}}")
    add("")
    add("clients:")
    for client in board.clients:
        add(f"  - id: {client.id}")
        add(f"    name: {_quote(client.name)}")
        add(f"    sla: {client.sla}")
        add(f"    site: {client.site}")
        if client.preferred:
            add(f"    preferred_engineers: [{', '.join(client.preferred)}]")
    add("")
    add("engineers:")
    for engineer in board.engineers:
        add(f"  - id: {engineer.id}")
        add(f"    name: {_quote(engineer.name)}")
        add(f"    skills: {_flow(list(engineer.skills.items()))}")
        add(f"    home: {engineer.home}")
        if not engineer.onsite:
            add("    onsite: false")
        if engineer.shifts:
            add("    shifts:")
            for start, end in engineer.shifts:
                add(f"      - {_span(start, end)}")
        else:
            add("    shifts: []")
    add("")
    if not board.tickets:
        add("tickets: []")
    else:
        add("tickets:")
        for number, ticket in enumerate(board.tickets, start=1):
            _write_ticket(add, f"T-{number:04d}", ticket)
    return "\n".join(out) + "\n"


def _write_policies(add: Emit, days: list[dt.date]) -> None:
    # The holidays the SLA clock can meet: from the oldest backlog ticket to the horizon end.
    years = sorted({(days[0] - dt.timedelta(days=7)).year, days[-1].year})
    holidays = sorted(
        {dt.date(y, 12, 25) for y in years}
        | {dt.date(y, 12, 26) for y in years}
        | {dt.date(y + 1, 1, 1) for y in years}
    )
    add("calendars:")
    add("  office:")
    add('    weekly: {mon: "08:00-18:00", tue: "08:00-18:00", wed: "08:00-18:00",')
    add('             thu: "08:00-18:00", fri: "08:00-18:00"}')
    add(f"    holidays: [{', '.join(d.isoformat() for d in holidays)}]")
    add("")
    add("sla_policies:")
    policies = (
        ("managed-gold", "managed", "office",
         (("P1", "30m", "4h"), ("P2", "1h", "8h"), ("P3", "4h", "20h"), ("P4", "8h", "40h"))),
        ("managed-silver", "managed", "office",
         (("P1", "1h", "8h"), ("P2", "4h", "16h"), ("P3", "8h", "30h"), ("P4", "16h", "60h"))),
        ("break-fix", "break_fix", "24x7", (("P1", "4h", "1d"), ("P2", "8h", "2d"))),
    )  # fmt: skip
    for name, tier, clock, targets in policies:
        add(f"  {name}:")
        add(f"    tier: {tier}")
        add(f"    clock: {clock}")
        add("    targets:")
        for priority, response, resolution in targets:
            target = _flow([("response", response), ("resolution", resolution)])
            add(f"      {priority}: {target}")


def _write_ticket(add: Emit, ticket_id: str, ticket: SyntheticTicket) -> None:
    add(f"  - id: {ticket_id}")
    add(f"    client: {ticket.client.id}")
    add(f"    summary: {_quote(ticket.summary)}")
    add(f"    priority: {ticket.priority}")
    add(f"    opened: {_fmt(ticket.opened)}")
    if ticket.onsite:
        add("    onsite: true")
    if ticket.p50 == ticket.p90:
        add(f"    effort: {_dur(ticket.p50)}")
    else:
        add(f"    effort: {_flow([('p50', _dur(ticket.p50)), ('p90', _dur(ticket.p90))])}")
    if ticket.skills:
        add(f"    skills: {_flow(list(ticket.skills.items()))}")
    if ticket.window is not None:
        low, high = ticket.window
        add(f"    window: {_span(low, high)}")
    if ticket.fixed_start is not None:
        add(f"    assigned_to: {ticket.assigned_to}")
        add(f"    fixed_start: {_fmt(ticket.fixed_start)}")
    if ticket.responded is not None:
        add(f"    responded: {_fmt(ticket.responded)}")
    if ticket.crew > 1:
        add(f"    crew: {ticket.crew}")
