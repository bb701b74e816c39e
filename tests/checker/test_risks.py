"""The v2 risks wired into the rules: a plan reporting v1 risks (each job alone, the
lognormal overrun probability) is caught by the ``risk`` rule, the objective and the
per-tier expected breaches count unassigned tickets by their work after the horizon, and
rescheduled plans are carried out with their completed, running and cut work."""

from __future__ import annotations

from typing import Any

import pytest

from dispatcher.checker import CheckReport, check_plan
from dispatcher.checker.draws import EffortDraws
from dispatcher.io.loader import load_scenario_text
from dispatcher.semantics.draws import Draws
from dispatcher.semantics.execution import Executor, FixedJob, PlannedJob, RunningJob
from dispatcher.semantics.problem import Problem
from tests.checker.support import board_jobs, board_plan, check_board, job, make_plan, rules
from tests.checker.test_execution import ALICE, BOB, N, outcome, scenario, starts
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


# -- rescheduled plans ------------------------------------------------------------------

RESCHEDULED = """\
  - {id: F-1, client: northwind, priority: P3, opened: 2026-11-30T07:00, effort: 1h}
  - {id: T-1001, client: northwind, priority: P3, opened: 2026-11-30T07:00,
     effort: {p50: 1h, p90: 3h}}
  - {id: N-1, client: northwind, priority: P3, opened: 2026-11-30T07:00, effort: 30m}
  - {id: N-2, client: northwind, priority: P3, opened: 2026-11-30T07:00, effort: 30m}
"""


def rescheduled(
    problem: Problem, events: list[dict[str, Any]], running_end: str = "2026-11-30T10:30"
) -> CheckReport:
    """now = Mon 10:00: F-1 completed 08:00-09:00, T-1001 running on Alice since 09:30
    (until ``running_end`` in the plan), N-1 (Alice) and N-2 (Bob) planned 11:00, neither
    held."""
    zero = dict.fromkeys(("total", "sla_risk", "lateness", "deferral", "travel"), 0.0)
    plan = make_plan(
        problem,
        [
            job("T-1001", "alice", "2026-11-30T09:30", running_end),
            job("N-1", "alice", "2026-11-30T11:00", "2026-11-30T11:30"),
            job("N-2", "bob", "2026-11-30T11:00", "2026-11-30T11:30"),
        ],
        {**zero, "preference": 0.0},
        {},
        0,
        completed=[
            {
                "ticket": "F-1",
                "engineer": "alice",
                "start": "2026-11-30T08:00",
                "end": "2026-11-30T09:00",
            }
        ],
        reschedule={"now": "2026-11-30T10:00", "added_tickets": [], "events": events},
    )
    return check_plan(problem, plan)


@pytest.mark.parametrize("overrun_until", [None, 210])
def test_rescheduled_plans_keep_completed_and_running_work(overrun_until: int | None) -> None:
    """The running job keeps its start and ends no earlier than now (or its overrun's end,
    11:30, its end in the plan after the overrun); Bob's job starts at now, not at his 09:00 shift start: as the semantics'
    Executor carries the same plan out (FixedJob, RunningJob, PlannedJob, now = 120)."""
    problem = scenario(RESCHEDULED, ALICE + BOB)
    events = []
    end = "2026-11-30T10:30"
    if overrun_until is not None:
        events = [{"type": "overrun", "ticket": "T-1001", "until": "2026-11-30T11:30"}]
        end = "2026-11-30T11:30"
    report = rescheduled(problem, events, end)
    executor = Executor(problem, Draws(N), now=120)
    expected = executor.run(
        [PlannedJob(2, (0,), 180, (0,), False), PlannedJob(3, (1,), 180, (0,), False)],
        running=[RunningJob(1, (0,), 90, ends_no_earlier_than=overrun_until or 120)],
        fixed=[FixedJob(0, (0,), 0, 60)],
    ).outcomes
    assert "F-1" not in report.outcomes
    assert starts(report, "T-1001") == [90] * N
    assert starts(report, "N-2") == [120] * N
    assert min(outcome(report, "T-1001").ends) == (overrun_until or 120)
    for ticket in ("T-1001", "N-1", "N-2"):
        index = problem.ticket_index[ticket]
        assert list(outcome(report, ticket).ends) == expected[index].ends.tolist()
        assert outcome(report, ticket).resolution_risk == expected[index].resolution_risk


