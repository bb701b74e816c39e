"""Solving the daily plan: construction heuristic, then CP-SAT seeded with it.

The phases, in order: greedy constructions over several ticket orders; on small days
the full model; the neighbourhood search; placing left-out tickets; the lower bound.
Each phase's share of the time limit is in ``budget``; every phase reads its deadline
from the budget's clock: the wall clock, or with one worker the deterministic work clock
(``clock.WorkClock``), which each phase charges with the work it does, so that a
one-worker plan depends on the input, the seed and the limit alone.

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

from dispatcher.semantics.evaluate import Evaluation, Job, evaluate, partial_total, unassigned_cost
from dispatcher.semantics.problem import Problem, TicketData
from dispatcher.solver.bound import least_costs, relaxation_bound
from dispatcher.solver.budget import (
    BOUND_SECONDS_PER_PAIR,
    BOUND_SHARE,
    CREW_SHARE,
    FILL_SHARE,
    FULL_SHARE,
    GREEDY_SECONDS_PER_PAIR,
    GREEDY_SHARE,
    MIN_REACH,
    MUST_SHARE,
    OPTIMALITY_SLACK,
    ORDERS_SHARE,
    PAIR_BUDGET,
    POLISH_MOVES,
    REACH_PASS_SECONDS,
    REACH_SHARE,
    RELOCATE_SHARE,
    RELOCATE_SHARE_BIG,
    REORDER_SHARE,
    REORDER_SHARE_BIG,
    ROUTING_MIN_SHARE,
    ROUTING_SHARE,
    ROUTING_SHARE_ALL,
    SMALL_PATIENCE,
    Budget,
)
from dispatcher.solver.clock import (
    EVALUATION_SECONDS_PER_TICKET,
    FULL_MODEL_SECONDS_PER_DETERMINISTIC,
    PARTIAL_SECONDS_PER_JOB,
    SLOT_SECONDS,
    cpsat_seconds,
)
from dispatcher.solver.construct import (
    Schedule,
    fill_unassigned,
    greedy_plan,
    reference_order,
    reference_plan,
)
from dispatcher.solver.cpsat import solve_model
from dispatcher.solver.crews import improve_crews
from dispatcher.solver.feasibility import broken_tickets
from dispatcher.solver.lns import improve
from dispatcher.solver.model import SCALE, ModelBuilder, hint_model
from dispatcher.solver.must import MustKeeper, place_must
from dispatcher.solver.relocate import relocate_jobs
from dispatcher.solver.reorder import ReorderBudget, polish_days, reorder_days
from dispatcher.solver.routing import RoutingLimit, route_visits, visit_share
from dispatcher.solver.scopes import ModelScope, SearchBudget, SearchScope
from models.plan import SolverStatus

log = logging.getLogger(__name__)

Progress = Callable[[float, float, float | None], None]  # elapsed s, best objective, bound


@dataclass
class SolveResult:
    """The best plan found (jobs by start), its exact evaluation, and how it was found."""

    jobs: list[Job]
    evaluation: Evaluation
    status: SolverStatus
    bound: float | None
    time_s: float
    seed: int
    heuristic_objective: float


@dataclass
class SolveOptions:
    """What a solve may use, and whom it tells of its progress."""

    time_limit: float = 10.0
    seed: int = 0
    workers: int | None = None  # None: all cores (at most 8)
    progress: Progress | None = None
    # The ``time.monotonic()`` instant the limit counts from (the command's start, so that
    # loading the scenario is inside the limit); None: when ``solve`` is called.
    started: float | None = None


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Logs each solution of the full model and passes it on as progress."""

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
    called = time.monotonic()
    # The effort draws and what leaving each ticket out costs: every phase needs them.
    # They are part of the start-up: when it took most of the limit, the phases still keep
    # ``SOLVE_FLOOR`` of it (``Budget.start``).
    executor = problem.executor()
    for ticket in problem.tickets:
        executor.unassigned(ticket.index)
    problem.eligible  # noqa: B018  (who may do what: computed once, with the draws)
    budget = Budget.start(
        options.time_limit,
        options.started,
        options.workers,
        len(problem.tickets),
        called=called,
        samples=len(problem.tickets) * problem.risk_samples,
    )
    log.info(
        "start-up %.2f s (the effort draws %.2f s); the phases have %.2f s",
        time.monotonic() - budget.started,
        time.monotonic() - called,
        budget.deadline - budget.now(),
    )

    def exact(jobs: list[Job]) -> Evaluation:
        budget.charge(EVALUATION_SECONDS_PER_TICKET * len(problem.tickets))
        return evaluate(problem, jobs)

    keeper: MustKeeper | None = None

    def valid(jobs: list[Job]) -> bool:
        """Every rule holds, and the work that must be assigned stays placed."""
        return (keeper is None or keeper.keeps(jobs)) and not broken_tickets(problem, jobs)

    builder = ModelBuilder(problem, "upper")
    pairs = sum(len(builder.engineers_of(t)) for t in problem.tickets)
    small = pairs <= PAIR_BUDGET
    # Each ticket alone: a bound at any size, and what placing each ticket can save at most
    # (when the pass fits the limit: a short limit on a big day is left to the plan).
    least: list[float] | None = None
    if _bound_fits(problem, options.time_limit):
        least = least_costs(problem)
        budget.charge(BOUND_SECONDS_PER_PAIR * sum(len(e) for e in problem.capable))
    best_jobs, best, best_order = _construct(problem, options, budget, least, exact)
    # Appointments and must_assign work first: placed now (evicting other work if need
    # be) and kept placed by every later phase (``valid``).
    # Crew visits too: a crew job goes wherever some crew can make room for it.
    must_placed = place_must(
        problem,
        best_jobs,
        exact,
        min(budget.deadline, budget.now() + budget.share(MUST_SHARE)),
        crews=True,
        clock=budget.clock,
    )
    if must_placed is not best_jobs:
        best_jobs, best = must_placed, exact(must_placed)
    keeper = MustKeeper(problem, best_jobs)
    heuristic_objective = best.total
    alone = None if least is None else relaxation_bound(problem, least)
    status: SolverStatus = "fallback"
    log.info("heuristic: %.4f after %.2fs", best.total, budget.elapsed())
    # Crew jobs stay where the construction and the crew moves put them: the model and the
    # searches plan the single-engineer work around them (each member's day holds them).
    best_jobs, best = _crew_moves(problem, best_jobs, best, exact, valid, budget)
    # Days made mostly of on-site visits: the routing library orders them (and moves them
    # between engineers), the crews, booked visits and other work held where they are.
    best_jobs, best = _route(problem, best_jobs, best, exact, valid, budget)
    crews = [job for job in best_jobs if job.crew]
    if any(ticket.crew > 1 for ticket in problem.tickets):
        builder = ModelBuilder(problem, "upper", _crews_held(problem, crews))

    if small:
        found = _full_model(problem, builder, best_order, options, budget, crews)
        if found is not None:
            status = "feasible"
            if found[1].total <= best.total + 1e-9 and valid(found[0]):
                best_jobs, best = found
    # Then (the whole time on big days) neighbourhoods around the best plan, with exact
    # travel: on small days they polish what the buffered model left; room stays for the bound.
    searched = _search(problem, best_jobs, exact, valid, builder, small, options, budget)
    if searched is not None:
        status = "feasible"
        if searched[1].total <= best.total + 1e-9:
            best_jobs, best = searched

    if not budget.stop_requested():
        # Costly jobs waiting behind others: another engineer's day may take them sooner.
        # Until the reordering's and the fill's shares of the limit are left.
        relocate_until = _reorder_budget(budget, FILL_SHARE + _reorder_share(small))
        best_jobs, best = relocate_jobs(problem, best_jobs, best, exact, valid, relocate_until)
    if not budget.stop_requested():
        # Late jobs delay the later ones of their day: try better orders of each day.
        best_jobs, best = reorder_days(
            problem, best_jobs, best, exact, valid, _reorder_budget(budget)
        )
    while _time_for_more(budget):
        # The reordering converged early: more moves between days and orders, and when
        # they find nothing, more neighbourhoods.
        before = best.total
        best_jobs, best = relocate_jobs(
            problem, best_jobs, best, exact, valid, _reorder_budget(budget)
        )
        best_jobs, best = reorder_days(
            problem, best_jobs, best, exact, valid, _reorder_budget(budget)
        )
        if best.total < before - 1e-9:
            continue
        searched = _search(
            problem, best_jobs, exact, valid, builder, small, options, budget, FILL_SHARE
        )
        if searched is not None and searched[1].total <= best.total + 1e-9:
            best_jobs, best = searched
        best_jobs, best = reorder_days(
            problem, best_jobs, best, exact, valid, _reorder_budget(budget)
        )
        if best.total >= before - 1e-9 and small:
            break  # a small day's search has run out of ideas
    # The crews again, in the day the search has shaped around them.
    best_jobs, best = _crew_moves(problem, best_jobs, best, exact, valid, budget)
    if not budget.stop_requested():
        # Tickets the search left out may fit a gap it opened: place them where that pays.
        best_jobs, best = fill_unassigned(
            problem,
            best_jobs,
            best,
            exact,
            valid=valid,
            deadline=budget.deadline - 0.05,
            clock=budget.clock,
        )
    if status == "fallback" and best.total < heuristic_objective - 1e-9:
        status = "feasible"  # the moves between days or the reordering improved on it
    status, bound = _proven(status, alone, best)
    if budget.one_worker:
        log.info(
            "one worker: %.2f s of counted work (the deterministic clock), %.2f s of wall time",
            budget.now() - budget.started,
            budget.elapsed(),
        )
    return SolveResult(
        jobs=sorted(best_jobs, key=lambda j: (j.start, problem.tickets[j.ticket].id)),
        evaluation=best,
        status=status,
        bound=bound,
        time_s=round(budget.elapsed(), 3),
        seed=options.seed,
        heuristic_objective=heuristic_objective,
    )


