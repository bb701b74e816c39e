"""Unassigned tickets: a must-assign ticket is not deferred, and no_eligible_engineer is
not claimed for a ticket someone can take."""

from __future__ import annotations

from typing import Any

from tests.checker.support import (
    board_jobs,
    check_board,
    rules,
)


def test_must_assign_ticket_deferred_is_caught(board: Any) -> None:
    """T3 has must_assign: it may stay unassigned only for a reason other than deferred."""
    jobs = board_jobs()
    del jobs["T3"]
    unassigned = [{"ticket": "T3", "reason": "deferred", "detail": "no time"}]
    assert rules(check_board(board, jobs, unassigned=unassigned)) == {"must_assign"}


def test_no_eligible_engineer_claimed_for_a_ticket_someone_can_take_is_caught(board: Any) -> None:
    jobs = board_jobs()
    del jobs["T8"]
    unassigned = [{"ticket": "T8", "reason": "no_eligible_engineer", "detail": "nobody"}]
    assert rules(check_board(board, jobs, unassigned=unassigned)) == {"unassigned_reason"}
