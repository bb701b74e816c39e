"""The rules of each assignment: whole minutes, eligibility, opened/window/booking,
horizon, shifts and where the work ends, and the due times and risks it reports. Also
the jobs the walk passes through: each assignment, completed work and cut parts.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.checker.arithmetic import finish, shift_minutes, shift_of_end, shift_of_start
from dispatcher.checker.context import CheckContext
from dispatcher.checker.execution import joint_pieces, pauses_overnight
from dispatcher.checker.facts import (
    EngineerFacts,
    Job,
    TicketFacts,
    crew_of,
    ineligibility_reasons,
)
from models import Assignment

RISK_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Placed:
    """An assignment of a known ticket to a known engineer, as the rules judge it."""

    assignment: Assignment
    facts: TicketFacts
    engineer: EngineerFacts
    start: int
    end: int
    running: bool  # begun before now, keeping its engineer and start


def check_assignments(context: CheckContext, first_assignment: dict[str, int]) -> None:
    """Every rule of each assignment, in plan order; each becomes a job of the walk."""
    t = context.time
    for index, assignment in enumerate(context.plan.assignments):
        ticket_id = assignment.ticket
        facts = context.tickets.get(ticket_id)
        engineer = context.engineers.get(assignment.engineer)
        if facts is None:
            continue  # flagged as unknown already
        if engineer is None:
            context.flag(
                "unknown_engineer",
                ticket_id,
                f"assigned to '{assignment.engineer}', who is not in the scenario",
            )
            continue
        check_whole_minutes(context, assignment)
        start, end = t.minute(assignment.start), t.minute(assignment.end)
        check_eligible(context, assignment, facts, engineer)
        running = context.is_running(ticket_id, assignment.engineer, start)
        placed = Placed(assignment, facts, engineer, start, end, running)
        check_not_before_opened(context, placed)
        check_window(context, placed)
        check_fixed_start(context, placed)
        check_inside_horizon(context, placed)
        check_inside_shifts(context, placed)
        check_end(context, placed)
        check_short_job_not_split(context, placed)
        context.jobs.append(
            Job(
                ticket=ticket_id,
                engineer=assignment.engineer,
                start=start,
                end=end,
                onsite=facts.ticket.onsite,
                site=facts.site,
                history=False,
                needs_now=context.reschedule is not None and not context.is_kept(assignment, start),
                assignment=index,
            )
        )
        if index == first_assignment.get(ticket_id):
            check_reported_due(context, placed)
            check_reported_risk(context, placed)


def check_whole_minutes(context: CheckContext, assignment: Assignment) -> None:
    """not_whole_minute: a job starts and ends on a whole minute."""
    for label, value in (("start", assignment.start), ("end", assignment.end)):
        if not context.time.on_whole_minute(value):
            context.flag(
                "not_whole_minute",
                assignment.ticket,
                f"its {label} {value} is not on a whole minute",
            )


def check_eligible(
    context: CheckContext, assignment: Assignment, facts: TicketFacts, engineer: EngineerFacts
) -> None:
    """ineligible: the engineer has the skills, on-site flag and assignment the ticket needs."""
    reasons = ineligibility_reasons(facts, engineer.engineer)
    if reasons:
        context.flag(
            "ineligible",
            assignment.ticket,
            f"{assignment.engineer} cannot take it: {'; '.join(reasons)}",
        )


def check_not_before_opened(context: CheckContext, placed: Placed) -> None:
    """before_opened: no work starts before the ticket was opened."""
    t, facts = context.time, placed.facts
    if placed.start < facts.opened:
        context.flag(
            "before_opened",
            placed.assignment.ticket,
            f"starts {t.text(placed.start)}, before the ticket was opened "
            f"at {t.text(facts.opened)}",
        )


def check_window(context: CheckContext, placed: Placed) -> None:
    """window: a job starts inside its ticket's window (not the resumed rest of a cut job)."""
    t, ticket = context.time, placed.facts.ticket
    # The rest of a cut job resumes after now: its window or booking lay in the past.
    if ticket.window is not None and not placed.facts.resumed:
        low, high = t.minute(ticket.window.start), t.minute(ticket.window.end)
        if not low <= placed.start <= high:
            context.flag(
                "window",
                placed.assignment.ticket,
                f"starts {t.text(placed.start)}, outside its window "
                f"{t.text(low)} to {t.text(high)}",
            )


