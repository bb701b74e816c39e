"""Does a schedule keep every rule? The solver's own quick test, used to accept
neighbourhood moves and repaired plans (the independent checker judges the
final plan file; this is the solver's side and shares its arithmetic).
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from dispatcher.semantics.evaluate import Job
from dispatcher.semantics.problem import Problem
from dispatcher.semantics.shifts import pauses_overnight
from dispatcher.semantics.walk import walk


def broken_tickets(
    problem: Problem,
    jobs: list[Job],
    *,
    given: frozenset[int] = frozenset(),
    background: list[Job] | None = None,
    not_before: dict[int, int] | None = None,
) -> set[int]:
    """Tickets of ``jobs`` whose job breaks a rule (among them a job shorter than
    ``split_overnight_from`` that pauses overnight, SPEC "Work").

    ``given`` tickets (running work) are taken as they are: only overlaps are judged.
    ``background`` jobs (completed work, cut parts) take part in overlaps, the walk and
    the tier caps but are never blamed. ``not_before``: per ticket, nobody sets off before it.
    """
    broken: set[int] = set()
    for job in jobs:
        if job.ticket in given:
            continue
        ticket = problem.tickets[job.ticket]
        calendar = problem.calendar_of(job.members)
        latest = ticket.latest_start
        if (
            not _staffed(problem, job)
            or job.start < ticket.earliest_start
            or (latest is not None and job.start > latest)
            or job.start < (not_before or {}).get(job.ticket, job.start)
            or calendar.shift_of_start(job.start) is None
            or calendar.finish(
                job.start,
                ticket.p50,
                overnight=pauses_overnight(ticket.p50, problem.split_overnight_from),
            )
            != job.end
        ):
            broken.add(job.ticket)

    own = {(job.ticket, job.start) for job in jobs}
    by_engineer: dict[int, list[Job]] = defaultdict(list)
    everything = [*jobs, *(job for job in background or [] if job.end > job.start)]
    for job in everything:
        for member in job.members:
            by_engineer[member].append(job)
    for engineer_index, engineer_jobs in by_engineer.items():
        engineer_jobs.sort(key=lambda job: (job.start, job.end))
        for before, after in itertools.pairwise(engineer_jobs):
            if after.start < before.end:
                for job in (before, after):
                    if (job.ticket, job.start) in own:
                        broken.add(job.ticket)
        steps = walk(
            problem,
            problem.engineers[engineer_index],
            [(job.ticket, job.start, job.end) for job in engineer_jobs],
            not_before,
        )
        for step in steps:
            key = (step.ticket, step.start)
            if key in own and step.ticket not in given and step.start < step.earliest:
                broken.add(step.ticket)

    for tier, cap in problem.tier_caps.items():
        events = sorted(
            (moment, change, job.ticket, job.start)
            for job in everything
            if problem.tickets[job.ticket].tier == tier
            for moment, change in ((job.start, 1), (job.end, -1))
        )
        level = 0
        for _, change, ticket_index, start in events:
            level += change
            if change > 0 and level > cap and (ticket_index, start) in own:
                broken.add(ticket_index)
    return broken


def _staffed(problem: Problem, job: Job) -> bool:
    """Are the job's engineers allowed on it: a solo job's engineer eligible, a crew job's
    ``crew`` distinct members (SPEC "Crews", "Eligibility": every member has the skills
    and on-site flag, ``assigned_to`` names the lead)?"""
    ticket = problem.tickets[job.ticket]
    if ticket.crew == 1:
        return not job.crew and job.engineer in problem.eligible[job.ticket]
    members = job.members
    return (
        len(members) == ticket.crew
        and len(set(members)) == len(members)
        and job.engineer in problem.capable[job.ticket]
        and all(member in problem.crew_capable[job.ticket] for member in job.crew)
    )
