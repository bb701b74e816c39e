"""The solver's exact objective is SPEC v2's: the plan carried out against the fixed draws."""

from __future__ import annotations

import pytest

from dispatcher.semantics.evaluate import Job, evaluate, partial_total, unassigned_cost
from dispatcher.semantics.execution import PlannedJob
from tests.scenarios import ALICE_HALF_DAYS_200_DRAWS, tiny

BODY = (
    ALICE_HALF_DAYS_200_DRAWS
    + """
tickets:
  - {id: A, client: northwind, priority: P2, opened: 2026-11-30T08:00,
     effort: {p50: 2h, p90: 4h}}
  - {id: B, client: northwind, priority: P2, opened: 2026-11-30T08:00,
     effort: {p50: 1h, p90: 90m}}
  - {id: C, client: northwind, priority: P3, opened: 2026-11-30T08:00,
     effort: {p50: 30m, p90: 1h}}
"""
)


def test_the_second_job_of_a_chain_carries_the_first_ones_delay() -> None:
    problem = tiny(BODY)
    a, b = problem.ticket_index["A"], problem.ticket_index["B"]
    chained = evaluate(problem, [Job(a, 0, 0, 120), Job(b, 0, 120, 180)])
    alone = evaluate(problem, [Job(b, 0, 0, 60)])
    # B's response is due at 09:00 (minute 60); B is not held, so after A it starts when
    # A ends: late exactly in the draws where A takes more than 60 minutes.
    efforts_a = problem.draws.efforts("A", 120, 240)
    assert chained.jobs[b].response_risk == int((efforts_a > 60).sum()) / 200
    assert 0.85 < chained.jobs[b].response_risk < 1.0
    assert alone.jobs[b].response_risk == 0.0
    executed = problem.executor().run(
        [PlannedJob(a, (0,), 0, (0,), False), PlannedJob(b, (0,), 120, (0,), False)]
    )
    assert chained.jobs[b].resolution_risk == executed.outcomes[b].resolution_risk
    assert chained.jobs[a].resolution_risk == executed.outcomes[a].resolution_risk


def test_the_objective_is_the_sum_of_the_executed_outcomes() -> None:
    problem = tiny(BODY)
    jobs = [Job(0, 0, 0, 120), Job(1, 0, 120, 180)]
    evaluation = evaluate(problem, jobs)
    weights = problem.weights
    executed = problem.executor().run(
        [PlannedJob(j.ticket, (0,), j.start, (0,), False) for j in jobs]
    )
    sla = late = 0.0
    for ticket in problem.tickets:
        outcome = executed.outcomes[ticket.index]
        sla += ticket.weight * (outcome.response_risk + outcome.resolution_risk)
        late += ticket.weight * weights.late_per_hour * outcome.lateness_minutes / 60
    assert evaluation.sla_risk == pytest.approx(sla, abs=1e-12)
    assert evaluation.lateness == pytest.approx(late, abs=1e-12)
    deferral = problem.tickets[2].weight * weights.deferral
    assert evaluation.deferral == pytest.approx(deferral)
    assert evaluation.total == pytest.approx(sla + late + deferral)


def test_an_unassigned_ticket_due_after_the_horizon_still_carries_its_late_draws() -> None:
    """SPEC v2: its work counts as done after the horizon on its SLA clock (v1: risk 0)."""
    late_opened = BODY.replace(
        "opened: 2026-11-30T08:00,\n     effort: {p50: 30m",
        "opened: 2026-12-01T17:00,\n     effort: {p50: 30m",
    )
    problem = tiny(late_opened)
    c = problem.tickets[problem.ticket_index["C"]]
    assert c.resolution_due > problem.horizon_end
    evaluation = evaluate(problem, [])
    response, resolution = evaluation.unassigned_risk[c.index]
    assert response == 0.0  # due after the horizon
    outcome = problem.executor().unassigned(c.index)
    assert resolution == outcome.resolution_risk
    assert unassigned_cost(problem, c) == pytest.approx(
        c.weight * (resolution + problem.weights.late_per_hour * outcome.lateness_minutes / 60)
        + c.weight * problem.weights.deferral
    )


def test_a_days_share_prices_the_difference_of_two_plans() -> None:
    problem = tiny(BODY)
    first = [Job(0, 0, 0, 120), Job(1, 0, 120, 180)]
    second = [Job(1, 0, 0, 60), Job(0, 0, 60, 180)]
    tickets = {0, 1, 2}
    difference = evaluate(problem, first).total - evaluate(problem, second).total
    shares = partial_total(problem, first, tickets) - partial_total(problem, second, tickets)
    assert difference == pytest.approx(shares, abs=1e-9)


def test_a_day_priced_from_a_changed_job_on_equals_carrying_it_all_out() -> None:
    """DayPricer re-executes only the jobs from ``place`` on; the jobs before it meet the
    same draws, so every price equals ``share_of`` of the whole new day."""
    from dispatcher.io.generator import generate_scenario
    from dispatcher.io.loader import load_scenario_text
    from dispatcher.semantics.evaluate import DayPricer, share_of
    from dispatcher.solver.construct import greedy_plan

    problem = load_scenario_text(generate_scenario(3, 30, days=2, seed=5), "d.yaml")
    plan = greedy_plan(problem)
    checked = 0
    for engineer in range(len(problem.engineers)):
        pricer = DayPricer(problem, [job for job in plan if job.engineer == engineer])
        day = pricer.day
        assert pricer.total == pytest.approx(share_of(problem, day)[0], abs=1e-9)
        for place in range(len(day)):
            new_day = [*day[:place], *day[place + 1 :]]  # the job at ``place`` dropped
            expected = share_of(problem, new_day)[0] if new_day else 0.0
            assert pricer.price(new_day, place) == pytest.approx(expected, abs=1e-9)
            checked += 1
    assert checked >= 10
