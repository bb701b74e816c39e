"""The checker's own clocks: business-hours SLA clocks over a weekend and a holiday, and
work across a night with the autumn clock change."""

from __future__ import annotations

import datetime as dt

from dispatcher.checker import check_plan
from dispatcher.checker.draws import EffortDraws
from dispatcher.io.loader import load_scenario_text
from tests.checker.support import assert_objective, job, make_plan, rules

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
     effort: {p50: 1h, p90: 20h}, window: {start: 2026-12-01T16:00, end: 2026-12-01T16:30}}
"""


def office_end_after_horizon(minutes: int) -> int:
    """Where ``minutes`` office minutes counted from the horizon end (Tue 1 Dec 18:00) end,
    in minutes since Mon 30 Nov 08:00 (GMT all winter): weekdays 08:00-18:00, Wed 2 Dec a
    holiday."""
    day = dt.date(2026, 12, 2)
    while True:
        if day.weekday() < 5 and day != dt.date(2026, 12, 2):
            if minutes <= 600:
                opens = dt.datetime.combine(day, dt.time(8)) - dt.datetime(2026, 11, 30, 8)
                return int(opens.total_seconds() // 60) + minutes
            minutes -= 600
        day += dt.timedelta(days=1)


def test_business_clock_skips_the_weekend_and_a_holiday_after_the_horizon() -> None:
    """FRI, opened Fri 16:00, P2 on office hours: response 1h -> Fri 17:00; resolution 8h =
    Fri 16-18 (2h) + Mon 08-14 (6h) -> Mon 14:00 (minute 360). Bob's first job, Mon 08:00
    (not responded, so response_risk = 1). D minutes end at 08:00 + D up to 12:30 (D <=
    270), after the lunch half hour up to 17:00 (D <= 510), else on Tuesday: late when D >
    330 (the shift minutes 08:00-14:00).

    LONG, opened Mon 08:00, P4 resolution 40 business hours: Mon, Tue, (Wed holiday),
    Thu, Fri -> Fri 2026-12-04 18:00, after the horizon. Its window holds it at Tue 16:00
    (FRI is over by then in every draw); short (1 h), it ends by 17:00 at p50, so it
    starts then. 60 shift minutes to 17:00, the rest from the horizon end (Tue 18:00) on
    the office clock: Thu 600 + Fri 600 minutes before it is due (Fri 18:00 = minute
    4 * 1440 + 600), so late when D > 1260, and by as long as the rest takes on the office clock
    (weekends skipped: some draws of p90 = 20 h run for weeks).
    Its response (8h) is due Mon 16:00, before it starts: response_risk = 1.

    w(FRI) = 10 * 4 = 40, w(LONG) = 10 * 1 = 10.
    """
    problem = load_scenario_text(WEEKEND, filename="t.yaml")
    draws = EffortDraws(500)
    fri = draws.efforts("FRI", 120, 240)
    long = draws.efforts("LONG", 60, 1200)
    assert max(fri) <= 990  # FRI is over before LONG's held start in every draw
    fri_ends = [d if d <= 270 else 30 + d if d <= 510 else 930 + d for d in fri]
    fri_risk = sum(end > 360 for end in fri_ends) / 500
    long_risk = sum(d > 1260 for d in long) / 500
    assert 0 < fri_risk < 0.1 and 0 < long_risk < 0.2
    late = 40 * sum(max(0, end - 360) for end in fri_ends) / 500
    long_due = 4 * 1440 + 600  # Fri 4 Dec 18:00
    late += 10 * sum(max(0, office_end_after_horizon(d - 60) - long_due) for d in long) / 500
    lateness = 0.05 * late / 60
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
            "total": sla + lateness,
            "sla_risk": sla,
            "lateness": lateness,
            "deferral": 0.0,
            "travel": 0.0,
            "preference": 0.0,
        },
        {"managed": {"tickets": 2, "assigned": 2, "expected_breaches": 2 + fri_risk + long_risk}},
        travel_minutes=0,
    )
    report = check_plan(problem, plan)
    assert report.ok, [str(v) for v in report.violations]
    assert_objective(report, {"total": sla + lateness, "lateness": lateness})


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
