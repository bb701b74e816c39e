"""ConnectWise PSA (Manage): saved REST API responses -> ``PsaExport``.

The responses are those of the documented v3.0 endpoints (``ENDPOINTS``), saved as JSON
in one folder, one file per endpoint or per page (``tickets.json``, ``tickets-2.json``;
see ``responses``). For the endpoints under one parent (a member's skills, an SLA's
priorities, a holiday list's holidays, a company's sites), the parent's id is either in
each record (``member``, ``sla``, ``holidayList``, ``company``) or in the file name
(``member-skills-17.json``).

ConnectWise answers in UTC (``2026-11-30T07:40:00Z``). A ticket's tier comes from its
agreement's type, its SLA targets from its SLA's priorities on the SLA's calendar (an
``AllHours`` SLA runs round the clock), its estimate from ``budgetHours``, and what the
mapping's rules match on from ``board``, ``type``, ``subtype``, ``item``, ``team``,
``source`` and ``service_location``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from dispatcher.psa import responses
from dispatcher.psa.records import (
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
# https://<site>/v4_6_release/apis/3.0). ``{id}`` is the parent's id.
ENDPOINTS = {
    "tickets": "/service/tickets",
    "members": "/system/members",
    "member-skills": "/system/members/{id}/skills",
    "slas": "/service/SLAs",
    "sla-priorities": "/service/SLAs/{id}/priorities",
    "agreements": "/finance/agreements",
    "calendars": "/schedule/calendars",
    "holidays": "/schedule/holidayLists/{id}/holidays",
    "schedule-entries": "/schedule/entries",
    "companies": "/company/companies",
    "sites": "/company/companies/{id}/sites",
}
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SERVICE_TICKET = "S"  # a schedule entry's type identifier for a service ticket


def read_connectwise(
    folder: Path, files: dict[str, list[Path]] | None = None, naive_zone: dt.tzinfo = dt.UTC
) -> PsaExport:
    return _ConnectWise(Reader(folder, files, naive_zone, ENDPOINTS)).read()


class _ConnectWise:
    def __init__(self, reader: Reader) -> None:
        self.r = reader
        self.export = PsaExport("connectwise")

    def read(self) -> PsaExport:
        self._companies()
        self._calendars()
        self._slas()
        agreements = self._agreements()
        self._members()
        self._tickets(agreements)
        self._entries()
        self.export.issues = self.r.issues
        self.export.files = self.r.read_files
        return self.export

    def _parent(self, read: Any, filename: str, record: Record, field: str) -> str | None:
        return ident(record, field) or read.suffixes.get(filename) or None

    def _companies(self) -> None:
        for _origin, record, key in self.r.keyed("companies", "a company"):
            self.export.companies[key] = PsaCompany(
                key, text(record, "name") or key, text(record, "identifier")
            )
        read = self.r.endpoint("sites")
        for origin, record in read.records:
            site = ident(record, "id")
            company = self._parent(read, origin.file, record, "company")
            if site is None or company is None:
                self.r.issues.append(origin.issue("company", "a site without its id and company"))
                continue
            address = responses.address(record, "addressLine1", "city", "zip")
            self.export.sites[site] = PsaSite(
                site, company, text(record, "name") or site, address or None
            )

    def _calendars(self) -> None:
        holidays: dict[str, list[dt.date]] = {}
        read = self.r.endpoint("holidays")
        for origin, record in read.records:
            holiday_list = self._parent(read, origin.file, record, "holidayList")
            day = first(record, "date")
            try:
                date = dt.date.fromisoformat(str(day)[:10])
            except ValueError:
                self.r.issues.append(origin.issue("date", f"not a date: {str(day)[:40]!r}"))
                continue
            if holiday_list is not None:
                holidays.setdefault(holiday_list, []).append(date)
        for origin, record, key in self.r.keyed("calendars", "a calendar"):
            weekly: dict[int, list[tuple[dt.time, dt.time]]] = {}
            for number, day in enumerate(DAYS):
                start, end = first(record, f"{day}StartTime"), first(record, f"{day}EndTime")
                if start is None or end is None:
                    continue
                try:
                    span = (time_of_day(start), time_of_day(end))
                except ValueError:
                    self.r.issues.append(origin.issue(f"{day}StartTime", "not a time of day"))
                    continue
                if span[1] > span[0]:
                    weekly[number] = [span]
            holiday_list = ident(record, "holidayList")
            self.export.calendars[key] = PsaCalendar(
                key,
                text(record, "name") or f"calendar {key}",
                weekly,
                holidays.get(holiday_list or "", []),
            )

    def _slas(self) -> None:
        for origin, record, key in self.r.keyed("slas", "an SLA"):
            calendar = ident(record, "customCalendar", "calendar")
            if calendar not in self.export.calendars:
                based_on = text(record, "basedOn") or ""
                calendar = None
                if based_on.casefold() != "allhours" and self.export.calendars:
                    calendar = min(self.export.calendars, key=lambda k: (len(k), k))
            sla = PsaSla(key, text(record, "name") or f"SLA {key}", calendar)
            respond = self.r.number(origin, record, "respondHours")
            resolve = self.r.number(origin, record, "resolutionHours")
            if respond is not None and resolve is not None:
                sla.default = (respond, resolve)
            self.export.slas[key] = sla
        read = self.r.endpoint("sla-priorities")
        for origin, record in read.records:
            sla_key = self._parent(read, origin.file, record, "sla")
            priority = text(record, "priority")
            respond = self.r.number(origin, record, "respondHours")
            resolve = self.r.number(origin, record, "resolutionHours")
            found = self.export.slas.get(sla_key or "")
            if found is None or priority is None or respond is None or resolve is None:
                self.r.issues.append(
                    origin.issue("sla", "an SLA priority needs its SLA, priority and hours")
                )
                continue
            found.targets[priority] = (respond, resolve)

    def _agreements(self) -> dict[str, tuple[str | None, str | None]]:
        agreements: dict[str, tuple[str | None, str | None]] = {}
        for _origin, record, key in self.r.keyed("agreements", "an agreement"):
            agreements[key] = (text(record, "type"), text(record, "name"))
        return agreements

    def _members(self) -> None:
        skills: dict[str, dict[str, str]] = {}
        read = self.r.endpoint("member-skills")
        for origin, record in read.records:
            member = self._parent(read, origin.file, record, "member")
            name = text(record, "skill")
            if member is None or name is None:
                self.r.issues.append(
                    origin.issue("skill", "a member skill needs its member and skill")
                )
                continue
            skills.setdefault(member, {})[name] = text(record, "skillLevel") or "1"
        for origin, record, key in self.r.keyed("members", "a member"):
            login = text(record, "identifier")
            name = (
                " ".join(
                    str(part)
                    for part in (first(record, "firstName"), first(record, "lastName"))
                    if part
                )
                or text(record, "name")
                or login
                or key
            )
            self.export.members.append(
                PsaMember(
                    origin,
                    key,
                    login,
                    name,
                    active=not first(record, "inactiveFlag"),
                    skills=skills.get(key, skills.get(login or "", {})),
                    calendar=ident(record, "calendar"),
                )
            )

    def _tickets(self, agreements: dict[str, tuple[str | None, str | None]]) -> None:
        for origin, record, key in self.r.keyed("tickets", "a ticket"):
            agreement = ident(record, "agreement")
            agreement_type, agreement_name = agreements.get(agreement or "", (None, None))
            if agreement is not None and agreement_type is None:
                agreement_type = text(record, "agreementType")
                if agreement_type is None:
                    self.r.issues.append(
                        origin.issue(
                            "agreement",
                            f"agreement {agreement} is not in the saved agreements: "
                            "its type (the ticket's tier) is unknown",
                        )
                    )
                    continue
            fields = {
                name: value
                for name, value in (
                    ("board", text(record, "board")),
                    ("type", text(record, "type")),
                    ("subtype", text(record, "subType")),
                    ("item", text(record, "item")),
                    ("team", text(record, "team")),
                    ("source", text(record, "source")),
                    ("service_location", text(record, "serviceLocation")),
                    ("company", text(record, "company")),
                    ("status", text(record, "status")),
                )
                if value is not None
            }
            self.export.tickets.append(
                PsaTicket(
                    origin,
                    key,
                    summary=text(record, "summary"),
                    status=text(record, "status"),
                    closed=bool(first(record, "closedFlag")),
                    priority=text(record, "priority"),
                    created=self.r.time(origin, record, "_info.dateEntered", "dateEntered"),
                    company=ident(record, "company"),
                    site=ident(record, "site"),
                    agreement_type=agreement_type,
                    agreement=agreement_name,
                    fields=fields,
                    estimate_hours=self.r.number(origin, record, "budgetHours"),
                    responded=self.r.time(origin, record, "dateResponded"),
                    sla=ident(record, "sla"),
                )
            )

    def _entries(self) -> None:
        members = {m.login.casefold(): m.key for m in self.export.members if m.login}
        for origin, record in self.r.endpoint("schedule-entries").records:
            key = ident(record, "id")
            kind = text(record, "type.identifier")
            if kind is not None and kind != SERVICE_TICKET:
                self.export.skipped.append(
                    Skip(
                        origin,
                        "booking",
                        key or "?",
                        f"schedule entry of type {kind}, not a ticket",
                    )
                )
                continue
            ticket = ident(record, "objectId")
            member = ident(record, "member")
            if member is None:
                login = text(record, "member.identifier")
                member = members.get(login.casefold()) if login else None
            start = self.r.time(origin, record, "dateStart")
            end = self.r.time(origin, record, "dateEnd")
            if key is None or ticket is None or member is None or start is None or end is None:
                self.r.issues.append(
                    origin.issue(
                        "", "a schedule entry needs id, objectId, member, dateStart, dateEnd"
                    )
                )
                continue
            self.export.bookings.append(
                PsaBooking(origin, key, ticket, member, start, end, bool(first(record, "doneFlag")))
            )
