"""HaloPSA: the example's saved responses import into a valid scenario that plans and
checks; broken variants of it (copies in tmp_path) fail with the file, record and field;
the plan goes back as Halo appointment requests."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from dispatcher.api import load_scenario, solve_scenario
from dispatcher.checker import check_plan
from dispatcher.cli import main
from dispatcher.errors import InputError
from dispatcher.psa import import_psa, write_imported
from dispatcher.psa.halo import read_halo
from dispatcher.psa.halo_write import requests
from dispatcher.psa.writeback import Change, changes, read_link, visits
from dispatcher.semantics.problem import Problem
from models import Plan

EXAMPLE = Path(__file__).resolve().parents[2] / "scenarios" / "psa" / "halo"
DAY = dt.date(2026, 11, 30)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the example to break."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "halo"))


def load(path: Path) -> Any:
    return json.loads(path.read_text())


def save(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2))


def edit_ticket(folder: Path, ticket_id: int, **values: Any) -> tuple[str, int]:
    """Change one ticket wherever it is; its file and index."""
    for name in ("tickets.json", "tickets-2.json"):
        page = load(folder / name)
        for index, ticket in enumerate(page["tickets"]):
            if ticket["id"] == ticket_id:
                ticket.update(values)
                save(folder / name, page)
                return str(folder / name), index
    raise AssertionError(f"no ticket {ticket_id}")


def set_mapping(folder: Path, **values: Any) -> Path:
    mapping = folder / "mapping.yaml"
    data = yaml.safe_load(mapping.read_text())
    data.update(values)
    mapping.write_text(yaml.safe_dump(data, sort_keys=False))
    return mapping


def imported(folder: Path, tmp_path: Path, mapping: Path | None = None) -> Any:
    return import_psa(
        "halo", folder, mapping or folder / "mapping.yaml", DAY, tmp_path / "day.yaml"
    )


def issue_texts(error: InputError) -> list[str]:
    return [f"{i.file}|{i.path}|{i.message}" for i in error.issues]


# -- the example -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Problem, Plan]:
    """The example imported, written, and planned for one second (one worker, seed 0)."""
    out = tmp_path_factory.mktemp("halo-plan") / "day.yaml"
    result = import_psa("halo", EXAMPLE, EXAMPLE / "mapping.yaml", DAY, out)
    write_imported(result, out)
    problem = load_scenario(out)
    plan = solve_scenario(problem, time_limit=1.0, workers=1, seed=0)
    return out, problem, plan


def test_the_example_imports_plans_and_passes_the_checker(
    planned: tuple[Path, Problem, Plan],
) -> None:
    _, problem, plan = planned
    assert len(problem.scenario.tickets) == 13  # 14 saved, one closed
    report = check_plan(problem, plan)
    assert report.ok, report.violations
    listed = [e.ticket for part in (plan.assignments, plan.unassigned) for e in part]
    assert sorted(listed) == sorted(t.id for t in problem.scenario.tickets)


def test_tickets_come_from_both_pages_and_ids_become_names() -> None:
    export = read_halo(EXAMPLE)
    assert not export.issues
    files = {Path(t.origin.file).name for t in export.tickets}
    assert files == {"tickets.json", "tickets-2.json"}
    assert [t.id for t in export.tickets] == [str(n) for n in range(2201, 2215)]
    firewall = export.tickets[0]
    assert firewall.priority == "Critical"  # priority 1 of SLA 1
    assert firewall.status == "In Progress"
    assert firewall.agreement_type == "Managed Services"
    assert firewall.fields["ticket_type"] == "Incident"
    assert firewall.fields["category_1"] == "Network>Firewall"
    assert firewall.fields["company"] == "Harbour Dental Practice"
    assert firewall.created == dt.datetime(2026, 11, 30, 7, 40, tzinfo=dt.UTC)
    assert firewall.response_due == dt.datetime(2026, 11, 30, 8, 40, tzinfo=dt.UTC)
    by_id = {t.id: t for t in export.tickets}
    assert by_id["2212"].agreement_type is None  # contract_id 0: no contract
    assert by_id["2212"].responded is None  # 1900-01-01: none
    assert by_id["2212"].response_due is None
    assert by_id["2213"].closed  # status 9
    assert by_id["2211"].estimate_hours == 6.0  # estimatedays 0.75 x 8 h
    assert export.slas["1"].targets["Medium"] == (4.0, 20.0)  # 2 days of a 10 h workday


def test_a_record_on_two_pages_is_read_once(example: Path) -> None:
    second = load(example / "tickets-2.json")
    second["tickets"].insert(0, load(example / "tickets.json")["tickets"][-1])
    save(example / "tickets-2.json", second)
    export = read_halo(example)
    assert len(export.tickets) == 14


def test_unknown_status_and_priority_ids_are_kept_as_text(example: Path, tmp_path: Path) -> None:
    file, index = edit_ticket(example, 2208, status_id=17, priority_id=17)
    ticket = next(t for t in read_halo(example).tickets if t.id == "2208")
    assert (ticket.status, ticket.priority, ticket.closed) == ("17", "17", False)
    with pytest.raises(InputError) as caught:
        imported(example, tmp_path)
    assert (
        f"{file}|[{index}].priority|priority '17' is not in the mapping's priorities"
        in "\n".join(issue_texts(caught.value))
    )
    mapping = set_mapping(example, unknown_priority="P3")
    result = imported(example, tmp_path, mapping)
    assert result.summary.defaulted["priority '17' (unknown_priority)"] == 1


def test_a_contract_type_the_mapping_does_not_name(example: Path, tmp_path: Path) -> None:
    contracts = load(example / "contracts.json")
    contracts["contracts"][2]["type"] = "Pay As You Go"  # Oakfield's
    save(example / "contracts.json", contracts)
    with pytest.raises(InputError) as caught:
        imported(example, tmp_path)
    tickets = example / "tickets.json"
    found = [i for i in caught.value.issues if "Pay As You Go" in i.message]
    assert found and found[0].file == str(tickets) and found[0].path == "[7].agreement"
    mapping = set_mapping(example, unknown_agreement_tier="break_fix")
    result = imported(example, tmp_path, mapping)
    load_scenario(result.text)  # valid
    key = "tier of agreement type 'Pay As You Go' (unknown_agreement_tier)"
    assert result.summary.defaulted[key] == 3  # 2208, 2209, 2210 (2213 is closed)


def test_a_contract_missing_from_the_saved_contracts(example: Path) -> None:
    file, index = edit_ticket(example, 2201, contract_id=999)
    issues = read_halo(example).issues
    assert [(i.file, i.path) for i in issues] == [(file, f"[{index}].contract_id")]


def test_an_agent_without_skills_takes_only_tickets_needing_none(tmp_path: Path) -> None:
    result = imported(EXAMPLE, tmp_path)
    data = yaml.safe_load(result.text)
    priya = next(e for e in data["engineers"] if e["id"] == "pshah")
    assert priya["skills"] == {}
    assert result.summary.defaulted["member without skills: takes only tickets needing none"] == 1
    names = {e["id"] for e in data["engineers"]}
    assert "old.tech" not in names and "unassigned" not in names  # disabled; skip: true


def test_skills_in_the_agent_records_are_read(example: Path) -> None:
    agents = load(example / "agents.json")
    agents[6 - 1]["skills"] = [{"name": "Printers", "level": "Advanced"}, "Microsoft 365"]
    save(example / "agents.json", agents)
    priya = next(m for m in read_halo(example).members if m.key == "6")
    assert priya.skills == {"Printers": "Advanced", "Microsoft 365": "1"}


def test_a_ticket_without_an_estimate_gets_a_default_effort(tmp_path: Path) -> None:
    result = imported(EXAMPLE, tmp_path)
    tickets = {t["id"]: t for t in yaml.safe_load(result.text)["tickets"]}
    assert tickets["2212"]["effort"] == {"p50": "45m", "p90": "1h30m"}  # default_effort
    assert tickets["2203"]["effort"] == {"p50": "1h", "p90": "2h"}  # efforts: Backup
    assert result.summary.defaulted["effort from default_effort (no estimate)"] == 1
    assert result.summary.defaulted["effort from the mapping's efforts (no estimate)"] == 1
    assert "# effort from default_effort (no estimate)" in result.text


def test_appointments_of_closed_tickets_and_without_tickets_are_skipped(tmp_path: Path) -> None:
    result = imported(EXAMPLE, tmp_path)
    reasons = {(s.what, s.id): s.reason for s in result.summary.skipped}
    assert reasons[("booking", "7002")] == "its ticket is closed"
    assert reasons[("booking", "7003")] == "appointment not on a ticket"
    assert reasons[("ticket", "2213")] == "closed (Closed)"
    assert "7002" not in json.dumps(result.link["bookings"])


def test_bad_json_names_the_file_and_line(example: Path, tmp_path: Path) -> None:
    (example / "agents.json").write_text('[\n  {"id": 2,\n   "name": "Alice" "email": ""}\n]\n')
    with pytest.raises(InputError) as caught:
        imported(example, tmp_path)
    bad = [i for i in caught.value.issues if i.file == str(example / "agents.json")]
    assert bad and bad[0].line == 3 and "not JSON" in bad[0].message


def test_a_closed_status_named_in_the_mapping(example: Path, tmp_path: Path) -> None:
    edit_ticket(example, 2210, status_id=8)  # Resolved
    result = imported(example, tmp_path)
    assert ("ticket", "2210") in {(s.what, s.id) for s in result.summary.skipped}


# -- back to Halo -------------------------------------------------------------------


def test_every_visit_is_one_appointment_in_utc(planned: tuple[Path, Problem, Plan]) -> None:
    out, problem, plan = planned
    link = read_link(out.with_name("day.psa.json"))
    sent = requests(changes(problem, plan, link))
    engineers = link["engineers"]
    booked = {(t, str(e["member"])): e for t, es in link["bookings"].items() for e in es}
    wanted = {(v.ticket, str(engineers[v.engineer]["psa_id"])): v for v in visits(problem, plan)}
    posted: dict[tuple[str, str], dict[str, Any]] = {}
    for request in sent:
        if request["method"] == "POST":
            assert request["path"] == "/api/Appointment" and len(request["body"]) == 1
            body = request["body"][0]
            key = (str(body["ticket_id"]), str(body["agent_id"]))
            assert key not in posted
            posted[key] = body
    unchanged = set(wanted) - set(posted)
    assert all(key in booked for key in unchanged)  # the pinned appointment, as it is
    for key, body in posted.items():
        visit = wanted[key]
        assert body["start_date"] == visit.start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert body["end_date"].endswith("Z")
        assert ("id" in body) == (key in booked)  # an update carries the appointment id
    moved = posted[("2205", "3")]
    assert moved["id"] == 7004  # Dan's appointment before opening time, moved


def test_with_a_base_plan_only_the_changes_go(planned: tuple[Path, Problem, Plan]) -> None:
    out, problem, plan = planned
    link = read_link(out.with_name("day.psa.json"))
    assert requests(changes(problem, plan, link, base=plan)) == []
    dropped = plan.assignments[0]
    base = plan.model_copy(update={"assignments": plan.assignments[1:]})
    sent = requests(changes(problem, plan, link, base=base))
    assert [(r["ticket"], r["method"]) for r in sent] == [(dropped.ticket, "POST")]


def test_requests_for_each_action() -> None:
    start = dt.datetime(2026, 11, 30, 9, 28, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    end = start + dt.timedelta(hours=1)
    made = requests(
        [
            Change("create", "2201", "aokafor", "2", "aokafor", start, end, None, "new", "X"),
            Change("update", "2205", "dhughes", "3", "dhughes", start, end, "7004", "moved"),
            Change("delete", "2206", "dhughes", "3", None, None, None, "7005", "gone"),
            Change("delete", "2207", "spatel", "4", None, start, end, None, "changed"),
        ]
    )
    assert made[0]["body"] == [
        {
            "ticket_id": 2201,
            "agent_id": 2,
            "start_date": "2026-11-30T08:28:00Z",
            "end_date": "2026-11-30T09:28:00Z",
            "subject": "X",
        }
    ]
    assert made[1]["method"] == "POST" and made[1]["body"][0]["id"] == 7004
    assert (made[2]["method"], made[2]["path"]) == ("DELETE", "/api/Appointment/7005")
    assert made[3]["find"]["query"] == {"ticket_id": 2207, "agent_id": 4}
    assert made[3]["find"]["match"] == {"start_date": "2026-11-30T08:28:00Z"}


# -- the command ----------------------------------------------------------------------


def test_dispatch_import_halo(tmp_path: Path) -> None:
    out = tmp_path / "day.yaml"
    args = ["import", "halo", str(EXAMPLE), "--mapping", str(EXAMPLE / "mapping.yaml")]
    result = CliRunner().invoke(main, [*args, "--date", "2026-11-30", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "imported 5 engineers" in result.output
    assert out.is_file() and (tmp_path / "day.psa.json").is_file()


def test_dispatch_import_halo_with_a_bad_mapping(example: Path, tmp_path: Path) -> None:
    mapping = example / "mapping.yaml"
    mapping.write_text(
        mapping.read_text().replace("estimate_p90_factor: 1.5", "estimate_p90_factor: 0")
    )
    out = tmp_path / "day.yaml"
    args = ["import", "halo", str(example), "--mapping", str(mapping), "--date", "2026-11-30"]
    result = CliRunner().invoke(main, [*args, "-o", str(out)])
    assert result.exit_code == 2
    assert "estimate_p90_factor" in result.output + str(result.stderr_bytes or b"")
    assert not out.exists()
