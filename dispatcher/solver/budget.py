"""How a daily solve spends its time limit: the share of the limit each phase may use,
and ``Budget``, which turns those shares into deadlines on the solve's clock.

With several workers the clock is the wall clock and the phases share whatever time is
left. With one worker it is a deterministic work clock (``clock.WorkClock``): every
phase charges the work it does and reads its deadline from that count, and every CP-SAT
call has a deterministic limit, so the same input, seed and limit give the same plan on
a busy machine too. The wall clock then stops a solve only at a generous backstop
(``clock.backstop``: 3 times the limit plus 5 s); past it the plan is no longer
reproducible (logged).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from dispatcher import interrupt
from dispatcher.solver.clock import WALL, Clock, WorkClock, backstop

# Several workers: share of the limit the greedy orders may use.
ORDERS_SHARE = 0.3
# The first greedy order stops here, whatever it has placed.
GREEDY_SHARE = 0.5
# A greedy pass costs about this per ticket-engineer pair (2 cores, 200 x 2000, with a
# margin). When a pass over every eligible engineer would not fit in ``REACH_SHARE`` of the
# limit, each ticket is tried on fewer engineers (the least booked, ``MIN_REACH`` at least).
GREEDY_SECONDS_PER_PAIR = 2e-5
REACH_SHARE = 0.3
MIN_REACH = 4
# ... and in at most this many seconds. (Measured at 200 x 2000 and 30 s, three days: with
# a pass of 30% of the limit, every engineer, 6-10 s, the objective over the rule of
# thumb's was 0.866-0.880; with 1.5 s, 37 engineers, 0.861-0.880 and 2 s less over the
# limit: the least booked engineers hold the good slots, and the search uses the time.)
REACH_PASS_SECONDS = 1.5
# Kept for writing the plan file (the reasons of unassigned tickets, the deferred details,
# the plan's model and JSON): measured 0.05 s at 150 tickets, 0.15-0.3 s at 2000 on 2
# cores. A fixed part ...
OUTPUT_SECONDS = 0.05
# ... plus a part per ticket ...
OUTPUT_SECONDS_PER_TICKET = 1.2e-4
# ... plus a part per second of the limit (the deferred details' probes, which grow with
# it: ``assemble.detail_probes``) ...
OUTPUT_SECONDS_PER_LIMIT = 0.02
# ... and at most this share of the limit.
OUTPUT_SHARE = 0.3
# One worker, when the limit counts from the command's start: the work clock charges
# this for the imports and the loading (measured: about 1 s of imports on 2 cores ...
STARTUP_SECONDS = 1.0
# ... and the loading, per ticket).
LOAD_SECONDS_PER_TICKET = 1e-3
# The effort draws and each ticket's outcome when left out, made before the solve's phases
# start (part of the start-up): per ticket and draw (measured: 1.1 s for 2000 x 500).
DRAW_SECONDS_PER_SAMPLE = 1.1e-6
# However long the command's start (imports, loading) took, the solve keeps at least this
# share of the limit for itself: on a short limit and a big day the loading alone can take
# the whole limit, and a plan built in no time is no plan (the limit then holds but for
# the start-up).
SOLVE_FLOOR = 0.6
# Big days: share of the limit kept for placing left-out tickets at the end.
FILL_SHARE = 0.03
# Placing the work that must be assigned and the crew visits the construction left out
# (``must.place_must``) may take this share of the limit from when it starts.
MUST_SHARE = 0.15
# The bound's pass over each ticket alone (``bound.least_costs``) costs about this per
# ticket-engineer pair (measured at 200 x 2000 on 2 cores, the draws aside); it runs first
# only when it fits in ``BOUND_SHARE`` of the limit, else the plan reports no bound.
BOUND_SECONDS_PER_PAIR = 7e-6
BOUND_SHARE = 0.1
# Moving crew jobs (``crews.improve_crews``), after the construction and again before the
# fill: each pass may run until this share of the limit past where it starts.
CREW_SHARE = 0.05
# Share of the limit for reordering engineers' days against the exact objective, after
# the neighbourhood search.
REORDER_SHARE = 0.25
# The same on days too big for the full model (measured at 200 x 2000: reordering gained
# 2.6% in 7.7 s where the neighbourhoods gained 0.3% in 9 s).
REORDER_SHARE_BIG = 0.45
# Moving costly jobs to other engineers' days against the exact objective
# (``relocate.relocate_jobs``), after the neighbourhood search and before the reordering ...
RELOCATE_SHARE = 0.1
# ... and on days too big for the full model, where it gains more per second than the
# neighbourhoods (measured at 200 x 2000 and 30 s: 1.1k off the objective in 6 s, where
# the neighbourhoods took 55 off in 2 s).
RELOCATE_SHARE_BIG = 0.3
# Routing the on-site visits with OR-Tools' routing library (``routing.route_visits``) on
# days made mostly of such visits (at least ``ROUTING_MIN_SHARE`` of the tickets): this
# share of the limit, from when it starts, growing to ``ROUTING_SHARE_ALL`` on a day of
# visits alone (measured on the TRSP days, where the neighbourhoods gain nothing after
# the routing: R101 1190 travel minutes with 0.4 of 10 s).
ROUTING_SHARE = 0.4
ROUTING_SHARE_ALL = 0.8
# (At 0.3 the phase ran on the ``field`` family's M days, 38-46% visits with SLA risk:
# the routing's plan was worse on the exact objective, 5158 -> 5522, and was dropped after
# 5 s the neighbourhoods then lacked.)
ROUTING_MIN_SHARE = 0.5
# Reordering moves tried on the days of each neighbourhood, after its sub-solve.
POLISH_MOVES = 30
# Small days: neighbourhoods in a row without gain before the search stops.
SMALL_PATIENCE = 60
# Small days: share of the limit for the full model (then the search).
FULL_SHARE = 0.45
# (ticket, engineer) pairs the full model can take on 2 cores in seconds; above it, a
# day is big and only the neighbourhood search runs.
PAIR_BUDGET = 800
# Relative: a plan is optimal when the bound is this close to its objective (float sums
# and the bound's own safety margin of 1e-9).
OPTIMALITY_SLACK = 1e-8


def workers_for(requested: int | None) -> int:
    """CP-SAT workers: as requested (at least one), or all cores up to 8."""
    if requested is not None:
        return max(1, requested)
    return max(1, min(8, os.cpu_count() or 1))


@dataclass(frozen=True)
class Budget:
    """The time limit of one solve: when it started, when the search must end, how many
    workers share it, and the clock its deadlines are read from (the wall clock; one
    worker: the deterministic work clock)."""

    started: float  # the ``time.monotonic()`` instant the limit counts from
    time_limit: float  # seconds
    deadline: float  # the end of the limit, less the time kept for writing the plan
    workers: int
    # The instant the phases' shares count from: ``started``, or later when the start-up
    # took more than ``1 - SOLVE_FLOOR`` of the limit.
    origin: float
    clock: Clock = WALL

    @classmethod
    def start(
        cls,
        time_limit: float,
        started: float | None,
        workers: int | None,
        tickets: int,
        *,
        called: float | None = None,
        samples: int = 0,
    ) -> Budget:
        """The budget of a solve of ``tickets`` tickets. ``started``: the command's start
        (the limit counts from it); else ``called`` (when the solve was called, before
        the ``samples`` effort draws it made first); else now."""
        began = started if started is not None else called
        if began is None:
            began = time.monotonic()
        count = workers_for(workers)
        clock = WALL
        if count == 1:
            work = WorkClock(began, backstop(began, time_limit))
            if started is not None:
                # The limit counts from before the solve (the command's imports and
                # loading): a fixed estimate of that time, not the measured one.
                work.charge(STARTUP_SECONDS + LOAD_SECONDS_PER_TICKET * tickets)
            work.charge(DRAW_SECONDS_PER_SAMPLE * samples)
            clock = work
        # The solve keeps ``SOLVE_FLOOR`` of the limit whatever the start-up took.
        origin = max(began, clock.now() - (1 - SOLVE_FLOOR) * time_limit)
        deadline = origin + time_limit
        # Writing the plan (reasons, deferred details) takes a moment after the search.
        deadline -= min(
            OUTPUT_SHARE * time_limit,
            OUTPUT_SECONDS
            + OUTPUT_SECONDS_PER_TICKET * tickets
            + OUTPUT_SECONDS_PER_LIMIT * time_limit,
        )
        return cls(began, time_limit, deadline, count, origin, clock)

    @property
    def one_worker(self) -> bool:
        """One worker: budgets are deterministic, so the same input gives the same plan."""
        return self.workers == 1

    def now(self) -> float:
        """The current instant on the solve's clock (the work clock with one worker)."""
        return self.clock.now()

    def charge(self, seconds: float) -> None:
        """Count ``seconds`` of work on the solve's clock (one worker; else nothing)."""
        self.clock.charge(seconds)

    @property
    def wall_deadline(self) -> float:
        """The ``time.monotonic()`` instant every CP-SAT call must end by: the deadline;
        with one worker, the backstop (its calls have deterministic limits)."""
        return self.clock.wall_deadline(self.deadline)

    def share(self, fraction: float) -> float:
        """Seconds: ``fraction`` of the limit."""
        return fraction * self.time_limit

    def at(self, fraction: float) -> float:
        """The instant when ``fraction`` of the limit has passed since the start (since the
        ``origin`` when the start-up took more than its share)."""
        return self.origin + fraction * self.time_limit

    def elapsed(self) -> float:
        """Wall-clock seconds since the start (reported, never decided on)."""
        return time.monotonic() - self.started

    def left(self) -> float:
        """Seconds until the deadline on the solve's clock (negative past it)."""
        return self.deadline - self.clock.now()

    @staticmethod
    def stop_requested() -> bool:
        """A signal asked the command to stop: keep the best plan so far."""
        return interrupt.stop_requested()


__all__ = [
    "BOUND_SECONDS_PER_PAIR",
    "BOUND_SHARE",
    "CREW_SHARE",
    "DRAW_SECONDS_PER_SAMPLE",
    "FILL_SHARE",
    "FULL_SHARE",
    "GREEDY_SECONDS_PER_PAIR",
    "GREEDY_SHARE",
    "LOAD_SECONDS_PER_TICKET",
    "MIN_REACH",
    "MUST_SHARE",
    "OPTIMALITY_SLACK",
    "ORDERS_SHARE",
    "OUTPUT_SECONDS",
    "OUTPUT_SECONDS_PER_LIMIT",
    "OUTPUT_SECONDS_PER_TICKET",
    "OUTPUT_SHARE",
    "PAIR_BUDGET",
    "POLISH_MOVES",
    "REACH_PASS_SECONDS",
    "REACH_SHARE",
    "REORDER_SHARE",
    "REORDER_SHARE_BIG",
    "ROUTING_MIN_SHARE",
    "ROUTING_SHARE",
    "ROUTING_SHARE_ALL",
    "SMALL_PATIENCE",
    "SOLVE_FLOOR",
    "STARTUP_SECONDS",
    "Budget",
    "workers_for",
]