@pytest.mark.parametrize(("cut_start", "response_risk"), [("09:00", 0.0), ("09:30", 1.0)])
def test_a_cut_jobs_remainder_is_drawn_with_its_reduced_effort(
    cut_start: str, response_risk: float
) -> None:
    """C (P2, p50 2 h, p90 4 h, opened Mon 07:00: response due 09:00, resolution 16:00,
    minute 480) ran on Alice from ``cut_start`` until now (Mon 10:00), when she became
    unavailable; its remainder (p50 and p90 less the minutes worked) is planned on Bob at
    10:00. It starts at now in every draw, ends at 10:00 + D (D <= 420; else on Bob's
    Tuesday, else on the office clock from Wed 08:00) and so misses 16:00 when D > 360,
    D drawn with the reduced p50 and p90 (same z). Its response risk
    is 0 when the cut work started by 09:00, else 1."""
    problem = scenario(
        "  - {id: C, client: northwind, priority: P2, opened: 2026-11-30T07:00,"
        " effort: {p50: 2h, p90: 4h}}\n",
        ALICE + BOB,
    )
    worked = 30 if cut_start == "09:30" else 60
    cut = {"ticket": "C", "engineer": "alice", "start": f"2026-11-30T{cut_start}"}
    zero = dict.fromkeys(("total", "sla_risk", "lateness", "deferral", "travel"), 0.0)
    plan = make_plan(
        problem,
        [job("C", "bob", "2026-11-30T10:00", "2026-11-30T11:00")],
        {**zero, "preference": 0.0},
        {},
        0,
        reschedule={
            "now": "2026-11-30T10:00",
            "added_tickets": [],
            "events": [{"type": "unavailable", "engineer": "alice", "cut": [{**cut, "end": None}]}],
        },
    )
    report = check_plan(problem, plan)
    efforts = EffortDraws(N).efforts("C", 120 - worked, 240 - worked)
    assert max(efforts) <= 960 + 600  # the cases the formula below covers
    ends = [120 + d if d <= 420 else 1020 + d if d <= 960 else 2880 + d - 960 for d in efforts]
    assert starts(report, "C") == [120] * N
    assert list(outcome(report, "C").ends) == ends
    assert outcome(report, "C").resolution_risk == sum(d > 360 for d in efforts) / N
    assert outcome(report, "C").response_risk == response_risk


def test_a_future_job_marked_done_at_now_does_not_reset_its_engineers_ready() -> None:
    """--done of a future job records it completed at now, from now to now: it did no
    work, so Alice's next job still waits for her running one (as the semantics' executor
    carries it out)."""
    problem = scenario(RESCHEDULED, ALICE + BOB)
    zero = dict.fromkeys(("total", "sla_risk", "lateness", "deferral", "travel"), 0.0)
    plan = make_plan(
        problem,
        [
            job("T-1001", "alice", "2026-11-30T09:30", "2026-11-30T10:30"),
            job("N-1", "alice", "2026-11-30T10:30", "2026-11-30T11:00"),
        ],
        {**zero, "preference": 0.0},
        {},
        0,
        completed=[
            {"ticket": t, "engineer": "alice", "start": start, "end": end}
            for t, start, end in (
                ("F-1", "2026-11-30T08:00", "2026-11-30T09:00"),
                ("N-2", "2026-11-30T10:00", "2026-11-30T10:00"),
            )
        ],
        reschedule={
            "now": "2026-11-30T10:00",
            "added_tickets": [],
            "events": [{"type": "done", "ticket": "N-2"}],
        },
    )
    report = check_plan(problem, plan)
    expected = (
        Executor(problem, Draws(N), now=120)
        .run(
            [PlannedJob(2, (0,), 150, (0,), False)],
            running=[RunningJob(1, (0,), 90, ends_no_earlier_than=120)],
            fixed=[FixedJob(0, (0,), 0, 60), FixedJob(3, (0,), 120, 120)],
        )
        .outcomes
    )
    assert list(outcome(report, "N-1").ends) == expected[2].ends.tolist()
    assert max(starts(report, "N-1")) > 150  # behind T-1001's longer draws, not at now
