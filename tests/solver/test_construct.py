"""Construction pieces: the tier-cap load, the final placing of left-out tickets, and the
deferred detail a dispatcher reads."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dispatcher.api import check, solve_scenario
from dispatcher.io.generator import generate_scenario
from dispatcher.io.loader import load_scenario_text
from dispatcher.semantics.evaluate import evaluate, unassigned_cost
from dispatcher.solver.construct import TierLoad, fill_unassigned, greedy_plan
from dispatcher.solver.feasibility import broken_tickets
from tests.scenarios import scenario_text, tiny

intervals = st.tuples(st.integers(0, 300), st.integers(1, 120)).map(lambda p: (p[0], p[0] + p[1]))


@settings(max_examples=200, deadline=None)
@given(jobs=st.lists(intervals, max_size=25), query=intervals)
def test_tier_load_answers_like_counting_every_job(jobs, query):
    """Peak over [start, end) and the first end among overlapping jobs, against brute force."""
    load = TierLoad()
    for start, end in jobs:
        load.add(start, end)
    start, end = query
    overlapping = [(s, e) for s, e in jobs if s < end and start < e]
    peak = max(
        (sum(1 for s, e in jobs if s <= minute < e) for minute in range(start, end)), default=0
    )
    assert load.peak(start, end) == peak
    expected = min((e for _, e in overlapping), default=None)
    assert load.first_end(start, end) == expected


def test_left_out_tickets_go_back_where_that_pays():
    """Drop jobs from a plan: the fill puts tickets back only where the exact objective
    falls, keeps every rule, and moves nothing already placed."""
    problem = load_scenario_text(generate_scenario(4, 30, days=2, seed=3), "fill.yaml")
    full = greedy_plan(problem)
    dropped = full[::3]
    kept = [job for job in full if job not in dropped]
    before = evaluate(problem, kept)
    jobs, after = fill_unassigned(
        problem,
        kept,
        before,
        lambda js: evaluate(problem, js),
        valid=lambda js: not broken_tickets(problem, js),
    )
    assert after.total < before.total
    assert set(kept) <= set(jobs)  # nothing placed moved
    assert not broken_tickets(problem, jobs)
    assert abs(evaluate(problem, jobs).total - after.total) <= 1e-9
    for ticket in after.unassigned_risk:  # what stays out would cost at least as much placed
        assert ticket in before.unassigned_risk


def _picky() -> str:
    """A cheap break-fix ticket whose client prefers bob, who lacks its skill."""
    text = scenario_text(
        """
engineers:
  - {id: alice, home: alice-home, skills: [windows], shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
  - {id: bob, home: bob-home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
tickets:
  - {id: T-1, client: picky, priority: P2, opened: 2026-11-30T07:00, responded: 2026-11-30T07:05, effort: 1h, skills: [windows]}
""",
        end="2026-11-30T18:00",
    )
    text = text.replace(
        "  - {id: corner-shop, sla: break-fix, site: shop}",
        "  - {id: corner-shop, sla: break-fix, site: shop}\n"
        "  - {id: picky, sla: break-fix, site: shop, preferred_engineers: [bob]}",
    )
    text += "weights: {preference: 2.0}\n"
    return text


def test_deferred_detail_names_the_cost_not_a_busy_day():
    """A cheap break-fix ticket whose client prefers an engineer who cannot take it: placing
    it on anyone else costs the preference weight, more than deferring it. The plan leaves it
    out, and the detail says why instead of blaming weightier work."""
    problem = load_scenario_text(_picky(), "picky.yaml")
    ticket = problem.tickets[0]
    assert unassigned_cost(problem, ticket) < 2.0  # deferring is the cheaper choice
    plan = solve_scenario(problem, time_limit=2, workers=1, seed=0)
    assert check(problem, plan).ok
    [left] = plan.unassigned
    assert left.reason == "deferred"
    assert "fits on alice at Mon 08:" in left.detail
    assert "alice is not a preferred engineer of picky" in left.detail


def test_deferred_detail_on_a_full_day_blames_the_work():
    """Two long P1s for one engineer: the second cannot fit after the first."""
    problem = tiny(
        """
engineers:
  - {id: alice, home: alice-home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
tickets:
  - {id: T-1, client: northwind, priority: P1, opened: 2026-11-30T07:00, effort: 6h}
  - {id: T-2, client: northwind, priority: P2, opened: 2026-11-30T07:00, effort: 6h}
""",
        end="2026-11-30T18:00",
    )
    plan = solve_scenario(problem, time_limit=2, workers=1, seed=0)
    assert check(problem, plan).ok
    [left] = plan.unassigned
    assert left.ticket == "T-2" and left.reason == "deferred"
    assert (
        left.detail == "it would fit an empty day, but its engineer's time went to weightier work"
    )


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), share=st.integers(2, 5))
def test_partial_total_prices_a_change_like_the_whole_objective(seed, share):
    """Two plans that differ on a few engineers only: the difference of those engineers'
    share (their jobs, plus the tickets that moved left out) is the difference of the
    whole objective."""
    import random

    from dispatcher.semantics.evaluate import partial_total

    problem = load_scenario_text(generate_scenario(5, 40, days=2, seed=seed % 7), "part.yaml")
    before = greedy_plan(problem)
    rng = random.Random(seed)
    around = set(rng.sample(range(len(problem.engineers)), 2))
    # The change: every share-th job of those engineers is left out.
    theirs = [job for job in before if job.engineer in around]
    dropped = theirs[::share]
    after = [job for job in before if job not in dropped]
    tickets = {job.ticket for job in theirs}
    whole = evaluate(problem, after).total - evaluate(problem, before).total
    part = partial_total(
        problem, [j for j in after if j.engineer in around], tickets
    ) - partial_total(problem, theirs, tickets)
    assert abs(whole - part) <= 1e-6 * max(1.0, abs(whole))


def test_thrifty_construction_leaves_out_what_costs_more_placed():
    """A ticket whose client prefers an engineer who cannot take it costs more placed (the
    preference) than left out: the thrifty greedy leaves it out, the plain one places it;
    once it must be assigned, both place it."""
    text = _picky()
    problem = load_scenario_text(text, "picky.yaml")
    assert greedy_plan(problem, thrifty=True) == []
    assert len(greedy_plan(problem)) == 1
    must = load_scenario_text(
        text.replace("skills: [windows]}", "skills: [windows], must_assign: true}"), "must.yaml"
    )
    assert len(greedy_plan(must, thrifty=True)) == 1
