"""Tier caps: jobs of a tier count on [start, end), and one too many is caught."""

from __future__ import annotations

from typing import Any

from tests.checker.support import (
    board_jobs,
    check_board,
    job,
    rules,
)


def test_back_to_back_break_fix_jobs_respect_the_cap_of_one(board: Any) -> None:
    """Tier cap break_fix = 1 counts jobs on [S, F): T4 ends 11:00 as T5 starts 11:00
    on another engineer, so at no minute do two run."""
    jobs = board_jobs()
    jobs["T5"] = job("T5", "ann", "2026-11-30T11:00", "2026-11-30T12:00")
    report = check_board(board, jobs)
    assert report.ok, [str(v) for v in report.violations]


def test_exceeded_tier_cap_is_caught(board: Any) -> None:
    """T5 on Ann 10:35-11:35 while T4 runs on Ben 10:00-11:00: two break-fix jobs at
    once, over the cap of one."""
    jobs = board_jobs()
    jobs["T5"] = job("T5", "ann", "2026-11-30T10:35", "2026-11-30T11:35")
    assert rules(check_board(board, jobs)) == {"tier_cap"}
