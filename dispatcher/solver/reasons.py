"""Why a ticket is unassigned, judged on an empty schedule (SPEC "Unassigned reasons")."""

from __future__ import annotations

import copy
import itertools
from collections import defaultdict

from dispatcher.semantics.evaluate import unassigned_cost
from dispatcher.semantics.problem import EngineerData, Problem, TicketData
from dispatcher.semantics.shifts import pauses_overnight
from dispatcher.solver.construct import Schedule, TierLoad, cheapest_slot


def _hours(minutes: int) -> str:
    hours = minutes / 60
    return f"{hours:.0f} h" if hours == int(hours) else f"{hours:.1f} h"


def _duration(minutes: int) -> str:
    """Minutes under an hour as minutes, longer ones in hours."""
    return f"{minutes} min" if minutes < 60 else _hours(minutes)


def _missing_requirements(problem: Problem, ticket: TicketData) -> str:
    needs = []
    for skill, level in sorted(ticket.skills.items()):
        if not any(e.skills.get(skill, 0) >= level for e in problem.engineers):
            best = max((e.skills.get(skill, 0) for e in problem.engineers), default=0)
            have = f"the best level is {best}" if best else "nobody has it"
            needs.append(f"needs {skill}>={level}; {have}")
    if ticket.assigned_to is not None:
        engineer = problem.engineers[ticket.assigned_to]
        lacks = [
            f"{s}>={lvl}"
            for s, lvl in sorted(ticket.skills.items())
            if engineer.skills.get(s, 0) < lvl
        ]
        if ticket.onsite and not engineer.onsite:
            lacks.append("on-site work")
        if lacks:
            needs.append(f"assigned to {engineer.id}, who lacks {', '.join(lacks)}")
    if ticket.onsite and not needs:
        needs.append("on-site visit; no engineer with its skills works on site")
    if not needs:
        needs.append(
            "no single engineer has all of "
            + ", ".join(f"{s}>={lvl}" for s, lvl in sorted(ticket.skills.items()))
        )
    return "; ".join(needs)


def _can_start(
    problem: Problem, ticket: TicketData, engineer: EngineerData, not_before: int
) -> list[int]:
    """Starts possible on an empty schedule: the earliest start in each shift."""
    calendar = engineer.calendar
    starts = []
    latest = ticket.latest_start
    for shift_start, shift_end in calendar.shifts:
        travel = 0
        if ticket.onsite and ticket.site is not None and engineer.home is not None:
            travel = problem.travel(engineer.home, ticket.site)
        start = max(max(shift_start, not_before) + travel, ticket.earliest_start)
        if start >= shift_end or (latest is not None and start > latest):
            continue
        if ticket.fixed_start is not None and start != ticket.fixed_start:
            if not shift_start + travel <= ticket.fixed_start < shift_end:
                continue
            start = ticket.fixed_start
        starts.append(start)
    return starts


