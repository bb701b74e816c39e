"""Short jobs do not pause overnight (SPEC "Work"): a job whose p50 is shorter than
``policy.split_overnight_from`` has no gap of 3 hours or more between two shifts of its
engineer inside [S, F]. Every planning path keeps it: the constructions (ours and the
rule of thumb), the CP-SAT model, the feasibility test, the unassigned reasons."""

from __future__ import annotations

import itertools

import pytest

from dispatcher.api import check, solve_scenario
from dispatcher.io.generator import generate_scenario
from dispatcher.io.loader import load_scenario_text
from dispatcher.semantics.evaluate import Job
from dispatcher.semantics.problem import Problem
from dispatcher.semantics.shifts import OVERNIGHT_GAP
from dispatcher.solver.construct import greedy_plan, reference_plan
from dispatcher.solver.feasibility import broken_tickets
from dispatcher.solver.model import ModelBuilder
from dispatcher.solver.reasons import unassigned_reason
from dispatcher.solver.solve import SolveOptions, solve
from tests.scenarios import tiny

MON_17 = 9 * 60  # minutes from the horizon start, Monday 08:00
TUE_08 = 24 * 60

# Alice is booked until 16:46 on Monday: a 15-minute job fits that day only by running
# 14 minutes in the afternoon and 1 the next morning.
BOOKED = """
engineers:
  - {{id: alice, home: alice-home,
     shifts: [{{start: 2026-11-30T08:00, end: 2026-11-30T17:00}},
              {{start: 2026-12-01T08:00, end: 2026-12-01T17:00}}]}}
tickets:
  - {{id: T-1, client: northwind, priority: P2, opened: 2026-11-30T07:00, effort: {booked},
     assigned_to: alice, fixed_start: 2026-11-30T08:00}}
  - {{id: T-2, client: northwind, priority: P1, opened: 2026-11-30T07:00, effort: {short}}}
{policy}"""


def booked(short: str = "15m", booked: str = "526m", policy: str = "") -> Problem:
    return tiny(BOOKED.format(short=short, booked=booked, policy=policy))


def night_splits(problem: Problem, jobs: list[Job]) -> list[Job]:
    """Jobs shorter than split_overnight_from with a gap of 3 h or more inside [S, F],
    judged from the shifts themselves (not with the solver's arithmetic)."""
    found = []
    for job in jobs:
        if problem.tickets[job.ticket].p50 >= problem.split_overnight_from:
            continue
        shifts = problem.engineers[job.engineer].calendar.shifts
        for (_, gap_start), (gap_end, _) in itertools.pairwise(shifts):
            if gap_end - gap_start >= OVERNIGHT_GAP and job.start <= gap_start < gap_end <= job.end:
                found.append(job)
                break
    return found


def job_of(jobs: list[Job], problem: Problem, ticket: str) -> Job:
    return next(job for job in jobs if job.ticket == problem.ticket_index[ticket])


FAST = SolveOptions(time_limit=2.0, workers=1, seed=0)


@pytest.mark.parametrize("build", [greedy_plan, reference_plan])
def test_a_short_job_that_fits_only_split_overnight_waits_for_the_morning(build):
    problem = booked()
    job = job_of(build(problem), problem, "T-2")
    assert (job.start, job.end) == (TUE_08, TUE_08 + 15)


def test_the_model_plans_it_the_next_morning_and_the_checker_agrees():
    problem = booked()
    result = solve(problem, FAST)
    job = job_of(result.jobs, problem, "T-2")
    assert (job.start, job.end) == (TUE_08, TUE_08 + 15)
    plan = solve_scenario(problem, time_limit=2.0, workers=1, seed=0)
    report = check(problem, plan)
    assert report.ok, [str(v) for v in report.violations]


def test_the_model_offers_no_start_that_would_run_into_the_night():
    problem = booked()
    built = ModelBuilder(problem).build()
    short = problem.ticket_index["T-2"]
    for alternative in built.alternatives:
        if alternative.ticket == short:
            calendar = problem.engineers[alternative.engineer].calendar
            for start in (alternative.first, alternative.last):
                assert calendar.finish(start, 15, overnight=False) == start + alternative.length
    assert any(a.ticket == short and a.last == MON_17 - 15 for a in built.alternatives)


