"""A plan carried out against the fixed effort draws (SPEC v2 "Execution and breach risk").

In draw j the engineers work through the plan's jobs in order of planned start (ties by
ticket id). A job starts at X, the first moment its pieces of shift time allow after its
members are ready and have travelled (never before it was opened, nor before a held
start, nor before now in a reschedule), takes D_j of its shift minutes and ends at F_j;
work the shifts cannot hold goes on after the horizon on the ticket's SLA clock. A job
that no piece can start starts at the horizon end with all its work on the SLA clock, and
then so does every later job of its members. Every array here has one element per draw:
the N draws are carried out at once.

Engineers' days are independent except through crew jobs, so ``Executor.run`` can carry
out only the jobs of some engineers (closed over the crews they share), which is what a
local search move needs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dispatcher.semantics.after_horizon import AfterHorizon
from dispatcher.semantics.clock import Clock
from dispatcher.semantics.draws import Draws
from dispatcher.semantics.pieces import (
    Pieces,
    Placement,
    joint_intervals,
    placement,
    starts_in_draws,
)
from dispatcher.semantics.problem import Problem, TicketData

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

SPLIT_OVERNIGHT_FROM = 240  # policy.split_overnight_from's default, in minutes


@dataclass(frozen=True)
class PlannedJob:
    """A job of the plan: its ticket, its members (lead first), its planned start S, each
    member's planned travel minutes (same order), and whether S is held (never brought
    forward). ``response_risk`` overrides the response risk (a cut job's remainder: 0 when
    the cut work started by response_due, else 1)."""

    ticket: int
    engineers: tuple[int, ...]
    start: int
    travel: tuple[int, ...]
    held: bool
    response_risk: float | None = None

    def __post_init__(self) -> None:
        if not self.engineers or len(self.travel) != len(self.engineers):
            raise ValueError(
                f"job of ticket {self.ticket}: one travel time per member is needed "
                f"(engineers {self.engineers}, travel {self.travel})"
            )


@dataclass(frozen=True)
class RunningJob:
    """A job running at ``now`` in a reschedule: it keeps its start and ends at the later of
    its drawn end and ``ends_no_earlier_than`` (now, or an overrun's end)."""

    ticket: int
    engineers: tuple[int, ...]
    start: int
    ends_no_earlier_than: int


@dataclass(frozen=True)
class FixedJob:
    """A completed job: its recorded start and end in every draw. It only sets its
    members' ``ready``; completed tickets have no risk."""

    ticket: int
    engineers: tuple[int, ...]
    start: int
    end: int


AnyJob = PlannedJob | RunningJob | FixedJob


@dataclass(frozen=True)
class TicketOutcome:
    """A ticket's risks over the draws, with its end F_j in each draw, whether its response
    is late in each draw, and, for an executed job, its start X_j. An unassigned ticket has
    no starts (its work would begin at the horizon end); its ends are those of that work on
    its SLA clock. The arrays are shared with the executor: read them, do not write to
    them."""

    response_risk: float
    resolution_risk: float
    lateness_minutes: float
    ends: IntArray
    response_late: BoolArray
    starts: IntArray | None = None


@dataclass(frozen=True)
class Execution:
    """Outcomes by ticket index, and the engineers whose jobs were carried out.

    A full run has every non-completed ticket of the problem (unassigned ones included);
    a run restricted to some engineers has only the tickets of their jobs."""

    outcomes: dict[int, TicketOutcome]
    engineers: frozenset[int]


def is_held(problem: Problem, ticket: TicketData) -> bool:
    """SPEC: the planned start is held when the ticket has a window or a fixed_start or its
    tier is capped (a promised or capacity-held start is never brought forward)."""
    return (
        ticket.window is not None
        or ticket.fixed_start is not None
        or ticket.tier in problem.tier_caps
    )


def planned_job(
    problem: Problem, ticket: int, engineers: Sequence[int], start: int, travel: Sequence[int]
) -> PlannedJob:
    """A ``PlannedJob`` whose hold follows the SPEC's rule (``is_held``)."""
    return PlannedJob(
        ticket, tuple(engineers), start, tuple(travel), is_held(problem, problem.tickets[ticket])
    )


def crew_closure(engineers: Iterable[int], jobs: Iterable[AnyJob]) -> frozenset[int]:
    """The given engineers and everyone linked to them through shared (crew) jobs: the
    smallest set whose jobs can be carried out without the others'."""
    return frozenset(linked_through(engineers, (job.engineers for job in jobs)))


def linked_through(engineers: Iterable[int], crews: Iterable[Sequence[int]]) -> set[int]:
    """The given engineers and everyone linked to them, over and over, through the groups
    of engineers in ``crews`` (each job's members)."""
    linked: dict[int, set[int]] = {}
    for members in crews:
        if len(members) > 1:
            for member in members:
                linked.setdefault(member, set()).update(members)
    closure = set(engineers)
    frontier = list(closure)
    while frontier:
        for other in linked.get(frontier.pop(), ()):
            if other not in closure:
                closure.add(other)
                frontier.append(other)
    return closure


class Executor:
    """Carries plans of one problem out against ``draws`` (N = ``draws.n``).

    Built once per problem (and reschedule instant ``now``); it caches each engineer set's
    shift pieces, each job's start table, each clock's hours after the horizon and each
    unassigned ticket's outcome, so evaluating many plans costs only the numpy work.
    """

    def __init__(
        self,
        problem: Problem,
        draws: Draws,
        *,
        split_overnight_from: int = SPLIT_OVERNIGHT_FROM,
        now: int | None = None,
    ) -> None:
        self.problem = problem
        self.draws = draws
        self.split_overnight_from = split_overnight_from
        self.now = now
        self._pieces: dict[tuple[int, ...], Pieces] = {}
        self._placements: dict[tuple[tuple[int, ...], int, int, int | None], Placement] = {}
        self._after: dict[Clock, AfterHorizon] = {}
        self._unassigned: dict[int, TicketOutcome] = {}
        self._horizon_ends = np.full(draws.n, problem.horizon_end, dtype=np.int64)
        self._horizon_ends.flags.writeable = False

    # -- public entry points -------------------------------------------------------------

    def run(
        self,
        jobs: Sequence[PlannedJob],
        *,
        running: Sequence[RunningJob] = (),
        fixed: Sequence[FixedJob] = (),
        engineers: Collection[int] | None = None,
    ) -> Execution:
        """Carry out the plan.

        Without ``engineers`` every job is carried out and every ticket in no job (nor
        completed) is added as unassigned. With ``engineers`` (a local search move's
        days), only the jobs of those engineers and of everyone sharing a crew job with
        them (``crew_closure``, reported as ``Execution.engineers``) are carried out, and
        only their tickets are in the result: their outcomes equal a full run's, since
        other days cannot touch them. ``jobs`` may then be the whole plan or any part of it
        that holds every job of those engineers; a ticket the move left out is priced by
        ``unassigned``."""
        everything: list[AnyJob] = [*jobs, *running, *fixed]
        if engineers is None:
            chosen, members = everything, frozenset(range(len(self.problem.engineers)))
        else:
            members = crew_closure(engineers, everything)
            chosen = [job for job in everything if job.engineers[0] in members]
        outcomes = self._carry_out(chosen)
        if engineers is None:
            placed = {job.ticket for job in everything}
            for ticket in self.problem.tickets:
                if ticket.index not in placed:
                    outcomes[ticket.index] = self.unassigned(ticket.index)
        return Execution(outcomes, members)

    def unassigned(self, ticket_index: int) -> TicketOutcome:
        """An unassigned ticket: its work starts at the horizon end, all of D_j on its SLA
        clock; response risk 1 iff response_due <= horizon end and not responded."""
        cached = self._unassigned.get(ticket_index)
        if cached is None:
            ticket = self.problem.tickets[ticket_index]
            ends = self._after_horizon(ticket).ends(self._efforts(ticket))
            ends.flags.writeable = False  # cached, and shared as later jobs' ready
            late = not ticket.responded and ticket.response_due <= self.problem.horizon_end
            cached = _outcome(ticket, self._every_draw(late), ends)
            self._unassigned[ticket_index] = cached
        return cached

    def alone(
        self, ticket_index: int, engineers: tuple[int, ...], not_before: int, travel: int = 0
    ) -> TicketOutcome:
        """The ticket's outcome if its job, on these members, started in every draw at the
        first instant X = max(a + ``travel``, ``not_before``) of their shift pieces [a, b)
        with X < b, with nothing before it; all its work after the horizon if no piece is
        left.

        No execution of any plan gives the job an earlier start on these members when
        ``not_before`` is no later than its opened, held and now floors and ``travel`` no
        more than its planned travel (X >= max(ready, a) + travel in every piece), and
        every end, risk and lateness only grows with the start: so this outcome costs no
        more than the job in any plan (the bound's per-ticket term)."""
        start = self.first_start(engineers, not_before, travel)
        if start is None:
            return self.unassigned(ticket_index)
        return self.alone_at(ticket_index, engineers, start)

    def first_start(
        self, engineers: tuple[int, ...], not_before: int, travel: int = 0
    ) -> int | None:
        """The first X = max(a + ``travel``, ``not_before``) of these members' shift pieces
        [a, b) with X < b (``alone``'s start); None if no piece is left."""
        pieces = self._pieces_of(engineers)
        index = int(np.searchsorted(pieces.ends[: pieces.count], not_before, side="right"))
        while index < pieces.count:
            start = max(int(pieces.starts[index]) + travel, not_before)
            if start < int(pieces.ends[index]):
                return start
            index += 1
        return None

    def alone_at(self, ticket_index: int, engineers: tuple[int, ...], start: int) -> TicketOutcome:
        """The ticket's outcome if its job, on these members, started at ``start`` (an
        instant of their shift time) in every draw, with nothing before it."""
        ticket = self.problem.tickets[ticket_index]
        pieces = self._pieces_of(engineers)
        position = np.full(1, pieces.position(start), dtype=np.int64)
        ends = self._work_ends(ticket, pieces, position)
        starts = np.full(self.draws.n, start, dtype=np.int64)
        return _outcome(ticket, self._response_late(ticket, starts, None), ends, starts)

    # -- the walk through the jobs -------------------------------------------------------

    def carry_on(
        self, jobs: Sequence[AnyJob], ready: dict[int, IntArray]
    ) -> tuple[dict[int, TicketOutcome], dict[int, IntArray]]:
        """Carry out ``jobs`` after earlier ones that left their members ready as ``ready``
        says (per engineer, per draw; a member not in it has done nothing yet): the jobs'
        outcomes and the members' ready after them. Running ``run``'s jobs in two parts,
        the first part's ready handed on, gives the same outcomes as running them at
        once (the search prices a reordered day from the first job it changes)."""
        after = dict(ready)
        return self._carry_out(jobs, after), after

    def _carry_out(
        self, jobs: Sequence[AnyJob], ready: dict[int, IntArray] | None = None
    ) -> dict[int, TicketOutcome]:
        tickets = self.problem.tickets
        # per engineer: end of their previous job, per draw
        ready = {} if ready is None else ready
        outcomes: dict[int, TicketOutcome] = {}
        for job in sorted(jobs, key=lambda job: (job.start, tickets[job.ticket].id)):
            if isinstance(job, FixedJob):
                if job.end <= job.start:
                    continue  # a future job marked done at now did no work
                ends = np.full(self.draws.n, job.end, dtype=np.int64)
            else:
                if isinstance(job, RunningJob):
                    outcome, ends = self._running(job)
                else:
                    outcome, ends = self._planned(job, ready)
                outcomes[job.ticket] = outcome
            for member in job.engineers:
                ready[member] = ends
        return outcomes

    def _planned(
        self, job: PlannedJob, ready: dict[int, IntArray]
    ) -> tuple[TicketOutcome, IntArray]:
        """Carry out one planned job in every draw, its members ready as ``ready`` says:
        its outcome and its end per draw."""
        ticket = self.problem.tickets[job.ticket]
        pieces = self._pieces_of(job.engineers)
        busy_until: IntArray | None = None  # Q = max(ready_m + travel_m) per draw
        for member, travel in zip(job.engineers, job.travel, strict=True):
            member_ready = ready.get(member)
            if member_ready is not None:
                arrival = member_ready + travel
                busy_until = arrival if busy_until is None else np.maximum(busy_until, arrival)
        if busy_until is not None and int(busy_until.min()) >= pieces.last_end:
            return self._never_started(job)  # in every draw, busy past the last piece
        not_before = ticket.opened
        if job.held:
            not_before = max(not_before, job.start)
        if self.now is not None:
            not_before = max(not_before, self.now)
        longest_travel = max(job.travel)
        table = self._placement(job.engineers, pieces, longest_travel, not_before, ticket.p50)
        starts, piece = starts_in_draws(pieces, table, busy_until, not_before, longest_travel)
        ends = self._work_ends(ticket, pieces, starts - pieces.offsets[piece])
        if len(starts) == 1:
            starts = np.full(self.draws.n, starts[0], dtype=np.int64)
        if job.response_risk is not None:
            response = self._every_draw(job.response_risk >= 1.0)
        else:
            response = self._response_late(ticket, starts, piece == pieces.count)
        return _outcome(ticket, response, ends, starts), ends

    def _never_started(self, job: PlannedJob) -> tuple[TicketOutcome, IntArray]:
        """A job no piece can start in any draw: it starts at the horizon end with all of
        D_j on its SLA clock, exactly as if it were unassigned."""
        left_out = self.unassigned(job.ticket)
        outcome = dataclasses.replace(left_out, starts=self._horizon_ends)
        if job.response_risk is not None:
            late = self._every_draw(job.response_risk >= 1.0)
            outcome = dataclasses.replace(outcome, response_risk=_share(late), response_late=late)
        return outcome, left_out.ends

    def _running(self, job: RunningJob) -> tuple[TicketOutcome, IntArray]:
        """A running job keeps its start; it ends at the later of its drawn end and its
        floor (now, or its overrun's end)."""
        ticket = self.problem.tickets[job.ticket]
        pieces = self._pieces_of(job.engineers)
        position = np.full(1, pieces.position(job.start), dtype=np.int64)
        ends = np.maximum(self._work_ends(ticket, pieces, position), job.ends_no_earlier_than)
        starts = np.full(self.draws.n, job.start, dtype=np.int64)
        return _outcome(ticket, self._response_late(ticket, starts, None), ends, starts), ends

    def _work_ends(self, ticket: TicketData, pieces: Pieces, positions: IntArray) -> IntArray:
        """F per draw: D_j shift minutes from shift position ``positions``; the minutes past
        the last piece go on after the horizon on the ticket's SLA clock."""
        targets = positions + self._efforts(ticket)
        piece = pieces.through.searchsorted(targets, side="left")
        # In the sentinel piece (past the last one) this is horizon_end + the minutes left:
        # the 24x7 answer; a business clock's is put in below.
        ends: IntArray = targets + pieces.offsets[piece]
        after = self._after_horizon(ticket)
        if not after.elapsed:
            spilled = piece == pieces.count
            if spilled.any():
                ends[spilled] = after.ends(targets[spilled] - pieces.total)
        return ends

    def _response_late(
        self, ticket: TicketData, starts: IntArray, never_started: BoolArray | None
    ) -> BoolArray:
        """Per draw, X > response_due (never when responded). A draw in which the job
        could not start breaches iff response_due <= horizon end, as an unassigned ticket
        does (its X is the horizon end, so only response_due == horizon end needs care)."""
        if ticket.responded:
            return self._every_draw(False)
        late: BoolArray = starts > ticket.response_due
        if never_started is not None and ticket.response_due == self.problem.horizon_end:
            late |= never_started
        return late

    def _every_draw(self, late: bool) -> BoolArray:
        return np.full(self.draws.n, late, dtype=np.bool_)

    # -- caches --------------------------------------------------------------------------

    def _efforts(self, ticket: TicketData) -> IntArray:
        return self.draws.efforts(ticket.id, ticket.p50, ticket.p90)

    def _pieces_of(self, engineers: tuple[int, ...]) -> Pieces:
        cached = self._pieces.get(engineers)
        if cached is None:
            shift_lists = [self.problem.engineers[index].calendar.shifts for index in engineers]
            intervals = joint_intervals(shift_lists, self.problem.horizon_end)
            cached = Pieces.of(intervals, self.problem.horizon_end)
            self._pieces[engineers] = cached
        return cached

    def _placement(
        self,
        engineers: tuple[int, ...],
        pieces: Pieces,
        travel: int,
        not_before: int,
        p50: int,
    ) -> Placement:
        short_work = p50 if p50 < self.split_overnight_from else None
        key = (engineers, travel, not_before, short_work)
        cached = self._placements.get(key)
        if cached is None:
            cached = placement(pieces, travel, not_before, short_work)
            self._placements[key] = cached
        return cached

    def _after_horizon(self, ticket: TicketData) -> AfterHorizon:
        clock: Clock = ticket.clock
        cached = self._after.get(clock)
        if cached is None:
            cached = AfterHorizon(clock, self.problem.horizon_end)
            self._after[clock] = cached
        return cached


def _share(draws: BoolArray) -> float:
    return float(np.count_nonzero(draws)) / len(draws)


def _outcome(
    ticket: TicketData,
    response_late: BoolArray,
    ends: IntArray,
    starts: IntArray | None = None,
) -> TicketOutcome:
    """Response risk (share of draws with ``response_late``), resolution risk (share of
    F_j > resolution_due) and lateness (mean of max(0, F_j - resolution_due))."""
    overdue = ends - ticket.resolution_due
    late = overdue > 0
    late_draws = int(np.count_nonzero(late))
    lateness = float(overdue.sum(where=late)) / len(ends) if late_draws else 0.0
    return TicketOutcome(
        response_risk=_share(response_late),
        resolution_risk=late_draws / len(ends),
        lateness_minutes=lateness,
        ends=ends,
        response_late=response_late,
        starts=starts,
    )


def execute(
    problem: Problem,
    jobs: Sequence[PlannedJob],
    draws: Draws,
    *,
    split_overnight_from: int = SPLIT_OVERNIGHT_FROM,
    now: int | None = None,
    running: Sequence[RunningJob] = (),
    fixed: Sequence[FixedJob] = (),
) -> Execution:
    """Carry out a whole plan once (an ``Executor`` for one-off use)."""
    executor = Executor(problem, draws, split_overnight_from=split_overnight_from, now=now)
    return executor.run(jobs, running=running, fixed=fixed)
