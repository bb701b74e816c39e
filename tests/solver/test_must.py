"""Work that must be assigned (booked appointments, must_assign) is placed before any
search and stays placed: a plan never leaves it ``deferred`` (SPEC "must_assign")."""

from __future__ import annotations

from dispatcher.api import check, solve_scenario
from dispatcher.semantics.evaluate import evaluate
from dispatcher.solver.construct import greedy_plan
from dispatcher.solver.must import MustKeeper, place_must
from tests.scenarios import tiny

# Alice alone, one day; six 1.5-hour P1 jobs fill it, then a 2-hour P3 that must be done.
FULL_DAY = (
    """
engineers:
  - {id: alice, home: alice-home,
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
tickets:
"""
    + "".join(
        f"  - {{id: T-{i}, client: northwind, priority: P1, opened: 2026-11-30T07:00, "
        f"effort: 90m}}\n"
        for i in range(6)
    )
    + """  - {id: T-MUST, client: northwind, priority: P3, opened: 2026-11-30T07:00,
     effort: 2h, must_assign: true}
"""
)

ONE_DAY = {"start": "2026-11-30T08:00", "end": "2026-11-30T18:00"}


def test_the_construction_leaves_must_work_out_when_the_day_is_full() -> None:
    problem = tiny(FULL_DAY, **ONE_DAY)
    jobs = greedy_plan(problem, thrifty=True)
    assert problem.ticket_index["T-MUST"] not in {job.ticket for job in jobs}


def test_must_work_evicts_work_that_need_not_be_done() -> None:
    problem = tiny(FULL_DAY, **ONE_DAY)
    jobs = greedy_plan(problem, thrifty=True)
    placed = place_must(problem, jobs, lambda js: evaluate(problem, js), float("inf"))
    tickets = {problem.tickets[job.ticket].id for job in placed}
    assert "T-MUST" in tickets
    assert len(tickets) == 5  # two 90-minute jobs made room; neither fits in the hour left
    assert MustKeeper(problem, placed).keeps(placed)
    assert not MustKeeper(problem, placed).keeps(jobs)


def test_a_plan_keeps_must_work_whatever_the_time_limit() -> None:
    problem = tiny(FULL_DAY, **ONE_DAY)
    for limit in (0.2, 1.0):
        plan = solve_scenario(problem, time_limit=limit, seed=0, workers=1)
        assert "T-MUST" in {a.ticket for a in plan.assignments}, limit
        assert check(problem, plan).ok


def test_past_its_deadline_the_construction_still_places_must_work() -> None:
    problem = tiny(FULL_DAY, **ONE_DAY)
    jobs = greedy_plan(problem, deadline=0.0)  # out of time from the start
    assert [problem.tickets[job.ticket].id for job in jobs] == ["T-MUST"]
