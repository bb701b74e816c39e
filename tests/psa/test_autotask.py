"""The Autotask adapter (saved REST responses -> scenario) and writer (plan -> service
call requests), on the example in scenarios/psa/autotask and broken copies of it."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dispatcher import api
from dispatcher.cli import main
from dispatcher.errors import InputError
from dispatcher.io.loader import load_scenario_text
from dispatcher.psa import import_psa
from dispatcher.psa.autotask import read_autotask
from dispatcher.psa.autotask_write import booking_ids, ref, requests
from dispatcher.psa.build import Imported
from dispatcher.psa.writeback import changes, utc_text
from dispatcher.semantics.problem import Problem
from models import Plan

EXAMPLE = Path(__file__).resolve().parents[2] / "scenarios" / "psa" / "autotask"
DAY = dt.date(2026, 11, 30)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the example to break."""
    copy = tmp_path / "export"
    shutil.copytree(EXAMPLE, copy)
    return copy


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def save(path: Path, document: Any) -> None:
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


def edit_ticket(folder: Path, ticket_id: int, **values: Any) -> None:
    for name in ("tickets.json", "tickets-2.json"):
        document = load(folder / name)
        for item in document["items"]:
            if item["id"] == ticket_id:
                item.update(values)
                save(folder / name, document)
                return
    raise AssertionError(f"no ticket {ticket_id}")


def run_import(folder: Path, tmp_path: Path, mapping: Path | None = None) -> Imported:
    return import_psa(
        "autotask", folder, mapping or folder / "mapping.yaml", DAY, tmp_path / "day.yaml"
    )


def problem_of(imported: Imported, tmp_path: Path) -> Problem:
    return load_scenario_text(imported.text, str(tmp_path / "day.yaml"), tmp_path)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Imported, Problem, Plan]:
    out = tmp_path_factory.mktemp("example")
    imported = import_psa("autotask", EXAMPLE, EXAMPLE / "mapping.yaml", DAY, out / "day.yaml")
    problem = problem_of(imported, out)
    plan = api.solve_scenario(problem, time_limit=1, seed=0, workers=1)
    return imported, problem, plan


# -- the example ---------------------------------------------------------------------


def test_the_example_imports_plans_and_checks(example: tuple[Imported, Problem, Plan]) -> None:
    imported, problem, plan = example
    assert api.check(problem, plan).ok
    summary = imported.summary
    assert summary.imported["tickets"] == 13  # 14 over two pages, one Complete
    assert summary.imported["engineers"] == 5  # six resources, one inactive
    reasons = {(skip.what, skip.id): skip.reason for skip in summary.skipped}
    assert reasons[("ticket", "51213")] == "closed (Complete)"
    assert reasons[("member", "29682906")] == "inactive"
    assert reasons[("booking", "7002/7102/7202")] == "its ticket is closed"
    assert reasons[("booking", "7004/7104/7205")] == "service call cancelled"


def test_what_each_field_becomes(example: tuple[Imported, Problem, Plan]) -> None:
    imported, problem, _ = example
    tickets = {t.id: t for t in problem.scenario.tickets}
    firewall = tickets["51201"]
    assert (firewall.priority, firewall.onsite) == ("P1", True)
    assert firewall.skills == {"firewalls": 2, "networking": 2}
    assert "# tier managed from agreement type 'Recurring Service'" in imported.text
    assert "# autotask ticket 51201 (T20261130.0001)" in imported.text
    depot = tickets["51205"]  # a shared service call: pinned on its first resource
    assert depot.assigned_to == "dhughes"
    assert str(depot.site) == "kestrel-logistics-ltd-depot"
    clients = {c.id: c for c in problem.scenario.clients}
    assert clients[tickets["51211"].client].sla == "break-fix"  # no contract
    assert tickets["51211"].onsite  # ticket category On-Site Visit
    link = imported.link
    assert link["tickets"]["51201"] == {
        "psa_id": "51201",
        "number": "T20261130.0001",
        "company": "174",
    }
    assert {e["psa_id"] for e in link["bookings"]["51205"]} == {
        "7003/7103/7203/shared",
        "7003/7103/7204/shared",
    }
    engineers = {e.id: e for e in problem.scenario.engineers}
    # Alice's hours are her internal location's business hours (Mon-Thu 08:00-17:30).
    assert [(s.start.hour, s.end.hour, s.end.minute) for s in engineers["aokafor"].shifts] == [
        (8, 17, 30),
        (8, 17, 30),
    ]


def test_pages_are_read_in_order_and_once(folder: Path, tmp_path: Path) -> None:
    export = read_autotask(folder)
    assert [t.id for t in export.tickets] == [str(n) for n in range(51201, 51215)]
    pages = [file for file in export.files if Path(file).name.startswith("tickets")]
    assert pages == [str(folder / "tickets.json"), str(folder / "tickets-2.json")]
    assert not export.issues
    page_two = load(folder / "tickets-2.json")
    page_two["items"].insert(0, load(folder / "tickets.json")["items"][-1])  # overlap
    save(folder / "tickets-2.json", page_two)
    imported = run_import(folder, tmp_path)
    assert imported.summary.imported["tickets"] == 13
    assert imported.text.count("- id: '51208'") == 1


