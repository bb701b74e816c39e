"""Routing the on-site visits with OR-Tools' routing library: the exact objective never
rises, must-assign work, booked visits and crews stay placed, the checker accepts the
plan, and one worker with a seed gives the same plan every time."""

from __future__ import annotations

import time
from collections.abc import Callable

from dispatcher.checker import check_plan
from dispatcher.io.loader import load_scenario_text
from dispatcher.semantics.evaluate import Evaluation, Job, evaluate
from dispatcher.semantics.problem import Problem
from dispatcher.solver.assemble import build_plan
from dispatcher.solver.clock import WorkClock
from dispatcher.solver.construct import reference_plan
from dispatcher.solver.feasibility import broken_tickets
from dispatcher.solver.must import MustKeeper
from dispatcher.solver.routing import RoutingLimit, routable, route_visits
from dispatcher.solver.solve import SolveOptions, solve

DAY = "2026-11-30"


def _site(number: int) -> str:
    # A 4 x 4 grid about 3 km apart, south-west of central London.
    lat, lon = 51.45 + 0.027 * (number // 4), -0.25 + 0.043 * (number % 4)
    return f"  s{number}: {{lat: {lat:.4f}, lon: {lon:.4f}}}"


def _scenario(visits: int = 12, extras: bool = True) -> Problem:
    """Six engineers on one single-shift day; ``visits`` windowed on-site visits over the
    grid (every third one must be assigned); with ``extras``: a booked visit of alice's, a
    remote job only bob can do, and a two-engineer visit for carol and dave."""
    sites = "\n".join(_site(n) for n in range(16))
    engineers = "\n".join(
        f"  - {{id: {name}, skills: [{skills}], home: s{home}, "
        f"shifts: [{{start: {DAY}T08:00, end: {DAY}T17:00}}]}}"
        for name, skills, home in [
            ("alice", "net, win", 0),
            ("bob", "net, win, sql", 15),
            ("carol", "net, lift", 3),
            ("dave", "win, lift", 12),
            ("erin", "net, win", 6),
            ("frank", "net, win", 9),
        ]
    )
    tickets = []
    for number in range(visits):
        skill = "net" if number % 2 else "win"
        start = 8 + (number * 5) % 7
        tickets.append(
            f"  - {{id: V{number:02d}, client: acme, priority: P3, opened: {DAY}T07:00, "
            f"onsite: true, site: s{(number * 7) % 16}, effort: {{p50: 30m, p90: 50m}}, "
            f"skills: [{skill}], window: {{start: {DAY}T{start:02d}:00, end: {DAY}T{start + 3:02d}:00}}"
            f"{', must_assign: true' if number % 3 == 0 else ''}}}"
        )
    if extras:
        tickets += [
            f"  - {{id: BOOKED, client: acme, priority: P2, opened: {DAY}T07:00, onsite: true, "
            f"site: s5, effort: 1h, assigned_to: alice, fixed_start: {DAY}T11:00}}",
            f"  - {{id: REMOTE, client: acme, priority: P2, opened: {DAY}T07:00, "
            f"effort: 1h, skills: [sql]}}",
            f"  - {{id: LIFT, client: acme, priority: P3, opened: {DAY}T07:00, onsite: true, "
            f"site: s9, effort: 2h, skills: [lift], crew: 2}}",
        ]
    text = f"""
version: 1
name: routing
timezone: Europe/London
horizon: {{start: {DAY}T08:00, end: {DAY}T17:00}}
sla_policies:
  gold:
    tier: managed
    clock: 24x7
    targets:
      P2: {{response: 3h, resolution: 6h}}
      P3: {{response: 6h, resolution: 9h}}
policy: {{risk_samples: 100}}
sites:
{sites}
clients:
  - {{id: acme, sla: gold, site: s0}}
engineers:
{engineers}
tickets:
""" + "\n".join(tickets)
    return load_scenario_text(text, filename="routing.yaml")


def _tools(
    problem: Problem, jobs: list[Job]
) -> tuple[Callable[[list[Job]], Evaluation], Callable[[list[Job]], bool]]:
    keeper = MustKeeper(problem, jobs)

    def valid(candidate: list[Job]) -> bool:
        return keeper.keeps(candidate) and not broken_tickets(problem, candidate)

    return (lambda candidate: evaluate(problem, candidate)), valid


def _routed(problem: Problem, jobs: list[Job], clock: WorkClock) -> tuple[list[Job], Evaluation]:
    exact, valid = _tools(problem, jobs)
    return route_visits(
        problem,
        jobs,
        evaluate(problem, jobs),
        exact,
        valid,
        RoutingLimit(0.5, deterministic=True, clock=clock),
    )


def _clock() -> WorkClock:
    return WorkClock(time.monotonic(), time.monotonic() + 60)


def test_routing_lowers_the_objective_and_keeps_what_must_stay() -> None:
    problem = _scenario()
    start = reference_plan(problem)
    before = evaluate(problem, start)
    clock = _clock()
    jobs, after = _routed(problem, start, clock)
    assert after.total <= before.total
    assert after.total == evaluate(problem, jobs).total
    assert clock.spent > 0  # the branches it used are charged to the work clock
    placed = {job.ticket: job for job in jobs}
    for ticket in problem.tickets:
        if ticket.must_assign:
            assert ticket.index in placed, ticket.id
    booked = problem.ticket_index["BOOKED"]
    lift = problem.ticket_index["LIFT"]
    kept = {job.ticket: job for job in start}
    assert placed[booked] == kept[booked]
    assert placed[lift] == kept[lift]  # crews are left alone
    assert not broken_tickets(problem, jobs)
    plan = build_plan(problem, jobs, after, status="feasible", time_s=0.0, bound=None, seed=0)
    report = check_plan(problem, plan)
    assert report.ok, report.violations


def test_the_rule_of_thumbs_routes_get_shorter() -> None:
    problem = _scenario()
    start = reference_plan(problem)
    before = evaluate(problem, start)
    _, after = _routed(problem, start, _clock())
    assert after.total < before.total
    assert after.travel_minutes < before.travel_minutes
    assert after.sla_risk <= before.sla_risk + 1e-9


def test_one_worker_routing_is_reproducible() -> None:
    problem = _scenario()
    start = reference_plan(problem)
    first, _ = _routed(problem, start, _clock())
    again, _ = _routed(problem, start, _clock())
    assert first == again


def test_nothing_to_route_leaves_the_plan_as_it_was() -> None:
    problem = _scenario(visits=2)
    start = reference_plan(problem)
    before = evaluate(problem, start)
    exact, valid = _tools(problem, start)
    jobs, after = route_visits(
        problem, start, before, exact, valid, RoutingLimit(0.5, deterministic=True)
    )
    assert jobs is start and after is before


def test_what_the_routing_may_move() -> None:
    problem = _scenario()
    movable = {t.id for t in problem.tickets if routable(problem, t)}
    assert "BOOKED" not in movable and "LIFT" not in movable and "REMOTE" not in movable
    assert {"V00", "V01"} <= movable


def test_a_one_worker_solve_with_routing_is_reproducible_and_checked() -> None:
    problem = _scenario(visits=16)
    options = SolveOptions(time_limit=2.0, workers=1, seed=3)
    first, again = solve(problem, options), solve(problem, options)
    assert first.jobs == again.jobs
    assert first.evaluation.total == again.evaluation.total
    plan = build_plan(
        problem, first.jobs, first.evaluation, status="feasible", time_s=0.0, bound=None, seed=3
    )
    report = check_plan(problem, plan)
    assert report.ok, report.violations
    placed = {job.ticket for job in first.jobs}
    assert all(t.index in placed for t in problem.tickets if t.must_assign)
