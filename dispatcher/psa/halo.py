"""HaloPSA: saved REST API responses -> ``PsaExport``.

The responses are those of the documented endpoints under
``https://<tenant>.halopsa.com/api`` (``ENDPOINTS``), saved as JSON in one folder, one
file per endpoint or per page (``tickets.json``, ``tickets-2.json``; see ``responses``).
``GET /api/Tickets?pageinate=true&page_size=50&page_no=N`` answers
``{"page_no": N, "page_size": 50, "record_count": 212, "tickets": [...]}``: save each page
as it came. The other lists are bare lists, or objects with one list in them.

Halo answers times without an offset, in UTC (``2026-11-30T07:40:00``): the mapping's
``psa_time_zone`` says how they are read (``UTC`` unless told). A date before 1901
(Halo's ``1900-01-01T00:00:00`` for "none") is read as no date.

Tickets carry ids, not names: ``status_id``, ``priority_id`` (with ``sla_id``: Halo's
priorities belong to an SLA), ``tickettype_id`` and ``contract_id`` are turned into names
through the saved ``statuses``, ``priorities``, ``ticket-types`` and ``contracts``. An id
none of them names is kept as its text (``"17"``), never an error here; the mapping then
says what it means, or the builder reports it. A ticket's tier comes from its contract's
type (no contract: ``no_agreement_tier``), its estimate from ``estimate`` (hours; else
``estimatedays`` x 8 h), its due times from ``respondbydate`` and ``fixbydate``, and
whether it is closed from its status (Halo's built-in closed status is id 9; the
mapping's ``closed_statuses`` names others). What the mapping's rules match on:
``team``, ``ticket_type``, ``category_1`` .. ``category_4``, ``status``, ``company``,
``site``, ``priority``, ``sla`` and ``onhold``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from dispatcher.psa.records import (
    Origin,
    PsaBooking,
    PsaCalendar,
    PsaCompany,
    PsaExport,
    PsaMember,
    PsaSite,
    PsaSla,
    PsaTicket,
    Skip,
)
from dispatcher.psa.responses import Reader, Record, first, ident, text, time_of_day

# Saved-response name -> the documented endpoint it comes from (relative to
# https://<tenant>.halopsa.com).
ENDPOINTS = {
    "tickets": "/api/Tickets",  # ?pageinate=true&page_size=..&page_no=..
    "agents": "/api/Agent",
    "appointments": "/api/Appointment",  # ?start_date=..&end_date=..
    "priorities": "/api/Priority",
    "slas": "/api/SLA",
    "contracts": "/api/ClientContract",
    "ticket-types": "/api/TicketType",
    "statuses": "/api/Status",
    "clients": "/api/Client",
    "sites": "/api/Site",
    "workdays": "/api/Workday",
}
CLOSED_STATUS_IDS = frozenset({"9"})  # Halo's built-in "Closed"
HOURS_PER_ESTIMATE_DAY = 8.0  # ``estimatedays`` is days of work
NONE_BEFORE = 1901  # Halo writes 1900-01-01 for "no date"
NO_ID = frozenset({"0", "-1"})  # Halo's "none" for an id (contract, site, ticket)
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
UNIT_HOURS = {"m": 1 / 60, "min": 1 / 60, "minutes": 1 / 60, "h": 1.0, "hours": 1.0}


def read_halo(
    folder: Path, files: dict[str, list[Path]] | None = None, naive_zone: dt.tzinfo = dt.UTC
) -> PsaExport:
    return _Halo(Reader(folder, files, naive_zone, ENDPOINTS)).read()


def _id(record: Record, *names: str) -> str | None:
    """An id field; Halo's 0 and -1 mean none."""
    value = ident(record, *names)
    return None if value is None or value in NO_ID else value


