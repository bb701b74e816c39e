"""The v2 risks wired into the rules: a plan reporting v1 risks (each job alone, the
lognormal overrun probability) is caught by the ``risk`` rule, and the objective and the
per-tier expected breaches count unassigned tickets by their work after the horizon."""

from __future__ import annotations

from typing import Any

import pytest

from dispatcher.checker import check_plan
from dispatcher.io.loader import load_scenario_text
from tests.checker.support import board_jobs, board_plan, check_board, job, make_plan, rules
from tests.checker.test_objective import SPEC_EXAMPLE, spec_example_lateness


def t1001_plan(problem: Any, resolution_risk: float, expected_breaches: float) -> Any:
    """T-1001 alone on Alice at 09:00 with the given reported risk; objective as v2."""
    lateness = 80 * 0.05 * spec_example_lateness() / 60
    travel = 0.1 * 14 / 60
    return make_plan(
        problem,
        [
            job(
                "T-1001",
                "alice",
                "2026-11-30T09:00",
                "2026-11-30T10:00",
                travel=14,
                response_due="2026-11-30T08:30",
                resolution_due="2026-11-30T12:00",
                resolution_risk=resolution_risk,
            )
        ],
        {
            "total": 80 * 0.094 + lateness + travel,
            "sla_risk": 80 * 0.094,
            "lateness": lateness,
            "deferral": 0.0,
            "travel": travel,
            "preference": 0.0,
        },
        {"managed": {"tickets": 1, "assigned": 1, "expected_breaches": expected_breaches}},
        travel_minutes=14,
    )


def test_a_v1_risk_is_reported_as_wrong() -> None:
    """v1 gave T-1001 P(D > 180) = 0.1 exactly; the SPEC's v2 risk is 47/500 = 0.094."""
    problem = load_scenario_text(SPEC_EXAMPLE, filename="t.yaml")
    report = check_plan(problem, t1001_plan(problem, 0.1, 0.1))
    assert rules(report) == {"risk", "kpi"}
    (risk,) = [v for v in report.violations if v.rule == "risk"]
    assert "0.100000" in risk.message and "0.094000" in risk.message
    assert check_plan(problem, t1001_plan(problem, 0.094, 0.094)).ok


def test_a_risk_within_a_millionth_passes() -> None:
    """Reported risks agree within 1e-6."""
    problem = load_scenario_text(SPEC_EXAMPLE, filename="t.yaml")
    assert check_plan(problem, t1001_plan(problem, 0.094 + 5e-7, 0.094)).ok
    assert "risk" in rules(check_plan(problem, t1001_plan(problem, 0.094 + 5e-6, 0.094)))


def test_unassigned_ticket_due_after_the_horizon_counts_its_late_work(board: Any) -> None:
    """T4 (break-fix P1, 1 h, on 24x7, opened Mon 07:30, resolution due Tue 17:00 by its
    own field) left unassigned: its hour runs from the horizon end (Tue 18:00) to 19:00, so
    resolution risk 1 and lateness 120 minutes; responded: no response risk. w = 1 * 8:
    sla_risk 8, lateness 8 * 0.05 * 2 = 0.8, deferral 8 * 0.05 = 0.4. Its tier's expected
    breaches count it: 1 (T5 is safe)."""
    jobs = board_jobs()
    del jobs["T4"]
    unassigned = [{"ticket": "T4", "reason": "deferred", "detail": "other work took the time"}]
    report = check_board(board, jobs, unassigned=unassigned)
    outcome = report.outcomes["T4"]
    assert (outcome.response_risk, outcome.resolution_risk) == (0.0, 1.0)
    assert outcome.lateness_minutes == 120
    assert report.objective["sla_risk"] == pytest.approx(8.0)
    assert report.objective["lateness"] == pytest.approx(0.8)
    assert report.objective["deferral"] == pytest.approx(0.4)
    assert report.expected_breaches_by_tier["break_fix"] == pytest.approx(1.0)
    plan = board_plan(board, jobs, unassigned=unassigned)
    plan.kpis.by_tier["break_fix"].expected_breaches = 0.0  # leaving it out is caught
    assert "kpi" in rules(check_plan(board, plan))
