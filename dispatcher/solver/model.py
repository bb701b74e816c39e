"""The CP-SAT model of the daily plan.

Each (ticket, engineer) pair has one optional fixed-size interval per *start
piece*: a range of starts inside one shift whose work crosses the same shift
gaps, so its wall-clock length is constant. A job shorter than
``split_overnight_from`` gets only pieces whose work ends before the next
overnight gap (SPEC "Work"; ``ShiftCalendar.start_pieces``). On-site intervals reserve a travel
buffer before the start (see ``buffers``). The breach risk, a function of the
start, becomes a few threshold literals.

The model comes in two twins:

* ``upper``: travel buffer = the longest trip into the site from anywhere the
  engineer could be, risk rounded *up* to the next level, costs rounded up.
  Every solution is a valid plan, and its model cost is at least its exact cost.
* ``lower``: travel buffer = the shortest such trip, risk rounded *down*, costs
  rounded down. A relaxation: its proven bound is a lower bound on the exact
  objective of every plan.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from dispatcher.semantics.evaluate import (
    Job,
    resolution_risk,
    response_risk,
    sla_cost,
    unassigned_cost,
)
from dispatcher.semantics.problem import EngineerData, Problem, TicketData
from dispatcher.semantics.shifts import pauses_overnight
from dispatcher.solver.buffers import Mode, TravelBuffers
from dispatcher.solver.scopes import WHOLE_DAY, ModelScope

log = logging.getLogger(__name__)

SCALE = 100_000  # model cost units per objective unit
STAY = 1  # model units a rescheduled job pays for leaving its old start (ties only)
RISK_LEVELS = (0.0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.97, 1.0)


@dataclass
class Alternative:
    """One optional interval: ticket on engineer, start in [first, last]."""

    ticket: int
    engineer: int
    first: int
    last: int
    length: int
    buffer: int
    present: cp_model.IntVar
    start: cp_model.IntVar
    steps: list[tuple[int, cp_model.IntVar]] = field(
        default_factory=list
    )  # (threshold, S > threshold)


@dataclass
class Built:
    model: cp_model.CpModel
    alternatives: list[Alternative]
    unassigned: dict[int, cp_model.IntVar]
    constant: int


class ModelBuilder:
    """Builds the CP-SAT model, one method per rule."""

    def __init__(
        self, problem: Problem, mode: Mode = "upper", scope: ModelScope = WHOLE_DAY
    ) -> None:
        self.problem = problem
        self.mode = mode
        self.fixed = scope.fixed
        self.not_before = scope.not_before
        self.candidates = scope.candidates
        self.frozen = scope.frozen
        self.frozen_as_fixed = scope.frozen_as_fixed
        self.buffer_of = scope.buffer_of
        self.previous = scope.previous
        self.keep = scope.keep
        self.model = cp_model.CpModel()
        self.alternatives: list[Alternative] = []
        self.by_ticket: dict[int, list[Alternative]] = defaultdict(list)
        self.unassigned: dict[int, cp_model.IntVar] = {}
        self.cost_terms: list[tuple[int, cp_model.IntVar]] = []
        self.constant = 0
        self.buffers = TravelBuffers(problem, mode, scope, self.engineers_of)

    # -- helpers -------------------------------------------------------------

    def _round(self, value: float) -> int:
        scaled = value * SCALE
        return math.ceil(scaled - 1e-9) if self.mode == "upper" else math.floor(scaled + 1e-9)

    def engineers_of(self, ticket: TicketData) -> list[int]:
        """Engineers the model may give this ticket (all eligible, or the candidates)."""
        if self.candidates is not None and ticket.index in self.candidates:
            return self.candidates[ticket.index]
        return self.problem.eligible[ticket.index]

    def travel_buffer(self, ticket: TicketData, engineer: EngineerData) -> int:
        """Travel reserved before an on-site start: longest (upper) or shortest (lower) way in."""
        return self.buffers.travel_buffer(ticket, engineer)

    def risk_segments(
        self, ticket: TicketData, engineer: EngineerData, first: int, last: int
    ) -> list[tuple[int, int, float]]:
        """Split starts [first, last] where the risk changes level; each segment (lo, hi, cost)
        is priced at its latest start (upper twin) or earliest start (lower twin), exact there.

        The SLA cost only grows with the start, so the upper price is never below the exact
        cost of any start in the segment, and the lower price never above it.
        """

        def bucket(start: int) -> tuple[float, int]:
            risk = resolution_risk(self.problem, ticket, engineer, start)
            return response_risk(ticket, start), next(
                i for i, level in enumerate(RISK_LEVELS) if level >= risk - 1e-12
            )

        segments = []
        low = first
        while low <= last:
            key = bucket(low)
            lo, hi = low, last
            while lo < hi:  # the last start still in this bucket
                mid = (lo + hi + 1) // 2
                if bucket(mid) == key:
                    lo = mid
                else:
                    hi = mid - 1
            priced_at = lo if self.mode == "upper" else low
            segments.append((low, lo, sla_cost(self.problem, ticket, engineer, priced_at)))
            low = lo + 1
        return segments

    # -- building ------------------------------------------------------------

    def build(self) -> Built:
        for ticket in self.problem.tickets:
            self._ticket_alternatives(ticket)
            self._keep_alternative(ticket)
            self._assign_once(ticket)
            self._disruption(ticket)
        self._one_job_at_a_time()
        self._tier_caps()
        self._lateness()
        model = self.model
        model.minimize(sum(coef * var for coef, var in self.cost_terms) + self.constant)
        log.info(
            "model (%s): %d alternatives, %d risk steps",
            self.mode,
            len(self.alternatives),
            sum(len(a.steps) for a in self.alternatives),
        )
        return Built(model, self.alternatives, self.unassigned, self.constant)

    def overnight(self, ticket: TicketData) -> bool:
        """May this ticket's work pause overnight (SPEC "Work")?"""
        return pauses_overnight(ticket.p50, self.problem.split_overnight_from)

    def _ticket_alternatives(self, ticket: TicketData) -> None:
        """One optional interval per engineer and start piece (a short job's pieces end
        before the next overnight gap)."""
        if ticket.index in self.frozen:
            job = self.frozen[ticket.index]
            if job is not None and not self.frozen_as_fixed:
                self._add_alternative(
                    ticket,
                    self.problem.engineers[job.engineer],
                    job.start,
                    job.start,
                    job.end - job.start,
                    0,
                    force=True,
                )
            return
        engineers = self.engineers_of(ticket)
        low = max(ticket.earliest_start, self.not_before.get(ticket.index, ticket.earliest_start))
        high = ticket.latest_start
        for engineer_index in engineers:
            engineer = self.problem.engineers[engineer_index]
            calendar = engineer.calendar
            buffer = (self.buffer_of or self.travel_buffer)(ticket, engineer)
            top = self.problem.horizon_end if high is None else high
            pieces = calendar.start_pieces(low, top, ticket.p50, overnight=self.overnight(ticket))
            for piece in pieces:
                shift = calendar.shift_of_start(piece.first)
                assert shift is not None
                first = max(
                    piece.first,
                    calendar.starts[shift] + buffer,
                    self.not_before.get(ticket.index, -(10**9)) + buffer,
                )
                if first > piece.last:
                    continue
                self._add_alternative(ticket, engineer, first, piece.last, piece.length, buffer)

    def _keep_alternative(self, ticket: TicketData) -> None:
        """Keeping a job where it was needs no fresh departure after now: offer that start."""
        if ticket.index in self.keep and ticket.index not in self.frozen:
            engineer_index, start, travel = self.keep[ticket.index]
            engineer = self.problem.engineers[engineer_index]
            end = engineer.calendar.finish(start, ticket.p50, overnight=self.overnight(ticket))
            if end is not None:
                self._add_alternative(ticket, engineer, start, start, end - start, travel)
            return
        old = self.previous.get(ticket.index)
        if old is None or ticket.index in self.frozen:
            return
        engineer_index, start = old
        if engineer_index not in self.engineers_of(ticket):
            return
        if any(
            a.engineer == engineer_index and a.first <= start <= a.last
            for a in self.by_ticket[ticket.index]
        ):
            return
        engineer = self.problem.engineers[engineer_index]
        calendar = engineer.calendar
        shift = calendar.shift_of_start(start)
        end = (
            calendar.finish(start, ticket.p50, overnight=self.overnight(ticket))
            if shift is not None
            else None
        )
        buffer = (self.buffer_of or self.travel_buffer)(ticket, engineer)
        if shift is None or end is None or start < calendar.starts[shift] + buffer:
            return
        self._add_alternative(ticket, engineer, start, start, end - start, buffer)

    def _disruption(self, ticket: TicketData) -> None:
        """Rescheduling: ``reassign`` unless the old engineer keeps it, plus ``move`` when
        they keep it but its start moves by more than the tolerance."""
        old = self.previous.get(ticket.index)
        if old is None or ticket.index in self.frozen:
            return
        weights = self.problem.weights
        engineer_index, old_start = old
        reassign, move = self._round(weights.reassign), self._round(weights.move)
        tolerance = weights.move_tolerance.minutes
        low, high = old_start - tolerance, old_start + tolerance
        self.constant += reassign
        for alternative in self.by_ticket[ticket.index]:
            if alternative.engineer != engineer_index:
                continue
            self.cost_terms.append((-reassign, alternative.present))
            if alternative.first <= old_start <= alternative.last:
                # Free in the objective, but a job kept to the minute is what a dispatcher
                # expects: the smallest model unit breaks ties towards the old start.
                same = self.model.new_bool_var(f"same[{ticket.id}]")
                self.model.add_implication(same, alternative.present)
                self.model.add(alternative.start == old_start).only_enforce_if(same)
                self.cost_terms.append((STAY, alternative.present))
                self.cost_terms.append((-STAY, same))
            if not move or (low <= alternative.first and alternative.last <= high):
                continue
            self.cost_terms.append((move, alternative.present))
            if alternative.last < low or alternative.first > high:
                continue
            near = self.model.new_bool_var(f"near[{ticket.id}:{alternative.first}]")
            self.model.add_implication(near, alternative.present)
            self.model.add(alternative.start >= low).only_enforce_if(near)
            self.model.add(alternative.start <= high).only_enforce_if(near)
            self.cost_terms.append((-move, near))

    def _add_alternative(
        self,
        ticket: TicketData,
        engineer: EngineerData,
        first: int,
        last: int,
        length: int,
        buffer: int,
        force: bool = False,
    ) -> None:
        model = self.model
        name = f"{ticket.id}@{engineer.id}:{first}"
        present = model.new_bool_var(f"p[{name}]")
        start = model.new_int_var(first, last, f"s[{name}]")
        alternative = Alternative(
            ticket.index, engineer.index, first, last, length, buffer, present, start
        )
        weights = self.problem.weights
        segments = self.risk_segments(ticket, engineer, first, last)
        constant = segments[0][2] + weights.travel_per_hour * buffer / 60
        if ticket.preferred and engineer.index not in ticket.preferred:
            constant += weights.preference
        for (_, threshold, before), (_, _, after) in itertools.pairwise(segments):
            delta = self._round(after - before)
            if delta > 0:
                step = model.new_bool_var(f"late[{ticket.id}@{engineer.id}>{threshold}]")
                model.add(start <= threshold).only_enforce_if(~step)
                self.cost_terms.append((delta, step))
                alternative.steps.append((threshold, step))
        coefficient = self._round(constant)
        if coefficient:
            self.cost_terms.append((coefficient, present))
        self.alternatives.append(alternative)
        self.by_ticket[ticket.index].append(alternative)
        if force:
            model.add(present == 1)

    def _assign_once(self, ticket: TicketData) -> None:
        """Each ticket is assigned once or left unassigned."""
        if self.frozen_as_fixed and ticket.index in self.frozen:
            return
        options = [a.present for a in self.by_ticket[ticket.index]]
        frozen_unassigned = ticket.index in self.frozen and self.frozen[ticket.index] is None
        # In the relaxed twin a must_assign ticket may still go unassigned (its reason, judged
        # with exact travel, may not be `deferred`); booked appointments always hold.
        must = ticket.must_assign if self.mode == "upper" else ticket.fixed_start is not None
        forced = bool(options) and (must or (ticket.index in self.frozen and not frozen_unassigned))
        if forced:
            self.model.add_exactly_one(options)
            return
        skip = self.model.new_bool_var(f"u[{ticket.id}]")
        self.model.add_exactly_one([*options, skip])
        self.unassigned[ticket.index] = skip
        coefficient = self._round(unassigned_cost(self.problem, ticket))
        if coefficient:
            self.cost_terms.append((coefficient, skip))

    def _one_job_at_a_time(self) -> None:
        """An engineer does one job (and its travel) at a time."""
        per_engineer: dict[int, list[cp_model.IntervalVar]] = defaultdict(list)
        for alternative in self.alternatives:
            interval = self.model.new_optional_fixed_size_interval_var(
                alternative.start - alternative.buffer,
                alternative.length + alternative.buffer,
                alternative.present,
                f"job[{alternative.ticket}@{alternative.engineer}:{alternative.first}]",
            )
            per_engineer[alternative.engineer].append(interval)
        for job in self.fixed:
            for member in job.members:  # a crew job occupies every member
                if member not in per_engineer:
                    continue  # nothing of the model runs on that engineer
                per_engineer[member].append(
                    self.model.new_fixed_size_interval_var(
                        job.start, job.end - job.start, f"fixed[{job.ticket}@{member}]"
                    )
                )
        for intervals in per_engineer.values():
            if len(intervals) > 1:
                self.model.add_no_overlap(intervals)

    def _tier_caps(self) -> None:
        """At most ``cap`` jobs of a capped tier run at any minute."""
        tickets = self.problem.tickets
        for tier, cap in sorted(self.problem.tier_caps.items()):
            intervals = [
                self.model.new_optional_fixed_size_interval_var(
                    a.start, a.length, a.present, f"tier[{a.ticket}:{a.first}@{a.engineer}]"
                )
                for a in self.alternatives
                if tickets[a.ticket].tier == tier
            ]
            intervals += [
                self.model.new_fixed_size_interval_var(
                    j.start, j.end - j.start, f"tierfixed[{j.ticket}]"
                )
                for j in self.fixed
                if tickets[j.ticket].tier == tier
            ]
            if len(intervals) > cap:
                self.model.add_cumulative(intervals, [1] * len(intervals), cap)

    def _lateness(self) -> None:
        """Minutes past resolution_due, priced per hour (linear in the end)."""
        weights = self.problem.weights
        for ticket_index, alternatives in sorted(self.by_ticket.items()):
            ticket = self.problem.tickets[ticket_index]
            per_minute = ticket.weight * weights.late_per_hour / 60
            if per_minute <= 0:
                continue
            late_ones = [a for a in alternatives if a.last + a.length > ticket.resolution_due]
            if not late_ones:
                continue
            if self.mode == "lower":
                # Rounded down per minute, the relaxation stays below the exact lateness.
                coefficient = math.floor(per_minute * SCALE + 1e-9)
            else:
                coefficient = math.ceil(per_minute * SCALE - 1e-9)
            if coefficient <= 0:
                continue
            most = max(a.last + a.length for a in late_ones) - ticket.resolution_due
            late = self.model.new_int_var(0, most, f"late[{ticket.id}]")
            for alternative in late_ones:
                self.model.add(
                    late >= alternative.start + alternative.length - ticket.resolution_due
                ).only_enforce_if(alternative.present)
            self.cost_terms.append((coefficient, late))


