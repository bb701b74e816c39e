"""The group's options after the command: ``dispatch plan X -o Y -v`` works like
``dispatch -v plan X -o Y``."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from dispatcher.cli import main
from tests.cli.test_cli import NORTHSIDE, run, stderr_of


def _solver_logs(caplog: pytest.LogCaptureFixture, *args: str | Path) -> list[str]:
    caplog.clear()
    with caplog.at_level(logging.NOTSET):
        result = run(*args)
    assert result.exit_code == 0, result.output + stderr_of(result)
    return [r.getMessage() for r in caplog.records if r.name.startswith("dispatcher.solver")]


@pytest.mark.parametrize("flag", ["-v", "--verbose"])
def test_verbose_after_the_command_logs_like_before_it(
    flag: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    quiet = ("--time-limit", "0.5", "--workers", "1", "--quiet")
    before = _solver_logs(caplog, flag, "plan", NORTHSIDE, "-o", tmp_path / "a.json", *quiet)
    after = _solver_logs(caplog, "plan", NORTHSIDE, "-o", tmp_path / "b.json", *quiet, flag)
    plain = _solver_logs(caplog, "plan", NORTHSIDE, "-o", tmp_path / "c.json", *quiet)
    assert before and after, "verbose logs the solver's progress"
    assert not plain, "without -v nothing below a warning is logged"


def test_every_command_accepts_verbose_after_it() -> None:
    for name, command in main.commands.items():
        flags = {flag for param in command.params for flag in param.opts}
        assert {"-v", "--verbose"} <= flags, name


def test_verbose_after_validate_changes_nothing_of_its_output() -> None:
    assert run("validate", NORTHSIDE, "-v").output == run("validate", NORTHSIDE).output
