"""The SPEC's execution of a plan ("Execution and breach risk"), written from its words.

In draw j the engineers carry out the plan: jobs are taken in order of their planned
start S (ties by ticket id). For each member of a job, ``ready`` is the end of that
member's previous job in this draw (or the start of time). The job starts at X, found by
going through its shift pieces [a, b) in time order (maximal intervals of the engineer's
shift time; of a crew's joint shift time): in each,
``X = max(max(ready_m, a) + travel_m over members m, opened, hold, now)`` and the first
piece with X < b gives the start; a job whose p50 is shorter than
``policy.split_overnight_from`` needs the first such piece from whose X its p50 minutes
would end by the horizon end without pausing over an overnight gap (3 h or more between
two pieces). It then takes D_j minutes of its shift time; what the shifts cannot hold
goes on after the horizon end on the ticket's SLA clock. A job no piece can start starts
at the horizon end with all of D_j on the SLA clock (and so, since their ready is then
past every piece, does each later job of its members).

Rescheduled plans: completed work keeps its recorded start and end; a running job keeps
S and ends at the later of its drawn end and now (or its overrun end); a cut job's
remainder is an ordinary job with a fixed response risk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal, Protocol

from dispatcher.checker.draws import EffortDraws

OVERNIGHT = 180  # minutes: a gap between two consecutive pieces this long is overnight
START_OF_TIME = -(10**12)  # ``ready`` of a member before their first job

Piece = tuple[int, int]


class DueClock(Protocol):
    """An SLA clock, as far as the execution reads it."""

    def due(self, start: int, minutes: int) -> int:
        """The first instant at which ``minutes`` clock minutes have passed since ``start``."""
        ...


@dataclass(frozen=True)
class ExecTicket:
    """What the execution needs of a ticket (effort less any work done before a cut)."""

    id: str
    p50: int
    p90: int
    opened: int
    response_due: int
    resolution_due: int
    responded: bool
    clock: DueClock


@dataclass(frozen=True)
class ExecJob:
    """One job of the plan. ``kind``: "planned" (X found per draw), "running" (X = S, ends
    no earlier than ``end_floor``), or "done" (completed work: S to ``end_floor``)."""

    ticket: ExecTicket
    members: tuple[str, ...]  # lead first
    start: int  # planned S (the recorded start of completed work)
    pieces: tuple[Piece, ...]  # the job's shift pieces in time order, ending by horizon.end
    travel: tuple[int, ...] = ()  # planned travel per member (same order)
    held: bool = False  # window, fixed_start or capped tier: never brought forward
    kind: Literal["planned", "running", "done"] = "planned"
    end_floor: int = 0
    response_risk: float | None = None  # a cut job's remainder: fixed by the SPEC


@dataclass(frozen=True)
class Outcome:
    """A ticket's risks over the draws, with its start (None: unassigned) and end per draw."""

    response_risk: float
    resolution_risk: float
    lateness_minutes: float
    starts: tuple[int, ...] | None
    ends: tuple[int, ...]


@dataclass(frozen=True)
class Setting:
    """What every job of one execution shares."""

    draws: EffortDraws
    horizon_end: int
    split_overnight_from: int
    now: int | None = None  # a rescheduled plan's now: no planned job starts before it


# --------------------------------------------------------------------------- pieces


def merged(intervals: Iterable[Piece]) -> list[Piece]:
    """Maximal intervals of the union of [start, end) intervals, in time order."""
    result: list[Piece] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def joint_pieces(shifts_of_members: Sequence[Iterable[Piece]]) -> tuple[Piece, ...]:
    """The crew's joint shift time (minutes in which every member is in a shift), as
    maximal intervals in time order; one member's pieces are their merged shifts."""
    if not shifts_of_members:
        return ()
    joint = merged(shifts_of_members[0])
    for shifts in shifts_of_members[1:]:
        other = merged(shifts)
        overlap = [
            (max(a, c), min(b, d)) for a, b in joint for c, d in other if max(a, c) < min(b, d)
        ]
        joint = merged(overlap)
    return tuple(joint)


def work_through(pieces: Sequence[Piece], start: int, minutes: int) -> tuple[int, int]:
    """``minutes`` of shift time worked from ``start``, pausing between pieces:
    (the instant the last minute worked inside the pieces ends, the minutes left over)."""
    left, at = minutes, start
    for a, b in pieces:
        if b <= start:
            continue
        begin = max(a, start)
        if b - begin >= left:
            return begin + left, 0
        left -= b - begin
        at = b
    return at, left


def pauses_overnight(pieces: Sequence[Piece], start: int, end: int) -> bool:
    """Whether work over [start, end] pauses over a gap of 3 h or more between two
    consecutive pieces (a gap counts only when it lies strictly inside the work)."""
    return any(a - b >= OVERNIGHT and start < b and a < end for (_, b), (a, _) in pairwise(pieces))


