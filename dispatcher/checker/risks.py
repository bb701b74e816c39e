"""The plan carried out against the scenario's fixed draws (SPEC v2 "Execution and breach
risk"): the plan's jobs built from the checker's own facts, executed, and each ticket's
response risk, resolution risk and lateness minutes kept for the rules and the objective.

Which job is which, as the SPEC says: each ticket's (first) assignment is a planned job;
in a rescheduled plan an assignment that had begun before now is running (ending no
earlier than now, or than its overrun's end), completed work and the worked parts of cut
jobs keep their recorded start and end, and a cut job's remainder is a planned job whose
response risk is 0 when the cut work started by response_due, else 1. A ticket in
``unassigned`` is left for after the horizon.
"""

from __future__ import annotations

from dispatcher.checker.arithmetic import Shift
from dispatcher.checker.context import CheckContext
from dispatcher.checker.draws import EffortDraws
from dispatcher.checker.execution import (
    ExecJob,
    ExecTicket,
    Piece,
    Setting,
    execute,
    joint_pieces,
    unassigned,
)
from dispatcher.checker.facts import TicketFacts, crew_of
from models import Assignment


def exec_ticket(facts: TicketFacts) -> ExecTicket:
    """The ticket as the execution reads it."""
    return ExecTicket(
        id=facts.ticket.id,
        p50=facts.p50,
        p90=facts.p90,
        opened=facts.opened,
        response_due=facts.response_due,
        resolution_due=facts.resolution_due,
        responded=facts.ticket.responded is not None,
        clock=facts.clock,
    )


def is_held(context: CheckContext, facts: TicketFacts) -> bool:
    """hold: a window, a fixed_start or a capped tier holds the planned start."""
    ticket = facts.ticket
    return (
        ticket.window is not None
        or ticket.fixed_start is not None
        or facts.tier in context.scenario.policy.tier_caps
    )


def job_pieces(context: CheckContext, members: list[str]) -> tuple[Piece, ...]:
    """The job's shift pieces: the members' joint shift time, cut at the horizon end."""
    end = context.time.end
    shifts: list[list[Shift]] = [context.engineers[member].shifts for member in members]
    return joint_pieces(
        [[(s.start, min(s.end, end)) for s in member_shifts] for member_shifts in shifts]
    )


def planned_job(context: CheckContext, assignment: Assignment, facts: TicketFacts) -> ExecJob:
    """An assignment as a job of the execution (planned, running, or a cut's remainder)."""
    t, rs = context.time, context.reschedule
    crew = [(m, travel) for m, travel in crew_of(assignment) if m in context.engineers]
    members = [assignment.engineer, *(m for m, _ in crew)]
    start = t.minute(assignment.start)
    pieces = job_pieces(context, members)
    ticket = exec_ticket(facts)
    if rs is not None and context.is_running(assignment.ticket, assignment.engineer, start):
        floor = rs.now
        overrun = rs.overrun.get(assignment.ticket)
        if overrun is not None and start < overrun[1]:
            # The overrun end is the job's end as the plan has it after the overrun (its
            # UNTIL, or the end of the shift minutes it then needs).
            floor = max(floor, t.minute(assignment.end))
        # The rest of a cut job, running now: still a cut job's remainder, whose response
        # was given (or missed) when the cut work started.
        return ExecJob(
            ticket,
            tuple(members),
            start,
            pieces,
            kind="running",
            end_floor=floor,
            response_risk=cut_response(facts),
        )
    return ExecJob(
        ticket,
        tuple(members),
        start,
        pieces,
        travel=(assignment.travel_minutes, *(travel for _, travel in crew)),
        held=is_held(context, facts),
        response_risk=cut_response(facts),
    )


def cut_response(facts: TicketFacts) -> float | None:
    """A cut job's remainder, assigned or not: response risk 0 when the cut work started
    by response_due (or the ticket was responded), else 1; None for other tickets."""
    if facts.cut_started is None:
        return None
    late = facts.cut_started > facts.response_due and facts.ticket.responded is None
    return 1.0 if late else 0.0


def history_jobs(context: CheckContext) -> list[ExecJob]:
    """Completed work and the worked parts of cut jobs: recorded start and end."""
    t, jobs = context.time, []
    for entry in context.plan.completed:
        facts = context.tickets.get(entry.ticket)
        members = [entry.engineer, *(m for m, _ in crew_of(entry))]
        if facts is None or any(m not in context.engineers for m in members):
            continue
        start, end = t.minute(entry.start), t.minute(entry.end)
        jobs.append(
            ExecJob(exec_ticket(facts), tuple(members), start, (), kind="done", end_floor=end)
        )
    rs = context.reschedule
    cuts = [] if rs is None else rs.all_cuts()
    for ticket_id, engineer_id, start, end in cuts:
        facts = context.tickets.get(ticket_id)
        if facts is not None and engineer_id in context.engineers:
            jobs.append(
                ExecJob(exec_ticket(facts), (engineer_id,), start, (), kind="done", end_floor=end)
            )
    return jobs


def compute_outcomes(context: CheckContext, first_assignment: dict[str, int]) -> None:
    """Carry the plan out against N = policy.risk_samples draws; keep every outcome."""
    policy = context.scenario.policy
    setting = Setting(
        draws=EffortDraws(policy.risk_samples),
        horizon_end=context.time.end,
        split_overnight_from=policy.split_overnight_from.minutes,
        now=context.reschedule.now if context.reschedule is not None else None,
    )
    jobs = history_jobs(context)
    for ticket_id, index in first_assignment.items():
        assignment = context.plan.assignments[index]
        facts = context.tickets.get(ticket_id)
        if facts is not None and assignment.engineer in context.engineers:
            jobs.append(planned_job(context, assignment, facts))
    context.outcomes.update(execute(jobs, setting))
    for entry in context.plan.unassigned:  # a ticket counts once: its assignment first
        facts = context.tickets.get(entry.ticket)
        if facts is not None and entry.ticket not in first_assignment:
            outcome = unassigned(exec_ticket(facts), setting, cut_response(facts))
            context.outcomes.setdefault(entry.ticket, outcome)
