"""The exact travel walk of one engineer's jobs (SPEC "Travel").

Each local calendar day starts at home; the location carries over between the
shifts of a day; an on-site job moves the engineer to its site, a remote job
leaves the location as it was, and a job continuing from an earlier shift
needs no travel.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.semantics.problem import EngineerData, Problem


@dataclass(frozen=True)
class WalkStep:
    ticket: int
    start: int
    end: int
    travel: int  # minutes counted for this job (0 for remote work)
    earliest: int  # ready + travel: the job may not start before this


def days_touched(engineer: EngineerData, start: int, end: int) -> set[int]:
    """Travel days of the shifts a job works in."""
    first = engineer.calendar.shift_of_start(start)
    last = engineer.calendar.shift_of_end(end)
    if first is None or last is None:
        return set()
    return {engineer.shift_days[i] for i in range(first, last + 1)}


def walk(
    problem: Problem,
    engineer: EngineerData,
    jobs: list[tuple[int, int, int]],
    not_before: dict[int, int] | None = None,
) -> list[WalkStep]:
    """Walk jobs (ticket, start, end), in start order, computing each one's travel.

    ``not_before`` gives, per ticket, an instant before which nobody may set
    off for it (rescheduling: the call did not exist yet).
    """
    calendar = engineer.calendar
    location_by_day: dict[int, int] = {}
    steps: list[WalkStep] = []
    previous_end: int | None = None
    for ticket_index, start, end in sorted(jobs, key=lambda job: job[1]):
        ticket = problem.tickets[ticket_index]
        shift = calendar.shift_of_start(start)
        travel = 0
        earliest = start
        if shift is not None:
            shift_start = calendar.starts[shift]
            ready = shift_start
            if previous_end is not None and calendar.shift_of_end(previous_end) == shift:
                ready = max(previous_end, shift_start)
            if not_before and ticket_index in not_before:
                ready = max(ready, not_before[ticket_index])
            if ticket.onsite and ticket.site is not None:
                day = engineer.shift_days[shift]
                location = location_by_day.get(day, engineer.home)
                travel = problem.travel(location, ticket.site) if location is not None else 0
            earliest = ready + travel
        steps.append(WalkStep(ticket_index, start, end, travel, earliest))
        if ticket.onsite and ticket.site is not None:
            for day in days_touched(engineer, start, end):
                location_by_day[day] = ticket.site
        previous_end = end
    return steps


def walk_engineer(
    problem: Problem, engineer: EngineerData, jobs: list[tuple[int, int, int]]
) -> list[tuple[int, int | None]]:
    """(ticket, travel minutes it lacks or None) per job: the travel rule checked."""
    return [
        (step.ticket, step.travel if step.start < step.earliest else None)
        for step in walk(problem, engineer, jobs)
    ]
