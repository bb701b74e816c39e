"""``dispatch simulate``'s report: a plan carried out against fresh random efforts."""

from __future__ import annotations

import io

from rich.console import Console

from dispatcher.api import simulate, solve_scenario
from dispatcher.semantics.simulation import SimulationReport
from dispatcher.views.simulate import print_simulation, simulate_plan
from tests.scenarios import ALICE_SPLIT_DAY, tiny

# One day (Mon 08:00-18:00), Alice works 08:00-12:30 and 13:00-17:00 (8.5 h). Two P1
# tickets of exactly 3 h (response due 08:30, resolution 12:00 on the office clock) and a
# P2 of 10 h (due 09:00 and 16:00) that fits nowhere.
FIXED = (
    ALICE_SPLIT_DAY
    + """
tickets:
  - {id: T-1, client: northwind, priority: P1, opened: 2026-11-30T07:40, effort: 3h}
  - {id: T-2, client: northwind, priority: P1, opened: 2026-11-30T07:40, effort: 3h}
  - {id: T-3, client: northwind, priority: P2, opened: 2026-11-30T07:40, effort: 10h}
"""
)


def test_without_uncertainty_every_run_is_the_plan_as_planned() -> None:
    """p90 == p50: whichever P1 goes second starts at 11:00 (response late) and ends at
    14:30 (resolution late); T-3 is left out and breaches both: 4 breaches in every run."""
    problem = tiny(FIXED, end="2026-11-30T18:00")
    plan = solve_scenario(problem, time_limit=1, workers=1)
    assert [u.ticket for u in plan.unassigned] == ["T-3"]
    report = simulate_plan(problem, plan, runs=200, seed=0)
    managed = report.by_tier["managed"]
    assert managed.mean == managed.p10 == managed.p90 == 4
    assert managed.promised == plan.kpis.by_tier["managed"].expected_breaches
    second = max(plan.assignments, key=lambda a: a.start).ticket
    assert [(t.ticket, t.breach_probability) for t in report.tickets] == sorted(
        [(second, 1.0), ("T-3", 1.0)]
    )
    assert all(t.alone == 1.0 for t in report.tickets if t.ticket == "T-3")
    # carried out alone, the second job starts at 08:00 and breaches nothing
    assert [t.alone for t in report.tickets if t.ticket == second] == [0.0]


def test_the_report_round_trips_and_the_seed_decides() -> None:
    problem = tiny(
        FIXED.replace("effort: 3h", "effort: {p50: 2h, p90: 4h}"), end="2026-11-30T18:00"
    )
    plan = solve_scenario(problem, time_limit=1, workers=1)
    first = simulate(problem, plan, runs=200, seed=3)
    again = simulate(problem, plan, runs=200, seed=3)
    other = simulate(problem, plan, runs=200, seed=4)
    assert first.model_dump_json() == again.model_dump_json()
    assert first.model_dump_json() != other.model_dump_json()
    assert SimulationReport.model_validate_json(first.model_dump_json()) == first
    data = first.model_dump(mode="json")
    assert data["runs"] == 200 and data["seed"] == 3
    assert set(data["by_tier"]["managed"]) >= {"promised", "mean", "p10", "p90"}
    probabilities = [t["breach_probability"] for t in data["tickets"]]
    assert probabilities == sorted(probabilities, reverse=True)
    out = io.StringIO()
    print_simulation(Console(file=out, width=120), first, "plan.json")
    text = out.getvalue()
    assert "promised" in text and "managed" in text and "own effort alone" in text


def test_a_response_due_before_the_day_starts_is_named_so() -> None:
    """T-1's response was due at 07:50, before Alice's first minute: no plan meets it,
    and the summary says so instead of blaming its effort."""
    problem = tiny(
        FIXED.replace(
            "{id: T-1, client: northwind, priority: P1, opened: 2026-11-30T07:40, effort: 3h}",
            "{id: T-1, client: northwind, priority: P1, opened: 2026-11-30T07:40, effort: 3h,"
            " response_due: 2026-11-30T07:50}",
        ),
        end="2026-11-30T18:00",
    )
    plan = solve_scenario(problem, time_limit=1, workers=1)
    report = simulate_plan(problem, plan, runs=100, seed=0)
    (item,) = [t for t in report.tickets if t.ticket == "T-1"]
    assert item.response_due_before_start and item.response_probability == 1.0
    out = io.StringIO()
    print_simulation(Console(file=out, width=140), report, "plan.json")
    row = next(line for line in out.getvalue().splitlines() if "T-1 " in line)
    assert "response already overdue" in row
    assert not any(t.response_due_before_start for t in report.tickets if t.ticket != "T-1")