def _bound_fits(problem: Problem, time_limit: float) -> bool:
    """Does the bound's pass over each ticket alone fit its share of the limit (judged by
    size, so that one worker stays reproducible)?"""
    pairs = sum(len(engineers) for engineers in problem.capable)
    return pairs * BOUND_SECONDS_PER_PAIR <= BOUND_SHARE * time_limit


def _construct(
    problem: Problem,
    options: SolveOptions,
    budget: Budget,
    least: list[float] | None,
    exact: Callable[[list[Job]], Evaluation],
) -> tuple[list[Job], Evaluation, list[TicketData]]:
    """The best greedy plan over several ticket orders, its evaluation and its order."""
    best_jobs: list[Job] = []
    best: Evaluation | None = None
    orders = _orders(problem, _start_count(problem, options.time_limit), options.seed, least)
    best_order = orders[0]
    for order in orders:
        began = budget.now()
        # The first construction may take at most half the limit; what it has not placed
        # by then is tried on the least booked engineers only.
        jobs = greedy_plan(
            problem,
            Schedule(problem),
            order,
            deadline=_construction_deadline(budget),
            # Past it the rest goes to the least booked engineers, until the fill's share
            # and the time of evaluating the plan.
            hard_deadline=budget.deadline
            - budget.share(FILL_SHARE)
            - EVALUATION_SECONDS_PER_TICKET * len(problem.tickets),
            thrifty=True,
            reach=_reach(problem, options.time_limit),
            clock=budget.clock,
        )
        evaluation = exact(jobs)
        if best is None or evaluation.total < best.total - 1e-9:
            best_jobs, best, best_order = jobs, evaluation, order
        took = budget.now() - began
        if budget.stop_requested():
            break
        # Another order only if it fits in the constructions' share of the limit (measured
        # with several workers; with one the count is fixed by the size, for reproducibility).
        if not budget.one_worker and budget.now() + took > budget.at(ORDERS_SHARE):
            break
        if budget.now() + took > budget.at(GREEDY_SHARE):
            break
    assert best is not None  # there is always a first order
    # With one worker the choice is fixed by the size (reproducible): when more than one
    # order fits, so does the rule of thumb's pass.
    fits = len(orders) > 1 if budget.one_worker else budget.now() + took < budget.at(ORDERS_SHARE)
    if fits and not budget.stop_requested():
        # The dispatcher's own rule of thumb, judged the same way, if it fits in the
        # constructions' share (about one greedy pass): where it does better (its plain
        # order can suit a day), the search starts from it.
        jobs = reference_plan(problem)
        budget.charge(SLOT_SECONDS * sum(len(e) for e in problem.eligible))
        evaluation = exact(jobs)
        if evaluation.total < best.total - 1e-9:
            log.info("the rule of thumb's plan is the best start: %.4f", evaluation.total)
            best_jobs, best = jobs, evaluation
    return best_jobs, best, best_order


