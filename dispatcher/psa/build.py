"""A PSA export and the mapping file -> a scenario (YAML text), the link back to the PSA's
ids, and a summary of what was imported, skipped and defaulted.

The scenario is plain SPEC: each ticket keeps its PSA id as its scenario id, and a comment
above it says where each value came from. What the PSA needs to take the plan back
(member ids, existing schedule entries) is in the link file beside the scenario
(``link``). Every problem is collected and reported together, each naming the response
file, the record's index and the field (or the mapping file's line and field); nothing is
written unless the scenario is valid.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from dispatcher.errors import InputError, InputIssue
from dispatcher.io.yamlio import LineMap
from dispatcher.psa.mapping import Mapping, Member, Rule, WorkingHours
from dispatcher.psa.records import PsaBooking, PsaExport, PsaMember, PsaTicket, Skip
from dispatcher.psa.summary import PsaImport, Summary
from dispatcher.safetext import one_line
from models.durations import format_minutes

# The targets of a policy whose tickets all carry the PSA's own due times: the SPEC needs
# a target per priority, the tickets' due times override it.
PLACEHOLDER_TARGET = {"response": "1d", "resolution": "5d"}
ROUND_THE_CLOCK = "24x7"
_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-") or "x"


def local_text(moment: dt.datetime, zone: ZoneInfo) -> str:
    """An aware instant as the scenario writes it: local time, minutes, no offset."""
    return moment.astimezone(zone).replace(tzinfo=None).isoformat(timespec="minutes")


def _matches(rule: Rule, values: dict[str, str]) -> bool:
    for key, wanted in rule.when.items():
        have = values.get(key)
        options = wanted if isinstance(wanted, list) else [wanted]
        if have is None or have.casefold() not in {option.casefold() for option in options}:
            return False
    return True


def _key_of(table: dict[str, Any], key: str | None) -> str | None:
    """The table's own key for ``key``: exact, then case-insensitive."""
    if key is None:
        return None
    if key in table:
        return key
    folded = key.casefold()
    return next((name for name in table if name.casefold() == folded), None)


def _lookup(table: dict[str, Any], key: str | None) -> Any:
    """Exact, then case-insensitive."""
    name = _key_of(table, key)
    return None if name is None else table[name]


@dataclass
class _Ticket:
    data: dict[str, Any]
    notes: list[str]
    origin: Any = None  # the PSA record (an Origin)


@dataclass
class Imported:
    """The scenario's YAML text, the link to the PSA, and the summary."""

    text: str
    link: dict[str, Any]
    summary: Summary
    tickets: list[_Ticket] = field(default_factory=list)

    def model(self) -> PsaImport:
        return PsaImport(scenario_yaml=self.text, link=self.link, summary=self.summary.model())


