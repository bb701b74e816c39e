"""Hand-computed tiny instances, one per rule of the SPEC's semantics."""

from __future__ import annotations

import datetime as dt

import pytest

from dispatcher.api import check, solve_scenario
from dispatcher.io.loader import load_scenario_text
from dispatcher.semantics.evaluate import Job, evaluate
from dispatcher.semantics.walk import walk
from tests.scenarios import scenario_text, tiny

ALICE = """
engineers:
  - id: alice
    skills: {windows: 3, networking: 2}
    home: alice-home
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T12:30}
      - {start: 2026-11-30T13:00, end: 2026-11-30T17:00}
      - {start: 2026-12-01T08:00, end: 2026-12-01T17:00}
"""


def minute(problem, text: str) -> int:
    """Minutes since the horizon start of a local time of the scenario."""
    local = dt.datetime.fromisoformat(text).replace(tzinfo=problem.tz)
    return int((local - problem.origin).total_seconds() // 60)


def test_spec_example_t1001_costs_eight_point_zero_two():
    """SPEC's T-1001: booked 09:00, 14 min from Alice's home, responded, Alice's first job:
    it starts at 09:00 in every draw and misses 12:00 in the 47 of 500 draws whose effort
    exceeds the 180 shift minutes before it (SPEC: 0.094); weight 10*8 = 80, plus the mean
    lateness of those draws and 14 min travel at 0.1/h. Nothing can do better: optimal."""
    problem = tiny(
        ALICE
        + """
tickets:
  - {id: T-1001, client: northwind, priority: P1, opened: 2026-11-30T07:40, onsite: true,
     effort: {p50: 1h, p90: 3h}, skills: {networking: 2}, assigned_to: alice,
     window: {start: 2026-11-30T09:00, end: 2026-11-30T11:00},
     fixed_start: 2026-11-30T09:00, responded: 2026-11-30T07:55,
     response_due: 2026-11-30T08:30, resolution_due: 2026-11-30T12:00}
"""
    )
    plan = solve_scenario(problem, time_limit=2, workers=1)
    (job,) = plan.assignments
    assert job.travel_minutes == 14
    assert job.resolution_risk == 0.094
    # Past 12:00 by the minutes of work left after 180: in the 30 minutes to lunch, then
    # after lunch (13:00-17:00, 30 minutes more), then from Tuesday 08:00 (20 h after).
    late = []
    for effort in problem.draws.efforts("T-1001", 60, 180).tolist():
        left = effort - 180
        assert left <= 270 + 540  # every draw ends inside the horizon
        late.append(
            0
            if left <= 0
            else left
            if left <= 30
            else left + 30
            if left <= 270
            else 1200 + left - 270
        )
    assert sum(1 for minutes in late if minutes > 0) == 47
    lateness = sum(late) / 500
    assert plan.objective.lateness == pytest.approx(80 * 0.05 * lateness / 60)
    assert plan.objective.total == pytest.approx(
        80 * 0.094 + 80 * 0.05 * lateness / 60 + 0.1 * 14 / 60, abs=1e-9
    )
    assert plan.solver.status == "optimal"
    assert check(problem, plan).ok


def test_deadline_on_business_calendar_skips_the_weekend():
    """P3 managed opened Fri 14:00: response 4 h ends exactly at Friday's 18:00 closing;
    resolution 20 h = Fri 4 h + Mon 10 h + Tue 6 h -> Tue 14:00."""
    problem = tiny(
        ALICE
        + """
tickets:
  - {id: T-1, client: northwind, priority: P3, opened: 2026-11-27T14:00, effort: 1h}
  - {id: T-2, client: northwind, priority: P2, opened: 2026-11-28T10:00, effort: 1h}
"""
    )
    first, saturday = problem.tickets
    assert first.response_due == minute(problem, "2026-11-27T18:00")
    assert first.resolution_due == minute(problem, "2026-12-01T14:00")
    # Opened on Saturday: the clock starts at Monday's first business minute.
    assert saturday.response_due == minute(problem, "2026-11-30T09:00")


def test_24x7_deadline_across_the_autumn_clock_change():
    """Break-fix P1 opened 00:30 BST on 25 Oct 2026, 1 d elapsed = 24 h later = 23:30 GMT."""
    problem = tiny(
        ALICE.replace("2026-11-30", "2026-10-25").replace("2026-12-01", "2026-10-26")
        + """
tickets:
  - {id: T-1, client: corner-shop, priority: P1, opened: 2026-10-25T00:30, effort: 1h}
""",
        start="2026-10-25T08:00",
        end="2026-10-26T18:00",
    )
    (ticket,) = problem.tickets
    due = problem.instant(ticket.resolution_due)
    assert due.astimezone(dt.UTC) == dt.datetime(2026, 10, 25, 23, 30, tzinfo=dt.UTC)
    assert due.hour == 23 and due.utcoffset() == dt.timedelta(0)


def test_work_spanning_a_night_pauses_outside_shifts():
    """10 h of work from Mon 09:00: 3.5 h + 4 h on Monday, 2.5 h on Tuesday -> Tue 10:30."""
    problem = tiny(ALICE + "tickets: []\n")
    calendar = problem.engineers[0].calendar
    start = minute(problem, "2026-11-30T09:00")
    assert calendar.finish(start, 600) == minute(problem, "2026-12-01T10:30")


def test_travel_needed_before_an_onsite_job_and_location_carries_over_lunch():
    """Home -> hq is 14 min; a second hq visit after lunch needs no travel (same day)."""
    problem = tiny(
        ALICE
        + """
tickets:
  - {id: T-1, client: northwind, priority: P3, opened: 2026-11-30T07:00, onsite: true, effort: 1h}
  - {id: T-2, client: northwind, priority: P3, opened: 2026-11-30T07:00, onsite: true, effort: 1h}
"""
    )
    engineer = problem.engineers[0]
    morning, afternoon = minute(problem, "2026-11-30T08:14"), minute(problem, "2026-11-30T13:00")
    steps = walk(problem, engineer, [(0, morning, morning + 60), (1, afternoon, afternoon + 60)])
    assert [s.travel for s in steps] == [14, 0]
    assert all(s.start >= s.earliest for s in steps)
    too_early = walk(problem, engineer, [(0, morning - 1, morning + 59)])
    assert too_early[0].start < too_early[0].earliest


def test_tier_cap_keeps_break_fix_jobs_apart():
    """Two 2 h break-fix P1 jobs, two engineers, cap 1: they run one after the other,
    both well inside their 1 d resolution, so the SLA risk is 0."""
    problem = tiny(
        """
engineers:
  - {id: alice, home: alice-home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
  - {id: bob, home: bob-home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
tickets:
  - {id: T-1, client: corner-shop, priority: P1, opened: 2026-11-30T07:00, effort: 2h}
  - {id: T-2, client: corner-shop, priority: P1, opened: 2026-11-30T07:00, effort: 2h}
"""
    )
    plan = solve_scenario(problem, time_limit=2, workers=1)
    first, second = sorted(plan.assignments, key=lambda a: a.start)
    assert second.start >= first.end
    assert plan.objective.sla_risk == pytest.approx(0.0)
    assert check(problem, plan).ok


def test_window_start_is_honoured_and_lateness_is_linear():
    """A P1 (4 h resolution on the office clock) opened 08:00 but only visitable from 13:00:
    done 13:00-15:00 it ends 3 h after its 12:00 due time -> risk 1 and 3 h late."""
    problem = tiny(
        ALICE
        + """
tickets:
  - {id: T-1, client: northwind, priority: P1, opened: 2026-11-30T08:00, effort: 2h,
     responded: 2026-11-30T08:05,
     window: {start: 2026-11-30T13:00, end: 2026-11-30T14:00}}
"""
    )
    plan = solve_scenario(problem, time_limit=2, workers=1)
    (job,) = plan.assignments
    assert job.start.hour == 13 and job.end.hour == 15
    weight = 80
    assert plan.objective.sla_risk == pytest.approx(weight * 1.0)
    assert plan.objective.lateness == pytest.approx(weight * 0.05 * 3)
    assert check(problem, plan).ok


def test_unassigned_ticket_costs_its_breaches_and_deferral():
    """Nobody has firewall: response and resolution both due inside the horizon -> 2 breaches,
    weight 80, plus deferral 0.05*80 and (SPEC v2) lateness until its hour of work is done
    after the horizon on its office clock: the horizon ends Tue 18:00, so the work runs
    Wed 08:00-09:00, 45 h after its resolution due (Mon 12:00)."""
    problem = tiny(
        ALICE
        + """
tickets:
  - {id: T-1, client: northwind, priority: P1, opened: 2026-11-30T08:00, effort: 1h,
     skills: {firewall: 3}}
"""
    )
    plan = solve_scenario(problem, time_limit=1, workers=1)
    (item,) = plan.unassigned
    assert item.reason == "no_eligible_engineer"
    assert "firewall>=3" in item.detail
    evaluation = evaluate(problem, [])
    assert plan.objective.total == pytest.approx(evaluation.total)
    assert evaluation.total == pytest.approx(80 * 2 + 80 * 0.05 + 80 * 0.05 * 45)


def test_evaluate_counts_preference_when_client_prefers_someone_else():
    """northwind prefers bob; a job done by alice costs the preference weight 0.2."""
    text = scenario_text(
        """
engineers:
  - {id: alice, home: alice-home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
  - {id: bob, home: bob-home, shifts: [{start: 2026-12-01T08:00, end: 2026-12-01T17:00}]}
tickets:
  - {id: T-1, client: northwind, priority: P3, opened: 2026-11-30T07:00, effort: 1h,
     responded: 2026-11-30T07:10}
"""
    ).replace(
        "{id: northwind, sla: managed-gold, site: hq}",
        "{id: northwind, sla: managed-gold, site: hq, preferred_engineers: [bob]}",
    )
    problem = load_scenario_text(text, "pref.yaml")
    start = minute(problem, "2026-11-30T09:00")
    assert evaluate(problem, [Job(0, 0, start, start + 60)]).preference == pytest.approx(0.2)
    assert evaluate(problem, [Job(0, 1, start + 1440, start + 1500)]).preference == 0.0
