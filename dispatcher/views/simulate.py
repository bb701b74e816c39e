"""``dispatch simulate``: a plan carried out against fresh random efforts, run after run.

The plan is read as the other views read it (``PlanView``: a rescheduled plan with its
added tickets, absences and cut jobs). Its assignments become the execution's jobs (a job
that began before a rescheduled plan's ``now`` runs on and ends no earlier than now);
completed work and the worked parts of cut jobs keep their recorded times. Every ticket
is then carried out ``runs`` times against ``FreshDraws`` and its breaches counted per
run; each ticket that breaches is also carried out alone (its own effort, nobody's before
it), so a reader sees what its own effort explains and what the jobs before it add.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from dispatcher.errors import InputError
from dispatcher.semantics.execution import (
    Execution,
    Executor,
    FixedJob,
    PlannedJob,
    RunningJob,
    planned_job,
)
from dispatcher.semantics.problem import Problem
from dispatcher.semantics.simulation import (
    Breaches,
    EffortShape,
    FreshDraws,
    SimulationReport,
    TicketBreach,
    breaches_by_ticket,
    breaches_by_tier,
    breaches_of,
    tier_outcome,
)
from dispatcher.views.planview import PlanView
from dispatcher.views.terminal import add_row, plain
from models import Assignment, Plan

SHOWN = 10  # tickets the terminal summary lists


@dataclass(frozen=True)
class PlanJobs:
    """A plan as the executor's jobs (cut jobs' remainders carry their fixed response
    risk in ``PlannedJob.response_risk``)."""

    planned: list[PlannedJob]
    running: list[RunningJob]
    fixed: list[FixedJob]


def _crew(view: PlanView, assignment: Assignment) -> list[tuple[int, int]]:
    """(engineer index, travel minutes) of each crew member besides the lead."""
    return [
        (view.engineer(member.engineer).index, member.travel_minutes)
        for member in assignment.crew or []
    ]


def plan_jobs(view: PlanView) -> PlanJobs:
    """The plan's jobs for ``Executor.run`` (see the module docstring)."""
    problem, now = view.problem, view.now
    planned: list[PlannedJob] = []
    running: list[RunningJob] = []
    for assignment in view.plan.assignments:
        ticket = view.ticket(assignment.ticket).index
        lead = view.engineer(assignment.engineer).index
        crew = _crew(view, assignment)
        engineers = [lead, *(member for member, _ in crew)]
        travel = [assignment.travel_minutes, *(minutes for _, minutes in crew)]
        start = view.minute(assignment.start)
        if now is not None and start < now:
            running.append(RunningJob(ticket, tuple(engineers), start, now))
        else:
            planned.append(planned_job(problem, ticket, engineers, start, travel))
    fixed = [
        FixedJob(job.ticket.index, tuple(e.index for e in job.members), job.start, job.end)
        for job in view.jobs
        if job.completed
    ]
    worked: dict[int, int] = {}  # a cut job's remainder: when its first part started
    for job in fixed:
        worked[job.ticket] = min(job.start, worked.get(job.ticket, job.start))
    remainders = {job.ticket for job in planned}
    overrides = {
        ticket: 0.0 if start <= problem.tickets[ticket].response_due else 1.0
        for ticket, start in worked.items()
        if ticket in remainders
    }
    planned = [
        PlannedJob(j.ticket, j.engineers, j.start, j.travel, j.held, overrides[j.ticket])
        if j.ticket in overrides
        else j
        for j in planned
    ]
    return PlanJobs(planned, running, fixed)


