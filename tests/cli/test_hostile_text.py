"""Hostile text, memory and signals: what a scenario says is shown, never obeyed.

Ids, names and summaries holding rich markup (``[/x]``, ``[link=...]``), terminal escape
sequences, C1 controls, bidi overrides and newlines go through every command: nothing
crashes, nothing is interpreted, every such character is shown as its escape on the
terminal, in CSV, in the HTML board and in calendars. Error messages are one bounded
line each and never echo a file that is not a scenario. The travel matrix is streamed;
a signal at any moment ends the command with 130 or 143 and one line, never a traceback.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import pytest
from click.testing import CliRunner
from pydantic import BaseModel, PlainSerializer

from dispatcher import interrupt
from dispatcher.cli import main
from dispatcher.errors import InputIssue
from dispatcher.io.loader import load_scenario_file
from dispatcher.safetext import error_line, one_line, shown
from tests.cli.test_hostile import dispatch
from tests.scenarios import BAD_INPUT_DAY as BASE

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 60.0

# What a terminal would obey: C0/C1 controls (ESC, BEL, CSI), DEL, bidi controls.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

MARKUP = "[/x]"
LINK = "[link=http://evil.invalid]click[/link]"
ESCAPE = "esc\x1b]0;owned\x07"
BIDI = "rtl\u202etxt"
C1 = "c1\x9bm"
NEWLINE = "nl\nerror: forged"
ENGINEERS = [MARKUP, LINK, ESCAPE, BIDI, C1, NEWLINE]
TICKET = "T-[/x]\u202e"
SUMMARY = "fix \x1b]0;pwned\x07 [link=http://evil.invalid]x[/link] \u202eevil\nsecond"
CLIENT = "Acme [/x] \x1b]8;;http://evil.invalid\x1b\\link\x1b]8;;\x1b\\"
NAME = "[/x] \x1b[31mred \u202e"


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``dispatch ARGS`` in its own process (the real terminal console), killed if it hangs."""
    return subprocess.run(
        [sys.executable, "-m", "dispatcher.cli", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=SECONDS,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        check=False,
    )


def assert_clean(result: subprocess.CompletedProcess[str], code: int = 0) -> None:
    """The exit code, no traceback, no internal error, nothing a terminal would obey."""
    output = result.stdout + result.stderr
    assert result.returncode == code, output
    assert "Traceback" not in output and "internal error" not in output, output
    assert not RAW.search(result.stdout.replace("\n", "")), result.stdout
    assert not RAW.search(result.stderr.replace("\n", "")), result.stderr


def hostile_text_scenario(folder: Path) -> Path:
    """BASE with hostile text in the name, a client name, engineer ids, a ticket id and
    summary. The first engineer works on site; the others remote."""
    text = BASE.replace("name: bad-inputs base", f"name: {json.dumps(NAME)}")
    text = text.replace(
        "  - {id: acme, sla: gold, site: hq}",
        f"  - {{id: acme, name: {json.dumps(CLIENT)}, sla: gold, site: hq}}",
    )
    engineers = "".join(
        f"  - id: {json.dumps(identifier)}\n"
        "    skills: [windows]\n"
        + ("    home: home\n" if number == 0 else "    onsite: false\n")
        + "    shifts:\n"
        "      - {start: 2026-11-30T08:00, end: 2026-11-30T17:00}\n"
        for number, identifier in enumerate(ENGINEERS)
    )
    head, rest = text.split("engineers:\n", 1)
    tickets = rest[rest.index("tickets:") :].replace(
        "  - id: T-1\n", f"  - id: {json.dumps(TICKET)}\n    summary: {json.dumps(SUMMARY)}\n"
    )
    path = folder / "scenario.yaml"
    path.write_text(f"{head}engineers:\n{engineers}{tickets}", encoding="utf-8")
    (folder / "add.yaml").write_text(
        f"tickets:\n  - id: {json.dumps('NEW[/x]' + chr(27) + '[2J')}\n    client: acme\n"
        "    priority: P2\n    opened: 2026-11-30T09:00\n    effort: 30m\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("hostile-text")
    scenario = hostile_text_scenario(folder)
    plan = folder / "plan.json"
    result = run("plan", scenario, "--time-limit", "2", "--workers", "1", "-o", plan)
    assert_clean(result)
    assert MARKUP in result.stdout and "\\x1b[31mred \\u202e" in result.stdout
    return scenario, plan


# --- the layer itself ----------------------------------------------------------------------


def test_shown_writes_every_control_and_bidi_character_as_its_escape() -> None:
    assert shown("plain [/x] text") == "plain [/x] text"
    assert shown(ESCAPE) == "esc\\x1b]0;owned\\x07"
    assert shown(BIDI + "\u2066\u2069\u200f") == "rtl\\u202etxt\\u2066\\u2069\\u200f"
    assert shown(C1 + "\x7f") == "c1\\x9bm\\x7f"
    assert shown("a\nb\tc\rd") == "a\\nb\\tc\\rd"
    assert shown("a\nb", keep_newlines=True) == "a\nb"
    assert shown(shown(SUMMARY)) == shown(SUMMARY)  # idempotent: all printable


def test_error_text_is_one_bounded_line() -> None:
    assert one_line("x" * 1000) == "x" * 77 + "..."
    assert one_line("a\nerror: b") == "a\\nerror: b"
    message = error_line(f"unknown site '{'y' * 100_000}\nerror: forged'")
    assert "\n" not in message and len(message) < 200
    assert message.startswith("unknown site 'yyy") and message.endswith("...'")
    issue = InputIssue("a\nb.yaml", 3, "tickets[0].id", f"bad id '{NEWLINE}'")
    assert str(issue) == "a\\nb.yaml:3: tickets[0].id: bad id 'nl\\nerror: forged'"


# --- every command ---------------------------------------------------------------------------


def test_validate_shows_markup_and_controls_as_text(tmp_path: Path) -> None:
    result = run("validate", hostile_text_scenario(tmp_path))
    assert_clean(result)
    assert result.stdout.splitlines()[0] == "[/x] \\x1b[31mred \\u202e: valid"


def test_show_explain_check_and_simulate_never_obey_the_text(planned: tuple[Path, Path]) -> None:
    scenario, plan = planned
    for args in (
        ("show", scenario, plan),
        ("show", scenario, plan, "--engineer", MARKUP),
        ("show", scenario, plan, "--engineer", ESCAPE),
        ("show", scenario, plan, "--engineer", LINK),
        ("explain", scenario, plan, TICKET),
        ("explain", scenario, plan, "T-2"),
        ("check", scenario, plan),
        ("simulate", scenario, plan, "--runs", "20"),
    ):
        result = run(*args)
        assert_clean(result)
    shown_day = "".join(run("show", scenario, plan, "--engineer", e).stdout for e in ENGINEERS)
    assert "\\x1b]0;pwned\\x07" in shown_day and "[link=http://evil.invalid]x[/link]" in shown_day
    explained = run("explain", scenario, plan, TICKET).stdout
    assert "T-[/x]\\u202e" in explained


def test_an_unknown_hostile_engineer_is_one_error_line(planned: tuple[Path, Path]) -> None:
    scenario, plan = planned
    result = run("show", scenario, plan, "--engineer", "nosuch" + ESCAPE + "\nerror: forged")
    assert_clean(result, 2)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "nosuchesc\\x1b]0;owned\\x07\\nerror: forged" in lines[0]


def test_reschedule_and_impact_never_obey_the_text(planned: tuple[Path, Path]) -> None:
    scenario, plan = planned
    added = scenario.parent / "add.yaml"
    now = "2026-11-30T10:00"
    new = scenario.parent / "rescheduled.json"
    common = ("--plan", plan, "--now", now, "--add", added, "--time-limit", "1", "--workers", "1")
    result = run("reschedule", scenario, *common, "-o", new)
    assert_clean(result)
    assert "NEW[/x]\\x1b[2J" in result.stdout
    assert_clean(run("impact", scenario, *common))
    assert_clean(run("check", scenario, new, "--base", plan))


def test_csv_cells_are_escaped_on_top_of_the_formula_guard(planned: tuple[Path, Path]) -> None:
    scenario, plan = planned
    out = scenario.parent / "plan.csv"
    assert_clean(run("export", scenario, plan, "--format", "csv", "-o", out))
    with out.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert not any(RAW.search(value) for row in rows for value in row.values())
    ticket = next(row for row in rows if row["ticket"].startswith("T-["))
    assert ticket["ticket"] == "T-[/x]\\u202e"
    assert ticket["summary"] == shown(SUMMARY)


def test_board_and_calendars_escape_markup_controls_and_bidi(planned: tuple[Path, Path]) -> None:
    scenario, plan = planned
    board = scenario.parent / "board.html"
    assert_clean(run("export", scenario, plan, "--format", "html", "-o", board))
    page = board.read_text(encoding="utf-8")
    assert not RAW.search(page.replace("\n", ""))
    assert "\\x1b]0;pwned\\x07" in page and "\\u202eevil" in page
    assert "[link=http://evil.invalid]x[/link]" in page  # text, as it was written
    folder = scenario.parent / "calendars"
    assert_clean(run("export", scenario, plan, "--format", "ics", "-o", folder))
    for calendar in folder.iterdir():
        text = calendar.read_text(encoding="utf-8")
        assert not RAW.search(text.replace("\r\n", "").replace("\n", ""))
    everything = "".join(path.read_text(encoding="utf-8") for path in folder.iterdir())
    assert "\\\\x1b]0\\;pwned\\\\x07" in everything.replace("\r\n ", "")


def test_html_markup_from_the_scenario_is_escaped(tmp_path: Path) -> None:
    text = BASE.replace("name: bad-inputs base", 'name: "<script>alert(1)</script>"')
    scenario = tmp_path / "s.yaml"
    scenario.write_text(text, encoding="utf-8")
    plan, board = tmp_path / "p.json", tmp_path / "b.html"
    assert run("plan", scenario, "--time-limit", "1", "--quiet", "-o", plan).returncode == 0
    assert_clean(run("export", scenario, plan, "--format", "html", "-o", board))
    page = board.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- error messages --------------------------------------------------------------------------


def test_a_newline_in_a_value_cannot_forge_an_error_line(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        BASE.replace("priority: P1", 'priority: "P9\\nerror: all is fine"'), encoding="utf-8"
    )
    result = run("validate", scenario)
    assert_clean(result, 2)
    assert len(result.stderr.splitlines()) == 1
    assert "P9\\nerror: all is fine" in result.stderr


def test_a_huge_value_is_quoted_short(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(BASE.replace("site: hq}", f"site: {'h' * 1_000_000}}}"), "utf-8")
    result = run("validate", scenario)
    assert_clean(result, 2)
    assert len(result.stderr) < 1000, result.stderr[:300]


def test_a_file_that_is_not_a_scenario_is_not_echoed(tmp_path: Path) -> None:
    """A shadow-like file reads as YAML keys, one per line: one error, no line of it."""
    secret = "root:$6$SECRETHASHabcdefghijklmnopqrstuvwxyz0123456789"
    shadow = tmp_path / "shadow"
    shadow.write_text(
        f"{secret}:19000:0:99999:7:::\n"
        + "".join(f"user{n}:*:19000:0:99999:7:::\n" for n in range(50)),
        encoding="utf-8",
    )
    result = run("validate", shadow)
    assert_clean(result, 2)
    assert result.stderr.splitlines() == [
        f"error: {shadow}:1: not a scenario file: it has none of the keys of one "
        "(version, name, timezone, horizon, calendars, ...)"
    ]
    added = tmp_path / "t.yaml"
    added.write_text("".join(f"key{n}: {n}\n" for n in range(50)), encoding="utf-8")
    assert "SECRET" not in result.stderr


def test_many_issues_are_capped(tmp_path: Path) -> None:
    junk = "".join(f"junk{n}: {n}\n" for n in range(100))
    scenario = tmp_path / "s.yaml"
    scenario.write_text(BASE + junk, encoding="utf-8")
    result = run("validate", scenario)
    assert_clean(result, 2)
    lines = result.stderr.splitlines()
    assert len(lines) == 21
    assert lines[-1] == "error: ... and 80 more issue(s) of the same input"


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "a\0b.yaml"),
        ("generate", "--engineers", "1", "--tickets", "1", "-o", "g\0.yaml"),
        ("generate", "--engineers", "1", "--tickets", "1", "--timezone", "Mars/Base", "-o", "g"),
    ],
)
def test_bad_input_paths_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    """A NUL in a path or a bad option value is bad input: exit 2, never 1."""
    os.chdir(tmp_path)
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output