def _full_model(
    problem: Problem,
    builder: ModelBuilder,
    order: list[TicketData],
    options: SolveOptions,
    budget: Budget,
    crews: list[Job],
) -> tuple[list[Job], Evaluation] | None:
    """Small days: the whole day in one model, seeded with a construction that satisfies
    it; its best solution's jobs and their exact evaluation, if it found one. The
    ``crews`` jobs are held in the model (``_crews_held``) and part of the solution."""
    # The buffered construction satisfies the model (every travel buffer is the longest
    # way in), so the search starts from a solution; its result is re-checked anyway.
    schedule = _buffered(problem, builder)
    for job in crews:
        schedule.add(job)
    hint_jobs = greedy_plan(
        problem,
        schedule,
        order,
        engineers_of=builder.engineers_of,
        thrifty=True,
        clock=budget.clock,
    )
    built = builder.build()
    hint_model(built, hint_jobs)
    outcome = solve_model(
        built,
        # One worker: the share in deterministic seconds, as the work clock counts them.
        budget.share(FULL_SHARE) / FULL_MODEL_SECONDS_PER_DETERMINISTIC
        if budget.one_worker
        else budget.left() * FULL_SHARE,
        workers=budget.workers,
        seed=options.seed,
        deadline=budget.wall_deadline,
        reporter=_Reporter(budget.started, options.progress),
    )
    used, size = outcome.deterministic_time, len(built.alternatives)
    budget.charge(cpsat_seconds(used, size, FULL_MODEL_SECONDS_PER_DETERMINISTIC))
    if outcome.jobs is None:
        log.info("cp-sat found no solution (%s)", outcome.status_name)
        return None
    jobs = [*outcome.jobs, *crews]
    budget.charge(EVALUATION_SECONDS_PER_TICKET * len(problem.tickets))
    evaluation = evaluate(problem, jobs)
    log.info("cp-sat: %s, exact %.4f", outcome.status_name, evaluation.total)
    return jobs, evaluation


