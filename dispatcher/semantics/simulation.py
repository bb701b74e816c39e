"""``dispatch simulate``'s arithmetic: fresh random draws, breaches counted run by run.

The SPEC's risks come from fixed draws (``draws``), the same for every plan, so that plans
compare without noise. ``dispatch simulate`` asks another question: what happens when the
plan is carried out against efforts nobody has seen, so its draws come from a seeded
numpy generator (``FreshDraws``; the same seed gives the same runs). Each run is one
draw of the ``execution``; in it a ticket breaches its response when its job starts after
response_due (not responded), and its resolution when its work ends after
resolution_due, counted as ``expected_breaches`` counts them (unassigned tickets too).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, Field

from dispatcher.semantics.draws import Draws, FloatArray
from dispatcher.semantics.execution import Execution, TicketOutcome
from dispatcher.semantics.problem import Problem, TicketData

BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


class FreshDraws(Draws):
    """``runs`` fresh draws of every ticket: one ``standard_normal(runs)`` per ticket of
    ``ticket_ids``, in that order, from ``numpy.random.default_rng(seed)``; efforts by the
    SPEC's lognormal formula (``Draws.efforts``). Same interface as ``Draws``."""

    def __init__(self, ticket_ids: Sequence[str], runs: int, seed: int) -> None:
        super().__init__(runs)
        rng = np.random.default_rng(seed)
        for ticket_id in ticket_ids:
            normals: FloatArray = rng.standard_normal(runs)
            normals.flags.writeable = False
            self._normals[ticket_id] = normals

    def normals(self, ticket_id: str) -> FloatArray:
        cached = self._normals.get(ticket_id)
        if cached is None:
            raise KeyError(f"no fresh draws for ticket {ticket_id!r}")
        return cached


@dataclass(frozen=True)
class Breaches:
    """A ticket's breaches per run: response late, resolution late (one bool per run)."""

    response: BoolArray
    resolution: BoolArray

    @property
    def any(self) -> BoolArray:
        """Runs in which the ticket breaches its response or its resolution."""
        either: BoolArray = self.response | self.resolution
        return either

    @property
    def count(self) -> IntArray:
        """Breaches per run, response and resolution each counting one."""
        total: IntArray = self.response.astype(np.int64) + self.resolution.astype(np.int64)
        return total


def breaches_of(ticket: TicketData, outcome: TicketOutcome) -> Breaches:
    """Per run: response late as the execution found it (X > response_due, not
    responded; see ``TicketOutcome.response_late``) and F > resolution_due."""
    return Breaches(outcome.response_late, outcome.ends > ticket.resolution_due)


def breaches_by_ticket(problem: Problem, execution: Execution) -> dict[int, Breaches]:
    """Every executed (or unassigned) ticket's breaches per run, by ticket index."""
    return {
        index: breaches_of(problem.tickets[index], outcome)
        for index, outcome in execution.outcomes.items()
    }


def breaches_by_tier(
    problem: Problem, breaches: Mapping[int, Breaches], runs: int
) -> dict[str, IntArray]:
    """Per tier (every tier of the problem's tickets), the number of breaches in each run."""
    counts: dict[str, IntArray] = {
        ticket.tier: np.zeros(runs, dtype=np.int64) for ticket in problem.tickets
    }
    for index, ticket_breaches in breaches.items():
        counts[problem.tickets[index].tier] += ticket_breaches.count
    return counts


class TierOutcome(BaseModel):
    """A tier's breaches: promised by the plan (its ``expected_breaches``) and counted over
    the runs (mean, 10th and 90th percentile). ``runs_by_breaches[k]``: the number of
    runs with exactly k breaches (the per-run counts as a histogram, k = 0 up to the most
    in any run; what ``dispatch simulate --plot`` draws; empty in reports made before it
    existed)."""

    promised: float
    mean: float
    p10: float
    p90: float
    runs_by_breaches: list[int] = Field(default_factory=list)


class TicketBreach(BaseModel):
    """A ticket's share of runs with its response or resolution late; ``alone``: the same
    share when its job is carried out alone (its own effort only, nothing before it)."""

    ticket: str
    breach_probability: float
    tier: str = ""
    response_probability: float = 0.0
    resolution_probability: float = 0.0
    alone: float | None = None
    assigned: bool = True


class SimulationReport(BaseModel):
    """``dispatch simulate --json``: runs, seed, breaches per tier, the tickets most likely
    to breach (descending, ties by id; tickets that never breach are left out)."""

    runs: int
    seed: int
    by_tier: dict[str, TierOutcome]
    tickets: list[TicketBreach] = Field(default_factory=list)


def tier_outcome(promised: float, counts: IntArray) -> TierOutcome:
    """Mean and numpy's 10th and 90th percentiles of the per-run breach counts, and the
    counts as a histogram (runs with 0, 1, 2, ... breaches)."""
    return TierOutcome(
        promised=promised,
        mean=float(counts.mean()),
        p10=float(np.percentile(counts, 10)),
        p90=float(np.percentile(counts, 90)),
        runs_by_breaches=[int(runs) for runs in np.bincount(counts)],
    )
