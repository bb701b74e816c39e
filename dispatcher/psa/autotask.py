"""Autotask PSA (Datto / Kaseya): saved REST API responses -> ``PsaExport``.

The responses are those of the documented REST endpoints (``ENDPOINTS``, relative to
``https://webservicesN.autotask.net/atservicesrest/v1.0``), saved as JSON in one folder,
one file per endpoint or per page: a query answers ``{"items": [...], "pageDetails":
{"nextPageUrl": ...}}`` and each next page is saved as ``tickets-2.json``, ``tickets-3.json``
(see ``responses``). The ``entityInformation/fields`` answers (``{"fields": [...]}``)
give the picklists' labels.

Autotask answers in UTC (``2026-11-30T07:40:00.000Z``). Its picklist fields hold
integers (``priority``, ``status``, ``queueID``, ``issueType``, ``subIssueType``,
``ticketType``, ``ticketCategory``, ``source``, ``serviceLevelAgreementID``; a contract's
``contractType``): each is turned into its label from the saved fields files; a value
with no label there (or no fields file) is kept as its number's text, which the mapping
can name like any label (``priorities: {"4": P1}``).

A ticket's tier comes from its contract's type (no contract: ``no_agreement_tier``), its
due times from ``firstResponseDueDateTime`` and ``resolvedDueDateTime``, its estimate from
``estimatedHours``; it is closed when its status is Complete (5) or one of the mapping's
``closed_statuses``. What the mapping's rules match on: ``queue``, ``issue_type``,
``sub_issue_type``, ``ticket_type``, ``category``, ``source``, ``status``, ``company``,
``sla`` (the labels), ``service_location`` (a ``serviceLocation`` field or a user-defined
field of that name, when the instance has one) and every user-defined field as
``udf.NAME``.

A resource's skills are its ResourceSkills (``skillLevel``) named by Skills; its working
hours are those of its internal location (``locationID`` ->
InternalLocationWithBusinessHours, with the holidays of its ``holidaySetID``) when saved,
else the mapping's ``members`` hours or ``default_hours``. Bookings are service calls:
one ``PsaBooking`` per (service call, ticket, resource), joined through
ServiceCallTickets and ServiceCallTicketResources; its key is
``CALL/CALLTICKET/CALLTICKETRESOURCE`` (the three records' ids, with ``/shared`` appended
when the call has more than one ticket or resource), which ``autotask_write`` reads.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from dispatcher.psa import responses
from dispatcher.psa.records import (
    Origin,
    PsaBooking,
    PsaCalendar,
    PsaCompany,
    PsaExport,
    PsaMember,
    PsaSite,
    PsaTicket,
    Skip,
)
from dispatcher.psa.responses import Reader, Record, first, ident, text, time_of_day

# Saved-response name -> the documented endpoint it comes from (queries: POST with a
# filter body, or GET ...?search=; every page of the answer is saved).
ENDPOINTS = {
    "tickets": "/Tickets/query",
    "ticket-fields": "/Tickets/entityInformation/fields",
    "resources": "/Resources/query",
    "resource-skills": "/ResourceSkills/query",
    "skills": "/Skills/query",
    "contracts": "/Contracts/query",
    "contract-fields": "/Contracts/entityInformation/fields",
    "companies": "/Companies/query",
    "company-locations": "/CompanyLocations/query",
    "internal-locations": "/InternalLocationWithBusinessHours/query",
    "holiday-sets": "/HolidaySets/query",
    "holidays": "/Holidays/query",
    "service-calls": "/ServiceCalls/query",
    "service-call-tickets": "/ServiceCallTickets/query",
    "service-call-ticket-resources": "/ServiceCallTicketResources/query",
}
COMPLETE = "5"  # the Tickets status picklist's Complete value (a system value)
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Ticket picklist field -> the name the mapping's rules use.
RULE_FIELDS = {
    "queueID": "queue",
    "issueType": "issue_type",
    "subIssueType": "sub_issue_type",
    "ticketType": "ticket_type",
    "ticketCategory": "category",
    "source": "source",
    "status": "status",
    "serviceLevelAgreementID": "sla",
    "serviceLocation": "service_location",
}

Picklists = dict[str, dict[str, str]]  # field name (casefolded) -> value text -> label


def read_autotask(
    folder: Path, files: dict[str, list[Path]] | None = None, naive_zone: dt.tzinfo = dt.UTC
) -> PsaExport:
    return _Autotask(Reader(folder, files, naive_zone, ENDPOINTS)).read()


def _value_text(value: Any) -> str | None:
    """A picklist value as text: 5, 5.0 and "5" are all "5"."""
    if value is None or value == "" or isinstance(value, bool | list | dict):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _flag(value: Any) -> bool:
    """Autotask's booleans: true / false, or 1 / 0 on some entities (isComplete)."""
    if isinstance(value, str):
        return value.strip().casefold() in {"true", "1", "yes"}
    return bool(value)


