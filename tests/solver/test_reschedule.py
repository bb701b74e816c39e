"""Rescheduling (SPEC "Rescheduling"): each rule on tiny days, the CLI, the impact of a
job, and a property test of random chains of events."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dispatcher.api import check, solve_scenario
from dispatcher.cli import main
from dispatcher.errors import InputError
from dispatcher.io.generator import generate_scenario
from dispatcher.io.loader import load_scenario_text
from dispatcher.solver.reschedule.events import AddedTickets, Events, Overrun, Unavailable
from dispatcher.solver.reschedule.impact import impact
from dispatcher.solver.reschedule.replan import reschedule
from dispatcher.solver.solve import SolveOptions
from models import Plan, Unassigned
from models.scenario import Ticket
from tests.scenarios import SCENARIOS, tiny

FAST = SolveOptions(time_limit=1.0, workers=1, seed=0)

DAY = """
engineers:
  - {id: alice, home: alice-home, onsite: true, skills: [windows],
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00},
              {start: 2026-12-01T08:00, end: 2026-12-01T17:00}]}
  - {id: bob, home: bob-home, onsite: true,
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00},
              {start: 2026-12-01T08:00, end: 2026-12-01T17:00}]}
tickets:
  - {id: T-1, client: northwind, priority: P2, opened: 2026-11-30T07:00, effort: 2h}
  - {id: T-2, client: northwind, priority: P2, opened: 2026-11-30T07:00, effort: 3h}
  - {id: T-3, client: northwind, priority: P3, opened: 2026-11-30T07:00, effort: 2h,
     skills: [windows]}
  - {id: T-4, client: northwind, priority: P3, opened: 2026-11-30T07:00, effort: 1h}
  - {id: T-5, client: corner-shop, priority: P2, opened: 2026-11-30T07:00, effort: 90m,
     onsite: true}
  - {id: T-6, client: northwind, priority: P3, opened: 2026-11-30T07:00, effort: 4h}
