"""Hostile files and paths on the writing side: an engineer id never chooses where a
calendar goes, ``-o`` never replaces what it must not, and an input that is a named
pipe is refused at once instead of hanging.

Each refusal is exit 2 with one ``error:`` line on stderr, never a traceback.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import main
from dispatcher.errors import InputError
from dispatcher.io.planfile import write_atomic
from dispatcher.views.export import calendar_file_names
from tests.scenarios import BAD_INPUT_DAY as BASE

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 10.0

HOSTILE_IDS = [
    "../../escaped",
    "/ABS/path/pwned",
    "a/b",
    ".",
    "..",
    ".hidden",
    "tab\there",
    "bell\x07",
    "nul\x00byte",
    "Alice",
    "alice",
    "x" * 300,
]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``dispatch ARGS`` in its own process, killed if it hangs."""
    return subprocess.run(
        [sys.executable, "-m", "dispatcher.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=SECONDS * 6,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )


def assert_refused(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def hostile_scenario(tmp_path: Path) -> Path:
    """One engineer per hostile id, each with one remote ticket assigned to them."""
    engineers = "".join(
        f"  - id: {json.dumps(identifier)}\n"
        "    skills: [windows]\n"
        "    onsite: false\n"
        "    shifts:\n"
        "      - {start: 2026-11-30T08:00, end: 2026-11-30T17:00}\n"
        for identifier in HOSTILE_IDS
    )
    tickets = "".join(
        f"  - id: T-{number}\n"
        "    client: acme\n"
        "    priority: P2\n"
        "    opened: 2026-11-30T08:00\n"
        "    effort: 30m\n"
        f"    assigned_to: {json.dumps(identifier)}\n"
        for number, identifier in enumerate(HOSTILE_IDS)
    )
    head = BASE[: BASE.index("engineers:")]
    path = tmp_path / "scenario.yaml"
    path.write_text(f"{head}engineers:\n{engineers}tickets:\n{tickets}", encoding="utf-8")
    return path


def plan_of(tmp_path: Path, scenario: Path) -> Path:
    plan = tmp_path / "plan.json"
    result = run("plan", scenario, "--time-limit", "2", "--workers", "1", "--quiet", "-o", plan)
    assert result.returncode == 0, result.stderr
    return plan


def test_calendar_file_names_are_plain_and_distinct() -> None:
    names = calendar_file_names(HOSTILE_IDS)
    assert len(set(name.casefold() for name in names)) == len(HOSTILE_IDS)
    for name in names:
        assert Path(name).name == name
        assert not name.startswith(".")
        assert name.endswith(".ics")
        assert set(name) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
        assert len(name) <= 64 + len("-99.ics")
    assert names[:3] == ["_._.._escaped.ics", "_ABS_path_pwned.ics", "a_b.ics"]
    assert names[3:5] == ["_.ics", "_..ics"]
    assert names[9:11] == ["Alice.ics", "alice-2.ics"]


def test_calendar_names_of_plain_ids_are_unchanged() -> None:
    assert calendar_file_names(["alice", "dan", "priya.k", "tom_2"]) == [
        "alice.ics",
        "dan.ics",
        "priya.k.ics",
        "tom_2.ics",
    ]


def test_hostile_engineer_ids_write_only_inside_the_output_folder(tmp_path: Path) -> None:
    work = tmp_path / "deep" / "er"
    work.mkdir(parents=True)
    scenario = hostile_scenario(work)
    plan = plan_of(work, scenario)
    assert len(json.loads(plan.read_text("utf-8"))["assignments"]) == len(HOSTILE_IDS)
    before = {path for path in tmp_path.rglob("*")}
    out = work / "calendars"
    result = run("export", scenario, plan, "--format", "ics", "-o", out)
    assert result.returncode == 0, result.stderr
    written = {path for path in tmp_path.rglob("*")} - before - {out}
    assert all(path.parent == out for path in written), written
    assert len(written) == len(HOSTILE_IDS)
    assert len({path.name.casefold() for path in written}) == len(HOSTILE_IDS)
    assert not Path("/ABS").exists()


def test_output_that_is_no_regular_file_is_refused(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    targets: list[Path] = [pipe]
    if Path("/dev/null").exists():
        targets.append(Path("/dev/null"))
    with socket.socket(socket.AF_UNIX) as sock:
        sock_path = tmp_path / "sock"
        sock.bind(str(sock_path))
        targets.append(sock_path)
        for target in targets:
            result = run("generate", "--engineers", "1", "--tickets", "1", "-o", target)
            assert_refused(result, str(target), "not a regular file")
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_a_folder_is_never_replaced_by_a_file(tmp_path: Path) -> None:
    """Click refuses a folder for most ``-o``; the writer refuses it for every caller."""
    folder = tmp_path / "folder.json"
    folder.mkdir()
    with pytest.raises(InputError, match="not a regular file"):
        write_atomic(folder, "{}\n")
    assert folder.is_dir()


def test_an_empty_output_is_refused() -> None:
    result = CliRunner().invoke(main, ["generate", "--engineers", "1", "--tickets", "1", "-o", ""])
    assert result.exit_code == 2, result.output
    assert "must name a file" in result.output
    assert "Traceback" not in result.output


def test_plan_never_replaces_its_scenario(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(BASE, encoding="utf-8")
    result = run("plan", scenario, "--time-limit", "30", "-o", scenario)
    assert_refused(result, "is the input file")
    assert scenario.read_text("utf-8") == BASE
    link = tmp_path / "hard.yaml"
    os.link(scenario, link)
    assert_refused(run("plan", scenario, "--time-limit", "30", "-o", link), "is the input file")


def test_export_and_reschedule_never_replace_an_input(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(BASE, encoding="utf-8")
    plan = plan_of(tmp_path, scenario)
    original = plan.read_bytes()
    for fmt in ("json", "csv", "html"):
        assert_refused(run("export", scenario, plan, "--format", fmt, "-o", plan))
        assert_refused(run("export", scenario, plan, "--format", fmt, "-o", scenario))
    added = tmp_path / "add.yaml"
    added.write_text(
        "id: T-9\nclient: acme\npriority: P1\nopened: 2026-11-30T10:00\neffort: 30m\n",
        encoding="utf-8",
    )
    common = ["reschedule", scenario, "--plan", plan, "--now", "2026-11-30T10:00"]
    for target in (plan, scenario, added):
        assert_refused(run(*common, "--add", added, "-o", target), "is the input file")
    assert plan.read_bytes() == original


def test_an_existing_output_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "s.yaml"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    result = run("generate", "--engineers", "1", "--tickets", "1", "-o", target)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text("utf-8") != "old\n"


@pytest.mark.parametrize("command", ["validate", "plan", "check"])
def test_an_input_that_is_a_named_pipe_is_refused_at_once(tmp_path: Path, command: str) -> None:
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    scenario = tmp_path / "s.yaml"
    scenario.write_text(BASE, encoding="utf-8")
    args: list[str | Path] = {
        "validate": ["validate", pipe],
        "plan": ["plan", pipe, "-o", tmp_path / "p.json"],
        "check": ["check", scenario, pipe],
    }[command]
    try:
        result = run(*args)
    except subprocess.TimeoutExpired:
        pytest.fail("dispatch hung on a named pipe")
    assert_refused(result, str(pipe), "is not a regular file")


def test_a_travel_matrix_that_is_a_named_pipe_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "travel.csv")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        BASE.replace("sla_policies:", "travel_matrix: travel.csv\nsla_policies:"), "utf-8"
    )
    assert_refused(run("validate", scenario), "travel matrix is not a regular file")
