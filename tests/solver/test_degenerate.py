"""Degenerate days: the tool still returns a plan, gives honest reasons, and check accepts it.

Everyone sick, a P1 nobody can do, every job booked for the same minute,
engineers without a single shift, a horizon of one hour: each is a real
morning somewhere, not an error. The plan must list every ticket exactly once,
say why each unassigned one is unassigned, pass the independent checker, and
come back within its time limit (one second here).
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from dispatcher.api import solve_scenario
from dispatcher.checker import check_plan
from dispatcher.semantics.problem import Problem
from dispatcher.solver.reschedule.events import Events, Unavailable
from dispatcher.solver.reschedule.replan import reschedule
from dispatcher.solver.solve import SolveOptions
from models import Plan
from tests.scenarios import tiny

QUICK = SolveOptions(time_limit=1.0, workers=1)
PROMPT = 10.0  # seconds: a one-second solve plus model building, with room for a busy CI

TWO_ENGINEERS = """
engineers:
  - id: alice
    skills: {windows: 2, networking: 1}
    home: alice-home
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T17:00}
  - id: bob
    skills: [windows]
    home: bob-home
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T17:00}
"""


def planned(problem: Problem) -> Plan:
    """The daily plan, checked: every ticket once, every rule holding."""
    started = time.monotonic()
    plan = solve_scenario(problem, options=QUICK)
    assert time.monotonic() - started < PROMPT
    assert_accounted_for(problem, plan)
    report = check_plan(problem, plan)
    assert report.ok, report.violations
    return plan


def assert_accounted_for(problem: Problem, plan: Plan) -> None:
    listed = [
        entry.ticket
        for part in (plan.assignments, plan.unassigned, plan.completed)
        for entry in part
    ]
    assert sorted(listed) == sorted(ticket.id for ticket in problem.tickets)


def reasons(plan: Plan) -> dict[str, tuple[str, str]]:
    return {entry.ticket: (entry.reason, entry.detail) for entry in plan.unassigned}


def test_everyone_off_sick_leaves_the_rest_of_the_day_unassigned() -> None:
    """At 10:00 both engineers go home sick. Work done by then is completed; the running
    job is cut (its worked part recorded); everything else is unassigned, and says why."""
    problem = tiny(
        TWO_ENGINEERS
        + """
tickets:
  - {id: T-1, client: northwind, priority: P1, opened: 2026-11-30T08:00, effort: 1h}
  - {id: T-2, client: northwind, priority: P2, opened: 2026-11-30T08:00, effort: 3h}
  - {id: T-3, client: northwind, priority: P2, opened: 2026-11-30T08:00, effort: 2h}
  - {id: T-4, client: northwind, priority: P3, opened: 2026-11-30T08:00, effort: 2h}
"""
    )
    morning = planned(problem)
    started = time.monotonic()
    result = reschedule(
        problem,
        morning,
        "2026-11-30T10:00",
        Events(unavailable=[Unavailable("alice"), Unavailable("bob")]),
        QUICK,
    )
    assert time.monotonic() - started < PROMPT
    plan = result.plan
    now = dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)
    done_by_now = {job.ticket for job in morning.assignments if job.end <= now}
    running = {
        (job.ticket, job.engineer) for job in morning.assignments if job.start < now < job.end
    }
    assert done_by_now and running, "the morning plan has work done and work running at 10:00"
    assert plan.assignments == [], "nobody is left to do anything"
    assert {job.ticket for job in plan.completed} == done_by_now
    cuts = {
        (cut["ticket"], cut["engineer"])
        for event in plan.reschedule["events"]
        for cut in event.get("cut") or []
    }
    assert cuts == running
    assert_accounted_for(result.problem, plan)
    assert set(reasons(plan)) == {ticket.id for ticket in problem.tickets} - done_by_now
    for reason, detail in reasons(plan).values():
        assert reason == "window_unreachable"
        assert detail.startswith("no eligible engineer (alice, bob) is on shift")
    report = check_plan(problem, plan, morning)
    assert report.ok, report.violations


def test_a_p1_nobody_is_skilled_for_is_unassigned_and_named() -> None:
    """T-1 needs firewall level 3; nobody has firewall. The other work is still planned."""
    problem = tiny(
        TWO_ENGINEERS
        + """
tickets:
  - {id: T-1, client: northwind, priority: P1, opened: 2026-11-30T08:00, effort: 1h,
     skills: {firewall: 3}}
  - {id: T-2, client: northwind, priority: P2, opened: 2026-11-30T08:00, effort: 1h}
