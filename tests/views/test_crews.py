"""Crew jobs in the views (SPEC "Crews"): one job in every member's lane, day, calendar
and row, with the partners named. The plan is made by hand (tests/views/crew_plans.py):
RACK on alice (lead) and bob 09:50-11:50, bob's 20 minutes' travel his own.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from rich.console import Console

from dispatcher.cli import main
from dispatcher.io.planfile import write_plan
from dispatcher.semantics.problem import Problem
from dispatcher.views.board import CREW_MARK, render_board
from dispatcher.views.explain import explain
from dispatcher.views.export import CSV_COLUMNS, export, plan_csv
from dispatcher.views.planview import PlanView
from dispatcher.views.report import print_plan
from models import Plan
from tests.scenarios import scenario_text, tiny
from tests.views.crew_plans import BOB_TRAVEL, CREW_DAY, crew_plan, crew_problem
from tests.views.test_board import Elements


@pytest.fixture(scope="module")
def problem() -> Problem:
    return crew_problem()


@pytest.fixture(scope="module")
def plan(problem: Problem) -> Plan:
    return crew_plan(problem)


def _lanes(html: str) -> dict[str, str]:
    lanes = re.split(r'(?=<div class="lane")', html)[1:]
    found = {}
    for lane in lanes:
        engineer = re.search(r'data-engineer="([^"]+)"', lane)
        assert engineer is not None
        found[engineer.group(1)] = lane
    return found


def _rack_pieces(lane: str) -> list[dict[str, str]]:
    return [job for job in Elements(lane).with_class("job") if job["data-ticket"] == "RACK"]


# --- the model view -------------------------------------------------------------------------


def test_plan_view_puts_a_crew_job_in_every_members_day(problem: Problem, plan: Plan) -> None:
    view = PlanView(problem, plan)
    alice, bob, carol = (view.engineer(e) for e in ("alice", "bob", "carol"))
    assert [job.ticket.id for job in view.jobs_of(alice)] == ["RACK"]
    assert [job.ticket.id for job in view.jobs_of(bob)] == ["MAIL", "RACK"]
    assert [job.ticket.id for job in view.jobs_of(carol)] == ["DESK"]
    assert [job.ticket.id for job in view.jobs].count("RACK") == 1  # one job, counted once
    on_bob = view.jobs_of(bob)[1]
    assert (on_bob.engineer.id, on_bob.travel, on_bob.lead.id) == ("bob", BOB_TRAVEL, "alice")
    assert [seat.engineer.id for seat in on_bob.partners] == ["alice"]


# --- the board ------------------------------------------------------------------------------


def test_board_shows_the_crew_job_in_each_members_lane_as_one_job(
    problem: Problem, plan: Plan
) -> None:
    lanes = _lanes(render_board(problem, plan))
    on_alice, on_bob = _rack_pieces(lanes["alice"]), _rack_pieces(lanes["bob"])
    assert on_alice and on_bob and not _rack_pieces(lanes["carol"])
    for alice_piece, bob_piece in zip(on_alice, on_bob, strict=True):
        # The same job: same colour (tier class), place and period, marked as a crew's.
        same = ("class", "data-start", "data-end", "style", "data-crew", "data-lead")
        assert all(alice_piece[name] == bob_piece[name] for name in same)
        assert "crew" in alice_piece["class"].split()
        assert alice_piece["data-crew"] == "alice bob"
        assert alice_piece["data-lead"] == "alice"
        # The partner is named on hover, in each lane.
        assert "with bob (Bob Jones)" in alice_piece["title"]
        assert "with alice (Alice Smith, lead)" in bob_piece["title"]
        assert "joint shift time" in bob_piece["title"]
    # The link mark, in both lanes; each lane's travel bar is its member's own.
    assert lanes["alice"].count(f'<b class="link">{CREW_MARK}+1</b>') == len(on_alice)
    assert lanes["bob"].count(f'<b class="link">{CREW_MARK}+1</b>') == len(on_bob)
    assert f"{BOB_TRAVEL} min travel to RACK" in lanes["bob"]
    assert "19 min travel to RACK" in lanes["alice"]
    # Solo jobs carry no crew mark.
    for job in Elements(lanes["bob"]).with_class("job"):
        if job["data-ticket"] == "MAIL":
            assert "crew" not in job["class"].split() and "data-crew" not in job


def test_board_for_a_member_shows_the_crew_job(problem: Problem, plan: Plan) -> None:
    html = render_board(problem, plan, "bob")
    assert list(_lanes(html)) == ["bob"]
    assert _rack_pieces(html) and "with alice (Alice Smith, lead)" in html


def test_board_of_a_solo_plan_has_no_crew_mark(problem: Problem, plan: Plan) -> None:
    solo = plan.model_copy(
        update={"assignments": [a.model_copy(update={"crew": None}) for a in plan.assignments]}
    )
    html = render_board(problem, solo)
    assert 'class="link"' not in html and "data-crew" not in html
    assert not _rack_pieces(_lanes(html)["bob"])


# --- show --engineer ------------------------------------------------------------------------


def _show(problem: Problem, plan: Plan, engineer: str | None) -> str:
    console = Console(width=200, record=True, force_terminal=False)
    print_plan(console, problem, plan, engineer)
    return console.export_text()


def test_show_engineer_lists_the_crew_jobs_they_are_on(problem: Problem, plan: Plan) -> None:
    bob = _show(problem, plan, "bob")
    assert "RACK P1 +1" in bob and "MAIL P3" in bob
    assert "crew of 2, with alice (Alice Smith, lead)" in bob
    assert f"({BOB_TRAVEL} min travel)" in bob
    alice = _show(problem, plan, "alice")
    assert "RACK P1 +1" in alice and "crew of 2, with bob (Bob Jones)" in alice
    carol = _show(problem, plan, "carol")
    assert "RACK" not in carol and "crew" not in carol


def test_show_summary_marks_the_crew_job_on_both_days(problem: Problem, plan: Plan) -> None:
    text = _show(problem, plan, None)
    assert text.count("RACK*+1") == 2  # in alice's and bob's timelines
    assert "+n crew job with n more engineers" in text


def test_show_engineer_on_the_command_line(problem: Problem, plan: Plan, tmp_path: Path) -> None:
    scenario, plan_file = _files(plan, tmp_path)
    result = CliRunner().invoke(main, ["show", str(scenario), str(plan_file), "--engineer", "bob"])
    assert result.exit_code == 0, result.output
    assert "RACK" in result.output and "alice (Alice Smith, lead)" in result.output


def _files(plan: Plan, folder: Path) -> tuple[Path, Path]:
    scenario = folder / "tiny.yaml"
    scenario.write_text(scenario_text(CREW_DAY), encoding="utf-8")
    plan_file = folder / "plan.json"
    write_plan(plan, plan_file)
    return scenario, plan_file


# --- CSV ------------------------------------------------------------------------------------


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_one_row_per_job_with_its_crew(problem: Problem, plan: Plan) -> None:
    rows = _rows(plan_csv(PlanView(problem, plan)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert CSV_COLUMNS[:13] == (
        "ticket", "client", "tier", "priority", "engineer", "start", "end", "travel_minutes",
        "response_due", "resolution_due", "response_risk", "resolution_risk", "summary",
    )  # fmt: skip
    assert [row["ticket"] for row in rows] == [a.ticket for a in plan.assignments]
    rack = next(row for row in rows if row["ticket"] == "RACK")
    assert (rack["engineer"], rack["travel_minutes"]) == ("alice", "19")
    assert (rack["crew"], rack["crew_travel_minutes"]) == ("bob", str(BOB_TRAVEL))
    solo = [row for row in rows if row["ticket"] != "RACK"]
    assert all(row["crew"] == "" and row["crew_travel_minutes"] == "" for row in solo)


def test_csv_for_a_member_keeps_the_crew_job(problem: Problem, plan: Plan) -> None:
    view = PlanView(problem, plan)
    bob = _rows(plan_csv(view, view.engineer("bob")))
    assert [row["ticket"] for row in bob] == ["RACK", "MAIL"]
    carol = _rows(plan_csv(view, view.engineer("carol")))
    assert [row["ticket"] for row in carol] == ["DESK"]


def test_csv_crew_cell_is_spreadsheet_safe(problem: Problem, plan: Plan) -> None:
    """A member id that a spreadsheet would run as a formula is written as text."""
    scenario = CREW_DAY.replace("id: bob,", "id: '=bob',")
    hostile = tiny(scenario)
    hostile_plan = crew_plan_for(hostile, plan, "=bob")
    rows = _rows(plan_csv(PlanView(hostile, hostile_plan)))
    rack = next(row for row in rows if row["ticket"] == "RACK")
    assert rack["crew"] == "'=bob"
    mail = next(row for row in rows if row["ticket"] == "MAIL")
    assert mail["engineer"] == "'=bob"


def crew_plan_for(problem: Problem, plan: Plan, bob: str) -> Plan:
    """The hand-made plan with bob renamed (his id in the scenario is ``bob``)."""
    assignments = []
    for a in plan.assignments:
        update: dict[str, object] = {}
        if a.engineer == "bob":
            update["engineer"] = bob
        if a.crew:
            update["crew"] = [m.model_copy(update={"engineer": bob}) for m in a.crew]
        assignments.append(a.model_copy(update=update))
    scenario = plan.scenario.model_copy(update={"sha256": problem.sha256})
    return plan.model_copy(update={"assignments": assignments, "scenario": scenario})


# --- iCalendar ------------------------------------------------------------------------------


def _events(path: Path) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(event["UID"]).split("-")[1].split("@")[0]: event for event in calendar.events}


def test_ics_has_the_crew_job_in_each_members_calendar(
    problem: Problem, plan: Plan, tmp_path: Path
) -> None:
    written = export(problem, plan, "ics", tmp_path / "calendars")
    assert sorted(path.name for path in written) == ["alice.ics", "bob.ics", "carol.ics"]
    alice, bob, carol = (
        _events(tmp_path / "calendars" / f"{e}.ics") for e in ("alice", "bob", "carol")
    )
    assert set(alice) == {"RACK"} and set(bob) == {"MAIL", "RACK"} and set(carol) == {"DESK"}
    for event, partner in (
        (alice["RACK"], "bob (Bob Jones)"),
        (bob["RACK"], "alice (Alice Smith, lead)"),
    ):
        assert event.decoded("dtstart") == alice["RACK"].decoded("dtstart")
        assert event.decoded("dtend") == alice["RACK"].decoded("dtend")
        assert f"crew of 2, with {partner}" in str(event["DESCRIPTION"])
    assert str(alice["RACK"]["SUMMARY"]).endswith("(with bob)")
    assert str(bob["RACK"]["SUMMARY"]).endswith("(with alice)")
    assert f"travel {BOB_TRAVEL} min before the start" in str(bob["RACK"]["DESCRIPTION"])
    assert "crew" not in str(bob["MAIL"]["DESCRIPTION"]) and "with" not in str(
        bob["MAIL"]["SUMMARY"]
    )


def test_ics_for_one_member(problem: Problem, plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "bob.ics"
    assert export(problem, plan, "ics", path, "bob") == [path]
    assert "with alice (Alice Smith" in str(_events(path)["RACK"]["DESCRIPTION"])


def test_export_command_writes_a_calendar_per_member(
    problem: Problem, plan: Plan, tmp_path: Path
) -> None:
    scenario, plan_file = _files(plan, tmp_path)
    out = tmp_path / "cals"
    args = ["export", str(scenario), str(plan_file), "--format", "ics", "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "RACK" in _events(out / "bob.ics") and "RACK" in _events(out / "alice.ics")
    csv_out = tmp_path / "plan.csv"
    args = ["export", str(scenario), str(plan_file), "--format", "csv", "-o", str(csv_out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert next(r for r in _rows(csv_out.read_text()) if r["ticket"] == "RACK")["crew"] == "bob"
    html_out = tmp_path / "board.html"
    args = ["export", str(scenario), str(plan_file), "--format", "html", "-o", str(html_out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert len(_rack_pieces(_lanes(html_out.read_text())["bob"])) == 1


# --- explain --------------------------------------------------------------------------------


def test_explain_a_crew_job_names_the_partners_and_the_joint_time(
    problem: Problem, plan: Plan
) -> None:
    explanation = explain(problem, plan, "RACK")
    assert "crew of 2: alice (Alice Smith) leads it" in explanation.placement
    assert "with bob (Bob Jones, 20 min travel)" in explanation.placement
    assert "joint shift time" in explanation.placement
    # Their joint time runs 09:00-16:00 (bob's shift): 6 h 10 min from 09:50, not alice's 7 h 10.
    assert "has 6 h 10 min of joint shift time" in explanation.risk
    assert explanation.engineers["alice"] == "chosen: leads the crew, with bob (Bob Jones)"
    assert explanation.engineers["bob"] == "chosen: on the crew, with alice (Alice Smith, lead)"
    assert explanation.engineers["carol"].startswith("lacks networking>=1")


def test_explain_a_solo_job_of_a_crew_member_is_unchanged_in_form(
    problem: Problem, plan: Plan
) -> None:
    explanation = explain(problem, plan, "MAIL")
    assert explanation.placement == "assigned to bob (Bob Jones), Mon 09:00-09:30"
    assert explanation.engineers["bob"] == "chosen"


def test_explain_on_the_command_line(problem: Problem, plan: Plan, tmp_path: Path) -> None:
    scenario, plan_file = _files(plan, tmp_path)
    result = CliRunner().invoke(main, ["explain", str(scenario), str(plan_file), "RACK"])
    assert result.exit_code == 0, result.output
    assert "with bob (Bob Jones" in result.output and "joint shift time" in result.output
