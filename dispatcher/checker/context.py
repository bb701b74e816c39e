"""What the checker is given (``CheckInput``, the part of a compiled scenario it reads)
and what its rules share while they run (``CheckContext``: the plans, the facts built
so far, the jobs walked through, and the violations found, in the order found).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from dispatcher.checker.arithmetic import TravelTimes
from dispatcher.checker.clock import SlaClock, Timeline
from dispatcher.checker.execution import Outcome
from dispatcher.checker.facts import EngineerFacts, Job, Reschedule, TicketFacts, members_of
from dispatcher.checker.findings import RuleName, Violation
from models import Assignment, Plan
from models.scenario import Client, Scenario


class TravelInput(Protocol):
    """The travel table of a compiled scenario, as far as the checker reads it."""

    @property
    def matrix(self) -> Mapping[tuple[int, int], int]:
        """Minutes from the scenario's travel matrix, by (origin, destination) site index."""
        ...


class CheckInput(Protocol):
    """What the checker reads of a compiled scenario (``dispatcher.semantics.problem.Problem``
    has all of it; the checker does not import it, to share no code with the solver)."""

    @property
    def scenario(self) -> Scenario:
        """The validated scenario."""
        ...

    @property
    def sha256(self) -> str:
        """The sha256 of the scenario file, which a plan names."""
        ...

    @property
    def site_ids(self) -> Sequence[str]:
        """Site ids in the order of the travel matrix's indices."""
        ...

    @property
    def travel(self) -> TravelInput:
        """The travel table (only its matrix rows are read)."""
        ...


@dataclass
class CheckContext:
    """The state the rules share: read-only inputs first, then what the check builds."""

    problem: CheckInput
    scenario: Scenario
    plan: Plan
    base: Plan | None
    time: Timeline
    travel: TravelTimes
    clocks: dict[str, SlaClock]
    clients: dict[str, Client]
    # ticket -> (engineer, start, end) of its first assignment in the base plan
    base_assignments: dict[str, tuple[str, int, int]]
    # ticket -> the engineers of its first assignment in the base plan, lead first (a crew
    # job's set: "another engineer" of a crew job means another set of engineers)
    base_members: dict[str, list[str]] = field(default_factory=dict)
    violations: list[Violation] = field(default_factory=list)
    reschedule: Reschedule | None = None
    tickets: dict[str, TicketFacts] = field(default_factory=dict)
    engineers: dict[str, EngineerFacts] = field(default_factory=dict)
    jobs: list[Job] = field(default_factory=list)
    travel_of_assignment: dict[int, int] = field(default_factory=dict)
    # ticket -> its risks and lateness over the draws (SPEC v2), assigned and unassigned
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    # None: not recomputable without the old plan, so taken as the plan reports it
    disruption: float | None = 0.0

    @classmethod
    def start(cls, problem: CheckInput, plan: Plan, base: Plan | None) -> CheckContext:
        """The context before any rule has run: time line, travel, clocks and clients."""
        scenario = problem.scenario
        time = Timeline(scenario)
        travel = TravelTimes(scenario, problem.site_ids, problem.travel.matrix)
        clocks: dict[str, SlaClock] = {"24x7": SlaClock(time, None)}
        for name, calendar in scenario.calendars.items():
            clocks[name] = SlaClock(time, calendar)
        clients = {client.id: client for client in scenario.clients}
        base_assignments: dict[str, tuple[str, int, int]] = {}
        base_members: dict[str, list[str]] = {}
        if base is not None:
            for old in reversed(base.assignments):
                base_assignments[old.ticket] = (
                    old.engineer,
                    time.minute(old.start),
                    time.minute(old.end),
                )
                base_members[old.ticket] = members_of(old)
        return cls(
            problem,
            scenario,
            plan,
            base,
            time,
            travel,
            clocks,
            clients,
            base_assignments,
            base_members,
        )

    def flag(self, rule: RuleName, ticket: str | None, message: str) -> None:
        """Record a broken rule."""
        self.violations.append(Violation(rule, ticket, message))

    def base_assignment(self, ticket_id: str) -> tuple[str, int, int] | None:
        """The ticket's (engineer, start, end) in the base plan, if it was assigned there."""
        return self.base_assignments.get(ticket_id)

    def is_running(self, ticket_id: str, engineer_id: str, start: int) -> bool:
        """A job that had begun before now and keeps its engineer and start."""
        rs = self.reschedule
        if rs is None or start >= rs.now or ticket_id in rs.cuts:
            return False
        if self.base is not None:
            before = self.base_assignment(ticket_id)
            return before is not None and before[0] == engineer_id and before[1] == start
        return True

    def is_kept(self, assignment: Assignment, start: int) -> bool:
        """Same engineer and start as in the old plan (so no 'nobody drives before now')."""
        if self.reschedule is None:
            return True
        if assignment.ticket in self.reschedule.cuts:
            return False
        members = set(members_of(assignment))
        if self.base is not None:
            before = self.base_assignment(assignment.ticket)
            return (
                before is not None
                and before[:2] == (assignment.engineer, start)
                and set(self.base_members.get(assignment.ticket, [])) == members
            )
        previous = assignment.previous
        return (
            previous is not None
            and previous.engineer == assignment.engineer
            and self.time.minute(previous.start) == start
            and {previous.engineer, *(previous.crew or [])} == members
        )
