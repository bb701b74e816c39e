"""The search after the repair: CP-SAT on the whole day or, for big days, a
neighbourhood search around the engineers the events touched (``optimize``); every
model prices the disruption exactly, and a plan replaces the repair's only if better.

Every deadline is an instant of the re-plan's ``Budget`` clock: the wall clock, or with
one worker the deterministic work clock (``clock.WorkClock``, with the daily solve's
wall-clock backstop), charged with the repair's slots, each evaluation and check, and
each CP-SAT call's deterministic time and size, so that one worker and a seed give the
same plan on a busy machine too."""

from __future__ import annotations

import logging

from dispatcher.semantics.evaluate import Evaluation, Job
from dispatcher.solver.budget import PAIR_BUDGET, Budget
from dispatcher.solver.clock import RESCHEDULE_SECONDS_PER_DETERMINISTIC, cpsat_seconds
from dispatcher.solver.cpsat import solve_model
from dispatcher.solver.lns import improve
from dispatcher.solver.model import ModelBuilder, hint_model
from dispatcher.solver.must import place_must
from dispatcher.solver.reschedule.repair import bump, manual_reaction, repair
from dispatcher.solver.reschedule.situation import Situation
from dispatcher.solver.scopes import ModelScope, SearchBudget, SearchScope
from dispatcher.solver.solve import SolveOptions

log = logging.getLogger(__name__)

BUMP_SHARE = 0.5  # ``bump`` stops (on a very slow machine) at this share of the limit ...
MUST_SHARE = 0.6  # ... and making room for work that must be assigned at this one.
MODEL_SHARE = 0.9  # The whole-day model's limit: this share of the time left ...
MODEL_WALL_SHARE = 0.95  # ... and (several workers) its wall-clock cut.


def optimize(
    sit: Situation, options: SolveOptions, budget: Budget
) -> tuple[list[Job], Evaluation, str]:
    """The best plan found from the repair by the search, its evaluation and status;
    ``sit.clock`` must be ``budget.clock`` (the work is charged there)."""
    clock = budget.clock
    deadline = budget.at(1.0)
    jobs = repair(sit)
    best = sit.evaluate(jobs)
    log.info("repair: %.4f", best.total)
    # The dispatcher's own reaction is a candidate too: the result is never worse.
    by_hand = manual_reaction(sit)
    if by_hand is not None and not sit.broken(by_hand):
        reaction = sit.evaluate(by_hand)
        log.info("manual reaction: %.4f", reaction.total)
        if sit.better(by_hand, reaction, (jobs, best)):
            jobs, best = by_hand, reaction
    # Bounded by count (BUMP_ENGINEERS); the clock only guards a very slow machine.
    jobs, best = bump(sit, jobs, best, budget.at(BUMP_SHARE))
    log.info("after bumping: %.4f", best.total)
    if sit.missing(jobs):
        # Work that must be assigned and found no gap (a crew with no joint time free,
        # say): make room for it, evicting work that need not be done now.
        placed = place_must(
            sit.problem,
            jobs,
            sit.evaluate,
            budget.at(MUST_SHARE),
            background=[*sit.running, *sit.background],
            not_before=sit.not_before,
            tickets=sit.must,
            clock=clock,
        )
        if placed is not jobs and not sit.broken(placed):
            evaluation = sit.evaluate(placed)
            if sit.better(placed, evaluation, (jobs, best)):
                jobs, best = placed, evaluation
    status = "fallback"
    problem = sit.problem
    frozen: dict[int, Job | None] = {job.ticket: job for job in sit.running}
    frozen.update({job.ticket: None for job in sit.completed})
    # Crew jobs stay where the repair put them (kept, or placed by the rule of thumb's
    # crew building): the model and the search plan the single-engineer work around them.
    crews = [job for job in jobs if job.crew]
    frozen.update({t: None for t in sit.free if problem.tickets[t].crew > 1})
    frozen.update({job.ticket: job for job in crews})
    workers = budget.workers
    builder = ModelBuilder(
        problem,
        "upper",
        ModelScope(
            fixed=[*sit.running, *sit.background, *crews],
            not_before=sit.not_before(),
            frozen=frozen,
            frozen_as_fixed=True,
            previous=sit.previous,
        ),
    )
    pairs = sum(len(builder.engineers_of(problem.tickets[t])) for t in sit.free)
    if pairs <= PAIR_BUDGET:
        built = builder.build()
        hint_model(built, jobs)
        remaining = deadline - clock.now()
        outcome = solve_model(
            built,
            # One worker: the time left on the work clock, in deterministic seconds.
            MODEL_SHARE * remaining / RESCHEDULE_SECONDS_PER_DETERMINISTIC
            if budget.one_worker
            else MODEL_SHARE * remaining,
            workers=workers,
            seed=options.seed,
            # One worker: only the backstop (its limit is deterministic).
            deadline=clock.wall_deadline(clock.now() + MODEL_WALL_SHARE * remaining),
        )
        clock.charge(
            cpsat_seconds(
                outcome.deterministic_time,
                len(built.alternatives),
                RESCHEDULE_SECONDS_PER_DETERMINISTIC,
            )
        )
        if outcome.jobs is not None:
            status = "feasible"
            candidate = [*outcome.jobs, *crews]
            if not sit.broken(candidate):
                evaluation = sit.evaluate(candidate)
                log.info("cp-sat: %.4f", evaluation.total)
                if sit.better(candidate, evaluation, (jobs, best)):
                    jobs, best = candidate, evaluation
    else:
        locked = {job.ticket for job in sit.running} | {job.ticket for job in sit.completed}
        locked |= {
            t
            for t in sit.free
            if problem.tickets[t].fixed_start is not None or problem.tickets[t].crew > 1
        }
        running = {job.ticket for job in sit.running}
        improved, evaluation = improve(
            problem,
            [*sit.running, *jobs],
            lambda all_jobs: sit.evaluate([j for j in all_jobs if j.ticket not in running]),
            scope=SearchScope(
                not_before=sit.not_before(),
                locked=locked,
                buffer_of=builder.travel_buffer,
                background=sit.background,
                previous=sit.previous,
                focus=_focus(sit, jobs),
                focus_only=True,
                valid=lambda all_jobs: (
                    not sit.broken([j for j in all_jobs if j.ticket not in running])
                ),
            ),
            # One worker: each sub-solve's limit and the search's end are read from the
            # work clock, which each neighbourhood's model, sub-solve and checks charge.
            budget=SearchBudget(
                deadline=deadline,
                workers=workers,
                clock=clock,
                seconds_per_deterministic=RESCHEDULE_SECONDS_PER_DETERMINISTIC,
            ),
            seed=options.seed,
        )
        status = "feasible"
        improved = [j for j in improved if j.ticket not in running]
        if sit.better(improved, evaluation, (jobs, best)):
            jobs, best = improved, evaluation
    return jobs, best, status


def _focus(sit: Situation, jobs: list[Job]) -> list[int]:
    """Engineers the events touched: absent or overrunning ones, and those whose day the
    repair changed. The search stays around them, so the rest of the plan stands."""
    engineers = set(sit.focus)
    placed = {job.ticket: job for job in jobs}
    for ticket, (engineer, start) in sit.previous.items():
        job = placed.get(ticket)
        if job is None or (job.engineer, job.start) != (engineer, start):
            engineers.add(engineer)
            if job is not None:
                engineers.add(job.engineer)
    for ticket in sit.event_tickets:
        if ticket in placed:
            engineers.add(placed[ticket].engineer)
    problem = sit.problem
    return sorted(e for e in engineers if problem.engineers[e].calendar.shifts)
