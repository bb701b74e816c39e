"""A plan read against its scenario, for people: jobs per engineer, local times, risks.

Shared by the terminal report, the explanations and the exports, so that they
all show the same numbers: risks, travel and due times come from the plan
file as written; only what the plan does not carry (who the client is, the
shifts, an unassigned ticket's risk) is looked up in the scenario.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from dispatcher.errors import InputError
from dispatcher.io.history import problem_of_plan
from dispatcher.semantics.evaluate import Job, unassigned_risks
from dispatcher.semantics.pieces import joint_intervals
from dispatcher.semantics.problem import EngineerData, Problem, TicketData
from dispatcher.semantics.timeconv import minutes_since, to_utc
from dispatcher.views.timefmt import clock_time, dated_time, weekday_time
from models import Plan, Ticket, Unassigned

AT_RISK = 0.2  # response + resolution risk above this is shown as "at risk"


@dataclass(frozen=True)
class CrewSeat:
    """A member of a crew job, with their own travel to it."""

    engineer: EngineerData
    travel: int


@dataclass(frozen=True)
class JobView:
    """One job of the plan: an assignment, or a completed job of a rescheduled plan.

    A crew job (SPEC "Crews") is seen from each member's side: ``engineer`` and
    ``travel`` are that member's, ``crew`` holds every member, the lead first; a solo
    job's ``crew`` is empty.
    """

    ticket: TicketData
    engineer: EngineerData
    start: int  # minutes since the horizon start
    end: int
    travel: int
    response_risk: float
    resolution_risk: float
    completed: bool
    crew: tuple[CrewSeat, ...] = ()

    @property
    def risk(self) -> float:
        return self.response_risk + self.resolution_risk

    @property
    def at_risk(self) -> bool:
        return self.risk > AT_RISK

    @property
    def lead(self) -> EngineerData:
        """The engineer the plan gives the job to (a crew job's lead)."""
        return self.crew[0].engineer if self.crew else self.engineer

    @property
    def partners(self) -> tuple[CrewSeat, ...]:
        """The other members of a crew job, lead first (none for a solo job)."""
        return tuple(seat for seat in self.crew if seat.engineer.index != self.engineer.index)

    @property
    def members(self) -> tuple[EngineerData, ...]:
        """Everyone on the job, the lead first."""
        return tuple(seat.engineer for seat in self.crew) or (self.engineer,)

    def seen_by(self, seat: CrewSeat) -> JobView:
        """The same job from a crew member's side: their lane, their travel."""
        return dataclasses.replace(self, engineer=seat.engineer, travel=seat.travel)


@dataclass(frozen=True)
class OpenTicket:
    """An unassigned ticket with its reason and the risk it carries unassigned."""

    ticket: TicketData
    reason: str
    detail: str
    response_risk: float
    resolution_risk: float

    @property
    def risk(self) -> float:
        return self.response_risk + self.resolution_risk


class PlanView:
    """Lookups over one plan of one scenario.

    A rescheduled plan is read as the rescheduler made it: with the tickets it
    added, without the shift time its events took away, and with the parts of
    cut jobs, worked before the cut, shown as completed work.
    """

    def __init__(self, problem: Problem, plan: Plan) -> None:
        self.plan = plan
        self.problem, cut_parts = plan_problem(problem, plan)
        self.ticket_models: dict[str, Ticket] = {t.id: t for t in self.problem.scenario.tickets}
        self.jobs = [*self._assigned_jobs(), *self._completed_jobs()]
        self.jobs += [self._done(job.ticket, job.engineer, job.start, job.end) for job in cut_parts]
        # A crew job is in ``jobs`` once, from its lead's side, and here once per other
        # member: every member's day holds it.
        self.member_jobs = [job.seen_by(seat) for job in self.jobs for seat in job.partners]
        self.unassigned = [self._open_ticket(item) for item in plan.unassigned]

    def _assigned_jobs(self) -> list[JobView]:
        jobs = []
        for a in self.plan.assignments:
            lead = self.engineer(a.engineer)
            crew: tuple[CrewSeat, ...] = ()
            if a.crew:
                others = [CrewSeat(self.engineer(m.engineer), m.travel_minutes) for m in a.crew]
                crew = (CrewSeat(lead, a.travel_minutes), *others)
            jobs.append(
                JobView(
                    self.ticket(a.ticket),
                    lead,
                    self.minute(a.start),
                    self.minute(a.end),
                    a.travel_minutes,
                    a.response_risk,
                    a.resolution_risk,
                    completed=False,
                    crew=crew,
                )
            )
        return jobs

    def _open_ticket(self, item: Unassigned) -> OpenTicket:
        ticket = self.ticket(item.ticket)
        response, resolution = unassigned_risks(self.problem, ticket)
        return OpenTicket(ticket, item.reason, item.detail, response, resolution)

    def _completed_jobs(self) -> list[JobView]:
        return [
            self._done(
                self.ticket(c.ticket).index,
                self.engineer(c.engineer).index,
                self.minute(c.start),
                self.minute(c.end),
                self._completed_crew(getattr(c, "crew", None)),
            )
            for c in self.plan.completed
        ]

    def _completed_crew(self, entries: object) -> tuple[int, ...]:
        """The other members of a completed crew job, when its entry lists them (as
        {"engineer": id} objects or plain ids); entries of another shape are ignored."""
        members: list[int] = []
        for entry in entries if isinstance(entries, list) else []:
            member = entry.get("engineer") if isinstance(entry, dict) else entry
            if isinstance(member, str):
                members.append(self.engineer(member).index)
        return tuple(members)

    def _done(
        self, ticket: int, engineer: int, start: int, end: int, others: tuple[int, ...] = ()
    ) -> JobView:
        """Work finished before the reschedule: no travel or risk counted any more."""
        problem = self.problem
        crew = (
            tuple(CrewSeat(problem.engineers[e], 0) for e in (engineer, *others)) if others else ()
        )
        return JobView(
            problem.tickets[ticket],
            problem.engineers[engineer],
            start,
            end,
            0,
            0.0,
            0.0,
            True,
            crew,
        )

    def ticket(self, ticket_id: str) -> TicketData:
        index = self.problem.ticket_index.get(ticket_id)
        if index is None:
            raise InputError.single(
                "plan", f"ticket '{ticket_id}' is not in the scenario", path="ticket"
            )
        return self.problem.tickets[index]

    def engineer(self, engineer_id: str) -> EngineerData:
        """The engineer with this id; InputError listing the known ids otherwise."""
        index = self.problem.engineer_index.get(engineer_id)
        if index is None:
            known = ", ".join(e.id for e in self.problem.engineers)
            raise InputError.single(
                "--engineer", f"unknown engineer '{engineer_id}' (the scenario has {known})"
            )
        return self.problem.engineers[index]

    def minute(self, instant: dt.datetime) -> int:
        return minutes_since(self.problem.origin, instant)

    def local(self, minute: int) -> dt.datetime:
        return self.problem.instant(minute)

    @cached_property
    def now(self) -> int | None:
        """The instant a rescheduled plan was re-planned from (``reschedule.now``), if any."""
        value = (self.plan.reschedule or {}).get("now")
        if value is None:
            return None
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise InputError.single(
                "plan", f"'{value}' is not an ISO datetime", path="reschedule.now"
            ) from None
        return self.minute(to_utc(moment, self.problem.tz))

    def clock(self, minute: int) -> str:
        """'Mon 09:33'; with the date ('Fri 27 Nov 15:30') outside the horizon's days."""
        moment = self.local(minute)
        first, last = self.local(0).date(), self.local(self.problem.horizon_end).date()
        if first <= moment.date() <= last:
            return weekday_time(moment)
        return dated_time(moment)

    def period(self, start: int, end: int) -> str:
        """'Mon 09:33-10:33', or 'Mon 15:32-Tue 08:02' across days."""
        return f"{self.clock(start)}-{self._until(start, end)}"

    def span(self, start: int, end: int) -> str:
        """'09:33-10:33', or '15:32-Tue 08:02' when the job ends on a later day."""
        return f"{clock_time(self.local(start))}-{self._until(start, end)}"

    def _until(self, start: int, end: int) -> str:
        last = self.local(end)
        return clock_time(last) if self.local(start).date() == last.date() else weekday_time(last)

    @cached_property
    def _by_engineer(self) -> dict[int, list[JobView]]:
        by_engineer: dict[int, list[JobView]] = defaultdict(list)
        for job in sorted([*self.jobs, *self.member_jobs], key=lambda j: (j.start, j.ticket.id)):
            by_engineer[job.engineer.index].append(job)
        return by_engineer

    def jobs_of(self, engineer: EngineerData) -> list[JobView]:
        """The engineer's jobs in start order, completed ones and the crew jobs they are
        on (as lead or member) included."""
        return self._by_engineer.get(engineer.index, [])

    def worked(self, job: JobView) -> list[tuple[int, int]]:
        """The parts of [start, end) that are worked: inside the engineer's shifts (a crew
        job: inside its members' joint shift time), pauses left out."""
        pieces = list(job.engineer.calendar.shifts)
        if job.crew:
            shift_lists = [list(member.calendar.shifts) for member in job.members]
            pieces = joint_intervals(shift_lists, self.problem.horizon_end)
        return [
            (max(job.start, low), min(job.end, high))
            for low, high in pieces
            if max(job.start, low) < min(job.end, high)
        ]

    @staticmethod
    def crew_names(seats: tuple[CrewSeat, ...], lead: EngineerData) -> str:
        """'alice (Alice Smith, lead), bob (Bob Jones)'."""
        return ", ".join(
            f"{seat.engineer.id} ({seat.engineer.name}"
            + (", lead" if seat.engineer.index == lead.index else "")
            + ")"
            for seat in seats
        )

    def crew_text(self, job: JobView) -> str:
        """A crew job as its member sees it: 'crew of 2, with alice (Alice Smith, lead)';
        '' for a solo job."""
        if not job.crew:
            return ""
        return f"crew of {len(job.crew)}, with {self.crew_names(job.partners, job.lead)}"

    def job_of(self, ticket: TicketData) -> JobView | None:
        """The ticket's job: its assignment, else its completed work, else None."""
        return next((job for job in self.jobs if job.ticket.index == ticket.index), None)

    def open_ticket(self, ticket: TicketData) -> OpenTicket | None:
        return next((item for item in self.unassigned if item.ticket.index == ticket.index), None)

    def summary(self, ticket: TicketData) -> str:
        return self.ticket_models[ticket.id].summary or ""

    def client_name(self, ticket: TicketData) -> str:
        client = next(c for c in self.problem.scenario.clients if c.id == ticket.client)
        return client.name or client.id

    def site_label(self, ticket: TicketData) -> str:
        """Site id and address of an on-site ticket ('' for remote work)."""
        if not ticket.onsite or ticket.site is None:
            return ""
        site_id = self.problem.site_ids[ticket.site]
        address = self.problem.scenario.sites[site_id].address
        return f"{site_id}, {address}" if address else site_id

    def busy_minutes(self, engineer: EngineerData) -> int:
        """Shift minutes the engineer spends working or travelling in this plan."""
        calendar = engineer.calendar
        return sum(
            calendar.minutes_between(job.start, job.end) + job.travel
            for job in self.jobs_of(engineer)
        )

    def utilisation(self, engineer: EngineerData) -> float:
        """Busy shift minutes over shift minutes (0 for an engineer without shifts)."""
        total = engineer.calendar.total
        return self.busy_minutes(engineer) / total if total else 0.0

    def days(self) -> list[dt.date]:
        """Local dates on which anyone has a shift, in order."""
        return sorted(
            {
                self.local(start).date()
                for engineer in self.problem.engineers
                for start in engineer.calendar.starts
            }
        )

    def at_risk(self) -> list[JobView | OpenTicket]:
        """Assigned and unassigned tickets with risk above AT_RISK, weightiest first."""
        risky: list[JobView | OpenTicket] = [job for job in self.jobs if job.at_risk]
        risky += [item for item in self.unassigned if item.risk > AT_RISK]
        return sorted(risky, key=lambda item: (-item.ticket.weight, -item.risk, item.ticket.id))


def day_part(moment: dt.datetime) -> str:
    """'Monday morning' / 'Tuesday afternoon' for a local time."""
    return f"{moment:%A} {'morning' if moment.hour < 12 else 'afternoon'}"


def plan_problem(problem: Problem, plan: Plan) -> tuple[Problem, list[Job]]:
    """The problem a plan was made for, and the parts of jobs cut by its reschedules
    (the rescheduler's own reading, so that the views never disagree with it)."""
    return problem_of_plan(problem, plan)
