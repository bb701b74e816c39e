"""Cross-checks of booked appointments (tickets with a ``fixed_start``).

Each must suit its engineer (skills, on-site), lie in the ticket's window and inside
one of the engineer's shifts; together they must not overlap, must leave room for
the travel between them, and must not run more jobs of a tier at once than its cap.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from dispatcher.io.yamlio import Path as FieldPath
from dispatcher.semantics.problem import Problem, TicketData, is_eligible
from dispatcher.semantics.walk import walk_engineer

# Reports an issue at a field path of the scenario file.
ReportIssue = Callable[[FieldPath, str], None]


def check_appointments(problem: Problem, error: ReportIssue) -> None:
    """Booked appointments (fixed_start) must all hold together; ``error`` reports each clash."""
    by_engineer: dict[int, list[tuple[int, int, TicketData]]] = {}
    for ticket in problem.tickets:
        if ticket.fixed_start is None or ticket.assigned_to is None:
            continue
        path = ("tickets", ticket.index, "fixed_start")
        engineer = problem.engineers[ticket.assigned_to]
        if not is_eligible(ticket, engineer):
            error(path, f"engineer '{engineer.id}' cannot take this ticket (skills or on-site)")
            continue
        start = ticket.fixed_start
        if ticket.window is not None and not ticket.window[0] <= start <= ticket.window[1]:
            error(path, "the fixed start is outside the ticket's window")
            continue
        shift = engineer.calendar.shift_of_start(start)
        finish = engineer.calendar.finish(start, ticket.p50) if shift is not None else None
        if shift is None or finish is None:
            error(
                path,
                f"the appointment is outside {engineer.id}'s shifts or runs past their last shift",
            )
            continue
        by_engineer.setdefault(engineer.index, []).append((start, finish, ticket))
    for engineer_index, jobs in by_engineer.items():
        engineer = problem.engineers[engineer_index]
        jobs.sort(key=lambda job: job[0])
        overlapping: set[int] = set()
        for (_, prev_end, prev), (start, _, ticket) in itertools.pairwise(jobs):
            if start < prev_end:
                overlapping.add(ticket.index)
                error(
                    ("tickets", ticket.index, "fixed_start"),
                    f"the appointment overlaps {prev.id} (both booked for {engineer.id})",
                )
        for job, travel_needed in walk_engineer(
            problem, engineer, [(t.index, s, f) for s, f, t in jobs]
        ):
            if travel_needed is not None and job not in overlapping:
                ticket = problem.tickets[job]
                error(
                    ("tickets", ticket.index, "fixed_start"),
                    "too close to the previous appointment "
                    f"for the {travel_needed} minutes of travel",
                )
    running: list[tuple[int, int, TicketData]] = [
        job for jobs in by_engineer.values() for job in jobs
    ]
    for tier, cap in problem.tier_caps.items():
        events = sorted(
            [(s, 1, t.id) for s, _, t in running if t.tier == tier]
            + [(f, -1, t.id) for _, f, t in running if t.tier == tier]
        )
        level = 0
        for _, delta, ticket_id in events:
            level += delta
            if level > cap:
                error(
                    ("tickets", problem.ticket_index[ticket_id], "fixed_start"),
                    f"more than {cap} booked {tier} jobs would run at once (policy.tier_caps)",
                )
                break
