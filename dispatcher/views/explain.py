"""Why a ticket is where the plan put it, in plain words (``dispatch explain``).

Everything said is computed, not guessed: the risks are the plan's, split into
what the ticket's own effort causes (its job alone at its planned start) and
what the jobs before it on its engineer's day add (the rest, SPEC v2: a late job
delays the later ones); "free from" is the earliest start the scheduling rules
allow around the plan's other jobs (``construct.find_slot``); a what-if carries
the plan out with the job moved there, all other jobs staying where they are.
"""

from __future__ import annotations

import dataclasses
from bisect import insort
from dataclasses import dataclass

from dispatcher.errors import InputError
from dispatcher.io.history import replace_problem
from dispatcher.semantics.evaluate import Job, available_minutes, outcome_in
from dispatcher.semantics.pieces import joint_intervals
from dispatcher.semantics.problem import EngineerData, Problem, TicketData
from dispatcher.semantics.shifts import ShiftCalendar
from dispatcher.solver.construct import Schedule, find_slot
from dispatcher.views.planview import AT_RISK, JobView, OpenTicket, PlanView, day_part
from models import Plan

NOTICEABLE = 0.05  # a risk change smaller than this is not worth a sentence
MAX_LISTED = 3  # blocking jobs named per engineer


@dataclass(frozen=True)
class Explanation:
    """The explanation of one ticket, section by section."""

    ticket: str
    headline: str
    work: str
    placement: str
    deadlines: str
    risk: str
    engineers: dict[str, str]  # engineer id -> why this engineer, or why not
    what_ifs: list[str]

    def lines(self) -> list[str]:
        lines = [self.headline, self.work, self.placement, self.deadlines, self.risk]
        if self.engineers:
            lines.append("engineers:")
            lines += [f"  {engineer}: {why}" for engineer, why in self.engineers.items()]
        if self.what_ifs:
            lines.append("what would lower its risk:")
            lines += [f"  - {what_if}" for what_if in self.what_ifs]
        return lines


@dataclass(frozen=True)
class _Slot:
    engineer: EngineerData
    start: int
    risk: float


def explain(problem: Problem, plan: Plan, ticket_id: str) -> Explanation:
    """Why ``ticket_id`` is where ``plan`` put it; InputError if no such ticket."""
    view = PlanView(problem, plan)
    if ticket_id not in view.problem.ticket_index:
        raise InputError.single(
            problem.source,
            f"unknown ticket '{ticket_id}': neither the scenario nor the plan has it",
        )
    ticket = view.ticket(ticket_id)
    if view.job_of(ticket) is None and view.open_ticket(ticket) is None:
        raise InputError.single("plan", f"the plan does not list ticket '{ticket_id}'")
    return _Explainer(view, ticket).explanation()


