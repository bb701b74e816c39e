"""One engineer's day: no two jobs at once, and the SPEC's travel walk (each day from
home, the location carried between shifts of a day), which also gives the travel
minutes each assignment reports and the objective counts. A crew job is on the day of
every member: each walks their own day, and each member's travel counts.
"""

from __future__ import annotations

import datetime as dt

from dispatcher.checker.arithmetic import shift_of_start
from dispatcher.checker.context import CheckContext
from dispatcher.checker.facts import EngineerFacts, Job


def jobs_by_engineer(context: CheckContext) -> dict[str, list[Job]]:
    """The jobs walked through, per engineer, engineers in order of their first job."""
    jobs_of: dict[str, list[Job]] = {}
    for job in context.jobs:
        jobs_of.setdefault(job.engineer, []).append(job)
    return jobs_of


def check_overlaps(context: CheckContext, jobs: list[Job]) -> None:
    """overlap: an engineer does one job at a time."""
    latest: Job | None = None
    for job in sorted(jobs, key=lambda job: (job.start, job.end)):
        if latest is not None and job.start < latest.end:
            context.flag(
                "overlap",
                job.ticket,
                f"{job.engineer} starts it {context.time.text(job.start)} while still on "
                f"{latest.ticket} (until {context.time.text(latest.end)}); one job at a time",
            )
        if latest is None or job.end > latest.end:
            latest = job


def walk_travel(context: CheckContext, engineer: EngineerFacts, jobs: list[Job]) -> None:
    """The SPEC's travel walk: each day from home, location carried between shifts."""
    home = engineer.engineer.home
    location_by_day: dict[dt.date, str | None] = {}
    previous_end: int | None = None
    now = context.reschedule.now if context.reschedule else None
    for job in sorted(jobs, key=lambda job: (job.start, job.end)):
        shift = shift_of_start(engineer.shifts, job.start)
        day = shift.day if shift is not None else context.time.local_date(job.start)
        travel = 0
        here = location_by_day.get(day, home)
        if job.onsite and job.site is not None and here is not None:
            travel = context.travel.minutes(here, job.site)
        overlapping = previous_end is not None and job.start < previous_end  # flagged apart
        if job.onsite and not job.history and shift is not None and not overlapping:
            ready = shift.start
            if previous_end is not None and shift.start < previous_end <= shift.end:
                ready = previous_end
            if job.needs_now and now is not None:
                ready = max(ready, now)
            check_travel_time(context, job, ready, travel, here)
        if job.assignment is not None:
            check_travel_minutes(context, job, job.assignment, travel)
        if job.onsite and job.site is not None:
            for worked in engineer.shifts:
                if worked.start < job.end and job.start < worked.end:
                    location_by_day[worked.day] = job.site
        previous_end = job.end


def check_travel_time(
    context: CheckContext, job: Job, ready: int, travel: int, here: str | None
) -> None:
    """travel: an on-site job starts no sooner than its engineer can be ready and get there."""
    t = context.time
    if job.start < ready + travel:
        context.flag(
            "travel",
            job.ticket,
            f"{job.engineer} can be ready at {t.text(ready)} and needs "
            f"{travel} minutes from {here} to {job.site}, so cannot start before "
            f"{t.text(ready + travel)}; the plan starts it {t.text(job.start)}",
        )


def check_travel_minutes(context: CheckContext, job: Job, index: int, travel: int) -> None:
    """travel_minutes: an assignment reports the travel the walk gives, for its lead in
    travel_minutes and for each other crew member in its crew list (kept for the KPIs:
    an assignment's travel is that of all its members)."""
    context.travel_of_assignment[index] = context.travel_of_assignment.get(index, 0) + travel
    reported = job.reported_travel
    if reported != travel:
        lead = context.plan.assignments[index].engineer == job.engineer
        whose = "" if lead else f" for crew member {job.engineer}"
        context.flag(
            "travel_minutes",
            job.ticket,
            f"reports {reported} travel minutes{whose}; the walk gives {travel}",
        )
