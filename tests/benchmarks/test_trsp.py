"""The TRSP family (Pillac et al. 2013): the converter's scenarios load, their travel is
the Euclidean distance in whole minutes, and the routing library's plan of a day passes
the checker."""

from __future__ import annotations

import json
import math
from pathlib import Path

from benchmarks.trsp import (
    convert,
    instance_of,
    parse,
    routed_plan,
    site_id,
    solve_routing,
    travel_minutes,
)
from dispatcher.checker import check_plan
from dispatcher.io.loader import load_scenario
from models import Plan

# The layout of a crew25 file, cut down to two technicians and four requests.
SMALL = """T101.100_2-5-5-5

INFO
CREW COUNT  SKILLS  TOOLS   SPARE PARTS
2      5       5       5

DEPOT TECHNICIANS AND REQUESTS
ID   X     Y     TWS    TWE    Serv   SKILLS   TOOLS    SPARE PARTS
0    35    35    0      230    0      [] \t[] \t[]
1    10    10    0      230    0      [0,1] \t[0] \t[1,0,0,0,0]
2    60    60    0      230    0      [1,2] \t[] \t[0,0,0,0,0]
3    12    15    10     60     10     [0] \t[0] \t[0,0,0,0,0]
4    20    18    40     90     10     [1] \t[] \t[0,0,0,0,1]
5    55    52    0      50     10     [2] \t[] \t[0,0,0,0,0]
6    50    65    70     150    10     [1] \t[] \t[0,0,0,0,0]
"""


def test_parse_reads_technicians_and_requests() -> None:
    instance = parse(SMALL)
    assert instance.crew == 2
    assert [t.skills for t in instance.technicians] == [(0, 1), (1, 2)]
    assert [r.id for r in instance.requests] == [3, 4, 5, 6]
    assert instance.requests[1].ready == 40 and instance.requests[1].due == 90
    assert instance.depot.due == 230


def test_convert_writes_a_valid_day_with_euclidean_minutes(tmp_path: Path) -> None:
    instance = parse(SMALL)
    path = convert(instance, tmp_path)
    problem = load_scenario(path)
    assert len(problem.engineers) == 2 and len(problem.tickets) == 4
    assert all(t.must_assign and t.onsite and t.window is not None for t in problem.tickets)
    assert problem.horizon_end == 230
    site = {name: number for number, name in enumerate(problem.site_ids)}
    for a in [*instance.technicians, *instance.requests]:
        for b in instance.requests:
            if a.id != b.id:
                origin = site[site_id(a, instance.crew)]
                minutes = problem.travel(origin, site[site_id(b, instance.crew)])
                assert minutes == math.ceil(math.hypot(a.x - b.x, a.y - b.y) - 1e-9)
                assert minutes == travel_minutes(a, b)
    again = instance_of(path)
    assert [(r.x, r.y, r.ready, r.due, r.service) for r in again.requests] == [
        (r.x, r.y, r.ready, r.due, r.service) for r in instance.requests
    ]


def test_the_routing_librarys_plan_passes_the_checker(tmp_path: Path) -> None:
    path = convert(parse(SMALL), tmp_path)
    routed = solve_routing(instance_of(path), time_limit=0.5)
    assert routed.served == 4
    out = tmp_path / "routed.json"
    routed_plan(path, routed, out)
    problem = load_scenario(path)
    report = check_plan(problem, Plan.model_validate(json.loads(out.read_text())))
    assert report.ok, report.violations
