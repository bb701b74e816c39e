"""Reordering a day against the exact objective: a job with a tight due time moves ahead
of an uncertain one, and nothing the rules forbid is ever written."""

from __future__ import annotations

from collections.abc import Callable

from dispatcher.semantics.evaluate import Job, evaluate
from dispatcher.semantics.problem import Problem
from dispatcher.solver.feasibility import broken_tickets
from dispatcher.solver.reorder import ReorderBudget, polish_days, reorder_days
from tests.scenarios import ALICE_HALF_DAYS_200_DRAWS, tiny

DAY = (
    ALICE_HALF_DAYS_200_DRAWS
    + """
tickets:
  - {id: LONG, client: northwind, priority: P3, opened: 2026-11-30T08:00,
     effort: {p50: 2h, p90: 5h}}
  - {id: TIGHT, client: northwind, priority: P1, opened: 2026-11-30T08:00,
     effort: {p50: 30m, p90: 45m}}
"""
)


def _valid(problem: Problem) -> Callable[[list[Job]], bool]:
    return lambda jobs: not broken_tickets(problem, jobs)


def test_a_tight_job_moves_ahead_of_an_uncertain_one() -> None:
    problem = tiny(DAY)
    long, tight = problem.ticket_index["LONG"], problem.ticket_index["TIGHT"]
    jobs = [Job(long, 0, 0, 120), Job(tight, 0, 120, 150)]
    before = evaluate(problem, jobs)
    assert before.jobs[tight].response_risk > 0.9  # P1: response due 08:30
    after_jobs, after = reorder_days(
        problem,
        jobs,
        before,
        lambda candidate: evaluate(problem, candidate),
        _valid(problem),
        ReorderBudget(deadline=float("inf"), moves=50),
    )
    order = [job.ticket for job in sorted(after_jobs, key=lambda job: job.start)]
    assert order == [tight, long]
    assert after.total < before.total
    assert after.jobs[tight].response_risk == 0.0
    assert not broken_tickets(problem, after_jobs)
    assert after.total == evaluate(problem, after_jobs).total


def test_polishing_a_neighbourhood_keeps_other_days_and_every_ticket() -> None:
    problem = tiny(DAY.replace("policy: {risk_samples: 200}", "policy: {risk_samples: 100}"))
    long, tight = problem.ticket_index["LONG"], problem.ticket_index["TIGHT"]
    jobs = [Job(long, 0, 0, 120), Job(tight, 0, 120, 150)]
    polished = polish_days(problem, jobs, [0], moves=10)
    assert sorted(job.ticket for job in polished) == sorted([long, tight])
    assert evaluate(problem, polished).total < evaluate(problem, jobs).total
    assert polish_days(problem, jobs, [], moves=10) == jobs
    assert polish_days(problem, jobs, [0], moves=0) == jobs


def test_a_day_without_risk_is_left_alone() -> None:
    problem = tiny(DAY)
    tight = problem.ticket_index["TIGHT"]
    jobs = [Job(tight, 0, 0, 30)]
    evaluation = evaluate(problem, jobs)
    same, again = reorder_days(
        problem,
        jobs,
        evaluation,
        lambda candidate: evaluate(problem, candidate),
        _valid(problem),
        ReorderBudget(deadline=float("inf"), moves=50),
    )
    assert same == jobs
    assert again.total == evaluation.total