class _Autotask:
    def __init__(self, reader: Reader) -> None:
        self.r = reader
        self.export = PsaExport("autotask")

    def read(self) -> PsaExport:
        ticket_lists = self._picklists("ticket-fields")
        contract_lists = self._picklists("contract-fields")
        self._companies()
        self._calendars()
        contracts = self._contracts(contract_lists)
        self._resources()
        self._tickets(ticket_lists, contracts)
        self._service_calls()
        self.export.issues = self.r.issues
        self.export.files = self.r.read_files
        return self.export

    def _need(self, origin: Origin, record: Record, *names: str) -> list[str] | None:
        """The ids ``names`` of a record, or None (and an issue naming the first missing)."""
        found = [ident(record, name) for name in names]
        missing = [name for name, value in zip(names, found, strict=True) if value is None]
        if missing:
            self.r.issues.append(
                origin.issue(missing[0], f"a record without {' and '.join(missing)}")
            )
            return None
        return [value for value in found if value is not None]

    # -- picklists -------------------------------------------------------------------

    def _picklists(self, name: str) -> Picklists:
        lists: Picklists = {}
        for origin, record in self.r.endpoint(name, key="name").records:
            field_name = text(record, "name")
            values = first(record, "picklistValues")
            if field_name is None or values is None:
                continue
            if not isinstance(values, list):
                self.r.issues.append(origin.issue("picklistValues", "expected a list"))
                continue
            labels = lists.setdefault(field_name.casefold(), {})
            for value in values:
                if not isinstance(value, dict):
                    continue
                key, label = _value_text(value.get("value")), text(value, "label")
                if key is not None and label is not None:
                    labels[key] = label
        return lists

    @staticmethod
    def _label(lists: Picklists, record: Record, name: str) -> str | None:
        """A picklist field's label; an unknown value keeps its number's text."""
        value = _value_text(first(record, name))
        if value is None:
            return None
        return lists.get(name.casefold(), {}).get(value, value)

    # -- companies and locations -----------------------------------------------------

    def _companies(self) -> None:
        for origin, record in self.r.endpoint("companies").records:
            ids = self._need(origin, record, "id")
            if ids is None:
                continue
            self.export.companies[ids[0]] = PsaCompany(
                ids[0], text(record, "companyName") or ids[0]
            )
        for origin, record in self.r.endpoint("company-locations").records:
            ids = self._need(origin, record, "id", "companyID")
            if ids is None:
                continue
            address = responses.address(record, "address1", "city", "postalCode")
            self.export.sites[ids[0]] = PsaSite(
                ids[0], ids[1], text(record, "name") or ids[0], address or None
            )

    def _calendars(self) -> None:
        holidays: dict[str, list[dt.date]] = {}
        set_names = {
            key: text(record, "holidaySetName") or key
            for _, record in self.r.endpoint("holiday-sets").records
            if (key := ident(record, "id")) is not None
        }
        for origin, record in self.r.endpoint("holidays").records:
            ids = self._need(origin, record, "holidaySetID")
            day = first(record, "holidayDate")
            if ids is None:
                continue
            try:
                date = dt.date.fromisoformat(str(day)[:10])
            except ValueError:
                self.r.issues.append(origin.issue("holidayDate", f"not a date: {str(day)[:40]!r}"))
                continue
            holidays.setdefault(ids[0], []).append(date)
        for origin, record in self.r.endpoint("internal-locations").records:
            ids = self._need(origin, record, "id")
            if ids is None:
                continue
            weekly: dict[int, list[tuple[dt.time, dt.time]]] = {}
            for number, day_name in enumerate(DAYS):
                start = first(record, f"{day_name}BusinessHoursStartTime")
                end = first(record, f"{day_name}BusinessHoursEndTime")
                if start is None or end is None:
                    continue
                try:
                    span = (time_of_day(start), time_of_day(end))
                except ValueError:
                    self.r.issues.append(
                        origin.issue(f"{day_name}BusinessHoursStartTime", "not a time of day")
                    )
                    continue
                if span[1] > span[0]:
                    weekly[number] = [span]
            holiday_set = ident(record, "holidaySetID")
            if (
                holiday_set is not None
                and holiday_set not in set_names
                and holiday_set not in holidays
            ):
                self.r.issues.append(
                    origin.issue(
                        "holidaySetID", f"holiday set {holiday_set} is not in the saved responses"
                    )
                )
            key = f"location {ids[0]}"
            self.export.calendars[key] = PsaCalendar(
                key,
                text(record, "name") or key,
                weekly,
                sorted(set(holidays.get(holiday_set or "", []))),
            )

    # -- contracts, resources, tickets -----------------------------------------------

    def _contracts(self, lists: Picklists) -> dict[str, tuple[str | None, str | None]]:
        contracts: dict[str, tuple[str | None, str | None]] = {}
        for origin, record in self.r.endpoint("contracts").records:
            ids = self._need(origin, record, "id")
            if ids is None:
                continue
            contracts[ids[0]] = (
                self._label(lists, record, "contractType"),
                text(record, "contractName"),
            )
        return contracts

    def _resources(self) -> None:
        skill_names = {
            key: text(record, "name") or f"skill {key}"
            for _, record in self.r.endpoint("skills").records
            if (key := ident(record, "id")) is not None
        }
        skills: dict[str, dict[str, str]] = {}
        for origin, record in self.r.endpoint("resource-skills").records:
            ids = self._need(origin, record, "resourceID", "skillID")
            if ids is None:
                continue
            resource, skill = ids
            level = _value_text(first(record, "skillLevel")) or "1"
            skills.setdefault(resource, {})[skill_names.get(skill, f"skill {skill}")] = level
        for origin, record in self.r.endpoint("resources").records:
            ids = self._need(origin, record, "id")
            if ids is None:
                continue
            key = ids[0]
            login = text(record, "userName")
            name = (
                " ".join(
                    str(part)
                    for part in (first(record, "firstName"), first(record, "lastName"))
                    if part
                )
                or login
                or key
            )
            location = ident(record, "locationID")
            active = first(record, "isActive")
            self.export.members.append(
                PsaMember(
                    origin,
                    key,
                    login,
                    name,
                    active=True if active is None else _flag(active),
                    skills=skills.get(key, {}),
                    calendar=f"location {location}" if location is not None else None,
                )
            )

    def _rule_fields(self, lists: Picklists, record: Record) -> dict[str, str]:
        fields = {
            rule: value
            for source, rule in RULE_FIELDS.items()
            if (value := self._label(lists, record, source)) is not None
        }
        company = self.export.companies.get(ident(record, "companyID") or "")
        if company is not None:
            fields["company"] = company.name
        udfs = first(record, "userDefinedFields")
        for udf in udfs if isinstance(udfs, list) else []:
            if not isinstance(udf, dict):
                continue
            name, value = text(udf, "name"), text(udf, "value")
            if name is None or value is None:
                continue
            fields[f"udf.{name}"] = value
            if name.casefold().replace("_", " ") == "service location":
                fields.setdefault("service_location", value)
        return fields

    def _tickets(
        self, lists: Picklists, contracts: dict[str, tuple[str | None, str | None]]
    ) -> None:
        for origin, record in self.r.endpoint("tickets").records:
            ids = self._need(origin, record, "id")
            if ids is None:
                continue
            contract = ident(record, "contractID")
            agreement_type, agreement_name = contracts.get(contract or "", (None, None))
            if contract is not None and contract not in contracts:
                self.r.issues.append(
                    origin.issue(
                        "contractID",
                        f"contract {contract} is not in the saved contracts: its type "
                        "(the ticket's tier) is unknown",
                    )
                )
                continue
            if contract is not None and agreement_type is None:
                self.r.issues.append(
                    origin.issue(
                        "contractID",
                        f"contract {contract} has no contractType: the ticket's tier is unknown",
                    )
                )
                continue
            status = _value_text(first(record, "status"))
            self.export.tickets.append(
                PsaTicket(
                    origin,
                    ids[0],
                    summary=text(record, "title"),
                    number=text(record, "ticketNumber"),
                    status=self._label(lists, record, "status"),
                    closed=status == COMPLETE,
                    priority=self._label(lists, record, "priority"),
                    created=self.r.time(origin, record, "createDate"),
                    company=ident(record, "companyID"),
                    site=ident(record, "companyLocationID"),
                    agreement_type=agreement_type,
                    agreement=agreement_name,
                    fields=self._rule_fields(lists, record),
                    estimate_hours=self.r.number(origin, record, "estimatedHours"),
                    responded=self.r.time(origin, record, "firstResponseDateTime"),
                    response_due=self.r.time(origin, record, "firstResponseDueDateTime"),
                    resolution_due=self.r.time(origin, record, "resolvedDueDateTime"),
                )
            )

    # -- service calls ---------------------------------------------------------------

    def _service_calls(self) -> None:
        calls: dict[str, tuple[Origin, Record]] = {}
        for origin, record in self.r.endpoint("service-calls").records:
            ids = self._need(origin, record, "id")
            if ids is not None:
                calls[ids[0]] = (origin, record)
        call_tickets: dict[str, tuple[str, str]] = {}  # id -> (call, ticket)
        for origin, record in self.r.endpoint("service-call-tickets").records:
            ids = self._need(origin, record, "id", "serviceCallID", "ticketID")
            if ids is None:
                continue
            if ids[1] not in calls:
                self.export.skipped.append(
                    Skip(origin, "booking", ids[0], "its service call is not in the export")
                )
                continue
            call_tickets[ids[0]] = (ids[1], ids[2])
        pairs: list[tuple[Origin, str, str, str]] = []  # (origin, call ticket, link, resource)
        for origin, record in self.r.endpoint("service-call-ticket-resources").records:
            ids = self._need(origin, record, "id", "serviceCallTicketID", "resourceID")
            if ids is None:
                continue
            if ids[1] not in call_tickets:
                self.export.skipped.append(
                    Skip(origin, "booking", ids[0], "its service call ticket is not in the export")
                )
                continue
            pairs.append((origin, ids[1], ids[0], ids[2]))
        per_call: dict[str, int] = {}
        for _, call_ticket, _, _ in pairs:
            call = call_tickets[call_ticket][0]
            per_call[call] = per_call.get(call, 0) + 1
        booked = {call_tickets[call_ticket][0] for _, call_ticket, _, _ in pairs}
        for call, (origin, _record) in calls.items():
            if call not in booked:
                self.export.skipped.append(
                    Skip(origin, "booking", call, "service call without a ticket and resource")
                )
        for _origin, call_ticket, link, resource in pairs:
            call, ticket = call_tickets[call_ticket]
            call_origin, record = calls[call]
            key = f"{call}/{call_ticket}/{link}" + ("/shared" if per_call[call] > 1 else "")
            if first(record, "canceledDateTime") is not None:
                self.export.skipped.append(
                    Skip(call_origin, "booking", key, "service call cancelled")
                )
                continue
            start = self.r.time(call_origin, record, "startDateTime")
            end = self.r.time(call_origin, record, "endDateTime")
            if start is None or end is None:
                if first(record, "startDateTime") is None or first(record, "endDateTime") is None:
                    self.r.issues.append(
                        call_origin.issue(
                            "startDateTime", "a service call needs startDateTime and endDateTime"
                        )
                    )
                continue
            self.export.bookings.append(
                PsaBooking(
                    call_origin,
                    key,
                    ticket,
                    resource,
                    start,
                    end,
                    _flag(first(record, "isComplete")),
                )
            )
