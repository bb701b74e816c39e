"""The facts the checker judges by: per ticket (client, tier, weight, effort, SLA due
times and clock), per engineer (shifts after any absence), each job walked through, and
what a reschedule block says happened. Also who may take a ticket, judged from these
facts alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dispatcher.checker.arithmetic import Shift
from dispatcher.checker.clock import SlaClock
from models.scenario import Client, Engineer, Ticket


@dataclass
class TicketFacts:
    """A ticket as the checker judges it (effort less any work done before a cut)."""

    ticket: Ticket
    client: Client
    tier: str
    weight: float
    site: str | None
    p50: int
    p90: int
    opened: int
    response_due: int
    resolution_due: int
    clock: SlaClock
    added: bool = False
    resumed: bool = False  # the rest of a cut job: its window or booking lay in the past
    cut_started: int | None = None  # a cut job: when its cut work started (the earliest)


@dataclass
class EngineerFacts:
    """An engineer and the shifts left after any unavailability."""

    engineer: Engineer
    shifts: list[Shift]  # after any unavailability (rescheduling)
    unavailable: bool = False


@dataclass
class Job:
    """One span of work on an engineer's day: an assignment, completed work or a cut part."""

    ticket: str
    engineer: str
    start: int
    end: int
    onsite: bool
    site: str | None
    history: bool  # completed work (or the cut part of a job): walked through, not judged
    needs_now: bool = False  # new or moved after a reschedule: nobody sets off before now
    assignment: int | None = None  # index in plan.assignments
    # The travel the plan reports for this engineer on it (the lead's travel_minutes, or a
    # crew member's own); None for completed work and cut parts
    reported_travel: int | None = None


@dataclass
class Reschedule:
    """What the plan's reschedule block (and its history) says happened."""

    now: int
    done: set[str] = field(default_factory=set)
    # ticket -> (UNTIL, the now of the reschedule that recorded it): it binds the job that
    # was running then, not a later re-planned rest of it
    overrun: dict[str, tuple[int, int]] = field(default_factory=dict)
    # (engineer, from, to, the now of the reschedule that recorded it)
    unavailable: list[tuple[str, int, int, int]] = field(default_factory=list)
    # ticket -> (engineer, S, T) per cut entry of this round: a crew job's cut lists every
    # member, so a ticket may have several
    cuts: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)
    # Cuts recorded by earlier reschedules (the block's 'history'): the ticket's effort
    # stays reduced and the worked part stays in the walk; they are not judged again.
    past_cuts: list[tuple[str, str, int, int]] = field(default_factory=list)
    added: list[Ticket] = field(default_factory=list)

    def all_cuts(self) -> list[tuple[str, str, int, int]]:
        """Every cut entry, earlier rounds' first: (ticket, engineer, start, end)."""
        current = [(ticket, *cut) for ticket, cuts in self.cuts.items() for cut in cuts]
        return [*self.past_cuts, *current]


def ineligibility_reasons(
    facts: TicketFacts, engineer: Engineer, *, as_lead: bool = True
) -> list[str]:
    """Why ``engineer`` cannot take the ticket (skills, on-site, assigned_to); [] = can.
    A crew member who is not the lead (``as_lead=False``) needs the skills and the
    on-site flag only: ``assigned_to`` names the lead (SPEC "Eligibility")."""
    ticket = facts.ticket
    reasons = []
    if as_lead and ticket.assigned_to is not None and ticket.assigned_to != engineer.id:
        reasons.append(f"the ticket is assigned to {ticket.assigned_to}")
    if ticket.onsite and not engineer.onsite:
        reasons.append("the ticket is on-site and the engineer works remotely only")
    for skill, level in ticket.skills.items():
        has = engineer.skills.get(skill, 0)
        if has < level:
            reasons.append(f"needs {skill}>={level}, has {skill}={has}")
    return reasons


def crew_of(entry: Any) -> list[tuple[str, int]]:
    """The members other than the lead (the plan's optional ``crew`` list) with their
    travel minutes, in the plan's order, as written (repeats included: the rules judge
    them). An item is a ``models.CrewMember`` (an assignment's), a dict
    {"engineer": ..., "travel_minutes": ...} or a bare engineer id (as a completed entry
    or ``previous`` may carry them); anything else is ignored."""
    members: list[tuple[str, int]] = []
    for item in getattr(entry, "crew", None) or []:
        if isinstance(item, str):
            members.append((item, 0))
            continue
        if isinstance(item, dict):
            engineer, travel = item.get("engineer"), item.get("travel_minutes", 0)
        else:
            engineer = getattr(item, "engineer", None)
            travel = getattr(item, "travel_minutes", 0)
        if isinstance(engineer, str):
            members.append((engineer, travel if isinstance(travel, int) else 0))
    return members


def members_of(entry: Any) -> list[str]:
    """The engineers of a job, lead first, each once (the lead's ``engineer`` and its
    ``crew`` list)."""
    members = [entry.engineer]
    for member, _ in crew_of(entry):
        if member not in members:
            members.append(member)
    return members


def rebase_record(plan: Any) -> dict[str, Any] | None:
    """A rebased plan's record of the export it was rebased onto (``reschedule.rebase``)."""
    block = getattr(plan, "reschedule", None) or {}
    record = block.get("rebase") if isinstance(block, dict) else None
    return record if isinstance(record, dict) else None


def rebased_from(plan: Any) -> str | None:
    """The sha256 of the scenario a rebased plan's base plan belongs to (None: no rebase)."""
    record = rebase_record(plan)
    base = record.get("base_scenario") if record else None
    sha = base.get("sha256") if isinstance(base, dict) else None
    return sha if isinstance(sha, str) else None