class _Halo:
    def __init__(self, reader: Reader) -> None:
        self.r = reader
        self.export = PsaExport("halo")

    def read(self) -> PsaExport:
        self._clients()
        self._workdays()
        self._slas()
        names = {
            "status": self._names("statuses"),
            "ticket_type": self._names("ticket-types"),
        }
        contracts = self._contracts()
        self._agents()
        self._tickets(names, contracts)
        self._appointments()
        self.export.issues = self.r.issues
        self.export.files = self.r.read_files
        return self.export

    def _time(self, origin: Origin, record: Record, *names: str) -> dt.datetime | None:
        """The first of ``names`` with a real date (Halo's 1900-01-01 is none)."""
        for name in names:
            value = first(record, name)
            if isinstance(value, str) and value[:4].isdigit() and int(value[:4]) < NONE_BEFORE:
                continue
            moment = self.r.time(origin, record, name)
            if moment is not None:
                return moment
        return None

    def _names(self, endpoint: str) -> dict[str, str]:
        """A lookup list (statuses, ticket types): id -> name."""
        names: dict[str, str] = {}
        for origin, record in self.r.endpoint(endpoint).records:
            key = ident(record, "id")
            name = text(record, "name")
            if key is None or name is None:
                self.r.issues.append(origin.issue("id", f"a {endpoint} record needs id and name"))
                continue
            names[key] = name
        return names

    def _clients(self) -> None:
        for _origin, record, key in self.r.keyed("clients", "a client"):
            self.export.companies[key] = PsaCompany(key, text(record, "name") or key)
        for origin, record in self.r.endpoint("sites").records:
            site = ident(record, "id")
            client = _id(record, "client_id")
            if site is None or client is None:
                self.r.issues.append(origin.issue("client_id", "a site without its id and client"))
                continue
            address = ", ".join(
                str(part)
                for part in (
                    first(record, "delivery_address.line1", "address"),
                    first(record, "delivery_address.line2"),
                    first(record, "delivery_address.postcode", "postcode"),
                )
                if part
            )
            self.export.sites[site] = PsaSite(
                site, client, text(record, "name") or site, address or None
            )

    def _workdays(self) -> None:
        """Workdays: a start and end time, the weekdays they apply to (``monday``: true,
        ...), and the holidays (``holidays``: [{"date": ...}])."""
        for origin, record, key in self.r.keyed("workdays", "a workday"):
            start, end = (
                first(record, "start_time", "starttime"),
                first(record, "end_time", "endtime"),
            )
            weekly: dict[int, list[tuple[dt.time, dt.time]]] = {}
            if start is not None and end is not None:
                try:
                    span = (time_of_day(start), time_of_day(end))
                except ValueError:
                    self.r.issues.append(origin.issue("start_time", "not a time of day"))
                    continue
                if span[1] <= span[0]:
                    self.r.issues.append(
                        origin.issue("end_time", "the workday ends before it starts")
                    )
                    continue
                weekly = {n: [span] for n, day in enumerate(DAYS) if first(record, day) is True}
            holidays = []
            for index, holiday in enumerate(first(record, "holidays") or []):
                day = holiday.get("date") if isinstance(holiday, dict) else holiday
                try:
                    holidays.append(dt.date.fromisoformat(str(day)[:10]))
                except ValueError:
                    self.r.issues.append(
                        origin.issue(f"holidays[{index}].date", f"not a date: {str(day)[:40]!r}")
                    )
            self.export.calendars[key] = PsaCalendar(
                key, text(record, "name") or f"workday {key}", weekly, holidays
            )

    def _hours(self, origin: Origin, record: Record, value: str, unit: str, sla: PsaSla) -> Any:
        amount = self.r.number(origin, record, value)
        if amount is None:
            return None
        units = (text(record, unit) or "h").strip().casefold()
        if units in UNIT_HOURS:
            return amount * UNIT_HOURS[units]
        if units in ("d", "days"):
            return amount * self._day_hours(sla)
        self.r.issues.append(origin.issue(unit, f"unknown time unit {units[:10]!r}"))
        return None

    def _day_hours(self, sla: PsaSla) -> float:
        """How many hours an SLA day is: its workday's longest day, or 24."""
        calendar = self.export.calendars.get(sla.calendar or "")
        spans = [
            (dt.datetime.combine(dt.date.min, b) - dt.datetime.combine(dt.date.min, a))
            for day in (calendar.weekly.values() if calendar else [])
            for a, b in day
        ]
        return max(spans).total_seconds() / 3600 if spans else 24.0

    def _slas(self) -> None:
        for _origin, record, key in self.r.keyed("slas", "an SLA"):
            workday = _id(record, "workday_id")
            calendar = workday if workday in self.export.calendars else None
            self.export.slas[key] = PsaSla(key, text(record, "name") or f"SLA {key}", calendar)
        self.priorities: dict[tuple[str | None, str], str] = {}
        # Not deduplicated by id: Halo numbers each SLA's priorities from 1.
        for origin, record in self.r.endpoint("priorities", key="").records:
            number = ident(record, "priorityid", "id")
            name = text(record, "name")
            if number is None or name is None:
                self.r.issues.append(origin.issue("priorityid", "a priority needs its id and name"))
                continue
            sla_key = _id(record, "slaid", "sla_id")
            self.priorities[(sla_key, number)] = name
            self.priorities.setdefault((None, number), name)
            sla = self.export.slas.get(sla_key or "")
            if sla is None:
                continue
            respond = self._hours(origin, record, "responsetime", "responseunits", sla)
            fix = self._hours(origin, record, "fixtime", "fixunits", sla)
            if respond is not None and fix is not None and respond > 0 and fix > 0:
                sla.targets[name] = (respond, fix)

    def _contracts(self) -> dict[str, tuple[str | None, str | None]]:
        """Contract id -> (its type: the tier's name, its reference)."""
        contracts: dict[str, tuple[str | None, str | None]] = {}
        for _origin, record, key in self.r.keyed("contracts", "a contract"):
            kind = text(record, "contract_type_name", "type_name", "type", "billing_description")
            contracts[key] = (kind, text(record, "ref"))
        return contracts

    def _agents(self) -> None:
        for origin, record, key in self.r.keyed("agents", "an agent"):
            email = text(record, "email")
            login = email.split("@", 1)[0] if email and "@" in email else None
            name = text(record, "name") or login or key
            disabled = bool(first(record, "isdisabled", "is_disabled", "inactive"))
            skills: dict[str, str] = {}
            for index, skill in enumerate(first(record, "skills") or []):
                if isinstance(skill, str):
                    skills[skill] = "1"
                    continue
                skill_name = text(skill, "name", "skill_name") if isinstance(skill, dict) else None
                if skill_name is None:
                    self.r.issues.append(origin.issue(f"skills[{index}]", "a skill without a name"))
                    continue
                skills[skill_name] = text(skill, "level_name", "level") or "1"
            self.export.members.append(
                PsaMember(
                    origin,
                    key,
                    login,
                    name,
                    active=not disabled,
                    skills=skills,
                    calendar=_id(record, "workday_id"),
                )
            )

    def _tickets(
        self,
        names: dict[str, dict[str, str]],
        contracts: dict[str, tuple[str | None, str | None]],
    ) -> None:
        seen: set[str] = set()
        for origin, record, key in self.r.keyed("tickets", "a ticket"):
            if key in seen:
                continue  # on two pages (the core tells pages apart by their suffix)
            seen.add(key)
            contract = _id(record, "contract_id")
            agreement_type = agreement = None
            if contract is not None:
                if contract not in contracts:
                    self.r.issues.append(
                        origin.issue(
                            "contract_id",
                            f"contract {contract} is not in the saved contracts: "
                            "its type (the ticket's tier) is unknown",
                        )
                    )
                    continue
                agreement_type, agreement = contracts[contract]
                agreement_type = agreement_type or text(record, "contract_ref") or contract
            status_id = ident(record, "status_id")
            status = (
                names["status"].get(status_id or "") or text(record, "status_name") or status_id
            )
            sla = _id(record, "sla_id")
            priority_id = ident(record, "priority_id")
            priority = (
                self.priorities.get((sla, priority_id or ""))
                or self.priorities.get((None, priority_id or ""))
                or text(record, "priority_name")
                or priority_id
            )
            type_id = ident(record, "tickettype_id")
            ticket_type = (
                names["ticket_type"].get(type_id or "")
                or text(record, "tickettype_name")
                or type_id
            )
            company = _id(record, "client_id")
            if company is not None and company not in self.export.companies:
                client_name = text(record, "client_name")
                if client_name is not None:
                    self.export.companies[company] = PsaCompany(company, client_name)
            site = _id(record, "site_id")
            if site is not None and site not in self.export.sites and company is not None:
                site_name = text(record, "site_name")
                if site_name is not None:
                    self.export.sites[site] = PsaSite(site, company, site_name)
            company_name = (
                self.export.companies[company].name if company in self.export.companies else None
            )
            site_name = self.export.sites[site].name if site in self.export.sites else None
            onhold = first(record, "onhold")
            fields = {
                name: value
                for name, value in (
                    ("team", text(record, "team")),
                    ("ticket_type", ticket_type),
                    ("category_1", text(record, "category_1")),
                    ("category_2", text(record, "category_2")),
                    ("category_3", text(record, "category_3")),
                    ("category_4", text(record, "category_4")),
                    ("status", status),
                    ("company", company_name or text(record, "client_name")),
                    ("site", site_name or text(record, "site_name")),
                    ("sla", self.export.slas[sla].name if sla in self.export.slas else None),
                    ("onhold", None if onhold is None else str(bool(onhold)).lower()),
                )
                if value is not None
            }
            self.export.tickets.append(
                PsaTicket(
                    origin,
                    key,
                    summary=text(record, "summary"),
                    status=status,
                    closed=status_id in CLOSED_STATUS_IDS,
                    priority=priority,
                    created=self._time(origin, record, "dateoccurred", "datecreated"),
                    company=company,
                    site=site,
                    agreement_type=agreement_type,
                    agreement=agreement,
                    fields=fields,
                    estimate_hours=self._estimate(origin, record),
                    responded=self._time(origin, record, "responsedate"),
                    response_due=self._time(origin, record, "respondbydate"),
                    resolution_due=self._time(origin, record, "fixbydate"),
                    sla=sla if sla in self.export.slas else None,
                )
            )

    def _estimate(self, origin: Origin, record: Record) -> float | None:
        hours = self.r.number(origin, record, "estimate")
        if hours:
            return hours
        days = self.r.number(origin, record, "estimatedays")
        return days * HOURS_PER_ESTIMATE_DAY if days else None

    def _appointments(self) -> None:
        seen: set[str] = set()
        for origin, record in self.r.endpoint("appointments").records:
            key = ident(record, "id")
            if key is not None and key in seen:
                continue  # on two pages
            seen.add(key or "")
            ticket = _id(record, "ticket_id")
            if ticket is None:
                self.export.skipped.append(
                    Skip(origin, "booking", key or "?", "appointment not on a ticket")
                )
                continue
            member = _id(record, "agent_id")
            start = self._time(origin, record, "start_date")
            end = self._time(origin, record, "end_date")
            if key is None or member is None or start is None or end is None:
                self.r.issues.append(
                    origin.issue("", "an appointment needs id, agent_id, start_date and end_date")
                )
                continue
            status = first(record, "complete_status")
            done = (
                status is True
                or (isinstance(status, int | float) and not isinstance(status, bool) and status > 0)
                or self._time(origin, record, "complete_date") is not None
            )
            self.export.bookings.append(PsaBooking(origin, key, ticket, member, start, end, done))
