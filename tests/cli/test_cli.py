"""The ``dispatch`` command line (SPEC "Command line").

Exit codes are the contract scripts rely on: 0 fine, 1 a plan breaks a rule
(``check``), 2 bad input. Input errors are one clear message per issue on
stderr, naming file, line and field, and never a traceback. The one real
solve (``plan`` on the bundled Northside scenario, 2 s, 1 worker) is shared
by every test that needs a plan.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from dispatcher.cli import main
from dispatcher.io.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]
NORTHSIDE = ROOT / "scenarios" / "northside.yaml"
NORTHSIDE_TRAVEL = ROOT / "scenarios" / "northside-travel.csv"
SCENARIOS = ROOT / "scenarios"

INVALID = """\
version: 1
name: broken
timezone: Europe/London
horizon: {start: 2026-11-30T08:00, end: 2026-12-01T18:00}
sla_policies:
  gold: {tier: managed, clock: 24x7, targets: {P1: {response: 1h, resolution: 4h}}}
sites:
  hq: {lat: 51.5, lon: -0.1}
clients:
  - {id: acme, sla: gold, site: hq}
engineers:
  - id: alice
    home: hq
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T17:00}
tickets:
  - id: T-1
    client: acme
    priority: P1
    opened: 2026-11-30T08:00
    effort: {p50: 3h, p90: 1h}
"""
INVALID_P90_LINE = 1 + INVALID.splitlines().index("    effort: {p50: 3h, p90: 1h}")  # 21


def run(*args: str) -> Result:
    """Invoke the CLI in-process; exceptions become exit codes, as for a user."""
    return CliRunner().invoke(main, [str(arg) for arg in args])


def stderr_of(result: Result) -> str:
    """Click >= 8.2 keeps stderr apart; older versions mix it into output."""
    try:
        return result.stderr
    except ValueError:  # pragma: no cover - click < 8.2 without mix_stderr=False
        return result.output


def assert_no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    assert "Traceback" not in stderr_of(result)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), repr(result.exception)


@pytest.fixture(scope="module")
def northside_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real solve of the bundled scenario, shared by the plan and check tests."""
    out = tmp_path_factory.mktemp("plan") / "northside-plan.json"
    result = run("plan", NORTHSIDE, "-o", out, "--time-limit", "2", "--workers", "1", "--seed", "0")
    assert result.exit_code == 0, result.output + stderr_of(result)
    return out


def read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


# --- validate ------------------------------------------------------------------


def test_validate_bundled_scenario_prints_a_summary() -> None:
    """The bundled example is valid; the summary counts its engineers and tickets."""
    result = run("validate", NORTHSIDE)
    assert result.exit_code == 0, result.output + stderr_of(result)
    problem = load_scenario(NORTHSIDE)
    assert "engineers" in result.output and "tickets" in result.output
    assert str(len(problem.engineers)) in result.output
    assert str(len(problem.tickets)) in result.output
    assert stderr_of(result) == ""


def test_validate_invalid_file_exits_2_naming_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(INVALID, encoding="utf-8")
    assert INVALID_P90_LINE == 21
    result = run("validate", path)
    assert result.exit_code == 2
    err = stderr_of(result)
    assert f"{path}:{INVALID_P90_LINE}: tickets[0].effort.p90" in err
    assert err.startswith("error: ")
    assert_no_traceback(result)


def test_validate_reports_every_error_of_the_file(tmp_path: Path) -> None:
    """All errors of a file are reported together, one 'error:' line each."""
    text = INVALID.replace("client: acme", "client: nobody").replace("home: hq", "home: nowhere")
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 2
    err = stderr_of(result)
    assert "tickets[0].client" in err
    assert "engineers[0].home" in err
    assert err.count("error: ") >= 2
    assert_no_traceback(result)


