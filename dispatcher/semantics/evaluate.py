"""The exact objective of a schedule (SPEC "Objective"), computed from the schedule itself.

Risks and lateness are SPEC v2's: the schedule carried out against the problem's fixed
effort draws (``Problem.executor``), a late job delaying the later jobs of its engineer.
The solver may approximate inside its model (``sla_cost`` below, each job alone: the
model's and the construction's surrogate); every plan reports the exact values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from dispatcher.semantics.execution import (
    Execution,
    FixedJob,
    IntArray,
    PlannedJob,
    RunningJob,
    TicketOutcome,
    linked_through,
    planned_job,
)
from dispatcher.semantics.problem import EngineerData, Problem, TicketData
from dispatcher.semantics.risk import overrun_probability
from dispatcher.semantics.walk import walk


@dataclass(frozen=True)
class Job:
    """One assigned ticket: who does it and when (minutes since the horizon start).

    A crew job (SPEC "Crews") has its lead as ``engineer`` and the other members in
    ``crew``; every member works it over [start, end)."""

    ticket: int
    engineer: int
    start: int
    end: int
    crew: tuple[int, ...] = ()

    @property
    def members(self) -> tuple[int, ...]:
        """Everyone on the job, the lead first."""
        return (self.engineer, *self.crew)

    def on(self, engineers: Collection[int]) -> bool:
        """Does any member of this job belong to ``engineers``?"""
        return self.engineer in engineers or any(m in engineers for m in self.crew)


def linked(engineers: Iterable[int], jobs: Iterable[Job]) -> set[int]:
    """The given engineers and everyone sharing a crew job with them, over and over: the
    engineers whose days must be carried out together with theirs."""
    return linked_through(engineers, (job.members for job in jobs))


def crew_engineers(jobs: Iterable[Job]) -> set[int]:
    """Engineers in any crew job (lead or member)."""
    return {member for job in jobs if job.crew for member in job.members}


@dataclass
class JobCost:
    travel: int  # the lead's
    response_risk: float
    resolution_risk: float
    lateness_minutes: float = 0.0
    crew_travel: tuple[int, ...] = ()  # each other member's, in ``Job.crew`` order


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


# -- the surrogate: each job alone, its effort's lognormal tail (the v1 risk) --------------


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
    """Weighted response and resolution risk of starting ``ticket`` on ``engineer`` at
    ``start``, the job alone (a surrogate: the exact risk also counts the jobs before it)."""
    weights = problem.weights
    return ticket.weight * (
        weights.response * response_risk(ticket, start)
        + weights.resolution * resolution_risk(problem, ticket, engineer, start)
    )


def unassigned_outcome(problem: Problem, ticket: TicketData) -> TicketOutcome:
    """SPEC v2: an unassigned ticket's work starts at the horizon end, all of D_j on its
    SLA clock (its risks and lateness over the fixed draws)."""
    return problem.executor().unassigned(ticket.index)


def unassigned_risks(problem: Problem, ticket: TicketData) -> tuple[float, float]:
    outcome = unassigned_outcome(problem, ticket)
    return outcome.response_risk, outcome.resolution_risk


def unassigned_cost(problem: Problem, ticket: TicketData) -> float:
    """What leaving a ticket unassigned adds to the objective: its risks and lateness (its
    work done after the horizon, on its SLA clock) and its deferral."""
    _, _, sla, late, defer = _unassigned_terms(problem, ticket)
    return sla + late + defer


def _unassigned_terms(
    problem: Problem, ticket: TicketData
) -> tuple[float, float, float, float, float]:
    """(response risk, resolution risk, SLA cost, lateness, deferral) of leaving it out."""
    outcome = unassigned_outcome(problem, ticket)
    sla, late = _outcome_costs(problem, ticket, outcome)
    deferral = ticket.weight * problem.weights.deferral
    return outcome.response_risk, outcome.resolution_risk, sla, late, deferral


class Risks(Protocol):
    """A ticket's risks and lateness over the draws: a ``TicketOutcome``, or a plan's
    ``JobCost``."""

    @property
    def response_risk(self) -> float: ...
    @property
    def resolution_risk(self) -> float: ...
    @property
    def lateness_minutes(self) -> float: ...


def outcome_cost(problem: Problem, ticket: TicketData, outcome: Risks) -> float:
    """The SLA cost plus the lateness cost of a ticket's outcome over the draws."""
    sla, late = _outcome_costs(problem, ticket, outcome)
    return sla + late


def _outcome_costs(problem: Problem, ticket: TicketData, outcome: Risks) -> tuple[float, float]:
    """(SLA cost, lateness cost) of a ticket's outcome over the draws."""
    weights = problem.weights
    sla = ticket.weight * (
        weights.response * outcome.response_risk + weights.resolution * outcome.resolution_risk
    )
    late = ticket.weight * weights.late_per_hour * outcome.lateness_minutes / 60
    return sla, late


