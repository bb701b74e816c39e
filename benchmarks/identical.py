"""Same input, same files: the gate for changes that must not change behaviour.

Runs a fixed set of commands (plan, reschedule, impact, check, show, explain, export,
validate) with one worker and seed 0 on the bundled day and on generated and family
days of several sizes, and keeps every file and every deterministic printout. Recorded
once before a change and once after, the two folders must hold the same bytes, apart from
``solver.time_s`` in plan files (and so a reschedule's ``base_plan_sha256``), the
seconds printed beside a solve and the ``DTSTAMP`` (when written) of calendar files.

    python benchmarks/identical.py record before/          # on the old code
    python benchmarks/identical.py record after/           # on the new code
    python benchmarks/identical.py compare before/ after/

``record --repo PATH`` runs the code of another checkout (its ``dispatcher`` and
``models`` come first on the import path), so the old code need not be installed.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.determinism import LIFT_CLOCK, LIFT_CPSAT  # noqa: E402
from benchmarks.families import write_family  # noqa: E402

# The code under test runs with its wall clock stopped and CP-SAT's own wall-clock guard
# lifted, so that only the deterministic budgets of a one-worker solve (CP-SAT's
# deterministic time, the search's work and patience, the fixed number of greedy orders)
# end anything: what the code decides, not how busy the machine was. With the real
# clocks a loaded machine cuts CP-SAT at 1.5x its deterministic budget in wall time, and
# 5x40 days and larger then end a search elsewhere from run to run.
LAUNCHER = (
    "import sys\n"
    + LIFT_CLOCK
    + LIFT_CPSAT
    + 'from dispatcher.cli import main\nsys.argv[0] = "dispatch"\nmain()\n'
)
TIME_LIMIT = "6"  # one worker: the search's budgets are deterministic shares of this
SOLVE = ["--time-limit", TIME_LIMIT, "--workers", "1", "--seed", "0"]
# Seconds printed beside a solve ("feasible, 0.3s", "in 4.8s") differ run to run.
SECONDS = re.compile(r"\b\d+(\.\d+)?s\b")
STAMP = re.compile(r"^DTSTAMP:.*$", re.MULTILINE)


class Recorder:
    """Runs ``dispatch`` from one checkout into one folder, keeping outputs by name."""

    def __init__(self, repo: Path, out: Path) -> None:
        self.repo = repo
        self.out = out
        self.env = {**os.environ, "PYTHONPATH": str(repo), "COLUMNS": "200"}

    def run(self, name: str, *args: str) -> None:
        """``dispatch ARGS``; its exit code and output are kept as ``NAME.out``."""
        done = subprocess.run(
            [sys.executable, "-c", LAUNCHER, *args],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.out,
            check=False,
        )
        text = f"exit {done.returncode}\n--- stdout\n{done.stdout}--- stderr\n{done.stderr}"
        (self.out / f"{name}.out").write_text(SECONDS.sub("<s>", text))


def _generate(recorder: Recorder, name: str, engineers: int, tickets: int, seed: int) -> str:
    recorder.run(
        f"{name}-generate",
        "generate",
        "--engineers",
        str(engineers),
        "--tickets",
        str(tickets),
        "--seed",
        str(seed),
        "-o",
        f"{name}.yaml",
    )
    return f"{name}.yaml"


def _views(recorder: Recorder, name: str, scenario: str, plan: str, ticket: str) -> None:
    """Every reading of a plan that prints no time: check, show, explain, exports."""
    recorder.run(f"{name}-check", "check", scenario, plan)
    recorder.run(f"{name}-show", "show", scenario, plan)
    recorder.run(f"{name}-explain", "explain", scenario, plan, ticket)
    for kind in ("csv", "json", "html"):
        recorder.run(
            f"{name}-export-{kind}",
            "export",
            scenario,
            plan,
            "--format",
            kind,
            "-o",
            f"{name}-export.{kind}",
        )
    recorder.run(f"{name}-export-ics", "export", scenario, plan, "--format", "ics", "-o", name)


def _first_assigned(recorder: Recorder, plan: str) -> str:
    data = json.loads((recorder.out / plan).read_text())
    assignments = data["assignments"]
    return str(assignments[len(assignments) // 2]["ticket"]) if assignments else "none"


def _first_engineer(recorder: Recorder, scenario: str) -> str:
    import yaml

    data = yaml.safe_load((recorder.out / scenario).read_text())
    return str(data["engineers"][0]["id"])


def _morning(recorder: Recorder, scenario: str) -> str:
    """10:40 on the first day of the scenario's horizon."""
    import yaml

    data = yaml.safe_load((recorder.out / scenario).read_text())
    start = str(data["horizon"]["start"])
    return start[:10] + "T10:40"