"""


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)  # Europe/London in winter


@pytest.fixture(scope="module")
def day():
    problem = tiny(DAY)
    return problem, solve_scenario(problem, time_limit=1.5, workers=1, seed=0)


def placed_once(problem, plan: Plan, added: set[str] = frozenset()) -> None:
    ids = [a.ticket for a in plan.assignments] + [u.ticket for u in plan.unassigned]
    ids += [c.ticket for c in plan.completed]
    assert sorted(ids) == sorted({t.id for t in problem.tickets} | set(added))


def checked(problem, new: Plan, old: Plan) -> None:
    report = check(problem, new, old)
    assert report.ok, [str(v) for v in report.violations]
    assert abs(report.objective["total"] - new.objective.total) <= 1e-6 * max(
        1.0, new.objective.total
    )


def job_running_at(plan: Plan, moment: dt.datetime):
    return next(a for a in plan.assignments if a.start < moment < a.end)


def test_nothing_happens_nothing_changes(day):
    """Rescheduled with no event, the plan keeps every job: no disruption."""
    problem, old = day
    now = at("2026-11-30T08:00")
    result = reschedule(problem, old, now, Events(), FAST)
    checked(problem, result.plan, old)
    assert result.plan.objective.disruption == 0
    assert {(a.ticket, a.engineer, a.start) for a in result.plan.assignments} == {
        (a.ticket, a.engineer, a.start) for a in old.assignments
    }
    assert not (result.changes.moved or result.changes.reassigned)


def test_finished_jobs_move_to_completed_unchanged_and_running_ones_stay(day):
    problem, old = day
    now = at("2026-11-30T11:15")
    result = reschedule(problem, old, now, Events(), FAST)
    new = result.plan
    checked(problem, new, old)
    placed_once(problem, new)
    finished = {(a.ticket, a.engineer, a.start, a.end) for a in old.assignments if a.end <= now}
    assert finished and {(c.ticket, c.engineer, c.start, c.end) for c in new.completed} == finished
    running = {
        (a.ticket, a.engineer, a.start, a.end) for a in old.assignments if a.start < now < a.end
    }
    assert running <= {(a.ticket, a.engineer, a.start, a.end) for a in new.assignments}
    for assignment in new.assignments:
        if (
            assignment.ticket,
            assignment.engineer,
            assignment.start,
            assignment.end,
        ) not in running:
            assert assignment.start >= now
        assert assignment.previous is not None  # every job of the new plan was in the old one


def test_done_finishes_a_running_job_at_now(day):
    problem, old = day
    now = at("2026-11-30T09:00")
    running = job_running_at(old, now)
    result = reschedule(problem, old, now, Events(done=[running.ticket]), FAST)
    checked(problem, result.plan, old)
    (entry,) = [c for c in result.plan.completed if c.ticket == running.ticket]
    assert (entry.engineer, entry.start, entry.end) == (running.engineer, running.start, now)
    assert {"type": "done", "ticket": running.ticket} in result.plan.reschedule["events"]


def test_an_emergency_is_assigned_no_earlier_than_now_plus_travel(day):
    problem, old = day
    now = at("2026-11-30T10:40")
    emergency = Ticket.model_validate(
        {
            "id": "T-99",
            "client": "corner-shop",
            "priority": "P1",
            "opened": "2026-11-30T10:40",
            "onsite": True,
            "effort": "1h",
        }
    )
    result = reschedule(problem, old, now, Events(add=[AddedTickets([emergency])]), FAST)
    checked(problem, result.plan, old)
    placed_once(problem, result.plan, {"T-99"})
    (job,) = [a for a in result.plan.assignments if a.ticket == "T-99"]
    assert job.start >= now + dt.timedelta(minutes=job.travel_minutes)
    assert result.plan.reschedule["added_tickets"][0]["id"] == "T-99"
    assert ("T-99", job.engineer, job.start) in result.changes.newly_assigned


def test_a_sick_engineer_is_cut_at_now_and_has_no_work_after(day):
    """The running job is cut at T (recorded in the event), the rest re-planned with the
    effort left, counted as a reassignment; nothing else is planned for the engineer."""
    problem, old = day
    now = at("2026-11-30T09:00")
    running = job_running_at(old, now)
    result = reschedule(
        problem, old, now, Events(unavailable=[Unavailable(running.engineer)]), FAST
    )
    new = result.plan
    checked(problem, new, old)
    placed_once(problem, new)
    (event,) = new.reschedule["events"]
    assert event["type"] == "unavailable" and event["engineer"] == running.engineer
    assert event["cut"] == [
        {
            "ticket": running.ticket,
            "engineer": running.engineer,
            "start": running.start.isoformat(),
            "end": now.isoformat(),
        }
    ]
    assert all(a.engineer != running.engineer for a in new.assignments)
    rest = next(a for a in new.assignments if a.ticket == running.ticket)
    worked = now - running.start
    assert rest.end - rest.start == running.end - running.start - worked  # no pause in between
    assert new.reschedule["reassigned"] >= 1
    assert new.objective.disruption >= problem.weights.reassign


def test_an_absence_later_in_the_day_stays_empty(day):
    problem, old = day
    now = at("2026-11-30T08:00")
    gone = Unavailable("bob", at("2026-11-30T12:00"), at("2026-12-01T10:00"))
    result = reschedule(problem, old, now, Events(unavailable=[gone]), FAST)
    checked(problem, result.plan, old)
    for a in result.plan.assignments:
        if a.engineer == "bob":  # work pauses over the absence, as over a night
            assert not gone.start <= a.start < gone.end
            assert not gone.start < a.end <= gone.end


def test_an_overrun_keeps_the_start_and_ends_at_until(day):
    problem, old = day
    now = at("2026-11-30T09:00")
    running = job_running_at(old, now)
    until = running.end + dt.timedelta(minutes=45)
    result = reschedule(problem, old, now, Events(overrun=[Overrun(running.ticket, until)]), FAST)
    checked(problem, result.plan, old)
    job = next(a for a in result.plan.assignments if a.ticket == running.ticket)
    assert (job.engineer, job.start, job.end) == (running.engineer, running.start, until)


def test_a_chain_of_reschedules_loses_nothing(day):
    """Tickets added by one reschedule and absences of another survive the next."""
    problem, old = day
    extra = Ticket.model_validate(
        {
            "id": "T-50",
            "client": "northwind",
            "priority": "P1",
            "opened": "2026-11-30T09:30",
            "effort": "2h",
        }
    )
    first = reschedule(
        problem, old, at("2026-11-30T09:30"), Events(add=[AddedTickets([extra])]), FAST
    ).plan
    checked(problem, first, old)
    second = reschedule(
        problem, first, at("2026-11-30T10:00"), Events(unavailable=[Unavailable("alice")]), FAST
    ).plan
    checked(problem, second, first)
    third = reschedule(problem, second, at("2026-11-30T13:00"), Events(), FAST).plan
    checked(problem, third, second)
    placed_once(problem, third, {"T-50"})
    assert all(a.engineer != "alice" for a in third.assignments)
    assert [r["now"] for r in third.reschedule["history"]] == [
        "2026-11-30T09:30:00+00:00",
        "2026-11-30T10:00:00+00:00",
    ]


def test_bad_events_are_input_errors(day):
    problem, old = day
    now = at("2026-11-30T09:00")
    with pytest.raises(InputError, match="unknown engineer 'carol'"):
        reschedule(problem, old, now, Events(unavailable=[Unavailable("carol")]), FAST)
    with pytest.raises(InputError, match="unknown ticket 'T-404'"):
        reschedule(problem, old, now, Events(done=["T-404"]), FAST)
    not_running = next(a for a in old.assignments if a.start > now)
    with pytest.raises(InputError, match="not running"):
        reschedule(
            problem,
            old,
            now,
            Events(overrun=[Overrun(not_running.ticket, at("2026-11-30T12:00"))]),
            FAST,
        )
    with pytest.raises(InputError, match="outside the horizon"):
        reschedule(problem, old, at("2026-12-05T09:00"), Events(), FAST)
    bad = Ticket.model_validate(
        {
            "id": "T-1",
            "client": "nobody",
            "priority": "P1",
            "opened": "2026-11-30T09:00",
            "effort": "1h",
        }
    )
    with pytest.raises(InputError) as caught:
        reschedule(problem, old, now, Events(add=[AddedTickets([bad], "add.yaml")]), FAST)
    assert "add.yaml" in str(caught.value) and "already in the plan" in str(caught.value)


def test_a_plan_of_another_scenario_is_refused(day):
    _problem, old = day
    other = tiny(DAY.replace("effort: 4h", "effort: 5h"))
    with pytest.raises(InputError, match="another scenario"):
        reschedule(other, old, at("2026-11-30T09:00"), Events(), FAST)


def test_impact_prices_a_job_against_the_plan_without_it(day):
    problem, old = day
    job = Ticket.model_validate(
        {
            "id": "T-77",
            "client": "corner-shop",
            "priority": "P2",
            "opened": "2026-11-30T08:30",
            "onsite": True,
            "effort": "6h",
        }
    )
    result = impact(problem, old, at("2026-11-30T08:30"), AddedTickets([job]), FAST)
    data = result.as_json()
    assert set(data) >= {"with", "without", "delta_by_tier", "engineer", "pushed_into_breach"}
    assert data["engineer"] in {"alice", "bob"}
    assert any(a.ticket == "T-77" for a in result.with_job.plan.assignments)
    assert not any(a.ticket == "T-77" for a in result.without.plan.assignments)
    for side in (result.with_job, result.without):
        checked(problem, side.plan, old)
    placed = {a.ticket for a in result.without.plan.assignments}
    for ticket in data["left_unassigned"]:  # what taking T-77 sends after the horizon
        assert ticket in placed and ticket != "T-77"
        assert any(u.ticket == ticket for u in result.with_job.plan.unassigned)
    delta = sum(d["objective"] for d in data["delta_by_tier"].values())
    disruption = (
        result.with_job.plan.objective.disruption - result.without.plan.objective.disruption
    )
    assert delta + disruption == pytest.approx(data["delta_objective"], abs=1e-5)


# --------------------------------------------------------------------------- command line


def test_cli_reschedule_prints_the_changes_and_writes_a_checked_plan(tmp_path):
    scenario = SCENARIOS / "northside.yaml"
    runner = CliRunner()
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    result = runner.invoke(
        main,
        ["plan", str(scenario), "-o", str(old), "--time-limit", "2", "--workers", "1", "--quiet"],
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        main,
        [
            "reschedule",
            str(scenario),
            "--plan",
            str(old),
            "--now",
            "2026-11-30T10:40",
            "--add",
            str(SCENARIOS / "emergency.yaml"),
            "--unavailable",
            "tom@2026-12-01T08:00/",
            "-o",
            str(new),
            "--time-limit",
            "2",
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "newly assigned" in result.output and "T-2101" in result.output
    assert "objective by tier" in result.output
    result = runner.invoke(main, ["check", str(scenario), str(new), "--base", str(old)])
    assert result.exit_code == 0, result.output
    data = json.loads(new.read_text())
    assert data["reschedule"]["events"][0] == {"type": "add", "tickets": ["T-2101"]}
    bad = runner.invoke(
        main,
        [
            "reschedule",
            str(scenario),
            "--plan",
            str(old),
            "--now",
            "2026-11-30T10:40",
            "--done",
            "T-9999",
            "-o",
            str(tmp_path / "x.json"),
        ],
    )
    assert bad.exit_code == 2 and "unknown ticket 'T-9999'" in bad.output
    assert not (tmp_path / "x.json").exists()
    priced = runner.invoke(
        main,
        [
            "impact",
            str(scenario),
            "--plan",
            str(old),
            "--now",
            "2026-11-30T10:40",
            "--add",
            str(SCENARIOS / "emergency.yaml"),
            "--json",
            "--time-limit",
            "1",
            "--workers",
            "1",
        ],
    )
    assert priced.exit_code == 0, priced.output
    assert json.loads(priced.output)["engineer"] is not None


# --------------------------------------------------------------------------- property


def _random_event(rng: random.Random, problem, plan: Plan, now: dt.datetime, serial: int):
    kind = rng.choice(["add", "sick", "done", "overrun", "nothing"])
    running = [a for a in plan.assignments if a.start < now < a.end]
    started = [a for a in plan.assignments if a.end > now]
    if kind == "add":
        template = rng.choice(problem.scenario.tickets)
        ticket = template.model_copy(
            update={
                "id": f"NEW-{serial}",
                "opened": now.replace(tzinfo=None),
                "fixed_start": None,
                "window": None,
                "assigned_to": None,
                "responded": None,
                "response_due": None,
                "resolution_due": None,
            }
        )
        return Events(add=[AddedTickets([ticket])]), {ticket.id}
    if kind == "sick":
        engineer = rng.choice(problem.scenario.engineers).id
        back = now + dt.timedelta(minutes=rng.randrange(30, 600))
        return Events(
            unavailable=[Unavailable(engineer, None, back if rng.random() < 0.5 else None)]
        ), set()
    if kind == "done" and started:
        return Events(done=[rng.choice(started).ticket]), set()
    if kind == "overrun" and running:
        job = rng.choice(running)
        return Events(
            overrun=[Overrun(job.ticket, job.end + dt.timedelta(minutes=rng.randrange(5, 90)))]
        ), set()
    return Events(), set()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), steps=st.integers(1, 4))
# A job cut at 10:39, its rest running later and then overrun: its response was given when
# the cut work started (the checker once judged it by the running rest's start).
@example(seed=464, steps=4)
def test_random_chains_of_events_never_lose_a_ticket(seed, steps):
    rng = random.Random(seed)
    text = generate_scenario(3, 12, days=2, seed=seed)
    problem = load_scenario_text(text, "chain.yaml")
    plan = solve_scenario(problem, time_limit=0.5, workers=1, seed=seed)
    now = problem.instant(0).astimezone(dt.UTC)
    added: set[str] = set()
    for serial in range(steps):
        now += dt.timedelta(minutes=rng.randrange(20, 300))
        if now >= problem.instant(problem.horizon_end):
            break
        events, new_ids = _random_event(rng, problem, plan, now, serial)
        try:
            result = reschedule(problem, plan, now, events, SolveOptions(time_limit=0.4, workers=1))
        except InputError as error:  # an overrun ending outside the horizon, say
            assert "horizon" in str(error)
            continue
        added |= new_ids
        placed_once(problem, result.plan, added)
        checked(problem, result.plan, plan)
        plan = result.plan


def test_python_api_reschedules_and_prices_from_plain_data(day):
    """What a PSA webhook would do: plain dicts in, pydantic plans out."""
    from dispatcher.api import impact_of, reschedule_plan

    problem, old = day
    call = {
        "id": "T-88",
        "client": "corner-shop",
        "priority": "P1",
        "opened": "2026-11-30T10:00",
        "onsite": True,
        "effort": {"p50": "1h", "p90": "2h"},
    }
    result = reschedule_plan(
        problem,
        old,
        "2026-11-30T10:00",
        add=[call],
        unavailable=["bob@2026-11-30T15:00/"],
        time_limit=1,
        workers=1,
    )
    checked(problem, result.plan, old)
    assert Plan.model_validate_json(result.plan.model_dump_json()) == result.plan
    priced = impact_of(problem, old, "2026-11-30T10:00", [call], time_limit=1, workers=1)
    assert priced.as_json()["engineer"] in {"alice", "bob"}
    with pytest.raises(InputError, match="priority"):
        reschedule_plan(problem, old, "2026-11-30T10:00", add=[{"id": "X", "client": "northwind"}])


def test_an_absence_reaching_outside_the_horizon_is_clipped(day):
    """'Off since yesterday until noon': the part before the horizon is simply not there."""
    problem, old = day
    now = at("2026-11-30T08:00")
    gone = Unavailable("bob", at("2026-11-29T10:00"), at("2026-11-30T12:00"))
    result = reschedule(problem, old, now, Events(unavailable=[gone]), FAST)
    checked(problem, result.plan, old)
    (event,) = result.plan.reschedule["events"]
    assert (event["from"], event["to"]) == (now.isoformat(), at("2026-11-30T12:00").isoformat())
    assert all(not (a.engineer == "bob" and a.start < gone.end) for a in result.plan.assignments)


def test_an_overrun_survives_a_later_reschedule_of_an_engineer_with_an_absence(day):
    """Round one: a running job overruns and its engineer will be away later that day.
    Round two, no events: the job is still running and keeps the end the overrun gave it."""
    problem, old = day
    first_now = at("2026-11-30T09:00")
    running = job_running_at(old, first_now)
    until = running.end + dt.timedelta(minutes=40)
    away = Unavailable(running.engineer, at("2026-11-30T15:00"), at("2026-11-30T16:00"))
    events = Events(overrun=[Overrun(running.ticket, until)], unavailable=[away])
    first = reschedule(problem, old, first_now, events, FAST).plan
    checked(problem, first, old)
    job = next(a for a in first.assignments if a.ticket == running.ticket)
    assert job.end == until
    second = reschedule(problem, first, until - dt.timedelta(minutes=10), Events(), FAST).plan
    checked(problem, second, first)
    again = next(a for a in second.assignments if a.ticket == running.ticket)
    assert (again.engineer, again.start, again.end) == (job.engineer, job.start, until)


def test_events_that_contradict_each_other_are_refused_naming_both(day):
    """One running job: overrun twice, overrun and done, or "overrun" to before its planned
    end are each refused with both events (or the planned end) in the message."""
    problem, old = day
    now = at("2026-11-30T09:00")
    running = job_running_at(old, now)
    later, latest = running.end + dt.timedelta(minutes=30), running.end + dt.timedelta(hours=1)
    twice = Events(overrun=[Overrun(running.ticket, later), Overrun(running.ticket, latest)])
    with pytest.raises(InputError, match="two overruns") as caught:
        reschedule(problem, old, now, twice, FAST)
    assert later.isoformat() in str(caught.value) and latest.isoformat() in str(caught.value)
    both = Events(done=[running.ticket], overrun=[Overrun(running.ticket, later)])
    with pytest.raises(InputError, match=f"--done {running.ticket} and --overrun"):
        reschedule(problem, old, now, both, FAST)
    early = running.end - dt.timedelta(minutes=10)
    assert early > now
    with pytest.raises(InputError, match="before its planned end") as caught:
        reschedule(problem, old, now, Events(overrun=[Overrun(running.ticket, early)]), FAST)
    assert running.end.isoformat() in str(caught.value)


def test_a_base_plan_listing_a_ticket_twice_is_named(day):
    """A base plan whose ticket is both assigned and unassigned is refused, naming it."""
    problem, old = day
    first = old.assignments[0]
    doubled = old.model_copy(
        update={
            "unassigned": [
                *old.unassigned,
                Unassigned(ticket=first.ticket, reason="deferred", detail="copied"),
            ]
        }
    )
    with pytest.raises(InputError, match=f"listed more than once: {first.ticket}"):
        reschedule(problem, doubled, at("2026-11-30T09:00"), Events(), FAST)


CUT_SHORT = """
engineers:
  - {id: alice, home: alice-home,
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00},
              {start: 2026-12-01T08:00, end: 2026-12-01T17:00}]}
  - {id: bob, home: bob-home,
     shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00},
              {start: 2026-12-01T08:00, end: 2026-12-01T17:00}]}
