"""The ``dispatch`` entry point (``cli.run``) ends the process without the interpreter's
teardown: the exit code, everything printed and every file written must survive that."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.scenarios import SCENARIOS

NORTHSIDE = SCENARIOS / "northside.yaml"


def _dispatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dispatcher.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_a_command_that_succeeds_exits_0_with_all_its_output() -> None:
    done = _dispatch("validate", str(NORTHSIDE))
    assert done.returncode == 0
    assert done.stdout.startswith("Northside IT, Monday: valid")
    # The last line, printed just before the exit, arrived whole.
    assert done.stdout.splitlines()[-1].startswith("travel matrix ")
    assert done.stdout.endswith("row(s) naming other sites skipped\n")


def test_bad_input_still_exits_2_with_its_message(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    done = _dispatch("validate", str(missing))
    assert done.returncode == 2
    assert "missing.yaml" in done.stderr
    assert "scenario file not found" in done.stderr


def test_a_plan_written_by_the_command_is_whole_and_checks(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    done = _dispatch(
        "-v", "plan", str(NORTHSIDE), "-o", str(plan), "--time-limit", "2", "--workers", "1"
    )
    assert done.returncode == 0, done.stderr
    assert f"plan written to {plan}" in done.stdout.replace("\n", "")
    assert "start-up" in done.stderr  # the log reached stderr before the exit
    content = json.loads(plan.read_text())
    assert content["format"] == "dispatch-plan/2"
    checked = _dispatch("check", str(NORTHSIDE), str(plan))
    assert checked.returncode == 0, checked.stdout + checked.stderr
