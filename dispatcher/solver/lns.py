"""Large-neighbourhood search around CP-SAT for days too big for one model.

Each iteration frees the jobs of a few engineers (and the unassigned tickets
they could take), fixes everything else, re-solves that piece with CP-SAT, and
keeps the result when the exact objective improves. Each sub-solve has a limit in
deterministic time with one worker, and the search ends at a deadline on its budget's
clock (the deterministic work clock of a one-worker daily plan or re-plan, charged with
each neighbourhood's model, sub-solve and pricing), so with one worker and a seed the
search is reproducible.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from dispatcher import interrupt
from dispatcher.semantics.evaluate import Evaluation, Job, linked, unassigned_cost
from dispatcher.semantics.problem import EngineerData, Problem, TicketData
from dispatcher.solver.clock import cpsat_seconds
from dispatcher.solver.cpsat import Outcome, solve_model
from dispatcher.solver.model import Built, ModelBuilder, hint_model
from dispatcher.solver.scopes import ModelScope, SearchBudget, SearchScope

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
    scope: SearchScope,
    budget: SearchBudget,
    seed: int,
    adaptive: bool = False,
    on_improvement: Callable[[float], None] | None = None,
) -> tuple[list[Job], Evaluation]:
    """Improve ``jobs`` until the budget ends; returns the best jobs and their evaluation.

    The ``scope`` says what may change and how a plan is judged, the ``budget`` when to
    stop. ``adaptive`` mixes single-engineer and pair neighbourhoods, favouring the shape
    that has gained most per deterministic second so far (pairs only without it).
    ``on_improvement`` hears the objective of each better plan.
    """
    rng = random.Random(seed)
    best_jobs = list(jobs)
    best = evaluate(best_jobs)
    movable_engineers = [e.index for e in problem.engineers if e.calendar.shifts]
    if not movable_engineers or (scope.focus_only and not scope.focus):
        return best_jobs, best
    state = _SearchState(best_jobs, best, _Related(problem))
    clock = budget.clock
    while clock.now() + 0.15 < budget.deadline and not interrupt.stop_requested():
        kind = _kind(state.rate, state.iteration) if adaptive else PAIR
        if budget.patience is not None and state.iteration - state.last_improved >= budget.patience:
            break
        remaining = budget.deadline - clock.now() - 0.1
        if remaining <= 0.05:
            break
        state.iteration += 1
        chosen = _choose(problem, state, rng, movable_engineers, scope, kind)
        piece = _piece(problem, state.best_jobs, state.best, chosen, rng, scope, most=kind.tickets)
        if piece is None:
            continue
        # Two workers on one neighbourhood beat two neighbourhoods side by side, one worker
        # each (measured at 50 x 500: better plans on every day tried).
        outcome = solve_model(
            piece.built,
            min(kind.seconds, clock.cpsat_limit(remaining)),
            workers=budget.workers,
            seed=seed + state.iteration,
            deadline=clock.wall_deadline(budget.deadline - 0.1),
        )
        clock.charge(
            cpsat_seconds(
                outcome.deterministic_time,
                len(piece.built.alternatives),
                budget.seconds_per_deterministic,
            )
        )
        found, gain = _candidate(state, piece, chosen, outcome.jobs, evaluate, scope)
        state.learn(kind, gain, outcome.deterministic_time)
        if found is not None:
            _accept(problem, state, found, chosen, len(piece.free), outcome, on_improvement)
    log.info(
        "lns: %d neighbourhoods, best %.4f; gain per deterministic s: %s",
        state.iteration,
        state.best.total,
        ", ".join(f"{k.engineers}x{k.tickets}={v or 0:.3g}" for k, v in state.rate.items()),
    )
    return state.best_jobs, state.best


@dataclass
class _SearchState:
    """Where the search stands: the best plan so far and what it learned on the way."""

    best_jobs: list[Job]
    best: Evaluation
    related: _Related
    iteration: int = 0  # neighbourhoods tried
    last_improved: int = 0  # the iteration that last found a better plan
    # Per seed list, engineers still to start a neighbourhood.
    turns: dict[tuple[int, ...], list[int]] = field(default_factory=dict)
    # The best plan's pain per engineer, until the best plan changes.
    pain: tuple[Evaluation, dict[int, float]] | None = None
    # Per shape, the gain per deterministic second (None: not tried yet).
    rate: dict[Kind, float | None] = field(default_factory=lambda: {SINGLE: None, PAIR: None})

    def learn(self, kind: Kind, gain: float, used: float) -> None:
        """Fold one neighbourhood's gain per deterministic second into its shape's rate."""
        seen, known = gain / max(used, 1e-3), self.rate[kind]
        self.rate[kind] = seen if known is None else 0.7 * known + 0.3 * seen


def _choose(
    problem: Problem,
    state: _SearchState,
    rng: random.Random,
    movable_engineers: list[int],
    scope: SearchScope,
    kind: Kind,
) -> list[int]:
    """The engineers of the next neighbourhood: around the focus every other time (or
    always with ``focus_only``), and weighted by pain every other time."""
    iteration, focus = state.iteration, scope.focus
    seeds = focus if focus and (scope.focus_only or iteration % 2 == 1) else movable_engineers
    if iteration % 2 == 0 and (state.pain is None or state.pain[0] is not state.best):
        state.pain = (state.best, _pain(problem, state.best_jobs, state.best))
    return _neighbourhood(
        problem,
        state.related,
        state.best_jobs,
        rng,
        seeds,
        within=focus if scope.focus_only else None,
        pain=state.pain[1] if state.pain is not None and iteration % 2 == 0 else None,
        size=kind.engineers,
        turns=state.turns,
    )


def _candidate(
    state: _SearchState,
    piece: _Piece,
    chosen: list[int],
    built_jobs: list[Job] | None,
    evaluate: Callable[[list[Job]], Evaluation],
    scope: SearchScope,
) -> tuple[tuple[list[Job], Evaluation] | None, float]:
    """The plan with the neighbourhood's new jobs and its evaluation, if it is worth
    evaluating and passes the checks; and what it gains on the best plan."""
    if built_jobs is None:
        return None, 0.0
    new_jobs = [*piece.kept, *built_jobs]
    if scope.polish is not None:
        new_jobs = scope.polish(new_jobs, chosen)
    gain = 0.0
    partial = scope.partial
    if partial is not None:
        # Only the chosen engineers' share changed: price that first, and evaluate
        # (and check) the whole plan only when it gains.
        around = linked(chosen, new_jobs)  # crew partners' days are carried out with them
        before = partial([j for j in state.best_jobs if j.on(around)], piece.free)
        after = partial([j for j in new_jobs if j.on(around)], piece.free)
        gain = max(0.0, before - after)
        if gain <= 1e-9:
            return None, gain
    candidate = evaluate(new_jobs) if scope.valid is None or scope.valid(new_jobs) else None
    if candidate is None:
        return None, 0.0
    return (new_jobs, candidate), max(0.0, state.best.total - candidate.total)


def _accept(
    problem: Problem,
    state: _SearchState,
    found: tuple[list[Job], Evaluation],
    chosen: list[int],
    freed: int,
    outcome: Outcome,
    on_improvement: Callable[[float], None] | None,
) -> None:
    """Keep the neighbourhood's plan if it beats the best one."""
    new_jobs, candidate = found
    best = state.best
    log.debug(
        "lns %d: %s, %d free, exact %.4f vs %.4f",
        state.iteration,
        outcome.status_name,
        freed,
        candidate.total,
        best.total,
    )
    if candidate.total < best.total - 1e-9:
        log.info(
            "lns %d: %.4f -> %.4f (%s)",
            state.iteration,
            best.total,
            candidate.total,
            ",".join(problem.engineers[e].id for e in chosen),
        )
        state.best_jobs, state.best = new_jobs, candidate
        state.last_improved = state.iteration
        if on_improvement is not None:
            on_improvement(candidate.total)


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
    scope: SearchScope,
    most: int = MAX_FREE_TICKETS,
) -> _Piece | None:
    """Free the jobs of the chosen engineers and some unassigned tickets they could take;
    everything else stays as it is."""
    engineers_of_ticket = problem.eligible
    chosen_set = set(chosen)
    assigned = {job.ticket: job for job in best_jobs}
    free = [
        job.ticket
        for job in best_jobs
        if job.engineer in chosen_set and job.ticket not in scope.locked
    ]
    waiting = [
        t.index
        for t in problem.tickets
        if t.index not in assigned
        and t.index not in scope.locked
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
    local = _local_buffer(problem, chosen_set, [*kept, *scope.background], candidates)
    shared = scope.buffer_of
    builder = ModelBuilder(
        problem,
        "upper",
        ModelScope(
            fixed=[*kept, *scope.background],
            not_before=scope.not_before,
            candidates=candidates,
            frozen={**frozen_unassigned, **{job.ticket: job for job in kept}},
            frozen_as_fixed=True,
            buffer_of=local
            if shared is None
            else (lambda ticket, engineer: min(local(ticket, engineer), shared(ticket, engineer))),
            previous=scope.previous,
            keep={
                t: (assigned[t].engineer, assigned[t].start, best.jobs[t].travel)
                for t in free
                if t in assigned and t in best.jobs
            },
        ),
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
        if problem.tickets[job.ticket].onsite and site is not None:
            for member in job.members:  # a crew job takes each member to its site
                if member in chosen:
                    origins[member].add(site)
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
            for member in job.members:
                pain[member] = pain.get(member, 0.0) + weight * (
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
    engineers: Sequence[int],
    within: Sequence[int] | None = None,
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