tickets:
  - {id: T-1, client: northwind, priority: P2, opened: 2026-11-30T07:00, effort: 5h}
  - {id: T-2, client: northwind, priority: P3, opened: 2026-11-30T07:00, effort: 530m,
     assigned_to: bob, fixed_start: 2026-11-30T08:00}
"""


def test_a_cut_jobs_short_remainder_does_not_pause_overnight():
    """SPEC "Work" with the cut job's reduced p50: 15 minutes of a 5-hour job are left
    when alice goes home; bob has 10 minutes left on Monday, so the rest waits for Tuesday
    morning instead of running 10 minutes tonight and 5 tomorrow."""
    problem = tiny(CUT_SHORT)
    old = solve_scenario(problem, time_limit=1.0, workers=1, seed=0)
    first = next(a for a in old.assignments if a.ticket == "T-1")
    assert (first.engineer, first.start) == ("alice", at("2026-11-30T08:00"))
    now = at("2026-11-30T12:45")
    result = reschedule(problem, old, now, Events(unavailable=[Unavailable("alice")]), FAST)
    checked(problem, result.plan, old)
    rest = next(a for a in result.plan.assignments if a.ticket == "T-1")
    assert (rest.engineer, rest.start, rest.end) == (
        "bob",
        at("2026-12-01T08:00"),
        at("2026-12-01T08:15"),
    )


def test_impact_names_the_tickets_taking_a_job_leaves_unassigned() -> None:
    """One engineer, one morning: a 4 h managed P4 fills it; a 4 h break-fix P1 taken at
    08:00 can only go there, so the P4 is left for later, and impact says so."""
    problem = tiny(
        """