def test_validate_bad_yaml_exits_2_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "version: 1\nname: [unclosed\nhorizon: {start: 2026-11-30T08:00}\n", encoding="utf-8"
    )
    result = run("validate", path)
    assert result.exit_code == 2
    assert f"{path}:" in stderr_of(result)
    assert_no_traceback(result)


def test_validate_missing_file_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-scenario.yaml"
    result = run("validate", missing)
    assert result.exit_code == 2
    assert "no-such-scenario.yaml" in stderr_of(result) + result.output
    assert_no_traceback(result)


# --- plan and check --------------------------------------------------------------


def test_plan_writes_a_complete_plan_file(northside_plan: Path) -> None:
    """Every scenario ticket appears exactly once, assigned or unassigned (none lost, none doubled)."""
    data = read_json(northside_plan)
    assert data["format"] == "dispatch-plan/2"
    problem = load_scenario(NORTHSIDE)
    assert data["scenario"]["sha256"] == problem.sha256
    assert data["scenario"]["name"] == problem.name
    assert data["solver"]["status"] in ("optimal", "feasible", "fallback")
    assert data["solver"]["seed"] == 0
    for part in ("total", "sla_risk", "lateness", "deferral", "travel", "preference", "disruption"):
        assert isinstance(data["objective"][part], (int, float))
    listed = [a["ticket"] for a in data["assignments"]] + [u["ticket"] for u in data["unassigned"]]
    listed += [c["ticket"] for c in data.get("completed", [])]
    assert sorted(listed) == sorted(t.id for t in problem.tickets)
    assert len(listed) == len(set(listed))


def test_plan_datetimes_carry_their_offset(northside_plan: Path) -> None:
    """Plan files write datetimes with their UTC offset."""
    data = read_json(northside_plan)
    assert data["assignments"], "the Northside plan assigns something"
    for assignment in data["assignments"]:
        for field in ("start", "end", "response_due", "resolution_due"):
            assert assignment[field][-6] in "+-" and assignment[field][-3] == ":", assignment[field]


def test_check_accepts_the_plan_just_made(northside_plan: Path) -> None:
    result = run("check", NORTHSIDE, northside_plan)
    assert result.exit_code == 0, result.output + stderr_of(result)


def test_check_rejects_a_tampered_objective(northside_plan: Path, tmp_path: Path) -> None:
    """The checker recomputes the objective; a plan that lies about it breaks a rule (exit 1)."""
    data = read_json(northside_plan)
    data["objective"]["total"] = data["objective"]["total"] + 5.0
    tampered = write_json(tmp_path / "tampered.json", data)
    result = run("check", NORTHSIDE, tampered)
    assert result.exit_code == 1, result.output + stderr_of(result)
    assert "violation" in result.output.lower()
    assert "total" in result.output.lower() or "objective" in result.output.lower()
    assert_no_traceback(result)


def test_check_rejects_a_duplicated_assignment(northside_plan: Path, tmp_path: Path) -> None:
    """A ticket listed twice is never allowed: the violation names the ticket."""
    data = read_json(northside_plan)
    first = data["assignments"][0]
    data["assignments"].append(copy.deepcopy(first))
    tampered = write_json(tmp_path / "duplicated.json", data)
    result = run("check", NORTHSIDE, tampered)
    assert result.exit_code == 1, result.output + stderr_of(result)
    assert first["ticket"] in result.output
    assert_no_traceback(result)


def test_check_rejects_a_dropped_ticket(northside_plan: Path, tmp_path: Path) -> None:
    """A ticket missing from both lists is lost: a violation naming it."""
    data = read_json(northside_plan)
    dropped = data["assignments"].pop()
    tampered = write_json(tmp_path / "dropped.json", data)
    result = run("check", NORTHSIDE, tampered)
    assert result.exit_code == 1, result.output + stderr_of(result)
    assert dropped["ticket"] in result.output


