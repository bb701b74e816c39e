"""Hostile files: refused quickly, in bounded memory, with a message naming the limit.

A scenario can come from anywhere. A YAML alias bomb, a file of 60 MB, nesting
thousands of levels deep or 100,000 tickets must each be turned away in
seconds, before the file costs the machine its memory, and the message must
say which limit was hit and how to raise it. YAML tags that would build Python
objects must never build anything.

Each hostile run is its own ``dispatch validate`` process, capped at 1 GiB of
address space (a regression fails instead of eating the machine), timed, and
measured with ``wait4`` for the peak memory of that one process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import main
from dispatcher.io.yamlio import LIMITS
from tests.scenarios import BAD_INPUT_DAY as BASE

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 5.0
MEMORY_MB = 512  # a refusal costs far less than this; python + pydantic alone is ~40 MB
ADDRESS_SPACE = 1024**3
LIMIT_HELP = "set that environment variable to raise it)"

# Runs the command line under an address-space cap, as `ulimit -v` would.
LAUNCHER = (
    "import resource, sys;"
    f"resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE}));"
    "from dispatcher.cli import run;"
    "sys.argv[0] = 'dispatch';"
    "run()"
)


@dataclass(frozen=True)
class Run:
    exit_code: int
    stderr: str
    seconds: float
    peak_mb: float


def dispatch(*args: str, env: dict[str, str] | None = None) -> Run:
    """``dispatch ARGS`` in a process of its own: exit code, stderr, wall time, peak memory."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environment,
    )
    assert process.stderr is not None
    stderr = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    kilobytes = usage.ru_maxrss  # Linux reports kilobytes
    return Run(process.returncode, stderr, time.perf_counter() - started, kilobytes / 1024)


def assert_refused(run: Run, message: str) -> None:
    """Exit 2 with exactly ``message`` on stderr, within the time and memory bounds."""
    assert run.exit_code == 2, run.stderr
    assert run.stderr.splitlines() == [message]
    assert run.seconds < SECONDS, f"took {run.seconds:.1f} s"
    assert run.peak_mb < MEMORY_MB, f"peaked at {run.peak_mb:.0f} MB"


def test_alias_bomb_is_refused_at_the_value_limit(tmp_path: Path) -> None:
    """'Billion laughs': nine levels of nine aliases stand for 9**9 = 387 million values.
    Aliases are counted as what they stand for, so the bomb stops at a million (level 6)."""
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 9) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_refused(
        dispatch("validate", str(path)),
        f"error: {path}:7: lol6[0]: more than 1000000 values once aliases are expanded "
        f"(the limit DISPATCH_MAX_VALUES=1000000; {LIMIT_HELP}",
    )


def test_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """60 MB of one comment line: its size alone refuses it (the default limit is 50 MiB)."""
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:
        stream.write(b"#")
        for _ in range(60):
            stream.write(b" " * 1024 * 1024)
    assert_refused(
        dispatch("validate", str(path)),
        f"error: {path}: scenario file is too large: more than 52428800 bytes "
        f"(the limit DISPATCH_MAX_BYTES=52428800; {LIMIT_HELP}",
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_file_that_never_ends_is_refused_unread() -> None:
    """A device has no size to check first and may never end: it is not a regular file."""
    assert_refused(
        dispatch("validate", "/dev/zero", env={"DISPATCH_MAX_BYTES": "1000000"}),
        "error: /dev/zero: scenario file is not a regular file (a device, pipe or socket)",
    )


def test_deep_block_nesting_is_refused_at_the_depth_limit(tmp_path: Path) -> None:
    """5,000 mappings each inside the last: refused at level 65, named by line."""
    path = tmp_path / "deep.yaml"
    path.write_text("".join(" " * level + f"k{level}:\n" for level in range(5000)), "utf-8")
    assert_refused(
        dispatch("validate", str(path)),
        f"error: {path}:66: more than 64 levels of nesting "
        f"(the limit DISPATCH_MAX_DEPTH=64; {LIMIT_HELP}",
    )


def test_deep_flow_nesting_is_refused(tmp_path: Path) -> None:
    """100,000 opening brackets on one line: the parser's own nesting guard refuses them."""
    path = tmp_path / "deep.yaml"
    path.write_text("name: " + "[" * 100_000 + "]" * 100_000 + "\n", "utf-8")
    run = dispatch("validate", str(path))
    assert run.exit_code == 2
    assert run.stderr.startswith(f"error: {path}:1: ")
    assert "nest" in run.stderr
    assert run.seconds < SECONDS
    assert run.peak_mb < MEMORY_MB


def test_hundred_thousand_tickets_are_refused_by_the_ticket_limit(tmp_path: Path) -> None:
    """10 MB of 100,000 tickets: refused at ticket 20,001, while the file is read."""
    ticket = (
        "  - id: T-{index}\n    client: acme\n    priority: P1\n"
        "    opened: 2026-11-30T08:00\n    effort: {{p50: 1h, p90: 2h}}\n"
    )
    path = tmp_path / "big.yaml"
    with path.open("w", encoding="utf-8") as stream:
        stream.write(BASE.split("tickets:")[0] + "tickets:\n")
        for index in range(100_000):
            stream.write(ticket.format(index=index))
    assert_refused(
        dispatch("validate", str(path)),
        f"error: {path}:23: tickets: more than 20000 tickets "
        f"(the limit DISPATCH_MAX_TICKETS=20000; {LIMIT_HELP}",
    )


def test_python_tags_build_nothing(tmp_path: Path) -> None:
    """Tags that an unsafe loader would turn into calls are refused; no call is made."""
    witness = tmp_path / "pwned"
    attacks = [
        f"!!python/object/apply:os.system ['touch {witness}']",
        f"!!python/object/new:subprocess.check_call [['touch', '{witness}']]",
        "!!python/name:os.system",
        "!!python/module:os",
    ]
    for attack in attacks:
        path = tmp_path / "evil.yaml"
        path.write_text(BASE.replace("name: bad-inputs base", f"name: {attack}"), "utf-8")
        run = dispatch("validate", str(path))
        tag = attack.split()[0]
        assert run.exit_code == 2, run.stderr
        assert run.stderr.startswith(f"error: {path}:2: name: the tag '{tag}' is not allowed")
        assert not witness.exists()


# --- the limits are settings -----------------------------------------------------------------


def validate_text(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **env: str
) -> tuple[int, str]:
    """``dispatch validate`` in-process on ``text`` (saved as s.yaml) with ``env`` set."""
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "s.yaml"], env=env)
    return result.exit_code, result.stderr


