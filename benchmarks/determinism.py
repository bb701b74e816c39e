"""Determinism on a busy machine: the same plan from ``workers=1`` and a seed while
other solves run beside it.

Generates a day (20 engineers, 150 tickets by default), starts ``--load`` background
solves of it (each a subprocess looping ``solve_scenario`` with the solver's default
worker count, so the machine is busy), then solves it ``--runs`` times, one after
another, each in a fresh subprocess through the Python API with ``workers=1``,
``seed=0`` and ``--time-limit`` seconds. Reports how many distinct plans came out,
comparing each plan's JSON without ``solver.time_s``, and each plan's objective.

    python benchmarks/determinism.py --runs 4
    python benchmarks/determinism.py --runs 6 --engineers 30 --tickets 300 --load 3

Not a unit test: it takes about ``runs x time-limit`` seconds, and on an idle machine it
proves less. Exit status 1 when the plans differ.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# ``--lift``: to find which wall clock makes a one-worker solve differ, the measured
# solves can run with CP-SAT's wall-clock cut lifted (``cpsat``: with one worker a call
# is cut in wall time only at the solve's backstop), with ``time.monotonic`` frozen
# (``clock``: with one worker every phase reads the deterministic work clock, so this
# only keeps the backstop from ever firing), or both.
LIFT_CPSAT = """
from ortools.sat.python import cp_model
_solve = cp_model.CpSolver.solve
def _patient_solve(self, *args, **kwargs):
    if self.parameters.num_workers == 1:
        self.parameters.max_time_in_seconds = 1e6
    return _solve(self, *args, **kwargs)
cp_model.CpSolver.solve = _patient_solve
cp_model.CpSolver.Solve = _patient_solve
"""
LIFT_CLOCK = """
import time
_zero = time.monotonic()
time.monotonic = lambda: _zero
"""
LIFTS = {"none": "", "cpsat": LIFT_CPSAT, "clock": LIFT_CLOCK, "both": LIFT_CLOCK + LIFT_CPSAT}

# One measured solve: the plan's JSON without its time, on stdout.
SOLVE = """
import json, sys
from dispatcher.api import solve_scenario
plan = solve_scenario(sys.argv[1], time_limit=float(sys.argv[2]), seed=0, workers=1)
data = plan.model_dump(mode="json")
data["solver"].pop("time_s", None)
print(json.dumps(data, sort_keys=True))
"""

# One background solve after another, until killed: the load beside the measured runs.
LOAD = """
import sys
from dispatcher.api import load_scenario, solve_scenario
problem = load_scenario(sys.argv[1])
while True:
    solve_scenario(problem, time_limit=float(sys.argv[2]), seed=1)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=4, help="measured solves (default 4)")
    parser.add_argument("--engineers", type=int, default=20)
    parser.add_argument("--tickets", type=int, default=150)
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--load", type=int, default=2, help="solves running beside (default 2)")
    parser.add_argument(
        "--lift",
        choices=sorted(LIFTS),
        default="none",
        help="diagnosis: lift CP-SAT's wall-clock guard, stop the solver's clock, or both",
    )
    args = parser.parse_args(argv)

    from dispatcher.io.generator import generate_scenario

    with tempfile.TemporaryDirectory() as folder:
        scenario = Path(folder) / "day.yaml"
        scenario.write_text(
            generate_scenario(args.engineers, args.tickets, days=args.days, seed=0),
            encoding="utf-8",
        )
        python = [sys.executable, "-c"]
        where = {"cwd": str(ROOT)}
        load = [
            subprocess.Popen(
                [*python, LOAD, str(scenario), str(args.time_limit)],
                stdout=subprocess.DEVNULL,
                **where,  # type: ignore[arg-type]
            )
            for _ in range(args.load)
        ]
        plans: list[str] = []
        try:
            for run in range(args.runs):
                done = subprocess.run(
                    [*python, LIFTS[args.lift] + SOLVE, str(scenario), str(args.time_limit)],
                    capture_output=True,
                    text=True,
                    check=True,
                    **where,  # type: ignore[arg-type]
                )
                plans.append(done.stdout)
                plan = json.loads(done.stdout)
                digest = hashlib.sha256(done.stdout.encode("utf-8")).hexdigest()[:12]
                print(
                    f"run {run + 1}: objective {plan['objective']['total']:.4f}, "
                    f"{len(plan['assignments'])} assigned, plan {digest}",
                    flush=True,
                )
        finally:
            for process in load:
                process.kill()
                process.wait()
    distinct = len(set(plans))
    print(
        f"{args.engineers}x{args.tickets}, {args.days} day(s), workers=1 seed=0 "
        f"time limit {args.time_limit:g}s, {args.load} solves beside, lift {args.lift}: "
        f"{distinct} distinct plan(s) in {args.runs} runs"
    )
    return 0 if distinct == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
