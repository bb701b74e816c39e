"""Crew jobs (SPEC "Crews", and every rule that names a crew): the crew list, each
member's eligibility, the crew's joint shift time, each member's own day and travel,
tier caps, the objective, unassigned reasons judged over crew sets, and rescheduling
(reassignment by set of engineers, cuts listing every member, previous.crew).

CREWS: London in November (GMT), horizon Mon 30 Nov 08:00 to Tue 1 Dec 18:00; sites on
one meridian at 60 km/h and road factor 1, so travel minutes = ceil(km): home-a -> site-1
12, home-b -> site-1 12, home-b -> site-2 12, site-1 -> site-2 23. Every ticket is
responded and resolves long after the horizon, with p50 = p90: every risk is 0.
"""

from __future__ import annotations

from typing import Any

import pytest

from dispatcher.checker import CheckReport, check_plan
from dispatcher.io.loader import load_scenario_text
from models import Plan
from tests.checker.support import assert_objective, board_plan, job, rules

COMMON = (
    "opened: 2026-11-30T07:30, responded: 2026-11-30T07:35, "
    "response_due: 2026-11-30T12:00, resolution_due: 2026-12-10T17:00"
)

CREWS = f"""
version: 1
name: crews
timezone: Europe/London
horizon: {{start: 2026-11-30T08:00, end: 2026-12-01T18:00}}
policy: {{travel_speed_kmh: 60, road_factor: 1.0}}
sla_policies:
  managed: {{tier: managed, targets: {{P2: {{response: 1h, resolution: 8h}}}}}}
  break-fix: {{tier: break_fix, targets: {{P1: {{response: 4h, resolution: 1d}}}}}}
sites:
  home-a: {{lat: 51.0, lon: 0.0}}
  site-1: {{lat: 51.1, lon: 0.0}}
  home-b: {{lat: 51.2, lon: 0.0}}
  site-2: {{lat: 51.3, lon: 0.0}}
clients:
  - {{id: acme, sla: managed, site: site-1, preferred_engineers: [bob]}}
  - {{id: zeta, sla: managed, site: site-2}}
  - {{id: bfix, sla: break-fix, site: site-2}}
engineers:
  - id: ann
    skills: {{network: 2}}
    home: home-a
    shifts:
      - {{start: 2026-11-30T08:00, end: 2026-11-30T12:00}}
      - {{start: 2026-11-30T13:00, end: 2026-11-30T17:00}}
      - {{start: 2026-12-01T08:00, end: 2026-12-01T17:00}}
  - id: bob
    skills: {{network: 1}}
    home: home-b
    shifts:
      - {{start: 2026-11-30T09:00, end: 2026-11-30T17:00}}
      - {{start: 2026-12-01T08:00, end: 2026-12-01T17:00}}
  - {{id: eve, skills: {{network: 1}}, home: home-b,
      shifts: [{{start: 2026-11-30T08:00, end: 2026-11-30T17:00}}]}}
  - {{id: cat, skills: {{network: 1}}, onsite: false,
      shifts: [{{start: 2026-11-30T08:00, end: 2026-11-30T17:00}}]}}
  - {{id: dan, home: home-a, shifts: [{{start: 2026-11-30T08:00, end: 2026-11-30T17:00}}]}}
tickets:
  - {{id: C1, client: acme, priority: P2, onsite: true, effort: 2h, skills: {{network: 1}},
      crew: 2, {COMMON}}}
  - {{id: C2, client: acme, priority: P2, onsite: true, effort: 1h, skills: {{network: 1}},
      crew: 2, assigned_to: bob, {COMMON}}}
  - {{id: S1, client: zeta, priority: P2, effort: 1h, skills: [network], {COMMON}}}
  - {{id: S3, client: zeta, priority: P2, onsite: true, effort: 1h, skills: [network],
      {COMMON}}}
  - {{id: B1, client: bfix, priority: P1, effort: 1h, crew: 2, {COMMON}}}
  - {{id: B2, client: bfix, priority: P1, effort: 1h, {COMMON}}}
  - {{id: U1, client: zeta, priority: P2, onsite: true, effort: 1h, skills: {{network: 2}},
      crew: 3, {COMMON}}}
  - {{id: U2, client: zeta, priority: P2, onsite: true, effort: 1h, skills: {{network: 1}},
      crew: 2, assigned_to: dan, {COMMON}}}
  - {{id: U3, client: zeta, priority: P2, onsite: true, effort: 30m, skills: {{network: 1}},
      crew: 3, window: {{start: 2026-11-30T12:00, end: 2026-11-30T12:50}}, {COMMON}}}
  - {{id: U4, client: zeta, priority: P2, onsite: true, effort: 16h30m,
      skills: {{network: 1}}, crew: 2, {COMMON}}}
"""

