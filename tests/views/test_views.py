"""What the dispatcher sees in the terminal: the live solve display, the summary,
one engineer's day, the explanations, the scenario schema, and their commands.

One real solve of the bundled Northside day (2 s, 1 worker) is shared by the
module; explanations whose wording depends on an exact schedule use tiny plans
built by hand, so that the expected reason can be worked out on paper.
"""

from __future__ import annotations

import io
import json
import logging
import re
import time
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from dispatcher.api import solve_scenario
from dispatcher.cli import DispatchGroup
from dispatcher.cli.views import explain as explain_command
from dispatcher.cli.views import export as export_command
from dispatcher.cli.views import schema as schema_command
from dispatcher.cli.views import show as show_command
from dispatcher.errors import InputError
from dispatcher.io.loader import load_scenario
from dispatcher.io.planfile import write_plan
from dispatcher.io.schema import scenario_schema
from dispatcher.semantics.evaluate import Job, evaluate
from dispatcher.semantics.problem import Problem
from dispatcher.solver.assemble import build_plan
from dispatcher.views.explain import explain
from dispatcher.views.planview import AT_RISK, PlanView
from dispatcher.views.progress import SolveProgress
from dispatcher.views.report import print_plan, print_summary
from models import Completed, Plan, Unassigned
from tests.scenarios import SCENARIOS, members, tiny

NORTHSIDE = SCENARIOS / "northside.yaml"


@pytest.fixture(scope="module")
def problem() -> Problem:
    return load_scenario(NORTHSIDE)


@pytest.fixture(scope="module")
def plan(problem: Problem) -> Plan:
    return solve_scenario(problem, time_limit=2, seed=0, workers=1)


@pytest.fixture(scope="module")
def plan_file(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("views") / "plan.json"
    write_plan(plan, path)
    return path


def wide_console() -> tuple[Console, io.StringIO]:
    """A console wide enough that no table row wraps, recording plain text."""
    stream = io.StringIO()
    return Console(file=stream, width=250, highlight=False, color_system=None), stream


def section(text: str, title: str, end: str) -> str:
    """The printed text between a section's title and the next section."""
    start = text.index(title)
    return text[start : text.index(end, start)]


# --- live progress ---------------------------------------------------------------------


def test_progress_shows_nothing_when_not_a_terminal() -> None:
    """Pipes, logs and CI get no live display at all."""
    stream = io.StringIO()
    with SolveProgress(Console(file=stream), time_limit=5) as progress:
        progress.update(0.4, 61.9271, 58.7174)
    assert stream.getvalue() == ""


def test_progress_on_a_terminal_shows_best_bound_and_gap() -> None:
    """best 61.9271, bound 58.7174: gap (61.9271 - 58.7174) / 61.9271 = 5.2%."""
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=120)
    with SolveProgress(console, time_limit=5) as progress:
        progress.update(0.4, 61.9271, 58.7174)
    shown = stream.getvalue()
    assert "61.9271" in shown
    assert "58.7174" in shown
    assert "5.2%" in shown


def test_progress_without_a_bound_shows_no_gap() -> None:
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=120)
    with SolveProgress(console, time_limit=5) as progress:
        progress.update(1.0, 12.5, None)
    shown = stream.getvalue()
    assert "12.5000" in shown
    assert "gap" not in shown


def test_progress_clock_counts_from_the_command_start() -> None:
    """The clock counts from the instant the limit and the reports count from (the
    command's start, before imports and loading), not from when the display began:
    never '0:00:00 of 3s' beside 'best ... (1.4s)'."""
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=120, color_system=None)
    with SolveProgress(console, time_limit=300, started=time.monotonic() - 125) as progress:
        progress.update(124.0, 12.5, None)
    shown = stream.getvalue()
    assert "0:02:05 of 300s" in shown
    assert "0:00:00" not in shown


# --- the summary -----------------------------------------------------------------------


