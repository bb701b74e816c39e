"""Benchmark family ``trsp``: the technician routing and scheduling days of Pillac et al.

Source: Pillac, Guéret and Medaglia (2013), "A parallel matheuristic for the technician
routing and scheduling problem", Optimization Letters 7(7), 1525-1535 (the ``crew25``
set: Solomon's 100-customer instances with a crew of 25 technicians, each with a home of
their own and skills, tools and spare parts; each request needs skills, tools and parts).
The text files are in github.com/vpillac/vroom, ``Technicians/vrprep/
Pillac_TRSP_Instances_crew25.zip`` (see ``benchmarks/data/trsp/README.md``).

Conversion (``convert``), one scenario per instance, deterministic:

- one day, time zone UTC, horizon = the depot's window: 00:00 plus its due time in
  minutes (R101: 00:00-03:50); every technician has one shift over the whole horizon;
- technician k -> engineer ``tech-kk`` with the instance's skills (``s0``..``s4``, level
  1) and a home at their own node; tools and spare parts are dropped (our scenario has
  no depot trips to restock), so a request needs its skills only;
- request i -> an on-site ticket ``V-iii`` at its node, effort p50 = p90 = its service
  time, ``window`` = its time window (the start inside it), ``must_assign: true``, opened
  at the horizon start, priority P2 of a 24x7 managed policy whose targets (1 day, 2
  days) lie past the horizon: an assigned visit carries no SLA risk, the objective is
  deferral (serve them all) then travel;
- travel: a ``travel_matrix`` of every ordered pair of sites with the Euclidean distance
  rounded up to whole minutes (the plan's resolution is a minute; rounding up never
  lets a plan promise an arrival it cannot make). Sites also get coordinates at 0.5128 km
  per unit near (0, 0), where the SPEC's formula gives about the same minutes.

The runner plans each day with ``dispatch plan --time-limit T`` (and ``dispatch check``),
and solves the same day (the same integer matrix) with OR-Tools' routing library: a VRPTW
with a start per technician at home and open ends (the SPEC counts no drive home), skills
as allowed vehicles, guided local search, the same limit; its routes become a plan that
``dispatch check`` judges too. It prints served, violations, travel minutes and wall time
side by side.

    python benchmarks/trsp.py convert SOURCE_DIR          # rewrite benchmarks/data/trsp
    python benchmarks/trsp.py run [--time-limit 10] [--days R101 C101] [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "benchmarks" / "data" / "trsp"
DAYS = ("R101", "C101", "RC101", "R201")
DAY_START = dt.datetime(2026, 12, 7, 0, 0)  # a Monday; UTC: no daylight-saving change
KM_PER_UNIT = 40 / 60 / 1.3  # one unit = one minute at the SPEC's default speed and road
KM_PER_DEGREE = 6371.0 * math.pi / 180
POLICY = "trsp-24x7"
CLIENT = "trsp-customers"


@dataclass(frozen=True)
class Node:
    """One line of a Pillac file: the depot (0), a technician (1..crew) or a request."""

    id: int
    x: float
    y: float
    ready: int
    due: int
    service: int
    skills: tuple[int, ...]


@dataclass(frozen=True)
class Instance:
    name: str
    crew: int
    depot: Node
    technicians: list[Node]
    requests: list[Node]


_ROW = re.compile(r"^\s*(\d+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\[([\d,\s]*)\]")


def parse(text: str) -> Instance:
    """An instance from the text of a Pillac ``crew25`` file."""
    lines = text.splitlines()
    name = lines[0].strip()
    crew = next(
        int(line.split()[0])
        for i, line in enumerate(lines)
        if i > 0 and lines[i - 1].startswith("CREW COUNT")
    )
    nodes: list[Node] = []
    for line in lines:
        match = _ROW.match(line)
        if match is None:
            continue
        ident, x, y, ready, due, service, skills = match.groups()
        nodes.append(
            Node(
                int(ident),
                float(x),
                float(y),
                int(ready),
                int(due),
                int(service),
                tuple(int(s) for s in skills.replace(" ", "").split(",") if s),
            )
        )
    return Instance(name, crew, nodes[0], nodes[1 : crew + 1], nodes[crew + 1 :])


def travel_minutes(a: Node, b: Node) -> int:
    """The Euclidean distance rounded up to whole minutes (0 for the same place)."""
    return math.ceil(math.hypot(a.x - b.x, a.y - b.y) - 1e-9)


def site_id(node: Node, crew: int) -> str:
    """The scenario's site of a technician's home (ids 1..crew) or of a request."""
    return f"home-{node.id:02d}" if node.id <= crew else f"visit-{node.id:03d}"


def _at(minutes: int) -> str:
    return (DAY_START + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


def _place(node: Node) -> dict[str, float]:
    return {
        "lat": round(node.y * KM_PER_UNIT / KM_PER_DEGREE, 7),
        "lon": round(node.x * KM_PER_UNIT / KM_PER_DEGREE, 7),
    }


def short_name(instance: Instance) -> str:
    """``R101`` of ``R101.100_25-5-5-5``."""
    return instance.name.split(".")[0].strip()


def convert(instance: Instance, directory: Path) -> Path:
    """Writes ``<day>.yaml`` and ``<day>-travel.csv`` into ``directory``; the scenario's path."""
    day = short_name(instance)
    directory.mkdir(parents=True, exist_ok=True)
    end = instance.depot.due
    places = [instance.depot, *instance.technicians, *instance.requests]
    scenario: dict[str, Any] = {
        "version": 1,
        "name": f"TRSP {day} (Pillac et al. 2013, crew25)",
        "timezone": "UTC",
        "horizon": {"start": _at(0), "end": _at(end)},
        "sla_policies": {
            POLICY: {
                "tier": "managed",
                "clock": "24x7",
                "targets": {"P2": {"response": "1d", "resolution": "2d"}},
            }
        },
        "travel_matrix": f"{day}-travel.csv",
        "sites": {"depot": _place(instance.depot)}
        | {site_id(node, instance.crew): _place(node) for node in places[1:]},
        "clients": [{"id": CLIENT, "name": "TRSP customers", "sla": POLICY, "site": "depot"}],
        "engineers": [
            {
                "id": f"tech-{tech.id:02d}",
                "skills": [f"s{s}" for s in tech.skills],
                "home": site_id(tech, instance.crew),
                "shifts": [{"start": _at(0), "end": _at(end)}],
            }
            for tech in instance.technicians
        ],
        "tickets": [
            {
                "id": f"V-{request.id:03d}",
                "client": CLIENT,
                "summary": f"{day} request {request.id}",
                "priority": "P2",
                "opened": _at(0),
                "onsite": True,
                "site": site_id(request, instance.crew),
                "effort": f"{request.service}m",
                "skills": {f"s{s}": 1 for s in request.skills},
                "window": {"start": _at(request.ready), "end": _at(request.due)},
                "must_assign": True,
            }
            for request in instance.requests
        ],
    }
    path = directory / f"{day}.yaml"
    header = (
        f"# {instance.name}: converted by benchmarks/trsp.py from Pillac et al. (2013),\n"
        "# crew25 set; see benchmarks/data/trsp/README.md for the source and the rules.\n"
    )
    path.write_text(header + yaml.safe_dump(scenario, sort_keys=False, width=100))
    rows = ["from,to,minutes"]
    movers = places[1:]
    for a in movers:
        for b in instance.requests:  # nobody drives to a home or the depot
            if a.id != b.id:
                origin, destination = site_id(a, instance.crew), site_id(b, instance.crew)
                rows.append(f"{origin},{destination},{travel_minutes(a, b)}")
    (directory / f"{day}-travel.csv").write_text("\n".join(rows) + "\n")
    return path


