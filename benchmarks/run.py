"""Benchmark: generated days of several sizes, planned with the CLI as a user would.

For each size and seed: generate a scenario, run ``dispatch plan`` (wall time and
peak memory of that process), run the independent checker, and compare the
objective with the SPEC's reference rule of thumb and with the solver's bound.

    python benchmarks/run.py --sizes S M L --seeds 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Runs a command and prints its peak resident memory (KiB): one process per measurement.
PEAK_WRAPPER = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)

SIZES = {"S": (5, 40, 10), "M": (20, 150, 10), "L": (50, 500, 10), "XL": (200, 2000, 30)}


def run_one(size: str, seed: int, workdir: Path) -> dict[str, object]:
    from dispatcher.construct import reference_plan
    from dispatcher.evaluate import evaluate
    from dispatcher.generator import generate_scenario
    from dispatcher.loader import load_scenario

    engineers, tickets, limit = SIZES[size]
    scenario = workdir / f"{size}-{seed}.yaml"
    plan_path = workdir / f"{size}-{seed}.json"
    scenario.write_text(generate_scenario(engineers, tickets, days=2, seed=seed))
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
            "--seed",
            str(seed),
            "--quiet",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - started
    peak_mb = int(measured.stdout.split()[-1]) / 1024
    checked = subprocess.run(
        [sys.executable, "-m", "dispatcher.cli", "check", str(scenario), str(plan_path)],
        capture_output=True,
        text=True,
    )
    plan = json.loads(plan_path.read_text())
    problem = load_scenario(scenario)
    reference = evaluate(problem, reference_plan(problem)).total
    total = plan["objective"]["total"]
    bound = plan["solver"]["bound"]
    return {
        "size": size,
        "seed": seed,
        "objective": total,
        "reference": reference,
        "ratio": total / reference if reference else 1.0,
        "gap": (total - bound) / total if bound is not None and total else None,
        "bound_ratio": bound / reference if bound is not None and reference else None,
        "wall_s": wall,
        "peak_mb": peak_mb,
        "status": plan["solver"]["status"],
        "checked": checked.returncode == 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="+", default=["S", "M", "L"], choices=list(SIZES))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/latest.json"))
    parser.add_argument("--plot", type=Path, help="Also draw the results as a PNG here.")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            for seed in range(args.seeds):
                row = run_one(size, seed, Path(tmp))
                rows.append(row)
                print(json.dumps(row), flush=True)
    print(
        "\n| size | runs | checked | median ratio to rule of thumb | median bound / rule of "
        "thumb | median gap | median wall s | max peak MB | statuses |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for size in args.sizes:
        mine = [r for r in rows if r["size"] == size]
        print(
            f"| {size} {SIZES[size][0]}x{SIZES[size][1]} | {len(mine)} "
            f"| {sum(bool(r['checked']) for r in mine)}/{len(mine)} "
            f"| {statistics.median(float(r['ratio']) for r in mine):.3f} "
            f"| {_median_text(mine, 'bound_ratio')} | {_median_text(mine, 'gap')} "
            f"| {statistics.median(float(r['wall_s']) for r in mine):.1f} "
            f"| {max(float(r['peak_mb']) for r in mine):.0f} "
            f"| {', '.join(sorted({str(r['status']) for r in mine}))} |"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=1))
    if args.plot:
        plot(rows, args.plot)


def _median_text(rows: list[dict[str, object]], key: str) -> str:
    values = [float(r[key]) for r in rows if r[key] is not None]  # type: ignore[arg-type]
    return f"{statistics.median(values):.3f}" if values else "n/a"


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
        mine = [r for r in rows if r["size"] == size]
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