def test_summary_lists_tiers_engineers_and_the_unassigned(problem: Problem, plan: Plan) -> None:
    console, stream = wide_console()
    print_summary(console, problem, plan)
    text = stream.getvalue()
    for tier, kpi in plan.kpis.by_tier.items():
        assert re.search(
            rf"{tier}\s*│\s*{kpi.tickets}\s*│\s*{kpi.assigned}\s*│\s*{kpi.expected_breaches:.2f}",
            text,
        )
    unassigned = section(text, "unassigned", "the day")
    assert "T-1008" in unassigned and "no_eligible_engineer" in unassigned
    assert f"travel: {plan.kpis.travel_minutes} min" in text


def test_summary_at_risk_section_holds_exactly_the_risky_tickets(
    problem: Problem, plan: Plan
) -> None:
    """Risk above 0.2 on either list; T-1008 (unassigned, due Monday) always is."""
    console, stream = wide_console()
    print_summary(console, problem, plan)
    risky = section(stream.getvalue(), "at risk", "travel:")
    expected = {
        a.ticket for a in plan.assignments if a.response_risk + a.resolution_risk > AT_RISK
    } | {"T-1008"}
    shown = set(re.findall(r"│ (T-\d+)", risky))
    assert shown == expected


def test_utilisation_of_a_remote_engineer_is_work_over_shift_time(
    problem: Problem, plan: Plan
) -> None:
    """Priya works remotely (no travel): busy = the p50 of her tickets; shifts 4 x 4 h."""
    view = PlanView(problem, plan)
    priya = view.engineer("priya")
    work = sum(
        problem.tickets[problem.ticket_index[a.ticket]].p50
        for a in plan.assignments
        if a.engineer == "priya"
    )
    assert view.busy_minutes(priya) == work
    assert view.utilisation(priya) == pytest.approx(work / (16 * 60))


def test_timeline_lists_each_engineers_jobs_in_start_order(problem: Problem, plan: Plan) -> None:
    console, stream = wide_console()
    print_summary(console, problem, plan)
    timeline = stream.getvalue()[stream.getvalue().index("the day") :]
    for engineer in problem.engineers:
        rows = [line for line in timeline.splitlines() if line.startswith(f"│ {engineer.id} ")]
        shown = [ticket for row in rows for ticket in re.findall(r"T-\d+", row)]
        planned = sorted(
            (a for a in plan.assignments if engineer.id in members(a)), key=lambda a: a.start
        )
        assert shown == [a.ticket for a in planned]


def test_engineer_day_shows_their_jobs_only(problem: Problem, plan: Plan) -> None:
    console, stream = wide_console()
    print_plan(console, problem, plan, "dan")
    text = stream.getvalue()
    dans = {a.ticket for a in plan.assignments if "dan" in members(a)}
    assert set(re.findall(r"T-\d+", text)) == dans
    assert "Dan Hughes" in text


def test_unknown_engineer_is_an_input_error(problem: Problem, plan: Plan) -> None:
    console, _ = wide_console()
    with pytest.raises(InputError, match="unknown engineer 'zoe'"):
        print_plan(console, problem, plan, "zoe")


def test_text_from_the_scenario_is_printed_as_it_is() -> None:
    """Square brackets in a summary are the customer's words, not rich markup."""
    problem = tiny(
        """
engineers:
  - {id: alice, home: alice-home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
tickets:
  - {id: T-1, client: northwind, priority: P1, opened: 2026-11-30T08:00, effort: 1h,
     summary: "[bold]Printer[/] says [/oops] again"}
"""
    )
    plan = hand_plan(problem, [("T-1", "alice", 0, 60)])
    console, stream = wide_console()
    print_plan(console, problem, plan, "alice")
    assert "[bold]Printer[/] says [/oops] again" in stream.getvalue()


