"""The objective and KPIs: correct plans pass with hand-computed objectives, and a plan
that misreports its objective or KPIs is caught."""

from __future__ import annotations

from typing import Any

import pytest

from dispatcher.checker import check_plan
from dispatcher.checker.draws import EffortDraws
from dispatcher.io.loader import load_scenario_text
from tests.checker.support import (
    BOARD,
    assert_objective,
    board_jobs,
    board_plan,
    check_board,
    job,
    make_plan,
    rules,
)

SPEC_EXAMPLE = """
version: 1
name: Northside IT, Monday
timezone: Europe/London
horizon: {start: 2026-11-30T08:00, end: 2026-12-01T18:00}
calendars:
  office:
    weekly: {mon: "08:00-18:00", tue: "08:00-18:00", wed: "08:00-18:00",
             thu: "08:00-18:00", fri: "08:00-18:00"}
    holidays: [2026-12-25]
sla_policies:
  managed-gold:
    tier: managed
    clock: office
    targets:
      P1: {response: 30m, resolution: 4h}
      P2: {response: 1h, resolution: 8h}
  break-fix:
    tier: break_fix
    clock: 24x7
    targets:
      P1: {response: 4h, resolution: 1d}
sites:
  northwind-hq: {lat: 51.5226, lon: -0.1090, address: "1 Example St"}
  alice-home: {lat: 51.4613, lon: -0.1156}
clients:
  - {id: northwind, name: Northwind Traders, sla: managed-gold, site: northwind-hq,
     preferred_engineers: [alice]}
engineers:
  - id: alice
    skills: {windows: 3, networking: 2}
    home: alice-home
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T12:30}
      - {start: 2026-11-30T13:00, end: 2026-11-30T17:00}
      - {start: 2026-12-01T08:00, end: 2026-12-01T17:00}
tickets:
  - id: T-1001
    client: northwind
    priority: P1
    opened: 2026-11-30T07:40
    onsite: true
    effort: {p50: 1h, p90: 3h}
    skills: {networking: 2}
    window: {start: 2026-11-30T09:00, end: 2026-11-30T11:00}
    assigned_to: alice
    fixed_start: 2026-11-30T09:00
    responded: 2026-11-30T07:55
    response_due: 2026-11-30T08:30
    resolution_due: 2026-11-30T12:00
"""


def spec_example_lateness() -> float:
    """T-1001's mean lateness minutes over the 500 draws, by hand: it starts 09:00 (minute
    60) in every draw; D minutes end at 60 + D up to 12:30 (D <= 210), then pause 30 lunch
    minutes (90 + D, up to 17:00: D <= 450), then the 15 h night (990 + D); due 12:00."""
    efforts = EffortDraws(500).efforts("T-1001", 60, 180)
    ends = [60 + d if d <= 210 else 90 + d if d <= 450 else 990 + d for d in efforts]
    return sum(max(0, end - 240) for end in ends) / 500