"""
    )
    plan = planned(problem)
    assert reasons(plan) == {"T-1": ("no_eligible_engineer", "needs firewall>=3; nobody has it")}
    assert [entry.ticket for entry in plan.assignments] == ["T-2"]
    assert plan.assignments[0].response_risk == 0.0


def test_every_job_booked_for_the_same_minute_holds() -> None:
    """Four engineers, four remote appointments all at 09:00, one each: all are kept."""
    engineers = "".join(
        f"""
  - id: {name}
    skills: [windows]
    onsite: false
    shifts:
      - {{start: 2026-11-30T08:00, end: 2026-11-30T17:00}}"""
        for name in ("ann", "ben", "cat", "dev")
    )
    tickets = "".join(
        f"""
  - {{id: T-{i}, client: northwind, priority: P2, opened: 2026-11-30T08:00, effort: 45m,
     assigned_to: {name}, fixed_start: 2026-11-30T09:00}}"""
        for i, name in enumerate(("ann", "ben", "cat", "dev"), 1)
    )
    problem = tiny(f"engineers:{engineers}\ntickets:{tickets}\n")
    plan = planned(problem)
    assert plan.unassigned == []
    assert {(entry.engineer, entry.start.isoformat()) for entry in plan.assignments} == {
        (name, "2026-11-30T09:00:00+00:00") for name in ("ann", "ben", "cat", "dev")
    }


def test_engineers_without_shifts_take_nothing() -> None:
    """Nobody works today: every ticket that someone has the skills for is
    window_unreachable (no eligible engineer is on shift), the rest no_eligible_engineer."""
    problem = tiny(
        TWO_ENGINEERS.replace(
            "shifts:\n      - {start: 2026-11-30T08:00, end: 2026-11-30T17:00}", "shifts: []"
        )
        + """
tickets:
  - {id: T-1, client: northwind, priority: P1, opened: 2026-11-30T08:00, effort: 1h}
  - {id: T-2, client: northwind, priority: P1, opened: 2026-11-30T08:00, effort: 1h,
     skills: {linux: 1}}
"""
    )
    plan = planned(problem)
    assert plan.assignments == []
    found = reasons(plan)
    assert found["T-1"][0] == "window_unreachable"
    assert found["T-2"] == ("no_eligible_engineer", "needs linux>=1; nobody has it")
    # Both are P1 managed tickets due inside the day: certain breaches, counted as such.
    assert plan.kpis.by_tier["managed"].expected_breaches == pytest.approx(4.0)


def test_a_horizon_of_one_hour() -> None:
    """08:00-09:00: a 30-minute job fits, a 3-hour one cannot, and the reason says so."""
    problem = tiny(
        """
engineers:
  - id: alice
    skills: [windows]
    home: alice-home
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T09:00}
tickets:
  - {id: T-1, client: northwind, priority: P2, opened: 2026-11-30T08:00, effort: 30m}
  - {id: T-2, client: northwind, priority: P2, opened: 2026-11-30T08:00, effort: 3h}
""",
        end="2026-11-30T09:00",
    )
    plan = planned(problem)
    assert [entry.ticket for entry in plan.assignments] == ["T-1"]
    assert reasons(plan) == {"T-2": ("no_capacity", "needs 3 h of shift time, the horizon has 1 h")}


def test_interchangeable_engineers_do_not_crash_the_model() -> None:
    """Six engineers alike (same home, shifts and skills) once made OR-Tools' symmetry
    detection fail on the hinted model ("absl::btree_map::at"); the solve goes on."""
    from dispatcher.api import check, solve_scenario
    from tests.scenarios import tiny

    same = "".join(
        f"  - {{id: e{i}, home: alice-home, skills: [windows],"
        f" shifts: [{{start: 2026-11-30T08:00, end: 2026-11-30T17:00}}]}}\n"
        for i in range(6)
    )
    problem = tiny(
        "engineers:\n"
        + same
        + "tickets:\n"
        + "  - {id: T-1, client: northwind, priority: P1, opened: 2026-11-30T08:00,"
        " effort: {p50: 1h, p90: 2h}}\n"
        + "  - {id: T-2, client: northwind, priority: P2, opened: 2026-11-30T08:30,"
        " effort: 30m, onsite: true}\n",
        start="2026-11-30T08:00",
        end="2026-11-30T18:00",
    )
    plan = solve_scenario(problem, time_limit=1, seed=0, workers=1)
    assert {a.ticket for a in plan.assignments} == {"T-1", "T-2"}
    assert check(problem, plan).ok
