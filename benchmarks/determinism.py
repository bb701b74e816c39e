"""Determinism on a busy machine: the same plan from ``workers=1`` and a seed while
other solves run beside it.

Generates a day (20 engineers, 150 tickets by default), starts ``--load`` background
solves of it (each a subprocess looping ``solve_scenario`` with the solver's default
worker count, so the machine is busy), then solves it ``--runs`` times, one after
another, each in a fresh subprocess through the Python API with ``workers=1``,
``seed=0`` and ``--time-limit`` seconds. Reports how many distinct plans came out,
comparing each plan's JSON without ``solver.time_s``, and each plan's objective.

``--command reschedule`` measures a re-plan instead: the day is first planned once
(one worker, seed 0, before the load starts), then each measured run re-plans that plan
with ``reschedule_plan`` at ``--now`` (default 12:00 on the first day) with an emergency
ticket added (a managed client's P1 on-site visit, as ``benchmarks/reschedule.py`` adds)
and the engineer with the most jobs left at now unavailable from now, ``workers=1``,
``seed=0``. ``--command impact`` prices the same emergency with ``impact_of`` instead
(two re-plans per run: without and with it) and compares the impact's JSON.

    python benchmarks/determinism.py --runs 4
    python benchmarks/determinism.py --runs 6 --engineers 30 --tickets 300 --load 3
    python benchmarks/determinism.py --command reschedule --runs 4
    python benchmarks/determinism.py --command impact --runs 4

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

# One measured re-plan (argv: scenario, limit, plan, now, add file, engineer): the new
# plan's JSON without its time, on stdout.
RESCHEDULE = """
import json, sys, yaml
from dispatcher.api import reschedule_plan
from models import Plan
old = Plan.model_validate_json(open(sys.argv[3], encoding="utf-8").read())
add = yaml.safe_load(open(sys.argv[5], encoding="utf-8"))["tickets"]
result = reschedule_plan(sys.argv[1], old, sys.argv[4], add=add, unavailable=[sys.argv[6]],
                         time_limit=float(sys.argv[2]), seed=0, workers=1)
data = result.plan.model_dump(mode="json")
data["solver"].pop("time_s", None)
print(json.dumps(data, sort_keys=True))
"""

# One measured impact (the same arguments but the engineer): its JSON, on stdout.
IMPACT = """
import json, sys, yaml
from dispatcher.api import impact_of
from models import Plan
old = Plan.model_validate_json(open(sys.argv[3], encoding="utf-8").read())
job = yaml.safe_load(open(sys.argv[5], encoding="utf-8"))["tickets"]
result = impact_of(sys.argv[1], old, sys.argv[4], job, time_limit=float(sys.argv[2]),
                   seed=0, workers=1)
data = result.as_json()
for name, side in (("with", result.with_job), ("without", result.without)):
    data[name]["assignments"] = side.plan.model_dump(mode="json")["assignments"]
data["objective"] = {"total": data["with"]["objective"]["total"]}
data["assignments"] = data["with"]["assignments"]
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
        "--command",
        choices=["plan", "reschedule", "impact"],
        default="plan",
        help="what each run measures: a daily plan (default), a re-plan, an impact",
    )
    parser.add_argument(
        "--now", default="12:00", help="reschedule, impact: HH:MM on the first day (12:00)"
    )
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
        measured = [LIFTS[args.lift] + SOLVE, str(scenario), str(args.time_limit)]
        if args.command != "plan":
            code = RESCHEDULE if args.command == "reschedule" else IMPACT
            measured = [LIFTS[args.lift] + code, str(scenario), str(args.time_limit)]
            measured += _replan_inputs(Path(folder), scenario, args.now, args.time_limit)
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
                    [*python, *measured],
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
    what = "" if args.command == "plan" else f"{args.command} at {args.now} of "
    print(
        f"{what}{args.engineers}x{args.tickets}, {args.days} day(s), workers=1 seed=0 "
        f"time limit {args.time_limit:g}s, {args.load} solves beside, lift {args.lift}: "
        f"{distinct} distinct plan(s) in {args.runs} runs"
    )
    return 0 if distinct == 1 else 1


def _replan_inputs(folder: Path, scenario: Path, now: str, time_limit: float) -> list[str]:
    """The base plan (one worker, seed 0), ``now`` on the first day, the emergency's
    ticket file and the engineer made unavailable: the measured re-plan's arguments."""
    import yaml
    from reschedule import emergency

    from dispatcher.api import load_scenario, solve_scenario

    problem = load_scenario(str(scenario))
    plan = solve_scenario(problem, time_limit=time_limit, seed=0, workers=1)
    plan_path = folder / "plan.json"
    plan_path.write_text(plan.model_dump_json(), encoding="utf-8")
    data = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    at = f"{str(data['horizon']['start'])[:10]}T{now}"
    add_path = folder / "emergency.yaml"
    add_path.write_text(yaml.safe_dump(emergency(data, at)), encoding="utf-8")
    # The engineer with the most jobs not yet ended at now; ties by id.
    hour, minute = (int(part) for part in now.split(":"))
    cut = problem.instant(0).replace(hour=hour, minute=minute)
    left: dict[str, int] = {}
    for assignment in plan.assignments:
        if assignment.end > cut:
            left[assignment.engineer] = left.get(assignment.engineer, 0) + 1
    engineer = min(left, key=lambda e: (-left[e], e))
    print(f"base plan: objective {plan.objective.total:.4f}; now {at}; {engineer} unavailable")
    return [str(plan_path), at, str(add_path), engineer]


if __name__ == "__main__":
    sys.exit(main())
