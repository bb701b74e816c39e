"""``dispatch simulate SCENARIO PLAN --plot FILE.png``: the chart, its refusals, and a
missing matplotlib, from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.cli.test_cli import NORTHSIDE, assert_no_traceback, run, stderr_of

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("simulate-plot") / "plan.json"
    result = run("plan", NORTHSIDE, "-o", out, "--time-limit", "1", "--workers", "1", "--seed", "0")
    assert result.exit_code == 0, result.output + stderr_of(result)
    return out


def test_plot_writes_a_png_beside_the_summary(plan_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "chart.png"
    result = run("simulate", NORTHSIDE, plan_file, "--runs", "50", "--plot", out)
    assert result.exit_code == 0, result.output + stderr_of(result)
    assert out.read_bytes().startswith(PNG_SIGNATURE)
    assert "promised" in result.output and f"wrote {out}" in result.output


def test_plot_with_json_keeps_stdout_one_object(plan_file: Path, tmp_path: Path) -> None:
    import json

    out = tmp_path / "chart.png"
    result = run("simulate", NORTHSIDE, plan_file, "--runs", "50", "--json", "--plot", out)
    assert result.exit_code == 0, result.output + stderr_of(result)
    data = json.loads(result.output)
    assert {"runs", "seed", "by_tier", "tickets"} <= set(data)
    for outcome in data["by_tier"].values():
        assert {"promised", "mean", "p10", "p90"} <= set(outcome)
        assert sum(outcome["runs_by_breaches"]) == 50
    assert out.read_bytes().startswith(PNG_SIGNATURE)


@pytest.mark.parametrize("target", ["scenario", "plan"])
def test_plot_refuses_to_replace_an_input(plan_file: Path, target: str) -> None:
    path = NORTHSIDE if target == "scenario" else plan_file
    before = path.read_bytes()
    result = run("simulate", NORTHSIDE, plan_file, "--runs", "50", "--plot", path)
    assert result.exit_code == 2
    assert "input file" in stderr_of(result)
    assert_no_traceback(result)
    assert path.read_bytes() == before


def test_plot_onto_a_folder_exits_2(plan_file: Path, tmp_path: Path) -> None:
    result = run("simulate", NORTHSIDE, plan_file, "--runs", "50", "--plot", tmp_path)
    assert result.exit_code == 2
    assert_no_traceback(result)


def test_plot_without_matplotlib_is_one_clear_message(
    plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("matplotlib", "matplotlib.figure"):
        monkeypatch.setitem(sys.modules, name, None)  # import raises ImportError
    out = tmp_path / "chart.png"
    result = run("simulate", NORTHSIDE, plan_file, "--runs", "50", "--plot", out)
    assert result.exit_code == 2
    lines = stderr_of(result).strip().splitlines()
    assert lines == ["error: --plot: needs matplotlib: pip install 'msp-dispatch[plot]'"]
    assert result.stdout == ""  # refused before the work: no summary either
    assert_no_traceback(result)
    assert not out.exists()
