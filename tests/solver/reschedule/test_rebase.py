"""Rebase (``reschedule --rebase``): a morning plan re-planned onto a fresh export of the
day, tickets and engineers matched by id; every plan through the checker, with and
without the morning plan as its base."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from dispatcher.api import check, reschedule_plan, solve_scenario
from dispatcher.errors import InputError
from dispatcher.solver.reschedule.outcomes import RescheduleOutcome
from tests.scenarios import scenario_text, tiny

NOW = "2026-11-30T10:00"

ENGINEERS = """
engineers:
  - {id: alice, home: alice-home, onsite: true, skills: [windows],
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00},
              {start: 2026-12-01T08:00, end: 2026-12-01T17:00}]}
  - {id: bob, home: bob-home, onsite: true, skills: [windows],
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00},
              {start: 2026-12-01T08:00, end: 2026-12-01T17:00}]}
"""
CAROL = """  - {id: carol, home: bob-home, onsite: true,
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00},
              {start: 2026-12-01T08:00, end: 2026-12-01T17:00}]}
"""
# At 10:00: T-1 runs (alice), T-2 is done (bob), T-7 runs (bob), T-6 runs (carol),
# T-3 is booked for 13:00 (bob), C-1 (a crew of two) for tomorrow.
MORNING_TICKETS = """
tickets:
  - {id: T-1, client: northwind, priority: P2, opened: 2026-11-30T07:00, effort: 3h,
     assigned_to: alice, fixed_start: 2026-11-30T08:00}
  - {id: T-2, client: northwind, priority: P2, opened: 2026-11-30T07:00, effort: 1h,
     assigned_to: bob, fixed_start: 2026-11-30T08:00}
  - {id: T-3, client: northwind, priority: P3, opened: 2026-11-30T07:00, effort: 1h,
     assigned_to: bob, fixed_start: 2026-11-30T13:00}
  - {id: T-4, client: northwind, priority: P3, opened: 2026-11-30T07:00, effort: 1h}
  - {id: T-6, client: northwind, priority: P3, opened: 2026-11-30T07:00, effort: 4h,
     assigned_to: carol, fixed_start: 2026-11-30T08:00}
  - {id: T-7, client: northwind, priority: P2, opened: 2026-11-30T07:00, effort: 2h,
     assigned_to: bob, fixed_start: 2026-11-30T09:00}
  - {id: C-1, client: corner-shop, priority: P2, opened: 2026-11-30T07:00, effort: 2h,
     onsite: true, crew: 2, assigned_to: alice, fixed_start: 2026-12-01T09:00}
"""
# The re-import at 10:00: T-1, T-2, T-3 closed; T-4 now P2 and 2h; T-6 unbooked (carol
# left); T-7 needs 3h; N-1 is new; carol is gone.
NEW_TICKETS = """
tickets:
  - {id: T-4, client: northwind, priority: P2, opened: 2026-11-30T07:00, effort: 2h}
  - {id: T-6, client: northwind, priority: P3, opened: 2026-11-30T07:00, effort: 4h}
  - {id: T-7, client: northwind, priority: P2, opened: 2026-11-30T07:00, effort: 3h,
     assigned_to: bob, fixed_start: 2026-11-30T09:00}
  - {id: C-1, client: corner-shop, priority: P2, opened: 2026-11-30T07:00, effort: 2h,
     onsite: true, crew: 2, assigned_to: alice, fixed_start: 2026-12-01T09:00}
  - {id: N-1, client: corner-shop, priority: P1, opened: 2026-11-30T09:45, effort: 1h,
     onsite: true}
