"""Exports of a plan: CSV rows, iCalendar files per engineer, the JSON plan, and the
``export`` command. Each export must say exactly what the plan file says.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner, Result

from dispatcher.api import solve_scenario
from dispatcher.cli import DispatchGroup
from dispatcher.cli.views import export as export_command
from dispatcher.errors import InputError
from dispatcher.io.loader import load_scenario
from dispatcher.io.planfile import plan_json, read_plan, write_plan
from dispatcher.semantics.problem import Problem
from dispatcher.views.export import CSV_COLUMNS, export
from models import Plan
from tests.scenarios import SCENARIOS, members

NORTHSIDE = SCENARIOS / "northside.yaml"


@pytest.fixture(scope="module")
def problem() -> Problem:
    return load_scenario(NORTHSIDE)


@pytest.fixture(scope="module")
def plan(problem: Problem) -> Plan:
    return solve_scenario(problem, time_limit=2, seed=0, workers=1)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def read_calendar(path: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


# --- csv -------------------------------------------------------------------------------


def test_csv_has_one_row_per_assignment_with_the_plans_values(
    problem: Problem, plan: Plan, tmp_path: Path
) -> None:
    path = tmp_path / "plan.csv"
    assert export(problem, plan, "csv", path) == [path]
    rows = [row for row in read_csv(path) if row["status"] == "assigned"]
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(plan.assignments)
    for row, assignment in zip(rows, plan.assignments, strict=True):
        ticket = problem.tickets[problem.ticket_index[assignment.ticket]]
        assert row["ticket"] == assignment.ticket
        assert (row["client"], row["tier"], row["priority"]) == (
            ticket.client,
            ticket.tier,
            ticket.priority,
        )
        assert row["engineer"] == assignment.engineer
        assert dt.datetime.fromisoformat(row["start"]) == assignment.start
        assert dt.datetime.fromisoformat(row["end"]) == assignment.end
        assert row["start"] == assignment.start.isoformat()  # with the offset, as in the plan
        assert int(row["travel_minutes"]) == assignment.travel_minutes
        assert dt.datetime.fromisoformat(row["response_due"]) == assignment.response_due
        assert dt.datetime.fromisoformat(row["resolution_due"]) == assignment.resolution_due
        assert float(row["response_risk"]) == assignment.response_risk  # exact, not rounded
        assert float(row["resolution_risk"]) == assignment.resolution_risk


def test_csv_for_one_engineer(problem: Problem, plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "dan.csv"
    export(problem, plan, "csv", path, engineer="dan")
    rows = [row for row in read_csv(path) if row["status"] == "assigned"]
    assert [r["ticket"] for r in rows] == [
        a.ticket for a in plan.assignments if a.engineer == "dan"
    ]


def test_csv_quotes_text_with_commas(problem: Problem, plan: Plan, tmp_path: Path) -> None:
    """T-1001's summary has a comma: a spreadsheet must still see one cell."""
    path = tmp_path / "plan.csv"
    export(problem, plan, "csv", path)
    row = next(r for r in read_csv(path) if r["ticket"] == "T-1001")
    assert row["summary"] == "Firewall down at HQ - no internet, card machines offline"


# --- ics -------------------------------------------------------------------------------


def test_ics_one_calendar_per_engineer_with_one_event_per_job(
    problem: Problem, plan: Plan, tmp_path: Path
) -> None:
    folder = tmp_path / "calendars"
    written = export(problem, plan, "ics", folder)
    with_jobs = {e for a in plan.assignments for e in members(a)}
    assert {path.name for path in written} == {f"{e}.ics" for e in with_jobs}
    for engineer in with_jobs:
        calendar = read_calendar(folder / f"{engineer}.ics")
        events = calendar.walk("VEVENT")
        jobs = [a for a in plan.assignments if engineer in members(a)]  # crews: every member
        assert len(events) == len(jobs)
        by_uid = {str(event["UID"]): event for event in events}
        assert len(by_uid) == len(events)
        for assignment in jobs:
            event = next(e for uid, e in by_uid.items() if f"-{assignment.ticket}@" in uid)
            start, end = event.decoded("DTSTART"), event.decoded("DTEND")
            assert (start, end) == (assignment.start, assignment.end)
            assert event["DTSTART"].params["TZID"] == "Europe/London"
            assert str(event["SUMMARY"]).startswith(assignment.ticket)
        assert [tz.tz_name for tz in calendar.timezones] == ["Europe/London"]


def test_ics_location_and_geo_for_on_site_work(
    problem: Problem, plan: Plan, tmp_path: Path
) -> None:
    """T-1001 is on site at Harbour Dental (51.5246, -0.1050); T-1004 is remote."""
    folder = tmp_path / "calendars"
    export(problem, plan, "ics", folder)
    events = {
        str(event["SUMMARY"]).split()[0]: event
        for path in folder.glob("*.ics")
        for event in read_calendar(path).walk("VEVENT")
    }
    onsite = events["T-1001"]
    assert "14 St John St" in str(onsite["LOCATION"])
    assert (onsite["GEO"].latitude, onsite["GEO"].longitude) == (51.5246, -0.105)
    assert "resolution due" in str(onsite["DESCRIPTION"])
    assert str(events["T-1004"]["LOCATION"]) == "remote"
    assert "GEO" not in events["T-1004"]