# --- OR-Tools' routing library on the same day ---------------------------------------


@dataclass
class Routed:
    """The routing library's answer: each technician's visits in order, with start times."""

    routes: dict[int, list[tuple[int, int]]]  # technician node id -> [(request id, start)]
    travel: int
    served: int
    wall_s: float


def solve_routing(instance: Instance, time_limit: float, seed: int = 0) -> Routed:
    """VRPTW: a start per technician at home, open ends, skills as allowed vehicles,
    guided local search for ``time_limit`` seconds. A visit may be dropped at a price far
    above any travel (so a solution always exists, and all are served when possible)."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    began = time.monotonic()
    techs, requests = instance.technicians, instance.requests
    count = len(techs)
    # Nodes: 0..count-1 the homes, then the requests, then one common (free) end.
    nodes = [*techs, *requests]
    end_node = len(nodes)
    manager = pywrapcp.RoutingIndexManager(
        len(nodes) + 1, count, list(range(count)), [end_node] * count
    )
    routing = pywrapcp.RoutingModel(manager)

    def _travel(i: int, j: int) -> int:
        if j == end_node or i == end_node:
            return 0
        return travel_minutes(nodes[i], nodes[j])

    def cost(from_index: int, to_index: int) -> int:
        return _travel(manager.IndexToNode(from_index), manager.IndexToNode(to_index))

    def elapsed(from_index: int, to_index: int) -> int:
        i, j = manager.IndexToNode(from_index), manager.IndexToNode(to_index)
        service = nodes[i].service if i != end_node else 0
        return service + _travel(i, j)

    cost_index = routing.RegisterTransitCallback(cost)
    routing.SetArcCostEvaluatorOfAllVehicles(cost_index)
    time_index = routing.RegisterTransitCallback(elapsed)
    horizon = instance.depot.due
    routing.AddDimension(time_index, horizon, horizon, False, "Time")
    clock = routing.GetDimensionOrDie("Time")
    penalty = 1_000_000
    for position, request in enumerate(requests, start=count):
        index = manager.NodeToIndex(position)
        clock.CumulVar(index).SetRange(request.ready, min(request.due, horizon - request.service))
        allowed = [v for v, tech in enumerate(techs) if set(request.skills) <= set(tech.skills)]
        routing.VehicleVar(index).SetValues([-1, *allowed])
        routing.AddDisjunction([index], penalty)
    for vehicle in range(count):
        clock.CumulVar(routing.Start(vehicle)).SetRange(0, horizon)
        clock.CumulVar(routing.End(vehicle)).SetRange(0, horizon)
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    parameters.time_limit.FromMilliseconds(int(time_limit * 1000))
    del seed  # the routing library's search is deterministic for a given limit
    solution = routing.SolveWithParameters(parameters)
    routes: dict[int, list[tuple[int, int]]] = {}
    travel = served = 0
    if solution is not None:
        for vehicle in range(count):
            index = solution.Value(routing.NextVar(routing.Start(vehicle)))
            previous = vehicle
            visits: list[tuple[int, int]] = []
            while not routing.IsEnd(index):
                node = manager.IndexToNode(index)
                travel += _travel(previous, node)
                visits.append((nodes[node].id, solution.Min(clock.CumulVar(index))))
                previous = node
                index = solution.Value(routing.NextVar(index))
            served += len(visits)
            routes[techs[vehicle].id] = visits
    return Routed(routes, travel, served, time.monotonic() - began)


def routed_plan(scenario: Path, routed: Routed, out: Path) -> None:
    """Writes the routing library's routes as a plan file (for ``dispatch check``)."""
    from dispatcher.io.loader import load_scenario
    from dispatcher.io.planfile import write_plan
    from dispatcher.semantics.evaluate import Job, evaluate
    from dispatcher.solver.assemble import build_plan

    problem = load_scenario(scenario)
    engineers = {e.id: e.index for e in problem.engineers}
    tickets = {t.id: t for t in problem.tickets}
    jobs = []
    for tech, visits in routed.routes.items():
        for request, start in visits:
            ticket = tickets[f"V-{request:03d}"]
            jobs.append(Job(ticket.index, engineers[f"tech-{tech:02d}"], start, start + ticket.p50))
    plan = build_plan(
        problem,
        jobs,
        evaluate(problem, jobs),
        status="feasible",
        time_s=routed.wall_s,
        bound=None,
        seed=0,
    )
    write_plan(plan, out)


