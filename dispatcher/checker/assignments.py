"""The rules of each assignment: its crew list, whole minutes, eligibility (of every
member), opened/window/booking, horizon, shifts (a crew's joint shift time) and where the
work ends, and the due times and risks it reports. Also the jobs the walk passes
through: each assignment (one per member of a crew job), completed work and cut parts.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.checker.arithmetic import (
    Shift,
    finish,
    shift_minutes,
    shift_of_end,
    shift_of_start,
)
from dispatcher.checker.context import CheckContext
from dispatcher.checker.execution import joint_pieces, pauses_overnight
from dispatcher.checker.facts import (
    EngineerFacts,
    Job,
    TicketFacts,
    crew_of,
    ineligibility_reasons,
    members_of,
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
    members: tuple[str, ...]  # the known engineers of the job, lead first, each once
    shifts: list[Shift]  # its shift time: the engineer's shifts, a crew's joint pieces

    @property
    def who(self) -> str:
        """The engineer, or the crew, as messages name them."""
        if len(self.members) == 1:
            return self.members[0]
        return f"the crew ({', '.join(self.members)})"


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
        members = check_crew(context, assignment, facts)
        check_whole_minutes(context, assignment)
        start, end = t.minute(assignment.start), t.minute(assignment.end)
        check_eligible(context, assignment, facts, members)
        running = context.is_running(ticket_id, assignment.engineer, start)
        shifts = job_shifts(context, members)
        placed = Placed(assignment, facts, engineer, start, end, running, members, shifts)
        check_not_before_opened(context, placed)
        check_window(context, placed)
        check_fixed_start(context, placed)
        check_inside_horizon(context, placed)
        check_inside_shifts(context, placed)
        check_end(context, placed)
        check_short_job_not_split(context, placed)
        needs_now = context.reschedule is not None and not context.is_kept(assignment, start)
        # Each member of a crew job walks their own day with it (SPEC "Travel").
        reported = {assignment.engineer: assignment.travel_minutes}
        for member, travel in crew_of(assignment):
            reported.setdefault(member, travel)
        for member in members:
            context.jobs.append(
                Job(
                    ticket=ticket_id,
                    engineer=member,
                    start=start,
                    end=end,
                    onsite=facts.ticket.onsite,
                    site=facts.site,
                    history=False,
                    needs_now=needs_now,
                    assignment=index,
                    reported_travel=reported[member],
                )
            )
        if index == first_assignment.get(ticket_id):
            check_reported_due(context, placed)
            check_reported_risk(context, placed)


def check_crew(
    context: CheckContext, assignment: Assignment, facts: TicketFacts
) -> tuple[str, ...]:
    """crew, unknown_engineer: a ticket with ``crew: n`` (n > 1) lists n - 1 members besides
    its lead, all different, none the lead, each an engineer of the scenario; a one-engineer
    ticket lists none. Returns the job's known engineers, lead first, each once."""
    lead, ticket_id, needed = assignment.engineer, assignment.ticket, facts.ticket.crew
    listed = [member for member, _ in crew_of(assignment)]
    if needed == 1 and listed:
        context.flag(
            "crew",
            ticket_id,
            f"a one-engineer ticket, but the plan lists a crew besides {lead} "
            f"({', '.join(listed)})",
        )
    elif needed > 1 and assignment.crew is None:
        context.flag(
            "crew",
            ticket_id,
            f"needs a crew of {needed}, but the plan gives it {lead} alone (no crew list)",
        )
    elif needed > 1 and len(listed) != needed - 1:
        context.flag(
            "crew",
            ticket_id,
            f"needs a crew of {needed}: {lead} and {needed - 1} more, but the crew list "
            f"names {len(listed)} ({', '.join(listed) or 'nobody'})",
        )
    if lead in listed:
        context.flag("crew", ticket_id, f"its lead {lead} is listed in its crew as well")
    repeated = sorted({member for member in listed if listed.count(member) > 1 and member != lead})
    if repeated:
        context.flag(
            "crew",
            ticket_id,
            f"the crew lists {', '.join(repeated)} more than once; members are different engineers",
        )
    members = [lead]
    for member in listed:
        if member in members:
            continue
        if member not in context.engineers:
            context.flag(
                "unknown_engineer",
                ticket_id,
                f"its crew names '{member}', who is not in the scenario",
            )
            continue
        members.append(member)
    return tuple(members)


