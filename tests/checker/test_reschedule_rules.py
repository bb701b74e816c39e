"""The rules of a rescheduled plan: disruption recounted against the base plan,
completed and running work kept, nothing new before now, absences and cuts honoured."""

from __future__ import annotations

from typing import Any

import pytest

from dispatcher.checker import check_plan
from tests.checker.support import (
    assert_objective,
    board_jobs,
    board_plan,
    job,
    rules,
)

NOW = "2026-11-30T10:30:00+00:00"


def reschedule_block(events: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"now": NOW, "base_plan_sha256": "b" * 64, "added_tickets": [], "events": events or []}


def completed_board() -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """At 10:30, T1 and T3 are done (completed); T2 and T4 are running."""
    jobs = board_jobs()
    completed = [
        {key: jobs[ticket][key] for key in ("ticket", "engineer", "start", "end")}
        for ticket in ("T1", "T3")
    ]
    del jobs["T1"], jobs["T3"]
    return completed, jobs


def test_reschedule_moving_and_reassigning_counts_disruption(board: Any) -> None:
    """Re-plan at 10:30. Completed T1, T3 add nothing (T1's travel is not counted, but Ann is
    still at site-1, so T2 keeps its 23 min). T5 moves to Ann 11:00 (another engineer:
    reassigned, 0.5); T8 moves 14:00 -> 16:00 with Ben (> 15 min: moved, 0.1)."""
    base = board_plan(board, board_jobs())
    completed, jobs = completed_board()
    jobs["T5"] = job("T5", "ann", "2026-11-30T11:00", "2026-11-30T12:00")
    jobs["T8"] = job("T8", "ben", "2026-11-30T16:00", "2026-11-30T16:30")
    travel = 0.1 * 23 / 60
    objective = {
        "total": travel + 0.6,
        "sla_risk": 0.0,
        "lateness": 0.0,
        "deferral": 0.0,
        "travel": travel,
        "preference": 0.0,
        "disruption": 0.6,
    }
    plan = board_plan(
        board, jobs, objective=objective, completed=completed, reschedule=reschedule_block()
    )
    report = check_plan(board, plan, base=base)
    assert report.ok, [str(v) for v in report.violations]
    assert_objective(report, objective)


def test_reschedule_changing_completed_work_or_starting_in_the_past_is_caught(
    board: Any,
) -> None:
    """Completed T1 must keep its times; a future job (T5) may not start before now."""
    base = board_plan(board, board_jobs())
    completed, jobs = completed_board()
    completed[0]["end"] = "2026-11-30T09:00"
    jobs["T5"] = job("T5", "ann", "2026-11-30T08:00", "2026-11-30T08:10")
    plan = board_plan(board, jobs, completed=completed, reschedule=reschedule_block())
    found = rules(check_plan(board, plan, base=base))
    assert {"completed_changed", "before_now"} <= found


def test_reschedule_respects_an_unavailable_engineer(board: Any) -> None:
    """Ben is unavailable Mon 13:00-17:00: his afternoon is no longer shift time, so T6
    kept at 13:00 on Ben starts outside his shifts."""
    base = board_plan(board, board_jobs())
    completed, jobs = completed_board()
    events: list[dict[str, Any]] = [
        {
            "type": "unavailable",
            "engineer": "ben",
            "from": "2026-11-30T13:00:00+00:00",
            "to": "2026-11-30T17:00:00+00:00",
            "cut": [],
        }
    ]
    plan = board_plan(board, jobs, completed=completed, reschedule=reschedule_block(events))
    assert "outside_shift" in rules(check_plan(board, plan, base=base))


def test_reschedule_with_a_cut_job_and_a_done_job(board: Any) -> None:
    """At 10:30 Ann becomes unavailable for the rest of the horizon: her running T2 is cut
    (the 55 minutes worked are recorded in the event) and, with nobody else able to go
    on-site, left unassigned; a cut counts as one reassignment (0.5). Ben's running T4 is
    marked done at 10:30, so T5 moves up from 11:00 to 10:30 (> 15 min: moved, 0.1)."""
    base = board_plan(board, board_jobs())
    completed, jobs = completed_board()
    completed.append({"ticket": "T4", "engineer": "ben", "start": "2026-11-30T10:00", "end": NOW})
    del jobs["T2"], jobs["T4"]
    jobs["T5"] = job("T5", "ben", "2026-11-30T10:30", "2026-11-30T11:30")
    events: list[dict[str, Any]] = [
        {
            "type": "unavailable",
            "engineer": "ann",
            "from": NOW,
            "to": "2026-12-01T18:00",
            "cut": [{"ticket": "T2", "engineer": "ann", "start": "2026-11-30T09:35", "end": NOW}],
        },
        {"type": "done", "ticket": "T4"},
    ]
    unassigned = [{"ticket": "T2", "reason": "window_unreachable", "detail": "Ann is away"}]
    plan = board_plan(
        board,
        jobs,
        unassigned=unassigned,
        completed=completed,
        reschedule=reschedule_block(events),
        base=base,
    )
    report = check_plan(board, plan, base=base)
    assert report.ok, [str(v) for v in report.violations]
    assert report.objective["disruption"] == pytest.approx(0.6)

    # Keeping T2 on Ann after she became unavailable is work outside her shifts.
    jobs["T2"] = job("T2", "ann", "2026-11-30T10:30", "2026-11-30T10:35", travel=0)
    plan = board_plan(board, jobs, completed=completed, reschedule=reschedule_block(events))
    assert "outside_shift" in rules(check_plan(board, plan, base=base))
