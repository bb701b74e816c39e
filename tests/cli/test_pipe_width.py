"""Piped output (stdout not a terminal) is plain and untruncated: tables are as wide as
their content, never cut at 80 columns ("respon…"), unless COLUMNS says a width."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dispatcher.views.terminal import PIPE_WIDTH, SafeConsole
from tests.cli.test_cli import NORTHSIDE, northside_plan, run, stderr_of

__all__ = ["northside_plan"]


def test_a_console_on_a_pipe_is_wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    assert SafeConsole(file=io.StringIO()).width == PIPE_WIDTH
    assert SafeConsole(file=io.StringIO(), width=50).width == 50


def test_columns_still_sets_the_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    assert SafeConsole(file=io.StringIO()).width == 60


def test_show_piped_cuts_no_table(northside_plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    result = run("show", NORTHSIDE, northside_plan)
    assert result.exit_code == 0, result.output + stderr_of(result)
    assert "…" not in result.output
    assert "resolution due" in result.output and "expected breaches" in result.output
    assert max(len(line) for line in result.output.splitlines()) > 80


def test_show_with_columns_keeps_that_width(
    northside_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    result = run("show", NORTHSIDE, northside_plan)
    assert result.exit_code == 0, result.output + stderr_of(result)
    tables = [line for line in result.output.splitlines() if line[:1] in "┏┃│└"]
    assert tables and max(len(line) for line in tables) <= 60


def test_show_piped_is_as_wide_as_its_content(
    northside_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every table ends one space after its widest cell: none is padded out to the
    PIPE_WIDTH of a pipe ("the day" with its wrapping job lines included)."""
    monkeypatch.delenv("COLUMNS", raising=False)
    result = run("show", NORTHSIDE, northside_plan)
    assert result.exit_code == 0, result.output + stderr_of(result)
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) < PIPE_WIDTH // 2
    the_day = lines[lines.index("the day") + 1 :]
    rows = [line for line in the_day if line.startswith("│")]
    assert rows and any(line[-3] != " " for line in rows)  # '... T-1102* │'


def test_at_risk_table_at_80_columns_cuts_no_word(
    northside_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 80 columns the engineer and due columns give their spare width to the
    client's name: 'responded' and every client word survive whole."""
    monkeypatch.setenv("COLUMNS", "80")
    result = run("show", NORTHSIDE, northside_plan)
    assert result.exit_code == 0, result.output + stderr_of(result)
    start = result.output.index("weightiest first")
    at_risk = result.output[start : result.output.index("travel:", start)]
    assert max(len(line) for line in at_risk.splitlines()) <= 80
    assert "…" not in at_risk
    assert "responded" in at_risk  # T-1008, responded already, unassigned
    for word in ("Harbour", "Dental", "Practice", "unassigned", "resolution"):
        assert word in at_risk