def test_the_ticket_limit_can_be_raised_and_lowered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BASE has two tickets: a limit of one refuses it, a limit of two lets it through."""
    code, stderr = validate_text(BASE, tmp_path, monkeypatch, DISPATCH_MAX_TICKETS="1")
    assert code == 2
    assert stderr == (
        f"error: s.yaml:23: tickets: more than 1 tickets (the limit DISPATCH_MAX_TICKETS=1; "
        f"{LIMIT_HELP}\n"
    )
    assert validate_text(BASE, tmp_path, monkeypatch, DISPATCH_MAX_TICKETS="2")[0] == 0


def test_the_engineer_limit_applies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stderr = validate_text(
        BASE.replace("tickets:", "  - {id: bob, onsite: false}\ntickets:"),
        tmp_path,
        monkeypatch,
        DISPATCH_MAX_ENGINEERS="1",
    )
    assert code == 2
    assert stderr.startswith("error: s.yaml:17: engineers: more than 1 engineers (the limit")


def test_the_byte_and_value_limits_can_be_lowered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BASE is 800 bytes and some 90 values."""
    code, stderr = validate_text(BASE, tmp_path, monkeypatch, DISPATCH_MAX_BYTES="100")
    assert (code, stderr.split(" (")[0]) == (
        2,
        "error: s.yaml: scenario file is too large: more than 100 bytes",
    )
    code, stderr = validate_text(BASE, tmp_path, monkeypatch, DISPATCH_MAX_VALUES="20")
    assert code == 2
    assert "more than 20 values once aliases are expanded" in stderr


def test_a_huge_key_is_named_briefly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown key of 100,000 characters: the message shows its first 57 and '...'."""
    key = "k" * 100_000
    code, stderr = validate_text(f"? {key}\n: 1\n" + BASE, tmp_path, monkeypatch)
    assert code == 2
    assert stderr == f"error: s.yaml:1: {'k' * 57}...: unknown key\n"


def test_every_limit_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for limit in LIMITS:
        assert f"`{limit.variable}`" in readme, limit.variable
        assert f"{limit.default:,}" in readme or str(limit.default) in readme, limit.variable


def test_address_space_cap_is_in_force() -> None:
    """The cap itself works: a process that wants 2 GiB fails instead of getting it."""
    code = (
        f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, "
        f"{ADDRESS_SPACE})); b = bytearray(2 * {ADDRESS_SPACE})"
    )
    finished = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert finished.returncode != 0
    assert b"MemoryError" in finished.stderr


@pytest.mark.parametrize(
    "command", [["schema"], ["validate", str(ROOT / "scenarios/northside.yaml")]]
)
def test_a_reader_that_stops_early_is_no_error(command: list[str]) -> None:
    """``dispatch schema | head -1``: the pipe closes under the writer (click's echo, or
    rich's console); no 'internal error', and the exit status a shell expects of a
    process stopped by SIGPIPE, not 1 (which ``check`` uses for violations)."""
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    assert process.wait() == 141 and stderr == ""
