"""Moving costly jobs between engineers' days against the exact objective: a late job
goes to an engineer who can start it sooner, or changes places with work that can wait;
every ticket stays placed, the objective never rises, and every plan passes the checker
(which recomputes its objective on its own)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatcher.checker import check_plan
from dispatcher.semantics.evaluate import Evaluation, Job, evaluate
from dispatcher.semantics.problem import Problem
from dispatcher.solver.assemble import build_plan
from dispatcher.solver.construct import reference_plan
from dispatcher.solver.feasibility import broken_tickets
from dispatcher.solver.relocate import relocate_jobs
from dispatcher.solver.reorder import ReorderBudget
from tests.scenarios import tiny

TWO_ENGINEERS = """
policy: {{risk_samples: 100}}
engineers:
  - id: alice
    skills: [windows]
    home: alice-home
    shifts:
      - {{start: 2026-11-30T08:00, end: {alice_ends}}}
  - id: bob
    skills: [windows]
    home: bob-home
    shifts:
      - {{start: 2026-11-30T08:00, end: 2026-11-30T17:00}}
tickets:
  - {{id: BLOCK, client: northwind, priority: P3, opened: 2026-11-30T08:00,
     effort: {{p50: 2h, p90: 3h}}}}
  - {{id: TIGHT, client: northwind, priority: P1, opened: 2026-11-30T08:00,
     effort: {{p50: 30m, p90: 40m}}}}
  - {{id: CHEAP, client: northwind, priority: P3, opened: 2026-11-30T08:00,
     effort: {{p50: 30m, p90: 30m}}}}