engineers:
  - {id: alice, home: alice-home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T12:00}]}
tickets:
  - {id: SLOW, client: northwind, priority: P3, opened: 2026-11-30T07:00, effort: 4h}
""",
        end="2026-11-30T12:00",
    )
    old = solve_scenario(problem, time_limit=1, workers=1, seed=0)
    assert [a.ticket for a in old.assignments] == ["SLOW"]
    job = Ticket.model_validate(
        {
            "id": "FIRE",
            "client": "corner-shop",
            "priority": "P1",
            "opened": "2026-11-30T08:00",
            "effort": "4h",
        }
    )
    result = impact(problem, old, at("2026-11-30T08:00"), AddedTickets([job]), FAST)
    assert result.engineer == "alice"
    assert result.dropped() == ["SLOW"]
    assert result.as_json()["left_unassigned"] == ["SLOW"]
    from io import StringIO

    from rich.console import Console

    from dispatcher.views.report_changes import print_impact

    out = StringIO()
    print_impact(Console(file=out, width=120), result)
    assert "taking it leaves unassigned: SLOW (managed P3)" in out.getvalue()


def test_an_emergency_is_never_handled_worse_than_by_hand(day):
    """The manual reaction (the emergency next on the engineer who can start it soonest,
    their later jobs pushed right, nothing else changed) is a candidate of every
    reschedule, so the result costs no more than it."""
    from dispatcher.solver.reschedule.repair import _pushed_right, kept_jobs, manual_reaction
    from dispatcher.solver.reschedule.situation import situation_at

    problem, old = day
    emergency = Ticket.model_validate(
        {
            "id": "T-98",
            "client": "northwind",
            "priority": "P1",
            "opened": "2026-11-30T09:30",
            "effort": "2h",
        }
    )
    events = Events(add=[AddedTickets([emergency])])
    now = at("2026-11-30T09:30")
    sit = situation_at(problem, old, now, events, "plan")[0]
    by_hand = manual_reaction(sit)
    assert by_hand is not None and not sit.broken(by_hand)
    index = sit.problem.ticket_index["T-98"]
    (mine,) = [job for job in by_hand if job.ticket == index]
    # Next on the engineer who can start it soonest: nobody could have started it earlier.
    starts = [
        next(j.start for j in pushed if j.ticket == index)
        for engineer in sit.problem.eligible[index]
        if (pushed := _pushed_right(sit, kept_jobs(sit), index, engineer)) is not None
    ]
    assert mine.start == min(starts) >= sit.now
    # Nothing else changed: every other job is where the old plan had it, or pushed right
    # on the emergency's engineer.
    for job in by_hand:
        old_engineer, old_start = sit.previous.get(job.ticket, (job.engineer, job.start))
        if job.ticket != index:
            assert job.engineer == old_engineer
            assert job.start == old_start or (
                job.engineer == mine.engineer and job.start > old_start
            )
    result = reschedule(problem, old, now, events, FAST)
    checked(problem, result.plan, old)
    assert result.plan.objective.total <= sit.evaluate(by_hand).total + 1e-9
