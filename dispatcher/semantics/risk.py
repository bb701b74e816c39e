"""Lognormal breach risk (SPEC "Breach risk")."""

from __future__ import annotations

import math

Z90 = 1.2815516


def sigma_of(p50: int, p90: int) -> float:
    return math.log(p90 / p50) / Z90 if p90 > p50 else 0.0


def overrun_probability(p50: int, sigma: float, available: int) -> float:
    """P(D > available) for D ~ LogNormal(median p50, sigma)."""
    if sigma == 0.0:
        return 1.0 if available < p50 else 0.0
    if available <= 0:
        return 1.0
    z = (math.log(available) - math.log(p50)) / sigma
    return 0.5 * math.erfc(z / math.sqrt(2.0))