def test_nul_in_ids_and_paths_of_a_plan_command_exit_2(planned: tuple[Path, Path]) -> None:
    scenario, plan = planned
    for args in (
        ["show", str(scenario), str(plan), "--engineer", "a\0b"],
        ["explain", str(scenario), str(plan), "T\0"],
        ["export", str(scenario), str(plan), "--format", "csv", "-o", "x\0.csv"],
        ["show", str(scenario), "p\0.json"],
        [
            *("reschedule", str(scenario), "--plan", str(plan), "--now", "2026-11-30T10:00"),
            *("--unavailable", "a\0b", "-o", str(scenario.parent / "r.json")),
        ],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (args, result.output)


# --- the travel matrix -----------------------------------------------------------------------


def matrix_scenario(tmp_path: Path, matrix: str | bytes) -> Path:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(BASE.replace("sites:", "travel_matrix: m.csv\nsites:"), "utf-8")
    data = matrix.encode("utf-8") if isinstance(matrix, str) else matrix
    (tmp_path / "m.csv").write_bytes(data)
    return scenario


def test_rows_for_other_sites_are_skipped_and_counted(tmp_path: Path) -> None:
    matrix = "from,to,minutes\nhq,home,12\nhq,annex,5\nx,y,3\nhome,hq,14\n"
    scenario = matrix_scenario(tmp_path, matrix)
    result = run("validate", scenario)
    assert_clean(result)
    assert result.stdout.splitlines()[-1] == (
        f"travel matrix {tmp_path / 'm.csv'}: 2 row(s) between the scenario's sites, "
        "2 row(s) naming other sites skipped"
    )
    loaded = load_scenario_file(scenario)
    assert loaded.problem.travel.matrix == {(0, 1): 12, (1, 0): 14}
    # The scenario's sha256 still covers the matrix's bytes, read as a stream.
    expected = hashlib.sha256(scenario.read_bytes() + matrix.encode("utf-8")).hexdigest()
    assert loaded.problem.sha256 == expected


def test_bad_rows_are_still_named_by_file_line_and_field(tmp_path: Path) -> None:
    scenario = matrix_scenario(tmp_path, "from,to,minutes\nhq,home,12\nx,y,abc\nhq,home,-1\n")
    result = run("validate", scenario)
    assert_clean(result, 2)
    message = "minutes: must be a number of minutes from 0 to 10080 (a week)"
    assert result.stderr.splitlines() == [
        f"error: {tmp_path / 'm.csv'}:3: {message}",
        f"error: {tmp_path / 'm.csv'}:4: {message}",
    ]
    bad_utf8 = matrix_scenario(tmp_path, b"from,to,minutes\nhq,home,12\nhq,home,\xff\n")
    result = run("validate", bad_utf8)
    assert result.stderr.splitlines() == [
        f"error: {tmp_path / 'm.csv'}:3: file is not valid UTF-8 text"
    ]


@pytest.mark.skipif(not Path("/usr/bin/time").exists(), reason="needs /usr/bin/time")
def test_a_big_matrix_costs_memory_for_the_scenarios_sites_only(tmp_path: Path) -> None:
    """8 MiB of rows for other sites: the peak stays near an empty command's (reading
    the file whole took some 30 times its size). benchmarks/travel_matrix.py measures
    a 50 MiB one."""
    lines = ["from,to,minutes", "hq,home,12"]
    lines += [f"other-{n},other-{n + 1},{n % 90}" for n in range(400_000)]
    scenario = matrix_scenario(tmp_path, "\n".join(lines) + "\n")
    measured = dispatch("validate", str(scenario))  # under a 1 GiB address-space cap
    assert measured.exit_code == 0, measured.stderr
    # wait4 from this (big) process counts its own size at the fork; /usr/bin/time's
    # child starts small, so its peak is the command's own.
    command = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "dispatcher.cli"]
    timed = subprocess.run(
        [*command, "validate", str(scenario)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    peak_mb = int(timed.stderr.split()[-1]) / 1024
    assert peak_mb < 150, f"peaked at {peak_mb:.0f} MB"


# --- signals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_the_command_starts_is_never_a_traceback(
    tmp_path: Path, signum: signal.Signals
) -> None:
    """Signals at several moments of the start (imports, parsing, loading): exit 128 + n,
    one line on stderr, never a traceback."""
    scenario = hostile_text_scenario(tmp_path)
    for delay in (0.0, 0.05, 0.1, 0.2, 0.3):
        process = subprocess.Popen(
            [sys.executable, "-m", "dispatcher.cli", "validate", str(scenario)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            text=True,
        )
        # From the moment the command's handler is in place (the interpreter's own start
        # before it is not ours to handle), however slow the machine is.
        _wait_for_handler(process.pid)
        time.sleep(delay)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=SECONDS)
        assert "Traceback" not in stderr, stderr
        if process.returncode == 0:  # it had finished already
            continue
        if process.returncode == -signum:
            # Its work was done: the interpreter's own teardown had already put the
            # default handlers back (we waited for ours above), so the signal ended it.
            assert stderr == "", stderr
            continue
        assert process.returncode == 128 + signum, stderr
        assert stderr == f"interrupted by {signum.name}: stopped at once\n"


def _wait_for_handler(pid: int, seconds: float = 20.0) -> None:
    """Wait until process ``pid`` catches SIGTERM (Linux: its /proc status lists the
    signals it catches; Python itself catches only SIGINT), or has ended."""
    status = Path(f"/proc/{pid}/status")
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            return  # ended
        if fields.get("State", "").strip().startswith("Z"):
            return  # ended, not yet reaped
        if int(fields.get("SigCgt", "0").strip(), 16) & (1 << (signal.SIGTERM - 1)):
            return
        time.sleep(0.002)


def test_the_handler_is_installed_only_for_the_command() -> None:
    assert interrupt.started_as_command(["-m"])
    assert interrupt.started_as_command(["/usr/local/bin/dispatch"])
    assert not interrupt.started_as_command(["/usr/bin/pytest"])
    assert not interrupt.started_as_command([])


class _Slow(BaseModel):
    """A model whose serializer is Python code run from pydantic's Rust core."""

    value: Annotated[int, PlainSerializer(lambda value: _second_signal(value), return_type=str)]


def _second_signal(value: int) -> str:
    os.kill(os.getpid(), signal.SIGTERM)  # the second one: the handler raises here
    time.sleep(2)
    return str(value)


def test_a_second_signal_inside_the_plan_serializer_exits_143(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pydantic wraps what a serializer raises in its own error: the second SIGTERM still
    ends the command with 143 and 'no plan written', and leaves no file."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text(BASE, encoding="utf-8")
    plan = tmp_path / "plan.json"

    def plan_json(_plan: Any) -> str:
        os.kill(os.getpid(), signal.SIGTERM)  # the first: keep the best plan
        deadline = time.monotonic() + 2
        while not interrupt.stop_requested() and time.monotonic() < deadline:
            time.sleep(0.01)
        return _Slow(value=1).model_dump_json()

    monkeypatch.setattr("dispatcher.io.planfile.plan_json", plan_json)
    result = CliRunner().invoke(
        main, ["plan", str(scenario), "-o", str(plan), "--time-limit", "1", "--quiet"]
    )
    assert result.exit_code == 143, result.output
    assert "interrupted by SIGTERM: stopped at once, no plan written" in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["s.yaml"]
