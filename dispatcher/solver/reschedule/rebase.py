"""Re-plan from a fresh export (``dispatch reschedule --rebase``): the base plan belongs
to the scenario it was made for (the morning export); the new plan belongs to the new
scenario (a re-import), tickets and engineers matched by id.

The base plan is first *translated* into a plan of the new scenario, then rescheduled as
usual (``replan.reschedule``):

- a ticket the new export lacks was closed in the PSA: work that had ended by now stays
  completed, a job running at now ends at now (a ``done`` event), and one only planned
  after now (or unassigned) leaves the plan. Completed work of a closed ticket stays in
  the plan (its site sets where its engineer is) carried, as the SPEC carries any ticket
  beyond the scenario, in ``reschedule.added_tickets``; when the new scenario cannot
  hold it (its client, site or policy is gone too) it leaves the plan;
- a ticket only the new export has is placed as an added one (``--add``);
- a ticket in both is planned with the new export's data; a job running at now keeps its
  engineers, start and end (SPEC "Rescheduling"). When its new data (effort) or its
  engineer's new shifts would end it elsewhere, that end is recorded as an ``overrun``
  event to its planned end (marked ``"rebase"``), the SPEC's way for a running job to
  end other than its effort says;
- an engineer the new export lacks is unavailable from now: their jobs of tickets still
  open are re-planned (each a reassignment; a running one with the export's effort,
  the work before now being theirs), and the new plan names them nowhere but in
  ``previous`` and the record.

Everything is recorded in the new plan's ``reschedule.rebase`` block (``RebaseRecord``):
the base scenario, every closed ticket and what became of it, the new and changed
tickets (naming the fields), the engineers gone and new. Nothing is dropped unrecorded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from dispatcher.errors import InputError
from dispatcher.io.identity import match_plan
from dispatcher.io.loader import compile_added_tickets
from dispatcher.io.planfile import plan_json
from dispatcher.io.yamlio import LineMap
from dispatcher.semantics.problem import Problem
from dispatcher.solver.reschedule.commandline import CommandLineClock
from dispatcher.solver.reschedule.events import Events, Overrun
from dispatcher.solver.reschedule.outcomes import (
    ChangedTicket,
    ClosedTicket,
    GoneEngineer,
    RebaseRecord,
)
from dispatcher.solver.reschedule.replan import reschedule
from dispatcher.solver.reschedule.results import RescheduleResult
from dispatcher.solver.reschedule.situation import Hints
from dispatcher.solver.solve import SolveOptions
from models import Assignment, Completed, Plan, Unassigned
from models.plan import ScenarioRef
from models.scenario import Ticket

REBASE_NOTE = "rebase: the running job keeps its planned end under the new export's data"


def _same_day(problem: Problem, base_problem: Problem, plan_name: str, events: Events) -> None:
    """A new export of the same day shares engineers and tickets with the old one; two
    unrelated days share neither, and a 'rebase' of one onto the other would close every
    ticket and replace the whole team: refused."""
    engineers = {e.id for e in problem.engineers} & {e.id for e in base_problem.engineers}
    tickets = {t.id for t in problem.tickets} & {t.id for t in base_problem.tickets}
    if engineers and tickets:
        return
    missing = " and ".join(
        what for what, shared in (("no engineer", engineers), ("no ticket", tickets)) if not shared
    )
    raise InputError.single(
        events.wording.source,
        f"{plan_name} shares {missing} with this scenario: it is a plan of another day, not "
        "an earlier export of this one (--rebase matches tickets and engineers by id)",
    )


def rebase(
    problem: Problem,
    base_problem: Problem,
    old: Plan,
    now: dt.datetime | str,
    events: Events | None = None,
    options: SolveOptions | None = None,
    *,
    plan_name: str = "<plan>",
    base_name: str = "the base scenario",
) -> RescheduleResult:
    """Re-plan ``old`` (a plan of ``base_problem``) from ``now`` as a plan of ``problem``
    (the new export), with ``events`` besides; see the module's text."""
    events = events or Events()
    match_plan(base_problem, old, plan_name, base_name)
    _same_day(problem, base_problem, plan_name, events)
    clock = CommandLineClock(problem, events.wording.source)
    at = problem.instant(clock.option(now, events.wording.option("now")))
    translation = _Translation(problem, base_problem, old, at, events)
    translated = translation.plan()
    events.done = [*events.done, *(t for t in translation.done if t not in events.done)]
    given = {o.ticket for o in events.overrun} | set(events.done)
    injected = [Overrun(t, until) for t, until in translation.keep_end.items() if t not in given]
    events.overrun = [*events.overrun, *injected]
    result = reschedule(
        problem,
        translated,
        now,
        events,
        options,
        plan_name=plan_name,
        hints=translation.hints(),
    )
    record = translation.record()
    block = dict(result.plan.reschedule or {})
    block["base_plan_sha256"] = record.base_plan_sha256
    block["history"] = translation.history()
    marked = {o.ticket for o in injected}
    block["events"] = [
        {**event, "rebase": REBASE_NOTE}
        if event.get("type") == "overrun" and event.get("ticket") in marked
        else event
        for event in block.get("events") or []
    ]
    block["rebase"] = record.model_dump(mode="json", exclude_none=True)
    result.plan = result.plan.model_copy(update={"reschedule": block})
    result.changes.rebase = record
    return result