def preference_cost(problem: Problem, ticket: TicketData, engineers: Collection[int]) -> float:
    """``weights.preference`` when the ticket's client prefers engineers and none of the
    job's engineers is one of them."""
    if ticket.preferred and not any(engineer in ticket.preferred for engineer in engineers):
        return problem.weights.preference
    return 0.0


TravelKey = tuple[int, int, int]  # (ticket, start, engineer): one member's trip to a job


def _travel_of(
    problem: Problem, jobs: Iterable[Job], background: Iterable[Job] = ()
) -> dict[TravelKey, int]:
    """The planned travel of each member of each job of ``jobs``, keyed by (ticket, start,
    engineer), walking each engineer's day through ``jobs`` and ``background`` (completed
    work, worked parts of cut jobs: they set locations only). A crew job is in every
    member's day, and each member walks their own (SPEC "Travel")."""
    by_engineer: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    planned: set[tuple[int, int]] = set()
    for job in jobs:
        for member in job.members:
            by_engineer[member].append((job.ticket, job.start, job.end))
        planned.add((job.ticket, job.start))
    for job in background:
        if job.end > job.start:  # a future job marked done at now did no work
            for member in job.members:
                by_engineer[member].append((job.ticket, job.start, job.end))
    travel: dict[TravelKey, int] = {}
    for engineer_index, engineer_jobs in by_engineer.items():
        for step in walk(problem, problem.engineers[engineer_index], engineer_jobs):
            if (step.ticket, step.start) in planned:
                travel[(step.ticket, step.start, engineer_index)] = step.travel
    return travel


def _trips(job: Job, travel: Mapping[TravelKey, int]) -> tuple[int, ...]:
    """Each member's planned travel to ``job``, the lead first."""
    return tuple(travel.get((job.ticket, job.start, member), 0) for member in job.members)


def _planned(problem: Problem, job: Job, travel: Mapping[TravelKey, int]) -> PlannedJob:
    return planned_job(problem, job.ticket, job.members, job.start, _trips(job, travel))


def partial_total(problem: Problem, jobs: list[Job], tickets: set[int]) -> float:
    """The objective's share of a few engineers: ``jobs`` must be every job of their
    engineers (travel is walked and the plan carried out per engineer), and ``tickets``
    not among them count as unassigned. Two daily schedules that differ only on those
    engineers and tickets differ in ``evaluate(...).total`` by the difference of this."""
    total, _ = share_of(problem, jobs)
    placed = {job.ticket for job in jobs}
    total += sum(unassigned_cost(problem, problem.tickets[t]) for t in tickets - placed)
    return total


def share_of(problem: Problem, jobs: list[Job]) -> tuple[float, dict[int, TicketOutcome]]:
    """The objective's share of ``jobs`` (every job of their engineers, daily plans) and
    each job's outcome: ``partial_total`` without unassigned tickets."""
    engineers = {member for job in jobs for member in job.members}
    travel, execution = _carry_out(problem, jobs, [], None, {}, engineers=engineers)
    total = _travel_cost(problem, sum(travel.values()))
    for job in jobs:
        total += _job_cost(problem, job, execution.outcomes[job.ticket])
    return total, execution.outcomes


def _job_cost(problem: Problem, job: Job, outcome: TicketOutcome) -> float:
    """A job's SLA, lateness and preference cost (its travel is counted per day)."""
    ticket = problem.tickets[job.ticket]
    sla, late = _outcome_costs(problem, ticket, outcome)
    return sla + late + preference_cost(problem, ticket, job.members)


def _travel_cost(problem: Problem, minutes: int) -> float:
    return problem.weights.travel_per_hour * minutes / 60


class DayPricer:
    """One engineer's day of a daily plan and its share of the objective (``share_of``),
    carried out once job by job, so that the same day with its jobs from ``place`` on
    changed is priced by carrying out only those (the jobs before ``place`` meet the same
    draws and end the same way)."""

    def __init__(self, problem: Problem, day: list[Job]) -> None:
        self.problem = problem
        self.day = sorted(day, key=lambda job: (job.start, problem.tickets[job.ticket].id))
        self.executor = problem.executor()
        travel = _travel_of(problem, self.day)
        self.outcomes: dict[int, TicketOutcome] = {}
        self._ready: list[dict[int, IntArray]] = [{}]  # before each job
        self._costs = [0.0]  # the jobs' costs (no travel) before each job
        for job in self.day:
            planned = _planned(problem, job, travel)
            outcomes, ready = self.executor.carry_on([planned], self._ready[-1])
            self.outcomes.update(outcomes)
            self._ready.append(ready)
            self._costs.append(self._costs[-1] + _job_cost(problem, job, outcomes[job.ticket]))
        self.total = self._costs[-1] + _travel_cost(problem, sum(travel.values()))

    def price(self, new_day: list[Job], place: int) -> float:
        """The share of ``new_day``, whose first ``place`` jobs (in start order) are this
        day's first ``place`` jobs unchanged."""
        problem = self.problem
        travel = _travel_of(problem, new_day)
        ordered = sorted(new_day, key=lambda job: (job.start, problem.tickets[job.ticket].id))
        suffix = ordered[place:]
        planned = [_planned(problem, job, travel) for job in suffix]
        outcomes, _ = self.executor.carry_on(planned, self._ready[place])
        cost = sum(_job_cost(problem, job, outcomes[job.ticket]) for job in suffix)
        return self._costs[place] + cost + _travel_cost(problem, sum(travel.values()))


