"""The one-worker work clock of a re-plan (``reschedule``, ``impact``): the same new plan
whatever the wall clock says, every plan checked against its base, and the interrupt
and several workers as before."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from dispatcher import interrupt
from dispatcher.api import impact_of, reschedule_plan, solve_scenario
from dispatcher.checker import check_plan
from dispatcher.io.generator import generate_scenario
from dispatcher.io.loader import load_scenario_text
from dispatcher.solver.clock import WorkClock
from dispatcher.solver.reschedule import optimize as optimize_module
from dispatcher.solver.reschedule import replan as replan_module
from models import Plan

TEXT = generate_scenario(4, 25, days=2, seed=7)
NOW = "2026-11-30T12:00"
EMERGENCY = {
    "id": "EMERGENCY-1",
    "client": "pinewood-motors",
    "priority": "P1",
    "opened": NOW,
    "effort": {"p50": "1h", "p90": "2h"},
}


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    """No stop requested before or after each test."""
    interrupt.reset()
    yield
    interrupt.reset()


@pytest.fixture(scope="module")
def base() -> Plan:
    problem = load_scenario_text(TEXT, "clock.yaml")
    return solve_scenario(problem, time_limit=1.0, workers=1, seed=3)


def _busiest(plan: Plan) -> str:
    """The engineer with the most jobs in the plan (ties by id): made unavailable."""
    count: dict[str, int] = {}
    for assignment in plan.assignments:
        count[assignment.engineer] = count.get(assignment.engineer, 0) + 1
    return min(count, key=lambda e: (-count[e], e))


def _replan(base: Plan, limit: float = 1.0, workers: int = 1) -> list[tuple[str, str, object]]:
    """The re-plan's jobs, after its plan passed the checker against the base."""
    problem = load_scenario_text(TEXT, "clock.yaml")
    result = reschedule_plan(
        problem,
        base,
        NOW,
        add=[EMERGENCY],
        unavailable=[_busiest(base)],
        time_limit=limit,
        workers=workers,
        seed=3,
    )
    report = check_plan(problem, result.plan, base)
    assert report.ok, [str(v) for v in report.violations]
    assert any(a.ticket == "EMERGENCY-1" for a in result.plan.assignments) or any(
        u.ticket == "EMERGENCY-1" for u in result.plan.unassigned
    )
    return [(a.ticket, a.engineer, a.start) for a in result.plan.assignments]


@pytest.mark.parametrize("path", ["model", "search"])
def test_one_worker_replan_is_the_same_whatever_the_wall_clock_says(
    monkeypatch: pytest.MonkeyPatch, base: Plan, path: str
) -> None:
    """The same re-plan three times with one worker: on the real clock, with the wall
    clock stopped, and with it running twice as fast (a busy machine). ``path``: the
    whole-day model, or (the day made to look too big for it) the neighbourhood search."""
    if path == "search":
        monkeypatch.setattr(optimize_module, "PAIR_BUDGET", 0)
    real = time.monotonic
    expected = _replan(base)

    frozen = real()
    monkeypatch.setattr(time, "monotonic", lambda: frozen)
    assert _replan(base) == expected

    began = real()
    monkeypatch.setattr(time, "monotonic", lambda: began + 2.0 * (real() - began))
    assert _replan(base) == expected


def test_one_worker_impact_is_the_same_with_the_wall_clock_stopped(
    monkeypatch: pytest.MonkeyPatch, base: Plan
) -> None:
    problem = load_scenario_text(TEXT, "clock.yaml")

    def priced() -> tuple[object, ...]:
        found = impact_of(problem, base, NOW, [EMERGENCY], time_limit=0.5, workers=1, seed=3)
        for side in (found.without, found.with_job):
            report = check_plan(problem, side.plan, base)
            assert report.ok, [str(v) for v in report.violations]
        sides = [
            [(a.ticket, a.engineer, a.start) for a in side.plan.assignments]
            for side in (found.without, found.with_job)
        ]
        return *sides, found.as_json()

    expected = priced()
    frozen = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: frozen)
    assert priced() == expected


@pytest.mark.parametrize(("workers", "work_clock"), [(1, True), (2, False)])
def test_the_replan_reads_the_work_clock_with_one_worker_only(
    monkeypatch: pytest.MonkeyPatch, base: Plan, workers: int, work_clock: bool
) -> None:
    seen = []
    optimize = replan_module.optimize

    def spy(sit, options, budget):  # type: ignore[no-untyped-def]
        seen.append((budget.clock, sit.clock))
        return optimize(sit, options, budget)

    monkeypatch.setattr(replan_module, "optimize", spy)
    _replan(base, limit=0.5, workers=workers)
    [(clock, charged)] = seen
    assert isinstance(clock, WorkClock) is work_clock
    assert charged is clock
    if work_clock:
        assert clock.spent > 0  # the repair and the search charged their work


def test_a_stop_request_ends_a_one_worker_replan_promptly(
    monkeypatch: pytest.MonkeyPatch, base: Plan
) -> None:
    """Ctrl-C (``interrupt.request_stop``) still ends a one-worker re-plan at once, with a
    checked plan, though its work clock has far to go (the neighbourhood search, which
    would otherwise run until the limit)."""
    monkeypatch.setattr(optimize_module, "PAIR_BUDGET", 0)
    timer = threading.Timer(0.3, interrupt.request_stop)
    timer.start()
    began = time.monotonic()
    try:
        _replan(base, limit=30.0)
    finally:
        timer.cancel()
    assert time.monotonic() - began < 5.0
    assert interrupt.stop_requested()
