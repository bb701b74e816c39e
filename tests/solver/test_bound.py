"""The reported bound is a proven lower bound on the exact (SPEC v2) objective: no plan,
however built, costs less than it."""

from __future__ import annotations

import math
import random
from itertools import permutations, product

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatcher.io.generator import generate_scenario
from dispatcher.io.loader import load_scenario_text
from dispatcher.semantics.evaluate import Evaluation, Job, evaluate
from dispatcher.semantics.problem import Problem
from dispatcher.solver.bound import breach_floor, lane_minutes, least_costs, relaxation_bound
from dispatcher.solver.construct import Schedule, find_slot, greedy_plan, reference_plan
from dispatcher.solver.feasibility import broken_tickets
from dispatcher.solver.solve import SolveOptions, solve
from tests.scenarios import tiny


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(
    seed=st.integers(0, 10_000),
    engineers=st.integers(1, 4),
    tickets=st.integers(1, 25),
    shuffle=st.integers(0, 10_000),
)
def test_no_plan_costs_less_than_the_bound(
    seed: int, engineers: int, tickets: int, shuffle: int
) -> None:
    text = generate_scenario(engineers, tickets, days=2, seed=seed)
    problem = load_scenario_text(text, "b.yaml")
    bound = relaxation_bound(problem)
    order = list(problem.tickets)
    random.Random(shuffle).shuffle(order)
    plans = [reference_plan(problem), greedy_plan(problem, order=order), []]
    for jobs in plans:
        assert bound <= evaluate(problem, jobs).total + 1e-9


def test_a_lone_remote_ticket_at_its_engineers_first_minute_meets_its_least_cost() -> None:
    """The bound is tight where nothing interacts: one remote ticket, opened at the shift
    start, planned there, costs exactly its least cost."""
    problem = tiny(
        """
engineers:
  - {id: alice, home: alice-home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T12:00}]}
tickets:
  - {id: A, client: northwind, priority: P1, opened: 2026-11-30T08:00,
     effort: {p50: 3h, p90: 6h}}
"""
    )
    planned = evaluate(problem, [Job(0, 0, 0, 180)])
    assert planned.sla_risk > 0  # the P1's 4 h resolution is missed in some draws
    assert least_costs(problem)[0] == pytest.approx(planned.total, abs=1e-12)
    assert relaxation_bound(problem) <= planned.total


def test_no_plan_has_fewer_expected_breaches_than_the_floor() -> None:
    text = generate_scenario(3, 30, days=2, seed=11)
    problem = load_scenario_text(text, "f.yaml")
    floor = breach_floor(problem)
    for jobs in (reference_plan(problem), greedy_plan(problem), []):
        expected = _breaches(problem, evaluate(problem, jobs))
        for tier, least in floor.items():
            assert least <= expected[tier] + 1e-9
    assert floor["managed"] > 0  # a generated day has managed work it cannot save


def _breaches(problem: Problem, evaluation: Evaluation, weighted: bool = False) -> dict[str, float]:
    """Per tier, the plan's expected breaches (response + resolution risk), each ticket's
    times its weight if ``weighted``."""
    expected: dict[str, float] = {}
    for ticket in problem.tickets:
        cost = evaluation.jobs.get(ticket.index)
        risks = (
            (cost.response_risk, cost.resolution_risk)
            if cost is not None
            else evaluation.unassigned_risk[ticket.index]
        )
        weight = ticket.weight if weighted else 1.0
        expected[ticket.tier] = expected.get(ticket.tier, 0.0) + weight * sum(risks)
    return expected


# -- a capped tier's lane -------------------------------------------------------------------

# Two engineers on a 5-hour morning and two 5-hour break-fix jobs: the cap lets one run.
NARROW_LANE = """
policy: {tier_caps: {break_fix: 1}}
engineers:
  - {id: alice, home: alice-home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T13:00}]}
  - {id: bob, home: bob-home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T13:00}]}
tickets:
  - {id: X, client: corner-shop, priority: P1, opened: 2026-11-30T08:00, effort: 5h}
  - {id: Y, client: corner-shop, priority: P1, opened: 2026-11-30T08:00, effort: 5h}
"""


def test_a_capped_tiers_lane_lifts_the_bound_to_the_best_plan() -> None:
    """Each ticket alone could be done at 08:00 for nothing, but one 5-hour lane holds one
    of them: the other is left out (its response missed at 12:00, its deferral paid), and
    the bound says so, which proves the solver's plan optimal."""
    problem = tiny(NARROW_LANE, end="2026-11-30T18:00")
    assert lane_minutes(problem, "break_fix") == 300
    assert least_costs(problem) == [0.0, 0.0]
    one_done = evaluate(problem, [Job(0, 0, 0, 300)])
    assert one_done.total == pytest.approx(8.4)  # w 8: response 1, deferral 0.05
    assert relaxation_bound(problem) == pytest.approx(one_done.total, rel=1e-8)
    result = solve(problem, SolveOptions(time_limit=5, workers=1, seed=0))
    assert result.status == "optimal"
    assert result.evaluation.total == pytest.approx(8.4)
    assert breach_floor(problem)["break_fix"] == pytest.approx(1.0)
    assert breach_floor(problem, weighted=True)["break_fix"] == pytest.approx(8.0)


