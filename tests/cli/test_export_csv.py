"""``dispatch export --format csv``: every ticket of the plan, with its status.

Assigned rows keep the columns and values they always had; completed work (before a
reschedule) and unassigned tickets are rows too, an unassigned one with its reason
and detail. New columns come after the old ones.
"""

from __future__ import annotations

import csv
from pathlib import Path

from dispatcher.views.export import CSV_COLUMNS, STATUSES
from tests.cli.test_cli import NORTHSIDE, northside_plan, read_json, run, stderr_of

__all__ = ["northside_plan"]

OLD_COLUMNS = (
    "ticket", "client", "tier", "priority", "engineer", "start", "end", "travel_minutes",
    "response_due", "resolution_due", "response_risk", "resolution_risk", "summary",
    "crew", "crew_travel_minutes",
)  # fmt: skip


def _rows(plan: Path, out: Path, *more: str) -> list[dict[str, str]]:
    result = run("export", NORTHSIDE, plan, "--format", "csv", "-o", out, *more)
    assert result.exit_code == 0, result.output + stderr_of(result)
    with out.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def test_new_columns_come_after_the_old_ones() -> None:
    assert CSV_COLUMNS[: len(OLD_COLUMNS)] == OLD_COLUMNS
    assert CSV_COLUMNS[len(OLD_COLUMNS) :] == ("status", "reason", "detail")


def test_every_ticket_of_a_rescheduled_plan_is_a_row(northside_plan: Path, tmp_path: Path) -> None:
    after = tmp_path / "after.json"
    result = run(
        "reschedule", NORTHSIDE, "--plan", northside_plan, "--now", "2026-11-30T11:00",
        "-o", after, "--time-limit", "1", "--workers", "1", "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.output + stderr_of(result)
    plan = read_json(after)
    rows = _rows(after, tmp_path / "after.csv")
    by_status = {
        status: [r["ticket"] for r in rows if r["status"] == status] for status in STATUSES
    }
    assert by_status["assigned"] == [a["ticket"] for a in plan["assignments"]]
    assert sorted(by_status["completed"]) == sorted(c["ticket"] for c in plan["completed"])
    assert by_status["unassigned"] == [u["ticket"] for u in plan["unassigned"]]
    assert plan["completed"] and plan["unassigned"], "the case covers all three statuses"
    scenario_tickets = NORTHSIDE.read_text(encoding="utf-8").count("\n  - id: T-")
    assert len({r["ticket"] for r in rows}) == scenario_tickets
    for row, entry in zip(
        (r for r in rows if r["status"] == "unassigned"), plan["unassigned"], strict=True
    ):
        assert (row["reason"], row["detail"]) == (entry["reason"], entry["detail"])
        assert row["engineer"] == row["start"] == ""
        assert row["response_due"] and row["resolution_due"]
    for row in rows:
        if row["status"] != "unassigned":
            assert row["reason"] == row["detail"] == ""
            assert row["engineer"] and row["start"] and row["end"]


def test_one_engineers_csv_holds_their_work_only(northside_plan: Path, tmp_path: Path) -> None:
    rows = _rows(northside_plan, tmp_path / "dan.csv", "--engineer", "dan")
    assert rows and all(r["status"] == "assigned" for r in rows)
    assert all(r["engineer"] == "dan" or "dan" in r["crew"].split(";") for r in rows)
