"""The independent plan checker: correct plans pass with hand-computed objectives,
and every kind of broken rule is caught and named.

Most violation tests start from one valid plan of a small "board" scenario,
break exactly one rule, and expect exactly that rule to be reported, which
shows both that the rule is caught and that nothing else is wrongly flagged.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import pytest

from dispatcher.checker import CheckReport, Violation, check_plan
from dispatcher.io.loader import load_scenario_text
from models import Plan

Z90 = 1.2815516


def lognormal_risk(p50: int, p90: int, available: int) -> float:
    """P(D > W) written out once here, so the tests state W and the efforts by hand."""
    sigma = math.log(p90 / p50) / Z90
    return 1 - NormalDist().cdf((math.log(available) - math.log(p50)) / sigma)


def job(
    ticket: str,
    engineer: str,
    start: str,
    end: str,
    travel: int = 0,
    response_due: str = "2026-11-30T12:00",
    resolution_due: str = "2026-12-01T17:00",
    response_risk: float = 0.0,
    resolution_risk: float = 0.0,
    **extra: Any,
) -> dict[str, Any]:
    """One assignment; naive times are local (Europe/London), as the checker reads them."""
    return {
        "ticket": ticket,
        "engineer": engineer,
        "start": start,
        "end": end,
        "travel_minutes": travel,
        "response_due": response_due,
        "resolution_due": resolution_due,
        "response_risk": response_risk,
        "resolution_risk": resolution_risk,
        **extra,
    }


def make_plan(
    problem: Any,
    assignments: list[dict[str, Any]],
    objective: dict[str, float],
    by_tier: dict[str, dict[str, float]],
    travel_minutes: int,
    unassigned: list[dict[str, Any]] | None = None,
    completed: list[dict[str, Any]] | None = None,
    reschedule: dict[str, Any] | None = None,
) -> Plan:
    return Plan.model_validate(
        {
            "scenario": {"name": problem.scenario.name, "sha256": problem.sha256},
            "solver": {"status": "feasible", "time_s": 0.1, "bound": None, "seed": 0},
            "objective": {"disruption": 0.0, **objective},
            "assignments": assignments,
            "unassigned": unassigned or [],
            "completed": completed or [],
            "kpis": {"by_tier": by_tier, "travel_minutes": travel_minutes},
            "reschedule": reschedule,
        }
    )


def rules(report: CheckReport) -> set[str]:
    return {violation.rule for violation in report.violations}


def assert_objective(report: CheckReport, expected: dict[str, float]) -> None:
    for part, value in expected.items():
        assert report.objective[part] == pytest.approx(value, abs=1e-6), part


# ---------------------------------------------------------------------------- SPEC example

SPEC_EXAMPLE = """
version: 1
name: Northside IT, Monday
timezone: Europe/London
horizon: {start: 2026-11-30T08:00, end: 2026-12-01T18:00}
calendars:
  office:
    weekly: {mon: "08:00-18:00", tue: "08:00-18:00", wed: "08:00-18:00",
             thu: "08:00-18:00", fri: "08:00-18:00"}
    holidays: [2026-12-25]
sla_policies:
  managed-gold:
    tier: managed
    clock: office
    targets:
      P1: {response: 30m, resolution: 4h}
      P2: {response: 1h, resolution: 8h}
  break-fix:
    tier: break_fix
    clock: 24x7
    targets:
      P1: {response: 4h, resolution: 1d}
sites:
  northwind-hq: {lat: 51.5226, lon: -0.1090, address: "1 Example St"}
  alice-home: {lat: 51.4613, lon: -0.1156}
clients:
  - {id: northwind, name: Northwind Traders, sla: managed-gold, site: northwind-hq,
     preferred_engineers: [alice]}
engineers:
  - id: alice
    skills: {windows: 3, networking: 2}
    home: alice-home
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T12:30}
      - {start: 2026-11-30T13:00, end: 2026-11-30T17:00}
      - {start: 2026-12-01T08:00, end: 2026-12-01T17:00}
tickets:
  - id: T-1001
    client: northwind
    priority: P1
    opened: 2026-11-30T07:40
    onsite: true
    effort: {p50: 1h, p90: 3h}
    skills: {networking: 2}
    window: {start: 2026-11-30T09:00, end: 2026-11-30T11:00}
    assigned_to: alice
    fixed_start: 2026-11-30T09:00
    responded: 2026-11-30T07:55
    response_due: 2026-11-30T08:30
    resolution_due: 2026-11-30T12:00
