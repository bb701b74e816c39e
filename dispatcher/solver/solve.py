"""Solving the daily plan: construction heuristic, then CP-SAT seeded with it.

The heuristic plan is always kept: if CP-SAT finds nothing in time, it is the
answer (status ``fallback``). The plan reported is whichever is better on the
exact objective.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from dispatcher import interrupt
from dispatcher.semantics.evaluate import Evaluation, Job, evaluate, partial_total, unassigned_cost
from dispatcher.semantics.problem import Problem, TicketData
from dispatcher.solver.bound import least_costs, relaxation_bound
from dispatcher.solver.construct import Schedule, fill_unassigned, greedy_plan, reference_order
from dispatcher.solver.feasibility import broken_tickets
from dispatcher.solver.lns import improve
from dispatcher.solver.model import SCALE, ModelBuilder, configure_solver, extract_jobs, hint_model

log = logging.getLogger(__name__)

Progress = Callable[[float, float, float | None], None]  # elapsed s, best objective, bound


@dataclass
class SolveResult:
    jobs: list[Job]
    evaluation: Evaluation
    status: str  # optimal | feasible | fallback
    bound: float | None
    time_s: float
    seed: int
    heuristic_objective: float


@dataclass
class SolveOptions:
    time_limit: float = 10.0
    seed: int = 0
    workers: int | None = None  # None: all cores (at most 8)
    progress: Progress | None = None
    # The ``time.monotonic()`` instant the limit counts from (the command's start, so that
    # loading the scenario is inside the limit); None: when ``solve`` is called.
    started: float | None = None


def workers_for(requested: int | None) -> int:
    import os

    if requested is not None:
        return max(1, requested)
    return max(1, min(8, os.cpu_count() or 1))


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float, progress: Progress | None) -> None:
        super().__init__()
        self.started = started
        self.progress = progress

    def on_solution_callback(self) -> None:
        elapsed = time.monotonic() - self.started
        best, bound = self.objective_value / SCALE, self.best_objective_bound / SCALE
        log.info(
            "cp-sat solution at %.2fs: model objective %.4f, model bound %.4f", elapsed, best, bound
        )
        if self.progress is not None:
            self.progress(elapsed, best, bound)


def solve(problem: Problem, options: SolveOptions | None = None) -> SolveResult:
    """Best plan found within the time limit, with its exact objective."""
    options = options or SolveOptions()
    started = time.monotonic() if options.started is None else options.started
    deadline = started + options.time_limit

    def exact(jobs: list[Job]) -> Evaluation:
        return evaluate(problem, jobs)

    builder = ModelBuilder(problem, "upper")
    pairs = sum(len(builder.engineers_of(t)) for t in problem.tickets)
    # Writing the plan (reasons, deferred details) takes a moment after the search.
    deadline -= min(
        OUTPUT_SHARE * options.time_limit,
        OUTPUT_SECONDS + OUTPUT_SECONDS_PER_TICKET * len(problem.tickets),
    )
    best_jobs, best = [], exact([])
    workers = workers_for(options.workers)
    # One worker: budgets are fixed shares of the time limit (deterministic time), so the
    # same input gives the same plan; several workers share whatever time is left.
    one_worker = workers == 1
    # Each ticket alone: a bound at any size, and what placing each ticket can save at most.
    least = least_costs(problem)
    orders = _orders(problem, _start_count(problem, options.time_limit), options.seed, least)
    best_order = orders[0]
    for number, order in enumerate(orders):
        began = time.monotonic()
        # The first construction may take at most half the limit; what it has not placed
        # by then stays unassigned, for the search to place.
        jobs = greedy_plan(
            problem,
            Schedule(problem),
            order,
            deadline=started + GREEDY_SHARE * options.time_limit,
            thrifty=True,
        )
        evaluation = exact(jobs)
        if number == 0 or evaluation.total < best.total - 1e-9:
            best_jobs, best, best_order = jobs, evaluation, order
        took = time.monotonic() - began
        if interrupt.stop_requested():
            break
        # Another order only if it fits in the constructions' share of the limit (measured
        # with several workers; with one the count is fixed by the size, for reproducibility).
        if not one_worker and time.monotonic() + took > started + ORDERS_SHARE * options.time_limit:
            break
        if time.monotonic() + took > started + GREEDY_SHARE * options.time_limit:
            break
    heuristic_objective = best.total
    alone = relaxation_bound(problem, least)
    status = "fallback"
    log.info("heuristic: %.4f after %.2fs", best.total, time.monotonic() - started)

    def valid(jobs: list[Job]) -> bool:
        return not broken_tickets(problem, jobs)

    if pairs <= PAIR_BUDGET:
        # The buffered construction satisfies the model (every travel buffer is the longest
        # way in), so the search starts from a solution; its result is re-checked anyway.
        hint_jobs = greedy_plan(
            problem,
            _buffered(problem, builder),
            best_order,
            engineers_of=builder.engineers_of,
            thrifty=True,
        )
        built = builder.build()
        hint_model(built, hint_jobs)
        solver = cp_model.CpSolver()
        configure_solver(
            solver,
            FULL_SHARE * options.time_limit
            if one_worker
            else (deadline - time.monotonic()) * FULL_SHARE,
            workers=workers,
            seed=options.seed,
            deadline=deadline,
        )
        with interrupt.running(solver):
            code = solver.solve(built.model, _Reporter(started, options.progress))
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            jobs = extract_jobs(solver, built)
            evaluation = exact(jobs)
            log.info("cp-sat: %s, exact %.4f", solver.status_name(code), evaluation.total)
            status = "feasible"
            if evaluation.total <= best.total + 1e-9 and valid(jobs):
                best_jobs, best = jobs, evaluation
        else:
            log.info("cp-sat found no solution (%s)", solver.status_name(code))
    # Then (the whole time on big days) neighbourhoods around the best plan, with exact
    # travel: on small days they polish what the buffered model left; room stays for the bound.
    small = pairs <= PAIR_BUDGET
    search_deadline = deadline - (BOUND_SHARE if small else FILL_SHARE) * options.time_limit
    if time.monotonic() + 0.3 < search_deadline:
        locked = {t.index for t in problem.tickets if t.fixed_start is not None}
        # Start from the best exact construction; every accepted neighbourhood is re-checked.
        lns_jobs, lns_best = improve(
            problem,
            best_jobs,
            exact,
            deadline=search_deadline,
            seed=options.seed,
            workers=workers,
            locked=locked,
            on_improvement=(lambda value: options.progress(time.monotonic() - started, value, None))
            if options.progress
            else None,
            buffer_of=builder.travel_buffer,
            work=((MAIN_SHARE - FULL_SHARE) if small else MAIN_SHARE) * options.time_limit
            if one_worker
            else None,
            valid=valid,
            patience=SMALL_PATIENCE if small else None,
            # Small days polish the full model's plan: pairs alone did best there.
            adaptive=not small,
            partial=lambda jobs, tickets: partial_total(problem, jobs, tickets),
        )
        status = "feasible"
        if lns_best.total <= best.total + 1e-9:
            best_jobs, best = lns_jobs, lns_best

    if not interrupt.stop_requested():
        # Tickets the search left out may fit a gap it opened: place them where that pays.
        best_jobs, best = fill_unassigned(
            problem, best_jobs, best, exact, valid=valid, deadline=deadline - 0.05
        )
    twin = None if interrupt.stop_requested() else _lower_bound(problem, options, deadline, pairs)
    bound = alone if twin is None else max(twin, alone)
    # Costs are rounded to 1/SCALE per term in the model: that much slack is rounding, not a gap.
    if (
        status == "feasible"
        and bound is not None
        and bound >= best.total - OPTIMALITY_SLACK * max(1.0, abs(best.total))
    ):
        status = "optimal"
        bound = min(bound, best.total)
    return SolveResult(
        jobs=sorted(best_jobs, key=lambda j: (j.start, problem.tickets[j.ticket].id)),
        evaluation=best,
        status=status,
        bound=bound,
        time_s=round(time.monotonic() - started, 3),
        seed=options.seed,
        heuristic_objective=heuristic_objective,
    )


def _start_count(problem: Problem, time_limit: float) -> int:
    """How many greedy orders to try: up to about 30% of the limit, 1 to 8 (fixed by the
    size, so that one worker stays reproducible; a greedy pass costs about 1e-5 s per
    ticket-engineer pair on 2 cores)."""
    seconds_each = 1e-5 * len(problem.tickets) * max(1, len(problem.engineers))
    return max(1, min(8, int(0.3 * time_limit / max(seconds_each, 1e-6))))


def _orders(problem: Problem, count: int, seed: int, least: list[float]) -> list[list[TicketData]]:
    """Appointments first, then the rest by: what placing the ticket can save at most (its
    cost left out less its ``least`` cost) per square root of effort (per minute of lane, in
    the lane of a binding tier cap), that saving alone,
    weight (the rule of thumb's order), weight per square root of effort, then seeded
    perturbations of the first. (Weight per effort and due time, tried on generated and
    family days of 150 and 500 tickets, never built the best plan.)"""
    fixed = [t for t in reference_order(problem) if t.fixed_start is not None]
    others = [t for t in problem.tickets if t.fixed_start is None]
    saving = {t.index: unassigned_cost(problem, t) - least[t.index] for t in others}
    scale = _lane_scales(problem)
    keys: list[Callable[[TicketData], tuple[float, ...]]] = [
        lambda t: (-saving[t.index] / _effort_scale(t, scale), t.resolution_due),
        lambda t: (-saving[t.index], t.resolution_due),
        lambda t: (-t.weight, t.resolution_due),
        lambda t: (-t.weight / math.sqrt(t.p50), t.resolution_due),
    ]
    orders = [fixed + sorted(others, key=lambda t, k=k: (*k(t), t.id)) for k in keys[:count]]
    rng = random.Random(seed)
    while len(orders) < count:
        noise = {t.index: rng.lognormvariate(0, 0.4) for t in others}
        orders.append(
            fixed
            + sorted(
                others,
                key=lambda t: (-saving[t.index] * noise[t.index] / _effort_scale(t, scale), t.id),
            )
        )
    return orders


def _lane_scales(problem: Problem) -> dict[str, float]:
    """Per capped tier whose work exceeds what its cap lets run (cap times the longest
    shift time of an engineer): the median effort of its tickets. There the cap's lane is
    the scarce resource, and a ticket's saving counts per minute of lane it takes."""
    scales: dict[str, float] = {}
    longest = max((e.calendar.total for e in problem.engineers), default=0)
    for tier, cap in problem.tier_caps.items():
        efforts = sorted(t.p50 for t in problem.tickets if t.tier == tier)
        if efforts and sum(efforts) > cap * longest:
            scales[tier] = float(efforts[len(efforts) // 2])
    return scales


def _effort_scale(ticket: TicketData, lanes: dict[str, float]) -> float:
    """What a ticket's saving is divided by in the first order: the square root of its
    effort, or in a scarce lane its effort per square root of the lane's median effort."""
    if ticket.tier in lanes:
        return ticket.p50 / math.sqrt(lanes[ticket.tier])
    return math.sqrt(ticket.p50)


def _buffered(problem: Problem, builder: ModelBuilder) -> Schedule:
    """An empty schedule that reserves the model's travel buffer before on-site jobs, so
    that the greedy plan built on it satisfies the CP-SAT model exactly."""
    schedule = Schedule(problem)
    schedule.buffer = builder.travel_buffer
    return schedule


MAX_BOUND_ALTERNATIVES = 4000
ORDERS_SHARE = 0.3  # several workers: share of the limit the greedy orders may use
GREEDY_SHARE = 0.5  # the first greedy order stops here, whatever it has placed
# Kept for writing the plan file: measured 0.3-0.65 s for 1000-3000 tickets on 2 cores,
# at most this share of the limit.
OUTPUT_SECONDS = 0.15
OUTPUT_SECONDS_PER_TICKET = 0.00025
OUTPUT_SHARE = 0.1
FILL_SHARE = 0.03  # big days: share of the limit kept for placing left-out tickets at the end
SMALL_PATIENCE = 60  # small days: neighbourhoods in a row without gain before stopping
FULL_SHARE = 0.45  # small days: share of the limit for the full model (then the search)
MAIN_SHARE = 0.7  # one worker: deterministic seconds for the plan, as a share of the limit
BOUND_SHARE = 0.2  # one worker: deterministic seconds for the lower bound
TWIN_MIN_SHARE = 0.1  # the lower twin is not tried with less of the limit left than this
PAIR_BUDGET = 800  # (ticket, engineer) pairs the full model can take on 2 cores in seconds
OPTIMALITY_SLACK = 1e-5  # relative: the model rounds each cost to 1/SCALE


def _lower_bound(
    problem: Problem, options: SolveOptions, deadline: float, pairs: int
) -> float | None:
    """A proven lower bound on the exact objective from the relaxed twin, if it fits in time."""
    remaining = deadline - time.monotonic()
    if remaining < max(0.2, TWIN_MIN_SHARE * options.time_limit):
        return None  # building the twin alone would run past the limit for no bound
    if workers_for(options.workers) == 1:
        remaining = BOUND_SHARE * options.time_limit
    if pairs > MAX_BOUND_ALTERNATIVES:  # every pair is at least one alternative
        return None
    built = ModelBuilder(problem, "lower").build()
    if len(built.alternatives) > MAX_BOUND_ALTERNATIVES:
        return None
    solver = cp_model.CpSolver()
    configure_solver(
        solver,
        remaining,
        workers=workers_for(options.workers),
        seed=options.seed,
        deadline=deadline,
    )
    with interrupt.running(solver):
        code = solver.solve(built.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return float(solver.best_objective_bound) / SCALE


__all__ = ["SolveOptions", "SolveResult", "solve"]
