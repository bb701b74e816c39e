"""The checker's own effort draws: the SPEC's formula, and exactly the draws the solver's
semantics use (tests may import both; the checker's code may not)."""

from __future__ import annotations

import hashlib
import math
from statistics import NormalDist

from hypothesis import given, settings
from hypothesis import strategies as st

from dispatcher.checker.draws import EffortDraws, effort, normal, sigma, uniform
from dispatcher.semantics.draws import Draws, effort_draws


def test_the_first_draw_of_t1001_by_hand() -> None:
    """u_0 from the hex SHA-256 of "T-1001#0", z_0 = Phi^-1(u_0), D_0 from p50 1 h, p90 3 h."""
    h = hashlib.sha256(b"T-1001#0").hexdigest()
    u = (int(h[:13], 16) + 0.5) / 16**13
    z = NormalDist().inv_cdf(u)
    d = max(1, math.ceil(60 * math.exp(math.log(3) / 1.2815516 * z) - 1e-9))
    assert uniform("T-1001", 0) == u
    assert normal("T-1001", 0) == z
    assert effort(60, 180, z) == d
    assert EffortDraws(1).efforts("T-1001", 60, 180) == (d,)


def test_no_uncertainty_gives_p50_in_every_draw() -> None:
    """sigma = 0 when p90 = p50: D_j = p50."""
    assert sigma(45, 45) == 0.0
    assert EffortDraws(50).efforts("X", 45, 45) == (45,) * 50


def test_t1001_misses_180_minutes_in_47_of_500_draws() -> None:
    """The SPEC's example: 47 of the 500 draws of T-1001 exceed 180 minutes."""
    efforts = EffortDraws(500).efforts("T-1001", 60, 180)
    assert sum(d > 180 for d in efforts) == 47


def test_a_cut_remainder_reuses_the_ticket_normals() -> None:
    """Same ticket id, smaller p50 and p90: the same z_j, new efforts."""
    draws = EffortDraws(20)
    whole, rest = draws.efforts("T-9", 120, 240), draws.efforts("T-9", 60, 180)
    z = draws.normals("T-9")
    assert rest == tuple(effort(60, 180, zj) for zj in z)
    assert whole == tuple(effort(120, 240, zj) for zj in z)


def test_agrees_with_the_semantics_on_many_tickets_and_efforts() -> None:
    """Bit for bit the semantics' vectorised draws, on 200 ids and a spread of efforts."""
    ours, theirs = EffortDraws(300), Draws(300)
    efforts = [(1, 1), (1, 2), (5, 60), (15, 30), (60, 180), (90, 91), (240, 2400), (480, 600)]
    for index in range(200):
        ticket_id = f"T-{index:04d}" if index % 3 else f"job/{index}-é"
        assert list(ours.normals(ticket_id)) == theirs.normals(ticket_id).tolist()
        for p50, p90 in efforts:
            assert list(ours.efforts(ticket_id, p50, p90)) == (
                theirs.efforts(ticket_id, p50, p90).tolist()
            ), (ticket_id, p50, p90)


@settings(max_examples=60, deadline=None)
@given(
    st.text(min_size=1, max_size=12),
    st.integers(1, 2000),
    st.integers(0, 5000),
)
def test_agrees_with_the_semantics_on_random_tickets(ticket_id: str, p50: int, extra: int) -> None:
    """Any id (any Unicode), any p50 <= p90: the same draws as the semantics."""
    ours = EffortDraws(80).efforts(ticket_id, p50, p50 + extra)
    assert list(ours) == effort_draws(ticket_id, p50, p50 + extra, 80).tolist()
