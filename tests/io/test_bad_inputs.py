"""Bad input through the command line: one exact message, exit 2, never a traceback.

Dispatchers feed the tool exports from other systems, hand-edited YAML and stale
plans. Each case below is a small file (most often the one-engineer ``BASE``
scenario with one thing changed), a command, and the exact ``error:`` line it
must print on stderr: the file, the line and the field path, then a message a
person can act on. ``tests/io/test_validation.py`` and ``test_cross_checks.py``
cover the scenario rules at the loader; these cases run end to end through ``dispatch`` and cover what those do
not: YAML itself, types, tags, encodings, limits of dates and numbers, plan
files, the command line's own arguments, and files added to a plan.

The cases live in ``bad_scenario_cases`` and ``bad_command_cases``, made with the
kit in ``bad_input_kit``; this module runs them.

A scenario without engineers or without tickets is not bad input: it plans to
an empty or all-unassigned plan that ``check`` accepts (at the end).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import main
from tests.io.bad_command_cases import COMMAND_CASES
from tests.io.bad_input_kit import BASE, REAL_PLAN, Case, Prefix
from tests.io.bad_scenario_cases import SCENARIO_CASES

CASES = [*SCENARIO_CASES, *COMMAND_CASES]

# --- running the cases --------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_plan(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The plan dispatch makes of BASE (one short solve for the whole module)."""
    folder = tmp_path_factory.mktemp("real-plan")
    (folder / "s.yaml").write_text(BASE, encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            *("plan", str(folder / "s.yaml"), "-o", str(folder / "p.json")),
            *("--time-limit", "1", "--workers", "1", "--quiet"),
        ],
    )
    assert result.exit_code == 0, result.output
    return (folder / "p.json").read_text(encoding="utf-8")


def test_there_are_at_least_sixty_cases() -> None:
    assert len(CASES) >= 60
    assert len({case.id for case in CASES}) == len(CASES), "case ids are unique"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_gets_one_exact_message_and_exit_2(
    case: Case, real_plan: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, content in case.files.items():
        content = real_plan if content == REAL_PLAN else content
        if isinstance(content, bytes):
            (tmp_path / name).write_bytes(content)
        else:
            (tmp_path / name).write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # file names in the messages stay as typed: s.yaml
    result = CliRunner().invoke(main, list(case.args), env=case.env)
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.output + result.stderr
    assert result.exit_code == 2, result.output + result.stderr
    assert len(lines) == len(case.expected), result.stderr
    for line, expected in zip(lines, case.expected, strict=True):
        if isinstance(expected, Prefix):
            assert line.startswith(expected.text) and expected.then in line, line
        else:
            assert line == expected
    assert not {"n.json", "x.csv"} & {path.name for path in tmp_path.iterdir()}, (
        "nothing is written on bad input"
    )


# --- empty days are not bad input ----------------------------------------------------------

NO_ENGINEERS = (
    BASE.split("engineers:")[0] + "engineers: []\n" + "tickets:" + BASE.split("tickets:")[1]
)
NO_TICKETS = BASE.split("tickets:")[0] + "tickets: []\n"
NOTHING = BASE.split("engineers:")[0] + "engineers: []\ntickets: []\n"


@pytest.mark.parametrize(
    ("text", "assigned", "unassigned"),
    [(NO_ENGINEERS, 0, 2), (NO_TICKETS, 0, 0), (NOTHING, 0, 0)],
    ids=["no-engineers", "no-tickets", "neither"],
)
def test_an_empty_day_plans_and_checks(
    text: str, assigned: int, unassigned: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No engineers: both tickets unassigned with reason no_eligible_engineer; no tickets:
    an empty plan. Either way a valid plan that check accepts (exit 0), not an error."""
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["validate", "s.yaml"]).exit_code == 0
    made = runner.invoke(
        main, ["plan", "s.yaml", "-o", "p.json", "--time-limit", "1", "--workers", "1", "--quiet"]
    )
    assert made.exit_code == 0, made.output + made.stderr
    plan = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert len(plan["assignments"]) == assigned
    assert len(plan["unassigned"]) == unassigned
    assert {entry["reason"] for entry in plan["unassigned"]} <= {"no_eligible_engineer"}
    checked = runner.invoke(main, ["check", "s.yaml", "p.json"])
    assert checked.exit_code == 0, checked.output + checked.stderr
    assert "plan OK" in checked.output