def job_shifts(context: CheckContext, members: tuple[str, ...] | list[str]) -> list[Shift]:
    """A job's shift time: its engineer's shifts, or a crew's joint shift time as maximal
    pieces (minutes in which every member is in a shift; SPEC "Crews")."""
    if len(members) == 1:
        return context.engineers[members[0]].shifts
    pieces = joint_pieces(
        [[(s.start, s.end) for s in context.engineers[member].shifts] for member in members]
    )
    return [Shift(a, b, context.time.local_date(a)) for a, b in pieces]


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
    context: CheckContext, assignment: Assignment, facts: TicketFacts, members: tuple[str, ...]
) -> None:
    """ineligible: the engineer has the skills, on-site flag and assignment the ticket
    needs; of a crew job every member has the skills and on-site flag, and assigned_to
    names the lead."""
    for position, member in enumerate(members):
        reasons = ineligibility_reasons(
            facts, context.engineers[member].engineer, as_lead=position == 0
        )
        if reasons:
            role = "" if position == 0 else " (crew member)"
            context.flag(
                "ineligible",
                assignment.ticket,
                f"{member}{role} cannot take it: {'; '.join(reasons)}",
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
    """outside_shift: a job starts inside a shift and ends inside a shift (a crew job:
    inside a piece of the crew's joint shift time, a <= S < b and a < F <= b)."""
    t, ticket_id, name = context.time, placed.assignment.ticket, placed.who
    shifts, start, end = placed.shifts, placed.start, placed.end
    what = "no shift" if len(placed.members) == 1 else "no joint shift time"
    if shift_of_start(shifts, start) is None:
        context.flag(
            "outside_shift",
            ticket_id,
            f"starts {t.text(start)}, when {name} has {what} (a job starts inside a shift)",
        )
    if shift_of_end(shifts, end) is None:
        context.flag(
            "outside_shift",
            ticket_id,
            f"ends {t.text(end)}, when {name} has {what} (a job ends inside a shift)",
        )


def check_end(context: CheckContext, placed: Placed) -> None:
    """overrun, wrong_end: a job ends where its shift minutes of work end."""
    rs, ticket_id = context.reschedule, placed.assignment.ticket
    if rs is not None and ticket_id in rs.overrun and placed.start < rs.overrun[ticket_id][1]:
        check_overrun_end(context, placed, rs.overrun[ticket_id][0])
        return
    if placed.running and any(context.engineers[m].unavailable for m in placed.members):
        return  # an unavailability may have changed how a running job ends: judged vs base
    check_effort_end(context, placed)


def check_overrun_end(context: CheckContext, placed: Placed, until: int) -> None:
    """overrun: a job that overran now needs the shift minutes up to UNTIL."""
    t, shifts, start, end = context.time, placed.shifts, placed.start, placed.end
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
    expected = finish(placed.shifts, start, facts.p50)
    if expected != end:
        where = t.text(expected) if expected is not None else "after the last shift"
        whose = placed.who if len(placed.members) == 1 else f"joint time of {placed.who}"
        context.flag(
            "wrong_end",
            placed.assignment.ticket,
            f"{facts.p50} shift minutes of {whose}'s from {t.text(start)} "
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
    pieces = joint_pieces(
        [[(s.start, s.end) for s in context.engineers[m].shifts] for m in placed.members]
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
        if facts is None or end <= start:
            continue
        # A completed crew job (its entry may name its crew) sets every member's location.
        for member in members_of(entry):
            if member in context.engineers:
                context.jobs.append(
                    Job(entry.ticket, member, start, end, facts.ticket.onsite, facts.site, True)
                )
    if context.reschedule is None:
        return
    for ticket_id, engineer_id, start, end in context.reschedule.all_cuts():
        facts = context.tickets.get(ticket_id)
        if facts is not None and engineer_id in context.engineers and end > start:
            context.jobs.append(
                Job(ticket_id, engineer_id, start, end, facts.ticket.onsite, facts.site, True)
            )