"""
MORNING = ENGINEERS + CAROL + MORNING_TICKETS
NEW = ENGINEERS + NEW_TICKETS


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)  # London in winter


@pytest.fixture(scope="module")
def rebased():
    morning_problem, new_problem = tiny(MORNING), tiny(NEW)
    morning = solve_scenario(morning_problem, time_limit=1.0, workers=1, seed=0)
    assert check(morning_problem, morning).ok
    result = reschedule_plan(
        new_problem,
        morning,
        NOW,
        base_scenario=morning_problem,
        time_limit=1.0,
        workers=1,
        seed=0,
    )
    return morning_problem, new_problem, morning, result


def test_the_plan_passes_the_checker_alone_and_against_the_morning_plan(rebased):
    _, new_problem, morning, result = rebased
    alone = check(new_problem, result.plan)
    assert alone.ok, alone.violations
    against = check(new_problem, result.plan, morning)
    assert against.ok, against.violations
    assert result.plan.scenario.sha256 == new_problem.sha256


def test_no_ticket_is_lost(rebased):
    _, new_problem, _, result = rebased
    plan = result.plan
    places = Counter(
        [
            *(a.ticket for a in plan.assignments),
            *(u.ticket for u in plan.unassigned),
            *(c.ticket for c in plan.completed),
        ]
    )
    ours = {t.id for t in new_problem.tickets} | {t["id"] for t in plan.reschedule["added_tickets"]}
    assert set(places) == ours and set(places.values()) == {1}
    record = plan.reschedule["rebase"]
    closed = {c["ticket"]: c for c in record["closed"]}
    # Every ticket of the morning plan is in the new plan or recorded as closed.
    assert {"T-1", "T-2", "T-3"} <= set(closed)
    assert set(places) | set(closed) >= {"T-1", "T-2", "T-3", "T-4", "T-6", "T-7", "C-1"}


def test_closed_tickets(rebased):
    _, _, _, result = rebased
    plan = result.plan
    closed = {c["ticket"]: c for c in plan.reschedule["rebase"]["closed"]}
    completed = {c.ticket: c for c in plan.completed}
    # Running at now: it ends at now, kept in completed (carried in added_tickets).
    assert closed["T-1"]["was"] == "running" and closed["T-1"]["became"] == "cut_at_now"
    assert closed["T-1"]["in_plan"] and completed["T-1"].end == utc(NOW)
    # Already finished: stays completed, unchanged.
    assert closed["T-2"]["became"] == "completed" and completed["T-2"].end == utc(
        "2026-11-30T09:00"
    )
    # Only planned: leaves the plan.
    assert closed["T-3"]["was"] == "planned" and closed["T-3"]["became"] == "dropped"
    assert "T-3" not in {a.ticket for a in plan.assignments}
    assert {"T-1", "T-2"} == {t["id"] for t in plan.reschedule["added_tickets"]}
    assert {"type": "done", "ticket": "T-1"} in plan.reschedule["events"]


def test_new_and_changed_tickets(rebased):
    _, _, _, result = rebased
    plan = result.plan
    record = plan.reschedule["rebase"]
    assert record["new"] == ["N-1"]
    changed = {c["ticket"]: c for c in record["changed"]}
    assert changed["T-4"]["fields"] == ["effort", "priority"]
    assert changed["T-7"]["fields"] == ["effort"] and changed["T-7"]["running"]
    placed = {a.ticket: a for a in plan.assignments}
    assert "N-1" in placed
    # A running job keeps engineer, start and end, whatever its new effort says.
    assert placed["T-7"].engineer == "bob"
    assert (placed["T-7"].start, placed["T-7"].end) == (
        utc("2026-11-30T09:00"),
        utc("2026-11-30T11:00"),
    )
    # T-4's new effort: 2 h of shift time.
    t4 = placed.get("T-4")
    if t4 is not None:
        assert t4.end - t4.start >= dt.timedelta(hours=2)


def test_gone_engineer_and_crew(rebased):
    _, _, _, result = rebased
    plan = result.plan
    record = plan.reschedule["rebase"]
    assert record["engineers_gone"] == [{"engineer": "carol", "replanned": ["T-6"], "reopened": []}]
    placed = {a.ticket: a for a in plan.assignments}
    assert all(
        "carol" not in {a.engineer, *(m.engineer for m in a.crew or [])} for a in plan.assignments
    )
    assert "carol" not in {c.engineer for c in plan.completed}
    if "T-6" in placed:
        assert placed["T-6"].previous is not None and placed["T-6"].previous.engineer == "carol"
        assert ("T-6", "carol", placed["T-6"].engineer) in result.changes.reassigned
    assert plan.reschedule["reassigned"] >= 1
    crew = placed["C-1"]
    assert crew.engineer == "alice" and len(crew.crew or []) == 1


def test_the_result_round_trips_through_json(rebased):
    _, _, _, result = rebased
    outcome = result.model()
    assert outcome.changes.rebase is not None
    assert RescheduleOutcome.model_validate_json(outcome.model_dump_json()) == outcome


def test_a_later_reschedule_of_the_rebased_plan_loses_nothing(rebased):
    _, new_problem, _, result = rebased
    later = reschedule_plan(
        new_problem, result.plan, "2026-11-30T12:00", time_limit=1.0, workers=1, seed=0
    )
    assert check(new_problem, later.plan, result.plan).ok
    history = later.plan.reschedule["history"]
    assert history[-1]["rebase"]["new"] == ["N-1"]


def test_without_rebase_a_plan_of_another_scenario_is_refused(rebased):
    _, new_problem, morning, _ = rebased
    with pytest.raises(InputError, match="another scenario"):
        reschedule_plan(new_problem, morning, NOW, time_limit=1.0, workers=1)


def test_bad_events_are_input_errors(rebased):
    morning_problem, new_problem, morning, _ = rebased
    with pytest.raises(InputError, match="unknown ticket 'T-3'"):
        reschedule_plan(
            new_problem, morning, NOW, done=["T-3"], base_scenario=morning_problem, time_limit=1
        )
    other = tiny(ENGINEERS + NEW_TICKETS.replace("N-1", "N-2"))
    with pytest.raises(InputError, match="another scenario"):
        reschedule_plan(new_problem, morning, NOW, base_scenario=other, time_limit=1)


def test_scenario_text_helper_is_the_one_the_cli_test_uses():
    assert "tickets:" in scenario_text(MORNING)