def test_picklists_become_labels_and_unknown_values_stay_numbers(folder: Path) -> None:
    tickets = {t.id: t for t in read_autotask(folder).tickets}
    firewall = tickets["51201"]
    assert (firewall.priority, firewall.status) == ("Critical", "New")
    assert firewall.fields["queue"] == "Network Team"
    assert firewall.fields["sub_issue_type"] == "Firewall"
    assert firewall.fields["service_location"] == "On-Site"
    assert tickets["51212"].fields["source"] == "13"  # no label in ticket-fields.json
    (folder / "ticket-fields.json").unlink()
    bare = {t.id: t for t in read_autotask(folder).tickets}["51201"]
    assert (bare.priority, bare.fields["queue"]) == ("4", "29683355")


def test_a_priority_without_a_label_is_usable_by_the_mapping(folder: Path, tmp_path: Path) -> None:
    edit_ticket(folder, 51204, priority=9)
    with pytest.raises(InputError) as caught:
        run_import(folder, tmp_path)
    issue = caught.value.issues[0]
    assert (issue.file, issue.path) == (str(folder / "tickets.json"), "[3].priority")
    assert "priority '9'" in issue.message
    mapping = folder / "mapping.yaml"
    text = mapping.read_text(encoding="utf-8").replace("  Low: P4\n", '  Low: P4\n  "9": P2\n')
    mapping.write_text(text, encoding="utf-8")
    imported = run_import(folder, tmp_path)
    tickets = {t.id: t for t in problem_of(imported, tmp_path).scenario.tickets}
    assert tickets["51204"].priority == "P2"


def test_a_contract_type_the_mapping_does_not_name(folder: Path, tmp_path: Path) -> None:
    contracts = load(folder / "contracts.json")
    contracts["items"][2]["contractType"] = 1  # Oakfield: Time and Materials
    save(folder / "contracts.json", contracts)
    with pytest.raises(InputError) as caught:
        run_import(folder, tmp_path)
    issues = caught.value.issues
    assert {(i.file, i.path) for i in issues} == {
        (str(folder / "tickets.json"), "[7].agreement"),
        (str(folder / "tickets-2.json"), "[0].agreement"),
        (str(folder / "tickets-2.json"), "[1].agreement"),
    }
    assert "'Time and Materials'" in issues[0].message
    mapping = folder / "mapping.yaml"
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(
        text.replace("# unknown_agreement_tier: break_fix", "unknown_agreement_tier: break_fix"),
        encoding="utf-8",
    )
    imported = run_import(folder, tmp_path)
    problem_of(imported, tmp_path)
    assert (
        imported.summary.defaulted[
            "tier of agreement type 'Time and Materials' (unknown_agreement_tier)"
        ]
        == 3
    )


def test_a_contract_missing_from_the_export(folder: Path, tmp_path: Path) -> None:
    edit_ticket(folder, 51202, contractID=399)
    with pytest.raises(InputError) as caught:
        run_import(folder, tmp_path)
    issue = caught.value.issues[0]
    assert (issue.file, issue.path) == (str(folder / "tickets.json"), "[1].contractID")
    assert "contract 399" in issue.message


def test_a_resource_without_skills(example: tuple[Imported, Problem, Plan]) -> None:
    imported, problem, _ = example
    priya = next(e for e in problem.scenario.engineers if e.id == "pshah")
    assert priya.skills == {}
    assert imported.summary.defaulted["member without skills: takes only tickets needing none"]


def test_tickets_without_an_estimate_are_defaulted(
    example: tuple[Imported, Problem, Plan],
) -> None:
    imported, problem, _ = example
    tickets = {t.id: t for t in problem.scenario.tickets}
    assert str(tickets["51203"].effort.p50) == "1h"  # no estimatedHours: Backup rule
    assert str(tickets["51212"].effort.p50) == "45m"  # estimatedHours 0: default_effort
    assert imported.summary.defaulted["effort from the mapping's efforts (no estimate)"] == 1
    assert imported.summary.defaulted["effort from default_effort (no estimate)"] == 1