def test_spec_example_passes_with_its_hand_computed_objective() -> None:
    """The SPEC's own T-1001: booked 09:00 (held), 14 min from Alice's home, responded.

    It starts 09:00 in every draw and misses 12:00 when D > 180: 47 of the 500 draws, so
    resolution_risk = 0.094 (the SPEC's number); w = managed 10 * P1 8 = 80, so sla_risk =
    7.52; lateness = 80 * 0.05 * mean late minutes / 60; travel = 0.1 * 14 / 60; Alice is
    the client's preferred engineer, so preference = 0.
    """
    problem = load_scenario_text(SPEC_EXAMPLE, filename="t.yaml")
    risk = 0.094
    lateness = 80 * 0.05 * spec_example_lateness() / 60
    assert lateness > 0
    total = 80 * risk + lateness + 0.1 * 14 / 60
    plan = make_plan(
        problem,
        [
            job(
                "T-1001",
                "alice",
                "2026-11-30T09:00:00+00:00",
                "2026-11-30T10:00:00+00:00",
                travel=14,
                response_due="2026-11-30T08:30:00+00:00",
                resolution_due="2026-11-30T12:00:00+00:00",
                resolution_risk=risk,
            )
        ],
        {
            "total": total,
            "sla_risk": 7.52,
            "lateness": lateness,
            "deferral": 0.0,
            "travel": 0.1 * 14 / 60,
            "preference": 0.0,
        },
        {"managed": {"tickets": 1, "assigned": 1, "expected_breaches": risk}},
        travel_minutes=14,
    )
    report = check_plan(problem, plan)
    assert report.ok, [str(v) for v in report.violations]
    assert_objective(report, {"total": total, "sla_risk": 7.52, "travel": 14 / 600})
    assert report.travel_minutes == 14
    assert report.expected_breaches_by_tier["managed"] == pytest.approx(0.094, abs=1e-6)
    assert report.outcomes["T-1001"].resolution_risk == 0.094


def test_board_day_passes_and_costs_only_its_35_travel_minutes(board: Any) -> None:
    """All risks 0 (see board_jobs), no preferences: total = travel = 0.1 * (12 + 23) / 60."""
    travel = 0.1 * 35 / 60
    objective = {
        "total": travel,
        "sla_risk": 0.0,
        "lateness": 0.0,
        "deferral": 0.0,
        "travel": travel,
        "preference": 0.0,
    }
    report = check_board(board, board_jobs(), objective=objective)
    assert report.ok, [str(v) for v in report.violations]
    assert report.travel_minutes == 35
    assert_objective(report, objective)


def test_unassigned_ticket_costs_its_breach_lateness_and_deferral(board: Any) -> None:
    """T3 (managed P3, w = 10 * 2 = 20) left unassigned as deferred (must_assign lifted).

    Responded, so no response risk; its 2 h (p50 = p90) are done after the horizon on
    its 24x7 clock: F = Tue 18:00 + 2 h = 20:00 > due Tue 17:00, so resolution_risk = 1:
    sla_risk = 20. Lateness 180 minutes: 20 * 0.05 * 180 / 60 = 3.0. Deferral = 20 *
    0.05 = 1.0.
    """
    text = BOARD.replace("must_assign: true", "must_assign: false")
    problem = load_scenario_text(text, filename="t.yaml")
    jobs = board_jobs()
    del jobs["T3"]
    unassigned = [{"ticket": "T3", "reason": "deferred", "detail": "other work took the time"}]
    travel = 0.1 * 35 / 60
    expected = {
        "total": 20 + 3 + 1 + travel,
        "sla_risk": 20.0,
        "lateness": 3.0,
        "deferral": 1.0,
        "travel": travel,
        "preference": 0.0,
    }
    report = check_board(problem, jobs, unassigned=unassigned, objective=expected)
    assert report.ok, [str(v) for v in report.violations]
    assert_objective(report, expected)
    assert report.expected_breaches_by_tier["managed"] == pytest.approx(1.0)


def test_wrong_reported_objective_is_caught(board: Any) -> None:
    """The plan must report the exact objective; 0.05 is not 0.1 * 35 / 60."""
    objective = {
        "total": 0.05,
        "sla_risk": 0.0,
        "lateness": 0.0,
        "deferral": 0.0,
        "travel": 0.1 * 35 / 60,
        "preference": 0.0,
    }
    report = check_board(board, board_jobs(), objective=objective)
    assert rules(report) == {"objective"}
    assert "total" in report.violations[0].message


def test_misreported_kpis_are_caught(board: Any) -> None:
    jobs = board_jobs()
    plan = board_plan(board, jobs)
    plan.kpis.travel_minutes = 0
    plan.kpis.by_tier["managed"].expected_breaches = 3.0
    report = check_plan(board, plan)
    assert rules(report) == {"kpi"}
    assert len(report.violations) == 2