"""


def test_spec_example_passes_with_its_hand_computed_objective() -> None:
    """The SPEC's own T-1001: booked 09:00, 14 min from Alice's home, responded.

    W = Alice's shift minutes 09:00-12:00 = 180 = p90, so resolution_risk = 0.1;
    w = managed 10 * P1 8 = 80, so sla_risk = 8.0; travel = 0.1 * 14 / 60;
    Alice is the client's preferred engineer, so preference = 0.
    """
    problem = load_scenario_text(SPEC_EXAMPLE, filename="t.yaml")
    risk = 0.1
    total = 80 * risk + 0.1 * 14 / 60
    plan = make_plan(
        problem,
        [
            job(
                "T-1001",
                "alice",
                "2026-11-30T09:00:00+00:00",
                "2026-11-30T10:00:00+00:00",
                travel=14,
                response_due="2026-11-30T08:30:00+00:00",
                resolution_due="2026-11-30T12:00:00+00:00",
                resolution_risk=risk,
            )
        ],
        {
            "total": total,
            "sla_risk": 8.0,
            "lateness": 0.0,
            "deferral": 0.0,
            "travel": 0.1 * 14 / 60,
            "preference": 0.0,
        },
        {"managed": {"tickets": 1, "assigned": 1, "expected_breaches": risk}},
        travel_minutes=14,
    )
    report = check_plan(problem, plan)
    assert report.ok, [str(v) for v in report.violations]
    assert_objective(report, {"total": total, "sla_risk": 8.0, "travel": 14 / 600})
    assert report.travel_minutes == 14
    assert report.expected_breaches_by_tier["managed"] == pytest.approx(0.1, abs=1e-6)


# ---------------------------------------------------------------------------- board

COMMON = (
    "opened: 2026-11-30T07:30, responded: 2026-11-30T07:35, "
    "response_due: 2026-11-30T12:00, resolution_due: 2026-12-01T17:00"
)

BOARD = f"""
version: 1
name: board
timezone: Europe/London
horizon: {{start: 2026-11-30T08:00, end: 2026-12-01T18:00}}
policy: {{travel_speed_kmh: 60, road_factor: 1.0}}   # travel minutes = ceil(km)
sla_policies:
  managed:
    tier: managed
    targets: {{P2: {{response: 1h, resolution: 8h}}, P3: {{response: 4h, resolution: 1d}}}}
  break-fix:
    tier: break_fix
    targets: {{P1: {{response: 4h, resolution: 1d}}}}
sites:                          # on one meridian: 0.1 deg = 11.1 km
  home-a: {{lat: 51.0, lon: 0.0}}
  site-1: {{lat: 51.1, lon: 0.0}}  # 12 min from home-a
  site-2: {{lat: 51.3, lon: 0.0}}  # 23 min from site-1, 34 from home-a
clients:
  - {{id: acme, sla: managed, site: site-1}}
  - {{id: bfix, sla: break-fix, site: site-2}}
engineers:
  - id: ann
    skills: {{network: 2, windows: 1}}
    home: home-a
    shifts:
      - {{start: 2026-11-30T08:00, end: 2026-11-30T12:00}}
      - {{start: 2026-11-30T13:00, end: 2026-11-30T17:00}}
      - {{start: 2026-12-01T08:00, end: 2026-12-01T17:00}}
  - id: ben
    skills: [windows]
    onsite: false
    shifts:
      - {{start: 2026-11-30T08:00, end: 2026-11-30T17:00}}
      - {{start: 2026-12-01T08:00, end: 2026-12-01T17:00}}
tickets:
  - {{id: T1, client: acme, priority: P2, onsite: true, effort: 1h, skills: {{network: 2}},
      {COMMON}}}
  - {{id: T2, client: acme, priority: P2, onsite: true, site: site-2, effort: 1h,
      skills: {{network: 1}}, {COMMON}}}
  - {{id: T3, client: acme, priority: P3, effort: 2h, skills: [windows], must_assign: true,
      {COMMON}}}
  - {{id: T4, client: bfix, priority: P1, effort: 1h, skills: [windows], {COMMON}}}
  - {{id: T5, client: bfix, priority: P1, effort: 1h, skills: [windows], {COMMON}}}
  - {{id: T6, client: acme, priority: P3, effort: 30m, skills: [windows],
      window: {{start: 2026-11-30T13:00, end: 2026-11-30T14:00}}, {COMMON}}}
  - {{id: T7, client: acme, priority: P3, effort: 30m, assigned_to: ben,
      fixed_start: 2026-11-30T15:00, {COMMON}}}
  - {{id: T8, client: acme, priority: P3, effort: 30m, skills: [windows],
      opened: 2026-11-30T14:00, responded: 2026-11-30T14:05,
      response_due: 2026-11-30T12:00, resolution_due: 2026-12-01T17:00}}