def _search(
    problem: Problem,
    best_jobs: list[Job],
    exact: Callable[[list[Job]], Evaluation],
    valid: Callable[[list[Job]], bool],
    builder: ModelBuilder,
    small: bool,
    options: SolveOptions,
    budget: Budget,
    reserve: float | None = None,
) -> tuple[list[Job], Evaluation] | None:
    """Neighbourhoods around the best plan, starting from it (every accepted one is
    re-checked), if there is time left for them before the ``reserve`` share of the limit;
    the plan they end with."""
    if reserve is None:
        reserve = FILL_SHARE + _reorder_share(small) + _relocate_share(small)
    search_deadline = budget.deadline - budget.share(reserve)
    if budget.now() + 0.3 >= search_deadline:
        return None
    # Appointments keep their start, and crew jobs their crew and start.
    locked = {t.index for t in problem.tickets if t.fixed_start is not None or t.crew > 1}
    return improve(
        problem,
        best_jobs,
        exact,
        scope=SearchScope(
            locked=locked,
            buffer_of=builder.travel_buffer,
            valid=valid,
            partial=lambda jobs, tickets: _partial(problem, jobs, tickets, budget),
            polish=lambda jobs, engineers: polish_days(
                problem, jobs, engineers, POLISH_MOVES, budget.clock
            ),
        ),
        budget=SearchBudget(
            deadline=search_deadline,
            workers=budget.workers,
            patience=SMALL_PATIENCE if small else None,
            clock=budget.clock,
        ),
        seed=options.seed,
        on_improvement=_improvement_reporter(options.progress, budget),
        # Small days polish the full model's plan: pairs alone did best there.
        adaptive=not small,
    )