def test_a_roomy_lane_changes_nothing() -> None:
    """With a cap of two both jobs fit the lane: the bound is each ticket alone."""
    problem = tiny(NARROW_LANE.replace("break_fix: 1", "break_fix: 2"), end="2026-11-30T18:00")
    assert relaxation_bound(problem) == 0.0
    assert breach_floor(problem)["break_fix"] == 0.0


def test_the_lane_is_the_union_of_the_leads_shift_time_within_the_horizon() -> None:
    """Overlapping shifts count once, and an engineer who could lead none of the tier's
    tickets (carol, without the skill) adds nothing."""
    problem = tiny(
        """
policy: {tier_caps: {break_fix: 1}}
engineers:
  - {id: alice, onsite: false, skills: {windows: 1},
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T12:00},
              {start: 2026-12-01T08:00, end: 2026-12-01T17:00}]}
  - {id: bob, onsite: false, skills: {windows: 1},
     shifts: [{start: 2026-11-30T10:00, end: 2026-11-30T14:00}]}
  - {id: carol, onsite: false, skills: {network: 3},
     shifts: [{start: 2026-11-30T14:00, end: 2026-11-30T18:00}]}
tickets:
  - {id: X, client: corner-shop, priority: P1, opened: 2026-11-30T08:00, effort: 1h,
     skills: {windows: 1}}
  - {id: Y, client: corner-shop, priority: P2, opened: 2026-11-30T08:00, effort: 1h,
     assigned_to: bob}
  - {id: M, client: northwind, priority: P1, opened: 2026-11-30T08:00, effort: 1h,
     skills: {network: 3}}
"""
    )
    # Monday alice 08-12 and bob 10-14: 08-14; Tuesday alice 08-17.
    assert lane_minutes(problem, "break_fix") == (6 + 9) * 60


@st.composite
def lane_days(draw: st.DrawFn) -> str:
    """One working day of 1-2 engineers with short, random shifts and 2-3 break-fix jobs of
    random efforts and openings (some on site, some booked): the lane often binds."""
    engineers = []
    for name in ("alice", "bob")[: draw(st.integers(1, 2))]:
        start = draw(st.integers(8, 11))
        hours = draw(st.integers(2, 5))
        engineers.append(
            f"  - {{id: {name}, onsite: true, home: {name}-home, shifts: [{{start: "
            f"2026-11-30T{start:02d}:00, end: 2026-11-30T{start + hours:02d}:00}}]}}"
        )
    tickets = []
    for number in range(draw(st.integers(2, 3))):
        p50 = draw(st.sampled_from([30, 60, 90, 120, 180, 240]))
        p90 = p50 + draw(st.sampled_from([0, 30, 120]))
        opened = draw(st.integers(8, 12))
        onsite = draw(st.booleans())
        priority = draw(st.sampled_from(["P1", "P2"]))
        tickets.append(
            f"  - {{id: B{number}, client: corner-shop, priority: {priority}, "
            f"opened: 2026-11-30T{opened:02d}:00, onsite: {str(onsite).lower()}, "
            f"effort: {{p50: {p50}m, p90: {p90}m}}}}"
        )
    cap = draw(st.integers(1, 2))
    return (
        f"policy: {{tier_caps: {{break_fix: {cap}}}, risk_samples: 50}}\nengineers:\n"
        + "\n".join(engineers)
        + "\ntickets:\n"
        + "\n".join(tickets)
        + "\n"
    )


def _every_plan(problem: Problem) -> list[list[Job]]:
    """Every plan that hands each ticket to an engineer or leaves it out and puts each
    engineer's tickets in some order, each job at the earliest start the rules allow
    after the ones before it (``find_slot``, appended): the best of them is at least the
    best plan of these tiny days' kind, so no bound may lie above it."""
    plans: list[list[Job]] = []
    tickets = problem.tickets
    for owners in product([None, *range(len(problem.engineers))], repeat=len(tickets)):
        for order in permutations(range(len(tickets))):
            schedule = Schedule(problem)
            for index in order:
                owner = owners[index]
                if owner is None or owner not in problem.eligible[index]:
                    continue
                slot = find_slot(schedule, tickets[index], problem.engineers[owner], gaps=False)
                if slot is not None:
                    schedule.add(Job(index, owner, slot[0], slot[1]))
            plans.append(schedule.jobs())
    return plans


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(body=lane_days())
def test_no_plan_of_a_capped_day_costs_less_than_the_bound(body: str) -> None:
    """On days where the lane binds, the bound (each ticket alone plus the lane) and the
    breach floor stay below every plan, however its tickets are shared out and ordered."""
    problem = tiny(body, end="2026-11-30T18:00")
    bound = relaxation_bound(problem)
    floor = breach_floor(problem)
    weighted = breach_floor(problem, weighted=True)
    best = math.inf
    for jobs in _every_plan(problem):
        assert not broken_tickets(problem, jobs)
        evaluation = evaluate(problem, jobs)
        best = min(best, evaluation.total)
        breaches = _breaches(problem, evaluation)
        weighted_breaches = _breaches(problem, evaluation, weighted=True)
        assert floor["break_fix"] <= breaches["break_fix"] + 1e-9
        assert weighted["break_fix"] <= weighted_breaches["break_fix"] + 1e-9
    assert bound <= best + 1e-9