def check_fixed_start(context: CheckContext, placed: Placed) -> None:
    """fixed_start: a booked appointment starts at its booking (unless resumed after a cut)."""
    t, ticket = context.time, placed.facts.ticket
    if ticket.fixed_start is not None and not placed.facts.resumed:
        fixed = t.minute(ticket.fixed_start)
        if placed.start != fixed:
            context.flag(
                "fixed_start",
                placed.assignment.ticket,
                f"booked for {t.text(fixed)} but the plan starts it {t.text(placed.start)}",
            )


def check_inside_horizon(context: CheckContext, placed: Placed) -> None:
    """outside_horizon: a job runs forwards and inside the horizon."""
    t, start, end = context.time, placed.start, placed.end
    if start < 0 or end > t.end or end <= start:
        context.flag(
            "outside_horizon",
            placed.assignment.ticket,
            f"runs {t.text(start)} to {t.text(end)}; the horizon is {t.text(0)} to {t.text(t.end)}",
        )


def check_inside_shifts(context: CheckContext, placed: Placed) -> None:
    """outside_shift: a job starts inside a shift and ends inside a shift."""
    t, ticket_id, name = context.time, placed.assignment.ticket, placed.assignment.engineer
    shifts, start, end = placed.engineer.shifts, placed.start, placed.end
    if shift_of_start(shifts, start) is None:
        context.flag(
            "outside_shift",
            ticket_id,
            f"starts {t.text(start)}, when {name} has no shift (a job starts inside a shift)",
        )
    if shift_of_end(shifts, end) is None:
        context.flag(
            "outside_shift",
            ticket_id,
            f"ends {t.text(end)}, when {name} has no shift (a job ends inside a shift)",
        )


def check_end(context: CheckContext, placed: Placed) -> None:
    """overrun, wrong_end: a job ends where its shift minutes of work end."""
    rs, ticket_id = context.reschedule, placed.assignment.ticket
    if rs is not None and ticket_id in rs.overrun and placed.start < rs.overrun[ticket_id][1]:
        check_overrun_end(context, placed, rs.overrun[ticket_id][0])
        return
    if placed.running and placed.engineer.unavailable:
        return  # an unavailability may have changed how a running job ends: judged vs base
    check_effort_end(context, placed)


def check_overrun_end(context: CheckContext, placed: Placed, until: int) -> None:
    """overrun: a job that overran now needs the shift minutes up to UNTIL."""
    t, shifts, start, end = context.time, placed.engineer.shifts, placed.start, placed.end
    # It now needs the shift minutes up to UNTIL: F is where they end.
    expected = finish(shifts, start, shift_minutes(shifts, start, until))
    if expected != end:
        context.flag(
            "overrun",
            placed.assignment.ticket,
            f"overran until {t.text(until)}, so its shift minutes end "
            f"{t.text(expected) if expected is not None else 'after the last shift'}, "
            f"but the plan ends it at {t.text(end)}",
        )


def check_effort_end(context: CheckContext, placed: Placed) -> None:
    """wrong_end: a job ends where its p50 shift minutes from its start end."""
    t, facts, start, end = context.time, placed.facts, placed.start, placed.end
    expected = finish(placed.engineer.shifts, start, facts.p50)
    if expected != end:
        where = t.text(expected) if expected is not None else "after the last shift"
        context.flag(
            "wrong_end",
            placed.assignment.ticket,
            f"{facts.p50} shift minutes of {placed.assignment.engineer}'s from {t.text(start)} "
            f"end {where}, but the plan ends it at {t.text(end)}",
        )