"""


def _day(alice_ends: str) -> Problem:
    return tiny(TWO_ENGINEERS.format(alice_ends=alice_ends))


def _relocated(
    problem: Problem, jobs: list[Job], moves: int = 50
) -> tuple[Evaluation, list[Job], Evaluation]:
    before = evaluate(problem, jobs)

    def valid(candidate: list[Job]) -> bool:
        return not broken_tickets(problem, candidate)

    after_jobs, after = relocate_jobs(
        problem,
        jobs,
        before,
        lambda candidate: evaluate(problem, candidate),
        valid,
        ReorderBudget(deadline=float("inf"), moves=moves),
    )
    assert sorted(job.ticket for job in after_jobs) == sorted(job.ticket for job in jobs)
    assert not broken_tickets(problem, after_jobs)
    assert after.total == evaluate(problem, after_jobs).total
    assert after.total <= before.total
    plan = build_plan(problem, after_jobs, after, status="feasible", time_s=0.0, bound=None, seed=0)
    report = check_plan(problem, plan)
    assert report.ok, report.violations
    assert report.objective["total"] == pytest.approx(after.total, abs=1e-6)
    return before, after_jobs, after


def _where(problem: Problem, jobs: list[Job]) -> dict[str, tuple[str, int]]:
    return {
        problem.tickets[job.ticket].id: (problem.engineers[job.engineer].id, job.start)
        for job in jobs
    }


def _ids(problem: Problem) -> tuple[int, int, int]:
    block, tight, cheap = (problem.ticket_index[t] for t in ("BLOCK", "TIGHT", "CHEAP"))
    return block, tight, cheap


def _tight_behind_block(problem: Problem) -> list[Job]:
    """Bob: BLOCK 08:00-10:00, then TIGHT (a P1, response due 08:30); alice: CHEAP, which
    can wait."""
    block, tight, cheap = _ids(problem)
    return [Job(block, 1, 0, 120), Job(tight, 1, 120, 150), Job(cheap, 0, 0, 30)]


def test_a_late_job_moves_to_an_engineer_who_starts_it_sooner() -> None:
    problem = _day("2026-11-30T17:00")
    block, tight, cheap = _ids(problem)
    # bob: BLOCK 08:00-10:00, then TIGHT (a P1, response due 08:30), then CHEAP; alice:
    # nothing, so there is no job to exchange with.
    jobs = [Job(block, 1, 0, 120), Job(tight, 1, 120, 150), Job(cheap, 1, 150, 180)]
    before, after_jobs, after = _relocated(problem, jobs)
    assert before.jobs[tight].response_risk == 1.0
    assert after.total < before.total
    placed = _where(problem, after_jobs)
    assert placed["TIGHT"] == ("alice", 0)
    assert after.jobs[tight].response_risk == 0.0
    assert placed["CHEAP"][0] == "bob"
    assert placed["CHEAP"][1] <= 120  # the gap TIGHT left is closed


def test_a_late_job_goes_ahead_of_work_that_can_wait() -> None:
    problem = _day("2026-11-30T17:00")
    tight = _ids(problem)[1]
    before, after_jobs, after = _relocated(problem, _tight_behind_block(problem))
    assert after.total < before.total
    placed = _where(problem, after_jobs)
    assert placed["TIGHT"][0] == "alice"
    assert placed["TIGHT"][1] < 30  # ahead of CHEAP
    assert after.jobs[tight].response_risk == 0.0


def test_a_late_job_changes_places_with_work_that_can_wait() -> None:
    # Alice has 40 minutes: TIGHT fits there only instead of CHEAP, which goes to bob.
    problem = _day("2026-11-30T08:40")
    _, tight, cheap = _ids(problem)
    before, after_jobs, after = _relocated(problem, _tight_behind_block(problem))
    assert after.total < before.total
    placed = _where(problem, after_jobs)
    assert placed["TIGHT"] == ("alice", 0)
    assert placed["CHEAP"][0] == "bob"
    assert after.jobs[tight].response_risk == 0.0
    assert after.jobs[cheap].response_risk < 0.05  # only if BLOCK overruns by over 2 h


def test_jobs_without_risk_stay_where_they_are() -> None:
    problem = _day("2026-11-30T17:00")
    block, tight, cheap = _ids(problem)
    jobs = [Job(tight, 1, 0, 30), Job(block, 1, 30, 150), Job(cheap, 0, 0, 30)]
    before, after_jobs, after = _relocated(problem, jobs)
    assert after_jobs == jobs
    assert after.total == before.total


def test_no_moves_allowed_changes_nothing() -> None:
    problem = _day("2026-11-30T17:00")
    jobs = _tight_behind_block(problem)
    _, after_jobs, _ = _relocated(problem, jobs, moves=0)
    assert after_jobs == jobs


PRIORITIES = ("P1", "P2", "P3")
EFFORTS = ((15, 20), (30, 60), (45, 90), (60, 120), (120, 240))


@st.composite
def crowded_days(draw: st.DrawFn) -> Problem:
    """Two or three engineers, with more work than their day holds, opened before it."""
    engineers = draw(st.integers(2, 3))
    count = draw(st.integers(4, 9))
    lines = ["policy: {risk_samples: 50}", "engineers:"]
    for index in range(engineers):
        ends = draw(st.sampled_from(("10:00", "12:00", "17:00")))
        lines += [
            f"  - id: e{index}",
            "    skills: [windows]",
            "    home: alice-home",
            "    shifts:",
            f"      - {{start: 2026-11-30T08:00, end: 2026-11-30T{ends}}}",
        ]
    lines.append("tickets:")
    for index in range(count):
        priority = draw(st.sampled_from(PRIORITIES))
        p50, p90 = draw(st.sampled_from(EFFORTS))
        opened = draw(st.sampled_from(("2026-11-27T09:00", "2026-11-30T06:00", "2026-11-30T08:00")))
        lines.append(
            f"  - {{id: T{index}, client: northwind, priority: {priority}, opened: {opened},"
            f" effort: {{p50: {p50}m, p90: {p90}m}}}}"
        )
    return tiny("\n".join(lines) + "\n")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_days())
def test_moves_from_the_rule_of_thumb_never_break_a_rule_nor_cost_more(problem: Problem) -> None:
    _relocated(problem, reference_plan(problem), moves=200)
