"""Unassigned tickets: the reason given fits who could take the ticket on an empty
schedule, and neither a booked appointment nor a must-assign ticket is deferred.

The reason is judged as the SPEC's "Unassigned reasons" says: each eligible engineer, or
each set of ``crew`` engineers with the skills and on-site flag it needs and an eligible
lead (its ``assigned_to``, when it names one), alone with the ticket, each member leaving
home at a shift start (in a reschedule from now on, and an engineer with a running job
only from its end, at its site for the rest of the local day it ends on when it is on
site). A set can start it at S when S lies in the set's joint shift time, inside its
window or at its fixed start, not before it was opened, and S >= ready + travel from
home for every member (ready: the start of the member's own shift that holds S); it can
finish it when its p50 minutes of joint shift time from that S end by the horizon end
(a job shorter than ``split_overnight_from`` without pausing overnight).

Crew sets are enumerated as combinations, at most ``MAX_CREW_SETS`` of them for one
ticket: past that (only big crews among many engineers) a set that fits still proves
``deferred``, but a reason that only the sets not tried could refute is accepted.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations, pairwise

from dispatcher.checker.arithmetic import Shift, shift_of_start
from dispatcher.checker.context import CheckContext
from dispatcher.checker.execution import joint_pieces, pauses_overnight, work_through
from dispatcher.checker.facts import EngineerFacts, TicketFacts, ineligibility_reasons, members_of
from models import Unassigned

MAX_CREW_SETS = 2000  # crew sets tried per unassigned ticket (crew <= 4)

Held = dict[str, tuple[int, int, str | None]]  # engineer -> running job's end, day, site


def check_unassigned(context: CheckContext) -> None:
    """Each unassigned ticket of the scenario: its reason, then its booking or must_assign."""
    for entry in context.plan.unassigned:
        facts = context.tickets.get(entry.ticket)
        if facts is None:
            continue
        check_unassigned_reason(context, entry, facts)
        check_not_dropped(context, entry, facts)


def check_unassigned_reason(context: CheckContext, entry: Unassigned, facts: TicketFacts) -> None:
    """unassigned_reason: the reason is the one an empty schedule gives (SPEC "Unassigned
    reasons"): no_eligible_engineer when fewer engineers than its crew have the skills and
    on-site flag it needs, or its assigned_to engineer lacks them; else window_unreachable
    when no engineer (no crew set) can start it where it must start; else no_capacity when
    none can finish it before the horizon ends; else deferred."""
    crew = facts.ticket.crew
    able = [
        engineer
        for engineer in context.engineers.values()
        if not ineligibility_reasons(facts, engineer.engineer, as_lead=False)
    ]
    lead = facts.ticket.assigned_to
    if len(able) < crew or (lead is not None and lead not in {e.engineer.id for e in able}):
        if entry.reason != "no_eligible_engineer":
            who = f"its crew of {crew}" if crew > 1 else "it"
            context.flag(
                "unassigned_reason",
                entry.ticket,
                f"reason {entry.reason}, but too few engineers have the skills and on-site "
                f"flag {who} needs, or its assigned_to engineer lacks them "
                "(no_eligible_engineer)",
            )
        return
    if entry.reason == "no_eligible_engineer":
        context.flag(
            "unassigned_reason",
            entry.ticket,
            f"reason no_eligible_engineer, but {'a crew of ' + str(crew) if crew > 1 else 'an'} "
            "engineer(s) with the skills, on-site flag and assignment it needs exist",
        )
        return
    possible = possible_reasons(context, facts, able)
    if entry.reason not in possible:
        context.flag(
            "unassigned_reason",
            entry.ticket,
            f"reason {entry.reason}, but on an empty schedule it is "
            f"{' or '.join(sorted(possible))}{_whom(crew)}",
        )


def _whom(crew: int) -> str:
    return f" (judged over every set of {crew} eligible engineers)" if crew > 1 else ""


def crew_sets(facts: TicketFacts, able: list[EngineerFacts]) -> Iterator[list[EngineerFacts]]:
    """Every set of ``crew`` engineers from ``able`` with an eligible lead (the assigned_to
    engineer in it, when the ticket names one), the lead first."""
    crew, lead_id = facts.ticket.crew, facts.ticket.assigned_to
    if lead_id is None:
        for chosen in combinations(able, crew):
            yield list(chosen)
        return
    lead = next(engineer for engineer in able if engineer.engineer.id == lead_id)
    others = [engineer for engineer in able if engineer is not lead]
    for chosen in combinations(others, crew - 1):
        yield [lead, *chosen]


def possible_reasons(
    context: CheckContext, facts: TicketFacts, able: list[EngineerFacts]
) -> set[str]:
    """The reasons an empty schedule allows (one, unless the sets tried ran out)."""
    started, held = False, _free_from(context)
    for tried, members in enumerate(crew_sets(facts, able)):
        if tried >= MAX_CREW_SETS:
            return (
                {"no_capacity", "deferred"}
                if started
                else {
                    "window_unreachable",
                    "no_capacity",
                    "deferred",
                }
            )
        can_start, can_finish = _alone_with_it(context, facts, members, held)
        if can_finish:
            return {"deferred"}
        started = started or can_start
    return {"no_capacity"} if started else {"window_unreachable"}


def _free_from(context: CheckContext) -> Held:
    """In a reschedule, each engineer with a running job: (its end, the travel day it ends
    on, its site when it is on site)."""
    held: Held = {}
    if context.reschedule is None:
        return held
    t = context.time
    for assignment in context.plan.assignments:
        facts = context.tickets.get(assignment.ticket)
        start, end = t.minute(assignment.start), t.minute(assignment.end)
        if facts is None or not context.is_running(assignment.ticket, assignment.engineer, start):
            continue
        site = facts.site if facts.ticket.onsite else None
        for member in members_of(assignment):
            if member in context.engineers and (member not in held or held[member][0] < end):
                held[member] = (end, t.local_date(end).toordinal(), site)
    return held


def _alone_with_it(
    context: CheckContext, facts: TicketFacts, members: list[EngineerFacts], held: Held
) -> tuple[bool, bool]:
    """(the set can start the ticket, the set can finish it) on an empty schedule."""
    t, ticket, rs = context.time, facts.ticket, context.reschedule
    floor = facts.opened if rs is None else max(facts.opened, rs.now)
    latest = t.end - 1
    fixed: int | None = None
    if ticket.window is not None and not facts.resumed:
        floor = max(floor, t.minute(ticket.window.start))
        latest = min(latest, t.minute(ticket.window.end))
    if ticket.fixed_start is not None and not facts.resumed:
        fixed = t.minute(ticket.fixed_start)
    shifts = [[s for s in m.shifts if s.start < t.end] for m in members]
    pieces = joint_pieces([[(s.start, min(s.end, t.end)) for s in own] for own in shifts])
    short = facts.p50 < context.scenario.policy.split_overnight_from.minutes
    bounds = sorted({x for own in shifts for s in own for x in (s.start, min(s.end, t.end))})
    can_start = False
    for low, high in pairwise(bounds):
        holding = [shift_of_start(own, low) for own in shifts]
        if any(shift is None for shift in holding):
            continue  # not joint shift time
        earliest = max(
            low,
            floor,
            *(
                _ready(context, facts, m, shift, held)
                for m, shift in zip(members, holding, strict=True)
                if shift is not None
            ),
        )
        start = earliest if fixed is None else fixed
        if not earliest <= start < high or start > latest:
            continue
        can_start = True
        end, left = work_through(pieces, start, facts.p50)
        if left == 0 and end <= t.end and not (short and pauses_overnight(pieces, start, end)):
            return True, True
    return can_start, False


def _ready(
    context: CheckContext,
    facts: TicketFacts,
    member: EngineerFacts,
    shift: Shift,
    held: Held,
) -> int:
    """The earliest S the member allows in ``shift``: ready plus travel to the site."""
    ready, here = shift.start, member.engineer.home
    running = held.get(member.engineer.id)
    if running is not None:
        end, day, site = running
        ready = max(ready, end)
        if site is not None and day == shift.day.toordinal():
            here = site
    if context.reschedule is not None:
        ready = max(ready, context.reschedule.now)
    travel = 0
    if facts.ticket.onsite and facts.site is not None and here is not None:
        travel = context.travel.minutes(here, facts.site)
    return ready + travel


def check_not_dropped(context: CheckContext, entry: Unassigned, facts: TicketFacts) -> None:
    """fixed_start, must_assign: a booking is dropped only by a reschedule, never deferred."""
    ticket = facts.ticket
    if ticket.fixed_start is not None and (
        context.reschedule is None or entry.reason == "deferred"
    ):
        # The loader proved every booking can hold; only events of a reschedule
        # (an unavailable engineer, say) can excuse dropping one.
        context.flag(
            "fixed_start",
            entry.ticket,
            f"a booked appointment (fixed_start) is left unassigned ({entry.reason})",
        )
    elif entry.reason == "deferred" and ticket.must_assign:
        context.flag(
            "must_assign",
            entry.ticket,
            "the ticket is must_assign but left unassigned as deferred",
        )
