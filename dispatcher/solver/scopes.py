"""What a CP-SAT model or a neighbourhood search may touch, and what bounds a search.

``ModelScope`` narrows the model of the whole day (rescheduling, one neighbourhood);
``SearchScope`` says what the neighbourhood search may change and how it judges a plan;
``SearchBudget`` says when it stops. The defaults are the plain daily plan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from dispatcher.semantics.evaluate import Job
from dispatcher.semantics.problem import EngineerData, TicketData
from dispatcher.solver.clock import CPSAT_SECONDS_PER_DETERMINISTIC, WALL, Clock

# Minutes of travel reserved before an on-site ticket's start on an engineer.
BufferRule = Callable[[TicketData, EngineerData], int]


@dataclass(frozen=True)
class ModelScope:
    """What the model leaves out or holds fixed; the defaults model the whole day freely."""

    # Jobs that are there whatever the model does (rescheduling: running and past work).
    fixed: Sequence[Job] = ()
    # Ticket -> the earliest minute it may start (rescheduling: now).
    not_before: Mapping[int, int] = field(default_factory=dict)
    # Ticket -> the engineers the model may give it; None: every eligible engineer.
    candidates: Mapping[int, list[int]] | None = None
    # Ticket -> its job (or None: unassigned), not free to change.
    frozen: Mapping[int, Job | None] = field(default_factory=dict)
    # Frozen jobs already given in ``fixed``: no variables of their own (neighbourhood search).
    frozen_as_fixed: bool = False
    # A shared buffer rule keeps every neighbourhood model consistent with the last plan;
    # None: the model's own (the longest or shortest way in).
    buffer_of: BufferRule | None = None
    # Rescheduling: ticket -> (engineer, start) in the old plan; moving it costs disruption.
    previous: Mapping[int, tuple[int, int]] = field(default_factory=dict)
    # Neighbourhood search: ticket -> (engineer, start, travel) of the current plan, offered
    # as is with its real travel, so that the current plan satisfies the model.
    keep: Mapping[int, tuple[int, int, int]] = field(default_factory=dict)


# The plain daily plan: nothing fixed, every eligible engineer, the model's own buffers.
WHOLE_DAY = ModelScope()


@dataclass(frozen=True)
class SearchScope:
    """What the neighbourhood search may change, and the tests a plan it keeps must pass."""

    # Tickets that keep their job (running work, appointments) or stay out of the plan
    # (completed work).
    locked: AbstractSet[int] = frozenset()
    # Ticket -> the earliest minute it may start (rescheduling: now).
    not_before: Mapping[int, int] = field(default_factory=dict)
    # Rescheduling: jobs that only occupy time (completed work, cut parts).
    background: Sequence[Job] = ()
    # Rescheduling: ticket -> (engineer, start) in the old plan, whose changes cost disruption.
    previous: Mapping[int, tuple[int, int]] = field(default_factory=dict)
    # The travel buffer of the model the plan came from; None: each neighbourhood's own.
    buffer_of: BufferRule | None = None
    # Engineers around whom the event happened: half the neighbourhoods start there ...
    focus: Sequence[int] = ()
    # ... or all of them, and stay among them.
    focus_only: bool = False
    # A test every accepted plan must pass (the feasibility check).
    valid: Callable[[list[Job]], bool] | None = None
    # Prices a few engineers' jobs plus the given tickets left out (see
    # ``evaluate.partial_total``): a neighbourhood is then evaluated in full only when its
    # share gains (daily plans; rescheduling's disruption is not in it).
    partial: Callable[[list[Job], set[int]], float] | None = None
    # Re-sequences the days of the given engineers in a whole plan against the exact
    # objective (``reorder.polish_days``), after each sub-solve and before pricing: the
    # model chooses who does what, the exact execution the order (daily plans).
    polish: Callable[[list[Job], list[int]], list[Job]] | None = None


@dataclass(frozen=True)
class SearchBudget:
    """When the neighbourhood search stops."""

    deadline: float  # an instant of ``clock``: the search's end, always
    workers: int  # CP-SAT workers per sub-solve
    # Neighbourhoods in a row that improve nothing before stopping; None: no such limit.
    patience: int | None = None
    # What ``deadline`` is read from, charged with each neighbourhood's work: the wall
    # clock, or (one worker: a daily plan, a re-plan) the deterministic work clock.
    clock: Clock = WALL
    # Work-clock seconds charged per deterministic second of a sub-solve (``clock``).
    seconds_per_deterministic: float = CPSAT_SECONDS_PER_DETERMINISTIC


__all__ = ["WHOLE_DAY", "BufferRule", "ModelScope", "SearchBudget", "SearchScope"]
