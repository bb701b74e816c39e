"""The facts built from the scenario before any rule runs: each engineer's shifts
(less a reschedule's absences), and each ticket's client, tier, weight, effort (less the
work done before a cut) and SLA due times, for the scenario's tickets and added ones.
"""

from __future__ import annotations

from dispatcher.checker.arithmetic import Shift, shifts_without
from dispatcher.checker.context import CheckContext
from dispatcher.checker.execution import joint_pieces
from dispatcher.checker.facts import EngineerFacts, TicketFacts
from models.scenario import Ticket


def build_engineer_facts(context: CheckContext) -> None:
    """Each engineer's shifts, less the absences a reschedule recorded (unknown_engineer)."""
    for engineer in context.scenario.engineers:
        shifts = sorted(
            (
                Shift(
                    context.time.minute(shift.start),
                    context.time.minute(shift.end),
                    context.time.utc(shift.start).astimezone(context.time.tz).date(),
                )
                for shift in engineer.shifts
            ),
            key=lambda shift: shift.start,
        )
        context.engineers[engineer.id] = EngineerFacts(engineer, shifts)
    if context.reschedule is None:
        return
    for engineer_id, start, end, since in context.reschedule.unavailable:
        facts = context.engineers.get(engineer_id)
        if facts is None:
            context.flag(
                "unknown_engineer",
                None,
                f"an unavailability names engineer '{engineer_id}', who is not in the scenario",
            )
            continue
        # Only work after now is affected: the past stays as it happened.
        facts.shifts = shifts_without(facts.shifts, max(start, since), end)
        facts.unavailable = True


def build_ticket_facts(context: CheckContext) -> None:
    """The facts of every ticket, added ones included; cut jobs keep only their rest."""
    for ticket in context.scenario.tickets:
        facts = _ticket_facts(context, ticket)
        if facts is not None:
            context.tickets[ticket.id] = facts
    for ticket in context.reschedule.added if context.reschedule else []:
        if ticket.id in context.tickets:
            context.flag("bad_added_ticket", ticket.id, "an added ticket reuses an existing id")
            continue
        facts = _ticket_facts(context, ticket)
        if facts is not None:
            facts.added = True
            context.tickets[ticket.id] = facts
    if context.reschedule is None:
        return
    # A crew job's cut lists every member with the same start and end: one piece of work,
    # whose shift minutes are the crew's joint shift minutes, taken off once.
    worked_by: dict[tuple[str, int, int], list[str]] = {}
    for ticket_id, engineer_id, start, end in context.reschedule.all_cuts():
        if ticket_id in context.tickets and engineer_id in context.engineers:
            members = worked_by.setdefault((ticket_id, start, end), [])
            if engineer_id not in members:
                members.append(engineer_id)
    for (ticket_id, start, end), members in worked_by.items():
        facts = context.tickets[ticket_id]
        facts.resumed = True
        if facts.cut_started is None or start < facts.cut_started:
            facts.cut_started = start
        # The rest of a cut job needs its effort less the shift minutes already worked.
        pieces = joint_pieces(
            [[(s.start, s.end) for s in context.engineers[m].shifts] for m in members]
        )
        worked = sum(max(0, min(b, end) - max(a, start)) for a, b in pieces)
        facts.p50 = max(1, facts.p50 - worked)
        facts.p90 = max(facts.p50, facts.p90 - worked)


def _ticket_facts(context: CheckContext, ticket: Ticket) -> TicketFacts | None:
    """A ticket's facts, or None when its client or priority is unknown (bad_added_ticket)."""
    client = context.clients.get(ticket.client)
    policy = context.scenario.sla_policies.get(client.sla) if client else None
    target = policy.targets.get(ticket.priority) if policy else None
    clock = context.clocks.get(policy.clock) if policy else None
    if client is None or policy is None or target is None or clock is None:
        context.flag(
            "bad_added_ticket",
            ticket.id,
            f"the ticket's client '{ticket.client}' or its priority '{ticket.priority}' "
            "is unknown to the scenario",
        )
        return None
    opened = context.time.minute(ticket.opened)
    response_due = (
        context.time.minute(ticket.response_due)
        if ticket.response_due is not None
        else clock.due(opened, target.response.minutes)
    )
    resolution_due = (
        context.time.minute(ticket.resolution_due)
        if ticket.resolution_due is not None
        else clock.due(opened, target.resolution.minutes)
    )
    weights = context.scenario.weights
    return TicketFacts(
        ticket=ticket,
        client=client,
        tier=policy.tier,
        weight=weights.tiers.get(policy.tier, 0.0) * weights.priorities.get(ticket.priority, 0.0),
        site=ticket.site or client.site,
        p50=ticket.effort.p50.minutes,
        p90=ticket.effort.p90.minutes,
        opened=opened,
        response_due=response_due,
        resolution_due=resolution_due,
        clock=clock,
    )