class _Explainer:
    def __init__(self, view: PlanView, ticket: TicketData) -> None:
        self.view = view
        self.problem = view.problem
        self.ticket = ticket
        self.job = view.job_of(ticket)
        self.open = view.open_ticket(ticket)
        placed: JobView | OpenTicket | None = self.job or self.open
        self.response_now = placed.response_risk if placed else 0.0
        self.current_risk = placed.risk if placed else 0.0
        self.others = self._schedule([j for j in view.jobs if j.ticket.index != ticket.index])
        self.empty = self._schedule([])
        self.other_jobs = [
            Job(j.ticket.index, j.engineer.index, j.start, j.end)
            for j in view.jobs
            if not j.completed and j.ticket.index != ticket.index
        ]
        self.completed = [
            Job(j.ticket.index, j.engineer.index, j.start, j.end) for j in view.jobs if j.completed
        ]
        now = view.now
        self.running = {
            job.ticket: now for job in self.other_jobs if now is not None and job.start < now
        }

    def _schedule(self, jobs: list[JobView]) -> Schedule:
        """A schedule of these jobs, with room for one extra engineer at the end."""
        schedule = Schedule(self.problem)
        schedule.by_engineer.append([])
        if self.view.now is not None:  # a re-planned job starts at or after the reschedule
            schedule.not_before[self.ticket.index] = self.view.now
        for job in jobs:
            schedule.add(Job(job.ticket.index, job.engineer.index, job.start, job.end))
            for seat in job.partners:  # a crew job holds its other members too (once per cap)
                held = Job(job.ticket.index, seat.engineer.index, job.start, job.end)
                insort(schedule.by_engineer[seat.engineer.index], held, key=lambda j: j.start)
        return schedule

    def explanation(self) -> Explanation:
        done = self.job is not None and self.job.completed
        return Explanation(
            ticket=self.ticket.id,
            headline=self._headline(),
            work=self._work(),
            placement=self._placement(),
            deadlines=self._deadlines(),
            risk=self._risk(),
            engineers={} if done else self._engineers(),
            what_ifs=[] if done else self._what_ifs(),
        )

    # --- what the ticket is -------------------------------------------------------------

    def _headline(self) -> str:
        ticket, view = self.ticket, self.view
        return (
            f"{ticket.id} {view.client_name(ticket)}, {ticket.tier} {ticket.priority} "
            f"(weight {ticket.weight:g}): {view.summary(ticket)}"
        )

    def _work(self) -> str:
        ticket = self.ticket
        where = f"on site at {self.view.site_label(ticket)}" if ticket.onsite else "remote work"
        effort = f"effort {_minutes(ticket.p50)}" + (
            f" (p90 {_minutes(ticket.p90)})" if ticket.p90 > ticket.p50 else ""
        )
        needs = ", ".join(f"{skill}>={level}" for skill, level in sorted(ticket.skills.items()))
        return f"work: {where}; {effort}" + (f"; needs {needs}" if needs else "")

    def _placement(self) -> str:
        job, view = self.job, self.view
        if job is None:
            assert self.open is not None  # every ticket of a plan is somewhere
            return f"unassigned ({self.open.reason}): {self.open.detail}"
        who = f"{job.engineer.id} ({job.engineer.name})"
        when = view.period(job.start, job.end)
        if job.completed:
            return f"completed by {who}, {when}: it adds nothing to this plan"
        travel = f", after {job.travel} min travel" if job.ticket.onsite else ""
        if not job.crew:
            return f"assigned to {who}, {when}{travel}"
        others = ", ".join(
            f"{seat.engineer.id} ({seat.engineer.name}"
            + (f", {seat.travel} min travel)" if job.ticket.onsite else ")")
            for seat in job.partners
        )
        return (
            f"assigned to a crew of {len(job.crew)}: {who} leads it{travel}, with {others}; "
            f"{when}: they all start and end together, and the work runs in their joint shift "
            "time (the minutes in which every member is in a shift), pausing outside it"
        )

    def _deadlines(self) -> str:
        ticket, view = self.ticket, self.view
        client = next(c for c in view.problem.scenario.clients if c.id == ticket.client)
        policy = view.problem.scenario.sla_policies[client.sla]
        clock = "round the clock (24x7)" if policy.clock == "24x7" else f"{policy.clock} hours"
        model = view.ticket_models[ticket.id]
        response = f"response due {view.clock(ticket.response_due)}" + (
            " (set on the ticket)" if model.response_due else ""
        )
        if ticket.responded:
            response += ", already responded"
        resolution = f"resolution due {view.clock(ticket.resolution_due)}" + (
            " (set on the ticket)" if model.resolution_due else ""
        )
        return (
            f"SLA {client.sla}, counted {clock}: opened {view.clock(ticket.opened)}; "
            f"{response}; {resolution}"
        )

    def _risk(self) -> str:
        job, ticket = self.job, self.ticket
        if job is not None and job.completed:
            return "risk: none counted, the work is done"
        flag = " (at risk)" if self.current_risk > AT_RISK else ""
        if job is None:
            assert self.open is not None
            return f"risk{flag}: " + self._open_risk()
        response = (
            "already responded"
            if ticket.responded
            else "due before anyone could start it"
            if job.response_risk >= 1.0 and ticket.response_due < self._first_possible_start()
            else "starts after its response due in every run"
            if job.response_risk >= 1.0
            else "starts after its response due in some runs"
            if job.response_risk
            else "starts before its response due"
        )
        window = available_minutes(self.problem, ticket, self._worker(job), job.start)
        shift = "joint shift" if job.crew else "shift"
        late = ""
        if job.end > ticket.resolution_due:
            late = f"; it finishes {_minutes(job.end - ticket.resolution_due)} after its due time"
        return (
            f"risk{flag}: response {job.response_risk:.2f} ({response}), resolution "
            f"{job.resolution_risk:.2f}; {self._risk_sources(job)} (its effort, median "
            f"{_minutes(ticket.p50)}, has {_minutes(window)} of {shift} time before its due "
            f"time when it starts as planned){late}"
        )

    def _open_risk(self) -> str:
        """An unassigned ticket's risks in words: its work is left for after the horizon,
        done on its SLA clock (SPEC v2)."""
        assert self.open is not None
        ticket, open_ = self.ticket, self.open
        if ticket.responded:
            response = "already responded"
        elif open_.response_risk:
            response = "its response is due inside the horizon"
        else:
            response = "its response is due after the horizon"
        if open_.resolution_risk >= 1.0:
            resolution = "its resolution is due before its work could be done"
        elif open_.resolution_risk:
            resolution = (
                "its work, done after the horizon on its SLA clock, ends after its due time "
                f"in {open_.resolution_risk:.0%} of runs"
            )
        else:
            resolution = "its work, done after the horizon, still ends in time"
        return (
            f"response {open_.response_risk:.2f} ({response}), resolution "
            f"{open_.resolution_risk:.2f} ({resolution}); left for after the horizon"
        )

    def _first_possible_start(self) -> int:
        """The earliest the ticket could start on any engineer on an empty day."""
        starts = [
            slot[0]
            for engineer_index in self.problem.eligible[self.ticket.index]
            if (
                slot := find_slot(
                    self.empty, self.ticket, self.problem.engineers[engineer_index], gaps=True
                )
            )
        ]
        return min(starts, default=self.problem.horizon_end)

    def _risk_sources(self, job: JobView) -> str:
        """'0.31: 0.09 from its own effort, 0.22 from the 2 jobs before it on dan's day'."""
        now = self.view.now
        if now is not None and job.start < now:
            return f"{job.risk:.2f}, running since {self.view.clock(job.start)}"
        executor = self.problem.executor(now)
        members = tuple(member.index for member in job.members)
        alone = executor.alone(self.ticket.index, members, job.start)
        own = alone.response_risk + alone.resolution_risk
        before = [
            other
            for other in self.view.jobs
            if any(member.index in members for member in other.members)
            and not other.completed
            and other.start < job.start
            and other.ticket.index != self.ticket.index
            and self.view.local(other.start).date() == self.view.local(job.start).date()
        ]
        rest = job.risk - own
        text = f"{job.risk:.2f}: {own:.2f} from the job itself (its effort and due times)"
        if abs(rest) < 0.005:
            return text
        where = f"on {job.engineer.id}'s day"
        if job.crew:
            names = [member.id for member in job.members]
            where = f"on {', '.join(names[:-1])} and {names[-1]}'s days"
        jobs = f"the {len(before)} job{'s' if len(before) != 1 else ''} before it {where}"
        if not before:
            jobs = f"the jobs of earlier days {where}"
        if rest > 0:
            return f"{text}, {rest:.2f} from {jobs}"
        return f"{text}, {-rest:.2f} less as it starts early when {jobs} finish early"

    # --- the engineers --------------------------------------------------------------------

    def _engineers(self) -> dict[str, str]:
        return {e.id: self._engineer_reason(e) for e in self.problem.engineers}

    def _engineer_reason(self, engineer: EngineerData) -> str:
        lacks = self._lacks(engineer)
        if lacks:
            return lacks
        first = self._slot(self.empty, engineer)
        if first is None:
            return f"eligible, but has no shift where it can start {self._where_it_must_start()}"
        free = self._slot(self.others, engineer)
        if self.job is not None and self.job.crew:
            crew = self._crew_reason(engineer)
            if crew:
                return crew
        chosen = self.job is not None and self.job.engineer.index == engineer.index
        if chosen:
            assert self.job is not None
            return "chosen" + self._chosen_slack(engineer, first.start, free)
        if free is None:
            return "eligible, but no free time is left before the horizon ends" + self._busy_with(
                engineer, first.start, self.problem.horizon_end
            )
        return (
            f"eligible; free from {self.view.clock(free.start)} (its risk there {free.risk:.2f})"
            + self._waiting(engineer, first.start, free.start)
        )

    def _crew_reason(self, engineer: EngineerData) -> str:
        """A member of the crew job: on it, and with whom; '' for anyone else."""
        assert self.job is not None
        if engineer.index not in {member.index for member in self.job.members}:
            return ""
        job = self.job.seen_by(next(s for s in self.job.crew if s.engineer.index == engineer.index))
        role = "leads the crew" if engineer.index == job.lead.index else "on the crew"
        return f"chosen: {role}, with {self.view.crew_names(job.partners, job.lead)}"

    def _worker(self, job: JobView) -> EngineerData:
        """The job's engineer; for a crew job, one whose shifts are the crew's joint shift
        time (the time its work runs in)."""
        if not job.crew:
            return job.engineer
        shift_lists = [list(member.calendar.shifts) for member in job.members]
        joint = joint_intervals(shift_lists, self.problem.horizon_end)
        return dataclasses.replace(job.engineer, calendar=ShiftCalendar(tuple(joint)))

    def _lacks(self, engineer: EngineerData) -> str:
        ticket = self.ticket
        if ticket.assigned_to is not None and ticket.assigned_to != engineer.index:
            return f"the ticket is assigned to {self.problem.engineers[ticket.assigned_to].id}"
        missing = [
            f"{skill}>={level} (has {engineer.skills.get(skill, 0)})"
            for skill, level in sorted(ticket.skills.items())
            if engineer.skills.get(skill, 0) < level
        ]
        reasons = [f"lacks {', '.join(missing)}"] if missing else []
        if ticket.onsite and not engineer.onsite:
            reasons.append("works remotely only; this is an on-site visit")
        return "; ".join(reasons)

    def _where_it_must_start(self) -> str:
        ticket, view = self.ticket, self.view
        if ticket.fixed_start is not None:
            return f"at its booked time {view.clock(ticket.fixed_start)} and finish it"
        if ticket.window is not None:
            low, high = ticket.window
            return f"in its window {view.clock(low)}-{view.clock(high)} and finish it"
        return "and finish it before the horizon ends"

    def _chosen_slack(self, engineer: EngineerData, first: int, free: _Slot | None) -> str:
        """Why the chosen engineer starts it when the plan says, not earlier."""
        assert self.job is not None
        start = self.job.start if free is None else min(free.start, self.job.start)
        text = self._waiting(engineer, first, start)
        if free is not None and free.start < self.job.start:
            text += (
                f"; it could start as early as {self.view.clock(free.start)} (its risk there "
                f"{free.risk:.2f}): the plan leaves that time free"
            )
        return text

    def _waiting(self, engineer: EngineerData, first: int, start: int) -> str:
        """Why the job starts at ``start`` rather than ``first``, its earliest on an empty day."""
        if start <= first:
            return ""
        return (
            f"; on an empty day it could start {self.view.clock(first)}, but until "
            f"{self.view.clock(start)}" + self._busy_with(engineer, first, start)
        )

    def _busy_with(self, engineer: EngineerData, start: int, end: int) -> str:
        """The jobs that hold ``engineer`` in [start, end): its own, and a capped tier's."""
        overlapping = [
            job
            for job in self.view.jobs
            if job.ticket.index != self.ticket.index and job.start < end and start < job.end
        ]
        own = [
            job for job in overlapping if engineer.index in {member.index for member in job.members}
        ]
        reasons = [f"busy with {self._weighed(own)}"] if own else []
        cap = self.problem.tier_caps.get(self.ticket.tier)
        capped = [
            job
            for job in overlapping
            if job.ticket.tier == self.ticket.tier and job.engineer.index != engineer.index
        ]
        if cap is not None and len(capped) >= cap:
            reasons.append(
                f"the {self.ticket.tier} cap ({cap} at a time) is taken by "
                + self._weighed(capped, with_engineer=True)
            )
        if not reasons:
            drive = " and the drive" if self.ticket.onsite else ""
            reasons.append(f"no earlier gap between its jobs fits the work{drive}")
        return ": " + "; ".join(reasons)

    def _weighed(self, jobs: list[JobView], *, with_engineer: bool = False) -> str:
        """'weightier T-1101 (weight 40, Mon 08:05-09:35), ...', weightiest first."""
        jobs = sorted(jobs, key=lambda j: (-j.ticket.weight, j.start))
        named = []
        for job in jobs[:MAX_LISTED]:
            weight = job.ticket.weight
            rank = (
                "weightier"
                if weight > self.ticket.weight
                else "as weighty"
                if weight == self.ticket.weight
                else "lighter"
            )
            who = f"{job.engineer.id}, " if with_engineer else ""
            named.append(
                f"{rank} {job.ticket.id} (weight {weight:g}, {who}"
                f"{self.view.period(job.start, job.end)}{', done' if job.completed else ''})"
            )
        more = len(jobs) - MAX_LISTED
        return ", ".join(named) + (f" and {more} more" if more > 0 else "")

    def _slot(self, schedule: Schedule, engineer: EngineerData) -> _Slot | None:
        """Earliest start on ``engineer`` around ``schedule``'s jobs, and the risk there."""
        slot = find_slot(schedule, self.ticket, engineer, gaps=True)
        if slot is None:
            return None
        start, end, _ = slot
        return _Slot(engineer, start, self._risk_at(engineer, start, end))

    def _risk_at(self, engineer: EngineerData, start: int, end: int) -> float:
        """The ticket's risk when its job is on ``engineer`` at ``start``, the plan's other
        jobs staying where they are, carried out against the draws (an engineer not in the
        scenario, the 'one more engineer' what-if, joins a copy of it)."""
        problem = self.problem
        if engineer.index >= len(problem.engineers):
            problem = replace_problem(problem, engineers=[*problem.engineers, engineer])
        jobs = [*self.other_jobs, Job(self.ticket.index, engineer.index, start, end)]
        outcome = outcome_in(
            problem,
            jobs,
            self.ticket.index,
            completed=self.completed,
            now=self.view.now,
            running=self.running,
        )
        return outcome.response_risk + outcome.resolution_risk

    # --- what would help ------------------------------------------------------------------

    def _what_ifs(self) -> list[str]:
        if self.current_risk < NOTICEABLE:
            return []
        job, now = self.job, self.view.now
        if job is not None and now is not None and job.start < now:
            return [f"none by re-planning: it has been running since {self.view.clock(job.start)}"]
        if job is not None and job.crew:
            # Moving a crew job means finding joint time for every member: not priced here.
            found = [idea for idea in [self._respond()] if idea]
            return found or [
                f"nothing simple: a crew job moves only where all {len(job.crew)} members "
                "are free together; re-plan to look for such a time"
            ]
        ideas = [self._respond(), self._move(), self._extra_engineer()]
        found = [idea for idea in ideas if idea]
        return found or [
            "nothing simple: no engineer, not even an extra one, could start it with a lower risk"
        ]

    def _fewer(self, risk: float) -> str:
        return f"{self.current_risk - risk:.2f} fewer expected {self.ticket.tier} breaches"

    def _respond(self) -> str:
        if not self.response_now:
            return ""
        due = self.ticket.response_due
        if due < (self.view.now or 0):  # missed before the plan starts (its horizon or its now)
            return (
                f"its response was due {self.view.clock(due)}, before this plan starts: no "
                "schedule meets that; recording the response given (responded) clears its "
                f"response risk of {self.response_now:.2f}"
            )
        return (
            f"a first response (call the client back, mark it responded) before "
            f"{self.view.clock(due)} removes its response risk: "
            f"{self.response_now:.2f} fewer expected {self.ticket.tier} breaches"
        )

    def _move(self) -> str:
        """The best free start on an eligible engineer (its own included), if clearly better."""
        slots = []
        for index in self.problem.eligible[self.ticket.index]:
            slot = self._slot(self.others, self.problem.engineers[index])
            if slot is not None:
                slots.append(slot)
        best = min(slots, key=lambda s: (s.risk, s.start), default=None)
        if best is None or best.risk > self.current_risk - NOTICEABLE:
            return ""
        who = best.engineer.id
        same = self.job is not None and self.job.engineer.index == best.engineer.index
        move = "starting it then" if same else f"giving it to {who} then"
        return (
            f"{who} is free from {self.view.clock(best.start)}: {move} lowers its risk from "
            f"{self.current_risk:.2f} to {best.risk:.2f}, {self._fewer(best.risk)}, "
            "the other jobs staying as they are"
        )

    def _extra_engineer(self) -> str:
        """One more engineer with the ticket's skills, on the shifts of the closest match."""
        ticket = self.ticket
        if ticket.assigned_to is not None:
            return ""
        candidates = [
            engineer for engineer in self.problem.engineers if engineer.onsite or not ticket.onsite
        ]
        slots = []
        for engineer in candidates:
            extra = dataclasses.replace(
                engineer,
                index=len(self.problem.engineers),
                skills={**engineer.skills, **ticket.skills},
            )
            slot = self._slot(self.others, extra)
            if slot is not None:
                slots.append((slot, self._deficit(engineer), engineer))
        if not slots:
            return ""
        slot, _, like = min(slots, key=lambda s: (s[0].risk, s[0].start, s[1]))
        if slot.risk > self.current_risk - NOTICEABLE:
            return ""
        skills = ", ".join(f"{skill}>={level}" for skill, level in sorted(ticket.skills.items()))
        who = f"one more {'on-site ' if ticket.onsite else ''}engineer" + (
            f" with {skills}" if skills else ""
        )
        pattern = f"shifts {'and home ' if ticket.onsite else ''}like {like.id}'s"
        return (
            f"{who} on {day_part(self.view.local(slot.start))} ({pattern}) could start it "
            f"{self.view.clock(slot.start)}: its risk falls from {self.current_risk:.2f} to "
            f"{slot.risk:.2f}, {self._fewer(slot.risk)}"
        )

    def _deficit(self, engineer: EngineerData) -> int:
        """Skill levels the engineer is short of this ticket's needs (closest match first)."""
        return sum(
            max(0, level - engineer.skills.get(skill, 0))
            for skill, level in self.ticket.skills.items()
        )


def _minutes(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"