def hint_model(built: Built, jobs: list[Job]) -> None:
    """Hint every variable from a plan that satisfies the model."""
    by_ticket = {job.ticket: job for job in jobs}
    fitting: dict[int, Alternative] = {}  # per ticket, the narrowest alternative holding its job
    for alternative in built.alternatives:
        job = by_ticket.get(alternative.ticket)
        if (
            job is not None
            and job.engineer == alternative.engineer
            and alternative.first <= job.start <= alternative.last
            and job.end - job.start == alternative.length
        ):
            known = fitting.get(job.ticket)
            key = (alternative.last - alternative.first, alternative.buffer)
            if known is None or key < (known.last - known.first, known.buffer):
                fitting[job.ticket] = alternative
    for alternative in built.alternatives:
        job = by_ticket.get(alternative.ticket)
        chosen = fitting.get(alternative.ticket) is alternative
        built.model.add_hint(alternative.present, chosen)
        if chosen and job is not None:
            built.model.add_hint(alternative.start, job.start)
            for threshold, step in alternative.steps:
                built.model.add_hint(step, job.start > threshold)
        else:
            built.model.add_hint(alternative.start, alternative.first)
            for _, step in alternative.steps:
                built.model.add_hint(step, False)
    for ticket, skip in built.unassigned.items():
        built.model.add_hint(skip, ticket not in by_ticket)
