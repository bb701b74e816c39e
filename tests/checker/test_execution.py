"""The checker's execution of a plan (SPEC v2 "Execution and breach risk"), on tiny
hand-computed scenarios, and against the semantics' ``Executor`` on random small plans.

Unless a test says otherwise the horizon is Mon 2026-11-30 08:00 to Tue 2026-12-01 18:00
(London, GMT: minute 0 is Mon 08:00, 270 is 12:30, 300 is 13:00, 540 is 17:00, 1440 is
Tue 08:00, 2040 the horizon end) and ALICE works Mon 08:00-12:30, 13:00-17:00 and Tue
08:00-17:00. Managed tickets (northwind) run on the office clock (Mon-Fri 08:00-18:00),
break-fix (corner-shop) on 24x7; break_fix is a capped tier, so its starts are held.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatcher.checker import CheckReport, check_plan
from dispatcher.checker.draws import EffortDraws
from dispatcher.checker.execution import Outcome, joint_pieces, pauses_overnight, work_through
from dispatcher.semantics.draws import Draws
from dispatcher.semantics.execution import Executor, PlannedJob, is_held
from dispatcher.semantics.problem import Problem
from tests.checker.support import job, make_plan, rules
from tests.scenarios import tiny

N = 500
ALICE = """
  - id: alice
    skills: {windows: 3, networking: 2}
    home: alice-home
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T12:30}
      - {start: 2026-11-30T13:00, end: 2026-11-30T17:00}
      - {start: 2026-12-01T08:00, end: 2026-12-01T17:00}
"""
BOB = """
  - id: bob
    skills: {windows: 3, networking: 2}
    home: bob-home
    shifts:
      - {start: 2026-11-30T09:00, end: 2026-11-30T17:00}
      - {start: 2026-12-01T08:00, end: 2026-12-01T17:00}
"""


def scenario(tickets: str, engineers: str = ALICE, policy: str = "", **kwargs: str) -> Problem:
    return tiny(policy + "engineers:" + engineers + "tickets:\n" + tickets, **kwargs)


def run(
    problem: Problem,
    assignments: list[dict[str, Any]],
    unassigned: list[str] = (),  # type: ignore[assignment]
) -> CheckReport:
    """Check a plan whose reported numbers are all zero: the outcomes are the point."""
    zero = dict.fromkeys(("total", "sla_risk", "lateness", "deferral", "travel"), 0.0)
    plan = make_plan(
        problem,
        assignments,
        {**zero, "preference": 0.0},
        {},
        0,
        unassigned=[{"ticket": t, "reason": "deferred", "detail": "-"} for t in unassigned],
    )
    return check_plan(problem, plan)


def outcome(report: CheckReport, ticket: str) -> Outcome:
    return report.outcomes[ticket]


def starts(report: CheckReport, ticket: str) -> list[int]:
    found = outcome(report, ticket).starts
    assert found is not None
    return list(found)


# -- the pieces arithmetic -----------------------------------------------------------------


def test_joint_pieces_and_work_through_them() -> None:
    """Alice (0-270, 300-540) and Bob (60-540) share 60-270 and 300-540; abutting shifts
    merge. 300 minutes from 60: 210 to 270, 90 after lunch: 390. 600 minutes: 450 fit,
    150 are left over (for the SLA clock after the horizon)."""
    assert joint_pieces([[(0, 100), (100, 270), (300, 540)], [(60, 540)]]) == (
        (60, 270),
        (300, 540),
    )
    pieces = ((60, 270), (300, 540))
    assert work_through(pieces, 60, 300) == (390, 0)
    assert work_through(pieces, 60, 600) == (540, 150)
    night = ((0, 540), (1440, 1980))
    assert pauses_overnight(night, 480, 1470)
    assert not pauses_overnight(night, 480, 540)  # ends at the gap: no pause over it
    assert not pauses_overnight(pieces, 200, 330)  # 30 minutes of lunch is no night


# -- hand-computed cases ---------------------------------------------------------------


def test_spec_example_t1001_starts_at_nine_and_misses_noon_in_47_of_500() -> None:
    """SPEC's T-1001 (northside's first ticket): booked 09:00 (held), 14 minutes from
    Alice's home, her first job: X = max(08:00 + 14, 09:00) = 09:00 in every draw; 180
    shift minutes before 12:00, so resolution risk 47/500 = 0.094; responded: 0."""
    problem = scenario(
        """\
  - {id: T-1001, client: northwind, priority: P1, opened: 2026-11-30T07:40, onsite: true,
     effort: {p50: 1h, p90: 3h}, skills: {networking: 2}, assigned_to: alice,
     window: {start: 2026-11-30T09:00, end: 2026-11-30T11:00},
     fixed_start: 2026-11-30T09:00, responded: 2026-11-30T07:55,
     response_due: 2026-11-30T08:30, resolution_due: 2026-11-30T12:00}
