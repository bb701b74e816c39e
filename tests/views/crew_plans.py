"""A small day with one crew job, for the views' crew tests.

The solver does not plan crew jobs yet, so the plan is made by hand: solo jobs
priced by ``evaluate``, then the crew job's assignment given its other members
(SPEC "Plan file": ``"crew": [{"engineer": ..., "travel_minutes": ...}]``).
"""

from __future__ import annotations

from dispatcher.semantics.evaluate import Job, evaluate
from dispatcher.semantics.problem import Problem
from dispatcher.solver.assemble import build_plan
from models import Plan
from models.plan import CrewMember
from tests.scenarios import tiny

CREW_DAY = """
policy: {risk_samples: 50}
engineers:
  - {id: alice, name: Alice Smith, skills: [windows, networking], home: alice-home,
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
  - {id: bob, name: Bob Jones, skills: [windows, networking], home: bob-home,
     shifts: [{start: 2026-11-30T09:00, end: 2026-11-30T16:00}]}
  - {id: carol, name: Carol White, skills: [windows], home: bob-home,
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
tickets:
  - {id: RACK, client: corner-shop, summary: Re-rack the comms cabinet, priority: P1,
     opened: 2026-11-30T07:30, onsite: true, effort: {p50: 2h, p90: 3h},
     skills: [networking], crew: 2}
  - {id: MAIL, client: northwind, summary: Mailbox full, priority: P3,
     opened: 2026-11-30T07:00, effort: 30m}
  - {id: DESK, client: northwind, summary: New starter desk, priority: P3,
     opened: 2026-11-30T07:00, onsite: true, effort: 1h}
"""
RACK_START = 60 + 50  # 09:50: bob's MAIL (remote) ends 09:30, then his 20 minutes' drive
BOB_TRAVEL = 20


def crew_problem() -> Problem:
    return tiny(CREW_DAY)


def crew_plan(problem: Problem) -> Plan:
    """RACK on alice (lead) and bob, 09:50-11:50; MAIL on bob before it; DESK on carol.
    Bob's travel is added to the plan's travel totals, as a crew plan counts it."""
    index = problem.engineer_index
    rack, mail, desk = (problem.ticket_index[t] for t in ("RACK", "MAIL", "DESK"))
    jobs = [
        Job(rack, index["alice"], RACK_START, RACK_START + 120),
        Job(mail, index["bob"], 60, 90),
        Job(desk, index["carol"], 60, 120),
    ]
    plan = build_plan(
        problem, jobs, evaluate(problem, jobs), status="feasible", time_s=0.0, bound=None, seed=0
    )
    assignments = [
        a.model_copy(update={"crew": [CrewMember(engineer="bob", travel_minutes=BOB_TRAVEL)]})
        if a.ticket == "RACK"
        else a
        for a in plan.assignments
    ]
    kpis = plan.kpis.model_copy(update={"travel_minutes": plan.kpis.travel_minutes + BOB_TRAVEL})
    extra = problem.weights.travel_per_hour * BOB_TRAVEL / 60
    objective = plan.objective.model_copy(
        update={"travel": plan.objective.travel + extra, "total": plan.objective.total + extra}
    )
    return plan.model_copy(
        update={"assignments": assignments, "kpis": kpis, "objective": objective}
    )