class Builder:
    def __init__(
        self,
        export: PsaExport,
        mapping: Mapping,
        mapping_file: str,
        lines: LineMap,
        day: dt.date,
        out_dir: Path,
        mapping_dir: Path,
    ) -> None:
        self.export = export
        self.mapping = mapping
        self.mapping_file = mapping_file
        # (ticket, engineer, start) of the plan last pushed to the PSA (``--plan``): its
        # bookings are the plan's own visits, not appointments to pin.
        self.pushed: set[tuple[str, str, dt.datetime]] = set()
        # The PSA's ids of the bookings it had when the pushed plan's scenario was
        # imported (that import's link file): appointments, pinned as before.
        self.booked_before: set[str] = set()
        self.lines = lines
        self.day = day
        self.out_dir = out_dir
        self.mapping_dir = mapping_dir
        self.issues: list[InputIssue] = list(export.issues)
        self.summary = Summary(skipped=list(export.skipped))
        self.zone = self._zone("timezone", mapping.timezone)
        self.days = [day + dt.timedelta(days=i) for i in range(mapping.horizon.days)]
        self.start = dt.datetime.combine(self.days[0], mapping.horizon.start, self.zone)
        self.end = dt.datetime.combine(self.days[-1], mapping.horizon.end, self.zone)
        self.sites: dict[str, dict[str, Any]] = {}
        self.calendars: dict[str, dict[str, Any]] = {}
        self.policies: dict[str, dict[str, Any]] = {}
        self.clients: dict[str, dict[str, Any]] = {}
        self.engineers: dict[str, dict[str, Any]] = {}  # PSA member key -> engineer
        self.member_shifts: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
        self.link: dict[str, Any] = {
            "format": "dispatch-psa-link/1",
            "psa": export.psa,
            "timezone": mapping.timezone,
            "horizon": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "engineers": {},
            "tickets": {},
            "bookings": {},
        }

    # -- helpers ---------------------------------------------------------------------

    def _zone(self, name: str, value: str) -> ZoneInfo:
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.mapping_issue((name,), f"unknown time zone '{value}'")
            return ZoneInfo("UTC")

    def mapping_issue(self, path: tuple[str | int, ...], message: str) -> None:
        from dispatcher.io.yamlio import path_text

        self.issues.append(
            InputIssue(self.mapping_file, self.lines.line_of(path), path_text(path), message)
        )

    def _spans(self, hours: WorkingHours | None, calendar: str | None, day: dt.date) -> Any:
        if hours is not None:
            return [(a, b) for a, b in hours.spans(day)]
        psa_calendar = self.export.calendars.get(calendar or "")
        if psa_calendar is None:
            return None
        if day in psa_calendar.holidays:
            return []
        return [
            (t1.hour * 60 + t1.minute, 1440 if t2 == dt.time.max else t2.hour * 60 + t2.minute)
            for t1, t2 in psa_calendar.weekly.get(day.weekday(), [])
        ]

    # -- engineers -------------------------------------------------------------------

    def member_entry(self, member: PsaMember) -> tuple[str | None, Member | None]:
        for key in (member.login, member.name, member.key):
            found = _key_of(self.mapping.members, key)
            if found is not None:
                return found, self.mapping.members[found]
        return None, None

    def engineers_from(self, members: list[PsaMember]) -> None:
        used: set[str] = set()
        for member in members:
            name, entry = self.member_entry(member)
            if not member.active:
                self.summary.skipped.append(Skip(member.origin, "member", member.key, "inactive"))
                continue
            if entry is not None and entry.skip:
                self.summary.skipped.append(
                    Skip(member.origin, "member", member.key, "skip: true in the mapping")
                )
                continue
            eid = (entry.id if entry and entry.id else None) or member.login or slug(member.name)
            if eid in used:
                eid = f"{eid}-{member.key}"
            used.add(eid)
            engineer: dict[str, Any] = {"id": eid, "name": member.name}
            skills = self._skills(member)
            if entry is not None:
                skills.update(entry.skills)
            if not skills:
                self.summary.defaulted[
                    "member without skills: takes only tickets needing none"
                ] += 1
            engineer["skills"] = skills
            home = entry.home if entry is not None else None
            onsite = (
                entry.onsite if entry is not None and entry.onsite is not None else home is not None
            )
            if home is not None:
                site = f"{slug(eid)}-home"
                self.sites[site] = home.model_dump(exclude_none=True)
                engineer["home"] = site
            elif onsite:
                self.mapping_issue(
                    ("members", name or member.login or member.name),
                    "an on-site engineer needs a home (lat, lon)",
                )
            if not onsite:
                engineer["onsite"] = False
                if entry is None or entry.onsite is None:
                    self.summary.defaulted["member without a home in the mapping: remote only"] += 1
            shifts = self._shifts(member, entry)
            self.member_shifts[member.key] = shifts
            engineer["shifts"] = [
                {"start": local_text(a, self.zone), "end": local_text(b, self.zone)}
                for a, b in shifts
            ]
            self.engineers[member.key] = engineer
            self.link["engineers"][eid] = {
                "psa_id": member.key,
                "login": member.login,
                "name": member.name,
            }
        self.summary.imported["engineers"] = len(self.engineers)

    def _skills(self, member: PsaMember) -> dict[str, int]:
        skills: dict[str, int] = {}
        for name, level in member.skills.items():
            skill = _lookup(self.mapping.skill_names, name) or slug(name)
            value = _lookup(self.mapping.skill_levels, level)
            if value is None:
                try:
                    value = round(float(level))
                except ValueError:
                    value = 1
                    self.summary.defaulted[f"skill level '{level}' read as 1"] += 1
            value = max(0, min(5, int(value)))
            if value:
                skills[skill] = max(value, skills.get(skill, 0))
        return skills

    def _shifts(
        self, member: PsaMember, entry: Member | None
    ) -> list[tuple[dt.datetime, dt.datetime]]:
        hours = entry.hours if entry is not None else None
        source_calendar = member.calendar if member.calendar in self.export.calendars else None
        if hours is None and source_calendar is None:
            hours = self.mapping.default_hours
            if hours is None:
                h = self.mapping.horizon
                span = f"{h.start:%H:%M}-{h.end:%H:%M}"
                hours = WorkingHours.model_validate(
                    {"weekly": {day: span for day in ("mon", "tue", "wed", "thu", "fri")}}
                )
                self.summary.defaulted[
                    f"member hours: weekdays {span} (no calendar, no hours in the mapping)"
                ] += 1
            else:
                self.summary.defaulted["member hours from default_hours"] += 1
        shifts = []
        for day in self.days:
            for low, high in self._spans(hours, source_calendar, day) or []:
                midnight = dt.datetime.combine(day, dt.time(0), self.zone)
                start = max(self.start, midnight + dt.timedelta(minutes=low))
                end = min(self.end, midnight + dt.timedelta(minutes=high))
                if end > start:
                    shifts.append((start, end))
        return shifts

    # -- policies and clients --------------------------------------------------------

    def calendar_id(self, key: str | None, hours: WorkingHours | None = None) -> str:
        """A scenario calendar for a PSA calendar (or the mapping's SLA hours)."""
        if key is None and hours is None:
            return ROUND_THE_CLOCK
        if key is not None:
            psa_calendar = self.export.calendars[key]
            cid = slug(psa_calendar.name)
            if cid not in self.calendars:
                weekly = {}
                names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                for weekday, spans in sorted(psa_calendar.weekly.items()):
                    weekly[names[weekday]] = ",".join(
                        f"{a:%H:%M}-{'24:00' if b == dt.time.max else f'{b:%H:%M}'}"
                        for a, b in spans
                    )
                self.calendars[cid] = {
                    "weekly": weekly,
                    "holidays": [day.isoformat() for day in sorted(set(psa_calendar.holidays))],
                }
            return cid
        assert hours is not None
        self.calendars.setdefault(
            "office",
            {
                "weekly": dict(hours.weekly),
                "holidays": [str(d) for d in sorted(hours.exceptions) if not hours.spans(d)],
            },
        )
        return "office"

    def tier_of(self, ticket: PsaTicket) -> str | None:
        if ticket.agreement_type is None:
            return self.mapping.no_agreement_tier
        tier = _lookup(self.mapping.tiers, ticket.agreement_type)
        if tier is not None:
            return str(tier)
        if self.mapping.unknown_agreement_tier is not None:
            self.summary.defaulted[
                f"tier of agreement type '{ticket.agreement_type}' (unknown_agreement_tier)"
            ] += 1
            return self.mapping.unknown_agreement_tier
        self.issues.append(
            ticket.origin.issue(
                "agreement",
                f"agreement type '{ticket.agreement_type}' is not in the mapping's tiers "
                f"({self.mapping_file}): add it, or set unknown_agreement_tier",
            )
        )
        return None

    def priority_of(self, ticket: PsaTicket) -> str | None:
        priority = _lookup(self.mapping.priorities, ticket.priority)
        if priority is not None:
            return str(priority)
        if ticket.priority is not None and ticket.priority in {"P1", "P2", "P3", "P4", "P5"}:
            return ticket.priority
        digits = re.findall(r"(?<!\d)[1-5](?!\d)", ticket.priority or "")
        if len(digits) == 1 and self.mapping.unknown_priority is None:
            self.summary.defaulted[f"priority '{ticket.priority}' read as P{digits[0]}"] += 1
            return f"P{digits[0]}"
        if self.mapping.unknown_priority is not None:
            self.summary.defaulted[f"priority '{ticket.priority}' (unknown_priority)"] += 1
            return self.mapping.unknown_priority
        self.issues.append(
            ticket.origin.issue(
                "priority",
                f"priority '{ticket.priority}' is not in the mapping's priorities "
                f"({self.mapping_file}): add it, or set unknown_priority",
            )
        )
        return None

    def policy_of(self, ticket: PsaTicket, tier: str, priority: str) -> str:
        sla = self.export.slas.get(ticket.sla or "")
        own_dues = ticket.response_due is not None and ticket.resolution_due is not None
        if sla is not None:
            pid = slug(sla.name)
            clock = self.calendar_id(
                sla.calendar if sla.calendar in self.export.calendars else None
            )
            hours = _lookup(sla.targets, ticket.priority) or sla.default
        else:
            pid = slug(tier)
            office = tier != "break_fix" and self.mapping.sla_calendar is not None
            clock = self.calendar_id(None, self.mapping.sla_calendar if office else None)
            hours = None
        known = self.policies.get(pid)
        if known is not None and known["tier"] != tier:  # the same SLA used by two tiers
            pid = f"{pid}-{slug(tier)}"
        policy = self.policies.setdefault(pid, {"tier": tier, "clock": clock, "targets": {}})
        self._target(policy, priority, hours, tier, ticket, own_dues)
        return pid

    def _target(
        self,
        policy: dict[str, Any],
        priority: str,
        hours: tuple[float, float] | None,
        tier: str,
        ticket: PsaTicket,
        own_dues: bool,
    ) -> None:
        if priority in policy["targets"]:
            return
        if hours is not None:
            policy["targets"][priority] = {
                "response": format_minutes(max(1, math.ceil(hours[0] * 60))),
                "resolution": format_minutes(max(1, math.ceil(max(hours) * 60))),
            }
            return
        mapped = self.mapping.sla_targets.get(tier, {}).get(priority)
        if mapped is not None:
            policy["targets"][priority] = mapped.model_dump(mode="json")
            return
        if own_dues:
            self.summary.defaulted["SLA target placeholder (the PSA gives the due times)"] += 1
            policy["targets"][priority] = dict(PLACEHOLDER_TARGET)
            return
        self.issues.append(
            ticket.origin.issue(
                "sla",
                f"no SLA target for {tier} {priority}: the export has no SLA for this ticket; "
                f"add sla_targets.{tier}.{priority} to the mapping",
            )
        )
        policy["targets"][priority] = dict(PLACEHOLDER_TARGET)

    def site_of(self, company_key: str | None, site_key: str | None) -> str | None:
        company = self.export.companies.get(company_key or "")
        site = self.export.sites.get(site_key or "")
        names = []
        if company is not None and site is not None:
            names.append(f"{company.name} / {site.name}")
        if site is not None:
            names.append(site.name if company is None else f"{company.name}/{site.name}")
        if company is not None:
            names += [company.name] + ([company.identifier] if company.identifier else [])
        for name in names:
            coordinates = _lookup(self.mapping.sites, name)
            if coordinates is not None:
                sid = slug(name)
                self.sites[sid] = coordinates.model_dump(exclude_none=True)
                if site is not None and site.address and "address" not in self.sites[sid]:
                    self.sites[sid]["address"] = site.address
                return sid
        return None

    def client_of(self, ticket: PsaTicket, policy: str) -> str:
        company = self.export.companies.get(ticket.company or "")
        name = company.name if company is not None else (ticket.company or "unknown company")
        base = slug(company.identifier or company.name) if company is not None else slug(name)
        for cid, known in self.clients.items():
            if known["_company"] == ticket.company and known["sla"] == policy:
                return cid
        cid = base if base not in self.clients else f"{base}-{policy}"
        client: dict[str, Any] = {
            "id": cid,
            "name": name,
            "sla": policy,
            "_company": ticket.company,
        }
        site = self.site_of(ticket.company, None)
        if site is not None:
            client["site"] = site
        self.clients[cid] = client
        return cid

    # -- tickets ---------------------------------------------------------------------

    def ticket(self, ticket: PsaTicket, bookings: list[PsaBooking]) -> _Ticket | None:
        notes = [
            f"{self.export.psa} ticket {ticket.id}"
            + (f" ({ticket.number})" if ticket.number else "")
        ]
        tier = self.tier_of(ticket)
        priority = self.priority_of(ticket)
        if ticket.created is None:
            ticket.created = self.start
            self.summary.defaulted["opened at the horizon start (no created date)"] += 1
            notes.append("opened: no created date in the PSA, the horizon start")
        if tier is None or priority is None:
            return None
        notes.append(
            f"tier {tier} from "
            + (
                f"agreement type '{ticket.agreement_type}'"
                if ticket.agreement_type
                else "no agreement"
            )
        )
        notes.append(f"priority {priority} from '{ticket.priority}'")
        policy = self.policy_of(ticket, tier, priority)
        values = dict(ticket.fields)
        if ticket.priority is not None:
            values.setdefault("priority", ticket.priority)
        values["scenario_priority"] = priority
        values["tier"] = tier
        data: dict[str, Any] = {
            "id": ticket.id,
            "client": self.client_of(ticket, policy),
            "summary": ticket.summary or "",
            "priority": priority,
            "opened": local_text(ticket.created, self.zone),
        }
        onsite = self._onsite(values, notes)
        if onsite:
            data["onsite"] = True
            site = self.site_of(ticket.company, ticket.site)
            if site is None:
                self.issues.append(
                    ticket.origin.issue(
                        "site",
                        "an on-site ticket needs coordinates: add its company "
                        f"('{self._company_name(ticket)}') or 'company / site' to the "
                        "mapping's sites",
                    )
                )
            elif site != self.clients[data["client"]].get("site"):
                data["site"] = site
        data["effort"] = self._effort(ticket, values, notes)
        skills = next((rule.skills for rule in self.mapping.skills if _matches(rule, values)), None)
        if skills:
            data["skills"] = dict(skills)
            notes.append("skills from the mapping's rules")
        for name, moment in (
            ("responded", ticket.responded),
            ("response_due", ticket.response_due),
            ("resolution_due", ticket.resolution_due),
        ):
            if moment is not None and (name == "responded" or ticket.created <= moment):
                data[name] = local_text(moment, self.zone)
        if ticket.response_due is not None or ticket.resolution_due is not None:
            notes.append("due times from the PSA")
        self._pin(ticket, bookings, data, notes)
        return _Ticket(data, notes, ticket.origin)

    def _company_name(self, ticket: PsaTicket) -> str:
        company = self.export.companies.get(ticket.company or "")
        return company.name if company is not None else str(ticket.company)

    def _onsite(self, values: dict[str, str], notes: list[str]) -> bool:
        rule = next((rule for rule in self.mapping.onsite if _matches(rule, values)), None)
        if rule is not None:
            notes.append(f"{'on-site' if rule.onsite else 'remote'} from the mapping's rules")
            return rule.onsite
        if "service_location" in values:
            self.summary.defaulted[
                f"on-site for service location '{values['service_location']}' (onsite_default)"
            ] += 1
        return self.mapping.onsite_default

    def _effort(self, ticket: PsaTicket, values: dict[str, str], notes: list[str]) -> Any:
        if ticket.estimate_hours is not None and ticket.estimate_hours > 0:
            p50 = max(1, math.ceil(ticket.estimate_hours * 60))
            p90 = max(p50, math.ceil(p50 * self.mapping.estimate_p90_factor))
            notes.append(
                f"effort from the estimate {ticket.estimate_hours:g} h "
                f"(p90 x{self.mapping.estimate_p90_factor:g})"
            )
            return {"p50": format_minutes(p50), "p90": format_minutes(p90)}
        rule = next((rule for rule in self.mapping.efforts if _matches(rule, values)), None)
        effort = rule.effort if rule is not None else self.mapping.default_effort
        why = "the mapping's efforts" if rule is not None else "default_effort"
        self.summary.defaulted[f"effort from {why} (no estimate)"] += 1
        notes.append(f"effort from {why} (no estimate)")
        return {"p50": str(effort.p50), "p90": str(effort.p90)}

    def _pin(
        self, ticket: PsaTicket, bookings: list[PsaBooking], data: dict[str, Any], notes: list[str]
    ) -> None:
        """The ticket's first booking in the horizon becomes its booked appointment."""
        future = []
        for booking in bookings:
            if booking.done or not self.start <= booking.start < self.end:
                why = "done in the PSA" if booking.done else "outside the horizon"
                self.summary.skipped.append(Skip(booking.origin, "booking", booking.key, why))
            else:
                future.append(booking)
        for booking in sorted(future, key=lambda b: (b.start, b.key)):
            engineer = self.engineers.get(booking.member)
            ours = (ticket.id, engineer["id"], booking.start) in self.pushed if engineer else False
            if ours and booking.key not in self.booked_before:
                # The pushed plan's own visit, back from the PSA: planned work, free to move.
                self.summary.imported["bookings of the pushed plan (not pinned)"] += 1
                continue
            shifts = self.member_shifts.get(booking.member, [])
            if engineer is None:
                why = "its member is not in the plan"
            elif booking.start < ticket.created if ticket.created else False:
                why = "it starts before the ticket was opened"
            elif not any(a <= booking.start < b for a, b in shifts):
                why = "it starts outside the member's working hours"
            else:
                data["assigned_to"] = engineer["id"]
                data["fixed_start"] = local_text(booking.start, self.zone)
                notes.append(f"booked: entry {booking.key}")
                self.summary.imported["booked appointments"] += 1
                return
            self.summary.skipped.append(
                Skip(booking.origin, "booking", booking.key, f"not pinned: {why}")
            )

    # -- the whole -------------------------------------------------------------------

    def build(self, scenario_name: str, output_name: str) -> Imported:
        self.engineers_from(self.export.members)
        bookings: dict[str, list[PsaBooking]] = {}
        open_ids = {t.id for t in self.export.tickets if not self._closed(t)}
        all_ids = {t.id for t in self.export.tickets}
        for booking in self.export.bookings:
            if booking.ticket not in all_ids:
                self.summary.skipped.append(
                    Skip(booking.origin, "booking", booking.key, "its ticket is not in the export")
                )
                continue
            if booking.ticket not in open_ids:
                self.summary.skipped.append(
                    Skip(booking.origin, "booking", booking.key, "its ticket is closed")
                )
                continue
            bookings.setdefault(booking.ticket, []).append(booking)
            if not booking.done:
                self.link["bookings"].setdefault(booking.ticket, []).append(
                    {
                        "psa_id": booking.key,
                        "member": booking.member,
                        "start": booking.start.isoformat(),
                        "end": booking.end.isoformat(),
                    }
                )
        tickets: list[_Ticket] = []
        seen: set[str] = set()
        for ticket in self.export.tickets:
            if ticket.id in seen:
                continue
            seen.add(ticket.id)
            if self._closed(ticket):
                self.summary.skipped.append(
                    Skip(
                        ticket.origin, "ticket", ticket.id, f"closed ({ticket.status or 'closed'})"
                    )
                )
                continue
            built = self.ticket(ticket, bookings.get(ticket.id, []))
            if built is not None:
                tickets.append(built)
                self.link["tickets"][ticket.id] = {
                    "psa_id": ticket.id,
                    "number": ticket.number,
                    "company": ticket.company,
                }
        self.summary.imported["tickets"] = len(tickets)
        self.summary.imported["clients"] = len(self.clients)
        if self.issues:
            raise InputError(self.issues)
        self.scenario_name, self.output_name = scenario_name, output_name
        return Imported(self.render(tickets), self.link, self.summary, tickets)

    def render(self, tickets: list[_Ticket]) -> str:
        return self._yaml(self.scenario_name, tickets, self.output_name)

    def unpin(self, imported: Imported, index: int, reason: str) -> None:
        """Drop a booked appointment the scenario cannot hold (it overlaps another, is
        too close for the travel, ...): the ticket stays, to be planned freely."""
        ticket = imported.tickets[index]
        ticket.data.pop("assigned_to", None)
        ticket.data.pop("fixed_start", None)
        entry = next((n for n in ticket.notes if n.startswith("booked: entry ")), "booked")
        ticket.notes = [n for n in ticket.notes if n != entry] + [f"{entry} not pinned: {reason}"]
        self.summary.imported["booked appointments"] -= 1
        self.summary.skipped.append(
            Skip(ticket.origin, "booking", str(ticket.data["id"]), f"not pinned: {reason}")
        )

    def _closed(self, ticket: PsaTicket) -> bool:
        statuses = {status.casefold() for status in self.mapping.closed_statuses}
        return ticket.closed or (ticket.status or "").casefold() in statuses

    def _yaml(self, name: str, tickets: list[_Ticket], output_name: str) -> str:
        header = {
            "version": 1,
            "name": name,
            "timezone": self.mapping.timezone,
            "horizon": {
                "start": local_text(self.start, self.zone),
                "end": local_text(self.end, self.zone),
            },
        }
        if self.calendars:
            header["calendars"] = self.calendars
        header["sla_policies"] = self.policies
        if self.mapping.tier_caps is not None:
            header["policy"] = {"tier_caps": dict(self.mapping.tier_caps)}
        if self.sites:
            header["sites"] = self.sites
        if self.mapping.travel_matrix is not None:
            matrix = self.mapping_dir / self.mapping.travel_matrix
            header["travel_matrix"] = os.path.relpath(matrix, self.out_dir)
        clients = [
            {k: v for k, v in c.items() if not k.startswith("_")} for c in self.clients.values()
        ]
        engineers = list(self.engineers.values())
        out = [f"# Imported from {self.export.psa} by dispatch import ({output_name}).", "#"]
        out += [f"# {one_line(line, 300)}" for line in self.summary.lines()]
        out += ["", _dump(header), _dump({"clients": clients}), _dump({"engineers": engineers})]
        out.append("tickets:")
        for ticket in tickets:
            out += [f"  # {one_line(note, 300)}" for note in ticket.notes]
            block = _dump([ticket.data])
            out.append("\n".join("  " + line for line in block.rstrip("\n").split("\n")))
        return "\n".join(out) + "\n"


def _dump(data: Any) -> str:
    return yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