"""


@pytest.fixture(scope="module")
def board() -> Any:
    return load_scenario_text(BOARD, filename="t.yaml")


def board_jobs() -> dict[str, dict[str, Any]]:
    """A valid day: Ann drives home -> site-1 (12 min) -> site-2 (23 min); Ben works remotely.

    Everyone responded and every resolution is due Tue 17:00, far beyond each job,
    with p50 = p90: all risks are 0, so only travel costs anything.
    """
    return {
        "T1": job("T1", "ann", "2026-11-30T08:12", "2026-11-30T09:12", travel=12),
        "T2": job("T2", "ann", "2026-11-30T09:35", "2026-11-30T10:35", travel=23),
        "T3": job("T3", "ben", "2026-11-30T08:00", "2026-11-30T10:00"),
        "T4": job("T4", "ben", "2026-11-30T10:00", "2026-11-30T11:00"),
        "T5": job("T5", "ben", "2026-11-30T11:00", "2026-11-30T12:00"),
        "T6": job("T6", "ben", "2026-11-30T13:00", "2026-11-30T13:30"),
        "T7": job("T7", "ben", "2026-11-30T15:00", "2026-11-30T15:30"),
        "T8": job("T8", "ben", "2026-11-30T14:00", "2026-11-30T14:30"),
    }


TIER_OF = {"T4": "break_fix", "T5": "break_fix"}


def board_plan(
    problem: Any,
    jobs: dict[str, dict[str, Any]] | list[dict[str, Any]],
    unassigned: list[dict[str, Any]] | None = None,
    objective: dict[str, float] | None = None,
    base: Plan | None = None,
    **rest: Any,
) -> Plan:
    """A board plan whose objective and KPIs are taken from the checker's own recomputation,

    so a test breaking one rule sees only that rule reported (the objective
    itself is tested by hand elsewhere).
    """
    assignments = list(jobs.values()) if isinstance(jobs, dict) else jobs
    zero = {
        "total": 0.0,
        "sla_risk": 0.0,
        "lateness": 0.0,
        "deferral": 0.0,
        "travel": 0.0,
        "preference": 0.0,
    }
    draft = make_plan(problem, assignments, zero, {}, 0, unassigned=unassigned, **rest)
    report = check_plan(problem, draft, base)
    by_tier: dict[str, dict[str, float]] = {}
    known = {ticket.id for ticket in problem.scenario.tickets}
    for entry in [*assignments, *(unassigned or [])]:
        if entry["ticket"] not in known:
            continue
        tier = TIER_OF.get(entry["ticket"], "managed")
        tally = by_tier.setdefault(tier, {"tickets": 0, "assigned": 0, "expected_breaches": 0.0})
        tally["tickets"] += 1
        tally["assigned"] += "engineer" in entry
    for tier, breaches in report.expected_breaches_by_tier.items():
        by_tier.setdefault(tier, {"tickets": 0, "assigned": 0})["expected_breaches"] = breaches
    return make_plan(
        problem,
        assignments,
        objective or report.objective,
        by_tier,
        report.travel_minutes,
        unassigned=unassigned,
        **rest,
    )


def check_board(problem: Any, jobs: Any, **kwargs: Any) -> CheckReport:
    return check_plan(problem, board_plan(problem, jobs, **kwargs))


def test_board_day_passes_and_costs_only_its_35_travel_minutes(board: Any) -> None:
    """All risks 0 (see board_jobs), no preferences: total = travel = 0.1 * (12 + 23) / 60."""
    travel = 0.1 * 35 / 60
    objective = {
        "total": travel,
        "sla_risk": 0.0,
        "lateness": 0.0,
        "deferral": 0.0,
        "travel": travel,
        "preference": 0.0,
    }
    report = check_board(board, board_jobs(), objective=objective)
    assert report.ok, [str(v) for v in report.violations]
    assert report.travel_minutes == 35
    assert_objective(report, objective)


def test_unassigned_ticket_costs_its_breach_lateness_and_deferral(board: Any) -> None:
    """T3 (managed P3, w = 10 * 2 = 20) left unassigned as deferred (must_assign lifted).

    Responded, so no response risk; resolution due Tue 17:00 <= horizon end 18:00,
    so resolution_risk = 1: sla_risk = 20. Lateness counts F = horizon end:
    20 * 0.05 * 60 min / 60 = 1.0. Deferral = 20 * 0.05 = 1.0.
    """
    text = BOARD.replace("must_assign: true", "must_assign: false")
    problem = load_scenario_text(text, filename="t.yaml")
    jobs = board_jobs()
    del jobs["T3"]
    unassigned = [{"ticket": "T3", "reason": "deferred", "detail": "other work took the time"}]
    travel = 0.1 * 35 / 60
    expected = {
        "total": 20 + 1 + 1 + travel,
        "sla_risk": 20.0,
        "lateness": 1.0,
        "deferral": 1.0,
        "travel": travel,
        "preference": 0.0,
    }
    report = check_board(problem, jobs, unassigned=unassigned, objective=expected)
    assert report.ok, [str(v) for v in report.violations]
    assert_objective(report, expected)
    assert report.expected_breaches_by_tier["managed"] == pytest.approx(1.0)


def test_lunch_keeps_the_location_so_travel_after_lunch_starts_from_the_last_site(
    board: Any,
) -> None:
    """T2 after lunch: Ann is still at site-1 (T1), so 23 min from 13:00 suffice (13:23),
    not the 34 from home; her 13:00-shift ready time is the shift start."""
    jobs = board_jobs()
    jobs["T2"] = job("T2", "ann", "2026-11-30T13:23", "2026-11-30T14:23", travel=23)
    report = check_board(board, jobs)
    assert report.ok, [str(v) for v in report.violations]


def test_a_new_day_starts_at_home(board: Any) -> None:
    """T2 on Tuesday: Ann starts the day at home, 34 min from site-2: 08:34 is fine,
    08:23 (as if she were still at site-1 from Monday) is too early."""
    jobs = board_jobs()
    jobs["T2"] = job("T2", "ann", "2026-12-01T08:34", "2026-12-01T09:34", travel=34)
    assert check_board(board, jobs).ok
    jobs["T2"] = job("T2", "ann", "2026-12-01T08:23", "2026-12-01T09:23", travel=34)
    assert rules(check_board(board, jobs)) == {"travel"}


def test_back_to_back_break_fix_jobs_respect_the_cap_of_one(board: Any) -> None:
    """Tier cap break_fix = 1 counts jobs on [S, F): T4 ends 11:00 as T5 starts 11:00
    on another engineer, so at no minute do two run."""
    jobs = board_jobs()
    jobs["T5"] = job("T5", "ann", "2026-11-30T11:00", "2026-11-30T12:00")
    report = check_board(board, jobs)
    assert report.ok, [str(v) for v in report.violations]


# ---------------------------------------------------------------------------- calendars, DST

WEEKEND = """
version: 1
name: weekend
timezone: Europe/London
horizon: {start: 2026-11-30T08:00, end: 2026-12-01T18:00}
calendars:
  office: {weekly: {mon: "08:00-18:00", tue: "08:00-18:00", wed: "08:00-18:00",
                    thu: "08:00-18:00", fri: "08:00-18:00"}, holidays: [2026-12-02]}
