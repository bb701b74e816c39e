"""The plan as a whole: made for this scenario (and so is its base), and every ticket of
the scenario in exactly one place (assignments, unassigned or completed).
"""

from __future__ import annotations

from collections import Counter

from dispatcher.checker.context import CheckContext
from dispatcher.checker.facts import rebased_from


def check_scenario(context: CheckContext) -> None:
    """scenario_mismatch: the plan and its base were made for this scenario."""
    sha256 = context.problem.sha256
    if context.plan.scenario.sha256 != sha256:
        context.flag(
            "scenario_mismatch",
            None,
            f"the plan was made for another scenario (sha256 "
            f"{context.plan.scenario.sha256[:12]}…, this scenario is {sha256[:12]}…)",
        )
    if (
        context.base is not None
        and context.base.scenario.sha256 != sha256
        and context.base.scenario.sha256 != rebased_from(context.plan)
    ):
        context.flag(
            "scenario_mismatch",
            None,
            f"the base plan was made for another scenario (sha256 "
            f"{context.base.scenario.sha256[:12]}…)",
        )


def check_accounting(context: CheckContext) -> dict[str, int]:
    """missing_ticket, duplicate_ticket, unknown_ticket: each ticket exactly once."""
    places: Counter[str] = Counter()
    first_assignment: dict[str, int] = {}  # returned: ticket -> its first assignment's index
    for index, assignment in enumerate(context.plan.assignments):
        places[assignment.ticket] += 1
        first_assignment.setdefault(assignment.ticket, index)
    places.update(entry.ticket for entry in context.plan.unassigned)
    places.update(entry.ticket for entry in context.plan.completed)
    for ticket_id in context.tickets:
        if places[ticket_id] == 0:
            context.flag(
                "missing_ticket",
                ticket_id,
                "the ticket is in none of assignments, unassigned or completed",
            )
        elif places[ticket_id] > 1:
            context.flag(
                "duplicate_ticket",
                ticket_id,
                f"the ticket appears {places[ticket_id]} times "
                "(across assignments, unassigned and completed); it must appear once",
            )
    for ticket_id in places:
        if ticket_id not in context.tickets:
            context.flag("unknown_ticket", ticket_id, "the plan names a ticket the scenario lacks")
    return first_assignment
