"""explain on SPEC v2: a ticket's risk split into the job itself and the jobs before it."""

from __future__ import annotations

import re

from dispatcher.semantics.evaluate import Job, evaluate
from dispatcher.solver.assemble import build_plan
from dispatcher.views.explain import explain
from tests.scenarios import tiny

DAY = """
policy: {risk_samples: 200}
engineers:
  - {id: alice, skills: [windows], home: alice-home,
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
tickets:
  - {id: LONG, client: northwind, priority: P3, opened: 2026-11-30T08:00,
     effort: {p50: 2h, p90: 5h}}
  - {id: TIGHT, client: northwind, priority: P2, opened: 2026-11-30T08:00,
     effort: 30m, responded: 2026-11-30T08:05}
"""


def test_the_risk_of_a_job_behind_an_uncertain_one_comes_from_the_job_before_it() -> None:
    """TIGHT (P2, resolution due 16:00, certain 30 min) behind LONG: alone at 10:00 it
    never misses 16:00; it does in the draws where LONG runs past 15:30."""
    problem = tiny(DAY)
    jobs = [Job(0, 0, 0, 120), Job(1, 0, 120, 150)]
    evaluation = evaluate(problem, jobs)
    risk = evaluation.jobs[1].resolution_risk
    assert risk > 0.01
    plan = build_plan(problem, jobs, evaluation, status="feasible", time_s=0.0, bound=None, seed=0)
    text = explain(problem, plan, "TIGHT").risk
    assert "(already responded)" in text
    found = re.search(
        r"; ([\d.]+): ([\d.]+) from the job itself .*?, ([\d.]+) from the 1 job "
        r"before it on alice's day",
        text,
    )
    assert found, text
    total, own, before = (float(group) for group in found.groups())
    assert own == 0.0
    assert abs(total - risk) < 0.005 and abs(before - risk) < 0.005
