"""Shared by the checker's tests: plan and assignment builders, and the small "board"
scenario with one valid day of jobs.

Most violation tests start from that valid plan, break exactly one rule, and expect
exactly that rule to be reported, which shows both that the rule is caught and that
nothing else is wrongly flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dispatcher.checker import CheckReport, check_plan
from models import Plan


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
    tier_of: Callable[[str], str] = lambda ticket: TIER_OF.get(ticket, "managed"),
    **rest: Any,
) -> Plan:
    """A board plan whose objective and KPIs are taken from the checker's own recomputation,

    so a test breaking one rule sees only that rule reported (the objective
    itself is tested by hand elsewhere). ``tier_of`` names each ticket's tier.
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
        tier = tier_of(entry["ticket"])
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
