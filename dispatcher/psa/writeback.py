"""A plan back to the PSA: the request bodies that create, update or delete the schedule
entries (ConnectWise), service calls (Autotask) or appointments (Halo) of the plan.

``visits`` lists who is where and when in a plan (a crew job is one visit per member);
``changes`` compares them with the bookings the PSA already has (from the link file the
import wrote) and, with a base plan, keeps only what changed since it. Each PSA's writer
turns the changes into its documented requests (method, path, JSON body); ``dispatch push``
sends them. Times go out in UTC, as every one of these APIs expects.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from dispatcher.errors import InputError
from dispatcher.semantics.problem import Problem
from models import Plan

Action = Literal["create", "update", "delete"]
REQUESTS_FORMAT = "dispatch-psa-requests/1"


@dataclass(frozen=True)
class Visit:
    """One engineer on one ticket in a plan, from start to end (aware, UTC)."""

    ticket: str
    engineer: str
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class Change:
    """One thing to do in the PSA. ``booking`` is the PSA's id of an existing entry
    (update, delete); a delete without one is found by ``ticket``, ``member`` and
    ``start`` (an entry a previous push created)."""

    action: Action
    ticket: str
    engineer: str
    member: str  # the PSA's id of the engineer
    login: str | None
    start: dt.datetime | None
    end: dt.datetime | None
    booking: str | None
    why: str
    summary: str = ""
    company: str | None = None  # the PSA's id of the ticket's company (from the link)


def utc_text(moment: dt.datetime) -> str:
    """2026-11-30T09:28:00Z: what the PSAs' APIs read."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def psa_number(text: str) -> int | str:
    """An id as the PSA's JSON has it: a number when it is one ("512034" -> 512034)."""
    return int(text) if text.isdigit() else text


def request_meta(change: Change) -> dict[str, Any]:
    """What every written request carries besides method, path and body."""
    return {
        "action": change.action,
        "ticket": change.ticket,
        "engineer": change.engineer,
        "why": change.why,
    }


def visits(problem: Problem, plan: Plan) -> list[Visit]:
    zone = problem.tz
    out = []
    for assignment in plan.assignments:
        start = _aware(assignment.start, zone)
        end = _aware(assignment.end, zone)
        members = [assignment.engineer] + [seat.engineer for seat in assignment.crew or []]
        out += [Visit(assignment.ticket, engineer, start, end) for engineer in members]
    return out


