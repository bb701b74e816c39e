"""Unassigned reasons of crew jobs (crew > 1), which this version leaves to staff by hand."""

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


def test_a_crew_that_could_be_staffed_is_left_for_the_dispatcher() -> None:
    problem = tiny(TEAM.replace("CREW_LEVEL", "1"))
    assert problem.eligible[0] == []  # the planner does not place it
    assert problem.capable[0] == [0, 1]  # but the bound knows who could lead it
    reason, detail = unassigned_reason(problem, problem.tickets[0])
    assert reason == "deferred"
    assert "(alice, bob could go)" in detail
