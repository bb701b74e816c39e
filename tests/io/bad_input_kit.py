"""The kit of the bad-input cases (``test_bad_inputs``): the one-engineer ``BASE``
scenario (``tests.scenarios.BAD_INPUT_DAY``), a hand-written plan of it, a file of one added ticket, and the ``Case``
shape with the helpers that make cases of a command and its files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from tests.scenarios import BAD_INPUT_DAY as BASE

BASE_SHA256 = hashlib.sha256(BASE.encode()).hexdigest()
SHA = BASE_SHA256[:12]

# A hand-written plan file of BASE, with every line's content known (read_plan cases).
SMALL_PLAN = f"""\
{{
  "format": "dispatch-plan/2",
  "scenario": {{"name": "bad-inputs base", "sha256": "{BASE_SHA256}"}},
  "solver": {{"status": "feasible", "time_s": 0.1, "bound": null, "seed": 0}},
  "objective": {{"total": 0.0, "sla_risk": 0.0, "lateness": 0.0, "deferral": 0.0,
                "travel": 0.0, "preference": 0.0}},
  "assignments": [
    {{"ticket": "T-1", "engineer": "alice",
     "start": "2026-11-30T08:00:00+00:00", "end": "2026-11-30T09:00:00+00:00",
     "travel_minutes": 0, "response_due": "2026-11-30T09:00:00+00:00",
     "resolution_due": "2026-11-30T12:00:00+00:00", "response_risk": 0.0, "resolution_risk": 0.0}}
  ],
  "unassigned": [{{"ticket": "T-2", "reason": "deferred", "detail": "other work took the time"}}],
  "kpis": {{"by_tier": {{}}, "travel_minutes": 0}}
}}
"""

JOB = """\
tickets:
  - id: T-9
    client: acme
    priority: P1
    opened: 2026-11-30T09:00
    effort: 1h
"""

REAL_PLAN = "<the plan dispatch made of BASE>"  # replaced by the module's one real plan


def changed(*edits: tuple[str, str], text: str = BASE) -> str:
    """``text`` with each (old, new) made; every ``old`` must occur exactly once."""
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


@dataclass(frozen=True)
class Prefix:
    """An expected line whose start is fixed, then a YAML parser's own wording (which
    differs between libyaml and PyYAML's pure-Python parser) that must contain ``then``."""

    text: str
    then: str = ""


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    expected: tuple[str | Prefix, ...]  # every stderr line, in order
    files: dict[str, str | bytes] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)


def validate(case_id: str, text: str | bytes, *expected: str | Prefix) -> Case:
    return Case(case_id, ("validate", "s.yaml"), expected, {"s.yaml": text})


def with_plan(
    case_id: str, args: tuple[str, ...], *expected: str | Prefix, **files: str | bytes
) -> Case:
    """A command on BASE and its real plan (p.json), plus ``files``."""
    return Case(case_id, args, expected, {"s.yaml": BASE, "p.json": REAL_PLAN, **files})


def plan_file(case_id: str, text: str | bytes, *expected: str | Prefix) -> Case:
    """``check`` of BASE with the plan file ``text``."""
    return Case(case_id, ("check", "s.yaml", "p.json"), expected, {"s.yaml": BASE, "p.json": text})


RESCHEDULE = ("reschedule", "s.yaml", "--plan", "p.json", "--now", "2026-11-30T10:00")
RESCHEDULE_OUT = ("-o", "n.json", "--time-limit", "1", "--workers", "1", "--quiet")
IMPACT = ("impact", "s.yaml", "--plan", "p.json", "--now", "2026-11-30T10:00")
ONLY_PLAIN = (
    "is not allowed: only plain values (text, numbers, true/false, lists, mappings) "
    "are read, never objects"
)


def rescheduling(
    case_id: str, options: tuple[str, ...], *expected: str | Prefix, **files: str | bytes
) -> Case:
    """``dispatch reschedule`` of BASE's real plan at 10:00 with ``options``."""
    return with_plan(case_id, (*RESCHEDULE, *options, *RESCHEDULE_OUT), *expected, **files)