def test_the_feasibility_test_refuses_a_short_job_split_overnight():
    problem = booked()
    booked_job = Job(problem.ticket_index["T-1"], 0, 0, 526)
    split = Job(problem.ticket_index["T-2"], 0, 526, TUE_08 + 1)
    assert broken_tickets(problem, [booked_job, split]) == {split.ticket}
    morning = Job(split.ticket, 0, TUE_08, TUE_08 + 15)
    assert not broken_tickets(problem, [booked_job, morning])


def test_a_five_hour_job_may_still_pause_overnight():
    problem = booked(short="5h")
    for jobs in (greedy_plan(problem), solve(problem, FAST).jobs):
        job = job_of(jobs, problem, "T-2")
        assert (job.start, job.end) == (526, TUE_08 + 300 - 14)
    assert not broken_tickets(problem, greedy_plan(problem))


def test_split_overnight_from_one_minute_lets_the_old_split_through():
    problem = booked(policy="policy: {split_overnight_from: 1m}")
    assert problem.split_overnight_from == 1
    for jobs in (greedy_plan(problem), reference_plan(problem), solve(problem, FAST).jobs):
        job = job_of(jobs, problem, "T-2")
        assert (job.start, job.end) == (526, TUE_08 + 1)
        assert not broken_tickets(problem, jobs)


LUNCH = """
engineers:
  - {id: alice, home: alice-home,
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T12:30},
              {start: 2026-11-30T13:00, end: 2026-11-30T17:00}]}
tickets:
  - {id: T-1, client: northwind, priority: P2, opened: 2026-11-30T07:00, effort: 260m,
     assigned_to: alice, fixed_start: 2026-11-30T08:00}
  - {id: T-2, client: northwind, priority: P1, opened: 2026-11-30T07:00, effort: 15m}
"""


def test_a_short_job_may_pause_over_lunch():
    problem = tiny(LUNCH)
    for jobs in (greedy_plan(problem), reference_plan(problem), solve(problem, FAST).jobs):
        job = job_of(jobs, problem, "T-2")
        assert (job.start, job.end) == (260, 305)  # 12:20-12:30, lunch, 13:00-13:05
        assert not broken_tickets(problem, jobs)


SLIVERS = """
engineers:
  - {id: alice, home: alice-home,
     shifts: [{start: 2026-11-30T16:50, end: 2026-11-30T17:00},
              {start: 2026-12-01T08:00, end: 2026-12-01T08:10}]}
tickets:
  - {id: T-2, client: northwind, priority: P1, opened: 2026-11-30T07:00, effort: 15m}
"""


def test_with_no_room_without_a_night_it_is_left_out_for_want_of_capacity():
    problem = tiny(SLIVERS)
    assert greedy_plan(problem) == []
    result = solve(problem, FAST)
    assert result.jobs == []
    reason, detail = unassigned_reason(problem, problem.tickets[0])
    assert reason == "no_capacity"
    assert "without pausing overnight" in detail and "10 min" in detail, detail
    plan = solve_scenario(problem, time_limit=1.0, workers=1, seed=0)
    assert [(u.ticket, u.reason) for u in plan.unassigned] == [("T-2", "no_capacity")]


def test_with_split_overnight_from_one_minute_the_slivers_hold_it():
    problem = tiny(SLIVERS + "policy: {split_overnight_from: 1m}\n")
    (job,) = greedy_plan(problem)
    assert (job.start, job.end) == (530, TUE_08 + 5)


@pytest.mark.parametrize("seed", range(30))
def test_constructions_never_split_a_short_job_overnight_on_generated_days(seed):
    problem = load_scenario_text(generate_scenario(4, 25, days=2, seed=seed), "g.yaml")
    for jobs in (greedy_plan(problem), reference_plan(problem)):
        assert not night_splits(problem, jobs)
        assert not broken_tickets(problem, jobs)


@pytest.mark.parametrize("seed", range(4))
def test_solved_generated_days_never_split_a_short_job_overnight(seed):
    problem = load_scenario_text(generate_scenario(4, 25, days=2, seed=seed), "g.yaml")
    result = solve(problem, SolveOptions(time_limit=1.0, workers=1, seed=seed))
    assert not night_splits(problem, result.jobs)
    assert not broken_tickets(problem, result.jobs)


def test_the_neighbourhood_search_never_splits_a_short_job_overnight():
    """Past the full model's size only neighbourhoods re-plan the day."""
    problem = load_scenario_text(generate_scenario(12, 260, days=2, seed=5), "g.yaml")
    result = solve(problem, SolveOptions(time_limit=3.0, workers=1, seed=0))
    assert not night_splits(problem, result.jobs)
    assert not broken_tickets(problem, result.jobs)
