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

from ortools.sat.python import cp_model

from . import interrupt
from .evaluate import Evaluation, Job
from .model import ModelBuilder, configure_solver, extract_jobs, hint_model
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
) -> tuple[list[Job], Evaluation]:
    """Improve ``jobs`` until the deadline; returns the best jobs and their evaluation.

    ``locked`` tickets keep their job (running work, appointments) or stay out of the
    plan (completed work). Rescheduling adds ``background`` jobs (completed work, cut
    parts) that only occupy time, the ``previous`` plan whose changes cost disruption,
    ``focus`` engineers around whom the event happened (half the neighbourhoods start
    there, or all with ``focus_only``) and a ``valid`` test every accepted plan must pass.

    With ``patience`` it stops after that many neighbourhoods in a row improve nothing.
    With one worker the search is reproducible: it stops once the sub-solves have used
    ``work`` deterministic seconds (the wall-clock deadline stays as a guard only).
    """
    rng = random.Random(seed)
    locked = locked or set()
    best_jobs = list(jobs)
    best = evaluate(best_jobs)
    engineers_of_ticket = problem.eligible
    movable_engineers = [e.index for e in problem.engineers if e.calendar.shifts]
    if not movable_engineers or (focus_only and not focus):
        return best_jobs, best
    iteration = 0
    spent = 0.0
    last_improved = 0
    one_worker = workers == 1 and work is not None
    while time.monotonic() + 0.15 < deadline and not interrupt.stop_requested():
        if one_worker and work is not None and spent + SUB_SOLVE_SECONDS > work:
            break
        if patience is not None and iteration - last_improved >= patience:
            break
        iteration += 1
        seeds = focus if focus and (focus_only or iteration % 2 == 1) else movable_engineers
        chosen = _neighbourhood(
            problem,
            best_jobs,
            rng,
            seeds,
            within=focus if focus_only else None,
            pain=_pain(problem, best_jobs, best) if iteration % 2 == 0 else None,
        )
        chosen_set = set(chosen)
        assigned = {job.ticket: job for job in best_jobs}
        free = [
            job.ticket
            for job in best_jobs
            if job.engineer in chosen_set and job.ticket not in locked
        ]
        waiting = [
            t.index
            for t in problem.tickets
            if t.index not in assigned
            and t.index not in locked
            and chosen_set & set(engineers_of_ticket[t.index])
        ]
        rng.shuffle(waiting)
        free += waiting[: max(0, MAX_FREE_TICKETS - len(free))]
        free_set = set(free)
        if not free_set:
            continue
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
        remaining = deadline - time.monotonic() - 0.1
        budget = SUB_SOLVE_SECONDS if one_worker else min(SUB_SOLVE_SECONDS, remaining)
        if remaining <= 0.05:
            break
        solver = cp_model.CpSolver()
        configure_solver(
            solver, budget, workers=workers, seed=seed + iteration, deadline=deadline - 0.1
        )
        with interrupt.running(solver):
            code = solver.solve(built.model)
        spent += solver.response_proto.deterministic_time
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        new_jobs = [*kept, *extract_jobs(solver, built)]
        if valid is not None and not valid(new_jobs):
            continue
        candidate = evaluate(new_jobs)
        log.debug(
            "lns %d: %s, %d free, exact %.4f vs %.4f",
            iteration,
            solver.status_name(code),
            len(free),
            candidate.total,
            best.total,
        )
        if candidate.total < best.total - 1e-9:
            log.info(
                "lns %d: %.4f -> %.4f (%s)",
                iteration,
                best.total,
                candidate.total,
                ",".join(problem.engineers[e].id for e in chosen),
            )
            best_jobs, best = new_jobs, candidate
            last_improved = iteration
            if on_improvement is not None:
                on_improvement(best.total)
    log.info("lns: %d iterations, best %.4f", iteration, best.total)
    return best_jobs, best


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


def _neighbourhood(
    problem: Problem,
    jobs: list[Job],
    rng: random.Random,
    engineers: list[int],
    within: list[int] | None = None,
    pain: dict[int, float] | None = None,
) -> list[int]:
    """A random engineer plus the engineers who share the most tickets with them
    (only engineers ``within`` the given ones, when given)."""
    if pain:  # weighted towards where the plan hurts
        weights = [pain.get(e, 0.0) + 1e-3 for e in engineers]
        seed_engineer = rng.choices(engineers, weights=weights)[0]
    else:
        seed_engineer = rng.choice(engineers)
    allowed = set(within) if within is not None else None
    overlap: dict[int, int] = {}
    for eligible in problem.eligible:
        if seed_engineer in eligible:
            for other in eligible:
                if other != seed_engineer and (allowed is None or other in allowed):
                    overlap[other] = overlap.get(other, 0) + 1
    related = sorted(overlap, key=lambda e: (-overlap[e] + rng.random() * 3, e))
    return [seed_engineer, *related[: NEIGHBOURHOOD_ENGINEERS - 1]]
