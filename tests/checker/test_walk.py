"""One engineer's day: one job at a time, and the travel walk (from home each day, the
location kept over lunch, a travel matrix row instead of the formula)."""

from __future__ import annotations

from typing import Any

from dispatcher.checker import check_plan
from dispatcher.io.loader import load_scenario_text
from models import Plan
from tests.checker.support import (
    assert_objective,
    board_jobs,
    check_board,
    job,
    make_plan,
    rules,
)


def test_lunch_keeps_the_location_so_travel_after_lunch_starts_from_the_last_site(
    board: Any,
) -> None:
    """T2 after lunch: Ann is still at site-1 (T1), so 23 min from 13:00 suffice (13:23),
    not the 34 from home; her 13:00-shift ready time is the shift start."""
    jobs = board_jobs()
    jobs["T2"] = job("T2", "ann", "2026-11-30T13:23", "2026-11-30T14:23", travel=23)
    report = check_board(board, jobs)
    assert report.ok, [str(v) for v in report.violations]


def test_a_new_day_starts_at_home(board: Any) -> None:
    """T2 on Tuesday: Ann starts the day at home, 34 min from site-2: 08:34 is fine,
    08:23 (as if she were still at site-1 from Monday) is too early."""
    jobs = board_jobs()
    jobs["T2"] = job("T2", "ann", "2026-12-01T08:34", "2026-12-01T09:34", travel=34)
    assert check_board(board, jobs).ok
    jobs["T2"] = job("T2", "ann", "2026-12-01T08:23", "2026-12-01T09:23", travel=34)
    assert rules(check_board(board, jobs)) == {"travel"}


def test_overlapping_jobs_are_caught(board: Any) -> None:
    """Ben is on T3 until 10:00; T4 may not start at 09:30: one job at a time."""
    jobs = board_jobs()
    jobs["T4"] = job("T4", "ben", "2026-11-30T09:30", "2026-11-30T10:30")
    assert rules(check_board(board, jobs)) == {"overlap"}


def test_too_little_travel_time_is_caught(board: Any) -> None:
    """T1 ends 09:12 at site-1; site-2 is 23 min away, so T2 cannot start at 09:30."""
    jobs = board_jobs()
    jobs["T2"] = job("T2", "ann", "2026-11-30T09:30", "2026-11-30T10:30", travel=23)
    report = check_board(board, jobs)
    assert rules(report) == {"travel"}
    assert "23 minutes" in str(report.violations[0])


def test_misreported_travel_minutes_are_caught(board: Any) -> None:
    """Each assignment reports the walk's travel for it: 12 for T1, not 0."""
    jobs = board_jobs()
    jobs["T1"]["travel_minutes"] = 0
    assert rules(check_board(board, jobs)) == {"travel_minutes"}


MATRIX_SCENARIO = """
version: 1
name: matrix
timezone: UTC
horizon: {start: 2026-11-30T08:00, end: 2026-11-30T18:00}
sla_policies:
  managed: {tier: managed, targets: {P2: {response: 1h, resolution: 8h}}}
sites:
  home: {lat: 51.0, lon: 0.0}
  far: {lat: 51.0, lon: 0.5}
travel_matrix: travel.csv
clients:
  - {id: acme, sla: managed, site: far}
engineers:
  - {id: ann, home: home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
tickets:
  - {id: T1, client: acme, priority: P2, opened: 2026-11-30T08:00, onsite: true, effort: 1h,
     responded: 2026-11-30T08:00}
"""


def test_travel_matrix_row_replaces_the_formula(tmp_path: Any) -> None:
    """The matrix says home -> far takes 50 min (the formula would say about 46): a start
    at 08:50 is fine, 08:47 is too early. w = 10 * 4 = 40; W = 08:50-16:00 in shift = 430
    >= p50, so risks are 0 and the total is travel alone: 0.1 * 50 / 60."""
    (tmp_path / "travel.csv").write_text("from,to,minutes\nhome,far,50\n")
    problem = load_scenario_text(MATRIX_SCENARIO, filename="t.yaml", base_dir=tmp_path)
    travel = 0.1 * 50 / 60
    objective = {
        "total": travel,
        "sla_risk": 0.0,
        "lateness": 0.0,
        "deferral": 0.0,
        "travel": travel,
        "preference": 0.0,
    }
    by_tier = {"managed": {"tickets": 1, "assigned": 1, "expected_breaches": 0.0}}

    def plan_at(start: str, end: str) -> Plan:
        return make_plan(
            problem,
            [
                job(
                    "T1",
                    "ann",
                    start,
                    end,
                    travel=50,
                    response_due="2026-11-30T09:00",
                    resolution_due="2026-11-30T16:00",
                )
            ],
            objective,
            by_tier,
            travel_minutes=50,
        )

    report = check_plan(problem, plan_at("2026-11-30T08:50", "2026-11-30T09:50"))
    assert report.ok, [str(v) for v in report.violations]
    assert_objective(report, objective)
    assert rules(check_plan(problem, plan_at("2026-11-30T08:47", "2026-11-30T09:47"))) == {"travel"}
