"""A plan in the formats people forward: CSV, iCalendar, the HTML board, JSON.

Every file is written whole or not at all (``planio.write_atomic``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Literal

import icalendar

from dispatcher.errors import InputError
from dispatcher.io.planfile import plan_json, write_atomic
from dispatcher.safetext import shown
from dispatcher.semantics.problem import EngineerData, Problem, TicketData
from dispatcher.views.board import render_board
from dispatcher.views.planview import JobView, PlanView
from dispatcher.views.timefmt import full_time
from models import Plan

Format = Literal["csv", "ics", "html", "json"]

CSV_COLUMNS = (
    "ticket",
    "client",
    "tier",
    "priority",
    "engineer",
    "start",
    "end",
    "travel_minutes",
    "response_due",
    "resolution_due",
    "response_risk",
    "resolution_risk",
    "summary",
    "crew",  # a crew job's other members, ';'-separated ('' for a solo job)
    "crew_travel_minutes",  # their travel minutes, in the same order
    "status",  # assigned, completed (done before a reschedule) or unassigned
    "reason",  # an unassigned ticket's reason (SPEC), '' otherwise
    "detail",  # and its detail
)
STATUSES = ("assigned", "completed", "unassigned")
CREW_SEPARATOR = ";"
PRODID = "-//msp-dispatch//dispatch plan//EN"
UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
MAX_NAME = 64  # characters of an engineer id kept in its calendar's file name


def export(
    problem: Problem,
    plan: Plan,
    fmt: Format,
    path: Path,
    engineer: str | None = None,
    protected: Collection[Path] = (),
) -> list[Path]:
    """Write ``plan`` as ``fmt`` to ``path``; returns the files written.

    For ``ics`` without ``engineer``, ``path`` is a directory that gets one
    calendar per engineer with jobs, named by ``calendar_file_names``: an
    engineer id never chooses where a file goes (no ``/``, ``..``, absolute
    paths, hidden or clashing names). ``engineer`` keeps that engineer's jobs
    only (csv, ics, html); a JSON plan is always the whole plan. No file of
    ``protected`` (the command's inputs) is ever replaced.
    """
    if fmt == "json":
        if engineer is not None:
            raise InputError.single("--engineer", "a JSON plan is the whole plan; leave it out")
        write_atomic(path, plan_json(plan), protected)
        return [path]
    view = PlanView(problem, plan)
    person = None if engineer is None else view.engineer(engineer)
    if fmt == "csv":
        write_atomic(path, plan_csv(view, person), protected)
        return [path]
    if fmt == "html":
        write_atomic(path, render_board(problem, plan, engineer), protected)
        return [path]
    if person is not None:
        write_atomic(path, engineer_calendar(view, person), protected)
        return [path]
    return _write_calendars(view, path, protected)


def calendar_file_names(ids: Sequence[str]) -> list[str]:
    """The calendar file name of each engineer id, in order: always one plain, distinct
    file name, whatever the id.

    Every character but ``A-Z a-z 0-9 . _ -`` becomes ``_`` (so no ``/``, no NUL, no
    control character), a leading ``.`` becomes ``_`` (no hidden file, no ``.`` or
    ``..``), an empty id becomes ``_``, and the result is cut to ``MAX_NAME``
    characters. Names that then clash, compared case-insensitively (for file systems
    that ignore case), get ``-2``, ``-3``, ... in engineer order. ``.ics`` is appended.
    """
    names: list[str] = []
    taken: set[str] = set()
    for identifier in ids:
        base = UNSAFE.sub("_", identifier)[:MAX_NAME] or "_"
        if base.startswith("."):
            base = "_" + base[1:]
        name, number = base, 1
        while name.casefold() in taken:
            number += 1
            name = f"{base}-{number}"
        taken.add(name.casefold())
        names.append(f"{name}.ics")
    return names


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP's "CSV
# injection"): text from a scenario never does, it gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """``text`` as a CSV cell that a spreadsheet shows as text, never runs as a formula:
    a value starting with ``= + - @``, a tab or a carriage return gets a leading ``'``
    (as OWASP and the spreadsheets advise); then, as on the terminal, its control and
    bidi characters are written as escapes (``dispatcher.safetext.shown``)."""
    return shown(f"'{text}" if text.startswith(FORMULA_STARTS) else text)


def plan_csv(view: PlanView, engineer: EngineerData | None = None) -> str:
    """Every ticket of the plan: one row per assignment, in plan order, with the plan's
    own values (``status`` assigned); then the work done before a reschedule (status
    completed: engineer, start and end, no travel or risk); then each unassigned ticket
    (status unassigned, with its ``reason`` and ``detail``, its due times and the risk
    it carries unassigned). Text that comes from the scenario or the plan (ids, client,
    tier, priority, summary, detail) goes through ``spreadsheet_text``; times and
    numbers are written as they are.

    A crew job is one row, its lead in ``engineer`` (with the lead's travel) and the
    other members in ``crew`` (their travel in ``crew_travel_minutes``); with
    ``engineer`` given, the jobs that engineer is on are kept (crew jobs too) and
    unassigned tickets, which are nobody's, are left out."""
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    for assignment in view.plan.assignments:
        crew = assignment.crew or []
        members = {assignment.engineer, *(member.engineer for member in crew)}
        if engineer is not None and engineer.id not in members:
            continue
        ticket = view.ticket(assignment.ticket)
        writer.writerow(
            [
                spreadsheet_text(assignment.ticket),
                spreadsheet_text(ticket.client),
                spreadsheet_text(ticket.tier),
                spreadsheet_text(ticket.priority),
                spreadsheet_text(assignment.engineer),
                assignment.start.isoformat(),
                assignment.end.isoformat(),
                assignment.travel_minutes,
                assignment.response_due.isoformat(),
                assignment.resolution_due.isoformat(),
                repr(assignment.response_risk),
                repr(assignment.resolution_risk),
                spreadsheet_text(view.summary(ticket)),
                spreadsheet_text(CREW_SEPARATOR.join(member.engineer for member in crew)),
                CREW_SEPARATOR.join(str(member.travel_minutes) for member in crew),
                "assigned",
                "",
                "",
            ]
        )
    for job in view.jobs:
        if not job.completed:
            continue
        if engineer is not None and engineer.index not in {m.index for m in job.members}:
            continue
        partners = [seat.engineer.id for seat in job.partners]
        writer.writerow(
            [
                *_ticket_cells(job.ticket),
                spreadsheet_text(job.lead.id),
                view.local(job.start).isoformat(),
                view.local(job.end).isoformat(),
                "",
                *_due_cells(view, job.ticket),
                "",
                "",
                spreadsheet_text(view.summary(job.ticket)),
                spreadsheet_text(CREW_SEPARATOR.join(partners)),
                "",
                "completed",
                "",
                "",
            ]
        )
    for item in view.unassigned if engineer is None else []:
        writer.writerow(
            [
                *_ticket_cells(item.ticket),
                "",
                "",
                "",
                "",
                *_due_cells(view, item.ticket),
                repr(item.response_risk),
                repr(item.resolution_risk),
                spreadsheet_text(view.summary(item.ticket)),
                "",
                "",
                "unassigned",
                spreadsheet_text(item.reason),
                spreadsheet_text(item.detail),
            ]
        )
    return stream.getvalue()


def _ticket_cells(ticket: TicketData) -> list[str]:
    """ticket, client, tier, priority: text from the scenario, spreadsheet-safe."""
    return [
        spreadsheet_text(value)
        for value in (ticket.id, ticket.client, ticket.tier, ticket.priority)
    ]


def _due_cells(view: PlanView, ticket: TicketData) -> list[str]:
    """response_due, resolution_due of a ticket, as local ISO instants."""
    return [
        view.local(ticket.response_due).isoformat(),
        view.local(ticket.resolution_due).isoformat(),
    ]


def _write_calendars(
    view: PlanView, directory: Path, protected: Collection[Path] = ()
) -> list[Path]:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError.single(
            str(directory), f"cannot make this folder: {exc.strerror}"
        ) from None
    written = []
    names = calendar_file_names([engineer.id for engineer in view.problem.engineers])
    for engineer, name in zip(view.problem.engineers, names, strict=True):
        if view.jobs_of(engineer):
            path = directory / name
            write_atomic(path, engineer_calendar(view, engineer), protected)
            written.append(path)
    return written


def engineer_calendar(view: PlanView, engineer: EngineerData) -> str:
    """One engineer's jobs as an iCalendar file: one VEVENT per job, local times with TZID."""
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        name=shown(f"{engineer.name} - {view.plan.scenario.name}"),
        uid=event_uid(view.plan, engineer.id),
    )
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for job in view.jobs_of(engineer):
        calendar.add_component(_event(view, job, stamp))
    first, last = view.local(0).date(), view.local(view.problem.horizon_end).date()
    calendar.add_missing_timezones(
        first_date=first - dt.timedelta(days=366), last_date=last + dt.timedelta(days=366)
    )
    text: bytes = calendar.to_ical()
    return text.decode("utf-8")


def event_uid(plan: Plan, name: str) -> str:
    """Stable across re-plans of one scenario: a moved job updates its calendar entry."""
    return f"{plan.scenario.sha256[:16]}-{shown(name)}@msp-dispatch"


def _event(view: PlanView, job: JobView, stamp: dt.datetime) -> icalendar.Event:
    ticket = job.ticket
    summary = f"{ticket.id} {view.client_name(ticket)}: {view.summary(ticket)}"
    event = icalendar.Event.new(
        uid=event_uid(view.plan, ticket.id),
        stamp=stamp,
        start=view.local(job.start),
        end=view.local(job.end),
        summary=shown(("done: " if job.completed else "") + summary + _with_partners(job)),
        description=_event_description(view, job),
        location=shown(_event_location(view, job)),
        categories=[shown(ticket.tier), shown(ticket.priority)],
    )
    if ticket.onsite and ticket.site is not None:
        latitude, longitude = view.problem.travel.coordinates[ticket.site]
        event.add("geo", (latitude, longitude))
    return event


def _with_partners(job: JobView) -> str:
    """' (with alice, bob)' on a crew job's event title; '' on a solo job's."""
    if not job.crew:
        return ""
    return f" (with {', '.join(seat.engineer.id for seat in job.partners)})"


def _event_location(view: PlanView, job: JobView) -> str:
    ticket = job.ticket
    if not ticket.onsite or ticket.site is None:
        return "remote"
    site_id = view.problem.site_ids[ticket.site]
    address = view.problem.scenario.sites[site_id].address or site_id
    latitude, longitude = view.problem.travel.coordinates[ticket.site]
    return f"{view.client_name(ticket)}, {address} ({latitude}, {longitude})"


def _event_description(view: PlanView, job: JobView) -> str:
    ticket = job.ticket
    lines = [
        view.summary(ticket),
        f"{view.client_name(ticket)} - {ticket.tier} {ticket.priority}",
        f"response due {_when(view, ticket.response_due)}"
        + (" (responded)" if ticket.responded else ""),
        f"resolution due {_when(view, ticket.resolution_due)}",
    ]
    if job.crew:
        lines.append(f"{view.crew_text(job)}: one job together, in their joint shift time")
    if ticket.onsite:
        lines.append(f"travel {job.travel} min before the start")
    if job.completed:
        lines.append("completed")
    else:
        lines.append(
            f"risk: response {job.response_risk:.2f}, resolution {job.resolution_risk:.2f}"
        )
    return "\n".join(shown(line) for line in lines)  # text from the scenario made visible


def _when(view: PlanView, minute: int) -> str:
    """A due time in full local form: a calendar entry is read out of the plan's context."""
    return full_time(view.local(minute))
