"""Cross-checks of a shape-valid scenario and its compiling into a ``Problem``.

The ``Validator`` turns instants into minutes since the horizon's start, checks that
every reference (site, client, engineer, calendar, SLA policy, tier, priority) names
something that exists, and builds the engineers, tickets, clocks and travel table.
It collects every issue it finds, naming the file, the line and the field path, and
raises them together. Booked appointments are checked in ``appointments``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from dispatcher.errors import InputError, InputIssue
from dispatcher.io.appointments import check_appointments
from dispatcher.io.yamlio import LineMap, path_text
from dispatcher.io.yamlio import Path as FieldPath
from dispatcher.semantics.clock import BusinessClock, Clock
from dispatcher.semantics.problem import EngineerData, Problem, TicketData
from dispatcher.semantics.risk import sigma_of
from dispatcher.semantics.shifts import ShiftCalendar
from dispatcher.semantics.timeconv import minutes_since, to_utc, zone
from dispatcher.semantics.travel import TravelTable
from models import Scenario
from models.scenario import Client, Target, Ticket

# Every instant of a scenario lies this close to the horizon's start: further is a typo,
# and SLA clocks count business hours day by day up to it.
MAX_YEARS_FROM_HORIZON = 10
MAX_MINUTES_FROM_HORIZON = MAX_YEARS_FROM_HORIZON * 366 * 24 * 60


class Validator:
    """Cross-checks a shape-valid scenario and compiles it into a Problem."""

    def __init__(self, scenario: Scenario, lines: LineMap, filename: str) -> None:
        self.scenario = scenario
        self.lines = lines
        self.filename = filename
        self.issues: list[InputIssue] = []
        self.tz: ZoneInfo = ZoneInfo("UTC")
        self.origin = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    def error(self, path: FieldPath, message: str) -> None:
        """Record an issue at ``path``, on the line the value has in the file."""
        self.issues.append(
            InputIssue(self.filename, self.lines.line_of(path), path_text(path), message)
        )

    def minute(self, value: dt.datetime, path: FieldPath) -> int | None:
        """Minutes from the horizon's start to ``value``; None (issue recorded) if impossible."""
        try:
            minute = minutes_since(self.origin, to_utc(value, self.tz))
        except ValueError as exc:
            self.error(path, str(exc))
            return None
        if abs(minute) > MAX_MINUTES_FROM_HORIZON:
            self.error(
                path,
                f"{value.isoformat()} is more than {MAX_YEARS_FROM_HORIZON} years "
                "from the horizon's start",
            )
            return None
        return minute

    def compile(self, matrix_rows: list[tuple[int, str, str, int]], sha256: str) -> Problem:
        """The Problem, or InputError with every issue found (appointments checked last)."""
        sc = self.scenario
        try:
            self.tz = zone(sc.timezone)
        except ValueError as exc:
            self.error(("timezone",), str(exc))
            raise InputError(self.issues) from None
        instants = {}
        for field in ("start", "end"):
            try:
                instants[field] = to_utc(getattr(sc.horizon, field), self.tz)
            except ValueError as exc:
                self.error(("horizon", field), str(exc))
        if self.issues:
            raise InputError(self.issues)
        start, end = instants["start"], instants["end"]
        self.origin = start.replace(second=0, microsecond=0)
        horizon_end = minutes_since(self.origin, end)
        if horizon_end <= 0:
            self.error(("horizon", "end"), "the horizon ends before it starts")
        elif horizon_end > MAX_MINUTES_FROM_HORIZON:
            self.error(
                ("horizon", "end"), f"the horizon is longer than {MAX_YEARS_FROM_HORIZON} years"
            )

        site_ids = list(sc.sites)
        site_index = {site_id: i for i, site_id in enumerate(site_ids)}
        matrix = self._matrix(matrix_rows, site_index)
        travel = TravelTable(
            [(site.lat, site.lon) for site in sc.sites.values()],
            matrix,
            sc.policy.travel_speed_kmh,
            sc.policy.road_factor,
        )
        clocks = self.sla_clocks()
        self._policies(clocks)
        for tier in sc.policy.tier_caps:
            if tier not in sc.weights.tiers:
                self.error(
                    ("policy", "tier_caps", tier), f"unknown tier '{tier}' (not in weights.tiers)"
                )
        engineers = self._engineers(site_index, horizon_end)
        clients = self.clients_by_id(site_index, {e.id: e.index for e in engineers})
        tickets = self._tickets(site_index, engineers, clients, clocks, horizon_end)
        if self.issues:
            raise InputError(self.issues)
        problem = Problem(
            scenario=sc,
            name=sc.name,
            sha256=sha256,
            source=self.filename,
            tz=self.tz,
            origin=self.origin,
            horizon_end=horizon_end,
            engineers=engineers,
            tickets=tickets,
            site_ids=site_ids,
            travel=travel,
            tier_caps=dict(sc.policy.tier_caps),
            risk_samples=sc.policy.risk_samples,
            split_overnight_from=sc.policy.split_overnight_from.minutes,
        )
        check_appointments(problem, self.error)
        if self.issues:
            raise InputError(self.issues)
        return problem

    def _matrix(
        self, rows: list[tuple[int, str, str, int]], site_index: dict[str, int]
    ) -> dict[tuple[int, int], int]:
        matrix: dict[tuple[int, int], int] = {}
        for line, origin, destination, minutes in rows:
            for name, value in (("from", origin), ("to", destination)):
                if value not in site_index:
                    self.issues.append(
                        InputIssue(
                            str(self.scenario.travel_matrix), line, name, f"unknown site '{value}'"
                        )
                    )
            if origin in site_index and destination in site_index:
                matrix[(site_index[origin], site_index[destination])] = minutes
        return matrix

    def sla_clocks(self) -> dict[str, Clock]:
        clocks: dict[str, Clock] = {"24x7": Clock()}
        for name, calendar in self.scenario.calendars.items():
            spans = calendar.day_spans()
            if not any(spans.values()):
                self.error(("calendars", name, "weekly"), "the calendar has no business hours")
                continue
            clocks[name] = BusinessClock(spans, frozenset(calendar.holidays), self.tz, self.origin)
        return clocks

    def _policies(self, clocks: dict[str, Clock]) -> None:
        sc = self.scenario
        for name, policy in sc.sla_policies.items():
            if policy.tier not in sc.weights.tiers:
                self.error(
                    ("sla_policies", name, "tier"),
                    f"unknown tier '{policy.tier}' (not in weights.tiers)",
                )
            if policy.clock != "24x7" and policy.clock not in sc.calendars:
                self.error(("sla_policies", name, "clock"), f"unknown calendar '{policy.clock}'")
            if not policy.targets:
                self.error(("sla_policies", name, "targets"), "no priorities defined")
            for priority, target in policy.targets.items():
                if priority not in sc.weights.priorities:
                    self.error(
                        ("sla_policies", name, "targets", priority),
                        f"unknown priority '{priority}' (not in weights.priorities)",
                    )
                for kind in ("response", "resolution"):
                    if getattr(target, kind).uses_days and policy.clock != "24x7":
                        self.error(
                            ("sla_policies", name, "targets", priority, kind),
                            "days are allowed only on a 24x7 clock; give hours of business time",
                        )

    def _engineers(self, site_index: dict[str, int], horizon_end: int) -> list[EngineerData]:
        result: list[EngineerData] = []
        seen: set[str] = set()
        for i, engineer in enumerate(self.scenario.engineers):
            path: FieldPath = ("engineers", i)
            if engineer.id in seen:
                self.error((*path, "id"), f"duplicate engineer id '{engineer.id}'")
            seen.add(engineer.id)
            home = None
            if engineer.home is not None:
                if engineer.home not in site_index:
                    self.error((*path, "home"), f"unknown site '{engineer.home}'")
                else:
                    home = site_index[engineer.home]
            elif engineer.onsite:
                self.error(
                    (*path, "home"), "an on-site engineer needs a home site (or set onsite: false)"
                )
            shifts: list[tuple[int, int, int]] = []
            for j, shift in enumerate(engineer.shifts):
                start = self.minute(shift.start, (*path, "shifts", j, "start"))
                end = self.minute(shift.end, (*path, "shifts", j, "end"))
                if start is None or end is None:
                    continue
                if end <= start:
                    message = (
                        "the shift ends before it starts"
                        if end < start
                        else "the shift is empty: it ends when it starts"
                    )
                    self.error((*path, "shifts", j, "end"), message)
                    continue
                if start < 0 or end > horizon_end:
                    self.error((*path, "shifts", j), "the shift lies outside the horizon")
                    continue
                shifts.append((start, end, j))
            shifts.sort()
            for (_, prev_end, _), (start, _, j) in itertools.pairwise(shifts):
                if start < prev_end:
                    self.error((*path, "shifts", j), "the shift overlaps another shift")
            days = tuple(
                (self.origin + dt.timedelta(minutes=start)).astimezone(self.tz).date().toordinal()
                for start, _, _ in shifts
            )
            result.append(
                EngineerData(
                    index=i,
                    id=engineer.id,
                    name=engineer.name or engineer.id,
                    skills=dict(engineer.skills),
                    onsite=engineer.onsite,
                    home=home,
                    calendar=ShiftCalendar(tuple((s, e) for s, e, _ in shifts)),
                    shift_days=days,
                )
            )
        return result

    def clients_by_id(
        self, site_index: dict[str, int], engineer_index: dict[str, int]
    ) -> dict[str, tuple[int, Client]]:
        clients: dict[str, tuple[int, Client]] = {}
        for i, client in enumerate(self.scenario.clients):
            path: FieldPath = ("clients", i)
            if client.id in clients:
                # Tickets keep referring to the first: the duplicate is the one mistake.
                self.error((*path, "id"), f"duplicate client id '{client.id}'")
            else:
                clients[client.id] = (i, client)
            if client.sla not in self.scenario.sla_policies:
                self.error((*path, "sla"), f"unknown SLA policy '{client.sla}'")
            if client.site is not None and client.site not in site_index:
                self.error((*path, "site"), f"unknown site '{client.site}'")
            for j, engineer_id in enumerate(client.preferred_engineers):
                if engineer_id not in engineer_index:
                    self.error(
                        (*path, "preferred_engineers", j), f"unknown engineer '{engineer_id}'"
                    )
        return clients

    def _tickets(
        self,
        site_index: dict[str, int],
        engineers: list[EngineerData],
        clients: dict[str, tuple[int, Client]],
        clocks: dict[str, Clock],
        horizon_end: int,
    ) -> list[TicketData]:
        engineer_index = {e.id: e.index for e in engineers}
        result: list[TicketData] = []
        seen: set[str] = set()
        for i, ticket in enumerate(self.scenario.tickets):
            compiled = self.ticket(
                ("tickets", i),
                ticket,
                site_index,
                engineer_index,
                clients,
                clocks,
                horizon_end,
                len(result),
            )
            if ticket.id in seen:
                self.error(("tickets", i, "id"), f"duplicate ticket id '{ticket.id}'")
            seen.add(ticket.id)
            if compiled is not None:
                result.append(compiled)
        return result

    def ticket(
        self,
        path: FieldPath,
        ticket: Ticket,
        site_index: dict[str, int],
        engineer_index: dict[str, int],
        clients: dict[str, tuple[int, Client]],
        clocks: dict[str, Clock],
        horizon_end: int,
        index: int,
    ) -> TicketData | None:
        """The ticket cross-checked and compiled; None (with its issues reported) if it fails."""
        sc = self.scenario
        count_before = len(self.issues)
        entry = clients.get(ticket.client)
        if entry is None:
            self.error((*path, "client"), f"unknown client '{ticket.client}'")
            return None
        client = entry[1]
        policy = sc.sla_policies.get(client.sla)
        if policy is None:
            return None
        target = policy.targets.get(ticket.priority)
        if target is None:
            self.error(
                (*path, "priority"),
                f"priority '{ticket.priority}' is not in SLA policy '{client.sla}' "
                f"(it has {', '.join(policy.targets) or 'no targets'})",
            )
        site = self._ticket_site(path, ticket, client, site_index)
        self._check_effort(path, ticket)
        assigned = self._assigned_engineer(path, ticket, engineer_index)
        opened = self.minute(ticket.opened, (*path, "opened"))
        window = self._window(path, ticket)
        fixed = self._fixed_start(path, ticket, opened)
        responded = (
            ticket.responded is not None
            and self.minute(ticket.responded, (*path, "responded")) is not None
        )
        tier = policy.tier
        clock = clocks.get(policy.clock)
        response_due = resolution_due = 0
        if opened is not None and target is not None and clock is not None:
            response_due, resolution_due = self._dues(path, ticket, clock, opened, target)
        if len(self.issues) > count_before or opened is None or clock is None:
            return None
        weights = sc.weights
        after = clock.count(horizon_end, resolution_due) if resolution_due > horizon_end else 0
        preferred = frozenset(
            engineer_index[e] for e in client.preferred_engineers if e in engineer_index
        )
        return TicketData(
            index=index,
            id=ticket.id,
            client=client.id,
            tier=tier,
            priority=ticket.priority,
            weight=weights.tiers.get(tier, 0.0) * weights.priorities.get(ticket.priority, 0.0),
            opened=opened,
            onsite=ticket.onsite,
            site=site,
            p50=ticket.effort.p50.minutes,
            p90=ticket.effort.p90.minutes,
            sigma=sigma_of(ticket.effort.p50.minutes, ticket.effort.p90.minutes),
            skills=dict(ticket.skills),
            window=window,
            assigned_to=assigned,
            fixed_start=fixed,
            responded=responded,
            response_due=response_due,
            resolution_due=resolution_due,
            after_horizon=after,
            must_assign=ticket.must_assign or fixed is not None,
            preferred=preferred,
            clock=clock,
            crew=ticket.crew,
        )

    def _ticket_site(
        self, path: FieldPath, ticket: Ticket, client: Client, site_index: dict[str, int]
    ) -> int | None:
        """The ticket's own site, else its client's."""
        site_name = ticket.site or client.site
        site = None
        if site_name is not None:
            if site_name not in site_index:
                self.error((*path, "site"), f"unknown site '{site_name}'")
            else:
                site = site_index[site_name]
        elif ticket.onsite:
            self.error((*path, "site"), "an on-site ticket needs a site (its own or its client's)")
        return site

    def _check_effort(self, path: FieldPath, ticket: Ticket) -> None:
        for quantile in ("p50", "p90"):
            if getattr(ticket.effort, quantile).uses_days:
                self.error(
                    (*path, "effort", quantile),
                    "days are allowed only for SLA targets on a 24x7 clock; give hours (e.g. 24h)",
                )
        if ticket.effort.p90.minutes < ticket.effort.p50.minutes:
            self.error((*path, "effort", "p90"), "p90 must not be less than p50")
        solo = ticket.effort_solo
        if solo is not None:
            if ticket.crew == 1:
                self.error(
                    (*path, "effort_solo"),
                    "effort_solo is a crew job's effort for one engineer alone; "
                    "this ticket has crew: 1 (give crew: 2 or more, or drop effort_solo)",
                )
            for quantile in ("p50", "p90"):
                if getattr(solo, quantile).uses_days:
                    self.error(
                        (*path, "effort_solo", quantile),
                        "days are allowed only for SLA targets on a 24x7 clock; give hours",
                    )
            if solo.p90.minutes < solo.p50.minutes:
                self.error((*path, "effort_solo", "p90"), "p90 must not be less than p50")

    def _assigned_engineer(
        self, path: FieldPath, ticket: Ticket, engineer_index: dict[str, int]
    ) -> int | None:
        assigned = None
        if ticket.assigned_to is not None:
            if ticket.assigned_to not in engineer_index:
                self.error((*path, "assigned_to"), f"unknown engineer '{ticket.assigned_to}'")
            else:
                assigned = engineer_index[ticket.assigned_to]
        return assigned

    def _window(self, path: FieldPath, ticket: Ticket) -> tuple[int, int] | None:
        window = None
        if ticket.window is not None:
            low = self.minute(ticket.window.start, (*path, "window", "start"))
            high = self.minute(ticket.window.end, (*path, "window", "end"))
            if low is not None and high is not None:
                if high < low:
                    self.error((*path, "window", "end"), "the window ends before it starts")
                window = (low, high)
        return window

    def _fixed_start(self, path: FieldPath, ticket: Ticket, opened: int | None) -> int | None:
        fixed = None
        if ticket.fixed_start is not None:
            fixed = self.minute(ticket.fixed_start, (*path, "fixed_start"))
            if ticket.assigned_to is None:
                self.error(
                    (*path, "fixed_start"), "a fixed_start needs assigned_to (the booked engineer)"
                )
            if fixed is not None and opened is not None and fixed < opened:
                self.error(
                    (*path, "fixed_start"), "the fixed start is before the ticket was opened"
                )
        return fixed

    def _dues(
        self, path: FieldPath, ticket: Ticket, clock: Clock, opened: int, target: Target
    ) -> tuple[int, int]:
        """Response and resolution due minutes: as given, else the SLA target on the clock."""
        response_due = self._due(
            path, "response_due", ticket.response_due, clock, opened, target.response.minutes
        )
        resolution_due = self._due(
            path,
            "resolution_due",
            ticket.resolution_due,
            clock,
            opened,
            target.resolution.minutes,
        )
        return response_due, resolution_due

    def _due(
        self,
        path: FieldPath,
        field: str,
        given: dt.datetime | None,
        clock: Clock,
        opened: int,
        minutes: int,
    ) -> int:
        if given is not None:
            return self.minute(given, (*path, field)) or 0
        try:
            return clock.due(opened, minutes)
        except ValueError as exc:
            self.error((*path, field), str(exc))
            return 0