def _carry_out(
    problem: Problem,
    jobs: list[Job],
    background: list[Job],
    now: int | None,
    running: Mapping[int, int],
    engineers: Collection[int] | None = None,
) -> tuple[dict[TravelKey, int], Execution]:
    """The planned travel of ``jobs`` and their execution (``evaluate``'s arguments;
    ``engineers``: only their days, see ``Executor.run``)."""
    travel = _travel_of(problem, jobs, background)
    planned: list[PlannedJob] = []
    live: list[RunningJob] = []
    for job in jobs:
        if job.ticket in running:
            live.append(RunningJob(job.ticket, job.members, job.start, running[job.ticket]))
        else:
            planned.append(_planned(problem, job, travel))
    fixed = [
        FixedJob(job.ticket, job.members, job.start, job.end)
        for job in background
        if job.end > job.start
    ]
    run = problem.executor(now).run(planned, running=live, fixed=fixed, engineers=engineers)
    return travel, run


def outcome_in(
    problem: Problem,
    jobs: list[Job],
    ticket: int,
    *,
    completed: list[Job] | None = None,
    now: int | None = None,
    running: Mapping[int, int] | None = None,
) -> TicketOutcome:
    """The outcome of ``ticket``'s job among ``jobs`` (which must hold every job of its
    engineer), carried out as ``evaluate`` would, only its engineer's day executed."""
    members = next(job.members for job in jobs if job.ticket == ticket)
    _, execution = _carry_out(problem, jobs, completed or [], now, running or {}, engineers=members)
    return execution.outcomes[ticket]


def evaluate(
    problem: Problem,
    jobs: list[Job],
    *,
    completed: list[Job] | None = None,
    history: list[Job] | None = None,
    disruption: float = 0.0,
    now: int | None = None,
    running: Mapping[int, int] | None = None,
) -> Evaluation:
    """Exact objective of ``jobs`` (SPEC v2: the plan carried out against the fixed
    draws); tickets in none of the lists count as unassigned.

    Rescheduling: ``now`` is the instant of the reschedule (no job starts before it);
    ``running`` maps the tickets of ``jobs`` that are running at now to the instant they
    end no earlier than (now, or their overrun's end); ``completed`` jobs keep their
    recorded times and add nothing; ``history`` pieces (the worked part of a cut job) are
    completed work too, setting their engineer's location and ready time.
    """
    completed = completed or []
    running = running or {}
    travel, execution = _carry_out(problem, jobs, [*completed, *(history or [])], now, running)

    sla = lateness = deferral = preference = 0.0
    travel_minutes = 0
    costs: dict[int, JobCost] = {}
    for job in jobs:
        ticket = problem.tickets[job.ticket]
        outcome = execution.outcomes[job.ticket]
        trips = _trips(job, travel)
        costs[job.ticket] = JobCost(
            trips[0],
            outcome.response_risk,
            outcome.resolution_risk,
            outcome.lateness_minutes,
            trips[1:],
        )
        travel_minutes += sum(trips)
        job_sla, late = _outcome_costs(problem, ticket, outcome)
        sla += job_sla
        lateness += late
        preference += preference_cost(problem, ticket, job.members)
    assigned = set(costs)
    done = {job.ticket for job in completed}
    unassigned: dict[int, tuple[float, float]] = {}
    for ticket in problem.tickets:
        if ticket.index in assigned or ticket.index in done:
            continue
        respond, resolve, ticket_sla, late, defer = _unassigned_terms(problem, ticket)
        unassigned[ticket.index] = (respond, resolve)
        sla += ticket_sla
        lateness += late
        deferral += defer
    travel_cost = _travel_cost(problem, travel_minutes)
    total = sla + lateness + deferral + travel_cost + preference + disruption
    return Evaluation(
        total,
        sla,
        lateness,
        deferral,
        travel_cost,
        preference,
        disruption,
        travel_minutes,
        costs,
        unassigned,
    )
