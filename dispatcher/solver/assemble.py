"""Plan assembly: a schedule and its exact evaluation become a plan file's model, with
the reasons of unassigned tickets and the KPIs (SPEC "Plan file")."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from dispatcher.io.identity import identity
from dispatcher.semantics.evaluate import Evaluation, Job, unassigned_cost
from dispatcher.semantics.problem import Problem
from dispatcher.solver.construct import Schedule
from dispatcher.solver.reasons import deferred_detail, unassigned_reason
from models import (
    Assignment,
    Completed,
    CrewMember,
    Kpis,
    Objective,
    Plan,
    ScenarioRef,
    SolverInfo,
    TierKpi,
    Unassigned,
)

DETAIL_PROBES = 20_000  # engineers tried in all for deferred details (big days: the costliest)
# A solve of ``t`` seconds affords ``DETAIL_PROBES_PER_SECOND * t`` of them (at least
# ``MIN_DETAIL_PROBES``): a probe costs 50-100 us, and the time kept for writing the plan
# grows by 0.02 s per second of the limit for them (``budget.OUTPUT_SECONDS_PER_LIMIT``).
DETAIL_PROBES_PER_SECOND = 300
MIN_DETAIL_PROBES = 200


def build_plan(
    problem: Problem,
    jobs: list[Job],
    evaluation: Evaluation,
    *,
    status: str,
    time_s: float,
    bound: float | None,
    seed: int,
    completed: list[Job] | None = None,
    previous: dict[int, tuple[Any, ...]] | None = None,
    reschedule: dict[str, Any] | None = None,
    not_before: dict[int, int] | None = None,
    reasons: Problem | None = None,
    detail_probes: int = DETAIL_PROBES,
) -> Plan:
    """The plan file of a schedule whose exact objective is ``evaluation``.

    ``reasons`` (rescheduling): the problem unassigned tickets are judged on, with the
    time running work holds taken out of the engineers' shifts.

    ``not_before`` (rescheduling): per ticket, nobody sets off for it before then.
    """
    completed = completed or []
    assignments = []
    for job in sorted(jobs, key=lambda j: (problem.engineers[j.engineer].id, j.start)):
        ticket = problem.tickets[job.ticket]
        cost = evaluation.jobs[job.ticket]
        extra: dict[str, Any] = {}
        if previous is not None:
            old = previous.get(job.ticket)
            extra["previous"] = None if old is None else _previous(old)
        if job.crew:
            extra["crew"] = [
                CrewMember(engineer=problem.engineers[member].id, travel_minutes=trips)
                for member, trips in zip(job.crew, cost.crew_travel, strict=True)
            ]
        assignments.append(
            Assignment(
                ticket=ticket.id,
                engineer=problem.engineers[job.engineer].id,
                start=problem.instant(job.start),
                end=problem.instant(job.end),
                travel_minutes=cost.travel,
                response_due=problem.instant(ticket.response_due),
                resolution_due=problem.instant(ticket.resolution_due),
                response_risk=cost.response_risk,
                resolution_risk=cost.resolution_risk,
                **extra,
            )
        )
    unassigned = []
    reasons_of = {
        t: unassigned_reason(reasons or problem, problem.tickets[t], (not_before or {}).get(t, 0))
        for t in evaluation.unassigned_risk
    }
    if reasons is None and not not_before:  # a daily plan: say where deferred work would go
        _deferred_details(problem, jobs, reasons_of, detail_probes)
    for ticket_index in sorted(reasons_of, key=lambda i: problem.tickets[i].id):
        reason, detail = reasons_of[ticket_index]
        unassigned.append(
            Unassigned(ticket=problem.tickets[ticket_index].id, reason=reason, detail=detail)  # type: ignore[arg-type]
        )
    done = [
        Completed(
            ticket=problem.tickets[job.ticket].id,
            engineer=problem.engineers[job.engineer].id,
            start=problem.instant(job.start),
            end=problem.instant(job.end),
            **(
                {"crew": [{"engineer": problem.engineers[m].id} for m in job.crew]}
                if job.crew
                else {}
            ),
        )
        for job in sorted(completed, key=lambda j: (j.start, problem.tickets[j.ticket].id))
    ]
    return Plan(
        scenario=ScenarioRef(name=problem.name, sha256=problem.sha256, **identity(problem)),
        solver=SolverInfo(status=status, time_s=round(time_s, 3), bound=bound, seed=seed),  # type: ignore[arg-type]
        objective=Objective(**evaluation.parts()),
        assignments=assignments,
        unassigned=unassigned,
        completed=done,
        kpis=kpis(problem, jobs, evaluation, {job.ticket for job in completed}),
        reschedule=reschedule,
    )


def _previous(old: tuple[Any, ...]) -> dict[str, Any]:
    """An assignment's ``previous``: (engineer id, start) or, for a crew job, (engineer id,
    start, the other members' ids)."""
    entry: dict[str, Any] = {"engineer": old[0], "start": old[1]}
    if len(old) > 2 and old[2]:
        entry["crew"] = list(old[2])
    return entry


def detail_probes(time_limit: float) -> int:
    """The probes the deferred details of a plan solved in ``time_limit`` seconds may use
    (fixed by the limit, so that a plan file stays reproducible)."""
    return max(MIN_DETAIL_PROBES, min(DETAIL_PROBES, int(DETAIL_PROBES_PER_SECOND * time_limit)))


def _deferred_details(
    problem: Problem, jobs: list[Job], reasons_of: dict[int, tuple[str, str]], probes: int
) -> None:
    """Replace the deferred tickets' empty-day detail with what the plan shows, costliest
    to leave first, within a fixed amount of work (so a plan file stays reproducible)."""
    deferred = sorted(
        (
            t
            for t, (reason, _) in reasons_of.items()
            if reason == "deferred" and problem.tickets[t].crew == 1
        ),
        key=lambda t: (-unassigned_cost(problem, problem.tickets[t]), problem.tickets[t].id),
    )
    schedule = None
    for ticket_index in deferred:
        probes -= len(problem.eligible[ticket_index])
        if probes < 0:
            break
        schedule = schedule or Schedule.of(problem, jobs)
        detail = deferred_detail(problem, problem.tickets[ticket_index], schedule)
        reasons_of[ticket_index] = ("deferred", detail)


def kpis(problem: Problem, jobs: list[Job], evaluation: Evaluation, completed: set[int]) -> Kpis:
    """Per tier: tickets, assigned, expected breaches (response + resolution risk)."""
    counts: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for ticket in problem.tickets:
        if ticket.index in completed:
            continue
        counts[ticket.tier][0] += 1
    for job in jobs:
        ticket = problem.tickets[job.ticket]
        cost = evaluation.jobs[job.ticket]
        counts[ticket.tier][1] += 1
        counts[ticket.tier][2] += cost.response_risk + cost.resolution_risk
    for ticket_index, (respond, resolve) in evaluation.unassigned_risk.items():
        counts[problem.tickets[ticket_index].tier][2] += respond + resolve
    by_tier = {
        tier: TierKpi(tickets=int(n), assigned=int(a), expected_breaches=round(b, 6))
        for tier, (n, a, b) in sorted(counts.items())
    }
    return Kpis(by_tier=by_tier, travel_minutes=evaluation.travel_minutes)
