"""ConnectWise saved responses -> a scenario: the bundled example, and what others' exports
hold (pages, missing optional fields, unknown values, records the mapping does not name)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from dispatcher.api import solve_scenario
from dispatcher.checker import check_plan
from dispatcher.errors import InputError
from dispatcher.io.loader import load_scenario_text
from dispatcher.psa.connectwise import read_connectwise
from dispatcher.solver.solve import SolveOptions
from tests.psa.support import edit_json, example, run_import


def _scenario(text: str) -> dict[str, Any]:
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def test_the_example_imports_plans_and_checks(tmp_path: Path) -> None:
    folder = example(tmp_path, "connectwise")
    imported = run_import(folder, "connectwise")
    problem = load_scenario_text(imported.text, str(folder / "day.yaml"), folder)
    tickets = {t.id: t for t in problem.scenario.tickets}
    # Both pages are read; the closed ticket is not.
    assert len(tickets) == 13 and "512013" not in tickets and "512014" in tickets
    assert imported.summary.imported["tickets"] == 13
    firewall = tickets["512001"]
    assert firewall.onsite and dict(firewall.skills) == {"firewalls": 2, "networking": 2}
    assert firewall.priority == "P1" and firewall.effort.p50.minutes == 60
    assert firewall.effort.p90.minutes == 90  # the estimate x estimate_p90_factor
    # 07:40Z on 30 Nov is 07:40 in London (GMT); the SLA is the agreement's.
    assert firewall.opened.isoformat().startswith("2026-11-30T07:40")
    assert problem.scenario.clients[0].sla in problem.scenario.sla_policies
    # The booked schedule entry pins its ticket; the entry of the closed ticket does not.
    printer = tickets["512009"]
    assert printer.assigned_to == "spatel" and printer.fixed_start is not None
    reasons = {skip.reason for skip in imported.summary.skipped}
    assert "its ticket is closed" in reasons and "inactive" in reasons
    plan = solve_scenario(problem, options=SolveOptions(time_limit=1, seed=0, workers=1))
    report = check_plan(problem, plan)
    assert report.ok, report.violations


def test_provenance_is_written_as_comments_and_the_link_keeps_the_ids(tmp_path: Path) -> None:
    folder = example(tmp_path, "connectwise")
    imported = run_import(folder, "connectwise")
    assert "# connectwise ticket 512001" in imported.text
    assert "# tier managed from agreement type 'Managed Services'" in imported.text
    assert "effort from the mapping's efforts (no estimate)" in imported.text
    assert imported.link["engineers"]["aokafor"]["psa_id"] == "148"
    assert imported.link["bookings"]["512009"][0]["psa_id"] == "9001"


def test_a_member_without_skills_and_a_ticket_without_an_estimate_are_counted(
    tmp_path: Path,
) -> None:
    imported = run_import(example(tmp_path, "connectwise"), "connectwise")
    defaulted = imported.summary.defaulted
    assert defaulted["member without skills: takes only tickets needing none"] == 1
    assert defaulted["effort from default_effort (no estimate)"] == 1
    engineers = {e["id"]: e for e in _scenario(imported.text)["engineers"]}
    assert engineers["pshah"]["skills"] == {}


def test_an_agreement_type_the_mapping_does_not_name_is_an_error_naming_the_record(
    tmp_path: Path,
) -> None:
    folder = example(tmp_path, "connectwise")
    edit_json(
        folder / "agreements.json", lambda items: items[2].update(type={"name": "Co-Managed"})
    )
    with pytest.raises(InputError) as caught:
        run_import(folder, "connectwise")
    issues = caught.value.issues
    assert {issue.file for issue in issues} == {
        str(folder / "tickets.json"),
        str(folder / "tickets-2.json"),
    }
    assert all(issue.path.endswith("].agreement") for issue in issues)
    assert "'Co-Managed' is not in the mapping's tiers" in issues[0].message
    # Said once in the mapping, the type maps and is counted as defaulted.
    mapping = folder / "mapping.yaml"
    mapping.write_text(mapping.read_text() + "unknown_agreement_tier: break_fix\n")
    imported = run_import(folder, "connectwise")
    assert any("Co-Managed" in what for what in imported.summary.defaulted)


def test_missing_optional_fields_and_unknown_values_do_not_stop_the_import(tmp_path: Path) -> None:
    folder = example(tmp_path, "connectwise")

    def strip(items: list[dict[str, Any]]) -> None:
        for item in items:
            for name in ("serviceLocation", "source", "severity", "impact", "siteName", "item"):
                item.pop(name, None)
        items[0]["status"] = {"id": 999, "name": "Waiting on Vendor (new)"}

    edit_json(folder / "tickets.json", strip)
    edit_json(folder / "member-skills-148.json", lambda items: items[0].update(skillLevel="Guru"))
    imported = run_import(folder, "connectwise")
    assert imported.summary.defaulted["skill level 'Guru' read as 1"] == 1
    load_scenario_text(imported.text, "day.yaml", folder)


def test_a_priority_the_mapping_does_not_name_is_an_error(tmp_path: Path) -> None:
    folder = example(tmp_path, "connectwise")
    edit_json(
        folder / "tickets.json", lambda items: items[3].update(priority={"id": 9, "name": "Urgent"})
    )
    with pytest.raises(InputError) as caught:
        run_import(folder, "connectwise")
    [issue] = caught.value.issues
    assert (issue.file, issue.path) == (str(folder / "tickets.json"), "[3].priority")


def test_records_that_cannot_be_read_are_named_with_file_index_and_field(tmp_path: Path) -> None:
    folder = example(tmp_path, "connectwise")
    edit_json(
        folder / "tickets.json", lambda items: items[1]["_info"].update(dateEntered="yesterday")
    )
    edit_json(folder / "tickets-2.json", lambda items: items[0].update(budgetHours="lots"))
    (folder / "slas.json").write_text('[{"id": 3,\n "name": ')
    with pytest.raises(InputError) as caught:
        run_import(folder, "connectwise")
    where = {
        (issue.file.rsplit("/", 1)[-1], issue.path, issue.line) for issue in caught.value.issues
    }
    assert ("tickets.json", "[1]._info.dateEntered", None) in where
    assert ("tickets-2.json", "[0].budgetHours", None) in where
    assert ("slas.json", "", 2) in where


def test_an_on_site_ticket_without_coordinates_names_what_to_add(tmp_path: Path) -> None:
    folder = example(tmp_path, "connectwise")
    mapping = folder / "mapping.yaml"
    mapping.write_text(mapping.read_text().replace("  Millbrook Print Works:", "  Elsewhere:"))
    with pytest.raises(InputError) as caught:
        run_import(folder, "connectwise")
    [issue] = caught.value.issues
    assert issue.file.endswith("tickets-2.json") and issue.path == "[2].site"
    assert "Millbrook Print Works" in issue.message


def test_pages_overlapping_give_each_record_once(tmp_path: Path) -> None:
    folder = example(tmp_path, "connectwise")
    edit_json(folder / "tickets-2.json", lambda items: items.append({"id": 512001, "summary": "x"}))
    export = read_connectwise(folder)
    assert [t.id for t in export.tickets].count("512001") == 1


def test_bookings_that_cannot_hold_are_not_pinned_and_say_why(tmp_path: Path) -> None:
    folder = example(tmp_path, "connectwise")

    def clash(items: list[dict[str, Any]]) -> None:  # Sam booked twice at 10:00
        second = dict(items[0], id=9010, objectId=512007)
        items.append(second)

    edit_json(folder / "schedule-entries.json", clash)
    imported = run_import(folder, "connectwise")
    problem = load_scenario_text(imported.text, "day.yaml", folder)
    pinned = [t.id for t in problem.scenario.tickets if t.fixed_start is not None]
    assert len(pinned) == 1
    assert any(
        skip.reason.startswith("not pinned: the appointment overlaps")
        for skip in imported.summary.skipped
    )


def test_a_mapping_for_another_psa_or_with_a_typo_is_refused(tmp_path: Path) -> None:
    folder = example(tmp_path, "connectwise")
    mapping = folder / "mapping.yaml"
    mapping.write_text(mapping.read_text().replace("psa: connectwise", "psa: halo"))
    with pytest.raises(InputError, match="this mapping is for halo"):
        run_import(folder, "connectwise")
    mapping.write_text(mapping.read_text().replace("psa: halo", "psa: connectwise\ntiersx: {}"))
    with pytest.raises(InputError) as caught:
        run_import(folder, "connectwise")
    [issue] = caught.value.issues
    assert issue.path == "tiersx" and issue.line is not None and "tiers" in issue.message


def test_pages_concatenated_in_one_file_or_as_a_list_of_pages(tmp_path: Path) -> None:
    folder = example(tmp_path, "connectwise")
    first_page = (folder / "tickets.json").read_text()
    second_page = (folder / "tickets-2.json").read_text()
    (folder / "tickets-2.json").unlink()
    (folder / "tickets.json").write_text(first_page + "\n" + second_page)
    assert len(read_connectwise(folder).tickets) == 14
    pages = f"[{first_page}, {second_page}]"
    (folder / "tickets.json").write_text(pages)
    assert len(read_connectwise(folder).tickets) == 14


def test_file_names_with_underscores_are_found(tmp_path: Path) -> None:
    folder = example(tmp_path, "connectwise")
    (folder / "schedule-entries.json").rename(folder / "schedule_entries.json")
    (folder / "tickets-2.json").rename(folder / "tickets_page2.json")
    export = read_connectwise(folder)
    assert len(export.bookings) == 2 and len(export.tickets) == 14


def test_what_an_export_may_lack_is_defaulted_and_counted(tmp_path: Path) -> None:
    """No created date, a member with no calendar and no hours anywhere, a priority
    named with its number: a valid scenario, each default counted."""
    folder = example(tmp_path, "connectwise")
    edit_json(folder / "tickets.json", lambda items: items[1].pop("_info"))
    edit_json(
        folder / "tickets.json",
        lambda items: items[2].update(priority={"id": 12, "name": "Priority 3 (new name)"}),
    )
    edit_json(folder / "members.json", lambda items: items[0].pop("calendar"))
    imported = run_import(folder, "connectwise")
    defaulted = imported.summary.defaulted
    assert defaulted["opened at the horizon start (no created date)"] == 1
    assert defaulted["priority 'Priority 3 (new name)' read as P3"] == 1
    assert (
        defaulted["member hours: weekdays 08:00-18:00 (no calendar, no hours in the mapping)"] == 1
    )
    load_scenario_text(imported.text, "day.yaml", folder)