sla_policies:
  managed-gold:
    tier: managed
    clock: office
    targets: {P2: {response: 1h, resolution: 8h}, P4: {response: 8h, resolution: 40h}}
clients:
  - {id: northwind, sla: managed-gold}
engineers:
  - id: bob
    onsite: false
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T12:30}
      - {start: 2026-11-30T13:00, end: 2026-11-30T17:00}
      - {start: 2026-12-01T08:00, end: 2026-12-01T17:00}
tickets:
  - {id: FRI, client: northwind, priority: P2, opened: 2026-11-27T16:00, effort: {p50: 2h, p90: 4h}}
  - {id: LONG, client: northwind, priority: P4, opened: 2026-11-30T08:00,
     effort: {p50: 1h, p90: 20h}}
"""


def test_business_clock_skips_the_weekend_and_a_holiday_after_the_horizon() -> None:
    """FRI, opened Fri 16:00, P2 on office hours: response 1h -> Fri 17:00; resolution 8h =
    Fri 16-18 (2h) + Mon 08-14 (6h) -> Mon 14:00. Bob starts it Mon 08:00 (not responded,
    so response_risk = 1); W = his shift minutes 08:00-14:00 = 270 + 60 = 330.

    LONG, opened Mon 08:00, P4 resolution 40 business hours: Mon, Tue, (Wed holiday),
    Thu, Fri -> Fri 2026-12-04 18:00, after the horizon. Bob starts it Tue 16:00: W = 60
    shift minutes to 17:00 + business minutes Tue 18:00 -> Fri 18:00 = Thu 600 + Fri 600.
    Its response (8h) is due Mon 16:00, before it starts: response_risk = 1.

    w(FRI) = 10 * 4 = 40, w(LONG) = 10 * 1 = 10.
    """
    problem = load_scenario_text(WEEKEND, filename="t.yaml")
    fri_risk = lognormal_risk(120, 240, 330)
    long_risk = lognormal_risk(60, 1200, 60 + 1200)
    assert fri_risk == pytest.approx(0.0307185, abs=1e-6)
    assert long_risk == pytest.approx(0.0963858, abs=1e-6)
    sla = 40 * (1 + fri_risk) + 10 * (1 + long_risk)
    plan = make_plan(
        problem,
        [
            job(
                "FRI",
                "bob",
                "2026-11-30T08:00",
                "2026-11-30T10:00",
                response_due="2026-11-27T17:00",
                resolution_due="2026-11-30T14:00",
                response_risk=1.0,
                resolution_risk=fri_risk,
            ),
            job(
                "LONG",
                "bob",
                "2026-12-01T16:00",
                "2026-12-01T17:00",
                response_due="2026-11-30T16:00",
                resolution_due="2026-12-04T18:00",
                response_risk=1.0,
                resolution_risk=long_risk,
            ),
        ],
        {
            "total": sla,
            "sla_risk": sla,
            "lateness": 0.0,
            "deferral": 0.0,
            "travel": 0.0,
            "preference": 0.0,
        },
        {"managed": {"tickets": 2, "assigned": 2, "expected_breaches": 2 + fri_risk + long_risk}},
        travel_minutes=0,
    )
    report = check_plan(problem, plan)
    assert report.ok, [str(v) for v in report.violations]
    assert_objective(report, {"total": sla})


DST = """
version: 1
name: clocks go back
timezone: Europe/London
horizon: {start: 2026-10-24T18:00, end: 2026-10-25T22:00}
sla_policies:
  break-fix:
    tier: break_fix
    targets: {P1: {response: 4h, resolution: 1d}}
