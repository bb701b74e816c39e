"""Unassigned reasons of crew jobs (crew > 1), judged over the sets of engineers who
could go together (more cases in ``test_crews``)."""

from __future__ import annotations

from dispatcher.solver.reasons import unassigned_reason
from tests.scenarios import tiny

TEAM = """
engineers:
  - {id: alice, skills: {networking: 2}, home: alice-home,
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
  - {id: bob, skills: {networking: 1}, home: bob-home,
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
  - {id: carol, skills: {networking: 2}, home: bob-home, onsite: false,
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
tickets:
  - {id: VISIT, client: corner-shop, priority: P1, opened: 2026-11-30T08:00, onsite: true,
     effort: 2h, skills: {networking: CREW_LEVEL}, crew: 2}
"""


def test_too_few_engineers_for_the_crew_is_no_eligible_engineer() -> None:
    problem = tiny(TEAM.replace("CREW_LEVEL", "2"))
    reason, detail = unassigned_reason(problem, problem.tickets[0])
    assert reason == "no_eligible_engineer"
    assert detail == "needs 2 engineers with networking>=2 on site together; only alice has it"


def test_a_crew_that_could_be_staffed_is_deferred() -> None:
    problem = tiny(TEAM.replace("CREW_LEVEL", "1"))
    assert problem.eligible[0] == []  # single-engineer paths do not place it ...
    assert problem.capable[0] == [0, 1]  # ... it is placed whole, led by one of these
    assert problem.crew_capable[0] == [0, 1]  # Carol works remotely: not on this visit
    reason, detail = unassigned_reason(problem, problem.tickets[0])
    assert reason == "deferred"
    assert detail == (
        "needs 2 engineers with networking>=1 on site together; "
        "it would fit, but their time went to weightier work"
    )


def test_a_deferred_ticket_blocked_by_its_tier_cap_says_so() -> None:
    """Two break-fix jobs, one at a time (the tier cap), two free engineers: the one left
    out is held back by the cap, not by weightier work."""
    from dispatcher.api import solve_scenario

    problem = tiny(
        """
engineers:
  - {id: alice, home: alice-home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T12:00}]}
  - {id: bob, home: bob-home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T12:00}]}
tickets:
  - {id: B-1, client: corner-shop, priority: P1, opened: 2026-11-30T08:00, effort: 3h}
  - {id: B-2, client: corner-shop, priority: P2, opened: 2026-11-30T08:00, effort: 3h}
""",
        start="2026-11-30T08:00",
        end="2026-11-30T12:00",
    )
    plan = solve_scenario(problem, time_limit=1, seed=0, workers=1)
    (left,) = plan.unassigned
    assert left.ticket == "B-2" and left.reason == "deferred"
    assert "break_fix cap (1 job at a time)" in left.detail
