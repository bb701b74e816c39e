"""Shared test data: the repository's paths and tiny scenarios built from a few lines of
YAML (one header of calendars, SLA policies, sites and clients, plus a test's engineers
and tickets)."""

from __future__ import annotations

from pathlib import Path

from dispatcher.io.loader import load_scenario_text
from dispatcher.semantics.problem import Problem

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