clients:
  - {id: fabrikam, sla: break-fix}
engineers:
  - id: carol
    onsite: false
    shifts:
      - {start: 2026-10-24T18:00, end: 2026-10-24T22:00}
      - {start: 2026-10-25T17:00, end: 2026-10-25T21:00}
tickets:
  - {id: NIGHT, client: fabrikam, priority: P1, opened: 2026-10-24T20:00, effort: 4h}
"""


def test_work_across_a_night_and_the_autumn_clock_change() -> None:
    """NIGHT opened Sat 20:00 BST (19:00 UTC), 24x7 P1: resolution 1d = 24 elapsed hours ->
    Sun 19:00 UTC = 19:00 GMT local (not 20:00: the night has 25 wall hours); response
    4h -> Sat 23:00 UTC.

    Carol starts Sat 21:00 BST: 1 h until 22:00, pauses overnight, 3 h from Sun 17:00 ->
    F = Sun 20:00 GMT, 60 min late. W = 60 + (17:00-19:00) 120 = 180 < p50 240 with
    p50 = p90: resolution_risk = 1. w = break_fix 1 * P1 8 = 8: sla_risk = 8,
    lateness = 8 * 0.05 * 60 / 60 = 0.4.
    """
    problem = load_scenario_text(DST, filename="t.yaml")
    plan = make_plan(
        problem,
        [
            job(
                "NIGHT",
                "carol",
                "2026-10-24T21:00:00+01:00",
                "2026-10-25T20:00:00+00:00",
                response_due="2026-10-24T23:00:00+00:00",
                resolution_due="2026-10-25T19:00:00+00:00",
                resolution_risk=1.0,
            ),
        ],
        {
            "total": 8.4,
            "sla_risk": 8.0,
            "lateness": 0.4,
            "deferral": 0.0,
            "travel": 0.0,
            "preference": 0.0,
        },
        {"break_fix": {"tickets": 1, "assigned": 1, "expected_breaches": 1.0}},
        travel_minutes=0,
    )
    report = check_plan(problem, plan)
    assert report.ok, [str(v) for v in report.violations]
    assert_objective(report, {"total": 8.4, "lateness": 0.4})

    # Ending at 19:00 GMT would be 4 wall-clock hours but only 3 shift hours of work.
    short = plan.model_copy(deep=True)
    short.assignments[0].end = short.assignments[0].end.replace(hour=19)
    assert "wrong_end" in rules(check_plan(problem, short))


# ---------------------------------------------------------------------------- violations


def test_missing_ticket_is_caught(board: Any) -> None:
    """Every scenario ticket must appear once; T3 appears nowhere."""
    jobs = board_jobs()
    del jobs["T3"]
    report = check_board(board, jobs)
    assert rules(report) == {"missing_ticket"}
    assert report.violations[0].ticket == "T3"


def test_duplicated_ticket_is_caught(board: Any) -> None:
    """T6 both assigned and listed as unassigned: a ticket appears exactly once."""
    unassigned = [{"ticket": "T6", "reason": "window_unreachable", "detail": "x"}]
    report = check_board(board, board_jobs(), unassigned=unassigned)
    assert "duplicate_ticket" in rules(report)


def test_unknown_ticket_is_caught(board: Any) -> None:
    """A plan may not invent tickets the scenario lacks."""
    jobs = [*board_jobs().values(), job("T99", "ben", "2026-12-01T10:00", "2026-12-01T11:00")]
    assert rules(check_board(board, jobs)) == {"unknown_ticket"}


def test_ineligible_engineer_is_caught(board: Any) -> None:
    """T2 (on-site, network>=1) given to Ben, who is remote-only without network."""
    jobs = board_jobs()
    jobs["T2"] = job("T2", "ben", "2026-12-01T08:00", "2026-12-01T09:00")
    report = check_board(board, jobs)
    assert rules(report) == {"ineligible"}
    assert "network>=1" in report.violations[0].message


def test_overlapping_jobs_are_caught(board: Any) -> None:
    """Ben is on T3 until 10:00; T4 may not start at 09:30: one job at a time."""
    jobs = board_jobs()
    jobs["T4"] = job("T4", "ben", "2026-11-30T09:30", "2026-11-30T10:30")
    assert rules(check_board(board, jobs)) == {"overlap"}


def test_start_outside_shifts_is_caught(board: Any) -> None:
    """T2 starting 12:10, in Ann's lunch break, is not inside a shift (it would pause
    until 13:00 and end 14:00, which is otherwise consistent)."""
    jobs = board_jobs()
    jobs["T2"] = job("T2", "ann", "2026-11-30T12:10", "2026-11-30T14:00", travel=23)
    assert rules(check_board(board, jobs)) == {"outside_shift"}


def test_wrong_end_is_caught(board: Any) -> None:
    """T1 needs 60 shift minutes: from 08:12 it ends 09:12, not 09:00."""
    jobs = board_jobs()
    jobs["T1"] = job("T1", "ann", "2026-11-30T08:12", "2026-11-30T09:00", travel=12)
    assert rules(check_board(board, jobs)) == {"wrong_end"}


def test_work_pausing_over_lunch_must_end_after_it(board: Any) -> None:
    """T3 (2 h) from Ann's 11:00: 1 h before lunch, pause, 1 h from 13:00 -> 14:00.
    Ending at 13:00 (2 wall-clock hours) is the wrong amount of shift time."""
    jobs = board_jobs()
    jobs["T3"] = job("T3", "ann", "2026-11-30T11:00", "2026-11-30T14:00")
    assert check_board(board, jobs).ok
    jobs["T3"] = job("T3", "ann", "2026-11-30T11:00", "2026-11-30T13:00")
    assert "wrong_end" in rules(check_board(board, jobs))


def test_too_little_travel_time_is_caught(board: Any) -> None:
    """T1 ends 09:12 at site-1; site-2 is 23 min away, so T2 cannot start at 09:30."""
    jobs = board_jobs()
    jobs["T2"] = job("T2", "ann", "2026-11-30T09:30", "2026-11-30T10:30", travel=23)
    report = check_board(board, jobs)
    assert rules(report) == {"travel"}
    assert "23 minutes" in str(report.violations[0])


def test_misreported_travel_minutes_are_caught(board: Any) -> None:
    """Each assignment reports the walk's travel for it: 12 for T1, not 0."""
    jobs = board_jobs()
    jobs["T1"]["travel_minutes"] = 0
    assert rules(check_board(board, jobs)) == {"travel_minutes"}