def rescheduled(problem: Problem, plan: Plan) -> Plan:
    """The plan as if alice's first job were done and a new ticket had come in at 12:00."""
    first = min((a for a in plan.assignments if a.engineer == "alice"), key=lambda a: a.start)
    added = {
        "id": "T-9001",
        "client": "riverside-vets",
        "summary": "New phone for the locum",
        "priority": "P4",
        "opened": "2026-11-30T11:30:00",
        "effort": "30m",
    }
    return plan.model_copy(
        update={
            "assignments": [a for a in plan.assignments if a.ticket != first.ticket],
            "completed": [
                Completed(ticket=first.ticket, engineer="alice", start=first.start, end=first.end)
            ],
            "unassigned": [
                *plan.unassigned,
                Unassigned(ticket="T-9001", reason="deferred", detail="came in at 11:30"),
            ],
            "reschedule": {
                "now": "2026-11-30T12:00:00+00:00",
                "base_plan_sha256": "0" * 64,
                "added_tickets": [added],
                "events": [{"type": "add", "tickets": ["T-9001"]}],
            },
        }
    )


def test_rescheduled_plan_marks_completed_work_and_knows_added_tickets(
    problem: Problem, plan: Plan
) -> None:
    replanned = rescheduled(problem, plan)
    done = replanned.completed[0].ticket
    console, stream = wide_console()
    print_plan(console, problem, replanned, "alice")
    assert re.search(rf"{done} P\d ✓.*done", stream.getvalue())
    console, stream = wide_console()
    print_summary(console, problem, replanned)
    text = stream.getvalue()
    assert "re-planned at Mon 12:00" in text
    assert f"{done}✓" in text or f"{done}*✓" in text
    assert "T-9001" in section(text, "unassigned", "the day")


# --- explanations ----------------------------------------------------------------------


def test_explain_unassigned_ticket_without_eligible_engineer(problem: Problem, plan: Plan) -> None:
    """T-1008 needs azure>=3; ruth has azure 2, nobody else has any."""
    explanation = explain(problem, plan, "T-1008")
    assert explanation.placement.startswith("unassigned (no_eligible_engineer)")
    assert explanation.engineers["ruth"] == "lacks azure>=3 (has 2)"
    assert explanation.engineers["alice"] == "lacks azure>=3 (has 0)"
    assert "resolution due Mon 15:30" in explanation.deadlines
    extra = " ".join(explanation.what_ifs)
    assert "one more engineer with azure>=3" in extra
    assert "fewer expected managed breaches" in extra


def test_explain_assigned_ticket_names_its_engineer_and_the_others(
    problem: Problem, plan: Plan
) -> None:
    """T-1001 is an on-site firewall job: Priya works remotely only, Sam lacks the skills."""
    assignment = next(a for a in plan.assignments if a.ticket == "T-1001")
    explanation = explain(problem, plan, "T-1001")
    local_start = assignment.start.astimezone(problem.tz)
    assert explanation.placement.startswith(f"assigned to {assignment.engineer}")
    assert f"{local_start:%a %H:%M}" in explanation.placement
    assert explanation.engineers[assignment.engineer].startswith("chosen")
    assert "works remotely only" in explanation.engineers["priya"]
    assert explanation.engineers["sam"].startswith("lacks firewall>=2 (has 0)")
    assert f"resolution {assignment.resolution_risk:.2f}" in explanation.risk


def test_explain_booked_ticket_belongs_to_its_engineer(problem: Problem, plan: Plan) -> None:
    explanation = explain(problem, plan, "T-1202")
    assert explanation.engineers["alice"] == "the ticket is assigned to tom"
    assert explanation.engineers["tom"].startswith("chosen")


def test_explain_unknown_ticket_is_an_input_error_naming_it(problem: Problem, plan: Plan) -> None:
    with pytest.raises(InputError, match="T-4242"):
        explain(problem, plan, "T-4242")


