"""Bad input through the command line: one exact message, exit 2, never a traceback.

Dispatchers feed the tool exports from other systems, hand-edited YAML and stale
plans. Each case below is a small file (most often the one-engineer ``BASE``
scenario with one thing changed), a command, and the exact ``error:`` line it
must print on stderr: the file, the line and the field path, then a message a
person can act on. ``tests/test_validation.py`` covers the scenario rules at the
loader; these cases run end to end through ``dispatch`` and cover what those do
not: YAML itself, types, tags, encodings, limits of dates and numbers, plan
files, the command line's own arguments, and files added to a plan.

A scenario without engineers or without tickets is not bad input: it plans to
an empty or all-unassigned plan that ``check`` accepts (at the end).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import main

BASE = """\
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
BASE_SHA256 = hashlib.sha256(BASE.encode()).hexdigest()
SHA = BASE_SHA256[:12]

# A hand-written plan file of BASE, with every line's content known (read_plan cases).
SMALL_PLAN = f"""\
{{
  "format": "dispatch-plan/1",
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


CASES = [
    # --- YAML itself ------------------------------------------------------------------
    validate(
        "yaml-tab-indent",
        changed(("    client: acme\n    priority: P1", "    client: acme\n\tpriority: P1")),
        Prefix("error: s.yaml:26: YAML syntax error: "),
    ),
    validate(
        "yaml-unclosed-quote",
        changed(("name: bad-inputs base", 'name: "bad-inputs base')),
        Prefix("error: s.yaml:35: YAML syntax error: ", then="(begun on line 2)"),
    ),
    validate(
        "yaml-bad-indent",
        changed(("    client: acme\n    priority: P1", "    client: acme\n   priority: P1")),
        Prefix("error: s.yaml:26: YAML syntax error: "),
    ),
    validate(
        "yaml-two-documents",
        BASE + "---\nname: again\n",
        "error: s.yaml:35: a second YAML document ('---'): give only one",
    ),
    validate(
        "yaml-empty-file", "", "error: s.yaml:1: a scenario must be a YAML mapping (key: value)"
    ),
    validate(
        "yaml-top-level-list",
        "- version: 1\n- name: x\n",
        "error: s.yaml:1: a scenario must be a YAML mapping (key: value)",
    ),
    validate(
        "yaml-nul-byte",
        changed(("name: bad-inputs base", "name: bad\x00inputs")),
        "error: s.yaml:2: character #x0000 is not allowed in YAML (a control character)",
    ),
    validate(
        "yaml-complex-key",
        changed(("sites:\n", "sites:\n  ? [hq, annex]\n  : {lat: 1, lon: 1}\n")),
        "error: s.yaml:13: sites: a mapping key must be a plain value",
    ),
    validate(
        "yaml-alias-without-anchor",
        changed(("    client: acme\n    priority: P1", "    client: *acme\n    priority: P1")),
        "error: s.yaml:25: tickets[0].client: alias '*acme' has no anchor before it",
    ),
    validate(
        "yaml-python-object-tag",
        changed(("name: bad-inputs base", "name: !!python/object/apply:os.system ['echo hi']")),
        f"error: s.yaml:2: name: the tag '!!python/object/apply:os.system' {ONLY_PLAIN}",
    ),
    validate(
        "yaml-python-name-tag-on-a-key",
        changed(("version: 1", "!!python/name:os.system version: 1")),
        f"error: s.yaml:1: the tag '!!python/name:os.system' {ONLY_PLAIN}",
    ),
    validate(
        "yaml-custom-tag",
        changed(("effort: 30m", "effort: !include effort.yaml")),
        f"error: s.yaml:34: tickets[1].effort: the tag '!include' {ONLY_PLAIN}",
    ),
    validate(
        "yaml-binary-tag",
        changed(("name: bad-inputs base", "name: !!binary aGVsbG8=")),
        f"error: s.yaml:2: name: the tag '!!binary' {ONLY_PLAIN}",
    ),
    validate(
        "yaml-set-tag",
        changed(("skills: [windows]", "skills: !!set {windows}")),
        f"error: s.yaml:19: engineers[0].skills: the tag '!!set' {ONLY_PLAIN}",
    ),
    validate(
        "yaml-explicit-int-tag-on-text",
        changed(("priority: P1", "priority: !!int P1")),
        "error: s.yaml:26: tickets[0].priority: 'P1' is not a valid int",
    ),
    validate(
        "yaml-merge-of-a-scalar",
        changed(("  - id: T-1\n", "  - id: T-1\n    <<: 5\n")),
        "error: s.yaml:25: tickets[0]: '<<' merges a mapping or a list of mappings",
    ),
    validate(
        "duplicate-site-id",
        changed(("  home: {lat: 51.45, lon: -0.12}", "  home: {lat: 51.45, lon: -0.12}\n  hq: {}")),
        "error: s.yaml:15: sites.hq: duplicate key",
    ),
    # --- encodings ----------------------------------------------------------------------
    validate("utf16-file", BASE.encode("utf-16"), "error: s.yaml:1: file is not valid UTF-8 text"),
    validate(
        "latin1-byte",
        changed(("effort: 30m", "effort: 30m\n    summary: caf\u00e9 till")).encode("latin-1"),
        "error: s.yaml:35: file is not valid UTF-8 text",
    ),
    # --- wrong types ------------------------------------------------------------------------
    validate(
        "latitude-as-text",
        changed(("hq: {lat: 51.5,", "hq: {lat: north,")),
        "error: s.yaml:13: sites.hq.lat: Input should be a valid number, "
        "unable to parse string as a number (got 'north')",
    ),
    validate(
        "onsite-maybe",
        changed(("onsite: true", "onsite: maybe")),
        "error: s.yaml:33: tickets[1].onsite: Input should be a valid boolean, "
        "unable to interpret input (got 'maybe')",
    ),
    validate(
        "priority-as-number",
        changed(("priority: P1", "priority: 1")),
        "error: s.yaml:26: tickets[0].priority: Input should be a valid string (got 1)",
    ),
    validate(
        "skill-level-as-text",
        changed(("skills: [windows]", "skills: {windows: high}")),
        "error: s.yaml:19: engineers[0].skills.windows: Input should be a valid integer, "
        "unable to parse string as an integer (got 'high')",
    ),
    validate(
        "shifts-as-text",
        changed(
            (
                "    shifts:\n      - {start: 2026-11-30T08:00, end: 2026-11-30T17:00}",
                "    shifts: all day",
            )
        ),
        "error: s.yaml:21: engineers[0].shifts: Input should be a valid list (got 'all day')",
    ),
    validate(
        "tickets-as-a-mapping",
        BASE.split("tickets:")[0] + "tickets:\n  T-1: {client: acme}\n",
        "error: s.yaml:23: tickets: Input should be a valid list (got a mapping)",
    ),
    validate(
        "name-as-a-list",
        changed(("name: bad-inputs base", "name: [bad, inputs]")),
        "error: s.yaml:2: name: Input should be a valid string (got a list)",
    ),
    validate(
        "effort-as-a-float",
        changed(("effort: 30m", "effort: 1.5")),
        "error: s.yaml:34: tickets[1].effort: "
        "Input should be a valid dictionary or instance of Effort (got 1.5)",
    ),
    validate(
        "version-2",
        changed(("version: 1", "version: 2")),
        "error: s.yaml:1: version: Input should be 1 (got 2)",
    ),
    validate(
        "tier-cap-zero",
        changed(("sites:", "policy: {tier_caps: {managed: 0}}\nsites:")),
        "error: s.yaml:12: policy.tier_caps.managed: "
        "Input should be greater than or equal to 1 (got 0)",
    ),
    validate(
        "opened-as-a-number",
        changed(("opened: 2026-11-30T08:30", "opened: 20261130")),
        "error: s.yaml:32: tickets[1].opened: "
        "expected an ISO 8601 date and time such as 2026-11-30T08:00, got 20261130",
    ),
    validate(
        "nan-tier-weight",
        changed(("sites:", "weights: {tiers: {managed: .nan}}\nsites:")),
        "error: s.yaml:12: weights.tiers.managed: Input should be a finite number (got nan)",
    ),
    validate(
        "infinite-travel-speed",
        changed(("sites:", "policy: {travel_speed_kmh: .inf}\nsites:")),
        "error: s.yaml:12: policy.travel_speed_kmh: Input should be a finite number (got inf)",
    ),
    # --- unknown keys ---------------------------------------------------------------------
    validate(
        "unknown-ticket-key-near-a-real-one",
        changed(("onsite: true", "on_site: true")),
        "error: s.yaml:33: tickets[1].on_site: unknown key (did you mean 'onsite'?)",
    ),
    validate(
        "unknown-engineer-key-near-a-real-one",
        changed(("skills: [windows]", "skils: [windows]")),
        "error: s.yaml:19: engineers[0].skils: unknown key (did you mean 'skills'?)",
    ),
    validate(
        "unknown-top-level-key-near-a-real-one",
        changed(("timezone: Europe/London", "time_zone: Europe/London")),
        "error: s.yaml:3: time_zone: unknown key (did you mean 'timezone'?)",
    ),
    validate(
        "unknown-weights-key-near-a-real-one",
        changed(("sites:", "weights: {deferal: 0.1}\nsites:")),
        "error: s.yaml:12: weights.deferal: unknown key (did you mean 'deferral'?)",
    ),
    validate(
        "unknown-site-key",
        changed(("hq: {lat: 51.5, lon: -0.1}", "hq: {lat: 51.5, lon: -0.1, floor: 3}")),
        "error: s.yaml:13: sites.hq.floor: unknown key",
    ),
    # --- missing required fields --------------------------------------------------------
    validate(
        "horizon-missing",
        changed(("horizon: {start: 2026-11-30T08:00, end: 2026-11-30T18:00}\n", "")),
        "error: s.yaml:1: horizon: is required",
    ),
    validate(
        "horizon-end-missing",
        changed(("end: 2026-11-30T18:00}", "}")),
        "error: s.yaml:4: horizon.end: is required",
    ),
    validate(
        "ticket-effort-missing",
        changed(("    effort: {p50: 1h, p90: 2h}\n", "")),
        "error: s.yaml:24: tickets[0].effort: is required",
    ),
    validate(
        "policy-tier-missing",
        changed(("    tier: managed\n", "")),
        "error: s.yaml:6: sla_policies.gold.tier: is required",
    ),
    validate(
        "effort-empty",
        changed(("effort: {p50: 1h, p90: 2h}", "effort: {}")),
        "error: s.yaml:28: tickets[0].effort.p50: is required",
        "error: s.yaml:28: tickets[0].effort.p90: is required",
    ),
    # --- duplicate ids and dangling references -------------------------------------------
    validate(
        "duplicate-engineer-in-flow-style",
        changed(("tickets:\n", "  - {id: alice, onsite: false}\ntickets:\n")),
        "error: s.yaml:23: engineers[1].id: duplicate engineer id 'alice'",
    ),
    validate(
        "duplicate-client-in-flow-style",
        changed(("engineers:\n", "  - {id: acme, sla: gold}\nengineers:\n")),
        "error: s.yaml:17: clients[1].id: duplicate client id 'acme'",
    ),
    validate(
        "unknown-sla-of-a-client",
        changed(("sla: gold, site: hq", "sla: silver, site: hq")),
        "error: s.yaml:16: clients[0].sla: unknown SLA policy 'silver'",
    ),
    Case(
        "travel-matrix-unknown-site",
        ("validate", "s.yaml"),
        ("error: m.csv:3: to: unknown site 'annex'",),
        {
            "s.yaml": changed(("sites:", "travel_matrix: m.csv\nsites:")),
            "m.csv": "from,to,minutes\nhq,home,12\nhq,annex,5\n",
        },
    ),
    Case(
        "travel-matrix-huge-minutes",
        ("validate", "s.yaml"),
        ("error: m.csv:2: minutes: must be a number of minutes from 0 to 10080 (a week)",),
        {
            "s.yaml": changed(("sites:", "travel_matrix: m.csv\nsites:")),
            "m.csv": "from,to,minutes\nhq,home,1e308\n",
        },
    ),
    Case(
        "travel-matrix-field-over-the-csv-limit",
        ("validate", "s.yaml"),
        ("error: m.csv:3: not a readable CSV file: field larger than field limit (131072)",),
        {
            "s.yaml": changed(("sites:", "travel_matrix: m.csv\nsites:")),
            "m.csv": 'from,to,minutes\nhq,home,12\n"' + "x" * 200_000 + '",home,5\n',
        },
    ),
    validate(
        "travel-matrix-name-with-a-nul",
        changed(("sites:", 'travel_matrix: "m\\x00.csv"\nsites:')),
        "error: s.yaml:12: travel_matrix: a file name cannot contain a NUL character",
    ),
    validate(
        "travel-speed-that-makes-travel-endless",
        changed(("sites:", "policy: {travel_speed_kmh: 0.000001}\nsites:")),
        "error: s.yaml:12: policy.travel_speed_kmh: "
        "Input should be greater than or equal to 1 (got 1e-06)",
    ),
    # --- impossible times -----------------------------------------------------------------
    validate(
        "february-30",
        changed(("opened: 2026-11-30T08:00", "opened: 2026-02-30T08:00")),
        "error: s.yaml:27: tickets[0].opened: "
        "'2026-02-30T08:00' is not a valid date and time: day is out of range for month",
    ),
    validate(
        "hour-25",
        changed(
            (
                "effort: 30m",
                "effort: 30m\n    window: {start: 2026-11-30T25:00, end: 2026-11-30T12:00}",
            )
        ),
        "error: s.yaml:35: tickets[1].window.start: "
        "'2026-11-30T25:00' is not a valid date and time: hour must be in 0..23",
    ),
    validate(
        "holiday-in-month-13",
        changed(
            (
                "sla_policies:",
                "calendars:\n  office: {weekly: {mon: 08:00-18:00}, holidays: [2026-13-01]}\n"
                "sla_policies:",
            )
        ),
        "error: s.yaml:6: calendars.office.holidays[0]: "
        "'2026-13-01' is not an ISO 8601 date such as 2026-12-25: month must be in 1..12",
    ),
    validate(
        "business-hours-to-25",
        changed(
            ("sla_policies:", "calendars:\n  office: {weekly: {mon: 08:00-25:00}}\nsla_policies:")
        ),
        "error: s.yaml:6: calendars.office.weekly.mon: '25:00' is not a time of day (HH:MM)",
    ),
    validate(
        "timezone-misspelt",
        changed(("timezone: Europe/London", "timezone: Europe/Londn")),
        "error: s.yaml:3: timezone: 'Europe/Londn' is not a known IANA time zone",
    ),
    validate(
        "timezone-is-a-folder",
        changed(("timezone: Europe/London", "timezone: Europe")),
        "error: s.yaml:3: timezone: 'Europe' is not a known IANA time zone",
    ),
    validate(
        "shift-of-no-length",
        changed(("end: 2026-11-30T17:00}", "end: 2026-11-30T08:00}")),
        "error: s.yaml:22: engineers[0].shifts[0].end: the shift is empty: it ends when it starts",
    ),
    validate(
        "shift-ending-before-it-starts-across-midnight",
        changed(("end: 2026-11-30T17:00}", "end: 2026-11-29T23:00}")),
        "error: s.yaml:22: engineers[0].shifts[0].end: the shift ends before it starts",
    ),
    validate(
        "window-start-in-the-spring-forward-gap",
        changed(
            (
                "effort: 30m",
                "effort: 30m\n    window: {start: 2026-03-29T01:30, end: 2026-11-30T12:00}",
            )
        ),
        "error: s.yaml:35: tickets[1].window.start: local time 2026-03-29T01:30:00 "
        "does not exist in Europe/London (clocks go forward)",
    ),
    validate(
        "responded-in-the-spring-forward-gap",
        changed(("effort: 30m", "effort: 30m\n    responded: 2026-03-29T01:59")),
        "error: s.yaml:35: tickets[1].responded: local time 2026-03-29T01:59:00 "
        "does not exist in Europe/London (clocks go forward)",
    ),
    validate(
        "year-9999",
        changed(("end: 2026-11-30T18:00}", "end: 9999-11-30T18:00}")),
        "error: s.yaml:4: horizon.end: "
        "year 9999 of '9999-11-30T18:00' is not between 1900 and 2200",
    ),
    validate(
        "opened-fifteen-years-ago",
        changed(("opened: 2026-11-30T08:30", "opened: 2011-11-30T08:30")),
        "error: s.yaml:32: tickets[1].opened: "
        "2011-11-30T08:30:00 is more than 10 years from the horizon's start",
    ),
    # --- durations ------------------------------------------------------------------------
    validate(
        "negative-response-target",
        changed(("P2: {response: 2h", "P2: {response: -2h")),
        "error: s.yaml:11: sla_policies.gold.targets.P2.response: "
        "'-2h' is not a duration (use e.g. '90m', '2h', '1h30m' or 'PT1H30M')",
    ),
    validate(
        "zero-resolution-target",
        changed(("resolution: 8h}", "resolution: 0h}")),
        "error: s.yaml:11: sla_policies.gold.targets.P2.resolution: "
        "duration must be positive, got '0h'",
    ),
    validate(
        "zero-minutes-effort",
        changed(("effort: 30m", "effort: 0")),
        "error: s.yaml:34: tickets[1].effort.p50: duration must be positive, got 0",
        "error: s.yaml:34: tickets[1].effort.p90: duration must be positive, got 0",
    ),
    validate(
        "effort-of-centuries",
        changed(("effort: {p50: 1h, p90: 2h}", "effort: {p50: 1h, p90: 99999999999h}")),
        "error: s.yaml:28: tickets[0].effort.p90: duration '99999999999h' is longer than 366 days",
    ),
    # --- empty lists ------------------------------------------------------------------------
    validate(
        "policy-without-targets",
        changed(
            (
                "    targets:\n      P1: {response: 1h, resolution: 4h}\n"
                "      P2: {response: 2h, resolution: 8h}\n",
                "    targets: {}\n",
            )
        ),
        "error: s.yaml:9: sla_policies.gold.targets: no priorities defined",
        "error: s.yaml:24: tickets[0].priority: "
        "priority 'P1' is not in SLA policy 'gold' (it has no targets)",
        "error: s.yaml:29: tickets[1].priority: "
        "priority 'P2' is not in SLA policy 'gold' (it has no targets)",
    ),
    validate(
        "calendar-without-hours",
        changed(("sla_policies:", "calendars:\n  office: {weekly: {}}\nsla_policies:")),
        "error: s.yaml:6: calendars.office.weekly: the calendar has no business hours",
    ),
    validate(
        "tickets-key-with-nothing",
        BASE.split("tickets:")[0] + "tickets:\n",
        "error: s.yaml:23: tickets: Input should be a valid list (got None)",
    ),
    # --- plan files -------------------------------------------------------------------------
    plan_file(
        "plan-truncated",
        SMALL_PLAN[: SMALL_PLAN.index('"unassigned"')],
        "error: p.json:13: not valid JSON: Expecting property name enclosed in double quotes "
        "(column 3)",
    ),
    plan_file("plan-empty", "", "error: p.json:1: not valid JSON: Expecting value (column 1)"),
    plan_file(
        "plan-not-utf8", b'{"format": "\xff"}', "error: p.json:1: file is not valid UTF-8 text"
    ),
    Case(
        "plan-a-json-list-for-impact",
        (*IMPACT, "--add", "job.yaml"),
        ("error: p.json:1: a plan file must be a JSON object",),
        {"s.yaml": BASE, "p.json": "[1, 2]", "job.yaml": JOB},
    ),
    Case(
        "plan-null-for-show",
        ("show", "s.yaml", "p.json"),
        ("error: p.json:1: a plan file must be a JSON object",),
        {"s.yaml": BASE, "p.json": "null"},
    ),
    plan_file(
        "plan-format-2",
        changed(("dispatch-plan/1", "dispatch-plan/2"), text=SMALL_PLAN),
        "error: p.json:2: format: Input should be 'dispatch-plan/1' (got 'dispatch-plan/2')",
    ),
    plan_file(
        "plan-without-kpis",
        changed(
            ('  "kpis": {"by_tier": {}, "travel_minutes": 0}\n', ""),
            ("}],\n", "}]\n"),
            text=SMALL_PLAN,
        ),
        "error: p.json:1: kpis: is required",
    ),
    plan_file(
        "plan-start-not-a-time",
        changed(('"start": "2026-11-30T08:00:00+00:00"', '"start": "soon"'), text=SMALL_PLAN),
        "error: p.json:9: assignments[0].start: "
        "'soon' is not an ISO 8601 date and time such as 2026-11-30T08:00",
    ),
    plan_file(
        "plan-start-as-a-number",
        changed(('"start": "2026-11-30T08:00:00+00:00"', '"start": 1796025600'), text=SMALL_PLAN),
        "error: p.json:9: assignments[0].start: "
        "expected an ISO 8601 date and time such as 2026-11-30T08:00, got 1796025600",
    ),
    plan_file(
        "plan-unknown-reason",
        changed(('"reason": "deferred"', '"reason": "holiday"'), text=SMALL_PLAN),
        "error: p.json:13: unassigned[0].reason: Input should be 'no_eligible_engineer', "
        "'window_unreachable', 'no_capacity' or 'deferred' (got 'holiday')",
    ),
    plan_file(
        "plan-duplicate-key",
        changed(
            ('"format": "dispatch-plan/1",', '"format": "dispatch-plan/1", "format": "x",'),
            text=SMALL_PLAN,
        ),
        "error: p.json:2: format: duplicate key",
    ),
    plan_file(
        "plan-nan-objective",
        changed(('{"total": 0.0,', '{"total": NaN,'), text=SMALL_PLAN),
        "error: p.json: not valid JSON: NaN is not a JSON number",
    ),
    plan_file(
        "plan-nested-far-too-deep",
        "[" * 100_000 + "]" * 100_000,
        "error: p.json: not a plan: JSON nested far too deep",
    ),
    plan_file(
        "plan-reschedule-now-as-a-number",
        changed(
            ('  "kpis"', '  "reschedule": {"now": 5, "events": []},\n  "kpis"'), text=SMALL_PLAN
        ),
        "error: p.json:14: reschedule.now: "
        "expected an ISO 8601 date and time such as 2026-11-30T08:00, got 5",
    ),
    plan_file(
        "plan-reschedule-cut-not-a-mapping",
        changed(
            (
                '  "kpis"',
                '  "reschedule": {"now": "2026-11-30T10:00:00+00:00",\n'
                '    "events": [{"type": "unavailable", "engineer": "alice", "cut": [7]}]},\n'
                '  "kpis"',
            ),
            text=SMALL_PLAN,
        ),
        "error: p.json:15: reschedule.events[0].cut[0]: Input should be a valid dictionary (got 7)",
    ),
    Case(
        "plan-of-another-scenario-for-reschedule",
        (*RESCHEDULE, *RESCHEDULE_OUT),
        (
            "error: p.json: scenario.sha256: this plan belongs to another scenario "
            f"(sha256 {SHA}..., s.yaml is "
            f"{hashlib.sha256((BASE + '# edited').encode()).hexdigest()[:12]}...)",
        ),
        {"s.yaml": BASE + "# edited", "p.json": SMALL_PLAN},
    ),
    Case(
        "plan-of-another-scenario-for-show",
        ("show", "other.yaml", "p.json"),
        (
            "error: p.json: scenario.sha256: this plan belongs to another scenario "
            f"(sha256 {SHA}..., other.yaml is "
            f"{hashlib.sha256((BASE + '# edited').encode()).hexdigest()[:12]}...)",
        ),
        {"other.yaml": BASE + "# edited", "p.json": SMALL_PLAN},
    ),
    Case(
        "plan-naming-an-engineer-the-scenario-lacks",
        (*RESCHEDULE, *RESCHEDULE_OUT),
        ("error: p.json: assignments[0]: names engineer 'zed', who is not in the scenario",),
        {
            "s.yaml": BASE,
            "p.json": changed(('"engineer": "alice"', '"engineer": "zed"'), text=SMALL_PLAN),
        },
    ),
    # --- the command line -------------------------------------------------------------------
    rescheduling(
        "unavailable-unknown-engineer",
        ("--unavailable", "zed"),
        "error: command line: --unavailable: unknown engineer 'zed' (not in the scenario)",
    ),
    rescheduling(
        "unavailable-unknown-engineer-with-period",
        ("--unavailable", "zed@2026-11-30T10:00/2026-11-30T12:00"),
        "error: command line: --unavailable: unknown engineer 'zed' (not in the scenario)",
    ),
    rescheduling(
        "unavailable-from-not-iso",
        ("--unavailable", "alice@noon/2026-11-30T12:00"),
        "error: command line: --unavailable: 'noon' is not an ISO 8601 datetime",
    ),
    rescheduling(
        "unavailable-period-inverted",
        ("--unavailable", "alice@2026-11-30T12:00/2026-11-30T11:00"),
        "error: command line: --unavailable: alice: the period is empty (it must end after it starts, inside the horizon)",
    ),
    rescheduling(
        "unavailable-without-slash",
        ("--unavailable", "alice@2026-11-30T12:00"),
        "error: command line: --unavailable: 'alice@2026-11-30T12:00': give the period as FROM/TO",
    ),
    rescheduling(
        "done-unknown-ticket",
        ("--done", "T-404"),
        "error: command line: --done: unknown ticket 'T-404' (not in the plan)",
    ),
    rescheduling(
        "done-of-a-completed-job",
        ("--done", "T-1"),
        "error: command line: --done: T-1 cannot be marked done: it is already completed "
        "(only running or future jobs can)",
    ),
    rescheduling(
        "overrun-unknown-ticket",
        ("--overrun", "T-404@2026-11-30T12:00"),
        "error: command line: --overrun: unknown ticket 'T-404' (not in the plan)",
    ),
    rescheduling(
        "overrun-without-until",
        ("--overrun", "T-2"),
        "error: command line: --overrun: 'T-2': expected TICKET@UNTIL",
    ),
    rescheduling(
        "overrun-of-a-job-not-running",
        ("--overrun", "T-1@2026-11-30T12:00"),
        "error: command line: --overrun: T-1 is not running at now, so it cannot overrun",
    ),
    with_plan(
        "now-not-iso",
        ("reschedule", "s.yaml", "--plan", "p.json", "--now", "tomorrow", *RESCHEDULE_OUT),
        "error: command line: --now: 'tomorrow' is not an ISO 8601 datetime",
    ),
    with_plan(
        "now-outside-the-horizon",
        ("reschedule", "s.yaml", "--plan", "p.json", "--now", "2026-12-30T10:00", *RESCHEDULE_OUT),
        "error: command line: --now: 2026-12-30T10:00:00 lies outside the horizon "
        "(2026-11-30T08:00:00+00:00 to 2026-11-30T18:00:00+00:00)",
    ),
    with_plan(
        "now-in-the-spring-forward-gap",
        ("impact", "s.yaml", "--plan", "p.json", "--now", "2026-03-29T01:30", "--add", "job.yaml"),
        "error: command line: --now: local time 2026-03-29T01:30:00 does not exist "
        "in Europe/London (clocks go forward)",
        **{"job.yaml": JOB},
    ),
    with_plan(
        "now-empty",
        ("reschedule", "s.yaml", "--plan", "p.json", "--now", "", *RESCHEDULE_OUT),
        "error: command line: --now: '' is not an ISO 8601 datetime",
    ),
    with_plan(
        "show-unknown-engineer",
        ("show", "s.yaml", "p.json", "--engineer", "zed"),
        "error: --engineer: unknown engineer 'zed' (the scenario has alice)",
    ),
    with_plan(
        "export-unknown-engineer",
        ("export", "s.yaml", "p.json", "--format", "csv", "-o", "x.csv", "--engineer", "zed"),
        "error: --engineer: unknown engineer 'zed' (the scenario has alice)",
    ),
    with_plan(
        "explain-unknown-ticket",
        ("explain", "s.yaml", "p.json", "T-404"),
        "error: s.yaml: unknown ticket 'T-404': neither the scenario nor the plan has it",
    ),
    Case(
        "limit-set-to-nonsense",
        ("validate", "s.yaml"),
        ("error: DISPATCH_MAX_TICKETS: must be a whole number of tickets above 0, got 'lots'",),
        {"s.yaml": BASE},
        {"DISPATCH_MAX_TICKETS": "lots"},
    ),
    # --- files of added tickets ---------------------------------------------------------------
    rescheduling(
        "add-ticket-id-already-in-the-plan",
        ("--add", "a.yaml"),
        "error: a.yaml:2: tickets[0].id: ticket id 'T-1' is already in the plan",
        **{"a.yaml": changed(("T-9", "T-1"), text=JOB)},
    ),
    rescheduling(
        "add-ticket-id-twice-in-one-file",
        ("--add", "a.yaml"),
        "error: a.yaml:7: tickets[1].id: ticket id 'T-9' is already in the plan",
        **{"a.yaml": JOB + JOB.removeprefix("tickets:\n")},
    ),
    rescheduling(
        "add-ticket-id-in-two-files",
        ("--add", "a.yaml", "--add", "b.yaml"),
        "error: b.yaml:2: tickets[0].id: ticket id 'T-9' is already in the plan",
        **{"a.yaml": JOB, "b.yaml": JOB},
    ),
    rescheduling(
        "add-unknown-client",
        ("--add", "a.yaml"),
        "error: a.yaml:3: tickets[0].client: unknown client 'zenith'",
        **{"a.yaml": changed(("client: acme", "client: zenith"), text=JOB)},
    ),
    rescheduling(
        "add-unknown-engineer",
        ("--add", "a.yaml"),
        "error: a.yaml:7: tickets[0].assigned_to: unknown engineer 'bob'",
        **{"a.yaml": JOB + "    assigned_to: bob\n"},
    ),
    rescheduling(
        "add-p90-below-p50",
        ("--add", "a.yaml"),
        "error: a.yaml:6: tickets[0].effort.p90: p90 must not be less than p50",
        **{"a.yaml": changed(("effort: 1h", "effort: {p50: 2h, p90: 1h}"), text=JOB)},
    ),
    rescheduling(
        "add-empty-list",
        ("--add", "a.yaml"),
        "error: a.yaml:1: tickets: the list is empty: a file of added tickets needs at least one",
        **{"a.yaml": "tickets: []\n"},
    ),
    rescheduling(
        "add-a-whole-scenario",
        ("--add", "a.yaml"),
        "error: a.yaml:1: this is a scenario; a file of added tickets holds only a 'tickets:' list",
        **{"a.yaml": BASE},
    ),
    with_plan(
        "impact-unknown-client",
        (*IMPACT, "--add", "job.yaml"),
        "error: job.yaml:3: tickets[0].client: unknown client 'zenith'",
        **{"job.yaml": changed(("client: acme", "client: zenith"), text=JOB)},
    ),
    # --- missing files ------------------------------------------------------------------------
    Case(
        "missing-scenario",
        ("validate", "nope.yaml"),
        ("error: nope.yaml: scenario file not found",),
    ),
    with_plan(
        "missing-plan-for-check",
        ("check", "s.yaml", "gone.json"),
        "error: gone.json: plan file not found",
    ),
    with_plan(
        "missing-base-plan-for-check",
        ("check", "s.yaml", "p.json", "--base", "gone.json"),
        "error: gone.json: plan file not found",
    ),
    rescheduling(
        "missing-added-file", ("--add", "gone.yaml"), "error: gone.yaml: ticket file not found"
    ),
    Case(
        "missing-travel-matrix",
        ("validate", "s.yaml"),
        ("error: gone.csv: travel matrix not found",),
        {"s.yaml": changed(("sites:", "travel_matrix: gone.csv\nsites:"))},
    ),
]


# --- running the cases --------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_plan(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The plan dispatch makes of BASE (one short solve for the whole module)."""
    folder = tmp_path_factory.mktemp("real-plan")
    (folder / "s.yaml").write_text(BASE, encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            *("plan", str(folder / "s.yaml"), "-o", str(folder / "p.json")),
            *("--time-limit", "1", "--workers", "1", "--quiet"),
        ],
    )
    assert result.exit_code == 0, result.output
    return (folder / "p.json").read_text(encoding="utf-8")


