"""The clock a solve's phases read their deadlines from: the wall clock, or (one worker)
a deterministic work clock.

With several workers a phase stops at a ``time.monotonic()`` deadline, as it always did.
With one worker the same input, seed and time limit must give the same plan on a busy
machine too, so no phase may look at the wall clock: each charges the work it does to a
``WorkClock`` (CP-SAT's deterministic time of each sub-solve, and counted evaluations,
greedy placements and moves of the Python phases), scaled by the constants below so that
on an idle 2-core machine a second of work takes about a second, and every deadline is
read from that count. The wall clock stays only as a backstop (``BACKSTOP_FACTOR`` times
the limit plus ``BACKSTOP_SECONDS``): should a machine be so slow or so busy that it
fires, every phase stops at once and the plan is no longer reproducible (logged).
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)

# Work-clock seconds per unit of counted work, fitted with one worker on generated days
# of 5 x 40 to 50 x 500 and northside (2 cores, wall time of each phase against its
# count; the machine was partly busy, so on an idle one a solve ends a little early).
# CP-SAT's deterministic time runs far slower than the wall clock on these models: a
# deterministic second of a neighbourhood's sub-solve took 10 to 13 s, one of the full
# model 10 to 30 s, and the rest of a call (building the model, presolve) about 0.3 ms
# per alternative (ticket, engineer, shift segment). Single calls vary 2x and more either
# way; a solve's sum came within about 30% of its wall time.
CPSAT_SECONDS_PER_DETERMINISTIC = 10.0
FULL_MODEL_SECONDS_PER_DETERMINISTIC = 18.0
CPSAT_SECONDS_PER_ALTERNATIVE = 3e-4
# A ticket-engineer pair tried by a greedy placement (``construct.find_slot``) ...
SLOT_SECONDS = 2e-5
# ... the exact evaluation of a plan, per ticket of the day ...
EVALUATION_SECONDS_PER_TICKET = 1.5e-4
# ... pricing some engineers' days (``evaluate.partial_total``), per job priced ...
PARTIAL_SECONDS_PER_JOB = 7e-5
# ... a reordering move tried (``reorder.better_day``) ...
MOVE_SECONDS = 5e-4
# ... and a place on another engineer's day tried for a costly job (``relocate``), its
# share of ranking the places included; an exchange re-times and prices both days, twice
# this (measured at 200 x 2000: 8.0 s for 4,000 exchanges and 1,750 moves).
RELOCATE_SECONDS = 8e-4
# Rescheduling (``reschedule.situation``), per ticket still live (free or running): the
# feasibility check of a candidate plan (1.1 to 1.3 ms at 60 to 110 live tickets of 150).
CHECK_SECONDS_PER_TICKET = 1e-5
# The rescheduler's CP-SAT calls run faster per deterministic second than the daily
# solve's: its model of the rest of the day (running and past work fixed) took 4.4 to 7.6
# s at 145 to 1035 alternatives, its neighbourhoods about 5 s in all (20 sub-solves, 0.4
# deterministic s in 2.5 s; generated 20 x 150, 2 cores, partly busy).
RESCHEDULE_SECONDS_PER_DETERMINISTIC = 6.0
# ... and a solution the routing library's search accepts (``routing``), per square of its
# nodes. Fitted on the TRSP day R101 (150 nodes, 2 busy cores): the guided local search
# accepts solutions ever more slowly (14 in 0.5 s, 59 in 2.4 s, 88 in 9 s), so this is a
# cautious value (8 s of share: 59 solutions, about 2.5 s of wall time): a one-worker
# plan stays inside its limit on a busy machine, at some cost in travel (R101: 1190
# minutes, against 1145 with 88 solutions, which took 9 to 11 s).
ROUTING_SECONDS_PER_SOLUTION_NODE2 = 6e-6
# The wall-clock backstop of a one-worker solve: this many times its limit, plus this.
BACKSTOP_FACTOR = 3.0
BACKSTOP_SECONDS = 5.0
# How far the work clock jumps when the backstop fires: past every deadline (finite, so
# that differences of two readings stay numbers).
FIRED_SECONDS = 1e9


class Clock:
    """The wall clock: ``now`` is ``time.monotonic()``; charged work is not counted."""

    def now(self) -> float:
        """The current instant, on the scale of the deadlines compared with it."""
        return time.monotonic()

    def charge(self, seconds: float) -> None:
        """Count ``seconds`` of work done (the wall clock counts by itself)."""

    def wall_deadline(self, deadline: float) -> float:
        """The ``time.monotonic()`` instant a CP-SAT call must end by when the phase
        deadline is ``deadline``: that deadline itself on the wall clock."""
        return deadline

    def cpsat_limit(self, seconds: float) -> float:
        """The limit of a CP-SAT call that may take ``seconds`` of this clock: as many
        seconds (one worker: deterministic seconds, as the work clock counts them)."""
        return seconds


WALL = Clock()


class WorkClock(Clock):
    """Deterministic: ``now`` is the start plus the work charged so far, whatever the wall
    clock says, until the wall-clock ``backstop`` passes; from then on it reads
    ``FIRED_SECONDS`` later, past every deadline, so every phase stops (and the plan is no
    longer reproducible)."""

    def __init__(self, started: float, backstop: float) -> None:
        self.started = started  # the instant the count starts from (on the deadlines' scale)
        self.spent = 0.0  # work-clock seconds charged
        self.backstop = backstop  # a ``time.monotonic()`` instant
        self.fired = False

    def now(self) -> float:
        if not self.fired and time.monotonic() > self.backstop:
            self.fired = True
            log.warning(
                "one worker: the wall-clock backstop fired after %.2f s of counted work; "
                "the solve stops now and this plan may differ from another run's",
                self.spent,
            )
        return self.started + self.spent + (FIRED_SECONDS if self.fired else 0.0)

    def charge(self, seconds: float) -> None:
        self.spent += seconds

    def wall_deadline(self, deadline: float) -> float:
        """CP-SAT is bounded by its deterministic limit; the wall clock only at the
        backstop."""
        return self.backstop

    def cpsat_limit(self, seconds: float) -> float:
        return seconds / CPSAT_SECONDS_PER_DETERMINISTIC


def cpsat_seconds(
    deterministic_time: float,
    alternatives: int,
    per_deterministic: float = CPSAT_SECONDS_PER_DETERMINISTIC,
) -> float:
    """Work-clock seconds of one CP-SAT call: its deterministic time and its model's size."""
    return per_deterministic * deterministic_time + CPSAT_SECONDS_PER_ALTERNATIVE * alternatives


def backstop(started: float, time_limit: float) -> float:
    """The wall-clock instant a one-worker solve begun at ``started`` stops whatever its
    work clock says."""
    return started + BACKSTOP_FACTOR * time_limit + BACKSTOP_SECONDS


__all__ = [
    "BACKSTOP_FACTOR",
    "BACKSTOP_SECONDS",
    "CHECK_SECONDS_PER_TICKET",
    "CPSAT_SECONDS_PER_ALTERNATIVE",
    "CPSAT_SECONDS_PER_DETERMINISTIC",
    "EVALUATION_SECONDS_PER_TICKET",
    "FIRED_SECONDS",
    "FULL_MODEL_SECONDS_PER_DETERMINISTIC",
    "MOVE_SECONDS",
    "PARTIAL_SECONDS_PER_JOB",
    "RELOCATE_SECONDS",
    "RESCHEDULE_SECONDS_PER_DETERMINISTIC",
    "ROUTING_SECONDS_PER_SOLUTION_NODE2",
    "SLOT_SECONDS",
    "WALL",
    "Clock",
    "WorkClock",
    "backstop",
    "cpsat_seconds",
]
