"""The SPEC's fixed effort draws ("Execution and breach risk"), written out plainly.

Draw j (0 <= j < N) of ticket t is ``D_j = max(1, ceil(p50 * exp(sigma * z_j) - 1e-9))``
minutes, with ``sigma = ln(p90 / p50) / 1.2815516`` (0 when p90 = p50),
``z_j = Phi^-1(u_j)``, ``u_j = (int(h[:13], 16) + 0.5) / 16**13`` and h the lowercase hex
SHA-256 of the UTF-8 text ``f"{t}#{j}"``. Every plan of a scenario meets the same draws.

Plain Python, one draw at a time (``math.exp``, the standard library's normal quantile);
z_j is kept per ticket id, since a cut job's remainder is the same ticket (same z_j) with
a smaller p50 and p90.
"""

from __future__ import annotations

import hashlib
import math
from statistics import NormalDist

Z90 = 1.2815516  # Phi^-1(0.9): p90 lies this many sigmas above the median
HEX_DIGITS = 13  # u_j reads the first 13 hex digits of the hash
SCALE = 16**13
SLACK = 1e-9  # the SPEC's "- 1e-9" inside the ceiling

_quantile = NormalDist().inv_cdf


def sigma(p50: int, p90: int) -> float:
    """sigma = ln(p90 / p50) / 1.2815516, and 0 when p90 = p50 (no uncertainty)."""
    return math.log(p90 / p50) / Z90 if p90 > p50 else 0.0


def uniform(ticket_id: str, j: int) -> float:
    """u_j = (int(h[:13], 16) + 0.5) / 16**13, h the hex SHA-256 of "<id>#<j>"."""
    h = hashlib.sha256(f"{ticket_id}#{j}".encode()).hexdigest()
    return (int(h[:HEX_DIGITS], 16) + 0.5) / SCALE


def normal(ticket_id: str, j: int) -> float:
    """z_j = Phi^-1(u_j)."""
    return _quantile(uniform(ticket_id, j))


def effort(p50: int, p90: int, z: float) -> int:
    """D = max(1, ceil(p50 * exp(sigma * z) - 1e-9)) whole minutes for the normal draw z."""
    spread = sigma(p50, p90)
    if spread == 0.0:
        return max(1, p50)
    return max(1, math.ceil(p50 * math.exp(spread * z) - SLACK))


class EffortDraws:
    """The first ``n`` draws of every ticket, each z_j computed once per ticket id."""

    def __init__(self, n: int) -> None:
        if n < 1:
            raise ValueError("the number of draws must be positive")
        self.n = n
        self._normals: dict[str, tuple[float, ...]] = {}
        self._efforts: dict[tuple[str, int, int], tuple[int, ...]] = {}

    def normals(self, ticket_id: str) -> tuple[float, ...]:
        """z_0 .. z_{n-1} of the ticket."""
        cached = self._normals.get(ticket_id)
        if cached is None:
            cached = tuple(normal(ticket_id, j) for j in range(self.n))
            self._normals[ticket_id] = cached
        return cached

    def efforts(self, ticket_id: str, p50: int, p90: int) -> tuple[int, ...]:
        """D_0 .. D_{n-1} of the ticket with median p50 and 90th percentile p90."""
        key = (ticket_id, p50, p90)
        cached = self._efforts.get(key)
        if cached is None:
            if p90 <= p50:
                cached = (max(1, p50),) * self.n
            else:
                cached = tuple(effort(p50, p90, z) for z in self.normals(ticket_id))
            self._efforts[key] = cached
        return cached