def _aware(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def read_link(path: Path) -> dict[str, Any]:
    from dispatcher.io.read import decode, read_bytes

    if not path.exists():
        raise InputError.single(
            str(path),
            "no link file: the PSA formats need the scenario to come from dispatch import, "
            "which writes this file beside it (or name it with --link)",
        )
    try:
        link = json.loads(decode(read_bytes(path, "link file"), str(path)))
    except json.JSONDecodeError as exc:
        raise InputError.single(str(path), f"not JSON: {exc.msg}", exc.lineno) from None
    if not isinstance(link, dict) or link.get("format") != "dispatch-psa-link/1":
        raise InputError.single(
            str(path), "not a link file written by dispatch import (format dispatch-psa-link/1)", 1
        )
    return link


def changes(
    problem: Problem, plan: Plan, link: dict[str, Any], base: Plan | None = None
) -> list[Change]:
    """What the PSA must do so that its bookings are the plan's visits."""
    engineers = link.get("engineers", {})
    companies = {
        ticket: str(entry["company"])
        for ticket, entry in link.get("tickets", {}).items()
        if isinstance(entry, dict) and entry.get("company") is not None
    }
    summaries = {t.id: t.summary or "" for t in problem.scenario.tickets}
    now_visits = visits(problem, plan)
    missing = sorted({v.engineer for v in now_visits if v.engineer not in engineers})
    if missing:
        raise InputError.single(
            "link file", f"engineer(s) {', '.join(missing[:5])} are not in the link: import again"
        )
    base_visits = set(visits(problem, base)) if base is not None else None
    bookings: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for ticket, entries in link.get("bookings", {}).items():
        for entry in entries:
            bookings.setdefault((ticket, str(entry["member"])), []).append(entry)
    planned = {a.ticket for a in plan.assignments} | {u.ticket for u in plan.unassigned}
    out: list[Change] = []
    kept: set[str] = set()
    for visit in now_visits:
        member = engineers[visit.engineer]
        psa_id, login = str(member["psa_id"]), member.get("login")
        found = bookings.get((visit.ticket, psa_id), [])
        entry = next((e for e in found if e["psa_id"] not in kept), None)
        if entry is not None:
            kept.add(entry["psa_id"])
        if base_visits is not None and visit in base_visits:
            continue  # as in the base plan: nothing to send
        summary = summaries.get(visit.ticket, "")
        if entry is None:
            out.append(
                Change(
                    "create",
                    visit.ticket,
                    visit.engineer,
                    psa_id,
                    login,
                    visit.start,
                    visit.end,
                    None,
                    "newly planned",
                    summary,
                )
            )
        elif (
            dt.datetime.fromisoformat(entry["start"]),
            dt.datetime.fromisoformat(entry["end"]),
        ) != (
            visit.start,
            visit.end,
        ):
            out.append(
                Change(
                    "update",
                    visit.ticket,
                    visit.engineer,
                    psa_id,
                    login,
                    visit.start,
                    visit.end,
                    str(entry["psa_id"]),
                    "moved",
                    summary,
                )
            )
    by_member = {str(m["psa_id"]): (eid, m.get("login")) for eid, m in engineers.items()}
    for (ticket, member), entries in sorted(bookings.items()):
        if ticket not in planned:
            continue  # completed, or not in this plan: left as it is
        for entry in entries:
            if entry["psa_id"] in kept:
                continue
            eid, login = by_member.get(member, (member, None))
            out.append(
                Change(
                    "delete",
                    ticket,
                    eid,
                    member,
                    login,
                    None,
                    None,
                    str(entry["psa_id"]),
                    "no longer planned for this engineer",
                    summaries.get(ticket, ""),
                )
            )
    if base is not None:
        out += _dropped_since(
            problem, set(now_visits), planned, base, engineers, bookings, summaries
        )
    return [replace(change, company=companies.get(change.ticket)) for change in out]


def _dropped_since(
    problem: Problem,
    now: set[Visit],
    planned: set[str],
    base: Plan,
    engineers: dict[str, Any],
    bookings: dict[tuple[str, str], list[dict[str, Any]]],
    summaries: dict[str, str],
) -> list[Change]:
    """Visits of the base plan that are gone from ``now`` (another engineer, another time,
    unassigned) for tickets still ``planned``, and that the PSA did not have before the
    import: entries a push of the base created, found by ticket, member and start."""
    out = []
    for visit in visits(problem, base):
        if visit in now or visit.engineer not in engineers or visit.ticket not in planned:
            continue  # kept; or done, closed in the PSA: its entry is the record of the work
        member = engineers[visit.engineer]
        psa_id = str(member["psa_id"])
        if bookings.get((visit.ticket, psa_id)):
            continue  # an entry the PSA had: updated or deleted above
        out.append(
            Change(
                "delete",
                visit.ticket,
                visit.engineer,
                psa_id,
                member.get("login"),
                visit.start,
                visit.end,
                None,
                "changed since the base plan",
                summaries.get(visit.ticket, ""),
            )
        )
    return out


Writer = Callable[[Sequence[Change]], list[dict[str, Any]]]


def writers() -> dict[str, Writer]:
    """Each PSA's writer of requests (imported when asked for)."""
    from dispatcher.psa import autotask_write, connectwise_write, halo_write

    return {
        "connectwise": connectwise_write.requests,
        "autotask": autotask_write.requests,
        "halo": halo_write.requests,
    }


def requests_document(
    psa: str, plan_name: str, base_name: str | None, requests: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "format": REQUESTS_FORMAT,
        "psa": psa,
        "plan": plan_name,
        "base": base_name,
        "requests": requests,
    }


def export_requests(
    problem: Problem,
    plan: Plan,
    psa: str,
    output: Path,
    link_file: Path,
    base: tuple[Plan, str] | None,
    plan_name: str,
    protected: Sequence[Path] = (),
) -> int:
    """Write the PSA's requests for a plan (whole or not at all); how many there are."""
    from dispatcher.io.planfile import write_atomic

    link = read_link(link_file)
    if link.get("psa") != psa:
        raise InputError.single(
            str(link_file), f"this link file is from {link.get('psa')}, not {psa}", 1, "psa"
        )
    found = changes(problem, plan, link, base[0] if base is not None else None)
    document = requests_document(psa, plan_name, base[1] if base else None, writers()[psa](found))
    write_atomic(output, json.dumps(document, indent=2) + "\n", protected)
    return len(document["requests"])
