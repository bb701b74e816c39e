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

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, Field

from dispatcher.semantics.draws import Draws, FloatArray
from dispatcher.semantics.execution import Execution, TicketOutcome
from dispatcher.semantics.problem import Problem, TicketData

BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


EffortShape = Literal["lognormal", "weibull", "normal"]
EFFORT_SHAPES: tuple[EffortShape, ...] = ("lognormal", "weibull", "normal")
Z90 = 1.2815516  # the standard normal's 90th percentile, as the SPEC writes it


class FreshDraws(Draws):
    """``runs`` fresh draws of every ticket, from ``numpy.random.default_rng(seed)``: one
    ``standard_normal(runs)`` per ticket of ``ticket_ids``, in that order. Efforts follow
    ``shape``, each with the ticket's median p50 and 90th percentile p90 and the SPEC's
    rounding, ``max(1, ceil(x - 1e-9))`` minutes:

    - ``lognormal`` (the SPEC's model, ``Draws.efforts``): p50 * exp(sigma * z);
    - ``weibull``: p50 * (-ln(1 - u) / ln 2) ** (1 / k) with u = ``random(runs)`` in place
      of the normals, k chosen so that its 90th percentile is p90
      (k = ln(ln 10 / ln 2) / ln(p90 / p50)): a lighter tail;
    - ``normal``: p50 + (p90 - p50) / 1.2815516 * z: symmetric, an overrun as likely as
      finishing early by as much.

    Replaying a plan under each shows whether it holds up when real efforts are not
    lognormal. Same interface as ``Draws``."""

    def __init__(
        self, ticket_ids: Sequence[str], runs: int, seed: int, shape: EffortShape = "lognormal"
    ) -> None:
        super().__init__(runs)
        if shape not in EFFORT_SHAPES:
            raise ValueError(f"unknown effort shape {shape!r} (known: {', '.join(EFFORT_SHAPES)})")
        self.shape = shape
        rng = np.random.default_rng(seed)
        for ticket_id in ticket_ids:
            normals: FloatArray = (
                rng.random(runs) if shape == "weibull" else rng.standard_normal(runs)
            )
            normals.flags.writeable = False
            self._normals[ticket_id] = normals

    def normals(self, ticket_id: str) -> FloatArray:
        cached = self._normals.get(ticket_id)
        if cached is None:
            raise KeyError(f"no fresh draws for ticket {ticket_id!r}")
        return cached

    def efforts(self, ticket_id: str, p50: int, p90: int) -> IntArray:
        if self.shape == "lognormal":
            return super().efforts(ticket_id, p50, p90)
        key = (ticket_id, p50, p90)
        cached = self._efforts.get(key)
        if cached is None:
            cached = _shaped(self.shape, self.normals(ticket_id), p50, p90)
            cached.flags.writeable = False
            self._efforts[key] = cached
        return cached


def _shaped(shape: EffortShape, normals: FloatArray, p50: int, p90: int) -> IntArray:
    """Efforts of median p50 and 90th percentile p90 in ``shape`` (not lognormal), from the
    ticket's standard normals (uniforms for ``weibull``)."""
    if p90 <= p50:
        return np.full(normals.shape, max(1, p50), dtype=np.int64)
    if shape == "weibull":  # ``normals`` holds uniforms u in [0, 1) for this shape
        k = math.log(math.log(10) / math.log(2)) / math.log(p90 / p50)
        values = p50 * (-np.log1p(-normals) / math.log(2)) ** (1 / k)
    else:
        values = p50 + (p90 - p50) / Z90 * normals
    efforts: IntArray = np.maximum(np.ceil(values - 1e-9), 1.0).astype(np.int64)
    return efforts


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
    # Its response was due before the plan could start anything (not responded): no plan
    # meets it, whatever the efforts.
    response_due_before_start: bool = False


class SimulationReport(BaseModel):
    """``dispatch simulate --json``: runs, seed, breaches per tier, the tickets most likely
    to breach (descending, ties by id; tickets that never breach are left out)."""

    runs: int
    seed: int
    by_tier: dict[str, TierOutcome]
    effort_shape: str = "lognormal"  # how the fresh efforts were drawn (FreshDraws)
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
