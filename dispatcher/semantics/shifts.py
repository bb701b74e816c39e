"""Shift arithmetic: work that runs inside shifts and pauses outside them.

All values are whole minutes since the horizon start.

SPEC "Work": a job whose p50 is shorter than ``policy.split_overnight_from`` does not
pause overnight: no gap of ``OVERNIGHT_GAP`` minutes or more between two consecutive
shifts of its engineer lies inside [S, F]; it may pause for a shorter gap (lunch). Every
planning path asks this module where such a job may start (``latest_start``,
``start_pieces``) and where it ends (``finish``), so they all agree.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

OVERNIGHT_GAP = 180  # minutes: a gap this long between two shifts is a night, not lunch


def pauses_overnight(work: int, split_overnight_from: int) -> bool:
    """May work of ``work`` shift minutes (a job's p50) pause overnight? Only when it is
    not shorter than ``policy.split_overnight_from`` (SPEC "Work")."""
    return work >= split_overnight_from


def night_free_through(intervals: Sequence[tuple[int, int]], through: Sequence[int]) -> list[int]:
    """Per interval i (sorted, disjoint), the shift minutes up to the end of the last
    interval reachable from i without crossing an overnight gap (``through`` holds the
    shift minutes up to the end of each interval). Work begun in interval i at shift
    position p that must not pause overnight fits iff p + work <= this."""
    count = len(intervals)
    result = [0] * count
    for index in range(count - 1, -1, -1):
        joins_next = (
            index + 1 < count and intervals[index + 1][0] - intervals[index][1] < OVERNIGHT_GAP
        )
        result[index] = result[index + 1] if joins_next else through[index]
    return result


@dataclass(frozen=True)
class StartPiece:
    """Starts in [first, last] all finish ``length`` wall minutes later (same gaps crossed)."""

    first: int
    last: int
    length: int


class ShiftCalendar:
    """An engineer's shifts, sorted and disjoint, with fast shift-minute counting."""

    def __init__(self, shifts: tuple[tuple[int, int], ...]) -> None:
        self.shifts = tuple(sorted(shifts))
        self.starts = [start for start, _ in self.shifts]
        self.ends = [end for _, end in self.shifts]
        self.before: list[int] = []  # shift minutes before shift i
        self.through: list[int] = []  # shift minutes up to the end of shift i
        total = 0
        for start, end in self.shifts:
            self.before.append(total)
            total += end - start
            self.through.append(total)
        self.total = total
        self.night_free_through = night_free_through(self.shifts, self.through)

    def shift_of_start(self, instant: int) -> int | None:
        """Index of the shift with start <= instant < end, if any."""
        index = bisect_right(self.starts, instant) - 1
        if index >= 0 and instant < self.ends[index]:
            return index
        return None

    def shift_of_end(self, instant: int) -> int | None:
        """Index of the shift with start < instant <= end, if any."""
        index = bisect_left(self.starts, instant) - 1
        if index >= 0 and instant <= self.ends[index]:
            return index
        return None

    def position(self, instant: int) -> int:
        """Shift minutes before ``instant``."""
        index = bisect_right(self.starts, instant) - 1
        if index < 0:
            return 0
        return self.before[index] + min(
            instant - self.starts[index], self.ends[index] - self.starts[index]
        )

    def minutes_between(self, start: int, end: int) -> int:
        """Shift minutes inside [start, end] (0 when end <= start)."""
        if end <= start:
            return 0
        return self.position(end) - self.position(start)

    def latest_start(self, index: int, work: int, *, overnight: bool = True) -> int:
        """The last start in shift ``index`` from which ``work`` shift minutes end by the
        last shift's end and, unless ``overnight``, before the next overnight gap (SPEC
        "Work"); below the shift start when there is none."""
        limit = self.total if overnight else self.night_free_through[index]
        offset = self.before[index] - self.starts[index]  # position(S) = S + offset in it
        return min(self.ends[index] - 1, limit - offset - work)

    def finish(self, start: int, work: int, *, overnight: bool = True) -> int | None:
        """End of ``work`` shift minutes begun at ``start`` (in a shift), or None past the
        last shift or, unless ``overnight``, past the next overnight gap (SPEC "Work": a
        short job does not pause overnight)."""
        target = self.position(start) + work
        if target > self.total:
            return None
        if not overnight:
            index = self.shift_of_start(start)
            if index is None or target > self.night_free_through[index]:
                return None
        index = bisect_left(self.through, target)
        return self.starts[index] + (target - self.before[index])

    def start_pieces(
        self, first: int, last: int, work: int, *, overnight: bool = True
    ) -> list[StartPiece]:
        """Split allowed starts [first, last] into pieces of constant wall length.

        Only starts inside a shift whose work ends by the last shift's end are kept and,
        unless ``overnight``, only those whose work ends before the next overnight gap.
        """
        pieces: list[StartPiece] = []
        for index, (shift_start, _) in enumerate(self.shifts):
            low = max(first, shift_start)
            high = min(last, self.latest_start(index, work, overnight=overnight))
            if low > high:
                continue
            offset = self.before[index] - shift_start  # position(S) = S + offset inside shift
            for end_index in range(index, len(self.shifts)):
                # Starts whose work ends in shift end_index:
                # through[end_index-1] < S + offset + work <= through[end_index]
                lower = (
                    (self.through[end_index - 1] if end_index > index else -(10**12))
                    - offset
                    - work
                    + 1
                )
                upper = self.through[end_index] - offset - work
                piece_low, piece_high = max(low, lower), min(high, upper)
                if piece_low <= piece_high:
                    length = (
                        self.starts[end_index]
                        - self.before[end_index]
                        + self.before[index]
                        - shift_start
                        + work
                    )
                    pieces.append(StartPiece(piece_low, piece_high, length))
                if upper >= high:
                    break
        return pieces
