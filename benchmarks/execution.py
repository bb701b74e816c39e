"""Benchmark: carrying a plan out against the SPEC v2 draws (``semantics.execution``).

Generates a day (``dispatch generate``'s generator), builds a plan with the greedy
construction, then times: the draws of every ticket's effort (once per scenario), the
first full execution (it fills the executor's caches), warm full executions, and one
engineer's jobs alone (what a local search move re-executes); then the solver's exact
objective (``evaluate``: the travel walk, the execution and the sums) of the whole plan
and of one engineer's share (``partial_total``), as the search calls them.

    python benchmarks/execution.py --engineers 200 --tickets 2000 --draws 500

The issue's targets: a 200x2000 plan in <= 0.5 s, one engineer's day in <= 2 ms.
Run it on a quiet machine: every number is wall time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dispatcher.io.generator import generate_scenario
from dispatcher.io.loader import load_scenario_text
from dispatcher.semantics.draws import Draws
from dispatcher.semantics.evaluate import Job, evaluate, partial_total
from dispatcher.semantics.execution import Executor, PlannedJob, planned_job
from dispatcher.semantics.problem import Problem
from dispatcher.semantics.walk import walk
from dispatcher.solver.construct import greedy_plan


def timed(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and minimum wall seconds of ``repeat`` calls."""
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples), min(samples)


def planned_jobs(problem: Problem) -> tuple[list[PlannedJob], dict[int, list[PlannedJob]]]:
    """The greedy construction's plan as executable jobs, with travel from the exact walk."""
    by_engineer: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for job in greedy_plan(problem):
        by_engineer[job.engineer].append((job.ticket, job.start, job.end))
    jobs = [
        planned_job(problem, step.ticket, (engineer,), step.start, (step.travel,))
        for engineer, day in sorted(by_engineer.items())
        for step in walk(problem, problem.engineers[engineer], day)
    ]
    own: dict[int, list[PlannedJob]] = defaultdict(list)
    for job in jobs:
        own[job.engineers[0]].append(job)
    return jobs, own


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engineers", type=int, default=200)
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--draws", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    text = generate_scenario(args.engineers, args.tickets, days=2, seed=args.seed, break_fix_cap=1)
    problem = load_scenario_text(text, filename="generated.yaml")
    began = time.perf_counter()
    jobs, own = planned_jobs(problem)
    print(
        f"{args.engineers} engineers, {args.tickets} tickets: {len(jobs)} jobs planned "
        f"by the greedy construction in {time.perf_counter() - began:.1f} s"
    )

    draws = Draws(args.draws)
    wall, cpu = time.perf_counter(), time.process_time()
    for ticket in problem.tickets:
        draws.efforts(ticket.id, ticket.p50, ticket.p90)
    print(
        f"draws, {len(problem.tickets)} tickets x {args.draws}: "
        f"{time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU"
    )
    executor = Executor(problem, draws)
    began = time.perf_counter()
    executor.run(jobs)
    print(f"first full execution (fills the caches): {time.perf_counter() - began:.3f} s")
    median, best = timed(lambda: executor.run(jobs), args.repeat)
    print(f"full execution: median {median:.3f} s, min {best:.3f} s (target <= 0.5 s)")

    busiest = max(own, key=lambda engineer: len(own[engineer]))
    typical = sorted(own, key=lambda engineer: len(own[engineer]))[len(own) // 2]
    for label, engineer in (("median engineer", typical), ("busiest engineer", busiest)):
        days = own[engineer]
        first_day = [job for job in days if job.start < days[0].start + 12 * 60]
        cases = ((f"{len(days)} jobs", days), (f"first day, {len(first_day)} jobs", first_day))
        for what, given in cases:
            executor.run(given, engineers={engineer})
            median, best = timed(
                lambda given=given, engineer=engineer: executor.run(given, engineers={engineer}),
                30 * args.repeat,
            )
            print(
                f"{label}, {what}: median {median * 1000:.2f} ms, min {best * 1000:.2f} ms "
                "(target one day <= 2 ms)"
            )
    objective(problem, args.repeat)


def objective(problem: Problem, repeat: int) -> None:
    """The exact objective as the solver computes it, whole plan and one engineer's share
    (the problem's own executor and draws, warmed by a first call)."""
    plan = greedy_plan(problem)
    evaluate(problem, plan)
    median, best = timed(lambda: evaluate(problem, plan), repeat)
    print(f"evaluate, whole plan: median {median:.3f} s, min {best:.3f} s (target <= 0.5 s)")
    by_engineer: dict[int, list[Job]] = defaultdict(list)
    for job in plan:
        by_engineer[job.engineer].append(job)
    typical = sorted(by_engineer, key=lambda engineer: len(by_engineer[engineer]))
    day = by_engineer[typical[len(typical) // 2]]
    median, best = timed(lambda: partial_total(problem, day, set()), 30 * repeat)
    print(
        f"partial_total, median engineer ({len(day)} jobs): median {median * 1000:.2f} ms, "
        f"min {best * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