"""
    )
    report = run(problem, [job("T-1001", "alice", "2026-11-30T09:00", "2026-11-30T10:00", 14)])
    assert starts(report, "T-1001") == [60] * N
    assert outcome(report, "T-1001").resolution_risk == 0.094
    assert outcome(report, "T-1001").response_risk == 0.0


def test_a_chain_the_second_job_waits_for_the_first() -> None:
    """A (p50 1 h, p90 3 h) planned 08:00, B (30 min, opened 10:00, due 11:00) planned
    10:00. B starts at max(10:00, F_A) (F_A = D_A while D_A <= 270): it misses 11:00 when
    it starts after 10:30, i.e. D_A > 150. Its response (4 h on the office clock from
    10:00: 14:00, minute 360) is late when F_A > 360, i.e. D_A > 330 (A pauses 30 minutes
    for lunch after 270 minutes)."""
    problem = scenario(
        """\
  - {id: A, client: northwind, priority: P3, opened: 2026-11-30T07:40, effort: {p50: 1h, p90: 3h}}
  - {id: B, client: northwind, priority: P3, opened: 2026-11-30T10:00, effort: 30m,
     resolution_due: 2026-11-30T11:00}
"""
    )
    report = run(
        problem,
        [
            job("A", "alice", "2026-11-30T08:00", "2026-11-30T09:00"),
            job("B", "alice", "2026-11-30T10:00", "2026-11-30T10:30"),
        ],
    )
    efforts = EffortDraws(N).efforts("A", 60, 180)
    assert starts(report, "A") == [0] * N
    second = starts(report, "B")
    for d, x in zip(efforts, second, strict=True):
        if d <= 240:  # A ends in the morning; B fits before lunch
            assert x == max(120, d)
    assert outcome(report, "B").resolution_risk == sum(d > 150 for d in efforts) / N > 0
    assert outcome(report, "B").response_risk == sum(d > 330 for d in efforts) / N > 0


def test_a_held_window_is_not_brought_forward() -> None:
    """T-1 (window 10:00-11:00) planned 10:00 starts 10:00 in every draw though Alice is
    free from 08:00; T-3, the same without a window, starts 08:00; T-2 (break-fix, a
    capped tier) planned Tue 10:00 is held too."""
    problem = scenario(
        """\
  - {id: T-1, client: northwind, priority: P2, opened: 2026-11-30T07:00, effort: 1h,
     window: {start: 2026-11-30T10:00, end: 2026-11-30T11:00}}
  - {id: T-2, client: corner-shop, priority: P2, opened: 2026-11-30T07:00, effort: 1h}
  - {id: T-3, client: northwind, priority: P2, opened: 2026-11-30T07:00, effort: 1h}