def test_check_plan_of_another_scenario_is_refused(northside_plan: Path, tmp_path: Path) -> None:
    """A copy of Northside with one more comment line has another sha256: the plan is not its own."""
    other = tmp_path / "northside.yaml"
    other.write_bytes(NORTHSIDE.read_bytes() + b"# edited after planning\n")
    shutil.copy(NORTHSIDE_TRAVEL, tmp_path / NORTHSIDE_TRAVEL.name)
    assert load_scenario(other).sha256 != load_scenario(NORTHSIDE).sha256
    result = run("check", other, northside_plan)
    assert result.exit_code != 0
    message = (result.output + stderr_of(result)).lower()
    assert "scenario" in message or "sha" in message
    assert_no_traceback(result)


def test_check_plan_of_another_scenario_exits_2_on_stderr(
    northside_plan: Path, tmp_path: Path
) -> None:
    """SPEC: 'a plan that belongs to another scenario' ends with one clear message on stderr, exit 2."""
    other = tmp_path / "northside.yaml"
    other.write_bytes(NORTHSIDE.read_bytes() + b"# edited after planning\n")
    shutil.copy(NORTHSIDE_TRAVEL, tmp_path / NORTHSIDE_TRAVEL.name)
    result = run("check", other, northside_plan)
    assert result.exit_code == 2
    assert "sha256" in stderr_of(result) or "scenario" in stderr_of(result)


def test_check_missing_plan_file_exits_2(tmp_path: Path) -> None:
    result = run("check", NORTHSIDE, tmp_path / "no-plan.json")
    assert result.exit_code == 2
    assert "no-plan.json" in stderr_of(result)
    assert_no_traceback(result)


def test_check_plan_that_is_not_json_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("{not json", encoding="utf-8")
    result = run("check", NORTHSIDE, path)
    assert result.exit_code == 2
    assert str(path) in stderr_of(result)
    assert_no_traceback(result)


def test_plan_into_a_missing_directory_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    """A plan file is written whole or not at all; a bad path is a user error, not a crash."""
    out = tmp_path / "no-such-dir" / "plan.json"
    result = run("plan", NORTHSIDE, "-o", out, "--time-limit", "0.5", "--workers", "1", "--quiet")
    assert result.exit_code == 2, result.output + stderr_of(result)
    assert "plan.json" in stderr_of(result)
    assert_no_traceback(result)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_plan_on_invalid_scenario_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    """Nothing is solved (or written) on invalid input."""
    path = tmp_path / "broken.yaml"
    path.write_text(INVALID, encoding="utf-8")
    out = tmp_path / "plan.json"
    result = run("plan", path, "-o", out, "--time-limit", "0.5", "--workers", "1")
    assert result.exit_code == 2
    assert "tickets[0].effort.p90" in stderr_of(result)
    assert not out.exists()
    assert_no_traceback(result)


# --- generate ------------------------------------------------------------------


def test_generate_writes_a_scenario_that_validates(tmp_path: Path) -> None:
    out = tmp_path / "generated.yaml"
    result = run(
        "generate", "--engineers", "3", "--tickets", "8", "--days", "1", "--seed", "7", "-o", out
    )
    assert result.exit_code == 0, result.output + stderr_of(result)
    checked = run("validate", out)
    assert checked.exit_code == 0, checked.output + stderr_of(checked)
    problem = load_scenario(out)
    assert len(problem.engineers) == 3
    assert len(problem.tickets) == 8


