"""A plan back to ConnectWise: one schedule entry per engineer on each assignment, booked
entries kept or moved, only what changed since a base plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.api import solve_scenario
from dispatcher.cli import main
from dispatcher.io.loader import load_scenario_text
from dispatcher.psa.writeback import changes, visits
from dispatcher.semantics.problem import Problem
from dispatcher.solver.solve import SolveOptions
from models import Plan
from models.plan import CrewMember
from tests.psa.support import example, run_import


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> tuple[Problem, Plan, dict[str, object]]:
    folder = example(tmp_path_factory.mktemp("cw"), "connectwise")
    imported = run_import(folder, "connectwise")
    problem = load_scenario_text(imported.text, "day.yaml", folder)
    plan = solve_scenario(problem, options=SolveOptions(time_limit=1, seed=0, workers=1))
    return problem, plan, imported.link


def test_every_assignment_once_per_engineer_in_utc(
    day: tuple[Problem, Plan, dict[str, object]],
) -> None:
    from dispatcher.psa.connectwise_write import requests

    problem, plan, link = day
    sent = requests(changes(problem, plan, link))
    created = [r for r in sent if r["method"] == "POST"]
    booked = {a.ticket for a in plan.assignments if a.ticket in link["bookings"]}  # type: ignore[operator]
    assert len(created) == len(plan.assignments) - len(booked)
    assert len({r["ticket"] for r in created}) == len(created)
    for request in created:
        assignment = next(a for a in plan.assignments if a.ticket == request["ticket"])
        body = request["body"]
        assert body["objectId"] == int(assignment.ticket)
        assert body["dateStart"] == assignment.start.astimezone(
            __import__("datetime").UTC
        ).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert body["type"] == {"identifier": "S"}


def test_a_booked_entry_moved_is_patched_and_one_given_away_is_deleted(
    day: tuple[Problem, Plan, dict[str, object]],
) -> None:
    from dispatcher.psa.connectwise_write import requests

    problem, plan, link = day
    booked = next(a for a in plan.assignments if a.ticket == "512009")
    moved = plan.model_copy(deep=True)
    job = next(a for a in moved.assignments if a.ticket == "512009")
    job.start = booked.start.replace(hour=booked.start.hour + 1)
    job.end = booked.end.replace(hour=booked.end.hour + 1)
    patch = [r for r in requests(changes(problem, moved, link)) if r["ticket"] == "512009"]
    assert [(r["method"], r["path"]) for r in patch] == [("PATCH", "/schedule/entries/9001")]
    job.engineer = "aokafor"
    swap = [r for r in requests(changes(problem, moved, link)) if r["ticket"] == "512009"]
    assert sorted(r["method"] for r in swap) == ["DELETE", "POST"]


def test_with_a_base_only_what_changed_is_sent(
    day: tuple[Problem, Plan, dict[str, object]],
) -> None:
    problem, plan, link = day
    assert changes(problem, plan, link, base=plan) == []
    later = plan.model_copy(deep=True)
    first = next(a for a in later.assignments if a.ticket != "512009")
    old_engineer = first.engineer
    first.engineer = next(e for e in ("pshah", "rclarke") if e != old_engineer)
    found = changes(problem, later, link, base=plan)
    assert sorted((c.action, c.engineer) for c in found) == sorted(
        [("create", first.engineer), ("delete", old_engineer)]
    )
    assert all(c.ticket == first.ticket for c in found)


def test_a_crew_job_is_one_visit_per_member(day: tuple[Problem, Plan, dict[str, object]]) -> None:
    problem, plan, _ = day
    crewed = plan.model_copy(deep=True)
    crewed.assignments[0].crew = [CrewMember(engineer="pshah", travel_minutes=0)]
    assert len(visits(problem, crewed)) == len(visits(problem, plan)) + 1


def test_the_commands_import_plan_and_export(tmp_path: Path) -> None:
    folder = example(tmp_path, "connectwise")
    runner = CliRunner()
    out = tmp_path / "day.yaml"
    args = ["import", "connectwise", str(folder), "--mapping", str(folder / "mapping.yaml")]
    result = runner.invoke(main, [*args, "--date", "2026-11-30", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "imported 5 engineers" in result.output and (tmp_path / "day.psa.json").is_file()
    plan = tmp_path / "plan.json"
    result = runner.invoke(
        main, ["plan", str(out), "-o", str(plan), "--time-limit", "1", "--workers", "1", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    requests = tmp_path / "requests.json"
    result = runner.invoke(
        main, ["export", str(out), str(plan), "--format", "connectwise", "-o", str(requests)]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(requests.read_text())
    assert document["format"] == "dispatch-psa-requests/1" and document["requests"]
    # A broken mapping: one clear message, exit 2, nothing written.
    (folder / "mapping.yaml").write_text("psa: connectwise\ntiers: [oops]\n")
    again = tmp_path / "again.yaml"
    result = runner.invoke(main, [*args, "--date", "2026-11-30", "-o", str(again)])
    assert result.exit_code == 2 and "mapping.yaml:2: tiers" in result.output
    assert not again.exists()
    result = runner.invoke(main, [*args, "--date", "30/11/2026", "-o", str(again)])
    assert result.exit_code == 2 and "--date" in result.output


class FakeConnectWise:
    """Schedule entries as ConnectWise keeps them, changed by the requests we write."""

    def __init__(self, entries: list[dict[str, object]]) -> None:
        self.entries = {int(str(e["id"])): e for e in entries}
        self.next_id = 20000

    def apply(self, request: dict[str, object]) -> None:
        method, path = request["method"], str(request["path"])
        if method == "POST":
            self.next_id += 1
            body = dict(request["body"])  # type: ignore[call-overload]
            self.entries[self.next_id] = {**body, "id": self.next_id, "doneFlag": False}
        elif method == "PATCH":
            entry = self.entries[int(path.rsplit("/", 1)[1])]
            for operation in request["body"]:  # type: ignore[attr-defined]
                assert operation["op"] == "replace"
                entry[operation["path"]] = operation["value"]
        elif "find" in request:
            wanted = str(request["find"]["conditions"])  # type: ignore[index]
            [key] = [k for k, e in self.entries.items() if f"objectId={e['objectId']} " in wanted]
            del self.entries[key]
        else:
            del self.entries[int(path.rsplit("/", 1)[1])]


def test_pushed_and_imported_again_the_psa_holds_the_plan_and_nothing_is_left_to_send(
    tmp_path: Path, day: tuple[Problem, Plan, dict[str, object]]
) -> None:
    from dispatcher.psa.connectwise_write import requests
    from dispatcher.psa.writeback import utc_text

    problem, plan, link = day
    folder = example(tmp_path, "connectwise")
    saved = json.loads((folder / "schedule-entries.json").read_text())
    psa = FakeConnectWise(saved)
    for request in requests(changes(problem, plan, link)):
        psa.apply(request)
    service = [e for e in psa.entries.values() if e["type"]["identifier"] == "S"]  # type: ignore[index]
    held = {
        (str(e["objectId"]), str(e["member"]["id"]), e["dateStart"], e["dateEnd"])  # type: ignore[index]
        for e in service
        if not e["doneFlag"]
    }
    ids = {eid: str(m["psa_id"]) for eid, m in link["engineers"].items()}  # type: ignore[attr-defined]
    wanted = {
        (v.ticket, ids[v.engineer], utc_text(v.start), utc_text(v.end))
        for v in visits(problem, plan)
    }
    assert wanted <= held  # every assignment booked once, at its times, in UTC
    assert len([k for k in held if k[0] in {v.ticket for v in visits(problem, plan)}]) == len(
        wanted
    )
    (folder / "schedule-entries.json").write_text(json.dumps(list(psa.entries.values())))
    again = run_import(folder, "connectwise")
    assert changes(problem, plan, again.link) == []


def test_imported_again_with_the_pushed_plan_its_visits_are_free_and_appointments_stay(
    tmp_path: Path,
) -> None:
    """Morning: import, plan, push. Midday: import with --plan: the plan's own bookings
    are planned work again, the customer's booked appointment (entry 9001) stays booked."""
    from dispatcher.psa.connectwise_write import requests

    folder = example(tmp_path, "connectwise")
    runner = CliRunner()
    morning, plan_file = tmp_path / "morning.yaml", tmp_path / "morning-plan.json"
    base = ["import", "connectwise", str(folder), "--mapping", str(folder / "mapping.yaml")]
    assert runner.invoke(main, [*base, "--date", "2026-11-30", "-o", str(morning)]).exit_code == 0
    args = ["plan", str(morning), "-o", str(plan_file), "--time-limit", "1", "--workers", "1"]
    assert runner.invoke(main, [*args, "--quiet"]).exit_code == 0
    problem = load_scenario_text(morning.read_text(), str(morning), tmp_path)
    plan = Plan.model_validate_json(plan_file.read_text())
    link = json.loads((tmp_path / "morning.psa.json").read_text())
    psa = FakeConnectWise(json.loads((folder / "schedule-entries.json").read_text()))
    for request in requests(changes(problem, plan, link)):
        psa.apply(request)
    (folder / "schedule-entries.json").write_text(json.dumps(list(psa.entries.values())))
    midday = tmp_path / "midday.yaml"
    # No --date: the day of the pushed plan, not today's.
    result = runner.invoke(main, [*base, "--plan", str(plan_file), "-o", str(midday)])
    assert result.exit_code == 0, result.output
    pinned = {
        t.id: t.assigned_to
        for t in load_scenario_text(midday.read_text(), str(midday), tmp_path).scenario.tickets
        if t.fixed_start is not None
    }
    assert pinned == {"512009": "spatel"}
    assert f"{len(plan.assignments) - 1} x" not in result.output  # nothing skipped for them
    assert "bookings of the pushed plan (not pinned)" in result.output


def test_a_plan_of_another_day_is_refused_and_bookings_outside_the_day_are_counted(
    tmp_path: Path,
) -> None:
    folder = example(tmp_path, "connectwise")
    runner = CliRunner()
    other = tmp_path / "other.json"
    northside = Path(__file__).parents[2] / "scenarios" / "northside.yaml"
    args = ["plan", str(northside), "-o", str(other), "--time-limit", "1", "--workers", "1"]
    assert runner.invoke(main, [*args, "--quiet"]).exit_code == 0
    base = ["import", "connectwise", str(folder), "--mapping", str(folder / "mapping.yaml")]
    refused = runner.invoke(main, [*base, "--plan", str(other), "-o", str(tmp_path / "x.yaml")])
    assert refused.exit_code == 2 and "shares no ticket with this export" in refused.output
    later = runner.invoke(main, [*base, "--date", "2026-12-07", "-o", str(tmp_path / "y.yaml")])
    assert later.exit_code == 0, later.output
    assert "booking: outside the horizon" in later.output