ONE_ENGINEER = """
engineers:
  - id: alice
    home: alice-home
    skills: [windows]
    shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]
tickets:
  - {id: T-1, client: northwind, priority: P1, opened: 2026-11-30T08:00, effort: 3h,
     skills: [windows]}
  - {id: T-2, client: northwind, priority: P2, opened: 2026-11-30T08:00, effort: 3h,
     skills: [windows]}
  - {id: T-3, client: northwind, priority: P3, opened: 2026-11-30T08:00, effort: 1h,
     skills: [windows], window: {start: 2026-12-01T09:00, end: 2026-12-01T10:00},
     responded: 2026-11-30T08:00}
"""


def hand_plan(problem: Problem, jobs: list[tuple[str, str, int, int]]) -> Plan:
    """A plan of exactly these jobs (ticket, engineer, start, end in minutes)."""
    schedule = [
        Job(problem.ticket_index[t], problem.engineer_index[e], start, end)
        for t, e, start, end in jobs
    ]
    return build_plan(
        problem,
        schedule,
        evaluate(problem, schedule),
        status="feasible",
        time_s=0.0,
        bound=None,
        seed=0,
    )


def test_explain_waiting_ticket_names_the_weightier_job_and_the_fixes() -> None:
    """Alice does T-1 (P1, weight 80) 08:00-11:00, then T-2 (P2, weight 40) 11:00-14:00.

    T-2's response was due 09:00 (1 h office time), so its response risk is 1;
    its resolution (due 16:00) is safe. A call back before 09:00, or a second
    engineer starting it at 08:00, each remove that 1 expected breach.
    """
    problem = tiny(ONE_ENGINEER)
    plan = hand_plan(problem, [("T-1", "alice", 0, 180), ("T-2", "alice", 180, 360)])
    explanation = explain(problem, plan, "T-2")
    assert explanation.risk.startswith("risk (at risk): response 1.00")
    assert explanation.engineers["alice"] == (
        "chosen; on an empty day it could start Mon 08:00, but until Mon 11:00: "
        "busy with weightier T-1 (weight 80, Mon 08:00-11:00)"
    )
    assert explanation.what_ifs == [
        "a first response (call the client back, mark it responded) before Mon 09:00 "
        "removes its response risk: 1.00 fewer expected managed breaches",
        "one more engineer with windows>=1 on Monday morning (shifts like alice's) could "
        "start it Mon 08:00: its risk falls from 1.00 to 0.00, 1.00 fewer expected managed "
        "breaches",
    ]


def test_explain_window_without_a_shift() -> None:
    """T-3 must start Tuesday 09:00-10:00; alice only works Monday."""
    problem = tiny(ONE_ENGINEER)
    plan = hand_plan(problem, [("T-1", "alice", 0, 180), ("T-2", "alice", 180, 360)])
    explanation = explain(problem, plan, "T-3")
    assert explanation.placement.startswith("unassigned (window_unreachable)")
    assert explanation.engineers["alice"] == (
        "eligible, but has no shift where it can start in its window Tue 09:00-Tue 10:00 "
        "and finish it"
    )


def test_explain_names_the_tier_cap_that_holds_a_ticket_back() -> None:
    """Only one break-fix job at a time: B-2 waits on alice while bob does B-1 (weight 8)."""
    problem = tiny(
        """
engineers:
  - {id: alice, home: alice-home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
  - {id: bob, home: bob-home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
tickets:
  - {id: B-1, client: corner-shop, priority: P1, opened: 2026-11-30T08:00, effort: 4h}
  - {id: B-2, client: corner-shop, priority: P2, opened: 2026-11-30T08:00, effort: 2h}
"""
    )
    plan = hand_plan(problem, [("B-1", "bob", 0, 240), ("B-2", "alice", 240, 360)])
    engineers = explain(problem, plan, "B-2").engineers
    assert engineers["alice"] == (
        "chosen; on an empty day it could start Mon 08:00, but until Mon 12:00: the break_fix "
        "cap (1 at a time) is taken by weightier B-1 (weight 8, bob, Mon 08:00-12:00)"
    )
    assert engineers["bob"] == (
        "eligible; free from Mon 12:00 (its risk there 0.00); on an empty day it could start "
        "Mon 08:00, but until Mon 12:00: busy with weightier B-1 (weight 8, Mon 08:00-12:00)"
    )


