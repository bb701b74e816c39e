"""Shift arithmetic of a short job (SPEC "Work"): it does not pause overnight, a gap of
``OVERNIGHT_GAP`` minutes or more between two shifts; it may pause for lunch."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from dispatcher.semantics.pieces import Pieces, placement
from dispatcher.semantics.shifts import (
    OVERNIGHT_GAP,
    ShiftCalendar,
    night_free_through,
    pauses_overnight,
)

# Monday 08:00-12:30 and 13:00-17:00 (lunch), Tuesday 08:00-17:00 (minutes from Mon 08:00).
DAYS = ShiftCalendar(((0, 270), (300, 540), (1440, 1980)))


def test_the_threshold_is_policy_split_overnight_from():
    assert OVERNIGHT_GAP == 180
    assert not pauses_overnight(239, 240)
    assert pauses_overnight(240, 240)
    assert pauses_overnight(15, 1)


def test_night_free_stretch_runs_over_lunch_and_stops_at_the_night():
    assert DAYS.night_free_through == [510, 510, 1050]


def test_a_gap_of_exactly_three_hours_is_a_night_and_one_minute_less_is_lunch():
    assert night_free_through([(0, 60), (240, 300)], [60, 120]) == [60, 120]
    assert night_free_through([(0, 60), (239, 300)], [60, 121]) == [121, 121]


def test_a_short_job_finishes_before_the_night_or_not_at_all():
    assert DAYS.finish(526, 15) == 1441  # pausing overnight
    assert DAYS.finish(526, 15, overnight=False) is None
    assert DAYS.finish(525, 15, overnight=False) == 540  # ends at 17:00 on the dot
    assert DAYS.finish(260, 15, overnight=False) == 305  # over lunch
    assert DAYS.latest_start(0, 15, overnight=False) == 269
    assert DAYS.latest_start(1, 15, overnight=False) == 525
    assert DAYS.latest_start(1, 15) == 539
    assert DAYS.latest_start(2, 15, overnight=False) == 1965
    assert DAYS.latest_start(0, 600, overnight=False) < 0  # no start fits the day


def test_start_pieces_of_a_short_job_stop_before_the_night():
    pieces = DAYS.start_pieces(0, 2000, 15, overnight=False)
    assert all(
        DAYS.finish(piece.last, 15, overnight=False) == piece.last + piece.length
        for piece in pieces
    )
    assert max(p.last for p in pieces if p.last < 1440) == 525
    long_pieces = DAYS.start_pieces(0, 2000, 15)
    assert max(p.last for p in long_pieces if p.last < 1440) == 539


shifts = st.lists(st.tuples(st.integers(0, 400), st.integers(1, 300)), min_size=1, max_size=6).map(
    lambda pairs: tuple((start, start + length) for start, length in _disjoint(pairs))
)


def _disjoint(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Shifts laid one after the other with the drawn gaps."""
    at, result = 0, []
    for gap, length in pairs:
        at += gap
        result.append((at, length))
        at += length
    return result


@settings(max_examples=300, deadline=None)
@given(shifts=shifts, work=st.integers(1, 400), start=st.integers(0, 3000))
def test_finish_without_night_agrees_with_walking_the_gaps(shifts, work, start):
    """``finish(overnight=False)`` ends the job iff no gap >= 3 h lies inside [S, F];
    ``latest_start`` is the last start of its shift that passes; the execution's
    placement table allows the same latest start."""
    calendar = ShiftCalendar(shifts)
    index = calendar.shift_of_start(start)
    end = calendar.finish(start, work)
    short_end = calendar.finish(start, work, overnight=False)
    if index is None or end is None:
        assert short_end is None
        return
    nights = [
        (a_end, b_start)
        for (_, a_end), (b_start, _) in itertools.pairwise(shifts)
        if b_start - a_end >= OVERNIGHT_GAP and start <= a_end and b_start <= end
    ]
    assert short_end == (None if nights else end)
    latest = calendar.latest_start(index, work, overnight=False)
    assert (start <= latest) == (short_end is not None)
    table = placement(Pieces.of(list(shifts), 10**6), 0, 0, work)
    if _apart(shifts):  # pieces merge touching shifts, the calendar keeps them apart
        assert int(table.latest[index]) == latest


def _apart(shifts: tuple[tuple[int, int], ...]) -> bool:
    """No two shifts touch (then the execution's pieces are the shifts)."""
    return all(b[0] > a[1] for a, b in itertools.pairwise(shifts))
