"""The summary on a big day: the two lists that grow with the tickets (at risk,
unassigned) are cut to ``SUMMARY_ROWS`` rows with one line that counts the rest and
names ``dispatch show ... --all``; a day under the cap prints as it always did.

A big day is made cheaply: the Northside day with nothing assigned (31 unassigned
tickets, most of them at risk), built by hand, and a small cap where a test needs one.
The drawing shortcuts (``_JobLine``, ``Line``) are checked against what rich itself
draws, in plain text and in colour, wide and narrow.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rich.columns import Columns
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from dispatcher.cli import main
from dispatcher.io.loader import load_scenario
from dispatcher.io.planfile import read_plan, write_plan
from dispatcher.semantics.problem import Problem
from dispatcher.views import report
from dispatcher.views.planview import PlanView
from dispatcher.views.report import print_summary, summary_rows
from dispatcher.views.terminal import Line
from models import Plan
from tests.scenarios import SCENARIOS
from tests.views.test_views import hand_plan

NORTHSIDE = SCENARIOS / "northside.yaml"


@pytest.fixture(scope="module")
def problem() -> Problem:
    return load_scenario(NORTHSIDE)


@pytest.fixture(scope="module")
def empty_plan(problem: Problem) -> Plan:
    """Every ticket of the day unassigned: 31 unassigned, most of them at risk."""
    return hand_plan(problem, [])


@pytest.fixture(scope="module")
def small_plan(problem: Problem) -> Plan:
    """Three jobs, the rest unassigned: lists under a cap of 40."""
    return hand_plan(problem, [("T-1001", "alice", 9, 69), ("T-1002", "priya", 0, 30)])


def printed(problem: Problem, plan: Plan, rows: report.Rows | None) -> str:
    stream = io.StringIO()
    console = Console(file=stream, width=250, highlight=False, color_system=None)
    print_summary(console, problem, plan, rows)
    return stream.getvalue()


def section(text: str, title: str, end: str) -> str:
    start = text.index(title)
    return text[start : text.index(end, start)]


def cli(*args: object) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def test_a_big_summary_shows_the_weightiest_rows_and_counts_the_rest(
    problem: Problem, empty_plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cap 5: the first 5 of each list in their order (weightiest, most costly first),
    then '... 26 more of 31 unassigned tickets: dispatch show ... --all lists them all'."""
    monkeypatch.setattr(report, "SUMMARY_ROWS", 5)
    view = PlanView(problem, empty_plan)
    risky, unassigned = view.at_risk(), view.unassigned
    assert len(risky) > 5 and len(unassigned) == 31
    text = printed(problem, empty_plan, summary_rows("day.yaml", "my plan.json"))
    command = "dispatch show day.yaml 'my plan.json' --all"

    at_risk = section(text, "at risk", "travel:")
    assert re.findall(r"│ (T-\d+)", at_risk) == [item.ticket.id for item in risky[:5]]
    assert at_risk.splitlines()[-1] == (
        f"... {len(risky) - 5} more of {len(risky)} tickets at risk: {command} lists them all"
    )
    cut = section(text, "┃ unassigned", "the day")
    assert re.findall(r"│ (T-\d+)", cut) == [item.ticket.id for item in unassigned[:5]]
    assert cut.splitlines()[-1] == (
        f"... 26 more of 31 unassigned tickets: {command} lists them all"
    )


def test_without_a_cap_every_row_is_printed(problem: Problem, empty_plan: Plan) -> None:
    """``--all`` (no limit): all 31 unassigned tickets, and no line counting more."""
    text = printed(problem, empty_plan, summary_rows("day.yaml", "plan.json", every_row=True))
    assert len(re.findall(r"│ (T-\d+)", section(text, "┃ unassigned", "the day"))) == 31
    assert " more of " not in text
    assert text == printed(problem, empty_plan, None)


