"""Crew jobs (SPEC "Crews"): a ticket with ``crew: n`` is one job of n engineers who start
and end together in their joint shift time, each walking their own day. Every planning
path places them whole and every plan passes the independent checker."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from dispatcher.api import check, reschedule_plan, solve_scenario
from dispatcher.io.history import replace_problem
from dispatcher.semantics.evaluate import Job, evaluate
from dispatcher.semantics.problem import Problem
from dispatcher.solver.bound import least_costs, relaxation_bound
from dispatcher.solver.construct import Schedule, find_crew_slot, place_crew, reference_plan
from dispatcher.solver.feasibility import broken_tickets
from dispatcher.solver.reasons import unassigned_reason
from dispatcher.solver.solve import SolveOptions, solve
from tests.scenarios import tiny

# Alice and Bob work 08:00-17:00 both days, Carol only from 12:00 on Monday; Dan works
# remotely. The cabinet job needs two networkers on site at the shop.
TEAM = """
engineers:
  - {id: alice, home: alice-home, skills: {networking: 2},
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00},
              {start: 2026-12-01T08:00, end: 2026-12-01T17:00}]}
  - {id: bob, home: bob-home, skills: {networking: 2},
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00},
              {start: 2026-12-01T08:00, end: 2026-12-01T17:00}]}
  - {id: carol, home: alice-home, skills: {networking: 3},
     shifts: [{start: 2026-11-30T12:00, end: 2026-11-30T17:00}]}
  - {id: dan, onsite: false, skills: {networking: 3},
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
"""

CABINET = """
  - {id: T-9, client: corner-shop, priority: P2, opened: 2026-11-30T07:00, onsite: true,
     effort: {p50: 3h, p90: 5h}, skills: {networking: 2}, crew: 2}
"""

BUSY_ALICE = """
  - {id: T-1, client: northwind, priority: P1, opened: 2026-11-30T07:00,
     effort: {p50: 2h, p90: 3h}, skills: {networking: 2}, assigned_to: alice,
     fixed_start: 2026-11-30T08:00}
"""


def day(tickets: str, team: str = TEAM) -> Problem:
    return tiny(team + "tickets:\n" + tickets)


def crew_of(plan_jobs: list[Job], problem: Problem, ticket: str) -> Job:
    return next(j for j in plan_jobs if j.ticket == problem.ticket_index[ticket])


def test_a_crew_job_is_planned_whole_and_passes_the_checker() -> None:
    problem = day(CABINET + BUSY_ALICE)
    plan = solve_scenario(problem, time_limit=2, seed=0, workers=1)
    report = check(problem, plan)
    assert report.ok, report.violations
    entry = next(a for a in plan.assignments if a.ticket == "T-9")
    assert entry.crew is not None and len(entry.crew) == 1
    members = {entry.engineer, entry.crew[0].engineer}
    assert len(members) == 2 and "dan" not in members  # Dan does not work on site
    # Everyone on it travels from home to the shop, and each trip is reported.
    assert entry.travel_minutes > 0 and entry.crew[0].travel_minutes > 0
    assert plan.kpis.travel_minutes >= entry.travel_minutes + entry.crew[0].travel_minutes


def test_the_crew_starts_when_its_last_member_is_free() -> None:
    """Alice is booked until 10:00; Bob and Carol could go. The rule of thumb leads with
    the engineer on whom the job alone finishes earliest (Bob, free at 08:00), then adds
    the member with whom the pair finishes earliest: Alice (free at 10:00), not Carol
    (not on shift before 12:00)."""
    problem = day(CABINET + BUSY_ALICE)
    jobs = reference_plan(problem)
    job = crew_of(jobs, problem, "T-9")
    names = [problem.engineers[m].id for m in job.members]
    assert names == ["bob", "alice"]
    booked = crew_of(jobs, problem, "T-1")
    assert job.start >= booked.end  # after Alice's appointment and her drive
    assert not broken_tickets(problem, jobs)


def test_a_crew_slot_is_in_every_members_shift_time() -> None:
    """Carol is on shift from 12:00: a crew with her starts no earlier (joint time)."""
    problem = day(CABINET)
    schedule = Schedule(problem)
    carol, alice = problem.engineer_index["carol"], problem.engineer_index["alice"]
    slot = find_crew_slot(schedule, problem.tickets[0], (alice, carol))
    assert slot is not None
    start, end, trips = slot
    assert start >= 4 * 60 + trips[1]  # Carol's shift starts at 12:00 (4 h in)
    assert end - start == 3 * 60  # no pause: 3 h inside Monday afternoon
    assert len(trips) == 2


def test_assigned_to_names_the_lead() -> None:
    cabinet = CABINET.replace("crew: 2}", "crew: 2, assigned_to: carol}")
    problem = day(cabinet)
    job, _ = place_crew(Schedule(problem), problem.tickets[0]) or (None, 0)
    assert job is not None and problem.engineers[job.engineer].id == "carol"
    plan = solve_scenario(problem, time_limit=1, seed=0, workers=1)
    assert check(problem, plan).ok
    assert plan.assignments[0].engineer == "carol"


def test_too_few_engineers_is_no_eligible_engineer() -> None:
    cabinet = CABINET.replace("networking: 2}, crew: 2", "networking: 3}, crew: 2")
    problem = day(cabinet)  # only Carol (on site) has networking 3
    plan = solve_scenario(problem, time_limit=1, seed=0, workers=1)
    assert [u.reason for u in plan.unassigned] == ["no_eligible_engineer"]
    assert "needs 2 engineers" in plan.unassigned[0].detail
    assert check(problem, plan).ok


def test_a_crew_that_can_never_be_together_is_window_unreachable() -> None:
    """A window on Tuesday morning: Carol and the others never share shift time then, but
    Alice and Bob do; with a three-engineer crew, only sets with Carol are left."""
    cabinet = CABINET.replace(
        "crew: 2}",
        "crew: 3, window: {start: 2026-12-01T09:00, end: 2026-12-01T11:00}}",
    )
    problem = day(cabinet)
    reason, detail = unassigned_reason(problem, problem.tickets[0])
    assert reason == "window_unreachable", detail


def test_a_short_joint_shift_is_no_capacity() -> None:
    """Carol's 5 hours are the only time a three-engineer crew shares: a 6-hour job does
    not fit it."""
    cabinet = CABINET.replace("effort: {p50: 3h, p90: 5h}", "effort: {p50: 6h, p90: 8h}")
    problem = day(cabinet.replace("crew: 2", "crew: 3"))
    reason, detail = unassigned_reason(problem, problem.tickets[0])
    assert reason == "no_capacity", detail
    # Carol's afternoon less the drive from home: under 5 of the 6 hours it needs.
    assert "for 6 h of their joint shift time" in detail and "4.7 h" in detail


def test_the_bound_stays_below_crew_plans_with_preferences() -> None:
    """A client preferring Bob: a crew with Bob as a member (not lead) meets it, so the
    bound must not charge the preference to a crew led by someone else."""
    plain = day(CABINET)
    bob = plain.engineer_index["bob"]
    tickets = [dataclasses.replace(plain.tickets[0], preferred=frozenset({bob}))]
    problem = replace_problem(plain, tickets=tickets)
    least = least_costs(problem)[0]
    alice, carol = problem.engineer_index["alice"], problem.engineer_index["carol"]
    schedule = Schedule(problem)
    for lead, member in itertools.permutations((alice, bob, carol), 2):
        slot = find_crew_slot(schedule, problem.tickets[0], (lead, member))
        assert slot is not None
        job = Job(0, lead, slot[0], slot[1], (member,))
        assert not broken_tickets(problem, [job])
        assert least <= evaluate(problem, [job]).total + 1e-9
    result = solve(problem, SolveOptions(time_limit=1, seed=0, workers=1))
    assert relaxation_bound(problem) <= result.evaluation.total + 1e-9
    assert result.evaluation.preference == 0.0  # the crew includes Bob


def test_a_member_going_off_sick_cuts_the_job_for_everyone() -> None:
    problem = day(CABINET)
    plan = solve_scenario(problem, time_limit=1, seed=0, workers=1)
    entry = plan.assignments[0]
    assert entry.crew is not None
    member = entry.crew[0].engineer
    now = (entry.start + (entry.end - entry.start) / 2).isoformat()
    result = reschedule_plan(problem, plan, now, unavailable=[member], time_limit=1, workers=1)
    event = result.plan.reschedule["events"][0]  # type: ignore[index]
    cut = event["cut"]
    assert {c["engineer"] for c in cut} == {entry.engineer, member}
    assert {c["ticket"] for c in cut} == {"T-9"}
    assert check(result.problem, result.plan, base=plan).ok
    # The rest needs two engineers again: it goes to another pair, or stays unassigned.
    rest = [a for a in result.plan.assignments if a.ticket == "T-9"]
    if rest:
        assert rest[0].crew is not None
        assert member not in {rest[0].engineer, *(c.engineer for c in rest[0].crew)}


@pytest.mark.parametrize("seed", [0, 1])
def test_crew_plans_are_reproducible(seed: int) -> None:
    problem = day(CABINET + BUSY_ALICE)
    first = solve(problem, SolveOptions(time_limit=1, seed=seed, workers=1))
    again = solve(problem, SolveOptions(time_limit=1, seed=seed, workers=1))
    assert first.jobs == again.jobs


SOLO_JOB = {
    "id": "T-50",
    "client": "corner-shop",
    "priority": "P2",
    "opened": "2026-11-30T09:00",
    "onsite": True,
    "effort": {"p50": "2h", "p90": "3h"},
    "effort_solo": {"p50": "4h", "p90": "6h"},
    "skills": {"networking": 2},
    "crew": 2,
}


def test_impact_compares_sending_the_crew_with_one_engineer() -> None:
    from dispatcher.api import impact_of

    problem = day(BUSY_ALICE)
    plan = solve_scenario(problem, time_limit=1, seed=0, workers=1)
    result = impact_of(problem, plan, "2026-11-30T08:30", [SOLO_JOB], time_limit=1, workers=1)
    compared = result.crew_or_solo()
    assert compared is not None
    crew, alone = compared["crew"], compared["solo"]
    assert crew["assigned"] and len(crew["engineers"]) == 2
    assert alone["assigned"] and len(alone["engineers"]) == 1
    # Each side is a real re-plan: its objective is that plan's.
    assert crew["objective"] == pytest.approx(result.with_job.plan.objective.total, abs=1e-6)
    assert result.solo is not None
    assert alone["objective"] == pytest.approx(result.solo.plan.objective.total, abs=1e-6)
    assert compared["cheaper"] == ("crew" if crew["objective"] <= alone["objective"] else "solo")
    assert result.as_json()["crew_or_solo"] == compared
    # Without effort_solo there is nothing to compare.
    plain = {k: v for k, v in SOLO_JOB.items() if k != "effort_solo"}
    again = impact_of(problem, plan, "2026-11-30T08:30", [plain], time_limit=1, workers=1)
    assert again.crew_or_solo() is None


def test_effort_solo_needs_a_crew_job() -> None:
    from dispatcher.errors import InputError

    with pytest.raises(InputError) as raised:
        day(CABINET.replace("crew: 2}", "crew: 1, effort_solo: {p50: 6h, p90: 8h}}"))
    assert "tickets[0].effort_solo" in str(raised.value)


def test_a_crew_job_that_must_be_taken_makes_room() -> None:
    """Alice's and Bob's Monday is full of work that need not be done today; a priced crew
    job (impact assigns it whenever a crew could take it) evicts some of it."""
    busy = "".join(
        f"  - {{id: W-{who}{i}, client: northwind, priority: P3, opened: 2026-11-30T07:00,"
        f" effort: 3h, skills: {{networking: 2}}, assigned_to: {who}}}\n"
        for who in ("alice", "bob")
        for i in range(3)
    )
    one_day = {"start": "2026-11-30T08:00", "end": "2026-11-30T18:00"}
    team = TEAM.replace("              {start: 2026-12-01T08:00, end: 2026-12-01T17:00}", "")
    team = team.replace("]}\n  - {id: carol", "]}\n  - {id: carol").replace(
        "carol, home: alice-home, skills: {networking: 3}", "carol, home: alice-home, skills: {}"
    )
    problem = tiny(team + "tickets:\n" + busy, **one_day)
    plan = solve_scenario(problem, time_limit=1, seed=0, workers=1)
    job = dict(SOLO_JOB, id="T-60", effort={"p50": "3h", "p90": "4h"})
    del job["effort_solo"]
    from dispatcher.api import impact_of

    result = impact_of(problem, plan, "2026-11-30T08:00", [job], time_limit=1, workers=1)
    placed = [a for a in result.with_job.plan.assignments if a.ticket == "T-60"]
    assert placed and placed[0].crew is not None
    assert {placed[0].engineer, placed[0].crew[0].engineer} == {"alice", "bob"}
    assert check(problem, result.with_job.plan, base=plan).ok