def _partial(problem: Problem, jobs: list[Job], tickets: set[int], budget: Budget) -> float:
    """``evaluate.partial_total``, charged to the solve's clock per job priced."""
    budget.charge(PARTIAL_SECONDS_PER_JOB * (len(jobs) + len(tickets)))
    return partial_total(problem, jobs, tickets)


def _time_for_more(budget: Budget) -> bool:
    """Another round of neighbourhoods and reordering fits before the fill's share."""
    return not budget.stop_requested() and budget.now() + 0.5 < budget.deadline - budget.share(
        FILL_SHARE
    )


def _reorder_share(small: bool) -> float:
    """The reordering's share of the limit: bigger on days too big for the full model,
    where it gains more per second than the neighbourhoods."""
    return REORDER_SHARE if small else REORDER_SHARE_BIG


def _relocate_share(small: bool) -> float:
    """The share of the limit for moving costly jobs between days, before the reordering."""
    return RELOCATE_SHARE if small else RELOCATE_SHARE_BIG


def _reorder_budget(budget: Budget, reserve: float = FILL_SHARE) -> ReorderBudget:
    """Until the ``reserve`` share of the limit (the fill's) is left, on the solve's clock."""
    return ReorderBudget(budget.deadline - budget.share(reserve), clock=budget.clock)


def _improvement_reporter(
    progress: Progress | None, budget: Budget
) -> Callable[[float], None] | None:
    """The search's news of a better plan, passed on as progress (no bound known)."""
    if progress is None:
        return None

    def report(objective: float) -> None:
        progress(budget.elapsed(), objective, None)

    return report


def _proven(
    status: SolverStatus, bound: float | None, best: Evaluation
) -> tuple[SolverStatus, float | None]:
    """``optimal`` when the bound meets the plan's objective (the bound then capped at it);
    the slack is that of float sums, the bound being exact up to its own safety margin."""
    if bound is None:
        return status, None
    if status == "feasible" and bound >= best.total - OPTIMALITY_SLACK * max(1.0, abs(best.total)):
        return "optimal", min(bound, best.total)
    return status, bound


def _construction_deadline(budget: Budget) -> float:
    """Until when a construction may run: half the limit, but at least ``REACH_SHARE`` of
    it from now (a big day may reach the construction late: its plan is the fallback, and
    nothing better can exist without it), never past the deadline."""
    return min(
        budget.deadline,
        max(budget.at(GREEDY_SHARE), budget.now() + budget.share(REACH_SHARE)),
    )


def _reach(problem: Problem, time_limit: float) -> int | None:
    """How many engineers the construction tries per ticket: all of them when a pass fits
    in ``REACH_SHARE`` of the limit and in ``REACH_PASS_SECONDS`` at the measured cost per
    ticket-engineer pair, else as many as fit (at least ``MIN_REACH``), judged by size so
    that one worker stays reproducible. (At 200 x 2000 and 30 s: 37 of 200, a pass of
    about 2 s.)"""
    engineers = len(problem.engineers)
    pair_seconds = GREEDY_SECONDS_PER_PAIR * max(1, len(problem.tickets))
    fits = int(min(REACH_SHARE * time_limit, REACH_PASS_SECONDS) / pair_seconds)
    return None if fits >= engineers else max(MIN_REACH, fits)


def _start_count(problem: Problem, time_limit: float) -> int:
    """How many greedy orders to try: up to about 30% of the limit, 1 to 8 (fixed by the
    size, so that one worker stays reproducible; a greedy pass costs about 1.5e-5 s per
    ticket-engineer pair on 2 cores, measured at 200 x 2000, and a margin is kept: at that
    size one order, leaving the time to the search and the reordering)."""
    seconds_each = GREEDY_SECONDS_PER_PAIR * len(problem.tickets) * max(1, len(problem.engineers))
    return max(1, min(8, int(0.3 * time_limit / max(seconds_each, 1e-6))))