def test_a_summary_under_the_cap_prints_as_before(
    problem: Problem, small_plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every list within the cap: the very text of the summary without one."""
    monkeypatch.setattr(report, "SUMMARY_ROWS", 40)
    view = PlanView(problem, small_plan)
    assert len(view.at_risk()) <= 40 and len(view.unassigned) <= 40
    rows = summary_rows("day.yaml", "plan.json")
    assert printed(problem, small_plan, rows) == printed(problem, small_plan, None)


def test_show_cuts_the_lists_and_show_all_prints_every_row(
    problem: Problem, empty_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``dispatch show`` names itself with --all on the cut lists; with --all it prints
    every row and no such line."""
    monkeypatch.setattr(report, "SUMMARY_ROWS", 3)
    plan_file = tmp_path / "plan.json"
    write_plan(empty_plan, plan_file)
    cut = cli("show", NORTHSIDE, plan_file)
    assert cut.exit_code == 0, cut.output
    assert f"... 28 more of 31 unassigned tickets: dispatch show {NORTHSIDE} {plan_file}" in (
        cut.output
    )
    every = cli("show", NORTHSIDE, plan_file, "--all")
    assert every.exit_code == 0, every.output
    assert " more of " not in every.output
    assert len(re.findall(r"│ (T-\d+)", section(every.output, "┃ unassigned", "the day"))) == 31
    assert len(every.output.splitlines()) > len(cut.output.splitlines())


def test_plan_summary_points_to_show_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The summary ``dispatch plan`` prints cuts the lists too, and names the show command
    of the plan it wrote."""
    monkeypatch.setattr(report, "SUMMARY_ROWS", 1)
    out = tmp_path / "plan.json"
    result = cli("plan", NORTHSIDE, "-o", out, "--time-limit", "0.5", "--workers", "1")
    assert result.exit_code == 0, result.output
    view = PlanView(load_scenario(NORTHSIDE), read_plan(out))
    risky = len(view.at_risk())
    assert risky > 1
    assert (
        f"... {risky - 1} more of {risky} tickets at risk: dispatch show {NORTHSIDE} {out} "
        "--all lists them all"
    ) in result.output


# --- drawing as rich draws -------------------------------------------------------------


def drawn(renderable: RenderableType, width: int, colour: bool) -> str:
    stream = io.StringIO()
    console = Console(
        file=stream,
        width=width,
        force_terminal=colour,
        color_system="truecolor" if colour else None,
        highlight=False,
    )
    console.print(renderable)
    return stream.getvalue()


JOBS = [
    ("08:00-09:00 T-1103", ""),
    ("09:00-10:00 T-1004!", "bold red"),
    ("10:00-11:30 T-1305*", "dim"),
    ("11:30-11:45 T-1007", ""),
    ("11:45-12:05 T-1207*!+1", "bold red"),
]


class RichJobLine(report._JobLine):
    """The same measure, drawn by rich's Columns (as the summary drew it before)."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        return Columns.__rich_console__(self, console, options)


def in_a_cell(line: RenderableType) -> Table:
    table = Table("engineer", "jobs in order")
    table.add_row("dan", line)
    return table


@pytest.mark.parametrize("width", [200, 70, 50, 30, 12])
@pytest.mark.parametrize("colour", [False, True])
def test_a_day_of_jobs_wraps_as_rich_columns_wrap_it(width: int, colour: bool) -> None:
    """Jobs per line, their columns, padding and styles: as rich's Columns draws them,
    down to a cell narrower than a job (then rich draws it)."""
    jobs = [Text(text, style=style) for text, style in JOBS]
    ours = drawn(in_a_cell(report._JobLine(jobs)), width, colour)
    theirs = drawn(in_a_cell(RichJobLine(jobs)), width, colour)
    assert ours == theirs


@pytest.mark.parametrize("width", [120, 40, 16])
@pytest.mark.parametrize("colour", [False, True])
def test_a_line_in_a_cell_is_drawn_as_rich_draws_text(width: int, colour: bool) -> None:
    """Padded to the column, in its style, wrapped by rich when the cell is too narrow."""

    def table(kind: type[Text]) -> Table:
        table = Table("engineer", "travel", "utilisation", title="engineers")
        table.add_row(kind("alice"), kind("87 min", style="bold red"), kind("67%"))
        table.add_row(kind("a-very-long engineer id"), kind("0 min"), kind("5%", style="dim"))
        return table

    assert drawn(table(Line), width, colour) == drawn(table(Text), width, colour)
