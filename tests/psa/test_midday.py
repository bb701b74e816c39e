"""The dispatcher's day with a PSA, from the command line: import, plan, push; at noon a
new export (a ticket closed, one new, one re-prioritised), imported with the pushed plan,
re-planned with --rebase, checked alone and against the morning plan, and pushed again
(only what changed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from dispatcher.cli import main
from dispatcher.io.loader import load_scenario
from tests.psa.support import edit_json, example
from tests.psa.test_writeback import FakeConnectWise

FAST = ["--time-limit", "1", "--workers", "1", "--seed", "0"]


def _ok(args: list[str]) -> str:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


def _push(requests_file: Path, entries_file: Path) -> None:
    psa = FakeConnectWise(json.loads(entries_file.read_text()))
    for request in json.loads(requests_file.read_text())["requests"]:
        psa.apply(request)
    entries_file.write_text(json.dumps(list(psa.entries.values())))


def test_a_day_with_connectwise(tmp_path: Path) -> None:
    folder = example(tmp_path, "connectwise")
    mapping = str(folder / "mapping.yaml")
    day = ["--date", "2026-11-30"]
    morning, morning_plan = tmp_path / "morning.yaml", tmp_path / "morning-plan.json"
    _ok(["import", "connectwise", str(folder), "--mapping", mapping, *day, "-o", str(morning)])
    _ok(["plan", str(morning), "-o", str(morning_plan), *FAST, "--quiet"])
    pushed = tmp_path / "morning-requests.json"
    _ok(["export", str(morning), str(morning_plan), "--format", "connectwise", "-o", str(pushed)])
    _push(pushed, folder / "schedule-entries.json")

    # Noon: the firewall is fixed (closed), a new call came in, the VPN ticket became P1.
    def noon(items: list[dict[str, Any]]) -> None:
        items[0].update(closedFlag=True, status={"id": 20, "name": ">Closed"})
        items[3]["priority"] = {"id": 7, "name": "Priority 1 - Emergency Response"}
        new = json.loads(json.dumps(items[1]))
        new.update(id=512099, summary="Reception PC will not boot")
        new["_info"]["dateEntered"] = "2026-11-30T11:50:00Z"
        items.append(new)

    edit_json(folder / "tickets.json", noon)
    midday, midday_plan = tmp_path / "midday.yaml", tmp_path / "midday-plan.json"
    imported = _ok(
        [
            "import",
            "connectwise",
            str(folder),
            "--mapping",
            mapping,
            *day,
            "--plan",
            str(morning_plan),
            "-o",
            str(midday),
        ]
    )
    assert "bookings of the pushed plan (not pinned)" in imported
    printed = _ok(
        [
            "reschedule",
            str(midday),
            "--plan",
            str(morning_plan),
            "--now",
            "2026-11-30T12:00",
            "--rebase",
            "-o",
            str(midday_plan),
            *FAST,
        ]
    )
    assert "512001" in printed and "512099" in printed
    _ok(["check", str(midday), str(midday_plan)])
    _ok(["check", str(midday), str(midday_plan), "--base", str(morning_plan)])
    plan = json.loads(midday_plan.read_text())
    listed = [
        entry["ticket"]
        for part in ("assignments", "unassigned", "completed")
        for entry in plan[part]
    ]
    scenario_ids = {t.id for t in load_scenario(midday).scenario.tickets}
    assert scenario_ids <= set(listed) and len(set(listed)) == len(listed)
    closed = {c["ticket"] for c in plan["reschedule"]["rebase"]["closed"]}
    assert closed == {"512001"}
    again = tmp_path / "noon-requests.json"
    _ok(
        [
            "export",
            str(midday),
            str(midday_plan),
            "--format",
            "connectwise",
            "-o",
            str(again),
            "--base",
            str(morning_plan),
        ]
    )
    sent = json.loads(again.read_text())["requests"]
    assert any(r["ticket"] == "512099" and r["method"] == "POST" for r in sent)
    assert not any(r["ticket"] == "512001" for r in sent)  # closed: its entry stays
    unchanged = {(a["ticket"], a["engineer"], a["start"]) for a in plan["assignments"]} & {
        (a["ticket"], a["engineer"], a["start"])
        for a in json.loads(morning_plan.read_text())["assignments"]
    }
    assert not any((r["ticket"], r["engineer"]) in {(t, e) for t, e, _ in unchanged} for r in sent)