def test_broken_window_is_caught(board: Any) -> None:
    """T6's window is 13:00-14:00 for its start; 14:30 is outside."""
    jobs = board_jobs()
    jobs["T6"] = job("T6", "ben", "2026-11-30T14:30", "2026-11-30T15:00")
    assert rules(check_board(board, jobs)) == {"window"}


def test_broken_fixed_start_is_caught(board: Any) -> None:
    """T7 is booked for 15:00; starting it 15:30 breaks the appointment."""
    jobs = board_jobs()
    jobs["T7"] = job("T7", "ben", "2026-11-30T15:30", "2026-11-30T16:00")
    assert rules(check_board(board, jobs)) == {"fixed_start"}


def test_start_before_opened_is_caught(board: Any) -> None:
    """T8 was opened at 14:00; no work may start on it at 13:30."""
    jobs = board_jobs()
    jobs["T8"] = job("T8", "ben", "2026-11-30T13:30", "2026-11-30T14:00")
    assert rules(check_board(board, jobs)) == {"before_opened"}


def test_exceeded_tier_cap_is_caught(board: Any) -> None:
    """T5 on Ann 10:35-11:35 while T4 runs on Ben 10:00-11:00: two break-fix jobs at
    once, over the cap of one."""
    jobs = board_jobs()
    jobs["T5"] = job("T5", "ann", "2026-11-30T10:35", "2026-11-30T11:35")
    assert rules(check_board(board, jobs)) == {"tier_cap"}


def test_wrong_reported_objective_is_caught(board: Any) -> None:
    """The plan must report the exact objective; 0.05 is not 0.1 * 35 / 60."""
    objective = {
        "total": 0.05,
        "sla_risk": 0.0,
        "lateness": 0.0,
        "deferral": 0.0,
        "travel": 0.1 * 35 / 60,
        "preference": 0.0,
    }
    report = check_board(board, board_jobs(), objective=objective)
    assert rules(report) == {"objective"}
    assert "total" in report.violations[0].message