def simulate_plan(
    problem: Problem,
    plan: Plan,
    runs: int = 1000,
    seed: int = 0,
    effort_shape: EffortShape = "lognormal",
) -> SimulationReport:
    """Carry ``plan`` out ``runs`` times against fresh draws (numpy seed ``seed``) of
    efforts shaped ``effort_shape`` (``FreshDraws``)."""
    if runs < 1:
        raise InputError.single("--runs", f"must be at least 1 (got {runs})")
    view = PlanView(problem, plan)
    problem = view.problem
    jobs = plan_jobs(view)
    draws = FreshDraws([ticket.id for ticket in problem.tickets], runs, seed, effort_shape)
    executor = Executor(problem, draws, now=view.now)
    execution = executor.run(jobs.planned, running=jobs.running, fixed=jobs.fixed)
    breaches = breaches_by_ticket(problem, execution)
    counts = breaches_by_tier(problem, breaches, runs)
    promised = plan.kpis.by_tier
    by_tier = {
        tier: tier_outcome(promised[tier].expected_breaches if tier in promised else 0.0, count)
        for tier, count in sorted(counts.items())
    }
    job_of: dict[int, PlannedJob | RunningJob] = {job.ticket: job for job in jobs.running}
    job_of.update((job.ticket, job) for job in jobs.planned)
    tickets = [
        _ticket_breach(problem, executor, job_of.get(index), index, outcome_breaches)
        for index, outcome_breaches in breaches.items()
        if outcome_breaches.any.any()
    ]
    tickets.sort(key=lambda item: (-item.breach_probability, item.ticket))
    return SimulationReport(
        runs=runs, seed=seed, by_tier=by_tier, tickets=tickets, effort_shape=effort_shape
    )


def _ticket_breach(
    problem: Problem,
    executor: Executor,
    job: PlannedJob | RunningJob | None,
    index: int,
    breaches: Breaches,
) -> TicketBreach:
    """A breaching ticket's shares of runs, in the plan and with ``job`` (its job, None
    when unassigned) carried out alone."""
    ticket = problem.tickets[index]
    alone = _alone(problem, executor, job, index)
    start_of_plan = max(0, executor.now or 0, ticket.opened)
    return TicketBreach(
        ticket=ticket.id,
        breach_probability=float(breaches.any.mean()),
        tier=ticket.tier,
        response_probability=float(breaches.response.mean()),
        resolution_probability=float(breaches.resolution.mean()),
        alone=float(alone.any.mean()),
        assigned=job is not None,
        response_due_before_start=not ticket.responded and ticket.response_due < start_of_plan,
    )


def _alone(
    problem: Problem, executor: Executor, job: PlannedJob | RunningJob | None, index: int
) -> Breaches:
    """The ticket's breaches when its job is the only one carried out (same draws)."""
    ticket = problem.tickets[index]
    if job is None:
        return breaches_of(ticket, executor.unassigned(index))
    planned = [job] if isinstance(job, PlannedJob) else []
    running = [job] if isinstance(job, RunningJob) else []
    execution: Execution = executor.run(planned, running=running, engineers=[job.engineers[0]])
    return breaches_of(ticket, execution.outcomes[index])


def _percent(share: float) -> str:
    if 0.0 < share < 0.005:
        return "<1%"
    return f"{share:.0%}"


def print_simulation(console: Console, report: SimulationReport, plan_name: str = "") -> None:
    """Promised vs happened per tier, and the tickets most likely to breach with why."""
    shape = "" if report.effort_shape == "lognormal" else f"{report.effort_shape} "
    title = f"{report.runs} runs against fresh {shape}efforts (seed {report.seed})"
    console.print(plain(f"{plan_name + ': ' if plan_name else ''}{title}", "bold"))
    tiers = Table(title="Breaches per tier (response + resolution)", title_justify="left")
    tiers.add_column("tier")
    tiers.add_column("promised", justify="right")
    tiers.add_column("happened (mean)", justify="right")
    tiers.add_column("p10-p90", justify="right")
    for tier, outcome in report.by_tier.items():
        add_row(
            tiers,
            tier,
            f"{outcome.promised:.2f}",
            f"{outcome.mean:.2f}",
            f"{outcome.p10:g}-{outcome.p90:g}",
        )
    console.print(tiers)
    if not report.tickets:
        console.print("No ticket breached in any run.")
        return
    shown = report.tickets[:SHOWN]
    table = Table(title=f"The {len(shown)} tickets most likely to breach", title_justify="left")
    table.add_column("ticket")
    table.add_column("tier")
    table.add_column("in the plan", justify="right")
    table.add_column("own effort alone", justify="right")
    table.add_column("why")
    for item in shown:
        add_row(
            table,
            item.ticket,
            item.tier,
            _percent(item.breach_probability),
            "-" if item.alone is None else _percent(item.alone),
            _why(item),
        )
    console.print(table)


def _why(item: TicketBreach) -> str:
    if not item.assigned:
        return "unassigned"
    alone = item.alone or 0.0
    if alone >= item.breach_probability - 1e-9:
        if item.response_due_before_start:
            return "response already overdue"
        return "its own effort"
    if alone == 0.0:
        return "the jobs before it"
    return "own effort + the jobs before it"