def _members(entry: Any) -> list[str]:
    """A plan entry's engineers, lead first (a crew's list holds dicts or models)."""
    members = [entry.engineer]
    for item in getattr(entry, "crew", None) or []:
        name = item.get("engineer") if isinstance(item, dict) else getattr(item, "engineer", item)
        if isinstance(name, str) and name not in members:
            members.append(name)
    return members


def _fields(a: Ticket, b: Ticket) -> list[str]:
    """The top-level fields in which two versions of a ticket differ."""
    left, right = a.model_dump(mode="json"), b.model_dump(mode="json")
    return sorted(k for k in set(left) | set(right) if k != "id" and left.get(k) != right.get(k))


class _Translation:
    """The base plan read as a plan of the new scenario, and the record of what that took."""

    def __init__(
        self, problem: Problem, base_problem: Problem, old: Plan, now: dt.datetime, events: Events
    ) -> None:
        self.problem, self.base_problem, self.old, self.now = problem, base_problem, old, now
        self.source = events.wording.source
        block = old.reschedule or {}
        self.block = block
        morning = {t.id: t for t in base_problem.scenario.tickets}
        for i, item in enumerate(block.get("added_tickets") or []):
            try:
                ticket = Ticket.model_validate(item)
            except Exception:  # pydantic ValidationError: the plan is bad input
                raise InputError.single(
                    plan_name_of(events), "an added ticket is not valid", path=f"added_tickets[{i}]"
                ) from None
            morning.setdefault(ticket.id, ticket)
        self.morning = morning
        self.fresh = {t.id: t for t in problem.scenario.tickets}
        engineers_then = {e.id: e for e in base_problem.scenario.engineers}
        engineers_now = {e.id: e for e in problem.scenario.engineers}
        self.gone_engineers = [e for e in engineers_then if e not in engineers_now]
        self.shifts_changed = {
            e
            for e in engineers_then
            if e in engineers_now
            and [s.model_dump(mode="json") for s in engineers_then[e].shifts]
            != [s.model_dump(mode="json") for s in engineers_now[e].shifts]
        }
        self.new_engineers = [e for e in engineers_now if e not in engineers_then]
        self.changed = {
            t: _fields(morning[t], self.fresh[t])
            for t in self.fresh
            if t in morning and _fields(morning[t], self.fresh[t])
        }
        self.closed: list[ClosedTicket] = []
        self.carriers: list[dict[str, Any]] = []
        self.done: list[str] = []
        self.keep_end: dict[str, dt.datetime] = {}
        self.running_changed: set[str] = set()
        self.gone_previous: dict[str, tuple[str, dt.datetime, tuple[str, ...]]] = {}
        self.replanned: dict[str, list[str]] = {e: [] for e in self.gone_engineers}
        self.reopened: dict[str, list[str]] = {e: [] for e in self.gone_engineers}

    # -- the plan of the new scenario ---------------------------------------------

    def plan(self) -> Plan:
        assignments: list[Assignment] = []
        completed: list[Completed] = []
        unassigned: list[Unassigned] = []
        listed: set[str] = set()

        def left_open(ticket: str, detail: str) -> None:
            unassigned.append(Unassigned(ticket=ticket, reason="deferred", detail=detail))
            listed.add(ticket)

        for entry in self.old.completed:
            members = _members(entry)
            if entry.ticket not in self.fresh:
                if self._closed(entry, "completed", "completed", members):
                    completed.append(entry)
                    listed.add(entry.ticket)
            elif self._gone(members):
                self.reopened[self._gone(members)[0]].append(entry.ticket)
                left_open(entry.ticket, "reopened: its engineer left the export")
            else:
                completed.append(entry)
                listed.add(entry.ticket)
        for assignment in self.old.assignments:
            members = _members(assignment)
            state = self._state(assignment)
            ticket = assignment.ticket
            if ticket not in self.fresh:
                became = {"completed": "completed", "running": "cut_at_now"}.get(state, "dropped")
                if self._closed(assignment, state, became, members):
                    assignments.append(assignment)
                    listed.add(ticket)
                    if state == "running":
                        self.done.append(ticket)
                continue
            gone = self._gone(members)
            if gone and state == "completed":
                self.reopened[gone[0]].append(ticket)
                left_open(ticket, "reopened: its engineer left the export")
            elif gone:
                self.replanned[gone[0]].append(ticket)
                self.gone_previous[ticket] = (members[0], assignment.start, tuple(members[1:]))
                left_open(ticket, "its engineer left the export")
            else:
                assignments.append(assignment)
                listed.add(ticket)
                if state == "running" and (
                    ticket in self.changed or self.shifts_changed & set(members)
                ):
                    self.keep_end[ticket] = assignment.end
                    self.running_changed.add(ticket)
        for left in self.old.unassigned:
            if left.ticket not in self.fresh:
                self._closed(None, "unassigned", "dropped", [], left.ticket)
            elif left.ticket not in listed:
                unassigned.append(left)
                listed.add(left.ticket)
        for ticket in self.fresh:
            if ticket not in listed and ticket not in self.morning:
                left_open(ticket, "new in the export")
            elif ticket not in listed:
                raise InputError.single(
                    self.source,
                    f"ticket '{ticket}' is in the base scenario but in no part of the base plan",
                    path="--plan",
                )
        block: dict[str, Any] | None = None
        if self.block or self.carriers:
            block = {
                "now": self.block.get("now"),
                "added_tickets": self.carriers,
                "events": self._events(self.block.get("events") or []),
                "history": self._rounds(self.block.get("history") or []),
            }
        return self.old.model_copy(
            update={
                "scenario": ScenarioRef(name=self.problem.name, sha256=self.problem.sha256),
                "assignments": assignments,
                "completed": completed,
                "unassigned": unassigned,
                "reschedule": block,
            }
        )

    def _state(self, assignment: Assignment) -> str:
        if assignment.end <= self.now:
            return "completed"
        return "running" if assignment.start < self.now else "planned"

    def _gone(self, members: Iterable[str]) -> list[str]:
        return [m for m in members if m in self.gone_engineers]

    def _closed(
        self,
        entry: Assignment | Completed | None,
        was: str,
        became: str,
        members: list[str],
        ticket_id: str | None = None,
    ) -> bool:
        """Record a closed ticket; True when it stays in the plan (carried)."""
        ticket = entry.ticket if entry is not None else ticket_id
        assert ticket is not None
        note = None
        in_plan = False
        if became != "dropped":
            gone = self._gone(members)
            if gone:
                note = f"not kept in the plan: {', '.join(gone)} left the export"
            else:
                note = self._carry(ticket)
                in_plan = note is None
        end = self.now if became == "cut_at_now" else (entry.end if entry is not None else None)
        self.closed.append(
            ClosedTicket.model_validate(
                {
                    "ticket": ticket,
                    "was": was,
                    "became": became,
                    "engineer": members[0] if members else None,
                    "crew": members[1:],
                    "start": entry.start if entry is not None else None,
                    "end": end,
                    "in_plan": in_plan,
                    "note": note,
                }
            )
        )
        return in_plan

    def _carry(self, ticket: str) -> str | None:
        """Carry a closed ticket's data in added_tickets; None if it fits the new
        scenario, else why not."""
        model = self.morning.get(ticket)
        if model is None:
            return "not kept in the plan: its data is in neither the base scenario nor plan"
        try:
            compile_added_tickets(self.problem, [model], LineMap(), "<base>")
        except InputError as error:
            return f"not kept in the plan: the new scenario cannot hold it ({error.issues[0]})"
        self.carriers.append(model.model_dump(mode="json", exclude_none=True))
        return None

    # -- the base plan's reschedule history, as far as the new scenario holds it ------

    def _events(self, events: list[Any]) -> list[dict[str, Any]]:
        tickets = {*self.fresh, *(c["id"] for c in self.carriers)}
        kept: list[dict[str, Any]] = []
        for event in events:
            if not isinstance(event, dict):
                continue
            if event.get("type") != "unavailable":
                kept.append(event)
                continue
            if event.get("engineer") in self.gone_engineers:
                continue
            cuts = [c for c in event.get("cut") or [] if isinstance(c, dict)]
            lost = {
                c.get("ticket")
                for c in cuts
                if c.get("ticket") not in tickets
                or c.get("engineer", event.get("engineer")) in self.gone_engineers
            }
            kept.append({**event, "cut": [c for c in cuts if c.get("ticket") not in lost]})
        return kept

    def _rounds(self, rounds: list[Any]) -> list[dict[str, Any]]:
        return [
            {**r, "events": self._events(r.get("events") or [])}
            for r in rounds
            if isinstance(r, dict)
        ]

    def history(self) -> list[dict[str, Any]]:
        """The new plan's history: the base plan's rounds, as the new scenario holds them."""
        if not self.block:
            return []
        rounds = self._rounds(self.block.get("history") or [])
        last = {
            "now": self.block.get("now"),
            "events": self._events(self.block.get("events") or []),
        }
        if self.block.get("rebase"):
            last["rebase"] = self.block["rebase"]
        return [*rounds, last]

    # -- what the re-plan and the record are told ------------------------------------

    def hints(self) -> Hints:
        focus = {
            a.engineer
            for a in self.old.assignments
            if a.ticket in self.changed and a.engineer not in self.gone_engineers
        }
        return Hints(
            event_tickets=tuple(t for t in self.fresh if t not in self.morning),
            focus=tuple(sorted(focus | self.shifts_changed | set(self.new_engineers))),
            gone_previous=self.gone_previous,
        )

    def record(self) -> RebaseRecord:
        base = self.base_problem
        return RebaseRecord(
            base_scenario={"name": base.name, "sha256": base.sha256},
            base_plan_sha256=hashlib.sha256(plan_json(self.old).encode("utf-8")).hexdigest(),
            closed=sorted(self.closed, key=lambda c: c.ticket),
            new=sorted(t for t in self.fresh if t not in self.morning),
            changed=[
                ChangedTicket(ticket=t, fields=f, running=t in self.running_changed)
                for t, f in sorted(self.changed.items())
            ],
            engineers_gone=[
                GoneEngineer(
                    engineer=e, replanned=sorted(self.replanned[e]), reopened=self.reopened[e]
                )
                for e in self.gone_engineers
            ],
            engineers_new=self.new_engineers,
        )


def plan_name_of(events: Events) -> str:
    return events.wording.source
