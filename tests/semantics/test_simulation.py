"""``dispatch simulate``'s arithmetic: fresh draws and breaches counted run by run."""

from __future__ import annotations

import numpy as np
import pytest

from dispatcher.semantics.draws import efforts_from_normals
from dispatcher.semantics.execution import Executor, planned_job
from dispatcher.semantics.simulation import (
    FreshDraws,
    breaches_by_ticket,
    breaches_by_tier,
    tier_outcome,
)
from tests.scenarios import ALICE_SPLIT_DAY, tiny

ALICE = ALICE_SPLIT_DAY
TICKETS = """
tickets:
  - {id: T-1, client: northwind, priority: P1, opened: 2026-11-30T07:40, effort: {p50: 1h, p90: 3h}}
  - {id: T-2, client: northwind, priority: P1, opened: 2026-11-30T07:40, effort: {p50: 1h, p90: 3h}}
  - {id: T-3, client: northwind, priority: P2, opened: 2026-11-30T07:40, effort: 10h}
"""


def test_fresh_draws_are_seeded_per_ticket_in_order() -> None:
    draws = FreshDraws(["A", "B"], 50, seed=7)
    rng = np.random.default_rng(7)
    assert np.array_equal(draws.normals("A"), rng.standard_normal(50))
    assert np.array_equal(draws.normals("B"), rng.standard_normal(50))
    assert np.array_equal(
        draws.efforts("B", 60, 180), efforts_from_normals(draws.normals("B"), 60, 180)
    )
    assert np.array_equal(FreshDraws(["A"], 50, 7).normals("A"), draws.normals("A"))
    assert not np.array_equal(FreshDraws(["A"], 50, 8).normals("A"), draws.normals("A"))


def test_breaches_per_run_agree_with_the_executions_risks() -> None:
    """Averaged over the runs, the per-run breaches are the execution's risks."""
    problem = tiny(ALICE + TICKETS, end="2026-11-30T18:00")
    draws = FreshDraws([t.id for t in problem.tickets], 300, seed=1)
    jobs = [planned_job(problem, 0, [0], 0, [0]), planned_job(problem, 1, [0], 60, [0])]
    execution = Executor(problem, draws).run(jobs)
    breaches = breaches_by_ticket(problem, execution)
    for index, outcome in execution.outcomes.items():
        assert breaches[index].response.mean() == outcome.response_risk
        assert breaches[index].resolution.mean() == outcome.resolution_risk
    # T-3 is unassigned: response (due 09:00) and resolution (due 16:00) late in every run
    assert breaches[2].count.tolist() == [2] * 300
    # T-2 starts at T-1's drawn end: late for its 08:30 response when T-1 took over 30 min
    late = draws.efforts("T-1", 60, 180) > 30
    assert np.array_equal(breaches[1].response, late)
    assert 0 < late.sum() < 300
    counts = breaches_by_tier(problem, breaches, 300)
    assert set(counts) == {"managed"}
    expected = sum(b.count for b in breaches.values())
    assert np.array_equal(counts["managed"], expected)
    outcome = tier_outcome(1.5, counts["managed"])
    assert outcome.promised == 1.5
    assert outcome.p10 <= outcome.mean <= outcome.p90


@pytest.mark.parametrize("shape", ["lognormal", "weibull", "normal"])
def test_every_effort_shape_keeps_the_tickets_median_and_90th_percentile(shape: str) -> None:
    draws = FreshDraws(["T-1"], 20_000, seed=3, shape=shape)  # type: ignore[arg-type]
    efforts = draws.efforts("T-1", 60, 180)
    assert abs(float(np.quantile(efforts, 0.5)) - 60) <= 1
    assert abs(float(np.quantile(efforts, 0.9)) - 180) <= 4
    assert efforts.min() >= 1
    assert (draws.efforts("T-1", 45, 45) == 45).all()  # no uncertainty, any shape


def test_the_shapes_differ_in_their_tails() -> None:
    """Same median and p90: the lognormal's far tail is the heaviest, the normal's lightest."""
    tails = {
        shape: float(np.quantile(FreshDraws(["T"], 20_000, 5, shape).efforts("T", 60, 180), 0.99))  # type: ignore[arg-type]
        for shape in ("lognormal", "weibull", "normal")
    }
    assert tails["lognormal"] > tails["weibull"] > tails["normal"]


def test_an_unknown_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown effort shape"):
        FreshDraws(["T"], 10, 0, "pareto")  # type: ignore[arg-type]