def _orders(
    problem: Problem, count: int, seed: int, least: list[float] | None
) -> list[list[TicketData]]:
    """Appointments first, then the rest by: what placing the ticket can save at most (its
    cost left out less its ``least`` cost) per square root of effort (per minute of lane, in
    the lane of a binding tier cap), that saving alone,
    weight (the rule of thumb's order), weight per square root of effort, then seeded
    perturbations of the first. (Weight per effort and due time, tried on generated and
    family days of 150 and 500 tickets, never built the best plan.)"""
    fixed = [t for t in reference_order(problem) if t.fixed_start is not None]
    others = [t for t in problem.tickets if t.fixed_start is None]
    # Without the bound's pass (a short limit on a big day): the cost left out alone.
    saving = {
        t.index: unassigned_cost(problem, t) - (0.0 if least is None else least[t.index])
        for t in others
    }
    scale = _lane_scales(problem)
    keys: list[Callable[[TicketData], tuple[float, ...]]] = [
        lambda t: (-saving[t.index] / _effort_scale(t, scale), t.resolution_due),
        lambda t: (-saving[t.index], t.resolution_due),
        lambda t: (-t.weight, t.resolution_due),
        lambda t: (-t.weight / math.sqrt(t.p50), t.resolution_due),
    ]
    orders = [fixed + sorted(others, key=_then_id(key)) for key in keys[:count]]
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


def _then_id(
    key: Callable[[TicketData], tuple[float, ...]],
) -> Callable[[TicketData], tuple[float | str, ...]]:
    """``key``, ties broken by the ticket's id."""
    return lambda t: (*key(t), t.id)


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


def _crew_moves(
    problem: Problem,
    jobs: list[Job],
    best: Evaluation,
    exact: Callable[[list[Job]], Evaluation],
    valid: Callable[[list[Job]], bool],
    budget: Budget,
) -> tuple[list[Job], Evaluation]:
    """One pass of crew moves, if the plan has crew jobs and time is left."""
    if budget.stop_requested() or not any(job.crew for job in jobs):
        return jobs, best
    deadline = min(budget.now() + budget.share(CREW_SHARE), budget.deadline)
    return improve_crews(problem, jobs, best, exact, valid, deadline, budget.clock)


def _route(
    problem: Problem,
    jobs: list[Job],
    best: Evaluation,
    exact: Callable[[list[Job]], Evaluation],
    valid: Callable[[list[Job]], bool],
    budget: Budget,
) -> tuple[list[Job], Evaluation]:
    """The routing phase (``routing.route_visits``) on visit-heavy days, for its share of
    the limit (one worker: a deterministic solution limit charged to the work clock)."""
    visits = visit_share(problem)
    if budget.stop_requested() or visits < ROUTING_MIN_SHARE:
        return jobs, best
    # From ROUTING_SHARE at ROUTING_MIN_SHARE visits to ROUTING_SHARE_ALL on visits alone.
    grown = (visits - ROUTING_MIN_SHARE) / (1 - ROUTING_MIN_SHARE)
    share = ROUTING_SHARE + (ROUTING_SHARE_ALL - ROUTING_SHARE) * grown
    # What follows it (the exact evaluation, the check, the fill) keeps the fill's share.
    seconds = min(budget.share(share), budget.deadline - budget.share(FILL_SHARE) - budget.now())
    limit = RoutingLimit(seconds, deterministic=budget.one_worker, clock=budget.clock)
    return route_visits(problem, jobs, best, exact, valid, limit)


def _crews_held(problem: Problem, crews: list[Job]) -> ModelScope:
    """The model of a day whose crew jobs are held as they are: each occupies every member
    (and sets where they may be before a visit); the crew tickets left out stay out."""
    placed = {job.ticket: job for job in crews}
    frozen = {t.index: placed.get(t.index) for t in problem.tickets if t.crew > 1}
    return ModelScope(fixed=crews, frozen=frozen, frozen_as_fixed=True)


def _buffered(problem: Problem, builder: ModelBuilder) -> Schedule:
    """An empty schedule that reserves the model's travel buffer before on-site jobs, so
    that the greedy plan built on it satisfies the CP-SAT model exactly."""
    schedule = Schedule(problem)
    schedule.buffer = builder.travel_buffer
    return schedule


__all__ = ["SolveOptions", "SolveResult", "solve"]