def check_reported_due(context: CheckContext, placed: Placed) -> None:
    """due: the response and resolution due times reported are the ticket's."""
    t, assignment, facts = context.time, placed.assignment, placed.facts
    for label, reported, expected in (
        ("response_due", assignment.response_due, facts.response_due),
        ("resolution_due", assignment.resolution_due, facts.resolution_due),
    ):
        if t.minute(reported) != expected:
            context.flag(
                "due",
                assignment.ticket,
                f"reports {label} {t.text(t.minute(reported))}; it is {t.text(expected)}",
            )


def check_short_job_not_split(context: CheckContext, placed: Placed) -> None:
    """short_job_split_overnight: a job whose p50 is shorter than
    policy.split_overnight_from does not pause overnight: no gap of 3 hours or more
    between two consecutive shifts of its engineer (of a crew's joint shift time) lies
    inside [S, F]. A running job is not judged: an overrun may carry it over."""
    t, facts = context.time, placed.facts
    limit = context.scenario.policy.split_overnight_from.minutes
    if placed.running or facts.p50 >= limit or placed.end <= placed.start:
        return
    members = [placed.assignment.engineer]
    members += [m for m, _ in crew_of(placed.assignment) if m in context.engineers]
    pieces = joint_pieces(
        [[(s.start, s.end) for s in context.engineers[m].shifts] for m in members]
    )
    if pauses_overnight(pieces, placed.start, placed.end):
        context.flag(
            "short_job_split_overnight",
            placed.assignment.ticket,
            f"a {facts.p50}-minute job (shorter than split_overnight_from, {limit} minutes) "
            f"runs {t.text(placed.start)} to {t.text(placed.end)}, pausing overnight",
        )


def check_reported_risk(context: CheckContext, placed: Placed) -> None:
    """risk: the response and resolution risks reported are those of the plan carried out
    against the scenario's fixed draws (SPEC v2 "Execution and breach risk")."""
    assignment = placed.assignment
    outcome = context.outcomes.get(assignment.ticket)
    if outcome is None:
        return
    for label, reported_risk, expected_risk in (
        ("response_risk", assignment.response_risk, outcome.response_risk),
        ("resolution_risk", assignment.resolution_risk, outcome.resolution_risk),
    ):
        if abs(reported_risk - expected_risk) > RISK_TOLERANCE:
            context.flag(
                "risk",
                assignment.ticket,
                f"reports {label} {reported_risk:.6f}; recomputed {expected_risk:.6f}",
            )


def add_history_jobs(context: CheckContext) -> None:
    """Completed work and cut parts: the walk and the overlaps pass through them."""
    for entry in context.plan.completed:
        facts = context.tickets.get(entry.ticket)
        if entry.engineer not in context.engineers:
            context.flag(
                "unknown_engineer",
                entry.ticket,
                f"completed by '{entry.engineer}', who is not in the scenario",
            )
            continue
        start, end = context.time.minute(entry.start), context.time.minute(entry.end)
        if facts is not None and end > start:
            context.jobs.append(
                Job(
                    entry.ticket,
                    entry.engineer,
                    start,
                    end,
                    facts.ticket.onsite,
                    facts.site,
                    True,
                )
            )
    if context.reschedule is None:
        return
    pieces = [
        *context.reschedule.past_cuts,
        *((ticket, *cut) for ticket, cut in context.reschedule.cuts.items()),
    ]
    for ticket_id, engineer_id, start, end in pieces:
        facts = context.tickets.get(ticket_id)
        if facts is not None and engineer_id in context.engineers and end > start:
            context.jobs.append(
                Job(ticket_id, engineer_id, start, end, facts.ticket.onsite, facts.site, True)
            )
