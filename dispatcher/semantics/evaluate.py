"""The exact objective of a schedule (SPEC "Objective"), computed from the schedule itself.

The solver may approximate inside its model; every plan reports these values.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from dispatcher.semantics.problem import EngineerData, Problem, TicketData
from dispatcher.semantics.risk import overrun_probability
from dispatcher.semantics.walk import walk


@dataclass(frozen=True)
class Job:
    """One assigned ticket: who does it and when (minutes since the horizon start)."""

    ticket: int
    engineer: int
    start: int
    end: int


@dataclass
class JobCost:
    travel: int
    response_risk: float
    resolution_risk: float


@dataclass
class Evaluation:
    total: float
    sla_risk: float
    lateness: float
    deferral: float
    travel: float
    preference: float
    disruption: float
    travel_minutes: int
    jobs: dict[int, JobCost] = field(default_factory=dict)
    unassigned_risk: dict[int, tuple[float, float]] = field(default_factory=dict)

    def parts(self) -> dict[str, float]:
        return {
            "total": self.total,
            "sla_risk": self.sla_risk,
            "lateness": self.lateness,
            "deferral": self.deferral,
            "travel": self.travel,
            "preference": self.preference,
            "disruption": self.disruption,
        }


def response_risk(ticket: TicketData, start: int) -> float:
    return 1.0 if start > ticket.response_due and not ticket.responded else 0.0


def available_minutes(
    problem: Problem, ticket: TicketData, engineer: EngineerData, start: int
) -> int:
    """W: the time the job can get before its resolution deadline."""
    due = ticket.resolution_due
    if due <= start:
        return 0
    inside = engineer.calendar.minutes_between(start, min(due, problem.horizon_end))
    return inside + (ticket.after_horizon if due > problem.horizon_end else 0)


def resolution_risk(
    problem: Problem, ticket: TicketData, engineer: EngineerData, start: int
) -> float:
    return overrun_probability(
        ticket.p50, ticket.sigma, available_minutes(problem, ticket, engineer, start)
    )


def sla_cost(problem: Problem, ticket: TicketData, engineer: EngineerData, start: int) -> float:
    """Weighted response and resolution risk of starting ``ticket`` on ``engineer`` at ``start``."""
    weights = problem.weights
    return ticket.weight * (
        weights.response * response_risk(ticket, start)
        + weights.resolution * resolution_risk(problem, ticket, engineer, start)
    )


def unassigned_risks(problem: Problem, ticket: TicketData) -> tuple[float, float]:
    end = problem.horizon_end
    response = 1.0 if ticket.response_due <= end and not ticket.responded else 0.0
    resolution = 1.0 if ticket.resolution_due <= end else 0.0
    return response, resolution


def unassigned_cost(problem: Problem, ticket: TicketData) -> float:
    """What leaving a ticket unassigned adds to the objective: its risks, its deferral and
    its lateness up to the horizon's end."""
    _, _, sla, late, defer = _unassigned_terms(problem, ticket)
    return sla + late + defer


def _unassigned_terms(
    problem: Problem, ticket: TicketData
) -> tuple[float, float, float, float, float]:
    """(response risk, resolution risk, SLA cost, lateness, deferral) of leaving it out."""
    weights = problem.weights
    respond, resolve = unassigned_risks(problem, ticket)
    sla = ticket.weight * (weights.response * respond + weights.resolution * resolve)
    late = max(0, problem.horizon_end - ticket.resolution_due)
    lateness = ticket.weight * weights.late_per_hour * late / 60
    return respond, resolve, sla, lateness, ticket.weight * weights.deferral


def _assigned_terms(problem: Problem, job: Job) -> tuple[float, float, float, float, float]:
    """(response risk, resolution risk, SLA cost, lateness, preference) of one job."""
    weights = problem.weights
    ticket = problem.tickets[job.ticket]
    respond = response_risk(ticket, job.start)
    resolve = resolution_risk(problem, ticket, problem.engineers[job.engineer], job.start)
    sla = ticket.weight * (weights.response * respond + weights.resolution * resolve)
    late = ticket.weight * weights.late_per_hour * max(0, job.end - ticket.resolution_due) / 60
    prefer = (
        weights.preference if ticket.preferred and job.engineer not in ticket.preferred else 0.0
    )
    return respond, resolve, sla, late, prefer


def partial_total(problem: Problem, jobs: list[Job], tickets: set[int]) -> float:
    """The objective's share of a few engineers: ``jobs`` must be every job of their
    engineers (travel is walked per engineer), and ``tickets`` not among them count as
    unassigned. Two schedules that differ only on those engineers and tickets differ in
    ``evaluate(...).total`` by the difference of this (daily plans: no disruption)."""
    weights = problem.weights
    by_engineer: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    total = 0.0
    for job in jobs:
        by_engineer[job.engineer].append((job.ticket, job.start, job.end))
        _, _, sla, late, prefer = _assigned_terms(problem, job)
        total += sla + late + prefer
    minutes = sum(
        step.travel
        for engineer_index, engineer_jobs in by_engineer.items()
        for step in walk(problem, problem.engineers[engineer_index], engineer_jobs)
    )
    placed = {job.ticket for job in jobs}
    total += sum(unassigned_cost(problem, problem.tickets[t]) for t in tickets - placed)
    return total + weights.travel_per_hour * minutes / 60


def evaluate(
    problem: Problem,
    jobs: list[Job],
    *,
    completed: list[Job] | None = None,
    history: list[Job] | None = None,
    disruption: float = 0.0,
) -> Evaluation:
    """Exact objective of ``jobs``; tickets in none of the lists count as unassigned.

    Rescheduling: ``completed`` jobs set locations in the travel walk but add nothing;
    ``history`` pieces (the worked part of a cut job) only set locations.
    """
    weights = problem.weights
    completed = completed or []
    done = {job.ticket for job in completed}
    by_engineer: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for job in [*jobs, *completed, *(history or [])]:
        if job.end > job.start:  # a future job marked done at now did no work
            by_engineer[job.engineer].append((job.ticket, job.start, job.end))
    planned = {(job.ticket, job.start) for job in jobs}
    travel_of: dict[int, int] = {}
    for engineer_index, engineer_jobs in by_engineer.items():
        for step in walk(problem, problem.engineers[engineer_index], engineer_jobs):
            if (step.ticket, step.start) in planned:
                travel_of[step.ticket] = step.travel

    sla = lateness = deferral = preference = 0.0
    travel_minutes = 0
    costs: dict[int, JobCost] = {}
    assigned: set[int] = set()
    for job in jobs:
        assigned.add(job.ticket)
        respond, resolve, job_sla, late, prefer = _assigned_terms(problem, job)
        costs[job.ticket] = JobCost(travel_of.get(job.ticket, 0), respond, resolve)
        travel_minutes += travel_of.get(job.ticket, 0)
        sla += job_sla
        lateness += late
        preference += prefer
    unassigned: dict[int, tuple[float, float]] = {}
    for ticket in problem.tickets:
        if ticket.index in assigned or ticket.index in done:
            continue
        respond, resolve, ticket_sla, late, defer = _unassigned_terms(problem, ticket)
        unassigned[ticket.index] = (respond, resolve)
        sla += ticket_sla
        lateness += late
        deferral += defer
    travel = weights.travel_per_hour * travel_minutes / 60
    total = sla + lateness + deferral + travel + preference + disruption
    return Evaluation(
        total,
        sla,
        lateness,
        deferral,
        travel,
        preference,
        disruption,
        travel_minutes,
        costs,
        unassigned,
    )