# --- schema ----------------------------------------------------------------------------


def test_schema_describes_tickets_and_the_forms_the_loader_accepts() -> None:
    schema = json.loads(json.dumps(scenario_schema()))
    assert "tickets" in schema["properties"]
    assert schema["$defs"]["Ticket"]["additionalProperties"] is False
    ticket = schema["$defs"]["Ticket"]["properties"]
    assert {"id", "client", "priority", "opened", "effort"} <= set(
        schema["$defs"]["Ticket"]["required"]
    )
    effort_as_duration = ticket["effort"]["anyOf"][1]["anyOf"][0]["pattern"]
    for text in ("20m", "1h30m", "PT1H30M", "2h"):
        assert re.match(effort_as_duration, text), text
    assert not re.match(effort_as_duration, "soon")
    assert any(form.get("type") == "array" for form in ticket["skills"]["anyOf"])
    assert re.match(ticket["opened"]["pattern"], "2026-11-30T07:40")
    assert re.match(ticket["opened"]["pattern"], "2026-11-30T07:40:00+00:00")


# --- the commands ----------------------------------------------------------------------


@click.group(cls=DispatchGroup)
def views() -> None:
    """The view commands on a group that turns input errors into exit 2, as ``dispatch``."""


for command in (show_command, explain_command, export_command, schema_command):
    views.add_command(command)


def run(*args: Any) -> Result:
    return CliRunner().invoke(views, [str(arg) for arg in args])


def test_show_command_prints_the_summary(plan_file: Path) -> None:
    result = run("show", NORTHSIDE, plan_file)
    assert result.exit_code == 0, result.output
    assert "Northside IT, Monday" in result.output
    assert "no_eligible_engineer" in result.output


def test_show_command_rejects_an_unknown_engineer(plan_file: Path) -> None:
    result = run("show", NORTHSIDE, plan_file, "--engineer", "zoe")
    assert result.exit_code == 2
    assert "unknown engineer 'zoe'" in result.stderr


def test_show_command_refuses_a_plan_of_another_scenario(
    plan_file: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "northside-travel.csv").write_bytes(
        (SCENARIOS / "northside-travel.csv").read_bytes()
    )
    # A comment changes the file, not the day: the plan is shown, with a note.
    commented = tmp_path / "commented.yaml"
    commented.write_text(NORTHSIDE.read_text() + "\n# edited\n")
    with caplog.at_level(logging.WARNING):
        kept = run("show", commented, plan_file)
    assert kept.exit_code == 0, kept.output
    assert "without changing its meaning" in caplog.text
    # Another day: refused, naming what changed.
    other = tmp_path / "other.yaml"
    other.write_text(NORTHSIDE.read_text().replace("effort: {p50: 1h, p90: 2h}", "effort: 3h", 1))
    result = run("show", other, plan_file)
    assert result.exit_code == 2
    assert "belongs to another scenario: tickets changed" in result.stderr
    assert "scenario.sha256" in result.stderr


def test_explain_command(plan_file: Path) -> None:
    result = run("explain", NORTHSIDE, plan_file, "T-1008")
    assert result.exit_code == 0, result.output
    assert "unassigned (no_eligible_engineer)" in result.output
    unknown = run("explain", NORTHSIDE, plan_file, "T-4242")
    assert unknown.exit_code == 2
    assert "T-4242" in unknown.stderr


def test_schema_command_prints_pretty_json() -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert result.output.startswith("{\n  ")
    assert "tickets" in json.loads(result.output)["properties"]
