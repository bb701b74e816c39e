"""The rules of each assignment: eligibility, shifts and where work ends, window,
booking, opened time, and the due times and risks it reports."""

from __future__ import annotations

from typing import Any

from tests.checker.support import (
    board_jobs,
    check_board,
    job,
    rules,
)


def test_ineligible_engineer_is_caught(board: Any) -> None:
    """T2 (on-site, network>=1) given to Ben, who is remote-only without network."""
    jobs = board_jobs()
    jobs["T2"] = job("T2", "ben", "2026-12-01T08:00", "2026-12-01T09:00")
    report = check_board(board, jobs)
    assert rules(report) == {"ineligible"}
    assert "network>=1" in report.violations[0].message


def test_start_outside_shifts_is_caught(board: Any) -> None:
    """T2 starting 12:10, in Ann's lunch break, is not inside a shift (it would pause
    until 13:00 and end 14:00, which is otherwise consistent)."""
    jobs = board_jobs()
    jobs["T2"] = job("T2", "ann", "2026-11-30T12:10", "2026-11-30T14:00", travel=23)
    assert rules(check_board(board, jobs)) == {"outside_shift"}


def test_wrong_end_is_caught(board: Any) -> None:
    """T1 needs 60 shift minutes: from 08:12 it ends 09:12, not 09:00."""
    jobs = board_jobs()
    jobs["T1"] = job("T1", "ann", "2026-11-30T08:12", "2026-11-30T09:00", travel=12)
    assert rules(check_board(board, jobs)) == {"wrong_end"}


def test_work_pausing_over_lunch_must_end_after_it(board: Any) -> None:
    """T3 (2 h) from Ann's 11:00: 1 h before lunch, pause, 1 h from 13:00 -> 14:00.
    Ending at 13:00 (2 wall-clock hours) is the wrong amount of shift time."""
    jobs = board_jobs()
    jobs["T3"] = job("T3", "ann", "2026-11-30T11:00", "2026-11-30T14:00")
    assert check_board(board, jobs).ok
    jobs["T3"] = job("T3", "ann", "2026-11-30T11:00", "2026-11-30T13:00")
    assert "wrong_end" in rules(check_board(board, jobs))


def test_broken_window_is_caught(board: Any) -> None:
    """T6's window is 13:00-14:00 for its start; 14:30 is outside."""
    jobs = board_jobs()
    jobs["T6"] = job("T6", "ben", "2026-11-30T14:30", "2026-11-30T15:00")
    assert rules(check_board(board, jobs)) == {"window"}


def test_broken_fixed_start_is_caught(board: Any) -> None:
    """T7 is booked for 15:00; starting it 15:30 breaks the appointment."""
    jobs = board_jobs()
    jobs["T7"] = job("T7", "ben", "2026-11-30T15:30", "2026-11-30T16:00")
    assert rules(check_board(board, jobs)) == {"fixed_start"}


def test_start_before_opened_is_caught(board: Any) -> None:
    """T8 was opened at 14:00; no work may start on it at 13:30."""
    jobs = board_jobs()
    jobs["T8"] = job("T8", "ben", "2026-11-30T13:30", "2026-11-30T14:00")
    assert rules(check_board(board, jobs)) == {"before_opened"}


def test_misreported_risk_and_due_are_caught(board: Any) -> None:
    """Per-assignment risks and due instants are recomputed: T3's resolution risk is 0
    and its response was due 12:00."""
    jobs = board_jobs()
    jobs["T3"]["resolution_risk"] = 0.5
    jobs["T4"]["response_due"] = "2026-11-30T11:30"
    assert rules(check_board(board, jobs)) == {"risk", "due"}