def record(repo: Path, out: Path) -> None:
    """Runs every case with ``repo``'s code into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    recorder = Recorder(repo, out)
    for name in ("northside.yaml", "northside-travel.csv", "emergency.yaml", "two-day-visit.yaml"):
        shutil.copy(ROOT / "scenarios" / name, out / name)

    # The bundled day: every command of the README's walk-through.
    recorder.run("northside-validate", "validate", "northside.yaml")
    recorder.run("northside-plan", "plan", "northside.yaml", "-o", "northside-plan.json", *SOLVE)
    _views(recorder, "northside", "northside.yaml", "northside-plan.json", "T-1008")
    recorder.run(
        "northside-reschedule",
        "reschedule",
        "northside.yaml",
        "--plan",
        "northside-plan.json",
        "--now",
        "2026-11-30T10:40",
        "--add",
        "emergency.yaml",
        "--unavailable",
        "ruth@2026-11-30T13:00/2026-11-30T15:00",
        "-o",
        "northside-after.json",
        *SOLVE,
    )
    recorder.run(
        "northside-after-check",
        "check",
        "northside.yaml",
        "northside-after.json",
        "--base",
        "northside-plan.json",
    )
    recorder.run("northside-after-show", "show", "northside.yaml", "northside-after.json")
    recorder.run(
        "northside-impact",
        "impact",
        "northside.yaml",
        "--plan",
        "northside-plan.json",
        "--now",
        "2026-11-30T08:30",
        "--add",
        "two-day-visit.yaml",
        "--json",
        *SOLVE,
    )

    # Generated and family days of several sizes: the full model, the search, reschedules.
    days: list[tuple[str, str]] = [
        ("gen-S", _generate(recorder, "gen-S", 5, 40, 1)),
        ("gen-M", _generate(recorder, "gen-M", 20, 150, 2)),
    ]
    for family, engineers, tickets in (("office", 20, 150), ("rota", 5, 40), ("field", 50, 500)):
        path = write_family(family, engineers, tickets, 0, out / f"{family}-day")
        days.append((family, str(path.relative_to(out))))
    for name, scenario in days:
        plan = f"{name}-plan.json"
        recorder.run(f"{name}-plan", "plan", scenario, "-o", plan, *SOLVE)
        _views(recorder, name, scenario, plan, _first_assigned(recorder, plan))
        engineer = _first_engineer(recorder, scenario)
        recorder.run(
            f"{name}-reschedule",
            "reschedule",
            scenario,
            "--plan",
            plan,
            "--now",
            _morning(recorder, scenario),
            "--unavailable",
            engineer,
            "-o",
            f"{name}-after.json",
            *SOLVE,
        )
        recorder.run(f"{name}-after-check", "check", scenario, f"{name}-after.json", "--base", plan)


def _normalized(path: Path) -> str:
    """A file's text as compared: plan files without ``solver.time_s``."""
    text = path.read_text(errors="replace")
    if path.suffix == ".ics":
        return STAMP.sub("DTSTAMP:<now>", text)
    if path.suffix == ".html":
        return SECONDS.sub("<s>", text)
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except ValueError:
            return text
        if isinstance(data, dict) and isinstance(data.get("solver"), dict):
            data["solver"].pop("time_s", None)
            if isinstance(data.get("reschedule"), dict):
                data["reschedule"].pop("base_plan_sha256", None)
            return json.dumps(data, indent=1, sort_keys=False)
    return text


def compare(before: Path, after: Path) -> int:
    """Lists every file that differs or exists on one side only; 0 when none does."""
    names = sorted(
        {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
        | {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    )
    differing = 0
    for name in names:
        old, new = before / name, after / name
        if not old.exists() or not new.exists():
            print(f"only in {'after' if new.exists() else 'before'}: {name}")
            differing += 1
            continue
        a, b = _normalized(old), _normalized(new)
        if a != b:
            differing += 1
            print(f"differs: {name}")
            diff = difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=1)
            for line in list(diff)[:20]:
                print("   ", line)
    print(f"{len(names)} files compared, {differing} differ")
    return 1 if differing else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    rec = sub.add_parser("record", help="run every case into a folder")
    rec.add_argument("out", type=Path)
    rec.add_argument("--repo", type=Path, default=ROOT, help="checkout whose code runs")
    cmp = sub.add_parser("compare", help="compare two recorded folders")
    cmp.add_argument("before", type=Path)
    cmp.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.action == "record":
        record(args.repo.resolve(), args.out.resolve())
    else:
        sys.exit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
