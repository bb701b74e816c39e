"""Benchmark: generated days of several sizes, planned with the CLI as a user would.

For each size and seed: generate a scenario, run ``dispatch plan`` (wall time and
peak memory of that process), run the independent checker, and compare the
objective with the SPEC's reference rule of thumb and with the solver's bound.

    python benchmarks/run.py --sizes S M L --seeds 3

Scenarios come from ``dispatch generate`` (family ``generated``, the default) or from
one of the independently written families of ``benchmarks/families.py`` (``--family
field``; ``--family all`` runs every one, ``generated`` included). ``--family crews`` is
``dispatch generate --crews``: the same days with about one on-site break-fix visit in
ten needing two or three engineers (compare its ratios with ``generated``'s). Those are planned
with the default options but for the time limit of their size; the rule of thumb's own
plan is checked too. A run whose plan fails the check, whose planner crashes, that
overruns its time limit by more than 10%, that ends above the rule of thumb or whose
bound is above a known plan is reported after the table; ``--keep DIR`` keeps its
scenario, plans and messages there.

Replay (``--replay-runs R``, default 200; 0 turns it off): both plans, ours and the rule
of thumb's, are carried out ``R`` times by ``dispatch simulate --json --seed 1`` against
fresh random efforts. Per run it records the managed breaches that happened (mean over
the runs: response + resolution) for each plan, the weighted breaches that happened
over all tiers (sum over tickets of w(t) * (response + resolution probability)) for
each plan, and our plan's promised (expected_breaches) vs happened per tier; the table
adds the medians of the two ours / rule of thumb ratios and of the managed tier's
promise gap, |promised - mean| / mean. The last two columns, the managed breaches and the
weighted breaches no plan can avoid (``bound.breach_floor``, fixed draws) over the rule
of thumb's expected ones, are the lowest managed and weighted ratios any plan could reach
on those days.
``--break-fix-cap N|generator``: the generated days take one break-fix visit at a time at
every size (1, the default, as when these benchmarks began), or the generator's own cap
(one per 8 engineers: 2 at M, 6 at L, 25 at XL).
``--replay-shape weibull|normal`` replays with efforts of another shape (same p50 and
p90), to see whether the plans hold up when real efforts are not lognormal.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.families import FAMILIES, write_family

if TYPE_CHECKING:
    from dispatcher.semantics.evaluate import Job
    from dispatcher.semantics.problem import Problem

# Runs a command and prints its peak resident memory (KiB): one process per measurement.
PEAK_WRAPPER = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)

SIZES = {"S": (5, 40, 10), "M": (20, 150, 10), "L": (50, 500, 10), "XL": (200, 2000, 30)}
GENERATED = "generated"
CREWS = "crews"  # ``dispatch generate --crews``: the generated days with crew visits
FAMILY_NAMES = [GENERATED, CREWS, *FAMILIES]
OVERRUN = 1.10  # a wall time above this multiple of the time limit is reported
REPLAY_RUNS = 200  # default runs of ``dispatch simulate`` per plan
REPLAY_SEED = 1
MANAGED = "managed"


def run_directory(workdir: Path, family: str, size: str, seed: int) -> Path:
    """Where one run keeps its scenario, travel matrix and plan."""
    return workdir / f"{family}-{size}-seed{seed}"


# The break-fix cap of the generated days: the generator's when these benchmarks began
# (one visit at a time at every size), so that results stay comparable across versions.
BREAK_FIX_CAP = 1


def write_scenario(
    family: str, size: str, seed: int, directory: Path, break_fix_cap: int | None = BREAK_FIX_CAP
) -> Path:
    """The scenario of one run: ``dispatch generate``'s (with ``break_fix_cap``; None: the
    generator's own default, one visit at a time per 8 engineers), or a family's."""
    engineers, tickets, _ = SIZES[size]
    if family in (GENERATED, CREWS):
        from dispatcher.io.generator import generate_scenario

        directory.mkdir(parents=True, exist_ok=True)
        scenario = directory / f"{size}-{seed}.yaml"
        text = generate_scenario(
            engineers,
            tickets,
            days=2,
            seed=seed,
            crews=family == CREWS,
            break_fix_cap=break_fix_cap,
        )
        scenario.write_text(text)
        return scenario
    return write_family(family, engineers, tickets, seed, directory)


def crews_missed(problem: Any, reference_jobs: list[Any], plan: dict[str, Any]) -> list[str]:
    """Crew tickets (crew > 1) the rule of thumb assigns and our plan does not."""
    ours = {entry["ticket"] for entry in plan["assignments"]}
    theirs = {problem.tickets[job.ticket].id for job in reference_jobs}
    crews = {t.id for t in problem.tickets if t.crew > 1}
    return sorted((crews & theirs) - ours)


def _floor_ratios(problem: Any, reference: Any) -> tuple[float | None, float | None]:
    """The managed breaches, and the weighted breaches of every tier, that no plan can
    avoid (``bound.breach_floor``: each ticket alone, and a capped tier's lane) over the
    rule of thumb's expected ones (fixed draws): no plan's managed or weighted ratio is
    lower."""
    from dispatcher.solver.bound import breach_floor, least_breaches

    least = least_breaches(problem)
    floor = {
        "managed": breach_floor(problem, least).get(MANAGED, 0.0),
        "weighted": sum(breach_floor(problem, least, weighted=True).values()),
    }
    expected = {"managed": 0.0, "weighted": 0.0}
    for ticket in problem.tickets:
        job = reference.jobs.get(ticket.index)
        risks = (
            (job.response_risk, job.resolution_risk)
            if job is not None
            else reference.unassigned_risk[ticket.index]
        )
        expected["weighted"] += ticket.weight * sum(risks)
        if ticket.tier == MANAGED:
            expected["managed"] += sum(risks)
    managed = floor["managed"] / expected["managed"] if expected["managed"] else None
    weighted = floor["weighted"] / expected["weighted"] if expected["weighted"] else None
    return managed, weighted


def run_one(
    size: str,
    seed: int,
    workdir: Path,
    family: str = GENERATED,
    replay_runs: int = REPLAY_RUNS,
    replay_shape: str = "lognormal",
    break_fix_cap: int | None = BREAK_FIX_CAP,
) -> dict[str, object]:
    from dispatcher.io.loader import load_scenario
    from dispatcher.semantics.evaluate import evaluate
    from dispatcher.solver.construct import reference_plan

    _, _, limit = SIZES[size]
    directory = run_directory(workdir, family, size, seed)
    scenario = write_scenario(family, size, seed, directory, break_fix_cap)
    plan_path = scenario.with_suffix(".json")
    # The generated days keep their historical seed; the families run on defaults.
    seed_option = ["--seed", str(seed)] if family in (GENERATED, CREWS) else []
    row: dict[str, object] = {
        "family": family,
        "size": size,
        "seed": seed,
        "break_fix_cap": (
            None
            if family not in (GENERATED, CREWS)
            else "generator"
            if break_fix_cap is None
            else break_fix_cap
        ),
        "objective": None,
        "reference": None,
        "ratio": None,
        "gap": None,
        "bound_ratio": None,
        "wall_s": None,
        "peak_mb": None,
        "status": "crash",
        "checked": False,
        "managed_ours": None,
        "managed_reference": None,
        "managed_ratio": None,
        "weighted_ours": None,
        "weighted_reference": None,
        "weighted_ratio": None,
        "promise_gap": None,
        "by_tier": None,
        "managed_floor_ratio": None,
        "weighted_floor_ratio": None,
    }
    started = time.monotonic()
    measured = subprocess.run(
        [
            sys.executable,
            "-c",
            PEAK_WRAPPER,
            sys.executable,
            "-m",
            "dispatcher.cli",
            "plan",
            str(scenario),
            "-o",
            str(plan_path),
            "--time-limit",
            str(limit),
            *seed_option,
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - started
    row["wall_s"] = wall
    notes: list[str] = []
    if measured.returncode != 0 or not plan_path.exists():
        notes.append(f"dispatch plan failed (exit {measured.returncode}):\n{measured.stderr}")
        plan = None
    else:
        row["peak_mb"] = int(measured.stdout.split()[-1]) / 1024
        plan = json.loads(plan_path.read_text())
        checked = subprocess.run(
            [sys.executable, "-m", "dispatcher.cli", "check", str(scenario), str(plan_path)],
            capture_output=True,
            text=True,
        )
        row["checked"] = checked.returncode == 0
        row["status"] = plan["solver"]["status"]
        if checked.returncode != 0:
            notes.append(
                f"dispatch check exit {checked.returncode}:\n{checked.stdout}{checked.stderr}"
            )
    if wall > OVERRUN * limit:
        notes.append(f"wall time {wall:.1f} s for a time limit of {limit} s")
    try:
        problem = load_scenario(scenario)
        reference_jobs = reference_plan(problem)
        reference_evaluation = evaluate(problem, reference_jobs)
        reference = reference_evaluation.total
        row["reference"] = reference
        row["managed_floor_ratio"], row["weighted_floor_ratio"] = _floor_ratios(
            problem, reference_evaluation
        )
        if plan is not None:
            missed = crews_missed(problem, reference_jobs, plan)
            row["crew_tickets"] = sum(1 for t in problem.tickets if t.crew > 1)
            row["crews_missed"] = len(missed)
            if missed:
                notes.append(
                    "crew tickets the rule of thumb assigns and our plan leaves out: "
                    + ", ".join(missed)
                )
    except Exception:
        notes.append(f"the rule of thumb failed:\n{traceback.format_exc()}")
        reference = None
    reference_path: Path | None = None
    if family not in (GENERATED, CREWS) and reference is not None:
        refused = check_reference(problem, scenario, reference_jobs)
        reference_path = reference_plan_path(scenario)
        if refused:
            notes.append(f"the rule of thumb's own plan fails the check:\n{refused}")
    elif reference is not None and replay_runs > 0:
        reference_path = write_reference(problem, scenario, reference_jobs)
    if replay_runs > 0 and plan is not None and reference_path is not None:
        notes.extend(
            replay(row, problem, scenario, plan_path, reference_path, replay_runs, replay_shape)
        )
    if plan is not None:
        total = plan["objective"]["total"]
        bound = plan["solver"]["bound"]
        row["objective"] = total
        if reference is not None:
            row["ratio"] = total / reference if reference else 1.0
            row["bound_ratio"] = bound / reference if bound is not None and reference else None
            if total > reference + 1e-6:
                notes.append(f"objective {total:.4f} is above the rule of thumb's {reference:.4f}")
            if bound is not None and bound > reference + 1e-6:
                notes.append(f"bound {bound:.4f} is above the rule of thumb's {reference:.4f}")
        if bound is not None and bound > total + 1e-6:
            notes.append(f"bound {bound:.4f} is above the plan's objective {total:.4f}")
        row["gap"] = (total - bound) / total if bound is not None and total else None
    if notes:
        row["problems"] = notes
        plan_command = ["dispatch", "plan", scenario.name, "-o", plan_path.name]
        row["commands"] = [
            " ".join([*plan_command, "--time-limit", str(limit), *seed_option]),
            f"dispatch check {scenario.name} {plan_path.name}",
        ]
        if replay_runs > 0 and reference_path is not None:
            row["commands"].extend(  # type: ignore[attr-defined]
                f"dispatch simulate {scenario.name} {path.name} --json "
                f"--runs {replay_runs} --seed {REPLAY_SEED}"
                for path in (plan_path, reference_path)
            )
    return row


def simulate(
    scenario: Path, plan_path: Path, runs: int, shape: str = "lognormal"
) -> dict[str, object] | str:
    """``dispatch simulate --json`` of one plan: its report, or the failure's message."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dispatcher.cli",
            "simulate",
            str(scenario),
            str(plan_path),
            "--json",
            "--runs",
            str(runs),
            "--seed",
            str(REPLAY_SEED),
            "--effort-shape",
            shape,
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return (
            f"dispatch simulate {plan_path.name} failed (exit {done.returncode}):\n"
            f"{done.stdout}{done.stderr}"
        )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def happened_managed(report: dict[str, object]) -> float:
    """The managed breaches that happened, mean over the runs (0 without managed tickets)."""
    tier = report["by_tier"].get(MANAGED)  # type: ignore[attr-defined]
    return float(tier["mean"]) if tier is not None else 0.0


def happened_weighted(problem: Problem, report: dict[str, object]) -> float:
    """Sum over tickets of w(t) * (response + resolution probability), all tiers.

    ``dispatch simulate`` lists every ticket that breached in some run; the others
    contribute nothing."""
    weights = {ticket.id: ticket.weight for ticket in problem.tickets}
    return sum(
        weights[item["ticket"]] * (item["response_probability"] + item["resolution_probability"])
        for item in report["tickets"]  # type: ignore[attr-defined]
    )


def _ratio(ours: float, reference: float) -> float | None:
    """ours / reference; 1.0 when both are 0, None when only the reference is."""
    if reference > 0:
        return ours / reference
    return 1.0 if ours == 0 else None


def replay(
    row: dict[str, object],
    problem: Problem,
    scenario: Path,
    plan_path: Path,
    reference_path: Path,
    runs: int,
    shape: str = "lognormal",
) -> list[str]:
    """Carries out both plans with ``dispatch simulate`` (efforts shaped ``shape``) and
    fills the row's replay columns; returns the problems met."""
    ours = simulate(scenario, plan_path, runs, shape)
    theirs = simulate(scenario, reference_path, runs, shape)
    notes = [report for report in (ours, theirs) if isinstance(report, str)]
    if isinstance(ours, dict):
        by_tier = ours["by_tier"]
        row["by_tier"] = by_tier
        row["managed_ours"] = happened_managed(ours)
        row["weighted_ours"] = happened_weighted(problem, ours)
        managed = by_tier.get(MANAGED)  # type: ignore[attr-defined]
        if managed is not None:
            promised, mean = float(managed["promised"]), float(managed["mean"])
            row["promise_gap"] = abs(promised - mean) / max(mean, 1e-9)
    if isinstance(theirs, dict):
        row["managed_reference"] = happened_managed(theirs)
        row["weighted_reference"] = happened_weighted(problem, theirs)
    if isinstance(ours, dict) and isinstance(theirs, dict):
        row["managed_ratio"] = _ratio(
            float(row["managed_ours"]),  # type: ignore[arg-type]
            float(row["managed_reference"]),  # type: ignore[arg-type]
        )
        row["weighted_ratio"] = _ratio(
            float(row["weighted_ours"]),  # type: ignore[arg-type]
            float(row["weighted_reference"]),  # type: ignore[arg-type]
        )
    return notes


def reference_plan_path(scenario: Path) -> Path:
    """Where the rule of thumb's plan of ``scenario`` is written."""
    return scenario.with_name(scenario.stem + "-reference.json")


def write_reference(problem: Problem, scenario: Path, jobs: list[Job]) -> Path:
    """Writes the rule of thumb's plan (its ``jobs``) beside ``scenario``; returns its path."""
    from dispatcher.io.planfile import write_plan
    from dispatcher.semantics.evaluate import evaluate
    from dispatcher.solver.assemble import build_plan

    plan = build_plan(
        problem, jobs, evaluate(problem, jobs), status="fallback", time_s=0.0, bound=None, seed=0
    )
    path = reference_plan_path(scenario)
    write_plan(plan, path)
    return path


def check_reference(problem: Problem, scenario: Path, jobs: list[Job]) -> str:
    """The checker's complaints about the rule of thumb's plan (empty when it passes)."""
    path = write_reference(problem, scenario, jobs)
    checked = subprocess.run(
        [sys.executable, "-m", "dispatcher.cli", "check", str(scenario), str(path)],
        capture_output=True,
        text=True,
    )
    return "" if checked.returncode == 0 else checked.stdout + checked.stderr


def keep_run(row: dict[str, object], workdir: Path, keep: Path) -> Path:
    """Copies a reported run's files (scenario, travel matrix, plan) and messages to ``keep``."""
    name = run_directory(workdir, str(row["family"]), str(row["size"]), int(str(row["seed"])))
    target = keep / name.name
    shutil.copytree(name, target, dirs_exist_ok=True)
    lines = [*row.get("commands", []), "", *row.get("problems", [])]  # type: ignore[misc]
    (target / "problems.txt").write_text("\n".join(str(line) for line in lines) + "\n")
    return target


def _cap(text: str) -> int | None:
    """``--break-fix-cap``: a positive whole number, or ``generator`` (None)."""
    if text == "generator":
        return None
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a whole number from 1, or 'generator'")
    return int(text)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="+", default=["S", "M", "L"], choices=list(SIZES))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--family",
        default=GENERATED,
        choices=[*FAMILY_NAMES, "all"],
        help="Where the scenarios come from (default: dispatch generate).",
    )
    parser.add_argument(
        "--replay-runs",
        type=int,
        default=REPLAY_RUNS,
        help="Runs of dispatch simulate per plan, ours and the rule of thumb's (0: no replay).",
    )
    parser.add_argument(
        "--replay-shape",
        default="lognormal",
        choices=["lognormal", "weibull", "normal"],
        help="How the replay draws efforts (dispatch simulate --effort-shape): the SPEC's "
        "lognormal, or another shape with the same p50 and p90.",
    )
    parser.add_argument(
        "--break-fix-cap",
        type=_cap,
        default=BREAK_FIX_CAP,
        metavar="N|generator",
        help="Break-fix visits at a time on the generated days (default 1, as these "
        "benchmarks always had; 'generator': dispatch generate's own, one per 8 engineers).",
    )
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/latest.json"))
    parser.add_argument("--plot", type=Path, help="Also draw the results as a PNG here.")
    parser.add_argument(
        "--keep", type=Path, help="Keep the files of every run reported as a problem here."
    )
    args = parser.parse_args()
    families = FAMILY_NAMES if args.family == "all" else [args.family]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for family in families:
            for size in args.sizes:
                for seed in range(args.seeds):
                    row = run_one(
                        size,
                        seed,
                        Path(tmp),
                        family,
                        max(args.replay_runs, 0),
                        args.replay_shape,
                        args.break_fix_cap,
                    )
                    if "problems" in row and args.keep:
                        row["kept"] = str(keep_run(row, Path(tmp), args.keep))
                    rows.append(row)
                    print(json.dumps(row), flush=True)
    print(
        "\n| family | size | runs | checked | median ratio to rule of thumb | median bound / "
        "rule of thumb | median gap | median wall s | max peak MB | statuses "
        "| median managed happened: ours / rule of thumb "
        "| median weighted happened: ours / rule of thumb | median promise gap (managed) "
        "| median unavoidable managed / rule of thumb "
        "| median unavoidable weighted / rule of thumb |"
    )
    print("| --- " * 15 + "|")
    for family in families:
        for size in args.sizes:
            mine = [r for r in rows if r["family"] == family and r["size"] == size]
            print(
                f"| {family} | {size} {SIZES[size][0]}x{SIZES[size][1]} | {len(mine)} "
                f"| {sum(bool(r['checked']) for r in mine)}/{len(mine)} "
                f"| {_median_text(mine, 'ratio')} "
                f"| {_median_text(mine, 'bound_ratio')} | {_median_text(mine, 'gap')} "
                f"| {_median_text(mine, 'wall_s', 1)} "
                f"| {_max_text(mine, 'peak_mb')} "
                f"| {', '.join(sorted({str(r['status']) for r in mine}))} "
                f"| {_median_text(mine, 'managed_ratio')} "
                f"| {_median_text(mine, 'weighted_ratio')} "
                f"| {_median_text(mine, 'promise_gap')} "
                f"| {_median_text(mine, 'managed_floor_ratio')} "
                f"| {_median_text(mine, 'weighted_floor_ratio')} |"
            )
    crews = [r for r in rows if r.get("crew_tickets")]
    if crews:
        total = sum(int(str(r["crew_tickets"])) for r in crews)
        missed = sum(int(str(r.get("crews_missed") or 0)) for r in crews)
        print(
            f"\ncrew tickets: {total} in {len(crews)} runs; the rule of thumb assigns "
            f"{missed} of them that our plans leave out"
        )
    reported = [r for r in rows if "problems" in r]
    if reported:
        print(f"\n{len(reported)} run(s) with problems:")
        for r in reported:
            where = f" (kept in {r['kept']})" if "kept" in r else ""
            print(f"\n## {r['family']} {r['size']} seed {r['seed']}{where}")
            for problem in r["problems"]:  # type: ignore[attr-defined]
                print(problem.rstrip())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=1))
    if args.plot:
        plot(rows, args.plot)


