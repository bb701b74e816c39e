"""Large-neighbourhood search around CP-SAT for days too big for one model.

Each iteration frees the jobs of a few engineers (and the unassigned tickets
they could take), fixes everything else, re-solves that piece with CP-SAT, and
keeps the result when the exact objective improves. Iterations are bounded by
count and deterministic time per sub-solve, so with one worker and a seed the
search is reproducible.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ortools.sat.python import cp_model

from . import interrupt
from .evaluate import Evaluation, Job
from .model import Built, ModelBuilder, configure_solver, extract_jobs, hint_model
from .problem import EngineerData, Problem, TicketData

log = logging.getLogger(__name__)

NEIGHBOURHOOD_ENGINEERS = 2
MAX_FREE_TICKETS = 20
SUB_SOLVE_SECONDS = 0.2


def improve(
    problem: Problem,
    jobs: list[Job],
    evaluate: Callable[[list[Job]], Evaluation],
    *,
    deadline: float,
    seed: int,
    workers: int,
    not_before: dict[int, int] | None = None,
    locked: set[int] | None = None,
    on_improvement: Callable[[float], None] | None = None,
    buffer_of: Callable[[TicketData, EngineerData], int] | None = None,
    background: list[Job] | None = None,
    previous: dict[int, tuple[int, int]] | None = None,
    focus: list[int] | None = None,
    valid: Callable[[list[Job]], bool] | None = None,
    focus_only: bool = False,
    work: float | None = None,
    patience: int | None = None,
    lanes: int = 1,
) -> tuple[list[Job], Evaluation]:
    """Improve ``jobs`` until the deadline; returns the best jobs and their evaluation.

    ``locked`` tickets keep their job (running work, appointments) or stay out of the
    plan (completed work). Rescheduling adds ``background`` jobs (completed work, cut
    parts) that only occupy time, the ``previous`` plan whose changes cost disruption,
    ``focus`` engineers around whom the event happened (half the neighbourhoods start
    there, or all with ``focus_only``) and a ``valid`` test every accepted plan must pass.

    With ``lanes`` > 1 (and as many workers) that many disjoint neighbourhoods are solved
    at once, and their gains combine when the plan stays valid.
    With ``patience`` it stops after that many neighbourhoods in a row improve nothing.
    With one worker the search is reproducible: it stops once the sub-solves have used
    ``work`` deterministic seconds (the wall-clock deadline stays as a guard only).
    """
    rng = random.Random(seed)
    locked = locked or set()
    best_jobs = list(jobs)
    best = evaluate(best_jobs)
    movable_engineers = [e.index for e in problem.engineers if e.calendar.shifts]
    if not movable_engineers or (focus_only and not focus):
        return best_jobs, best
    iteration = 0
    spent = 0.0
    last_improved = 0
    one_worker = workers == 1 and work is not None
    # Several workers: as many disjoint neighbourhoods solved side by side, one worker each
    # (CP-SAT leaves Python's lock while it searches).
    lanes = max(1, min(lanes, workers)) if not one_worker else 1
    related = _Related(problem)
    pool = ThreadPoolExecutor(max_workers=lanes) if lanes > 1 else None
    try:
        while time.monotonic() + 0.15 < deadline and not interrupt.stop_requested():
            if one_worker and work is not None and spent + SUB_SOLVE_SECONDS > work:
                break
            if patience is not None and iteration - last_improved >= patience:
                break
            remaining = deadline - time.monotonic() - 0.1
            if remaining <= 0.05:
                break
            pieces: list[_Piece] = []
            taken_engineers: set[int] = set()
            taken_tickets: set[int] = set()
            for _ in range(lanes):
                iteration += 1
                seeds = focus if focus and (focus_only or iteration % 2 == 1) else movable_engineers
                seeds = [e for e in seeds if e not in taken_engineers]
                if not seeds:
                    break
                chosen = _neighbourhood(
                    problem,
                    related,
                    best_jobs,
                    rng,
                    seeds,
                    within=focus if focus_only else None,
                    pain=_pain(problem, best_jobs, best) if iteration % 2 == 0 else None,
                    taken=taken_engineers,
                )
                piece = _piece(
                    problem,
                    best_jobs,
                    best,
                    chosen,
                    rng,
                    locked=locked,
                    taken=taken_tickets,
                    not_before=not_before,
                    background=background,
                    buffer_of=buffer_of,
                    previous=previous,
                    iteration=iteration,
                )
                if piece is None:
                    continue
                taken_engineers.update(chosen)
                taken_tickets.update(piece.free)
                pieces.append(piece)
            if not pieces:
                continue
            budget = SUB_SOLVE_SECONDS if one_worker else min(SUB_SOLVE_SECONDS, remaining)
            for piece in pieces:
                configure_solver(
                    piece.solver,
                    budget,
                    workers=workers if len(pieces) == 1 else max(1, workers // len(pieces)),
                    seed=seed + piece.iteration,
                    deadline=deadline - 0.1,
                )
            if pool is None or len(pieces) == 1:
                for piece in pieces:
                    _run(piece)
            else:
                list(pool.map(_run, pieces))
            results = []
            for piece in pieces:
                spent += piece.solver.response_proto.deterministic_time
                if piece.new_jobs is None:
                    continue
                candidate_jobs = [*piece.kept, *piece.new_jobs]
                if valid is not None and not valid(candidate_jobs):
                    continue
                candidate = evaluate(candidate_jobs)
                log.debug(
                    "lns %d: %s, %d free, exact %.4f vs %.4f",
                    piece.iteration,
                    piece.solver.status_name(piece.code),
                    len(piece.free),
                    candidate.total,
                    best.total,
                )
                if candidate.total < best.total - 1e-9:
                    results.append((candidate.total, piece, candidate_jobs, candidate))
            if not results:
                continue
            results.sort(key=lambda r: (r[0], r[1].iteration))
            _, piece, new_jobs, candidate = results[0]
            improved = [piece]
            if len(results) > 1:
                # Disjoint pieces combine; only tier caps link engineers, so re-check.
                freed = set().union(*(r[1].free for r in results))
                merged = [job for job in best_jobs if job.ticket not in freed]
                for result in results:
                    merged.extend(result[1].new_jobs or [])
                if valid is None or valid(merged):
                    together = evaluate(merged)
                    if together.total < candidate.total - 1e-9:
                        new_jobs, candidate = merged, together
                        improved = [r[1] for r in results]
            log.info(
                "lns %s: %.4f -> %.4f (%s)",
                "+".join(str(p.iteration) for p in improved),
                best.total,
                candidate.total,
                " ".join(",".join(problem.engineers[e].id for e in p.chosen) for p in improved),
            )
            best_jobs, best = new_jobs, candidate
            last_improved = iteration
            if on_improvement is not None:
                on_improvement(best.total)
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    log.info("lns: %d neighbourhoods, best %.4f", iteration, best.total)
    return best_jobs, best


@dataclass
class _Piece:
    """One neighbourhood: its model, ready to solve, and what it frees."""

    iteration: int
    chosen: list[int]
    free: set[int]
    kept: list[Job]
    built: Built
    solver: cp_model.CpSolver
    code: int = cp_model.UNKNOWN
    new_jobs: list[Job] | None = None


def _piece(
    problem: Problem,
    best_jobs: list[Job],
    best: Evaluation,
    chosen: list[int],
    rng: random.Random,
    *,
    locked: set[int],
    taken: set[int],
    not_before: dict[int, int] | None,
    background: list[Job] | None,
    buffer_of: Callable[[TicketData, EngineerData], int] | None,
    previous: dict[int, tuple[int, int]] | None,
    iteration: int,
) -> _Piece | None:
    """Free the jobs of the chosen engineers and some unassigned tickets they could take;
    everything else stays as it is."""
    engineers_of_ticket = problem.eligible
    chosen_set = set(chosen)
    assigned = {job.ticket: job for job in best_jobs}
    free = [
        job.ticket for job in best_jobs if job.engineer in chosen_set and job.ticket not in locked
    ]
    waiting = [
        t.index
        for t in problem.tickets
        if t.index not in assigned
        and t.index not in locked
        and t.index not in taken
        and chosen_set & set(engineers_of_ticket[t.index])
    ]
    rng.shuffle(waiting)
    free += waiting[: max(0, MAX_FREE_TICKETS - len(free))]
    free_set = set(free)
    if not free_set:
        return None
    kept = [job for job in best_jobs if job.ticket not in free_set]
    frozen_unassigned = {
        t.index: None
        for t in problem.tickets
        if t.index not in free_set and t.index not in assigned
    }
    candidates = {
        ticket: [e for e in engineers_of_ticket[ticket] if e in chosen_set] for ticket in free
    }
    builder = ModelBuilder(
        problem,
        "upper",
        fixed=[*kept, *(background or [])],
        not_before=not_before,
        candidates=candidates,
        frozen={**frozen_unassigned, **{job.ticket: job for job in kept}},
        frozen_as_fixed=True,
        buffer_of=buffer_of,
        previous=previous,
        keep={
            t: (assigned[t].engineer, assigned[t].start, best.jobs[t].travel)
            for t in free
            if t in assigned and t in best.jobs
        },
    )
    built = builder.build()
    hint_model(built, [assigned[t] for t in free if t in assigned])
    return _Piece(iteration, chosen, free_set, kept, built, cp_model.CpSolver())


def _run(piece: _Piece) -> None:
    with interrupt.running(piece.solver):
        piece.code = piece.solver.solve(piece.built.model)
    if piece.code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        piece.new_jobs = extract_jobs(piece.solver, piece.built)


def _pain(problem: Problem, jobs: list[Job], evaluation: Evaluation) -> dict[int, float]:
    """Per engineer: the weighted breach risk of their jobs, plus that of the unassigned
    tickets they could take."""
    pain: dict[int, float] = {}
    for job in jobs:
        cost = evaluation.jobs.get(job.ticket)
        if cost is not None:
            weight = problem.tickets[job.ticket].weight
            pain[job.engineer] = pain.get(job.engineer, 0.0) + weight * (
                cost.response_risk + cost.resolution_risk
            )
    for ticket, (respond, resolve) in evaluation.unassigned_risk.items():
        for engineer in problem.eligible[ticket]:
            pain[engineer] = pain.get(engineer, 0.0) + problem.tickets[ticket].weight * (
                respond + resolve
            ) / max(1, len(problem.eligible[ticket]))
    return pain


class _Related:
    """Per engineer, how many tickets they share with each other engineer (computed once
    per engineer, in a fixed order)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.shared: dict[int, dict[int, int]] = {}

    def of(self, engineer: int) -> dict[int, int]:
        if engineer not in self.shared:
            overlap: dict[int, int] = {}
            for eligible in self.problem.eligible:
                if engineer in eligible:
                    for other in eligible:
                        if other != engineer:
                            overlap[other] = overlap.get(other, 0) + 1
            self.shared[engineer] = overlap
        return self.shared[engineer]


def _neighbourhood(
    problem: Problem,
    related: _Related,
    jobs: list[Job],
    rng: random.Random,
    engineers: list[int],
    within: list[int] | None = None,
    pain: dict[int, float] | None = None,
    taken: set[int] | None = None,
) -> list[int]:
    """A random engineer plus the engineers who share the most tickets with them
    (only engineers ``within`` the given ones, when given, and none ``taken``)."""
    if pain:  # weighted towards where the plan hurts
        weights = [pain.get(e, 0.0) + 1e-3 for e in engineers]
        seed_engineer = rng.choices(engineers, weights=weights)[0]
    else:
        seed_engineer = rng.choice(engineers)
    allowed = set(within) if within is not None else None
    overlap = {
        other: count
        for other, count in related.of(seed_engineer).items()
        if (allowed is None or other in allowed) and (not taken or other not in taken)
    }
    ranked = sorted(overlap, key=lambda e: (-overlap[e] + rng.random() * 3, e))
    return [seed_engineer, *ranked[: NEIGHBOURHOOD_ENGINEERS - 1]]