# --- the runner ----------------------------------------------------------------------


def _check(scenario: Path, plan: Path) -> int:
    """Violations ``dispatch check`` lists (0 when it passes; -1 when it cannot check)."""
    checked = subprocess.run(
        [sys.executable, "-m", "dispatcher.cli", "check", str(scenario), str(plan)],
        capture_output=True,
        text=True,
    )
    if checked.returncode == 0:
        return 0
    if checked.returncode != 1:
        return -1
    listed = [line for line in checked.stdout.splitlines() if line.startswith("violation")]
    return max(1, len(listed))


def run_day(day: str, time_limit: float, workdir: Path, seed: int = 0) -> dict[str, Any]:
    """One day planned by ``dispatch plan`` and by the routing library, side by side."""
    scenario = DATA / f"{day}.yaml"
    if not scenario.is_file():
        raise SystemExit(
            f"{scenario} is missing: download the crew25 instances (benchmarks/data/trsp/"
            "README.md) and run: python benchmarks/trsp.py convert DIR"
        )
    plan_path = workdir / f"{day}-dispatch.json"
    began = time.monotonic()
    planned = subprocess.run(
        [
            sys.executable,
            "-m",
            "dispatcher.cli",
            "plan",
            str(scenario),
            "-o",
            str(plan_path),
            "--time-limit",
            str(time_limit),
            "--seed",
            str(seed),
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - began
    row: dict[str, Any] = {"day": day, "tickets": 100}
    if planned.returncode != 0:
        row["dispatch"] = {"error": planned.stderr[-2000:]}
    else:
        plan = json.loads(plan_path.read_text())
        row["dispatch"] = {
            "served": len(plan["assignments"]),
            "violations": _check(scenario, plan_path),
            "travel": plan["kpis"]["travel_minutes"],
            "objective": plan["objective"]["total"],
            "wall_s": round(wall, 2),
        }
    instance = instance_of(scenario)
    routed = solve_routing(instance, time_limit, seed)
    routed_path = workdir / f"{day}-routing.json"
    routed_plan(scenario, routed, routed_path)
    routed_json = json.loads(routed_path.read_text())
    row["routing"] = {
        "served": routed.served,
        "violations": _check(scenario, routed_path),
        "travel": routed_json["kpis"]["travel_minutes"],
        "objective": routed_json["objective"]["total"],
        "wall_s": round(routed.wall_s, 2),
    }
    ours, theirs = row["dispatch"].get("travel"), row["routing"]["travel"]
    row["travel_ratio"] = None if ours is None or not theirs else round(ours / theirs, 3)
    return row


def instance_of(scenario: Path) -> Instance:
    """The instance a converted scenario was written from (its sites, windows, skills)."""
    doc = yaml.safe_load(scenario.read_text())
    sites = doc["sites"]
    start = dt.datetime.fromisoformat(str(doc["horizon"]["start"]))

    def minutes(value: object) -> int:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
        return int((moment.replace(tzinfo=None) - start).total_seconds() // 60)

    def node(site: str, ident: int, **rest: Any) -> Node:
        place = sites[site]
        return Node(
            ident,
            # Solomon's coordinates are whole numbers: rounding undoes the degrees.
            round(place["lon"] * KM_PER_DEGREE / KM_PER_UNIT, 3),
            round(place["lat"] * KM_PER_DEGREE / KM_PER_UNIT, 3),
            rest.get("ready", 0),
            rest.get("due", 0),
            rest.get("service", 0),
            rest.get("skills", ()),
        )

    end = minutes(doc["horizon"]["end"])
    techs = [
        node(e["home"], int(e["id"].split("-")[1]), due=end, skills=_skills(e["skills"]))
        for e in doc["engineers"]
    ]
    requests = [
        node(
            t["site"],
            int(t["id"].split("-")[1]),
            ready=minutes(t["window"]["start"]),
            due=minutes(t["window"]["end"]),
            service=int(str(t["effort"]).rstrip("m")),
            skills=_skills(t["skills"]),
        )
        for t in doc["tickets"]
    ]
    depot = node("depot", 0, due=end)
    return Instance(doc["name"], len(techs), depot, techs, requests)


def _skills(value: Any) -> tuple[int, ...]:
    names = value if isinstance(value, list) else list(value)
    return tuple(sorted(int(str(name)[1:]) for name in names))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    converting = commands.add_parser("convert", help="convert the Pillac files of DAYS")
    converting.add_argument("source", type=Path, help="the folder of the crew25 .txt files")
    converting.add_argument("--out", type=Path, default=DATA)
    converting.add_argument("--days", nargs="+", default=list(DAYS))
    running = commands.add_parser("run", help="plan each day, and route it with OR-Tools")
    running.add_argument("--time-limit", type=float, default=10.0)
    running.add_argument("--days", nargs="+", default=list(DAYS))
    running.add_argument("--seed", type=int, default=0)
    running.add_argument("--out", type=Path, default=None, help="write the rows as JSON")
    args = parser.parse_args(argv)
    if args.command == "convert":
        for day in args.days:
            text = (args.source / f"{day}.100_25-5-5-5.txt").read_text()
            print(convert(parse(text), args.out))
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for day in args.days:
            row = run_day(day, args.time_limit, Path(folder), args.seed)
            rows.append(row)
            print(json.dumps(row), flush=True)
    header = (
        f"{'day':6} | {'dispatch: served viol travel wall':34} | "
        f"{'routing: served viol travel wall':34} | travel ratio"
    )
    print(header)
    for row in rows:
        ours, theirs = row["dispatch"], row["routing"]
        left = (
            f"{ours.get('served', '-'):>6} {ours.get('violations', '-'):>4} "
            f"{ours.get('travel', '-'):>6} {ours.get('wall_s', '-'):>6}"
        )
        right = (
            f"{theirs['served']:>6} {theirs['violations']:>4} "
            f"{theirs['travel']:>6} {theirs['wall_s']:>6}"
        )
        print(f"{row['day']:6} | {left:34} | {right:34} | {row['travel_ratio']}")
    if args.out is not None:
        args.out.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
