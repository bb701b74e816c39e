"""Benchmark: an emergency call on a big generated day, rescheduled with the CLI.

For each seed: generate a 50 x 500 day, plan it (10 s), then at 11:00 on the
first day add one P1 on-site ticket of a managed client and run
``dispatch reschedule --time-limit 2``. Reported: wall time and peak memory of
the reschedule process, the share of not-yet-started jobs it changed (engineer,
start or dropped), whether the emergency was assigned (and whether anyone
could take it), and the independent checker's verdict with ``--base``.

    python benchmarks/reschedule.py --seeds 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ENGINEERS, TICKETS = 50, 500


def _dispatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dispatcher.cli", *args], capture_output=True, text=True
    )


def emergency(scenario: dict, now: str) -> dict:
    """A managed client's server down: P1, on site, with the day's commonest skill."""
    managed = {
        name for name, policy in scenario["sla_policies"].items() if policy["tier"] == "managed"
    }
    client = next(c for c in scenario["clients"] if c["sla"] in managed)
    skills = Counter(skill for t in scenario["tickets"] for skill in t.get("skills", {}))
    skill = skills.most_common(1)[0][0] if skills else None
    ticket = {
        "id": "EMERGENCY-1",
        "client": client["id"],
        "summary": "Server down",
        "priority": "P1",
        "opened": now,
        "onsite": True,
        "effort": {"p50": "2h", "p90": "4h"},
    }
    if skill:
        ticket["skills"] = {skill: 1}
    return {"tickets": [ticket]}


def run_one(seed: int, workdir: Path, time_limit: float) -> dict[str, object]:
    from dispatcher.io.generator import generate_scenario

    scenario_path = workdir / f"day-{seed}.yaml"
    scenario_path.write_text(
        generate_scenario(ENGINEERS, TICKETS, days=2, seed=seed, break_fix_cap=1)
    )
    scenario = yaml.safe_load(scenario_path.read_text())
    plan_path, new_path = workdir / f"plan-{seed}.json", workdir / f"new-{seed}.json"
    planned = _dispatch(
        "plan", str(scenario_path), "-o", str(plan_path), "--seed", str(seed), "--quiet"
    )
    planned.check_returncode()
    day = str(scenario["horizon"]["start"])[:10]
    now = f"{day}T11:00"
    add_path = workdir / f"emergency-{seed}.yaml"
    add_path.write_text(yaml.safe_dump(emergency(scenario, now)))

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    done = _dispatch(
        "reschedule",
        str(scenario_path),
        "--plan",
        str(plan_path),
        "--now",
        now,
        "--add",
        str(add_path),
        "--time-limit",
        str(time_limit),
        "--seed",
        str(seed),
        "-o",
        str(new_path),
        "--quiet",
    )
    wall = time.monotonic() - started
    peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    done.check_returncode()
    checked = _dispatch("check", str(scenario_path), str(new_path), "--base", str(plan_path))

    from dispatcher.io.loader import load_scenario
    from dispatcher.io.planfile import read_plan
    from dispatcher.semantics.timeconv import to_utc

    problem = load_scenario(scenario_path)
    old, new = read_plan(plan_path), read_plan(new_path)
    moment = to_utc(dt.datetime.fromisoformat(now), problem.tz)
    future = {a.ticket: a for a in old.assignments if a.start >= moment}
    placed = {a.ticket: a for a in new.assignments}
    tolerance = problem.scenario.weights.move_tolerance.minutes * 60
    disrupted = sum(
        1
        for ticket, a in future.items()
        if ticket not in placed
        or placed[ticket].engineer != a.engineer
        or abs((placed[ticket].start - a.start).total_seconds()) > tolerance
    )
    changed = sum(
        1
        for ticket, a in future.items()
        if ticket not in placed
        or placed[ticket].engineer != a.engineer
        or placed[ticket].start != a.start
    )
    eligible = any(
        e.onsite and all(e.skills.get(s, 0) >= lvl for s, lvl in ticket_skills(add_path).items())
        for e in problem.engineers
    )
    by_hand = manual_objective(problem, old, now, add_path)
    return {
        "seed": seed,
        "manual_objective": None if by_hand is None else round(by_hand, 3),
        "not_worse_than_manual": by_hand is None or new.objective.total <= by_hand + 1e-6,
        "wall_s": round(wall, 2),
        "peak_mb": round(peak_mb),
        "future_jobs": len(future),
        "changed": changed,
        "changed_share": round(changed / len(future), 4) if future else 0.0,
        "disrupted": disrupted,
        "disrupted_share": round(disrupted / len(future), 4) if future else 0.0,
        "emergency_assigned": "EMERGENCY-1" in placed,
        "anyone_eligible": eligible,
        "status": new.solver.status,
        "objective_before": round(old.objective.total, 3),
        "objective_after": round(new.objective.total, 3),
        "checked": checked.returncode == 0,
        "check_output": checked.stdout.strip().splitlines()[-1:] if checked.stdout else [],
    }


def manual_objective(problem: Any, old: Any, now: str, add_path: Path) -> float | None:
    """The objective of a dispatcher's manual reaction (the emergency next on the eligible
    engineer who can start it soonest, their later jobs pushed right, nothing else
    changed), priced like the reschedule's plan; None if nobody can take it."""
    from dispatcher.io.yamlio import LineMap
    from dispatcher.solver.reschedule.events import AddedTickets, Events
    from dispatcher.solver.reschedule.repair import manual_reaction
    from dispatcher.solver.reschedule.situation import situation_at
    from models.scenario import Ticket

    tickets = [Ticket.model_validate(t) for t in yaml.safe_load(add_path.read_text())["tickets"]]
    events = Events(add=[AddedTickets(tickets, str(add_path), LineMap())])
    sit = situation_at(problem, old, now, events, "plan")[0]
    jobs = manual_reaction(sit)
    return None if jobs is None else sit.evaluate(jobs).total


def ticket_skills(path: Path) -> dict[str, int]:
    return yaml.safe_load(path.read_text())["tickets"][0].get("skills", {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=2.0)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/reschedule.json"))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, args.seeds + 1):
            row = run_one(seed, Path(tmp), args.time_limit)
            rows.append(row)
            print(json.dumps(row))
    print(
        f"median wall {statistics.median(r['wall_s'] for r in rows):.2f} s, "
        f"median changed share {statistics.median(r['changed_share'] for r in rows):.2%} "
        f"(beyond move_tolerance {statistics.median(r['disrupted_share'] for r in rows):.2%}), "
        f"emergency assigned {sum(bool(r['emergency_assigned']) for r in rows)}/{len(rows)}, "
        f"not worse than the manual reaction {sum(bool(r['not_worse_than_manual']) for r in rows)}"
        f"/{len(rows)}, "
        f"checked {sum(bool(r['checked']) for r in rows)}/{len(rows)}"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
