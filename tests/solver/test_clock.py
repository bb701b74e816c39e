"""The one-worker work clock: a plan that depends on the input, the seed and the limit,
never on the wall clock; and the wall-clock backstop that still ends a solve."""

from __future__ import annotations

import logging
import time

import pytest

from dispatcher.api import solve_scenario
from dispatcher.io.generator import generate_scenario
from dispatcher.io.loader import load_scenario_text
from dispatcher.solver import budget as budget_module
from dispatcher.solver.clock import WorkClock
from tests.solver.test_solver import assert_sound

TEXT = generate_scenario(4, 25, days=2, seed=7)


def _plan(limit: float = 1.0) -> tuple[list[tuple[str, str, object]], float]:
    problem = load_scenario_text(TEXT, "clock.yaml")
    plan = solve_scenario(problem, time_limit=limit, workers=1, seed=3)
    assert_sound(problem, plan)
    return [(a.ticket, a.engineer, a.start) for a in plan.assignments], plan.objective.total


def test_one_worker_plan_is_the_same_whatever_the_wall_clock_says(monkeypatch):
    """The same day solved three times with one worker: on the real clock, with the wall
    clock stopped, and with it running twice as fast (as on a machine busy with other
    work). Every phase reads the work clock, so the plans are the same."""
    real = time.monotonic
    expected = _plan()

    frozen = real()
    monkeypatch.setattr(time, "monotonic", lambda: frozen)
    assert _plan() == expected

    base = real()
    monkeypatch.setattr(time, "monotonic", lambda: base + 2.0 * (real() - base))
    assert _plan() == expected


def test_work_clock_reads_only_the_work_charged():
    clock = WorkClock(started=100.0, backstop=time.monotonic() + 60)
    assert clock.now() == 100.0
    clock.charge(1.5)
    assert clock.now() == 101.5
    assert clock.wall_deadline(101.0) == clock.backstop


def test_the_backstop_ends_a_one_worker_solve(monkeypatch, caplog):
    """A solve whose wall-clock backstop passes at once (as on a machine far too busy)
    stops every phase and still returns a checked plan, and says so."""
    monkeypatch.setattr(budget_module, "backstop", lambda started, limit: started + 0.05)
    began = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="dispatcher.solver.clock"):
        _, total = _plan(limit=30.0)
    assert time.monotonic() - began < 10.0  # not the 30 s of the limit
    assert total > 0
    assert any("backstop fired" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("workers", [2])
def test_several_workers_keep_the_wall_clock(workers):
    problem = load_scenario_text(TEXT, "clock.yaml")
    start = budget_module.Budget.start(2.0, None, workers, len(problem.tickets))
    assert not isinstance(start.clock, WorkClock)
    assert abs(start.now() - time.monotonic()) < 0.5


def test_the_solve_keeps_its_floor_of_the_limit_after_a_long_start_up():
    """A command whose start-up (imports, loading, draws) took most of the limit: the
    phases still get ``SOLVE_FLOOR`` of it, counted from now; a short start-up is counted
    inside the limit as before. With one worker the start-up is the fixed estimate."""
    limit, floor = 2.0, budget_module.SOLVE_FLOOR

    def output(tickets: int) -> float:  # kept for writing the plan
        return min(
            budget_module.OUTPUT_SHARE * limit,
            budget_module.OUTPUT_SECONDS
            + budget_module.OUTPUT_SECONDS_PER_TICKET * tickets
            + budget_module.OUTPUT_SECONDS_PER_LIMIT * limit,
        )

    now = time.monotonic()
    late = budget_module.Budget.start(limit, now - 1.9, 2, 10)
    assert late.deadline - late.now() == pytest.approx(floor * limit - output(10), abs=0.05)
    assert late.at(0.0) > late.started  # the shares count from the shifted origin
    early = budget_module.Budget.start(limit, now - 0.2, 2, 10)
    assert early.deadline == pytest.approx(early.started + limit - output(10))
    assert early.at(0.5) == pytest.approx(early.started + 1.0)
    # One worker, a day big enough that the start-up estimate passes (1 - floor) of 2 s:
    tickets = 2000
    work = budget_module.Budget.start(limit, now, 1, tickets, samples=tickets * 500)
    charged = (
        budget_module.STARTUP_SECONDS
        + budget_module.LOAD_SECONDS_PER_TICKET * tickets
        + budget_module.DRAW_SECONDS_PER_SAMPLE * tickets * 500
    )
    assert work.now() == pytest.approx(now + charged)
    assert work.deadline - work.now() == pytest.approx(floor * limit - output(tickets))
