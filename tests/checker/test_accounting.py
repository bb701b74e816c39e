"""The plan as a whole: made for this scenario, and every ticket in exactly one place."""

from __future__ import annotations

from typing import Any

from dispatcher.checker import check_plan
from tests.checker.support import (
    board_jobs,
    board_plan,
    check_board,
    job,
    rules,
)


def test_missing_ticket_is_caught(board: Any) -> None:
    """Every scenario ticket must appear once; T3 appears nowhere."""
    jobs = board_jobs()
    del jobs["T3"]
    report = check_board(board, jobs)
    assert rules(report) == {"missing_ticket"}
    assert report.violations[0].ticket == "T3"


def test_duplicated_ticket_is_caught(board: Any) -> None:
    """T6 both assigned and listed as unassigned: a ticket appears exactly once."""
    unassigned = [{"ticket": "T6", "reason": "window_unreachable", "detail": "x"}]
    report = check_board(board, board_jobs(), unassigned=unassigned)
    assert "duplicate_ticket" in rules(report)


def test_unknown_ticket_is_caught(board: Any) -> None:
    """A plan may not invent tickets the scenario lacks."""
    jobs = [*board_jobs().values(), job("T99", "ben", "2026-12-01T10:00", "2026-12-01T11:00")]
    assert rules(check_board(board, jobs)) == {"unknown_ticket"}


def test_plan_for_another_scenario_is_caught(board: Any) -> None:
    """The plan names the sha256 of the scenario it was made for."""
    plan = board_plan(board, board_jobs())
    plan.scenario.sha256 = "0" * 64
    assert rules(check_plan(board, plan)) == {"scenario_mismatch"}