def test_misreported_risk_and_due_are_caught(board: Any) -> None:
    """Per-assignment risks and due instants are recomputed: T3's resolution risk is 0
    and its response was due 12:00."""
    jobs = board_jobs()
    jobs["T3"]["resolution_risk"] = 0.5
    jobs["T4"]["response_due"] = "2026-11-30T11:30"
    assert rules(check_board(board, jobs)) == {"risk", "due"}


def test_misreported_kpis_are_caught(board: Any) -> None:
    jobs = board_jobs()
    plan = board_plan(board, jobs)
    plan.kpis.travel_minutes = 0
    plan.kpis.by_tier["managed"].expected_breaches = 3.0
    report = check_plan(board, plan)
    assert rules(report) == {"kpi"}
    assert len(report.violations) == 2


def test_plan_for_another_scenario_is_caught(board: Any) -> None:
    """The plan names the sha256 of the scenario it was made for."""
    plan = board_plan(board, board_jobs())
    plan.scenario.sha256 = "0" * 64
    assert rules(check_plan(board, plan)) == {"scenario_mismatch"}


def test_must_assign_ticket_deferred_is_caught(board: Any) -> None:
    """T3 has must_assign: it may stay unassigned only for a reason other than deferred."""
    jobs = board_jobs()
    del jobs["T3"]
    unassigned = [{"ticket": "T3", "reason": "deferred", "detail": "no time"}]
    assert rules(check_board(board, jobs, unassigned=unassigned)) == {"must_assign"}


def test_no_eligible_engineer_claimed_for_a_ticket_someone_can_take_is_caught(board: Any) -> None:
    jobs = board_jobs()
    del jobs["T8"]
    unassigned = [{"ticket": "T8", "reason": "no_eligible_engineer", "detail": "nobody"}]
    assert rules(check_board(board, jobs, unassigned=unassigned)) == {"unassigned_reason"}


def test_violation_reads_as_a_sentence() -> None:
    violation = Violation("overlap", "T4", "ben is busy")
    assert str(violation) == "T4: ben is busy (overlap)"


# ---------------------------------------------------------------------------- rescheduling

NOW = "2026-11-30T10:30:00+00:00"


def reschedule_block(events: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"now": NOW, "base_plan_sha256": "b" * 64, "added_tickets": [], "events": events or []}


def completed_board() -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """At 10:30, T1 and T3 are done (completed); T2 and T4 are running."""
    jobs = board_jobs()
    completed = [
        {key: jobs[ticket][key] for key in ("ticket", "engineer", "start", "end")}
        for ticket in ("T1", "T3")
    ]
    del jobs["T1"], jobs["T3"]
    return completed, jobs


def test_reschedule_moving_and_reassigning_counts_disruption(board: Any) -> None:
    """Re-plan at 10:30. Completed T1, T3 add nothing (T1's travel is not counted, but Ann is
    still at site-1, so T2 keeps its 23 min). T5 moves to Ann 11:00 (another engineer:
    reassigned, 0.5); T8 moves 14:00 -> 16:00 with Ben (> 15 min: moved, 0.1)."""
    base = board_plan(board, board_jobs())
    completed, jobs = completed_board()
    jobs["T5"] = job("T5", "ann", "2026-11-30T11:00", "2026-11-30T12:00")
    jobs["T8"] = job("T8", "ben", "2026-11-30T16:00", "2026-11-30T16:30")
    travel = 0.1 * 23 / 60
    objective = {
        "total": travel + 0.6,
        "sla_risk": 0.0,
        "lateness": 0.0,
        "deferral": 0.0,
        "travel": travel,
        "preference": 0.0,
        "disruption": 0.6,
    }
    plan = board_plan(
        board, jobs, objective=objective, completed=completed, reschedule=reschedule_block()
    )
    report = check_plan(board, plan, base=base)
    assert report.ok, [str(v) for v in report.violations]
    assert_objective(report, objective)


def test_reschedule_changing_completed_work_or_starting_in_the_past_is_caught(
    board: Any,
) -> None:
    """Completed T1 must keep its times; a future job (T5) may not start before now."""
    base = board_plan(board, board_jobs())
    completed, jobs = completed_board()
    completed[0]["end"] = "2026-11-30T09:00"
    jobs["T5"] = job("T5", "ann", "2026-11-30T08:00", "2026-11-30T08:10")
    plan = board_plan(board, jobs, completed=completed, reschedule=reschedule_block())
    found = rules(check_plan(board, plan, base=base))
    assert {"completed_changed", "before_now"} <= found