# --------------------------------------------------------------------------- one job


def start_of(job: ExecJob, readies: Sequence[int], setting: Setting) -> int | None:
    """X of a planned job whose members are ready at ``readies``; None: no piece starts it."""
    floor = max(job.ticket.opened, job.start if job.held else START_OF_TIME)
    if setting.now is not None:
        floor = max(floor, setting.now)
    short = job.ticket.p50 < setting.split_overnight_from
    for a, b in job.pieces:
        x = max(floor, *(max(r, a) + t for r, t in zip(readies, job.travel, strict=True)))
        if x >= b:
            continue
        if short:
            end, left = work_through(job.pieces, x, job.ticket.p50)
            if left > 0 or end > setting.horizon_end or pauses_overnight(job.pieces, x, end):
                continue
        return x
    return None


def end_of(job: ExecJob, start: int, effort: int, horizon_end: int) -> int:
    """F: D minutes of the job's shift time from X; the rest after the horizon end on the
    ticket's SLA clock."""
    end, left = work_through(job.pieces, start, effort)  # pieces end by the horizon end
    return end if left == 0 else job.ticket.clock.due(horizon_end, left)


def _outcome(
    ticket: ExecTicket,
    late_responses: Sequence[bool],
    ends: Sequence[int],
    starts: tuple[int, ...] | None,
    response_risk: float | None = None,
) -> Outcome:
    """Shares of the draws: response late, F > resolution_due; mean lateness minutes."""
    n = len(ends)
    due = ticket.resolution_due
    if response_risk is None:
        response_risk = 0.0 if ticket.responded else sum(late_responses) / n
    return Outcome(
        response_risk=response_risk,
        resolution_risk=sum(1 for end in ends if end > due) / n,
        lateness_minutes=sum(max(0, end - due) for end in ends) / n,
        starts=starts,
        ends=tuple(ends),
    )


# --------------------------------------------------------------------------- the plan


def unassigned(ticket: ExecTicket, setting: Setting, response_risk: float | None = None) -> Outcome:
    """An unassigned ticket: work from the horizon end, all of D_j on its SLA clock; its
    response is late iff response_due <= horizon end (and it was not responded), unless
    ``response_risk`` fixes it (a cut job's remainder)."""
    efforts = setting.draws.efforts(ticket.id, ticket.p50, ticket.p90)
    ends = [ticket.clock.due(setting.horizon_end, effort) for effort in efforts]
    late = ticket.response_due <= setting.horizon_end
    return _outcome(ticket, [late] * len(ends), ends, None, response_risk)


def execute(jobs: Sequence[ExecJob], setting: Setting) -> dict[str, Outcome]:
    """Carry the plan out in every draw; the outcome of each non-completed job's ticket."""
    n = setting.draws.n
    ready: dict[str, list[int]] = {}
    outcomes: dict[str, Outcome] = {}
    for job in sorted(jobs, key=lambda job: (job.start, job.ticket.id)):
        for member in job.members:
            ready.setdefault(member, [START_OF_TIME] * n)
        if job.kind == "done":
            if job.end_floor > job.start:  # a future job marked done at now did no work
                for member in job.members:
                    ready[member] = [job.end_floor] * n
            continue
        starts, ends = _carry_out(job, [ready[m] for m in job.members], setting)
        for member in job.members:
            ready[member] = ends
        due, horizon_end = job.ticket.response_due, setting.horizon_end
        late = [
            due <= horizon_end if start is None else start > due for start in starts
        ]  # a job never started breaches as an unassigned ticket does
        started = tuple(horizon_end if start is None else start for start in starts)
        outcomes[job.ticket.id] = _outcome(job.ticket, late, ends, started, job.response_risk)
    return outcomes


def _carry_out(
    job: ExecJob, readies: Sequence[Sequence[int]], setting: Setting
) -> tuple[list[int | None], list[int]]:
    """X (None: no piece starts it) and F of one job in every draw."""
    ticket, horizon_end = job.ticket, setting.horizon_end
    efforts = setting.draws.efforts(ticket.id, ticket.p50, ticket.p90)
    starts: list[int | None] = []
    ends: list[int] = []
    start_cache: dict[tuple[int, ...], int | None] = {}
    end_cache: dict[tuple[int, int], int] = {}
    for j, effort in enumerate(efforts):
        if job.kind == "running":
            start: int | None = job.start
        else:
            key = tuple(member_ready[j] for member_ready in readies)
            if key not in start_cache:
                start_cache[key] = start_of(job, key, setting)
            start = start_cache[key]
        if start is None:
            end = ticket.clock.due(horizon_end, effort)
        else:
            if (start, effort) not in end_cache:
                end_cache[start, effort] = end_of(job, start, effort, horizon_end)
            end = end_cache[start, effort]
            if job.kind == "running":
                end = max(end, job.end_floor)
        starts.append(start)
        ends.append(end)
    return starts, ends