def test_there_are_at_least_sixty_cases() -> None:
    assert len(CASES) >= 60
    assert len({case.id for case in CASES}) == len(CASES), "case ids are unique"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_gets_one_exact_message_and_exit_2(
    case: Case, real_plan: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, content in case.files.items():
        content = real_plan if content == REAL_PLAN else content
        if isinstance(content, bytes):
            (tmp_path / name).write_bytes(content)
        else:
            (tmp_path / name).write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # file names in the messages stay as typed: s.yaml
    result = CliRunner().invoke(main, list(case.args), env=case.env)
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.output + result.stderr
    assert result.exit_code == 2, result.output + result.stderr
    assert len(lines) == len(case.expected), result.stderr
    for line, expected in zip(lines, case.expected, strict=True):
        if isinstance(expected, Prefix):
            assert line.startswith(expected.text) and expected.then in line, line
        else:
            assert line == expected
    assert not {"n.json", "x.csv"} & {path.name for path in tmp_path.iterdir()}, (
        "nothing is written on bad input"
    )


# --- empty days are not bad input ----------------------------------------------------------

NO_ENGINEERS = (
    BASE.split("engineers:")[0] + "engineers: []\n" + "tickets:" + BASE.split("tickets:")[1]
)
NO_TICKETS = BASE.split("tickets:")[0] + "tickets: []\n"
NOTHING = BASE.split("engineers:")[0] + "engineers: []\ntickets: []\n"


@pytest.mark.parametrize(
    ("text", "assigned", "unassigned"),
    [(NO_ENGINEERS, 0, 2), (NO_TICKETS, 0, 0), (NOTHING, 0, 0)],
    ids=["no-engineers", "no-tickets", "neither"],
)
def test_an_empty_day_plans_and_checks(
    text: str, assigned: int, unassigned: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No engineers: both tickets unassigned with reason no_eligible_engineer; no tickets:
    an empty plan. Either way a valid plan that check accepts (exit 0), not an error."""
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["validate", "s.yaml"]).exit_code == 0
    made = runner.invoke(
        main, ["plan", "s.yaml", "-o", "p.json", "--time-limit", "1", "--workers", "1", "--quiet"]
    )
    assert made.exit_code == 0, made.output + made.stderr
    plan = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert len(plan["assignments"]) == assigned
    assert len(plan["unassigned"]) == unassigned
    assert {entry["reason"] for entry in plan["unassigned"]} <= {"no_eligible_engineer"}
    checked = runner.invoke(main, ["check", "s.yaml", "p.json"])
    assert checked.exit_code == 0, checked.output + checked.stderr
    assert "plan OK" in checked.output
