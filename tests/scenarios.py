"""Shared test data, in one place: the repository's paths; tiny scenarios built from a
few lines of YAML (one header of calendars, SLA policies, sites and clients, plus a
test's engineers and tickets); and the whole days that the bad-input and validation
tests mutate line by line (their cases pin line numbers of that text)."""

from __future__ import annotations

from pathlib import Path

from dispatcher.io.loader import load_scenario_text
from dispatcher.semantics.problem import Problem
from models import Assignment

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

HEADER = """
version: 1
name: tiny
timezone: {tz}
horizon: {{start: {start}, end: {end}}}
calendars:
  office:
    weekly: {{mon: "08:00-18:00", tue: "08:00-18:00", wed: "08:00-18:00", thu: "08:00-18:00", fri: "08:00-18:00"}}
    holidays: [2026-12-25]
sla_policies:
  managed-gold:
    tier: managed
    clock: office
    targets:
      P1: {{response: 30m, resolution: 4h}}
      P2: {{response: 1h, resolution: 8h}}
      P3: {{response: 4h, resolution: 20h}}
  break-fix:
    tier: break_fix
    clock: 24x7
    targets:
      P1: {{response: 4h, resolution: 1d}}
      P2: {{response: 8h, resolution: 2d}}
sites:
  hq: {{lat: 51.5226, lon: -0.1090}}
  shop: {{lat: 51.5226, lon: -0.2090}}
  alice-home: {{lat: 51.4613, lon: -0.1156}}
  bob-home: {{lat: 51.5226, lon: -0.1090}}
clients:
  - {{id: northwind, sla: managed-gold, site: hq}}
  - {{id: corner-shop, sla: break-fix, site: shop}}
"""


def scenario_text(
    body: str,
    *,
    tz: str = "Europe/London",
    start: str = "2026-11-30T08:00",
    end: str = "2026-12-01T18:00",
) -> str:
    return HEADER.format(tz=tz, start=start, end=end) + body


def tiny(body: str, **kwargs: str) -> Problem:
    """Load a tiny scenario: the shared header plus engineers and tickets."""
    return load_scenario_text(scenario_text(body, **kwargs), filename="tiny.yaml")


# The bad-input cases' day (tests/io/test_bad_inputs.py, tests/cli/test_hostile.py): one
# engineer, two tickets, one day; its cases pin lines of this text, so edit with care.
BAD_INPUT_DAY = """\
version: 1
name: bad-inputs base
timezone: Europe/London
horizon: {start: 2026-11-30T08:00, end: 2026-11-30T18:00}
sla_policies:
  gold:
    tier: managed
    clock: 24x7
    targets:
      P1: {response: 1h, resolution: 4h}
      P2: {response: 2h, resolution: 8h}
sites:
  hq: {lat: 51.5, lon: -0.1}
  home: {lat: 51.45, lon: -0.12}
clients:
  - {id: acme, sla: gold, site: hq}
engineers:
  - id: alice
    skills: [windows]
    home: home
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T17:00}
tickets:
  - id: T-1
    client: acme
    priority: P1
    opened: 2026-11-30T08:00
    effort: {p50: 1h, p90: 2h}
  - id: T-2
    client: acme
    priority: P2
    opened: 2026-11-30T08:30
    onsite: true
    effort: 30m
"""


# The validation tests' day (tests/io/test_validation.py, test_cross_checks.py): the SPEC
# example, trimmed; each test mutates one line of it and expects one issue there.
VALIDATION_DAY = """\
version: 1
name: Validation base
timezone: Europe/London
horizon: {start: 2026-11-30T08:00, end: 2026-12-01T18:00}
calendars:
  office:
    weekly: {mon: "08:00-18:00", tue: "08:00-18:00", wed: "08:00-18:00",
             thu: "08:00-18:00", fri: "08:00-18:00"}
    holidays: [2026-12-25]
sla_policies:
  managed-gold:
    tier: managed
    clock: office
    targets:
      P1: {response: 30m, resolution: 4h}
      P2: {response: 1h, resolution: 8h}
  break-fix:
    tier: break_fix
    clock: 24x7
    targets:
      P1: {response: 4h, resolution: 1d}
sites:
  northwind-hq: {lat: 51.5226, lon: -0.1090, address: "1 Example St"}
  enfield-depot: {lat: 51.6523, lon: -0.0807}
  alice-home: {lat: 51.4613, lon: -0.1156}
clients:
  - id: northwind
    name: Northwind Traders
    sla: managed-gold
    site: northwind-hq
    preferred_engineers: [alice]
engineers:
  - id: alice
    name: Alice Smith
    skills: {windows: 3, networking: 2}
    home: alice-home
    onsite: true
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T12:30}
      - {start: 2026-11-30T13:00, end: 2026-11-30T17:00}
      - {start: 2026-12-01T08:00, end: 2026-12-01T17:00}
tickets:
  - id: T-1001
    client: northwind
    summary: Firewall down at HQ
    priority: P1
    opened: 2026-11-30T07:40
    onsite: true
    effort: {p50: 1h, p90: 3h}
    skills: {networking: 2}
    assigned_to: alice
    fixed_start: 2026-11-30T09:00
  - id: T-1002
    client: northwind
    summary: Printer offline
    priority: P2
    opened: 2026-11-30T08:10
    effort: {p50: 30m, p90: 1h}
    skills: [windows]
"""


# One engineer on the SPEC example's Monday: 08:00-12:30 and 13:00-17:00 (a lunch gap).
ALICE_SPLIT_DAY = """
engineers:
  - id: alice
    skills: [windows]
    home: alice-home
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T12:30}
      - {start: 2026-11-30T13:00, end: 2026-11-30T17:00}
"""


# One engineer, Monday 08:00-12:00 and 13:00-17:00, 200 draws (the v2 evaluation and
# reordering tests add their tickets after it).
ALICE_HALF_DAYS_200_DRAWS = """
policy: {risk_samples: 200}
engineers:
  - id: alice
    skills: [windows]
    home: alice-home
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T12:00}
      - {start: 2026-11-30T13:00, end: 2026-11-30T17:00}
"""


def members(assignment: Assignment) -> set[str]:
    """Everyone on a plan's job: its engineer and, for a crew job, the other members."""
    return {assignment.engineer, *(member.engineer for member in assignment.crew or [])}


def trips_of(assignment: Assignment) -> list[int]:
    """Each member's travel minutes to a plan's job, the lead's first."""
    return [assignment.travel_minutes, *(m.travel_minutes for m in assignment.crew or [])]
