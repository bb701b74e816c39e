"""``impact`` on a job nobody can take: it says so plainly, with the reason's detail and
what would make it fit, and never prints "what taking it costs" as if it were taken.

The two-day office move (14 h of work) fits at 08:30 but not at 10:40: the horizon
then has 13.8 h of shift time left."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import NORTHSIDE, SCENARIOS, northside_plan, run, stderr_of

__all__ = ["northside_plan"]

MOVE = SCENARIOS / "two-day-visit.yaml"
FAST = ("--time-limit", "1", "--workers", "1")


def test_a_job_that_cannot_be_taken_is_said_plainly(northside_plan: Path) -> None:
    result = run("impact", NORTHSIDE, "--plan", northside_plan, "--now", "2026-11-30T10:40",
                 "--add", MOVE, *FAST)  # fmt: skip
    assert result.exit_code == 0, result.output + stderr_of(result)
    out = " ".join(result.output.split())
    assert "T-2102 cannot be taken: no_capacity: needs 14 h of shift time" in out
    assert "it would fit with" in out and "an earlier --now" in out
    assert "what taking it costs" not in out
    assert "taking it leaves unassigned" not in out
    assert "left unassigned" in out


def test_json_says_why_a_job_cannot_be_taken(northside_plan: Path) -> None:
    result = run("impact", NORTHSIDE, "--plan", northside_plan, "--now", "2026-11-30T10:40",
                 "--add", MOVE, "--json", *FAST)  # fmt: skip
    assert result.exit_code == 0, result.output + stderr_of(result)
    data = json.loads(result.stdout)
    assert data["engineer"] is None
    refusal = data["cannot_be_taken"]
    assert refusal["reason"] == "no_capacity"
    assert refusal["detail"].startswith("needs 14 h of shift time")
    assert refusal["would_fit"]


def test_a_job_that_can_be_taken_is_priced_as_before(northside_plan: Path) -> None:
    result = run("impact", NORTHSIDE, "--plan", northside_plan, "--now", "2026-11-30T08:30",
                 "--add", MOVE, "--json", *FAST)  # fmt: skip
    assert result.exit_code == 0, result.output + stderr_of(result)
    data = json.loads(result.stdout)
    assert data["engineer"] is not None and data["cannot_be_taken"] is None
    text = run("impact", NORTHSIDE, "--plan", northside_plan, "--now", "2026-11-30T08:30",
               "--add", MOVE, *FAST).output  # fmt: skip
    assert "T-2102 would go to" in text and "what taking it costs, by tier" in text
    assert "cannot be taken" not in text
