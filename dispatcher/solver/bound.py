"""A lower bound on the exact objective that holds at any size: each ticket alone.

Every part of a ticket's cost (SLA risk, lateness, travel, preference) only grows
with its start on a given engineer, so no plan can give a ticket less than the
cheapest of: leaving it unassigned, or starting it on some eligible engineer at
the earliest instant the rules allow with nobody else around (shift start plus
the shortest way in from anywhere the engineer could be). Summed over tickets,
this ignores every interaction (one job at a time, tier caps, real travel), so
it is weak when the day is crowded, but it is a proven bound on
``objective.total`` and it costs one pass over the (ticket, engineer) pairs.
"""

from __future__ import annotations

from dispatcher.semantics.evaluate import unassigned_cost
from dispatcher.semantics.problem import Problem, TicketData
from dispatcher.solver.construct import ticket_cost
from dispatcher.solver.model import ModelBuilder

SAFETY = 1e-9  # relative: float sums may round either way


def least_costs(problem: Problem) -> list[float]:
    """Per ticket (by index), the least it could cost in any plan."""
    shortest = ModelBuilder(problem, "lower")  # its travel_buffer: the shortest way in
    return [_least(problem, ticket, shortest) for ticket in problem.tickets]


def relaxation_bound(problem: Problem, least: list[float] | None = None) -> float:
    """Sum over tickets of the least each could cost in any plan (``least``: those
    costs, if already known)."""
    total = sum(least_costs(problem) if least is None else least)
    return total * (1 - SAFETY) if total > 0 else total


def _least(problem: Problem, ticket: TicketData, shortest: ModelBuilder) -> float:
    best = unassigned_cost(problem, ticket)
    latest = ticket.latest_start
    for engineer_index in problem.eligible[ticket.index]:
        engineer = problem.engineers[engineer_index]
        calendar = engineer.calendar
        travel = shortest.travel_buffer(ticket, engineer)
        for shift_start, shift_end in calendar.shifts:
            start = max(ticket.earliest_start, shift_start + travel)
            if start >= shift_end:
                continue
            if latest is not None and start > latest:
                break
            end = calendar.finish(start, ticket.p50)
            if end is not None:
                best = min(best, ticket_cost(problem, ticket, engineer, start, end, travel))
            break  # a later start costs no less on this engineer
    return best


__all__ = ["least_costs", "relaxation_bound"]
