"""Benchmark: generated days of several sizes, planned with the CLI as a user would.

For each size and seed: generate a scenario, run ``dispatch plan`` (wall time and
peak memory of that process), run the independent checker, and compare the
objective with the SPEC's reference rule of thumb and with the solver's bound.

    python benchmarks/run.py --sizes S M L --seeds 3
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    subprocess.run(
        [
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
    )
    wall = time.monotonic() - started
    peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
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
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            for seed in range(args.seeds):
                row = run_one(size, seed, Path(tmp))
                rows.append(row)
                print(json.dumps(row), flush=True)
    print(
        "\n| size | runs | checked | median ratio to rule of thumb | median gap | median wall s | max peak MB | statuses |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for size in args.sizes:
        mine = [r for r in rows if r["size"] == size]
        gaps = [r["gap"] for r in mine if r["gap"] is not None]
        gap_text = f"{statistics.median(gaps):.3f}" if gaps else "n/a"
        print(
            f"| {size} {SIZES[size][0]}x{SIZES[size][1]} | {len(mine)} "
            f"| {sum(bool(r['checked']) for r in mine)}/{len(mine)} "
            f"| {statistics.median(float(r['ratio']) for r in mine):.3f} | {gap_text} "
            f"| {statistics.median(float(r['wall_s']) for r in mine):.1f} "
            f"| {max(float(r['peak_mb']) for r in mine):.0f} "
            f"| {', '.join(sorted({str(r['status']) for r in mine}))} |"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
