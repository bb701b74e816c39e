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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from dispatcher import interrupt
from dispatcher.semantics.evaluate import Evaluation, Job, unassigned_cost
from dispatcher.semantics.problem import EngineerData, Problem, TicketData
from dispatcher.solver.model import Built, ModelBuilder, configure_solver, extract_jobs, hint_model

log = logging.getLogger(__name__)

NEIGHBOURHOOD_ENGINEERS = 2
MAX_FREE_TICKETS = 20
SUB_SOLVE_SECONDS = 0.2


@dataclass(frozen=True)
class Kind:
    """A shape of neighbourhood: how many engineers it frees, how many tickets at most
    (their jobs plus waiting ones), and the seconds its sub-solve may take."""

    engineers: int
    tickets: int
    seconds: float


PAIR = Kind(NEIGHBOURHOOD_ENGINEERS, MAX_FREE_TICKETS, SUB_SOLVE_SECONDS)
# One engineer's day re-sequenced, with waiting tickets swapped in: cheap, so many more of
# them fit (at 200 x 2000 these alone beat pairs by 1%; at 50 x 500 it depends on the day).
SINGLE = Kind(1, 12, 0.1)
WAITING_NOISE = 0.5  # spread of the random factor on a waiting ticket's cost, when picked
EXPLORE_EVERY = 4  # adaptive search: every this many neighbourhoods, try the other shape


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
    adaptive: bool = False,
    partial: Callable[[list[Job], set[int]], float] | None = None,
) -> tuple[list[Job], Evaluation]:
    """Improve ``jobs`` until the deadline; returns the best jobs and their evaluation.

    ``locked`` tickets keep their job (running work, appointments) or stay out of the
    plan (completed work). Rescheduling adds ``background`` jobs (completed work, cut
    parts) that only occupy time, the ``previous`` plan whose changes cost disruption,
    ``focus`` engineers around whom the event happened (half the neighbourhoods start
    there, or all with ``focus_only``) and a ``valid`` test every accepted plan must pass.

    ``adaptive`` mixes single-engineer and pair neighbourhoods, favouring the shape that
    has gained most per deterministic second so far (pairs only without it).
    With ``patience`` it stops after that many neighbourhoods in a row improve nothing.
    ``partial`` prices a few engineers' jobs plus the given tickets left out (see
    ``evaluate.partial_total``): a neighbourhood is then evaluated in full only when its
    share gains (daily plans; rescheduling's disruption is not in it).
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
    related = _Related(problem)
    turns: dict[tuple[int, ...], list[int]] = {}  # engineers still to start a neighbourhood
    pain: tuple[Evaluation, dict[int, float]] | None = None  # the best plan's, until it changes
    rate: dict[Kind, float | None] = {SINGLE: None, PAIR: None}  # gain per deterministic s
    while time.monotonic() + 0.15 < deadline and not interrupt.stop_requested():
        kind = _kind(rate, iteration) if adaptive else PAIR
        if one_worker and work is not None and spent + kind.seconds > work:
            break
        if patience is not None and iteration - last_improved >= patience:
            break
        remaining = deadline - time.monotonic() - 0.1
        if remaining <= 0.05:
            break
        iteration += 1
        seeds = focus if focus and (focus_only or iteration % 2 == 1) else movable_engineers
        if iteration % 2 == 0 and (pain is None or pain[0] is not best):
            pain = (best, _pain(problem, best_jobs, best))
        chosen = _neighbourhood(
            problem,
            related,
            best_jobs,
            rng,
            seeds,
            within=focus if focus_only else None,
            pain=pain[1] if pain is not None and iteration % 2 == 0 else None,
            size=kind.engineers,
            turns=turns,
        )
        piece = _piece(
            problem,
            best_jobs,
            best,
            chosen,
            rng,
            locked=locked,
            not_before=not_before,
            background=background,
            buffer_of=buffer_of,
            previous=previous,
            most=kind.tickets,
        )
        if piece is None:
            continue
        # Two workers on one neighbourhood beat two neighbourhoods side by side, one worker
        # each (measured at 50 x 500: better plans on every day tried).
        solver = cp_model.CpSolver()
        configure_solver(
            solver,
            kind.seconds if one_worker else min(kind.seconds, remaining),
            workers=workers,
            seed=seed + iteration,
            deadline=deadline - 0.1,
        )
        with interrupt.running(solver):
            code = solver.solve(piece.built.model)
        used = solver.response_proto.deterministic_time
        spent += used
        candidate = None
        gain = 0.0
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            built_jobs = extract_jobs(solver, piece.built)
            if partial is not None:
                # Only the chosen engineers' share changed: price that first, and evaluate
                # (and check) the whole plan only when it gains.
                around = set(chosen)
                before = partial([j for j in best_jobs if j.engineer in around], piece.free)
                after = partial(
                    [*(j for j in piece.kept if j.engineer in around), *built_jobs], piece.free
                )
                gain = max(0.0, before - after)
            if partial is None or gain > 1e-9:
                new_jobs = [*piece.kept, *built_jobs]
                candidate = evaluate(new_jobs) if valid is None or valid(new_jobs) else None
                gain = 0.0 if candidate is None else max(0.0, best.total - candidate.total)
        seen, known = gain / max(used, 1e-3), rate[kind]
        rate[kind] = seen if known is None else 0.7 * known + 0.3 * seen
        if candidate is None:
            continue
        log.debug(
            "lns %d: %s, %d free, exact %.4f vs %.4f",
            iteration,
            solver.status_name(code),
            len(piece.free),
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
    log.info(
        "lns: %d neighbourhoods, best %.4f; gain per deterministic s: %s",
        iteration,
        best.total,
        ", ".join(f"{k.engineers}x{k.tickets}={v or 0:.3g}" for k, v in rate.items()),
    )
    return best_jobs, best


def _kind(rate: dict[Kind, float | None], iteration: int) -> Kind:
    """Each shape once, then the one gaining faster, with the other now and then."""
    for kind, known in rate.items():
        if known is None:
            return kind
    ahead = max(rate, key=lambda k: (rate[k] or 0.0, k is SINGLE))
    behind = PAIR if ahead is SINGLE else SINGLE
    return behind if iteration % EXPLORE_EVERY == 0 else ahead


@dataclass
class _Piece:
    """One neighbourhood: the tickets it frees, the jobs it keeps, and its model."""

    free: set[int]
    kept: list[Job]
    built: Built


def _piece(
    problem: Problem,
    best_jobs: list[Job],
    best: Evaluation,
    chosen: list[int],
    rng: random.Random,
    *,
    locked: set[int],
    not_before: dict[int, int] | None,
    background: list[Job] | None,
    buffer_of: Callable[[TicketData, EngineerData], int] | None,
    previous: dict[int, tuple[int, int]] | None,
    most: int = MAX_FREE_TICKETS,
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
        and chosen_set & set(engineers_of_ticket[t.index])
    ]
    # Waiting tickets that cost most left out first, with some noise so each visit differs.
    noise = {t: rng.lognormvariate(0, WAITING_NOISE) for t in waiting}
    waiting.sort(key=lambda t: (-unassigned_cost(problem, problem.tickets[t]) * noise[t], t))
    free += waiting[: max(0, most - len(free))]
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
    local = _local_buffer(problem, chosen_set, [*kept, *(background or [])], candidates)
    builder = ModelBuilder(
        problem,
        "upper",
        fixed=[*kept, *(background or [])],
        not_before=not_before,
        candidates=candidates,
        frozen={**frozen_unassigned, **{job.ticket: job for job in kept}},
        frozen_as_fixed=True,
        buffer_of=local
        if buffer_of is None
        else (lambda ticket, engineer: min(local(ticket, engineer), buffer_of(ticket, engineer))),
        previous=previous,
        keep={
            t: (assigned[t].engineer, assigned[t].start, best.jobs[t].travel)
            for t in free
            if t in assigned and t in best.jobs
        },
    )
    built = builder.build()
    hint_model(built, [assigned[t] for t in free if t in assigned])
    return _Piece(free_set, kept, built)


def _local_buffer(
    problem: Problem,
    chosen: set[int],
    placed: list[Job],
    candidates: dict[int, list[int]],
) -> Callable[[TicketData, EngineerData], int]:
    """Travel to reserve before an on-site start in a neighbourhood: the longest way in from
    where a chosen engineer could be before it (home, the sites of their jobs that stay, the
    sites of the freed tickets they may take). Never less than the real travel, and far
    tighter than the longest way in from every site of the day."""
    origins: dict[int, set[int]] = {e: set() for e in chosen}
    for engineer in chosen:
        home = problem.engineers[engineer].home
        if home is not None:
            origins[engineer].add(home)
    for job in placed:
        site = problem.tickets[job.ticket].site
        if job.engineer in chosen and problem.tickets[job.ticket].onsite and site is not None:
            origins[job.engineer].add(site)
    for ticket_index, engineers in candidates.items():
        ticket = problem.tickets[ticket_index]
        if ticket.onsite and ticket.site is not None:
            for engineer in engineers:
                origins[engineer].add(ticket.site)
    known: dict[tuple[int, int], int] = {}

    def buffer(ticket: TicketData, engineer: EngineerData) -> int:
        if not ticket.onsite or ticket.site is None:
            return 0
        key = (ticket.site, engineer.index)
        if key not in known:
            known[key] = max(
                (problem.travel(origin, ticket.site) for origin in origins[engineer.index]),
                default=0,
            )
        return known[key]

    return buffer


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
        self.tickets_of: list[list[int]] | None = None

    def of(self, engineer: int) -> dict[int, int]:
        if self.tickets_of is None:
            self.tickets_of = [[] for _ in self.problem.engineers]
            for ticket, eligible in enumerate(self.problem.eligible):
                for other in eligible:
                    self.tickets_of[other].append(ticket)
        if engineer not in self.shared:
            overlap: Counter[int] = Counter()
            for ticket in self.tickets_of[engineer]:
                overlap.update(self.problem.eligible[ticket])
            del overlap[engineer]
            self.shared[engineer] = dict(overlap)
        return self.shared[engineer]


def _neighbourhood(
    problem: Problem,
    related: _Related,
    jobs: list[Job],
    rng: random.Random,
    engineers: list[int],
    within: list[int] | None = None,
    pain: dict[int, float] | None = None,
    size: int = NEIGHBOURHOOD_ENGINEERS,
    turns: dict[tuple[int, ...], list[int]] | None = None,
) -> list[int]:
    """A random engineer plus the engineers who share the most tickets with them
    (only engineers ``within`` the given ones, when given)."""
    if pain:  # weighted towards where the plan hurts
        weights = [pain.get(e, 0.0) + 1e-3 for e in engineers]
        seed_engineer = rng.choices(engineers, weights=weights)[0]
    elif turns is not None:  # each engineer in turn, in a shuffled order
        key = tuple(engineers)
        if not turns.get(key):
            queue = list(engineers)
            rng.shuffle(queue)
            turns[key] = queue
        seed_engineer = turns[key].pop()
    else:
        seed_engineer = rng.choice(engineers)
    if size <= 1:
        return [seed_engineer]
    allowed = set(within) if within is not None else None
    overlap = {
        other: count
        for other, count in related.of(seed_engineer).items()
        if allowed is None or other in allowed
    }
    ranked = sorted(overlap, key=lambda e: (-overlap[e] + rng.random() * 3, e))
    return [seed_engineer, *ranked[: size - 1]]