def test_generate_is_deterministic_per_seed(tmp_path: Path) -> None:
    """Same options and seed give the same bytes, so a benchmark can be reproduced."""
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    args = ("generate", "--engineers", "4", "--tickets", "12", "--days", "2", "--seed", "42")
    assert run(*args, "-o", first).exit_code == 0
    assert run(*args, "-o", second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_generate_differs_between_seeds(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    args = ("generate", "--engineers", "4", "--tickets", "12")
    assert run(*args, "--seed", "1", "-o", first).exit_code == 0
    assert run(*args, "--seed", "2", "-o", second).exit_code == 0
    assert first.read_bytes() != second.read_bytes()


def test_generate_into_a_missing_directory_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "no-such-dir" / "s.yaml"
    result = run("generate", "--engineers", "2", "--tickets", "3", "-o", out)
    assert result.exit_code == 2
    assert_no_traceback(result)
    assert not out.exists()


def test_plan_file_is_readable_like_any_file(tmp_path):
    """Written atomically through a private temporary file, the plan still gets the usual mode."""
    import os
    import stat

    from dispatcher.io.planfile import write_atomic

    target = tmp_path / "plan.json"
    write_atomic(target, "{}\n")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def _without_timing(path):
    import json

    data = json.loads(path.read_text())
    data["solver"]["time_s"] = 0.0
    return json.dumps(data, sort_keys=True)


def test_one_worker_and_a_seed_give_byte_identical_plans(tmp_path):
    """Determinism: the same scenario twice gives the same plan file apart from time_s,
    for a daily plan (full model) and for a reschedule of it."""
    scenario = SCENARIOS / "northside.yaml"
    runner = CliRunner()
    files = []
    for run in range(2):
        plan_path = tmp_path / f"plan-{run}.json"
        new_path = tmp_path / f"new-{run}.json"
        common = ["--time-limit", "1.5", "--workers", "1", "--seed", "4"]
        result = runner.invoke(
            main, ["plan", str(scenario), "-o", str(plan_path), *common, "--quiet"]
        )
        assert result.exit_code == 0, result.output
        result = runner.invoke(
            main,
            [
                "reschedule",
                str(scenario),
                "--plan",
                str(tmp_path / "plan-0.json"),
                "--now",
                "2026-11-30T10:40",
                "--add",
                str(SCENARIOS / "emergency.yaml"),
                "-o",
                str(new_path),
                *common,
                "--quiet",
            ],
        )
        assert result.exit_code == 0, result.output
        files.append((_without_timing(plan_path), _without_timing(new_path)))
    assert files[0] == files[1]


def test_generate_refuses_an_unknown_time_zone_as_bad_input(tmp_path: Path) -> None:
    """`--timezone Mars/Base` is a person's mistake: exit 2 with one line naming the
    option, and nothing written."""
    out = tmp_path / "day.yaml"
    for zone in ("Mars/Base", "../../etc/passwd", ""):
        result = run(
            "generate", "--engineers", "2", "--tickets", "3", "--timezone", zone, "-o", out
        )
        assert result.exit_code == 2, result.output + stderr_of(result)
        assert_no_traceback(result)
        assert "--timezone" in stderr_of(result) and "IANA time zone" in stderr_of(result)
        assert not out.exists()


@pytest.mark.parametrize(
    "command",
    [
        ("plan", str(NORTHSIDE), "--time-limit", "1"),
        ("generate", "--engineers", "2", "--tickets", "3"),
    ],
)
def test_a_folder_as_output_is_one_error_line(command: tuple[str, ...], tmp_path: Path) -> None:
    """-o naming a folder: the project's one error line and exit 2, not Click's usage."""
    result = run(*command, "-o", str(tmp_path))
    assert result.exit_code == 2
    lines = stderr_of(result).strip().splitlines()
    assert lines == [
        f"error: {tmp_path}: exists and is not a regular file (a folder, device, pipe or "
        "socket); refusing to replace it"
    ]
    assert_no_traceback(result)


def test_plan_refuses_to_write_over_the_scenarios_travel_matrix(tmp_path: Path) -> None:
    scenario = tmp_path / "northside.yaml"
    matrix = tmp_path / NORTHSIDE_TRAVEL.name
    shutil.copy(NORTHSIDE, scenario)
    shutil.copy(NORTHSIDE_TRAVEL, matrix)
    before = matrix.read_bytes()
    result = run("plan", str(scenario), "-o", str(matrix), "--time-limit", "1")
    assert result.exit_code == 2
    assert "refusing to replace it" in stderr_of(result)
    assert matrix.read_bytes() == before
    assert_no_traceback(result)