"""
    )
    held = run(
        problem,
        [
            job("T-1", "alice", "2026-11-30T10:00", "2026-11-30T11:00"),
            job("T-2", "alice", "2026-12-01T10:00", "2026-12-01T11:00"),
        ],
        unassigned=["T-3"],
    )
    assert starts(held, "T-1") == [120] * N
    assert starts(held, "T-2") == [1560] * N
    free = run(
        problem, [job("T-3", "alice", "2026-11-30T10:00", "2026-11-30T11:00")], ["T-1", "T-2"]
    )
    assert starts(free, "T-3") == [0] * N


def test_a_job_after_idle_time_starts_earlier() -> None:
    """An on-site 1 h job (14 minutes from Alice's home) planned 11:00 after idle time, not
    held: it starts 08:14 and ends 09:14 in every draw. Its response was due 08:10: late
    in every draw (risk 1); its resolution (4 h: 12:00) is safe."""
    problem = scenario(
        """\
  - {id: T-1, client: northwind, priority: P1, opened: 2026-11-30T07:00, onsite: true,
     effort: 1h, response_due: 2026-11-30T08:10}
"""
    )
    report = run(problem, [job("T-1", "alice", "2026-11-30T11:00", "2026-11-30T12:00", 14)])
    assert starts(report, "T-1") == [14] * N
    assert list(outcome(report, "T-1").ends) == [74] * N
    assert (outcome(report, "T-1").response_risk, outcome(report, "T-1").resolution_risk) == (
        1.0,
        0.0,
    )


def test_work_past_the_horizon_spills_onto_the_office_clock() -> None:
    """Horizon Thu 3 Dec 08:00 - Fri 4 Dec 18:00. A managed 5 h job (long: may pause)
    planned Fri 15:00 gets 2 h before Alice's 17:00; its other 3 h run on the office clock
    from the horizon end, over the weekend: Mon 7 Dec 08:00 + 3 h = 11:00, an hour past
    its Mon 10:00 due time (risk 1, lateness 60). On break-fix's 24x7 clock the same
    work ends Fri 18:00 + 3 h = 21:00."""
    engineers = """
  - id: alice
    home: alice-home
    shifts:
      - {start: 2026-12-03T08:00, end: 2026-12-03T17:00}
      - {start: 2026-12-04T08:00, end: 2026-12-04T17:00}
"""
    problem = scenario(
        """\
  - {id: T-1, client: northwind, priority: P3, opened: 2026-12-04T15:00, effort: 5h,
     resolution_due: 2026-12-07T10:00}
  - {id: T-2, client: corner-shop, priority: P2, opened: 2026-12-04T15:00, effort: 5h}
""",
        engineers,
        start="2026-12-03T08:00",
        end="2026-12-04T18:00",
    )
    friday_three = 1440 + 7 * 60
    managed = run(problem, [job("T-1", "alice", "2026-12-04T15:00", "2026-12-04T17:00")], ["T-2"])
    assert starts(managed, "T-1") == [friday_three] * N
    assert list(outcome(managed, "T-1").ends) == [4 * 1440 + 3 * 60] * N  # Mon 11:00
    assert outcome(managed, "T-1").resolution_risk == 1.0
    assert outcome(managed, "T-1").lateness_minutes == 60.0
    elapsed = run(problem, [job("T-2", "alice", "2026-12-04T15:00", "2026-12-04T17:00")], ["T-1"])
    assert list(outcome(elapsed, "T-2").ends) == [1440 + 13 * 60] * N  # Fri 21:00


def test_unassigned_tickets_are_done_after_the_horizon() -> None:
    """Nothing assigned. T-1001 (managed P1, opened Tue 17:00, p50 1 h, p90 3 h): response
    due 17:30 <= horizon end, not responded: risk 1. Resolution 4 office hours: 17:00-18:00
    and Wed 08:00-11:00. Its work runs from Wed 08:00 on the office clock: late when D >
    180 (47 of 500), by D - 180 while it ends Wednesday (D <= 600), else Thu 08:00 +
    (D - 600), D + 660 minutes late. T-2 (break-fix P2 opened Tue 17:00, 1 h): response
    due Wed 01:00, after the horizon end: 0; resolution due Thu 17:00: its work ends Tue
    19:00, risk 0."""
    problem = scenario(
        """\
  - {id: T-1001, client: northwind, priority: P1, opened: 2026-12-01T17:00,
     effort: {p50: 1h, p90: 3h}}
  - {id: T-2, client: corner-shop, priority: P2, opened: 2026-12-01T17:00, effort: 1h}
"""
    )
    report = run(problem, [], unassigned=["T-1001", "T-2"])
    efforts = EffortDraws(N).efforts("T-1001", 60, 180)
    late = [max(0, d - 180) if d <= 600 else d + 660 for d in efforts]
    first = outcome(report, "T-1001")
    assert (first.response_risk, first.resolution_risk) == (1.0, 0.094)
    assert first.lateness_minutes == pytest.approx(sum(late) / N)
    assert first.starts is None
    second = outcome(report, "T-2")
    assert (second.response_risk, second.resolution_risk, second.lateness_minutes) == (0, 0, 0)
    assert list(second.ends) == [2040 + 60] * N


def test_a_job_no_piece_can_start_waits_for_the_horizon_end_and_so_does_the_next() -> None:
    """X (1 h, opened Tue 17:10, after Alice's last shift) has no piece: it starts at the
    horizon end with its hour on the office clock (Wed 09:00). Y (30 min, opened Mon 07:00)
    planned after it at Tue 17:20 would start Mon 08:00 alone; behind X it waits too, its
    30 minutes on its own clock (Wed 08:30); its response (Mon 09:00) is then missed.
    X's response (1 h from 17:10: Wed 08:10) lies after the horizon end: 0."""
    problem = scenario(
        """\
  - {id: X, client: northwind, priority: P2, opened: 2026-12-01T17:10, effort: 1h}
  - {id: Y, client: northwind, priority: P2, opened: 2026-11-30T07:00, effort: 30m}
"""
    )
    report = run(
        problem,
        [
            job("X", "alice", "2026-12-01T17:10", "2026-12-01T18:00"),
            job("Y", "alice", "2026-12-01T17:20", "2026-12-01T17:50"),
        ],
    )
    wednesday = 2 * 1440
    assert starts(report, "X") == starts(report, "Y") == [2040] * N
    assert list(outcome(report, "X").ends) == [wednesday + 60] * N
    assert list(outcome(report, "Y").ends) == [wednesday + 30] * N
    assert (outcome(report, "X").response_risk, outcome(report, "Y").response_risk) == (0, 1)


def test_a_short_job_is_not_started_into_the_night() -> None:
    """A 90-minute job (short: under the 4 h split_overnight_from) opened Mon 16:00 would
    pause overnight, so it starts Tue 08:00 and ends 09:30; a 1 h job from 12:00 may pause
    for lunch: 12:00 -> 13:30."""
    problem = scenario(
        """\
  - {id: T-1, client: northwind, priority: P3, opened: 2026-11-30T16:00, effort: 90m}
  - {id: T-2, client: northwind, priority: P3, opened: 2026-11-30T12:00, effort: 1h}
"""
    )
    report = run(
        problem,
        [
            job("T-1", "alice", "2026-11-30T16:00", "2026-12-01T08:30"),
            job("T-2", "alice", "2026-11-30T12:00", "2026-11-30T13:30"),
        ],
    )
    assert (starts(report, "T-1")[0], outcome(report, "T-1").ends[0]) == (1440, 1530)
    assert (starts(report, "T-2")[0], outcome(report, "T-2").ends[0]) == (240, 330)


# -- the planned short job (rule short_job_split_overnight) ------------------------------

SHORT = """\
  - {id: T-1, client: northwind, priority: P3, opened: 2026-11-30T07:00, effort: 90m}
"""


def test_a_short_job_the_plan_splits_overnight_is_rejected() -> None:
    """90 minutes planned Mon 16:00 -> Tue 08:30 pauses over the 15 h night: rejected. At
    Tue 08:00 -> 09:30 it is fine; with split_overnight_from = 1 h it is a long job."""
    problem = scenario(SHORT)
    split = run(problem, [job("T-1", "alice", "2026-11-30T16:00", "2026-12-01T08:30")])
    assert "short_job_split_overnight" in rules(split)
    whole = run(problem, [job("T-1", "alice", "2026-12-01T08:00", "2026-12-01T09:30")])
    assert "short_job_split_overnight" not in rules(whole)
    long = scenario(SHORT, policy="policy: {split_overnight_from: 1h}\n")
    allowed = run(long, [job("T-1", "alice", "2026-11-30T16:00", "2026-12-01T08:30")])
    assert "short_job_split_overnight" not in rules(allowed)


def test_a_short_job_may_pause_for_lunch() -> None:
    """90 minutes from 12:00: 30 before lunch, 60 after, ends 14:00: allowed."""
    report = run(scenario(SHORT), [job("T-1", "alice", "2026-11-30T12:00", "2026-11-30T14:00")])
    assert "short_job_split_overnight" not in rules(report)
    assert "wrong_end" not in rules(report)


# -- property: the checker's execution equals the semantics' Executor ----------------------

EFFORTS = [(15, 15), (30, 60), (45, 45), (60, 180), (90, 300), (200, 260), (300, 600)]


@st.composite
def random_plans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int, int, int, int | None]]]:
    """1-6 tickets (managed or break-fix, maybe a window), each assigned with chance 3/4:
    (ticket, engineer, start, travel, crew travel or None) with any start in the horizon."""
    lines, jobs = [], []
    for index in range(draw(st.integers(1, 6))):
        managed = draw(st.booleans())
        opened = dt.datetime(2026, 11, 30, 6) + dt.timedelta(minutes=draw(st.integers(0, 2000)))
        p50, p90 = draw(st.sampled_from(EFFORTS))
        window = ""
        if draw(st.integers(0, 4)) == 0:
            low = dt.datetime(2026, 11, 30, 8) + dt.timedelta(minutes=draw(st.integers(0, 1900)))
            high = low + dt.timedelta(hours=2)
            window = f", window: {{start: {low:%Y-%m-%dT%H:%M}, end: {high:%Y-%m-%dT%H:%M}}}"
        lines.append(
            f"  - {{id: T-{index}, client: {'northwind' if managed else 'corner-shop'}, "
            f"priority: P{draw(st.integers(1, 2))}, opened: {opened:%Y-%m-%dT%H:%M}, "
            f"effort: {{p50: {p50}m, p90: {p90}m}}{window}}}\n"
        )
        if draw(st.integers(0, 3)) > 0:
            crew = draw(st.sampled_from([None, None, None, draw(st.integers(0, 20))]))
            jobs.append(
                (
                    index,
                    draw(st.integers(0, 1)),
                    draw(st.integers(0, 2039)),
                    draw(st.integers(0, 40)),
                    crew,
                )
            )
    return "".join(lines), jobs


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_plans(), st.sampled_from([60, 240, 600]))
def test_the_checker_executes_plans_as_the_semantics_do(
    plan: tuple[str, list[tuple[int, int, int, int, int | None]]], split: int
) -> None:
    """Random small plans (any start, any travel, some crews of Alice and Bob) carried out
    by the checker and by ``dispatcher.semantics.execution.Executor``: the same risks and
    lateness for every ticket, assigned or not."""
    tickets, jobs = plan
    policy = f"policy: {{risk_samples: 50, split_overnight_from: {split}m}}\n"
    problem = scenario(tickets, ALICE + BOB, policy=policy)
    names = ["alice", "bob"]
    assignments, planned = [], []
    for ticket, engineer, start, travel, crew_travel in jobs:
        at = (problem.origin + dt.timedelta(minutes=start)).isoformat()
        extra: dict[str, Any] = {}
        members, travels = (engineer,), (travel,)
        if crew_travel is not None:
            other = 1 - engineer
            extra["crew"] = [{"engineer": names[other], "travel_minutes": crew_travel}]
            members, travels = (engineer, other), (travel, crew_travel)
        assignments.append(job(f"T-{ticket}", names[engineer], at, at, travel, **extra))
        held = is_held(problem, problem.tickets[ticket])
        planned.append(PlannedJob(ticket, members, start, travels, held))
    assigned = {ticket for ticket, *_ in jobs}
    left = [t.id for t in problem.tickets if problem.ticket_index[t.id] not in assigned]
    report = run(problem, assignments, left)
    executor = Executor(problem, Draws(50), split_overnight_from=split, now=None)
    expected = executor.run(planned).outcomes
    for ticket in problem.tickets:
        ours, theirs = report.outcomes[ticket.id], expected[ticket.index]
        assert ours.response_risk == pytest.approx(theirs.response_risk, abs=1e-9), ticket.id
        assert ours.resolution_risk == pytest.approx(theirs.resolution_risk, abs=1e-9)
        assert ours.lateness_minutes == pytest.approx(theirs.lateness_minutes, abs=1e-9)
        assert list(ours.ends) == theirs.ends.tolist(), ticket.id
