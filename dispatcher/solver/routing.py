"""Routing the on-site visits of a day with OR-Tools' routing library.

The CP-SAT model and its neighbourhoods decide who does what under SLA risk; on days
made mostly of windowed on-site visits the order of each engineer's visits (and which
engineer drives to which site) is a vehicle-routing problem with time windows, which
the routing library's guided local search solves far better. This phase hands it that
part of the plan:

- a *vehicle* is one engineer's local day with a single shift in it (no lunch break and
  no overnight pause inside it, so a visit runs ``p50`` minutes straight), of an on-site
  engineer with a home who is in no crew job (crews are left alone);
- a *visit* is an on-site ticket for one engineer, without a booked start and of a tier
  that no cap limits, which the plan leaves out or puts on a vehicle whose jobs are all
  visits and booked on-site visits (which keep their engineer and start: the routing
  goes around them); every other job stays exactly where it is (remote work, crews,
  capped tiers, days with two shifts, and the whole day of any engineer whose day holds
  one of them);
- the routing model: each vehicle starts at its engineer's home no earlier than the
  shift start and ends (for free: the SPEC counts no drive home) by the shift end; a
  visit takes its travel then its ``p50`` and starts inside its window, after it was
  opened; its allowed vehicles are its eligible engineers' days; arcs cost the exact
  travel minutes; a start past the visit's response or resolution due time costs per
  minute in proportion to its weight (SLA risk first: the routing serves it); leaving a
  visit out costs its ``unassigned_cost``, and far more for ``must_assign`` work;
- the search starts from the plan's own routes (when they hold every visit) and runs for
  the phase's share of the limit (one worker: a limit on the solutions the search
  accepts, so it is reproducible, charged to the work clock);
- each visit then starts at the earliest instant of its route, and the plan is kept only
  when it passes ``valid`` (every rule, must-assign work placed) and the exact objective
  falls.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from dispatcher.semantics.evaluate import Evaluation, Job, crew_engineers, unassigned_cost
from dispatcher.semantics.problem import Problem, TicketData
from dispatcher.solver.clock import ROUTING_SECONDS_PER_SOLUTION_NODE2, WALL, Clock

log = logging.getLogger(__name__)

# Objective units per travel minute (weights.travel_per_hour / 60) become one routing cost
# unit; objective amounts are scaled by this (at the default 0.1 per hour: 600).
MIN_VISITS = 6  # fewer visits to route: not worth a model
VISITS_PER_VEHICLE = 2.0  # a day is visit-heavy from this many visits per used vehicle
MUST_PENALTY = 10**9  # leaving out must-assign work: never worth it
LATE_MINUTES = 30  # an SLA breach is priced as this many minutes past its due time
MIN_SOLUTIONS = 5


@dataclass(frozen=True)
class RoutingLimit:
    """When the phase stops: ``seconds`` of its clock; with ``deterministic``, a count of
    accepted solutions derived from them (charged to ``clock`` as used), else wall seconds."""

    seconds: float
    deterministic: bool = False
    clock: Clock = WALL


@dataclass
class _Vehicle:
    engineer: int
    start: int
    end: int
    home: int
    jobs: list[Job] = field(default_factory=list)


def route_visits(
    problem: Problem,
    jobs: list[Job],
    evaluation: Evaluation,
    exact: Callable[[list[Job]], Evaluation],
    valid: Callable[[list[Job]], bool],
    limit: RoutingLimit,
) -> tuple[list[Job], Evaluation]:
    """The plan with its visits routed by the routing library, when that is valid and
    lowers the exact objective; else the plan as it was."""
    if limit.seconds <= 0.05:
        return jobs, evaluation
    vehicles, fixed, visits = _split(problem, jobs)
    used = sum(1 for vehicle in vehicles if vehicle.jobs)
    if len(visits) < MIN_VISITS or len(visits) < VISITS_PER_VEHICLE * max(1, used):
        return jobs, evaluation
    began = time.monotonic()
    pins = {
        job.ticket: (number, job.start)
        for number, vehicle in enumerate(vehicles)
        for job in vehicle.jobs
        if _pinned(problem, job)
    }
    routed = _solve(problem, vehicles, visits, pins, limit)
    if routed is None:
        return jobs, evaluation
    candidate = fixed + routed
    if not valid(candidate):
        log.info("routing: its plan breaks a rule; kept the plan as it was")
        return jobs, evaluation
    trial = exact(candidate)
    log.info(
        "routing: %d visits on %d engineer-days in %.2fs: %.4f -> %.4f",
        len(visits),
        len(vehicles),
        time.monotonic() - began,
        evaluation.total,
        trial.total,
    )
    if trial.total < evaluation.total - 1e-9:
        return candidate, trial
    return jobs, evaluation


def routable(problem: Problem, ticket: TicketData) -> bool:
    """A visit the routing may move: on site, one engineer, no booked start, no tier cap."""
    return (
        ticket.onsite
        and ticket.site is not None
        and ticket.crew == 1
        and ticket.fixed_start is None
        and ticket.tier not in problem.tier_caps
        and bool(problem.eligible[ticket.index])
    )


def _split(problem: Problem, jobs: list[Job]) -> tuple[list[_Vehicle], list[Job], list[TicketData]]:
    """The vehicles (engineer-days the routing may change, with their jobs), the jobs that
    stay as they are, and the visits to route (on those vehicles, or left out)."""
    tied = crew_engineers(jobs)
    vehicles: list[_Vehicle] = []
    of_engineer: dict[int, list[_Vehicle]] = {}
    for engineer in problem.engineers:
        if engineer.index in tied or not engineer.onsite or engineer.home is None:
            continue
        days = engineer.shift_days
        for number, (start, end) in enumerate(engineer.calendar.shifts):
            if days.count(days[number]) == 1:
                vehicle = _Vehicle(engineer.index, start, end, engineer.home)
                vehicles.append(vehicle)
                of_engineer.setdefault(engineer.index, []).append(vehicle)
    fixed: list[Job] = []
    placed: set[int] = set()
    for job in jobs:
        home = next(
            (
                v
                for v in of_engineer.get(job.engineer, ())
                if v.start <= job.start and job.end <= v.end
            ),
            None,
        )
        if home is None or job.crew:
            fixed.append(job)
        else:
            home.jobs.append(job)
        placed.add(job.ticket)
    kept: list[_Vehicle] = []
    for vehicle in vehicles:
        # A job begun in an earlier shift that runs on into this day holds the day too.
        held = any(
            job.start < vehicle.end and job.end > vehicle.start
            for job in fixed
            if vehicle.engineer in job.members
        )
        if not held and all(
            routable(problem, problem.tickets[job.ticket]) or _pinned(problem, job)
            for job in vehicle.jobs
        ):
            kept.append(vehicle)
        else:
            fixed.extend(vehicle.jobs)
    visits = sorted(
        {job.ticket for vehicle in kept for job in vehicle.jobs}
        | {
            t.index
            for t in problem.tickets
            if t.index not in placed and routable(problem, t) and _allowed(problem, t, kept)
        }
    )
    return kept, fixed, [problem.tickets[index] for index in visits]


def _pinned(problem: Problem, job: Job) -> bool:
    """A booked on-site visit of one engineer: routed around, at its own start and day."""
    ticket = problem.tickets[job.ticket]
    return (
        ticket.fixed_start is not None
        and ticket.onsite
        and ticket.site is not None
        and not job.crew
        and ticket.crew == 1
    )


def _allowed(problem: Problem, ticket: TicketData, vehicles: list[_Vehicle]) -> list[int]:
    """The vehicles (by position) a visit may go on: its eligible engineers' days in which
    it can start inside its window and finish by the shift end."""
    eligible = set(problem.eligible[ticket.index])
    low, high = _start_range(problem, ticket)
    return [
        number
        for number, v in enumerate(vehicles)
        if v.engineer in eligible and max(low, v.start) <= min(high, v.end - ticket.p50)
    ]


def _start_range(problem: Problem, ticket: TicketData) -> tuple[int, int]:
    latest = ticket.latest_start
    high = problem.horizon_end - ticket.p50 if latest is None else latest
    return ticket.earliest_start, high


def _solve(
    problem: Problem,
    vehicles: list[_Vehicle],
    visits: list[TicketData],
    pins: dict[int, tuple[int, int]],
    limit: RoutingLimit,
) -> list[Job] | None:
    """The visits routed: their jobs on the vehicles, or None if the library found none.
    A ``pins`` visit (a booked one: ticket -> its vehicle and start) stays at both."""
    began = time.monotonic()  # several workers: building the model counts in the limit
    count = len(vehicles)
    # Nodes: each vehicle's start (its home) and end, then the visits.
    sites = [v.home for v in vehicles] + [-1] * count + [t.site or 0 for t in visits]
    service = [0] * (2 * count) + [t.p50 for t in visits]
    first_visit = 2 * count
    node_of = {t.index: first_visit + number for number, t in enumerate(visits)}
    manager = pywrapcp.RoutingIndexManager(
        len(sites), count, list(range(count)), list(range(count, 2 * count))
    )
    routing = pywrapcp.RoutingModel(manager)
    travel = problem.travel

    def drive(i: int, j: int) -> int:
        if sites[i] < 0 or sites[j] < 0:
            return 0  # to the end of a day (nobody is counted driving home)
        return travel(sites[i], sites[j])

    size = len(sites)
    drives = [[drive(i, j) for j in range(size)] for i in range(size)]

    def cost(from_index: int, to_index: int) -> int:
        return drives[int(manager.IndexToNode(from_index))][int(manager.IndexToNode(to_index))]

    def elapsed(from_index: int, to_index: int) -> int:
        i, j = int(manager.IndexToNode(from_index)), int(manager.IndexToNode(to_index))
        return service[i] + drives[i][j]

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(cost))
    horizon = max(problem.horizon_end, max(v.end for v in vehicles))
    routing.AddDimension(routing.RegisterTransitCallback(elapsed), horizon, horizon, False, "T")
    clock = routing.GetDimensionOrDie("T")
    scale = 60.0 / max(problem.weights.travel_per_hour, 1e-9)  # cost units per objective unit
    for ticket in visits:
        index = manager.NodeToIndex(node_of[ticket.index])
        if ticket.index in pins:
            number, start = pins[ticket.index]
            clock.CumulVar(index).SetRange(start, start)
            routing.VehicleVar(index).SetValues([number])
            continue
        low, high = _start_range(problem, ticket)
        clock.CumulVar(index).SetRange(low, max(low, high))
        routing.VehicleVar(index).SetValues([-1, *_allowed(problem, ticket, vehicles)])
        penalty = (
            MUST_PENALTY
            if ticket.must_assign
            else min(MUST_PENALTY // 10, round(scale * unassigned_cost(problem, ticket)) + 1)
        )
        routing.AddDisjunction([index], penalty)
        due = ticket.resolution_due - ticket.p50
        if not ticket.responded:
            due = min(due, ticket.response_due)
        if low <= due < high:
            per_minute = max(1, round(scale * ticket.weight / LATE_MINUTES))
            clock.SetCumulVarSoftUpperBound(index, due, per_minute)
    for number, vehicle in enumerate(vehicles):
        clock.CumulVar(routing.Start(number)).SetRange(vehicle.start, vehicle.end)
        clock.CumulVar(routing.End(number)).SetRange(vehicle.start, vehicle.end)
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    per_solution = ROUTING_SECONDS_PER_SOLUTION_NODE2 * size * size
    if limit.deterministic:
        # Solutions the search accepts (each guided-local-search step), not wall seconds.
        parameters.solution_limit = max(MIN_SOLUTIONS, int(limit.seconds / per_solution))
        # The wall clock only as a backstop (the solve's own, three times the share).
        parameters.time_limit.FromMilliseconds(int(3000 * limit.seconds) + 5000)
    else:
        parameters.time_limit.FromMilliseconds(max(1, int(1000 * limit.seconds)))
    routing.CloseModelWithParameters(parameters)
    if not limit.deterministic:
        left = limit.seconds - (time.monotonic() - began)
        parameters.time_limit.FromMilliseconds(max(1, int(1000 * left)))
    routes = [
        [
            manager.NodeToIndex(node_of[job.ticket])
            for job in sorted(vehicle.jobs, key=lambda j: j.start)
        ]
        for vehicle in vehicles
    ]
    # The plan's own routes are the start when they hold every visit; a plan that leaves
    # visits out is a poor start (measured on TRSP R101: 1205 travel minutes from it,
    # 1145 from the library's own insertion), so then the library builds its own.
    complete = sum(len(route) for route in routes) == len(visits)
    initial = routing.ReadAssignmentFromRoutes(routes, True) if complete else None
    if initial is None:
        # (Tried: the cheaper of two first solutions, insertion or path cheapest arc: no
        # better on the TRSP days, and each first solution costs search time.)
        log.info("routing: searching from the library's own first routes")
        solution = routing.SolveWithParameters(parameters)
    else:
        solution = routing.SolveFromAssignmentWithParameters(initial, parameters)
    if limit.deterministic:
        limit.clock.charge(per_solution * routing.solver().Solutions())
    if solution is None:
        return None
    result: list[Job] = []
    for number, vehicle in enumerate(vehicles):
        index = solution.Value(routing.NextVar(routing.Start(number)))
        while not routing.IsEnd(index):
            ticket = visits[manager.IndexToNode(index) - first_visit]
            start = solution.Min(clock.CumulVar(index))
            result.append(Job(ticket.index, vehicle.engineer, start, start + ticket.p50))
            index = solution.Value(routing.NextVar(index))
    return result


def visit_share(problem: Problem) -> float:
    """The share of the day's tickets that are routable visits (0 to 1)."""
    if not problem.tickets:
        return 0.0
    return sum(routable(problem, t) for t in problem.tickets) / len(problem.tickets)


__all__ = ["RoutingLimit", "routable", "route_visits", "visit_share"]
