"""A plan survives harmless edits of its scenario file (comments, formatting, key order)
in the views and re-plans, and is refused, naming what changed, when the meaning did;
``dispatch check`` keeps the SPEC's byte identity."""

from __future__ import annotations

import logging

import pytest
from click.testing import CliRunner

from dispatcher.api import reschedule_plan, solve_scenario
from dispatcher.cli import main
from dispatcher.errors import InputError
from dispatcher.io.identity import match_plan
from dispatcher.io.loader import load_scenario_text
from tests.scenarios import scenario_text

DAY = """
engineers:
  - {id: alice, home: alice-home, shifts: [{start: 2026-11-30T08:00, end: 2026-11-30T17:00}]}
tickets:
  - {id: T-1, client: northwind, priority: P2, opened: 2026-11-30T07:00, effort: 2h}
  - {id: T-2, client: northwind, priority: P3, opened: 2026-11-30T07:00, effort: 1h}
"""


def test_a_comment_or_new_layout_keeps_the_plan(caplog: pytest.LogCaptureFixture) -> None:
    text = scenario_text(DAY)
    plan = solve_scenario(load_scenario_text(text, "a.yaml"), time_limit=0.5, workers=1)
    edited = "# edited by hand\n" + text.replace(
        "{id: T-2, client: northwind,", "{client: northwind, id: T-2,"
    )
    problem = load_scenario_text(edited, "b.yaml")
    assert problem.sha256 != plan.scenario.sha256
    with caplog.at_level(logging.WARNING):
        match_plan(problem, plan, "plan.json")
    assert "without changing its meaning" in caplog.text
    # A re-plan takes it too.
    result = reschedule_plan(problem, plan, "2026-11-30T10:00", time_limit=0.5, workers=1)
    assert {a.ticket for a in result.plan.assignments} <= {"T-1", "T-2"}


def test_a_changed_meaning_is_refused_naming_the_part() -> None:
    text = scenario_text(DAY)
    plan = solve_scenario(load_scenario_text(text, "a.yaml"), time_limit=0.5, workers=1)
    longer = load_scenario_text(text.replace("effort: 1h", "effort: 90m"), "b.yaml")
    with pytest.raises(InputError, match="tickets changed since it was made"):
        match_plan(longer, plan, "plan.json")
    later = load_scenario_text(
        text.replace("end: 2026-11-30T17:00", "end: 2026-11-30T16:00"), "c.yaml"
    )
    with pytest.raises(InputError, match="engineers changed"):
        match_plan(later, plan, "plan.json")


def test_check_keeps_the_byte_identity(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = scenario_text(DAY)
    (tmp_path / "a.yaml").write_text(text)
    (tmp_path / "b.yaml").write_text("# a comment\n" + text)
    runner = CliRunner()
    made = runner.invoke(
        main,
        [
            "plan",
            str(tmp_path / "a.yaml"),
            "-o",
            str(tmp_path / "p.json"),
            "--time-limit",
            "1",
            "--quiet",
        ],
    )
    assert made.exit_code == 0, made.output
    shown = runner.invoke(main, ["show", str(tmp_path / "b.yaml"), str(tmp_path / "p.json")])
    assert shown.exit_code == 0, shown.output
    checked = runner.invoke(main, ["check", str(tmp_path / "b.yaml"), str(tmp_path / "p.json")])
    assert checked.exit_code == 2 and "another scenario" in checked.output