def unassigned_reason(problem: Problem, ticket: TicketData, not_before: int = 0) -> tuple[str, str]:
    """(reason, detail) for a ticket the plan leaves unassigned.

    ``not_before`` (rescheduling): nobody sets off for it before then.
    """
    if ticket.crew > 1:
        return _crew_reason(problem, ticket, not_before)
    eligible = problem.eligible[ticket.index]
    if not eligible:
        return "no_eligible_engineer", _missing_requirements(problem, ticket)
    # Engineers with the same shifts (and home, for on-site work) can start it alike.
    known: dict[tuple[object, ...], list[int]] = {}
    can_start: dict[int, list[int]] = {}
    overnight = pauses_overnight(ticket.p50, problem.split_overnight_from)
    for e in eligible:
        engineer = problem.engineers[e]
        key = (engineer.calendar.shifts, engineer.home if ticket.onsite else None)
        if key not in known:
            starts = known[key] = _can_start(problem, ticket, engineer, not_before)
            calendar = engineer.calendar
            if any(calendar.finish(s, ticket.p50, overnight=overnight) is not None for s in starts):
                # The first engineer it fits on settles it (a big day has hundreds to judge;
                # those with the same shifts and home fit alike).
                return (
                    "deferred",
                    "it would fit, but weightier work took the time of its eligible engineers",
                )
        can_start[e] = known[key]
    if not any(can_start.values()):
        if ticket.fixed_start is not None:
            where = f"its fixed start {problem.instant(ticket.fixed_start):%a %H:%M}"
        elif ticket.window is not None:
            low, high = ticket.window
            where = f"its window {problem.instant(low):%a %H:%M}-{problem.instant(high):%a %H:%M}"
        else:
            where = "the horizon" if not not_before else "the rest of the horizon"
        names = ", ".join(problem.engineers[e].id for e in eligible[:5])
        return (
            "window_unreachable",
            f"no eligible engineer ({names}) is on shift, with travel, in {where}",
        )
    if not overnight and any(
        problem.engineers[e].calendar.finish(s, ticket.p50) is not None
        for e, starts in can_start.items()
        for s in starts
    ):  # it fits only by pausing overnight, which a short job does not
        return "no_capacity", _no_night_capacity(problem, ticket, can_start, not_before)
    most = max(
        problem.engineers[e].calendar.minutes_between(min(s), problem.horizon_end)
        for e, s in can_start.items()
        if s
    )
    return (
        "no_capacity",
        f"needs {_hours(ticket.p50)} of shift time, the horizon has {_hours(most)}"
        + (" left" if not_before else ""),
    )


CREW_SETS = 20_000  # crew sets judged at most for one ticket's reason


def _crew_reason(problem: Problem, ticket: TicketData, not_before: int) -> tuple[str, str]:
    """A crew job's reason (SPEC "Unassigned reasons"): each set of ``crew`` engineers
    with what it needs and an eligible lead, alone with the ticket, each member leaving
    home at their shift start (in a reschedule, not before ``not_before``)."""
    needs = ", ".join(f"{skill}>={level}" for skill, level in sorted(ticket.skills.items()))
    what = f" with {needs}" if needs else ""
    where = " on site" if ticket.onsite else ""
    able = problem.crew_capable[ticket.index]
    leads = set(problem.capable[ticket.index])
    names = ", ".join(problem.engineers[e].id for e in able[:5]) + (" ..." if len(able) > 5 else "")
    if len(able) < ticket.crew or not leads:
        has = f"only {names} {'has' if len(able) == 1 else 'have'} it" if able else "nobody has it"
        if ticket.assigned_to is not None and not leads:
            has = f"its lead {problem.engineers[ticket.assigned_to].id} lacks it"
        return (
            "no_eligible_engineer",
            f"needs {ticket.crew} engineers{what}{where} together; {has}",
        )
    overnight = pauses_overnight(ticket.p50, problem.split_overnight_from)
    started = False
    longest = 0
    for count, members in enumerate(itertools.combinations(able, ticket.crew)):
        if count >= CREW_SETS:
            break
        if leads.isdisjoint(members):
            continue
        calendar = problem.calendar_of(members)
        for start in _crew_starts(problem, ticket, members, not_before):
            started = True
            if calendar.finish(start, ticket.p50, overnight=overnight) is not None:
                return (
                    "deferred",
                    f"needs {ticket.crew} engineers{what}{where} together; "
                    "it would fit, but their time went to weightier work",
                )
            longest = max(longest, calendar.minutes_between(start, problem.horizon_end))
    if not started:
        return (
            "window_unreachable",
            f"needs {ticket.crew} engineers{what}{where} together; no such crew ({names}) "
            "is on shift together, with travel, where it must start",
        )
    return (
        "no_capacity",
        f"needs {ticket.crew} engineers{what}{where} together for {_hours(ticket.p50)} of "
        f"their joint shift time"
        + ("" if overnight else " without pausing overnight")
        + f"; the most any such crew has is {_hours(longest)}",
    )


