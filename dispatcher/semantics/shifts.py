"""Shift arithmetic: work that runs inside shifts and pauses outside them.

All values are whole minutes since the horizon start.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass


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

    def finish(self, start: int, work: int) -> int | None:
        """End of ``work`` shift minutes begun at ``start`` (in a shift), or None past the
        last shift."""
        target = self.position(start) + work
        if target > self.total:
            return None
        index = bisect_left(self.through, target)
        return self.starts[index] + (target - self.before[index])

    def start_pieces(self, first: int, last: int, work: int) -> list[StartPiece]:
        """Split allowed starts [first, last] into pieces of constant wall length.

        Only starts inside a shift whose work ends by the last shift's end are kept.
        """
        pieces: list[StartPiece] = []
        for index, (shift_start, shift_end) in enumerate(self.shifts):
            low, high = max(first, shift_start), min(last, shift_end - 1)
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
