"""``dispatch simulate SCENARIO PLAN [--runs] [--seed] [--json]``: exit codes and output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.test_cli import (
    NORTHSIDE,
    NORTHSIDE_TRAVEL,
    assert_no_traceback,
    run,
    stderr_of,
)


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("simulate") / "plan.json"
    result = run("plan", NORTHSIDE, "-o", out, "--time-limit", "2", "--workers", "1")
    assert result.exit_code == 0, result.output + stderr_of(result)
    return out


def test_simulate_json_is_one_object_of_the_specs_shape(plan_file: Path) -> None:
    result = run("simulate", NORTHSIDE, plan_file, "--runs", "200", "--json")
    assert result.exit_code == 0, result.output + stderr_of(result)
    data = json.loads(result.output)
    assert data["runs"] == 200 and data["seed"] == 0
    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    for tier, kpi in plan["kpis"]["by_tier"].items():
        outcome = data["by_tier"][tier]
        assert outcome["promised"] == kpi["expected_breaches"]
        assert outcome["p10"] <= outcome["mean"] <= outcome["p90"]
    for item in data["tickets"]:
        assert 0 < item["breach_probability"] <= 1 and item["ticket"].startswith("T-")
    again = run("simulate", NORTHSIDE, plan_file, "--runs", "200", "--json")
    assert again.output == result.output


def test_simulate_prints_a_summary(plan_file: Path) -> None:
    result = run("simulate", NORTHSIDE, plan_file, "--runs", "200", "--seed", "5")
    assert result.exit_code == 0, result.output + stderr_of(result)
    assert "promised" in result.output and "most likely to breach" in result.output


def test_simulate_bad_input_exits_2(plan_file: Path, tmp_path: Path) -> None:
    missing = run("simulate", NORTHSIDE, tmp_path / "nope.json")
    assert missing.exit_code == 2
    assert_no_traceback(missing)
    zero = run("simulate", NORTHSIDE, plan_file, "--runs", "0")
    assert zero.exit_code == 2
    assert_no_traceback(zero)
    changed = tmp_path / "northside.yaml"  # another day: one ticket's effort changed
    text = NORTHSIDE.read_text(encoding="utf-8")
    changed.write_text(
        text.replace("effort: {p50: 1h, p90: 2h}", "effort: 3h", 1), encoding="utf-8"
    )
    shutil.copy(NORTHSIDE_TRAVEL, tmp_path / NORTHSIDE_TRAVEL.name)
    other = run("simulate", changed, plan_file)
    assert other.exit_code == 2
    assert "another scenario: tickets changed" in stderr_of(other)
    assert_no_traceback(other)
    commented = tmp_path / "commented.yaml"  # the same day, other bytes: still its plan
    commented.write_text(text + "\n# edited\n", encoding="utf-8")
    assert run("simulate", commented, plan_file, "--runs", "50").exit_code == 0


def test_simulate_a_rescheduled_plan(plan_file: Path, tmp_path: Path) -> None:
    """After an emergency at 10:40 and an absence, the new plan is carried out from 10:40:
    completed tickets are done (they count in no tier and never breach), and every ticket
    still open is reported once per tier total, as the plan's KPIs count them."""
    after = tmp_path / "after.json"
    emergency = NORTHSIDE.parent / "emergency.yaml"
    result = run(
        "reschedule", NORTHSIDE, "--plan", plan_file, "--now", "2026-11-30T10:40",
        "--add", emergency, "--unavailable", "ruth@2026-11-30T13:00/2026-11-30T15:00",
        "-o", after, "--time-limit", "2", "--workers", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output + stderr_of(result)
    simulated = run("simulate", NORTHSIDE, after, "--runs", "200", "--json")
    assert simulated.exit_code == 0, simulated.output + stderr_of(simulated)
    data = json.loads(simulated.output)
    plan = json.loads(after.read_text(encoding="utf-8"))
    completed = {entry["ticket"] for entry in plan["completed"]}
    assert completed, "by 10:40 some work is done"
    assert not completed & {item["ticket"] for item in data["tickets"]}
    for tier, kpi in plan["kpis"]["by_tier"].items():
        assert data["by_tier"][tier]["promised"] == kpi["expected_breaches"]
        assert data["by_tier"][tier]["p10"] <= data["by_tier"][tier]["p90"]


def test_other_effort_shapes_replay_the_same_plan(plan_file: Path) -> None:
    """--effort-shape: the same p50 and p90 spread another way; the report says which."""
    means = {}
    for shape in ("lognormal", "weibull", "normal"):
        result = run(
            "simulate", NORTHSIDE, plan_file, "--runs", "300", "--json", "--effort-shape", shape
        )
        assert result.exit_code == 0, result.output + stderr_of(result)
        data = json.loads(result.output)
        assert data["effort_shape"] == shape
        means[shape] = sum(outcome["mean"] for outcome in data["by_tier"].values())
    assert len(set(means.values())) > 1  # the shapes do not give the same runs
    terminal = run("simulate", NORTHSIDE, plan_file, "--runs", "50", "--effort-shape", "normal")
    assert "fresh normal efforts" in terminal.output


def test_an_unknown_effort_shape_exits_2(plan_file: Path) -> None:
    result = run("simulate", NORTHSIDE, plan_file, "--effort-shape", "pareto")
    assert result.exit_code == 2
    assert_no_traceback(result)