def test_ics_uids_are_stable_across_exports(problem: Problem, plan: Plan, tmp_path: Path) -> None:
    """Importing a second export updates the same calendar entries, not duplicates them."""
    first = export(problem, plan, "ics", tmp_path / "a.ics", engineer="alice")[0]
    second = export(problem, plan, "ics", tmp_path / "b.ics", engineer="alice")[0]
    uids = [[str(e["UID"]) for e in read_calendar(path).walk("VEVENT")] for path in (first, second)]
    assert uids[0] == uids[1]
    assert all(uid.startswith(plan.scenario.sha256[:16]) for uid in uids[0])


def test_ics_for_one_engineer_is_one_file(problem: Problem, plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "tom.ics"
    assert export(problem, plan, "ics", path, engineer="tom") == [path]
    events = read_calendar(path).walk("VEVENT")
    assert len(events) == sum(a.engineer == "tom" for a in plan.assignments)
    assert path.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


# --- json and errors -------------------------------------------------------------------


def test_json_is_the_plan_file(problem: Problem, plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "copy.json"
    export(problem, plan, "json", path)
    assert path.read_text(encoding="utf-8") == plan_json(plan)
    assert read_plan(path) == plan


def test_json_for_one_engineer_is_refused(problem: Problem, plan: Plan, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="whole plan"):
        export(problem, plan, "json", tmp_path / "x.json", engineer="tom")


def test_export_leaves_no_temporary_files(problem: Problem, plan: Plan, tmp_path: Path) -> None:
    for fmt in ("csv", "json", "html"):
        export(problem, plan, fmt, tmp_path / f"plan.{fmt}")  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.csv", "plan.html", "plan.json"]


def test_export_into_a_missing_folder_is_an_input_error(
    problem: Problem, plan: Plan, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="cannot write here"):
        export(problem, plan, "csv", tmp_path / "missing" / "plan.csv")


# --- the command -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan_file(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "plan.json"
    write_plan(plan, path)
    return path


def run(*args: object) -> Result:
    group = DispatchGroup(commands=[export_command])
    return CliRunner().invoke(group, [str(arg) for arg in args])


def test_export_command_writes_and_names_the_files(plan_file: Path, tmp_path: Path) -> None:
    result = run("export", NORTHSIDE, plan_file, "--format", "ics", "-o", tmp_path / "cal")
    assert result.exit_code == 0, result.output
    written = sorted(line.removeprefix("wrote ") for line in result.output.splitlines())
    assert written == sorted(str(path) for path in (tmp_path / "cal").glob("*.ics"))


def test_export_command_csv_for_one_engineer(plan_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "ruth.csv"
    result = run(
        "export", NORTHSIDE, plan_file, "--format", "csv", "-o", path, "--engineer", "ruth"
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows and {row["engineer"] for row in rows} == {"ruth"}


def test_export_command_unknown_engineer_exits_2(plan_file: Path, tmp_path: Path) -> None:
    result = run(
        "export", NORTHSIDE, plan_file, "--format", "csv", "-o", tmp_path / "x.csv",
        "--engineer", "zoe",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "unknown engineer 'zoe'" in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_csv_text_from_the_scenario_never_runs_as_a_spreadsheet_formula(tmp_path: Path) -> None:
    """Ids and summaries that start with = + - @ get a leading apostrophe (a spreadsheet
    shows them as text); times and numbers are written as they are."""
    from tests.scenarios import tiny

    problem = tiny(
        """
engineers:
  - {id: "@alice", home: alice-home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
tickets:
  - {id: "-T1", client: northwind, priority: P1, opened: 2026-11-30T08:00, effort: 1h,
     summary: '=HYPERLINK("http://example.invalid","open")'}
  - {id: T-2, client: northwind, priority: P2, opened: 2026-11-30T08:00, effort: 1h,
     summary: "+cmd"}
"""
    )
    plan = solve_scenario(problem, time_limit=1, seed=0, workers=1)
    path = tmp_path / "plan.csv"
    export(problem, plan, "csv", path)
    rows = {row["ticket"]: row for row in read_csv(path)}
    assert set(rows) == {"'-T1", "T-2"}
    assert rows["'-T1"]["summary"] == '\'=HYPERLINK("http://example.invalid","open")'
    assert rows["T-2"]["summary"] == "'+cmd"
    assert {row["engineer"] for row in rows.values()} == {"'@alice"}
    assert all(row["start"][0].isdigit() for row in rows.values())
