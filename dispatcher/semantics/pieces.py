"""Shift pieces of a job and where in them it may start (SPEC "Execution and breach risk").

A job's pieces are the maximal intervals of its engineer's shift time (of a crew's joint
shift time: the minutes in which every member is in a shift), cut at the horizon's end,
with the shift minutes before and through each piece so that work is placed by
``searchsorted`` over many draws at once.

The start rule, for piece [a, b): X = max(max(ready_m, a) + travel_m over members, opened,
hold, now). Because max(ready_m, a) + travel_m = max(ready_m + travel_m, a + travel_m),
X = max(Q, a + T, c) with Q = max(ready_m + travel_m) (per draw), T = max(travel_m) and
c = max(opened, hold, now). Every piece that ends at or before Q fails (X >= Q >= b); in
the first piece ending after Q, X depends on the draw; in every later piece a > Q, so X =
max(a + T, c) is the same in every draw. ``Placement`` precomputes those later pieces.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dispatcher.semantics.shifts import night_free_through

IntArray = NDArray[np.int64]

NEVER = 1 << 60  # later than any instant of a plan


def merged(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted maximal intervals covering the given ones (touching intervals join)."""
    result: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if result and start <= result[-1][1]:
            if end > result[-1][1]:
                result[-1] = (result[-1][0], end)
        else:
            result.append((start, end))
    return result


def intersected(
    first: Sequence[tuple[int, int]], second: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The intersection of two sorted lists of disjoint intervals."""
    result: list[tuple[int, int]] = []
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i][0], second[j][0])
        end = min(first[i][1], second[j][1])
        if start < end:
            result.append((start, end))
        if first[i][1] <= second[j][1]:
            i += 1
        else:
            j += 1
    return result


def joint_intervals(
    shift_lists: Sequence[Sequence[tuple[int, int]]], horizon_end: int
) -> list[tuple[int, int]]:
    """Maximal intervals of the time in which every member is in a shift, up to the horizon
    end (shifts lie inside the horizon; the cut only guards against ones that do not)."""
    joint = merged(shift_lists[0])
    for shifts in shift_lists[1:]:
        joint = intersected(joint, merged(shifts))
    return [(start, min(end, horizon_end)) for start, end in joint if start < horizon_end]


@dataclass(frozen=True)
class Pieces:
    """A job's shift pieces with cumulative shift minutes.

    The arrays of length ``count + 1`` end with a sentinel piece that stands for "after the
    horizon": it starts at ``horizon_end`` (so a job placed there starts at the horizon
    end with all its work still to do), never ends and has ``total`` minutes before it.
    """

    starts: IntArray  # a_i, then horizon_end
    ends: IntArray  # b_i, then NEVER
    before: IntArray  # shift minutes before piece i, then total
    through: IntArray  # shift minutes up to the end of piece i (real pieces only)
    night_free_through: IntArray  # ``through`` of the last piece reachable without a night
    offsets: IntArray  # a_i - before_i: an instant in piece i is its shift position + this
    total: int
    count: int
    last_end: int  # end of the last real piece (no start possible from a ready this late)

    @classmethod
    def of(cls, intervals: Sequence[tuple[int, int]], horizon_end: int) -> Pieces:
        count = len(intervals)
        lengths = np.array([end - start for start, end in intervals], dtype=np.int64)
        through = np.cumsum(lengths, dtype=np.int64)
        total = int(through[-1]) if count else 0
        before = np.concatenate([np.zeros(1, np.int64), through]).astype(np.int64)
        starts = np.array([start for start, _ in intervals] + [horizon_end], dtype=np.int64)
        ends = np.array([end for _, end in intervals] + [NEVER], dtype=np.int64)
        night_free = np.array(
            night_free_through(intervals, [int(value) for value in through]), dtype=np.int64
        )
        return cls(
            starts=starts,
            ends=ends,
            before=before,
            through=through,
            night_free_through=night_free,
            offsets=starts - before,
            total=total,
            count=count,
            last_end=intervals[-1][1] if count else horizon_end,
        )

    def position(self, instant: int) -> int:
        """Shift minutes of these pieces before ``instant``."""
        index = int(np.searchsorted(self.starts[: self.count], instant, side="right")) - 1
        if index < 0:
            return 0
        return int(self.before[index]) + min(
            instant - int(self.starts[index]), int(self.ends[index] - self.starts[index])
        )


@dataclass(frozen=True)
class Placement:
    """Per piece, the start a job gets there when no member is still busy, and the last
    start the rules allow there.

    ``earliest[i] = max(a_i + T, c)``; ``latest[i] = b_i - 1``, lowered for a short job so
    that its p50 minutes end before the next overnight gap (and inside the horizon);
    ``next_open[i]`` is the first piece at or after i whose ``earliest`` is allowed
    (``count``, the sentinel, when none is). The sentinel accepts nothing and its
    ``earliest`` is the horizon end.
    """

    earliest: IntArray  # length count + 1
    latest: IntArray  # length count + 1
    next_open: IntArray  # length count + 2


def placement(pieces: Pieces, travel: int, not_before: int, short_work: int | None) -> Placement:
    """The static start table of a job: ``travel`` = the longest member travel (T),
    ``not_before`` = max(opened, hold, now) (c), ``short_work`` = its p50 when it must not
    pause overnight, else None."""
    count = pieces.count
    real_starts = pieces.starts[:count]
    earliest = np.maximum(real_starts + travel, not_before)
    latest = pieces.ends[:count] - 1
    if short_work is not None:
        # position(X) + p50 <= night_free_through, position(X) = before_i + X - a_i.
        latest = np.minimum(
            latest, pieces.night_free_through - pieces.before[:count] + real_starts - short_work
        )
    indices = np.where(earliest <= latest, np.arange(count), count)
    next_open = np.minimum.accumulate(indices[::-1])[::-1] if count else indices
    return Placement(
        earliest=np.append(earliest, pieces.starts[count]).astype(np.int64),
        latest=np.append(latest, -NEVER).astype(np.int64),
        next_open=np.concatenate([next_open, [count, count]]).astype(np.int64),
    )


def starts_in_draws(
    pieces: Pieces, table: Placement, busy_until: IntArray | None, not_before: int, travel: int
) -> tuple[IntArray, IntArray]:
    """(X, piece index) per draw (length 1 when the same in every draw); piece ``count``
    means no piece gives a start (X is then the horizon end). ``busy_until`` is
    Q = max(ready_m + travel_m) per draw, None when no member has worked yet."""
    if busy_until is None:
        static_piece = int(table.next_open[0])
        return (
            np.full(1, table.earliest[static_piece], dtype=np.int64),
            np.full(1, static_piece, dtype=np.int64),
        )
    first: IntArray = pieces.ends.searchsorted(busy_until, side="right")  # first b > Q
    candidate = np.maximum(busy_until, pieces.starts[first] + travel)
    np.maximum(candidate, not_before, out=candidate)
    fits = candidate <= table.latest[first]
    if fits.all():
        return candidate, first
    piece: IntArray = np.where(fits, first, table.next_open[first + 1])
    starts: IntArray = np.where(fits, candidate, table.earliest[piece])
    return starts, piece