NOW = "2026-11-30T10:00:00+00:00"
EARLY = "2026-11-30T08:30:00+00:00"


@pytest.fixture(scope="module")
def crews() -> Any:
    return load_scenario_text(CREWS, filename="crews.yaml")


def cjob(
    ticket: str,
    engineer: str,
    start: str,
    end: str,
    travel: int = 0,
    crew: list[tuple[str, int]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An assignment of CREWS (times Mon 30 Nov, local), with its crew besides the lead."""
    if crew is not None:
        extra["crew"] = [{"engineer": name, "travel_minutes": minutes} for name, minutes in crew]
    return job(
        ticket,
        engineer,
        f"2026-11-30T{start}" if "T" not in start else start,
        f"2026-11-30T{end}" if "T" not in end else end,
        travel,
        resolution_due="2026-12-10T17:00",
        **extra,
    )


def day() -> dict[str, dict[str, Any]]:
    """A valid day. Cat does S1 (remote) 08:00-09:00, then B1 (break-fix, remote) with Dan
    09:00-10:00; Dan does B2 10:00-11:00 (one break-fix job at a time). Ann and Bob do C1
    at site-1: their joint shift time starts 09:00 (Bob's shift), Bob needs 12 min from
    home-b, so 09:12-11:12; Ann also travels 12. Bob then drives on from site-1 (his
    location after the crew job) to site-2 for S3: 23 min, 11:35-12:35. Eve and Bob do C2
    (assigned to Bob: he leads) on Tuesday at site-1, 12 min from home-b each: 08:12."""
    return {
        "S1": cjob("S1", "cat", "08:00", "09:00"),
        "B1": cjob("B1", "cat", "09:00", "10:00", crew=[("dan", 0)]),
        "B2": cjob("B2", "dan", "10:00", "11:00"),
        "C1": cjob("C1", "ann", "09:12", "11:12", 12, crew=[("bob", 12)]),
        "S3": cjob("S3", "bob", "11:35", "12:35", 23),
        "C2": cjob("C2", "bob", "2026-12-01T08:12", "2026-12-01T09:12", 12, crew=[("ann", 12)]),
    }


def left_out() -> list[dict[str, Any]]:
    """The tickets nobody can do, with the reasons an empty schedule gives: U1 needs 3
    engineers with network>=2 (only Ann has it); U2's lead Dan lacks network; U3 needs
    all of Ann, Bob and Eve (the only on-site engineers with network) at 12:00-12:50, when
    Ann is at lunch (each alone could start it); U4 needs 16.5 h of joint shift time, and
    no pair has that much (Ann and Bob share 16 h less Bob's 12 min of travel)."""
    return [
        {"ticket": "U1", "reason": "no_eligible_engineer", "detail": "-"},
        {"ticket": "U2", "reason": "no_eligible_engineer", "detail": "-"},
        {"ticket": "U3", "reason": "window_unreachable", "detail": "-"},
        {"ticket": "U4", "reason": "no_capacity", "detail": "-"},
    ]


def crew_plan(
    problem: Any,
    jobs: dict[str, dict[str, Any]],
    unassigned: list[dict[str, Any]] | None = None,
    objective: dict[str, float] | None = None,
    base: Plan | None = None,
    **rest: Any,
) -> Plan:
    """A plan of CREWS whose objective and KPIs are the checker's recomputation (unless
    ``objective`` is given), so a test breaking one rule sees only that rule."""
    return board_plan(
        problem,
        jobs,
        left_out() if unassigned is None else unassigned,
        objective,
        base,
        tier_of=lambda ticket: "break_fix" if ticket.startswith("B") else "managed",
        **rest,
    )


def check(problem: Any, jobs: dict[str, dict[str, Any]], **kwargs: Any) -> CheckReport:
    base = kwargs.get("base")
    return check_plan(problem, crew_plan(problem, jobs, **kwargs), base)


def messages(report: CheckReport) -> list[str]:
    return [str(violation) for violation in report.violations]


# -- a correct crew plan ---------------------------------------------------------------


def test_a_correct_crew_plan_passes_and_its_objective_is_recomputed(crews: Any) -> None:
    """Every risk is 0. Travel counts every member: C1 12 + 12, S3 23, C2 12 + 12 = 71
    minutes. Deferral: 4 managed P2 tickets (w = 10 * 4) left out, 4 * 40 * 0.05 = 8. The
    preference is met: Bob (acme's preferred engineer) is in C1 and leads C2."""
    travel = 0.1 * 71 / 60
    objective = {
        "total": 8.0 + travel,
        "sla_risk": 0.0,
        "lateness": 0.0,
        "deferral": 8.0,
        "travel": travel,
        "preference": 0.0,
    }
    plan = crew_plan(crews, day(), objective=objective)
    report = check_plan(crews, plan)
    assert report.ok, messages(report)
    assert_objective(report, objective)
    assert report.travel_minutes == 71


# -- the crew list ---------------------------------------------------------------------


def without_bob_in_c1(jobs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Bob not in C1 drives to S3 from home-b: 12 minutes, not 23 from site-1."""
    jobs["S3"]["travel_minutes"] = 12
    return jobs


def test_a_crew_ticket_without_a_crew_list_is_caught(crews: Any) -> None:
    jobs = without_bob_in_c1(day())
    del jobs["C1"]["crew"]
    report = check(crews, jobs)
    assert rules(report) == {"crew"}
    assert "no crew list" in messages(report)[0]


def test_a_crew_list_of_the_wrong_size_is_caught(crews: Any) -> None:
    """C1 needs 2: Ann and one more; Bob and Eve besides Ann are one too many."""
    jobs = day()
    jobs["C1"] = cjob("C1", "ann", "09:12", "11:12", 12, crew=[("bob", 12), ("eve", 12)])
    assert rules(check(crews, jobs)) == {"crew"}


def test_a_crew_member_listed_twice_is_caught(crews: Any) -> None:
    jobs = day()
    jobs["C1"] = cjob("C1", "ann", "09:12", "11:12", 12, crew=[("bob", 12), ("bob", 12)])
    report = check(crews, jobs)
    assert rules(report) == {"crew"}
    assert any("more than once" in text for text in messages(report))


def test_the_lead_listed_in_its_own_crew_is_caught(crews: Any) -> None:
    jobs = without_bob_in_c1(day())
    jobs["C1"] = cjob("C1", "ann", "09:12", "11:12", 12, crew=[("ann", 12)])
    report = check(crews, jobs)
    assert rules(report) == {"crew"}
    assert "lead ann is listed in its crew" in messages(report)[0]


def test_an_unknown_crew_member_is_caught(crews: Any) -> None:
    jobs = without_bob_in_c1(day())
    jobs["C1"] = cjob("C1", "ann", "09:12", "11:12", 12, crew=[("zed", 12)])
    report = check(crews, jobs)
    assert rules(report) == {"unknown_engineer"}
    assert "zed" in messages(report)[0]


def test_a_crew_list_on_a_one_engineer_ticket_is_caught(crews: Any) -> None:
    jobs = day()
    jobs["B2"] = cjob("B2", "dan", "10:00", "11:00", crew=[("eve", 0)])
    assert rules(check(crews, jobs)) == {"crew"}


# -- eligibility -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "why"),
    [("dan", "needs network>=1"), ("cat", "works remotely only")],
)
def test_a_crew_member_without_the_skills_or_on_site_flag_is_caught(
    crews: Any, member: str, why: str
) -> None:
    """Dan lacks network; Cat works remotely only (C1 is on site). Both are free after B1
    (10:00); Dan, who works remotely on B1, is still at home, 12 minutes from site-1; Cat
    has no home and no travel. From 10:12 C1's two hours run to 12:00 and 13:00-13:12."""
    jobs = without_bob_in_c1(day())
    travel = 0 if member == "cat" else 12
    jobs["C1"] = cjob("C1", "ann", "10:12", "13:12", 12, crew=[(member, travel)])
    jobs["B2"] = cjob("B2", "eve", "10:00", "11:00")  # Dan's B2 would overlap C1
    report = check(crews, jobs)
    assert rules(report) == {"ineligible"}
    assert f"{member} (crew member) cannot take it" in messages(report)[0]
    assert why in messages(report)[0]


def test_assigned_to_names_the_lead_of_a_crew(crews: Any) -> None:
    """C2 is assigned to Bob: Bob in the crew under Ann as lead is not enough."""
    jobs = day()
    jobs["C2"] = cjob("C2", "ann", "2026-12-01T08:12", "2026-12-01T09:12", 12, crew=[("bob", 12)])
    report = check(crews, jobs)
    assert rules(report) == {"ineligible"}
    assert "assigned to bob" in messages(report)[0]


# -- the crew's joint shift time -----------------------------------------------------------


def test_a_crew_job_starting_outside_joint_shift_time_is_caught(crews: Any) -> None:
    """At 08:30 Ann is on shift but Bob is not (from 09:00): no joint shift time. (Its two
    hours of joint time from 08:30 run 09:00-11:00, so the end itself is right.)"""
    jobs = day()
    jobs["C1"] = cjob("C1", "ann", "08:30", "11:00", 12, crew=[("bob", 12)])
    report = check(crews, jobs)
    assert rules(report) == {"outside_shift"}
    assert "no joint shift time" in messages(report)[0]


def test_a_crew_job_ending_outside_joint_shift_time_is_caught(crews: Any) -> None:
    """From 11:00 the crew's two hours run to 12:00 and, after Ann's lunch, 13:00-14:00.
    Ending at 12:30 (in Bob's shift, not Ann's) is outside the joint time and wrong."""
    jobs = day()
    jobs["C1"] = cjob("C1", "ann", "11:00", "12:30", 12, crew=[("bob", 12)])
    jobs["S3"] = cjob("S3", "bob", "14:23", "15:23", 23)
    assert rules(check(crews, jobs)) == {"outside_shift", "wrong_end"}


def test_a_crew_job_pauses_outside_joint_shift_time(crews: Any) -> None:
    """Bob alone would finish two hours from 11:30 at 13:30; the crew pauses over Ann's
    lunch and ends at 14:30."""
    jobs = day()
    jobs["S3"] = cjob("S3", "bob", "14:53", "15:53", 23)
    jobs["C1"] = cjob("C1", "ann", "11:30", "14:30", 12, crew=[("bob", 12)])
    report = check(crews, jobs)
    assert report.ok, messages(report)
    jobs["C1"] = cjob("C1", "ann", "11:30", "13:30", 12, crew=[("bob", 12)])
    report = check(crews, jobs)
    assert rules(report) == {"wrong_end"}
    assert "joint time" in messages(report)[0]


# -- each member's own day -----------------------------------------------------------------


def test_a_crew_job_overlapping_another_job_of_a_member_is_caught(crews: Any) -> None:
    """Eve (not the lead) has C1 at 09:12-11:12 and a remote job B2 at 10:00."""
    jobs = day()
    jobs["C1"] = cjob("C1", "ann", "09:12", "11:12", 12, crew=[("eve", 12)])
    jobs["S3"] = cjob("S3", "bob", "09:12", "10:12", 12)
    jobs["B2"] = cjob("B2", "eve", "10:00", "11:00")
    report = check(crews, jobs)
    assert rules(report) == {"overlap"}
    assert "eve starts it" in messages(report)[0]


def test_a_crew_job_overlapping_another_crew_job_of_a_member_is_caught(crews: Any) -> None:
    """C2 (Bob leading, Ann in the crew) moved to Monday 10:00, while C1 (Ann and Bob) runs
    until 11:12: each member is on two crew jobs at once."""
    jobs = day()
    jobs["C2"] = cjob("C2", "bob", "10:00", "11:00", 0, crew=[("ann", 0)])
    report = check(crews, jobs)
    assert rules(report) == {"overlap"}
    text = " ".join(messages(report))
    assert "ann starts it" in text
    assert "bob starts it" in text


def test_a_member_who_cannot_get_there_in_time_is_caught(crews: Any) -> None:
    """Bob does S3 at site-2 first (09:12-10:12); C1 at site-1 needs him 23 minutes later,
    10:35. Ann, at home, could be there at 08:12: the lead's travel is not the point."""
    jobs = day()
    jobs["S3"] = cjob("S3", "bob", "09:12", "10:12", 12)
    jobs["C1"] = cjob("C1", "ann", "10:35", "13:35", 12, crew=[("bob", 23)])
    report = check(crews, jobs)
    assert report.ok, messages(report)
    jobs["C1"] = cjob("C1", "ann", "10:30", "13:30", 12, crew=[("bob", 23)])
    report = check(crews, jobs)
    assert rules(report) == {"travel"}
    assert "bob can be ready" in messages(report)[0]


def test_a_members_misreported_travel_is_caught(crews: Any) -> None:
    """Bob's own travel to C1 is 12 minutes from home-b, reported in the crew list."""
    jobs = day()
    jobs["C1"]["crew"] = [{"engineer": "bob", "travel_minutes": 0}]
    report = check(crews, jobs)
    assert rules(report) == {"travel_minutes"}
    assert "for crew member bob" in messages(report)[0]


def test_after_an_on_site_crew_job_each_member_is_at_its_site(crews: Any) -> None:
    """After C1 Bob is at site-1, 23 minutes from site-2: S3 at 11:24 (as if from home-b,
    12 minutes) is too early, and 12 travel minutes are not what his walk gives."""
    jobs = day()
    jobs["S3"] = cjob("S3", "bob", "11:24", "12:24", 12)
    assert rules(check(crews, jobs)) == {"travel", "travel_minutes"}


# -- tier caps and the objective -----------------------------------------------------------


def test_a_crew_job_counts_once_against_a_tier_cap(crews: Any) -> None:
    """break_fix is capped at 1. B1, done by Cat and Dan, is one job (the valid day passes);
    B2 on Eve at 09:30 while B1 runs makes two."""
    jobs = day()
    jobs["B2"] = cjob("B2", "eve", "09:30", "10:30")
    report = check(crews, jobs)
    assert rules(report) == {"tier_cap"}
    assert "2 break_fix jobs" in messages(report)[0]


def test_preference_is_met_by_any_member_and_travel_counts_every_member(crews: Any) -> None:
    """C1 with Ann and Eve (neither preferred by acme): one preference, 0.2; C1 with Eve
    leading and Bob in the crew: met. Travel counts Eve's 12 as well."""
    jobs = day()
    jobs["C1"] = cjob("C1", "ann", "09:12", "11:12", 12, crew=[("eve", 12)])
    jobs["S3"] = cjob("S3", "bob", "09:12", "10:12", 12)
    report = check(crews, jobs)
    assert report.ok, messages(report)
    assert report.objective["preference"] == pytest.approx(0.2)
    assert report.travel_minutes == 12 + 12 + 12 + 24
    jobs["C1"] = cjob("C1", "eve", "09:12", "11:12", 12, crew=[("bob", 12)])
    jobs["S3"] = cjob("S3", "bob", "11:35", "12:35", 23)
    report = check(crews, jobs)
    assert report.ok, messages(report)
    assert report.objective["preference"] == 0.0


# -- unassigned reasons, judged over crew sets ---------------------------------------------


def _leave(reasons: dict[str, str]) -> list[dict[str, Any]]:
    entries = left_out()
    for entry in entries:
        entry["reason"] = reasons.get(entry["ticket"], entry["reason"])
    return entries


@pytest.mark.parametrize(
    ("ticket", "wrong"),
    [
        ("U1", "deferred"),  # fewer than 3 engineers have network>=2
        ("U2", "deferred"),  # its assigned_to lead lacks network
        ("U3", "deferred"),  # no crew of 3 shares shift time in its window
        ("U3", "no_capacity"),
        ("U4", "deferred"),  # no pair has 16.5 h of joint shift time
        ("U4", "window_unreachable"),  # but a pair can start it
    ],
)
def test_a_wrong_reason_for_an_unassigned_crew_ticket_is_caught(
    crews: Any, ticket: str, wrong: str
) -> None:
    report = check(crews, day(), unassigned=_leave({ticket: wrong}))
    assert rules(report) == {"unassigned_reason"}


def test_no_eligible_engineer_for_a_crew_ticket_a_crew_could_take_is_caught(crews: Any) -> None:
    """C1 needs two engineers with network on site: Ann, Bob and Eve have it."""
    jobs = without_bob_in_c1(day())
    del jobs["C1"]
    unassigned = [*left_out(), {"ticket": "C1", "reason": "no_eligible_engineer", "detail": "-"}]
    report = check(crews, jobs, unassigned=unassigned)
    assert rules(report) == {"unassigned_reason"}
    unassigned[-1]["reason"] = "deferred"
    report = check(crews, jobs, unassigned=unassigned)
    assert report.ok, messages(report)


# -- rescheduling ---------------------------------------------------------------------------


def block(now: str, events: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"now": now, "base_plan_sha256": "b" * 64, "added_tickets": [], "events": events or []}


def previous(engineer: str, start: str, crew: list[str] | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"engineer": engineer, "start": f"2026-11-30T{start}"}
    if crew is not None:
        entry["crew"] = crew
    return entry


def early_jobs() -> dict[str, dict[str, Any]]:
    """The day re-planned at 08:30, with S1 running and 'previous' on every future job."""
    jobs = day()
    jobs["C1"]["previous"] = previous("ann", "09:12", ["bob"])
    jobs["S3"]["previous"] = previous("bob", "11:35")
    return jobs


def test_another_set_of_engineers_is_a_reassignment_a_new_lead_is_not(crews: Any) -> None:
    """At 08:30 C1 (Ann and Bob at 09:12) goes to Ann and Eve: another set, reassigned
    (0.5), though its lead stays. Bob then drives to S3 from home (12 minutes). The same
    two with Bob leading is the same set: no disruption."""
    base = crew_plan(crews, day())
    jobs = early_jobs()
    jobs["C1"] = cjob(
        "C1", "ann", "09:12", "11:12", 12, crew=[("eve", 12)], previous=jobs["C1"]["previous"]
    )
    jobs["S3"]["travel_minutes"] = 12
    plan = crew_plan(crews, jobs, base=base, reschedule=block(EARLY))
    report = check_plan(crews, plan, base)
    assert report.ok, messages(report)
    assert report.objective["disruption"] == pytest.approx(0.5)

    jobs = early_jobs()
    jobs["C1"] = cjob(
        "C1", "bob", "09:12", "11:12", 12, crew=[("ann", 12)], previous=jobs["C1"]["previous"]
    )
    plan = crew_plan(crews, jobs, base=base, reschedule=block(EARLY))
    report = check_plan(crews, plan, base)
    assert report.ok, messages(report)
    assert report.objective["disruption"] == 0.0


@pytest.mark.parametrize("crew", [None, ["eve"]])
def test_previous_of_a_crew_job_names_its_old_crew(crews: Any, crew: list[str] | None) -> None:
    """C1's 'previous' must carry its old crew (Bob): missing, or Eve, is caught."""
    base = crew_plan(crews, day())
    jobs = early_jobs()
    jobs["C1"]["previous"] = previous("ann", "09:12", crew)
    plan = crew_plan(crews, jobs, base=base, reschedule=block(EARLY))
    report = check_plan(crews, plan, base)
    assert rules(report) == {"previous"}


def test_a_running_crew_job_keeps_its_engineers(crews: Any) -> None:
    """At 10:00 C1 runs (09:12-11:12); giving it Eve instead of Bob changes a running job."""
    base = crew_plan(crews, day())
    jobs = day()
    completed = [
        {key: jobs[t][key] for key in ("ticket", "engineer", "start", "end")} for t in ("S1", "B1")
    ]
    del jobs["S1"], jobs["B1"]
    jobs["C1"] = cjob("C1", "ann", "09:12", "11:12", 12, crew=[("eve", 12)])
    plan = crew_plan(crews, jobs, base=base, completed=completed, reschedule=block(NOW))
    assert "running_changed" in rules(check_plan(crews, plan, base))


def cut_at_ten(cut_members: list[str]) -> tuple[Plan, Plan]:
    """(base, new plan): at 10:00 Bob becomes unavailable for the rest of the horizon. S1
    and B1 are completed. C1, running with Ann and Bob since 09:12, is cut: 48 joint
    minutes are worked, so its rest needs 72. Ann (still at site-1, ready at 10:00) and Eve
    (12 minutes from home-b: 10:12) do it 10:12-11:24. Bob's S3 goes to Eve, 23 minutes
    from site-1: 11:47-12:47. C2, assigned to Bob, is left out: Bob has no shift left
    (window_unreachable). Three reassignments (the cut, S3, C2 dropped): 1.5."""
    problem = load_scenario_text(CREWS, filename="crews.yaml")
    base = crew_plan(problem, day())
    jobs = day()
    completed = [
        {key: jobs[t][key] for key in ("ticket", "engineer", "start", "end")} for t in ("S1", "B1")
    ]
    completed[1]["crew"] = [{"engineer": "dan", "travel_minutes": 0}]
    del jobs["S1"], jobs["B1"], jobs["C2"]
    jobs["C1"] = cjob("C1", "ann", "10:12", "11:24", 0, crew=[("eve", 12)])
    jobs["S3"] = cjob("S3", "eve", "11:47", "12:47", 23, previous=previous("bob", "11:35"))
    cut = [
        {"ticket": "C1", "engineer": member, "start": "2026-11-30T09:12", "end": NOW}
        for member in cut_members
    ]
    events = [
        {
            "type": "unavailable",
            "engineer": "bob",
            "from": NOW,
            "to": "2026-12-01T18:00",
            "cut": cut,
        }
    ]
    unassigned = [*left_out(), {"ticket": "C2", "reason": "window_unreachable", "detail": "-"}]
    plan = crew_plan(
        problem,
        jobs,
        unassigned=unassigned,
        base=base,
        completed=completed,
        reschedule=block(NOW, events),
    )
    return base, plan


def test_a_cut_of_a_running_crew_job_lists_every_member(crews: Any) -> None:
    base, plan = cut_at_ten(["ann", "bob"])
    report = check_plan(crews, plan, base)
    assert report.ok, messages(report)
    assert report.objective["disruption"] == pytest.approx(1.5)


def test_a_cut_that_leaves_out_a_member_is_caught(crews: Any) -> None:
    """Bob's absence cuts C1, but the cut names only Ann: it must list every member."""
    base, plan = cut_at_ten(["ann"])
    report = check_plan(crews, plan, base)
    assert rules(report) == {"cut"}
    assert "lists ann" in messages(report)[0]


def test_a_running_crew_job_of_an_unavailable_member_that_is_not_cut_is_caught(
    crews: Any,
) -> None:
    """Bob (not the lead) is away from 10:00, but C1 is left running, uncut."""
    base, plan = cut_at_ten([])
    report = check_plan(crews, plan, base)
    assert "cut" in rules(report)
    assert any("not cut" in text for text in messages(report))
