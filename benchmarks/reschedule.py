"""Benchmark: an emergency call on a big generated day, rescheduled with the CLI.

For each seed: generate a 50 x 500 day, plan it (10 s), then at 11:00 on the
first day add one P1 on-site ticket of a managed client and run
``dispatch reschedule --time-limit 2``. Reported: wall time and peak memory of
the reschedule process, the share of not-yet-started jobs it changed (engineer,
start or dropped), whether the emergency was assigned (and whether anyone
could take it), and the independent checker's verdict with ``--base``.

With ``--events day``, each seed's day gets ten events instead, one at a time from the
same plan: the P1 call, and the engineer with the most jobs still to start falling ill
(``--unavailable``), each at 09:30, 11:00, 13:00, 14:30 and 16:00; each is compared with
a dispatcher's manual reaction (the event's work next on whoever can start it soonest,
later jobs pushed right, nothing else changed).

    python benchmarks/reschedule.py --seeds 3
    python benchmarks/reschedule.py --seeds 1 --events day
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
DAY_TIMES = ("09:30", "11:00", "13:00", "14:30", "16:00")


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


def plan_day(seed: int, workdir: Path) -> tuple[Path, Path, dict[str, Any]]:
    """A generated 50 x 500 day and its plan (10 s)."""
    from dispatcher.io.generator import generate_scenario

    scenario_path = workdir / f"day-{seed}.yaml"
    scenario_path.write_text(
        generate_scenario(ENGINEERS, TICKETS, days=2, seed=seed, break_fix_cap=1)
    )
    scenario = yaml.safe_load(scenario_path.read_text())
    plan_path = workdir / f"plan-{seed}.json"
    planned = _dispatch(
        "plan", str(scenario_path), "-o", str(plan_path), "--seed", str(seed), "--quiet"
    )
    planned.check_returncode()
    return scenario_path, plan_path, scenario


def busiest_engineer(plan_path: Path, now: str) -> str:
    """The engineer with the most jobs still to start at ``now`` (who falls ill)."""
    from dispatcher.io.planfile import read_plan

    plan = read_plan(plan_path)
    moment = dt.datetime.fromisoformat(now)
    counts = Counter(a.engineer for a in plan.assignments if a.start.replace(tzinfo=None) >= moment)
    return counts.most_common(1)[0][0]


def run_one(
    seed: int,
    workdir: Path,
    time_limit: float,
    at: str = "11:00",
    kind: str = "emergency",
    planned: tuple[Path, Path, dict[str, Any]] | None = None,
) -> dict[str, object]:
    scenario_path, plan_path, scenario = planned or plan_day(seed, workdir)
    tag = f"{seed}-{kind}-{at.replace(':', '')}"
    new_path = workdir / f"new-{tag}.json"
    day = str(scenario["horizon"]["start"])[:10]
    now = f"{day}T{at}"
    add_path = workdir / f"emergency-{tag}.yaml"
    add_path.write_text(yaml.safe_dump(emergency(scenario, now)))
    event = ["--add", str(add_path)]
    sick = None
    if kind == "sick":
        sick = busiest_engineer(plan_path, now)
        event = ["--unavailable", sick]

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    done = _dispatch(
        "reschedule",
        str(scenario_path),
        "--plan",
        str(plan_path),
        "--now",
        now,
        *event,
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
    # Jobs that had to change (the sick engineer's own) apart from the rest.
    others = {t: a for t, a in future.items() if a.engineer != sick}
    changed_others = sum(
        1
        for ticket, a in others.items()
        if ticket not in placed
        or placed[ticket].engineer != a.engineer
        or placed[ticket].start != a.start
    )
    eligible = any(
        e.onsite and all(e.skills.get(s, 0) >= lvl for s, lvl in ticket_skills(add_path).items())
        for e in problem.engineers
    )
    by_hand = manual_objective(problem, old, now, add_path if sick is None else None, sick)
    return {
        "seed": seed,
        "event": kind if sick is None else f"sick {sick}",
        "at": at,
        "manual_objective": None if by_hand is None else round(by_hand, 3),
        "not_worse_than_manual": by_hand is None or new.objective.total <= by_hand + 1e-6,
        "wall_s": round(wall, 2),
        "peak_mb": round(peak_mb),
        "future_jobs": len(future),
        "changed": changed,
        "changed_share": round(changed / len(future), 4) if future else 0.0,
        "disrupted": disrupted,
        "changed_others_share": round(changed_others / len(others), 4) if others else 0.0,
        "disrupted_share": round(disrupted / len(future), 4) if future else 0.0,
        "emergency_assigned": "EMERGENCY-1" in placed if sick is None else None,
        "anyone_eligible": eligible,
        "status": new.solver.status,
        "objective_before": round(old.objective.total, 3),
        "objective_after": round(new.objective.total, 3),
        "checked": checked.returncode == 0,
        "check_output": checked.stdout.strip().splitlines()[-1:] if checked.stdout else [],
    }


def manual_objective(
    problem: Any, old: Any, now: str, add_path: Path | None, sick: str | None = None
) -> float | None:
    """The objective of a dispatcher's manual reaction (the emergency, or the rest of the
    sick engineer's running job, next on the eligible engineer who can start it soonest,
    their later jobs pushed right, nothing else changed), priced like the reschedule's
    plan; None if nobody can take it."""
    from dispatcher.io.yamlio import LineMap
    from dispatcher.solver.reschedule.events import AddedTickets, Events, Unavailable
    from dispatcher.solver.reschedule.repair import manual_reaction
    from dispatcher.solver.reschedule.situation import situation_at
    from models.scenario import Ticket

    if add_path is None:
        events = Events(unavailable=[Unavailable(str(sick), None, None)])
    else:
        tickets = [
            Ticket.model_validate(t) for t in yaml.safe_load(add_path.read_text())["tickets"]
        ]
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
    parser.add_argument(
        "--events",
        choices=("emergency", "day"),
        default="emergency",
        help="emergency: one P1 call at 11:00 per seed; day: per seed, a P1 call and the "
        "busiest engineer off sick, each at 09:30, 11:00, 13:00, 14:30 and 16:00",
    )
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, args.seeds + 1):
            planned = plan_day(seed, Path(tmp))
            events = (
                [("emergency", "11:00")]
                if args.events == "emergency"
                else [(kind, at) for kind in ("emergency", "sick") for at in DAY_TIMES]
            )
            for kind, at in events:
                row = run_one(seed, Path(tmp), args.time_limit, at, kind, planned)
                rows.append(row)
                print(json.dumps(row))
    for kind in sorted({str(r["event"]).split()[0] for r in rows}):
        _summary(kind, [r for r in rows if str(r["event"]).startswith(kind)])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=2) + "\n")


def _summary(kind: str, rows: list[dict[str, Any]]) -> None:
    print(
        f"{kind} ({len(rows)}): "
        + f"median wall {statistics.median(r['wall_s'] for r in rows):.2f} s, "
        f"median changed share {statistics.median(r['changed_share'] for r in rows):.2%} "
        f"(beyond move_tolerance {statistics.median(r['disrupted_share'] for r in rows):.2%}), "
        + (
            f"emergency assigned {sum(bool(r['emergency_assigned']) for r in rows)}/{len(rows)}, "
            if kind == "emergency"
            else ""
        )
        + f"of the others' jobs {statistics.median(r['changed_others_share'] for r in rows):.2%}, "
        + f"not worse than the manual reaction "
        f"{sum(bool(r['not_worse_than_manual']) for r in rows)}/{len(rows)}, "
        f"checked {sum(bool(r['checked']) for r in rows)}/{len(rows)}"
    )


if __name__ == "__main__":
    main()