def _crew_starts(
    problem: Problem, ticket: TicketData, members: tuple[int, ...], not_before: int
) -> list[int]:
    """Starts possible for a crew on an empty schedule: the earliest in each piece of their
    joint shift time, each member ready at their own shift's start (not before
    ``not_before``) and travelling from home."""
    calendar = problem.calendar_of(members)
    latest = ticket.latest_start
    starts = []
    for low, high in calendar.shifts:
        start = max(low, ticket.earliest_start)
        for member in members:
            engineer = problem.engineers[member]
            shift = engineer.calendar.shift_of_start(low)
            if shift is None:
                break
            travel = 0
            if ticket.onsite and ticket.site is not None and engineer.home is not None:
                travel = problem.travel(engineer.home, ticket.site)
            start = max(start, max(engineer.calendar.starts[shift], not_before) + travel)
        else:
            if start >= high or (latest is not None and start > latest):
                continue
            if ticket.fixed_start is not None and start != ticket.fixed_start:
                if not start <= ticket.fixed_start < high:
                    continue
                start = ticket.fixed_start
            starts.append(start)
    return starts


def _no_night_capacity(
    problem: Problem, ticket: TicketData, can_start: dict[int, list[int]], not_before: int
) -> str:
    """The detail of a short job nobody can do without pausing overnight (SPEC "Work"):
    how much it needs in one stretch, and the longest stretch anyone has from a start."""
    longest = 0
    for engineer_index, starts in can_start.items():
        calendar = problem.engineers[engineer_index].calendar
        for start in starts:
            shift = calendar.shift_of_start(start)
            if shift is not None:
                stretch = calendar.night_free_through[shift] - calendar.position(start)
                longest = max(longest, stretch)
    left = " left" if not_before else ""
    return (
        f"needs {_duration(ticket.p50)} of shift time without pausing overnight (it is "
        f"shorter than split_overnight_from, {_duration(problem.split_overnight_from)}); "
        f"the longest stretch of shift time between nights the horizon has{left} is "
        f"{_duration(longest)}"
    )


def deferred_detail(problem: Problem, ticket: TicketData, schedule: Schedule) -> str:
    """Why a ticket that would fit an empty day is left out of the plan in ``schedule``:
    either it fits a gap but costs more there than left unassigned, or its engineers'
    time is taken."""
    cheapest = cheapest_slot(schedule, ticket)
    if cheapest is None:
        cap = problem.tier_caps.get(ticket.tier)
        if cap is not None and _fits_but_for_the_cap(schedule, ticket):
            jobs = "job" if cap == 1 else "jobs"
            return (
                f"its engineers have time for it, but the {ticket.tier} cap ({cap} {jobs} "
                f"at a time) is taken by other {ticket.tier} work whenever they do"
            )
        count = len(problem.eligible[ticket.index])
        engineers = "engineer's" if count == 1 else f"{count} eligible engineers'"
        return f"it would fit an empty day, but its {engineers} time went to weightier work"
    cost, job = cheapest
    engineer_index, start = job.engineer, job.start
    engineer = problem.engineers[engineer_index]
    left = unassigned_cost(problem, ticket)
    where = f"it fits on {engineer.id} at {problem.instant(start):%a %H:%M}"
    if cost < left - 1e-9:
        return (
            f"{where} (costing {cost:.2f} there against {left:.2f} left unassigned), "
            "but the jobs around it would then cost more"
        )
    why = ""
    if ticket.preferred and engineer_index not in ticket.preferred:
        why = f" ({engineer.id} is not a preferred engineer of {ticket.client})"
    return f"{where}, but costs {cost:.2f} there against {left:.2f} left unassigned{why}"


def _fits_but_for_the_cap(schedule: Schedule, ticket: TicketData) -> bool:
    """Would the ticket fit a gap of the plan if its tier had no cap?"""
    uncapped = copy.copy(schedule)
    uncapped.by_tier = defaultdict(TierLoad)  # no load: the cap never binds
    return cheapest_slot(uncapped, ticket) is not None


__all__ = ["deferred_detail", "unassigned_reason"]
