"""Work that goes on after the horizon, on the ticket's SLA clock.

SPEC "Execution and breach risk": work the shifts up to horizon.end cannot hold, and the
work of a job that cannot start (or of an unassigned ticket), goes on after horizon.end on
the ticket's SLA clock; it ends at the instant the remaining minutes have passed on that
clock. On ``24x7`` that is horizon.end + remaining; on a business calendar the open
intervals after the horizon are found once (through the clock's own ``due``) and the ends
of many draws are then read off their cumulative minutes with ``searchsorted``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from dispatcher.semantics.clock import Clock

IntArray = NDArray[np.int64]

LONGEST_PROBE = 7 * 24 * 60  # an open interval is probed at most a week at a time


class AfterHorizon:
    """Ends of work resumed at ``horizon_end`` on one SLA clock."""

    def __init__(self, clock: Clock, horizon_end: int) -> None:
        self.clock = clock
        self.horizon_end = horizon_end
        self.elapsed = type(clock) is Clock  # 24x7: every minute counts
        self._opens: list[int] = []  # open intervals after the horizon, in order
        self._through: list[int] = []  # clock minutes up to the end of each interval
        self._cursor = horizon_end  # the instant up to which intervals are known
        self._through_array: IntArray = np.zeros(0, dtype=np.int64)
        self._offsets: IntArray = np.zeros(0, dtype=np.int64)  # open instant - minutes before

    def ends(self, minutes: IntArray) -> IntArray:
        """The instant at which ``minutes`` (each >= 1) clock minutes have passed since the
        horizon end, per element."""
        if self.elapsed:
            elapsed_ends: IntArray = self.horizon_end + minutes
            return elapsed_ends
        needed = int(minutes.max())
        if not self._through or self._through[-1] < needed:
            self._extend(needed)
            self._through_array = np.asarray(self._through, dtype=np.int64)
            self._offsets = np.asarray(self._opens, dtype=np.int64) - np.asarray(
                [0, *self._through[:-1]], dtype=np.int64
            )
        index = self._through_array.searchsorted(minutes, side="left")
        business_ends: IntArray = self._offsets[index] + minutes
        return business_ends

    def _extend(self, needed: int) -> None:
        """Find open intervals until they hold ``needed`` clock minutes."""
        due = self.clock.due
        while not self._through or self._through[-1] < needed:
            opens = due(self._cursor, 1) - 1  # the first open minute at or after the cursor
            length = self._open_run(opens)
            self._opens.append(opens)
            self._through.append((self._through[-1] if self._through else 0) + length)
            self._cursor = opens + length

    def _open_run(self, opens: int) -> int:
        """How many minutes from ``opens`` on are all open (at most a week): the largest k
        with due(opens, k) == opens + k, by doubling and then bisection."""
        due = self.clock.due
        good, bad = 1, 2
        while bad <= LONGEST_PROBE and due(opens, bad) == opens + bad:
            good, bad = bad, bad * 2
        if bad > LONGEST_PROBE:
            if due(opens, LONGEST_PROBE) == opens + LONGEST_PROBE:
                return LONGEST_PROBE
            bad = LONGEST_PROBE
        while bad - good > 1:
            middle = (good + bad) // 2
            if due(opens, middle) == opens + middle:
                good = middle
            else:
                bad = middle
        return good
