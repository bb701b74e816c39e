"""What the command line names in a reschedule: instants (``--now``, the ends of an
absence, an overrun's end) and the engineers and tickets of the events, each read against
the scenario with one clear error naming the option."""

from __future__ import annotations

import datetime as dt

from dispatcher.errors import InputError
from dispatcher.io.history import PlanClock
from dispatcher.semantics.problem import Problem
from dispatcher.semantics.timeconv import minutes_since, to_utc
from dispatcher.solver.reschedule.events import COMMAND_LINE


class CommandLineClock(PlanClock):
    """Instants of the command line and of plan files <-> minutes since the horizon start."""

    def option(self, value: dt.datetime | str, option: str, clip: bool = False) -> int:
        """Minutes of an instant given on the command line; outside the horizon it is an
        error, or (``clip``: the ends of a period) moved to the horizon's edge."""
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                raise InputError.single(
                    COMMAND_LINE, f"'{value}' is not an ISO 8601 datetime", path=option
                ) from None
        try:
            minute = minutes_since(self.problem.origin, to_utc(value, self.problem.tz))
        except ValueError as exc:
            raise InputError.single(COMMAND_LINE, str(exc), path=option) from None
        if clip:
            return min(max(minute, 0), self.problem.horizon_end)
        if not 0 <= minute <= self.problem.horizon_end:
            raise InputError.single(
                COMMAND_LINE,
                f"{value.isoformat()} lies outside the horizon "
                f"({self.text(0)} to {self.text(self.problem.horizon_end)})",
                path=option,
            )
        return minute


def engineer_named(problem: Problem, name: str, option: str) -> int:
    """An engineer id named on the command line."""
    if name not in problem.engineer_index:
        raise InputError.single(
            COMMAND_LINE, f"unknown engineer '{name}' (not in the scenario)", path=option
        )
    return problem.engineer_index[name]


def ticket_named(problem: Problem, name: str, option: str) -> int:
    """A ticket id named on the command line."""
    if name not in problem.ticket_index:
        raise InputError.single(
            COMMAND_LINE, f"unknown ticket '{name}' (not in the plan)", path=option
        )
    return problem.ticket_index[name]


__all__ = ["CommandLineClock", "engineer_named", "ticket_named"]
