"""Unassigned tickets: the reason given fits who could take the ticket, and neither a
booked appointment nor a must-assign ticket is deferred.
"""

from __future__ import annotations

from dispatcher.checker.context import CheckContext
from dispatcher.checker.facts import TicketFacts, ineligibility_reasons
from models import Unassigned


def check_unassigned(context: CheckContext) -> None:
    """Each unassigned ticket of the scenario: its reason, then its booking or must_assign."""
    for entry in context.plan.unassigned:
        facts = context.tickets.get(entry.ticket)
        if facts is None:
            continue
        check_unassigned_reason(context, entry, facts)
        check_not_dropped(context, entry, facts)


def check_unassigned_reason(context: CheckContext, entry: Unassigned, facts: TicketFacts) -> None:
    """unassigned_reason: no_eligible_engineer only when nobody may take it, deferred else."""
    someone = any(
        not ineligibility_reasons(facts, engineer.engineer)
        for engineer in context.engineers.values()
    )
    if entry.reason == "no_eligible_engineer" and someone:
        context.flag(
            "unassigned_reason",
            entry.ticket,
            "reason no_eligible_engineer, but an engineer has the skills, on-site flag "
            "and assignment it needs",
        )
    if entry.reason == "deferred" and not someone:
        context.flag(
            "unassigned_reason",
            entry.ticket,
            "reason deferred, but no engineer is eligible (no_eligible_engineer)",
        )


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
