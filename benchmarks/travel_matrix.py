"""Benchmark: ``dispatch validate`` of a scenario with a large travel matrix.

Writes a generated scenario and a ``from,to,minutes`` matrix of about ``--megabytes``
MiB beside it: every pair of the scenario's sites (the rows that are kept), then rows
between sites the scenario does not have (skipped and counted) until the size is
reached. Then runs ``dispatch validate`` on it in a process of its own and reports the
wall time and the peak resident memory of that process (``/usr/bin/time -f %M`` when
there is one, else ``wait4``).

    python benchmarks/travel_matrix.py --megabytes 50

The issue's target: a 50 MiB matrix (the default byte limit) validates in well under
1 GiB. Not a unit test: it writes 50 MiB and takes some seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dispatcher.io.generator import generate_scenario  # noqa: E402

MIB = 1024 * 1024
GNU_TIME = Path("/usr/bin/time")


def write_case(folder: Path, megabytes: float, engineers: int, tickets: int) -> tuple[Path, int]:
    """The scenario (with ``travel_matrix: travel.csv``) and the matrix's kept rows."""
    import yaml

    text = generate_scenario(engineers=engineers, tickets=tickets, days=2, seed=1)
    sites = list(yaml.safe_load(text)["sites"])
    scenario = folder / "scenario.yaml"
    scenario.write_text(
        text.replace("\nsites:", "\ntravel_matrix: travel.csv\nsites:", 1), encoding="utf-8"
    )
    target = int(megabytes * MIB)
    kept = 0
    with (folder / "travel.csv").open("w", encoding="utf-8", newline="") as stream:
        written = stream.write("from,to,minutes\n")
        for origin in sites:
            for destination in sites:
                if origin != destination:
                    written += stream.write(f"{origin},{destination},{10 + kept % 50}\n")
                    kept += 1
        number = 0
        while written < target:  # rows for sites of some other scenario
            written += stream.write(f"other-{number},other-{number + 1},{number % 90}\n")
            number += 1
    return scenario, kept


def run_validate(scenario: Path) -> tuple[int, float, float, str]:
    """Exit code, wall seconds, peak MB and the output of ``dispatch validate``."""
    command = [sys.executable, "-m", "dispatcher.cli", "validate", str(scenario)]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    if GNU_TIME.exists():
        done = subprocess.run(
            [str(GNU_TIME), "-f", "%M", *command],
            capture_output=True,
            text=True,
            env=environment,
            check=False,
        )
        seconds = time.perf_counter() - started
        *errors, peak = done.stderr.strip().splitlines() or ["0"]
        return done.returncode, seconds, int(peak) / 1024, done.stdout + "\n".join(errors)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=environment, text=True)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    return os.waitstatus_to_exitcode(status), seconds, usage.ru_maxrss / 1024, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=49.5, help="matrix size in MiB")
    parser.add_argument("--engineers", type=int, default=50)
    parser.add_argument("--tickets", type=int, default=500)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="travel-matrix-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        scenario, kept = write_case(folder, args.megabytes, args.engineers, args.tickets)
        size = (folder / "travel.csv").stat().st_size
        code, seconds, peak, output = run_validate(scenario)
        print(output.strip().splitlines()[-1] if output.strip() else "(no output)")
        print(
            f"matrix {size / MIB:.1f} MiB ({kept} rows between the scenario's sites): "
            f"validate exit {code} in {seconds:.1f} s, peak {peak:.0f} MB"
        )
        if code != 0:
            print(output)
            sys.exit(1)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
