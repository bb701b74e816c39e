"""The SPEC's fixed effort draws, recomputed from the formula by hand."""

from __future__ import annotations

import hashlib
import math
from statistics import NormalDist

import numpy as np
import pytest

from dispatcher.semantics.draws import (
    Draws,
    effort_draws,
    efforts_from_normals,
    normal_draws,
    uniform_draws,
)


def z_by_hand(ticket_id: str, j: int) -> float:
    """z_j exactly as the SPEC writes it, one draw at a time."""
    h = hashlib.sha256(f"{ticket_id}#{j}".encode()).hexdigest()
    u = (int(h[:13], 16) + 0.5) / 16**13
    return NormalDist().inv_cdf(u)


def test_first_draw_of_t1001_from_its_hash():
    """SHA-256("T-1001#0") starts 31f849f4fb942, so u_0 = (0x31f849f4fb942 + 0.5) / 16**13
    = 0.1953...; Phi^-1 of it is -0.8589 (to 4 places)."""
    assert hashlib.sha256(b"T-1001#0").hexdigest()[:13] == "31f849f4fb942"
    u0 = (0x31F849F4FB942 + 0.5) / 16**13
    assert uniform_draws("T-1001", 1)[0] == u0
    assert normal_draws("T-1001", 1)[0] == pytest.approx(-0.8589109, abs=1e-7)


@pytest.mark.parametrize(("ticket_id", "j"), [("T-1001", 0), ("T-1001", 7), ("Ünïcode-42", 3)])
def test_normal_draws_equal_the_formula_bit_for_bit(ticket_id, j):
    """Every z_j equals the scalar formula exactly (== on floats, not approx): the hash prefix
    and u_j are exact in float64 and Phi^-1 is the standard library's."""
    assert normal_draws(ticket_id, j + 1)[j] == z_by_hand(ticket_id, j)


def test_efforts_equal_the_formula_for_every_draw():
    """D_j = max(1, ceil(p50 * exp(sigma * z_j) - 1e-9)), sigma = ln(p90/p50)/1.2815516,
    recomputed with math for all 500 draws of T-1001 (p50 1 h, p90 3 h)."""
    sigma = math.log(180 / 60) / 1.2815516
    expected = [
        max(1, math.ceil(60 * math.exp(sigma * z_by_hand("T-1001", j)) - 1e-9)) for j in range(500)
    ]
    assert effort_draws("T-1001", 60, 180, 500).tolist() == expected


def test_t1001_has_47_draws_over_three_hours():
    """The SPEC's example: 47 of T-1001's 500 draws exceed 180 minutes (so its resolution
    risk, with 180 shift minutes before 12:00, is 0.094)."""
    assert int((effort_draws("T-1001", 60, 180, 500) > 180).sum()) == 47


def test_no_uncertainty_means_p50_in_every_draw():
    """p90 == p50: sigma = 0, so D_j = ceil(p50 - 1e-9) = p50 in every draw."""
    assert effort_draws("T-7", 45, 45, 50).tolist() == [45] * 50


def test_a_whole_product_is_not_rounded_up():
    """z = 0 gives p50 * exp(0) = 60 exactly; the SPEC's "- 1e-9" keeps ceil at 60, not 61.
    Values within a hair of a whole minute are recomputed with math.exp, so this holds
    whatever numpy's exp rounds to."""
    normals = np.zeros(3)
    assert efforts_from_normals(normals, 60, 180).tolist() == [60, 60, 60]


def test_efforts_are_at_least_one_minute():
    """A 1-minute median with a huge spread still draws no 0-minute job: max(1, ...)."""
    assert int(effort_draws("T-1", 1, 600, 500).min()) == 1


def test_draws_are_computed_once_and_shared():
    """The cache hands out the same read-only array for the same (id, p50, p90); another
    p50/p90 of the same ticket (a cut job's remainder) reuses its z_j."""
    draws = Draws(100)
    first = draws.efforts("T-1001", 60, 180)
    assert draws.efforts("T-1001", 60, 180) is first
    assert not first.flags.writeable
    remainder = draws.efforts("T-1001", 30, 150)
    sigma = math.log(150 / 30) / 1.2815516
    z = draws.normals("T-1001")
    assert remainder[5] == max(1, math.ceil(30 * math.exp(sigma * z[5]) - 1e-9))
    assert draws.normals("T-1001") is z


def test_a_cache_of_no_draws_is_refused():
    with pytest.raises(ValueError):
        Draws(0)