def test_reschedule_respects_an_unavailable_engineer(board: Any) -> None:
    """Ben is unavailable Mon 13:00-17:00: his afternoon is no longer shift time, so T6
    kept at 13:00 on Ben starts outside his shifts."""
    base = board_plan(board, board_jobs())
    completed, jobs = completed_board()
    events: list[dict[str, Any]] = [
        {
            "type": "unavailable",
            "engineer": "ben",
            "from": "2026-11-30T13:00:00+00:00",
            "to": "2026-11-30T17:00:00+00:00",
            "cut": [],
        }
    ]
    plan = board_plan(board, jobs, completed=completed, reschedule=reschedule_block(events))
    assert "outside_shift" in rules(check_plan(board, plan, base=base))


def test_reschedule_with_a_cut_job_and_a_done_job(board: Any) -> None:
    """At 10:30 Ann becomes unavailable for the rest of the horizon: her running T2 is cut
    (the 55 minutes worked are recorded in the event) and, with nobody else able to go
    on-site, left unassigned; a cut counts as one reassignment (0.5). Ben's running T4 is
    marked done at 10:30, so T5 moves up from 11:00 to 10:30 (> 15 min: moved, 0.1)."""
    base = board_plan(board, board_jobs())
    completed, jobs = completed_board()
    completed.append({"ticket": "T4", "engineer": "ben", "start": "2026-11-30T10:00", "end": NOW})
    del jobs["T2"], jobs["T4"]
    jobs["T5"] = job("T5", "ben", "2026-11-30T10:30", "2026-11-30T11:30")
    events: list[dict[str, Any]] = [
        {
            "type": "unavailable",
            "engineer": "ann",
            "from": NOW,
            "to": "2026-12-01T18:00",
            "cut": [{"ticket": "T2", "engineer": "ann", "start": "2026-11-30T09:35", "end": NOW}],
        },
        {"type": "done", "ticket": "T4"},
    ]
    unassigned = [{"ticket": "T2", "reason": "no_capacity", "detail": "Ann is away"}]
    plan = board_plan(
        board,
        jobs,
        unassigned=unassigned,
        completed=completed,
        reschedule=reschedule_block(events),
        base=base,
    )
    report = check_plan(board, plan, base=base)
    assert report.ok, [str(v) for v in report.violations]
    assert report.objective["disruption"] == pytest.approx(0.6)

    # Keeping T2 on Ann after she became unavailable is work outside her shifts.
    jobs["T2"] = job("T2", "ann", "2026-11-30T10:30", "2026-11-30T10:35", travel=0)
    plan = board_plan(board, jobs, completed=completed, reschedule=reschedule_block(events))
    assert "outside_shift" in rules(check_plan(board, plan, base=base))


MATRIX_SCENARIO = """
version: 1
name: matrix
timezone: UTC
horizon: {start: 2026-11-30T08:00, end: 2026-11-30T18:00}
sla_policies:
  managed: {tier: managed, targets: {P2: {response: 1h, resolution: 8h}}}
sites:
  home: {lat: 51.0, lon: 0.0}
  far: {lat: 51.0, lon: 0.5}
travel_matrix: travel.csv
clients:
  - {id: acme, sla: managed, site: far}
engineers:
  - {id: ann, home: home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
tickets:
  - {id: T1, client: acme, priority: P2, opened: 2026-11-30T08:00, onsite: true, effort: 1h,
     responded: 2026-11-30T08:00}
"""


def test_travel_matrix_row_replaces_the_formula(tmp_path: Any) -> None:
    """The matrix says home -> far takes 50 min (the formula would say about 46): a start
    at 08:50 is fine, 08:47 is too early. w = 10 * 4 = 40; W = 08:50-16:00 in shift = 430
    >= p50, so risks are 0 and the total is travel alone: 0.1 * 50 / 60."""
    (tmp_path / "travel.csv").write_text("from,to,minutes\nhome,far,50\n")
    problem = load_scenario_text(MATRIX_SCENARIO, filename="t.yaml", base_dir=tmp_path)
    travel = 0.1 * 50 / 60
    objective = {
        "total": travel,
        "sla_risk": 0.0,
        "lateness": 0.0,
        "deferral": 0.0,
        "travel": travel,
        "preference": 0.0,
    }
    by_tier = {"managed": {"tickets": 1, "assigned": 1, "expected_breaches": 0.0}}

    def plan_at(start: str, end: str) -> Plan:
        return make_plan(
            problem,
            [
                job(
                    "T1",
                    "ann",
                    start,
                    end,
                    travel=50,
                    response_due="2026-11-30T09:00",
                    resolution_due="2026-11-30T16:00",
                )
            ],
            objective,
            by_tier,
            travel_minutes=50,
        )

    report = check_plan(problem, plan_at("2026-11-30T08:50", "2026-11-30T09:50"))
    assert report.ok, [str(v) for v in report.violations]
    assert_objective(report, objective)
    assert rules(check_plan(problem, plan_at("2026-11-30T08:47", "2026-11-30T09:47"))) == {"travel"}
