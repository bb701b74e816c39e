"""One CP-SAT solve of a built model: its parameters, the interrupt guard, and its result.

Every solve of the dispatcher (the full model, the lower twin, each neighbourhood, the
rescheduler's model) goes through ``solve_model``, so they all set the same parameters
in the same order and all stop when the command is asked to.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from dispatcher import interrupt
from dispatcher.semantics.evaluate import Job
from dispatcher.solver.model import SCALE, Built

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What a solve found."""

    code: cp_model.CpSolverStatus
    status_name: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN, MODEL_INVALID
    # The jobs of the best solution, when one was found (OPTIMAL or FEASIBLE); else None.
    jobs: list[Job] | None
    # The proven bound on the model's objective, in objective units, when a solution was found.
    bound: float | None
    deterministic_time: float  # what the solve used, in deterministic seconds


# A solve with less wall time than this left is not started (``NOT_STARTED``).
MIN_WALL_SECONDS = 0.1
NOT_STARTED = Outcome(
    code=cp_model.UNKNOWN, status_name="UNKNOWN", jobs=None, bound=None, deterministic_time=0.0
)


def _too_late(solver: cp_model.CpSolver) -> bool:
    """Too little time left to load the model: OR-Tools 9.15 can abort the process ("Check
    failed: heuristics.fixed_search != nullptr") when a search with several workers runs
    out of time while loading a hinted model, so such a solve is not started."""
    return bool(solver.parameters.max_time_in_seconds < MIN_WALL_SECONDS)


def solve_model(
    built: Built,
    seconds: float,
    *,
    workers: int,
    seed: int,
    deadline: float | None = None,
    reporter: cp_model.CpSolverSolutionCallback | None = None,
) -> Outcome:
    """Solve ``built`` within ``seconds`` (deterministic seconds with one worker), stopping
    early if the command is asked to stop; ``reporter`` hears of each solution found."""
    solver = cp_model.CpSolver()
    configure_solver(solver, seconds, workers=workers, seed=seed, deadline=deadline)
    if _too_late(solver):
        return NOT_STARTED
    try:
        with interrupt.running(solver):
            code = solver.solve(built.model, reporter)
    except IndexError:
        # OR-Tools' symmetry detection can fail on a hinted model of interchangeable
        # engineers ("absl::btree_map::at", OR-Tools 9.15): solve again without it.
        log.warning("cp-sat failed in its symmetry detection; solving again without it")
        solver = cp_model.CpSolver()
        configure_solver(solver, seconds, workers=workers, seed=seed, deadline=deadline)
        if _too_late(solver):
            return NOT_STARTED
        solver.parameters.symmetry_level = 0
        with interrupt.running(solver):
            code = solver.solve(built.model, reporter)
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return Outcome(
        code=code,
        status_name=solver.status_name(code),
        jobs=extract_jobs(solver, built) if found else None,
        bound=float(solver.best_objective_bound) / SCALE if found else None,
        deterministic_time=solver.response_proto.deterministic_time,
    )


def configure_solver(
    solver: cp_model.CpSolver,
    seconds: float,
    *,
    workers: int,
    seed: int,
    deadline: float | None = None,
) -> None:
    """Time limit, workers and seed; one worker gets a deterministic budget.

    ``deadline`` (a ``time.monotonic()`` instant) caps the wall clock whatever the budget:
    past it a one-worker run is cut and so no longer reproducible. With one worker and a
    deadline that is the only wall-clock cut, and the daily solve (and a re-plan) passes
    its backstop there (``clock.WorkClock``: 3 times the limit plus 5 s), not its phase
    deadlines: every phase decision then comes from the deterministic work clock, and
    ``benchmarks/determinism.py`` (2 cores, two other solves beside) gave 1 plan in 4
    runs, where the wall-clock phase deadlines gave 2 (and the former cut at 1.5 times
    the budget in wall time, 3).
    """
    params = solver.parameters
    params.num_workers = workers
    params.random_seed = seed
    params.cp_model_probing_level = 0
    params.log_search_progress = False
    if workers == 1:
        # One worker with a deterministic limit gives the same plan on every run; the
        # wall clock cuts only at the deadline (without one: at 1.5x the budget, a guard).
        params.max_deterministic_time = max(0.05, seconds)
        params.max_time_in_seconds = max(0.1, seconds * 1.5) if deadline is None else math.inf
    else:
        params.max_time_in_seconds = max(MIN_WALL_SECONDS, seconds)
    if deadline is not None:
        params.max_time_in_seconds = max(
            0.0, min(params.max_time_in_seconds, deadline - time.monotonic())
        )


def extract_jobs(solver: cp_model.CpSolver, built: Built) -> list[Job]:
    """The jobs of the solver's solution."""
    jobs = []
    for alternative in built.alternatives:
        if solver.boolean_value(alternative.present):
            start = solver.value(alternative.start)
            jobs.append(
                Job(alternative.ticket, alternative.engineer, start, start + alternative.length)
            )
    return jobs


__all__ = ["Outcome", "configure_solver", "extract_jobs", "solve_model"]