def test_bad_json_names_the_file_and_line(folder: Path, tmp_path: Path) -> None:
    path = folder / "service-calls.json"
    path.write_text('{\n  "items": [\n    {"id": 7001,,}\n  ]\n}\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        run_import(folder, tmp_path)
    issue = caught.value.issues[0]
    assert (issue.file, issue.line) == (str(path), 3)
    assert "not JSON" in issue.message


def test_a_bad_time_names_the_record_and_field(folder: Path, tmp_path: Path) -> None:
    edit_ticket(folder, 51210, createDate="yesterday")
    with pytest.raises(InputError) as caught:
        run_import(folder, tmp_path)
    paths = {(i.file, i.path) for i in caught.value.issues}
    assert (str(folder / "tickets-2.json"), "[1].createDate") in paths


def test_a_service_call_without_its_ticket_link_is_skipped(folder: Path) -> None:
    links = load(folder / "service-call-tickets.json")
    links["items"] = [item for item in links["items"] if item["id"] != 7101]
    save(folder / "service-call-tickets.json", links)
    export = read_autotask(folder)
    reasons = {(s.id, s.reason) for s in export.skipped}
    assert ("7001", "service call without a ticket and resource") in reasons
    assert ("7201", "its service call ticket is not in the export") in reasons
    assert not export.issues


# -- the writer ----------------------------------------------------------------------


def test_every_assignment_once_per_member(example: tuple[Imported, Problem, Plan]) -> None:
    imported, problem, plan = example
    empty_link = {**imported.link, "bookings": {}}
    out = requests(changes(problem, plan, empty_link))
    visits = {(a.ticket, a.engineer) for a in plan.assignments} | {
        (a.ticket, seat.engineer) for a in plan.assignments for seat in a.crew or []
    }
    calls = [r for r in out if r["path"] == "/ServiceCalls"]
    assert all(r["method"] == "POST" for r in out)
    assert len(calls) == len(visits) and len(out) == 3 * len(visits)
    assert {(r["ticket"], r["engineer"]) for r in calls} == visits
    engineers = imported.link["engineers"]
    for index, call in enumerate(out):
        if call["path"] != "/ServiceCalls":
            continue
        ticket, link = out[index + 1], out[index + 2]
        assert call["body"]["companyID"] == int(imported.link["tickets"][call["ticket"]]["company"])
        assert ticket["path"] == f"/ServiceCalls/{ref(index)}/Tickets"
        assert ticket["body"] == {"serviceCallID": ref(index), "ticketID": int(call["ticket"])}
        assert link["path"] == f"/ServiceCallTickets/{ref(index + 1)}/Resources"
        assert link["body"]["resourceID"] == int(engineers[call["engineer"]]["psa_id"])
        for key in ("startDateTime", "endDateTime"):
            moment = call["body"][key]
            assert moment.endswith("Z") and len(moment) == len("2026-11-30T09:28:00Z")
    first = next(a for a in plan.assignments if a.ticket == calls[0]["ticket"])
    start = first.start.replace(tzinfo=problem.tz) if first.start.tzinfo is None else first.start
    assert calls[0]["body"]["startDateTime"] == utc_text(start)


def test_existing_service_calls_are_moved_or_left(example: tuple[Imported, Problem, Plan]) -> None:
    imported, problem, plan = example
    out = requests(changes(problem, plan, imported.link))
    pinned = next(a for a in plan.assignments if a.ticket == "51209")
    assert pinned.engineer == "spatel"
    assert not [r for r in out if r["ticket"] == "51209"]  # as booked: nothing to send
    depot = [r for r in out if r["ticket"] == "51205"]
    assert [(r["method"], r["path"]) for r in depot if r["action"] == "delete"] == [
        ("DELETE", "/ServiceCallTickets/7103/Resources/7204")  # Alice leaves the shared call
    ]
    for request in depot:
        if request["action"] == "update":
            assert request["method"] == "PATCH" and request["body"]["id"] == 7003


def test_base_gives_only_what_changed(example: tuple[Imported, Problem, Plan]) -> None:
    imported, problem, plan = example
    link = {**imported.link, "bookings": {}}
    assert requests(changes(problem, plan, link, base=plan)) == []
    moved_ticket = plan.assignments[0].ticket
    later = plan.model_copy(deep=True)
    later.assignments[0].start += dt.timedelta(minutes=30)
    later.assignments[0].end += dt.timedelta(minutes=30)
    out = requests(changes(problem, later, link, base=plan))
    assert {r["ticket"] for r in out} == {moved_ticket}
    assert [r["action"] for r in out] == ["create"] * 3 + ["delete"]
    delete = out[-1]
    assert delete["path"] == "/ServiceCalls/{id}"
    assert delete["find"]["ticketID"] == int(moved_ticket)
    assert delete["find"]["startDateTime"].endswith("Z")


def test_booking_keys() -> None:
    assert ref(3) == "{ref:3}"
    assert booking_ids("7003/7103/7204/shared") == ("7003", "7103", "7204", True)
    assert booking_ids("7001/7101/7201") == ("7001", "7101", "7201", False)
    assert booking_ids("7001") == ("7001", None, None, False)


# -- the command line ----------------------------------------------------------------


def test_the_import_command(folder: Path, tmp_path: Path) -> None:
    output = tmp_path / "out" / "day.yaml"
    output.parent.mkdir()
    args = ["import", "autotask", str(folder), "--mapping", str(folder / "mapping.yaml")]
    args += ["--date", "2026-11-30", "-o", str(output)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "imported 5 engineers" in result.output
    assert output.is_file() and (output.parent / "day.psa.json").is_file()
    mapping = folder / "mapping.yaml"
    mapping.write_text(
        mapping.read_text(encoding="utf-8").replace("horizon: {days: 2,", "horizon: {days: 99,"),
        encoding="utf-8",
    )
    output.unlink()
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "mapping.yaml" in result.output and "horizon.days" in result.output
    assert not output.exists()