def _median_text(rows: list[dict[str, object]], key: str, digits: int = 3) -> str:
    values = [float(r[key]) for r in rows if r[key] is not None]  # type: ignore[arg-type]
    return f"{statistics.median(values):.{digits}f}" if values else "n/a"


def _max_text(rows: list[dict[str, object]], key: str) -> str:
    values = [float(r[key]) for r in rows if r[key] is not None]  # type: ignore[arg-type]
    return f"{max(values):.0f}" if values else "n/a"


def plot(rows: list[dict[str, object]], path: Path) -> None:
    """Ratio to the rule of thumb (and the bound's ratio: no plan can go lower) and wall
    time per size, one point per seed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install -e '.[bench]'): no plot written")
        return
    sizes = [size for size in SIZES if any(r["size"] == size for r in rows)]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for x, size in enumerate(sizes):
        mine = [r for r in rows if r["size"] == size and r["ratio"] is not None]
        left.scatter([x] * len(mine), [r["ratio"] for r in mine], color="tab:blue")
        bounds = [r["bound_ratio"] for r in mine if r["bound_ratio"] is not None]
        left.scatter([x] * len(bounds), bounds, color="tab:gray", marker="_", s=300)
        right.scatter([x] * len(mine), [r["wall_s"] for r in mine], color="tab:orange")
        right.hlines(SIZES[size][2], x - 0.3, x + 0.3, color="tab:red", linestyles="dotted")
    labels = [f"{s}\n{SIZES[s][0]}x{SIZES[s][1]}" for s in sizes]
    for axis in (left, right):
        axis.set_xticks(range(len(sizes)), labels)
    left.axhline(1.0, color="black", linewidth=0.5)
    left.set_ylabel("objective / rule of thumb (lower is better)")
    left.set_title("plan (dots) and proven bound (bars)")
    right.set_ylabel("wall seconds")
    right.set_title("wall time (dotted: time limit)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    print(f"plot written to {path}")


if __name__ == "__main__":
    main()
