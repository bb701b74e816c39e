"""Scenario validation (SPEC "Scenario file", "Validation", "Time and units").

Every test starts from one small valid scenario (the SPEC example, trimmed),
changes exactly one thing and expects the loader to refuse it with an issue
that names the file, the line and the field path, so that a dispatcher can go
straight to the mistake. Expected lines are looked up in the mutated YAML text
itself (``line_of``), never hard-coded, so the tests say *which* line is meant.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from dispatcher.errors import InputError, InputIssue
from dispatcher.io.loader import load_scenario, load_scenario_text
from dispatcher.semantics.problem import Problem

FILENAME = "base.yaml"

BASE = """\
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

SECOND_ENGINEER = """\
  - id: bob
    skills: {windows: 1}
    home: alice-home
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T17:00}
"""


# --- helpers -----------------------------------------------------------------


def mutate(text: str, old: str, new: str) -> str:
    """Replace the one occurrence of ``old`` (a mutation must be unambiguous)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in the base scenario"
    return text.replace(old, new)


def add_after(text: str, anchor: str, lines: str) -> str:
    """Insert ``lines`` right after the one line that contains ``anchor``."""
    assert text.count(anchor) == 1, f"{anchor!r} occurs {text.count(anchor)} times"
    head, tail = text.split(anchor, 1)
    end_of_line = tail.index("\n") + 1
    return head + anchor + tail[:end_of_line] + lines + tail[end_of_line:]


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line containing ``needle``."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} not found {occurrence} time(s)"
    return hits[occurrence - 1]


def load(text: str) -> Problem:
    return load_scenario_text(text, filename=FILENAME)


def issues_of(text: str) -> list[InputIssue]:
    with pytest.raises(InputError) as caught:
        load(text)
    issues = caught.value.issues
    assert issues, "an InputError must carry at least one issue"
    for issue in issues:
        assert issue.file == FILENAME, f"every issue names the file: {issue}"
    return issues


def only_issue(text: str) -> InputIssue:
    """The mutation broke exactly one rule, so exactly one issue is expected."""
    issues = issues_of(text)
    assert len(issues) == 1, "expected exactly one issue, got:\n" + "\n".join(map(str, issues))
    return issues[0]


def assert_issue(issue: InputIssue, path: str, line: int | None, phrase: str) -> None:
    assert issue.path == path, str(issue)
    assert issue.line == line, str(issue)
    assert phrase.lower() in issue.message.lower(), str(issue)


def expect(text: str, path: str, line: int | None, phrase: str) -> InputIssue:
    issue = only_issue(text)
    assert_issue(issue, path, line, phrase)
    return issue


# --- the base is valid ---------------------------------------------------------


def test_base_scenario_is_valid() -> None:
    """The trimmed SPEC example loads; every mutation below is then the only fault."""
    problem = load(BASE)
    assert [t.id for t in problem.tickets] == ["T-1001", "T-1002"]
    assert [e.id for e in problem.engineers] == ["alice"]
    assert problem.name == "Validation base"


def test_issue_text_names_file_line_and_path() -> None:
    """str(issue) reads 'file:line: path: message', the form printed on the command line."""
    text = mutate(BASE, "effort: {p50: 1h, p90: 3h}", "effort: {p50: 3h, p90: 1h}")
    issue = only_issue(text)
    line = line_of(text, "effort: {p50: 3h, p90: 1h}")
    assert str(issue) == f"{FILENAME}:{line}: tickets[0].effort.p90: {issue.message}"


# --- shapes and types ----------------------------------------------------------


def test_unknown_key_is_an_error_at_its_line() -> None:
    """A typo'd or invented field must not be silently ignored."""
    text = add_after(BASE, "summary: Firewall down at HQ", "    colour: red\n")
    expect(text, "tickets[0].colour", line_of(text, "colour: red"), "unknown key")


def test_unknown_top_level_key_is_an_error() -> None:
    text = add_after(BASE, "name: Validation base", "horizn: {start: 2026-11-30T08:00}\n")
    expect(text, "horizn", line_of(text, "horizn:"), "unknown key")


@pytest.mark.parametrize(
    ("value", "phrase"),
    [("0m", "positive"), ("-5m", "duration"), ("abc", "duration"), ("PT0M", "positive")],
)
def test_bad_durations_are_errors(value: str, phrase: str) -> None:
    """Zero, negative and unparsable durations are refused where a positive one is needed."""
    text = mutate(BASE, "effort: {p50: 30m, p90: 1h}", f"effort: {{p50: {value}, p90: 1h}}")
    expect(text, "tickets[1].effort.p50", line_of(text, f"p50: {value},"), phrase)


def test_days_on_an_office_clock_target_are_an_error() -> None:
    """'1d' means 24 elapsed hours, which only makes sense on a 24x7 clock."""
    text = mutate(
        BASE, "P1: {response: 30m, resolution: 4h}", "P1: {response: 30m, resolution: 1d}"
    )
    expect(
        text,
        "sla_policies.managed-gold.targets.P1.resolution",
        line_of(text, "P1: {response: 30m, resolution: 1d}"),
        "24x7",
    )


def test_iso_days_on_an_office_clock_target_are_an_error() -> None:
    """'P1D' is the ISO spelling of '1d' and is refused the same way."""
    text = mutate(BASE, "P2: {response: 1h, resolution: 8h}", "P2: {response: P1D, resolution: 8h}")
    expect(
        text,
        "sla_policies.managed-gold.targets.P2.response",
        line_of(text, "P2: {response: P1D"),
        "24x7",
    )


def test_days_on_a_24x7_target_are_allowed_and_mean_24_hours() -> None:
    """The base's break-fix policy uses 'resolution: 1d' on a 24x7 clock: valid, 1440 minutes."""
    problem = load(BASE)
    target = problem.scenario.sla_policies["break-fix"].targets["P1"]
    assert target.resolution.minutes == 24 * 60


def test_days_in_an_effort_are_an_error() -> None:
    """SPEC 'Time and units': '1d'/'P1D' are allowed only for SLA targets on a 24x7 clock."""
    text = mutate(BASE, "effort: {p50: 30m, p90: 1h}", "effort: {p50: 30m, p90: 1d}")
    expect(text, "tickets[1].effort.p90", line_of(text, "p90: 1d"), "day")


def test_unknown_timezone_is_an_error() -> None:
    text = mutate(BASE, "timezone: Europe/London", "timezone: Mars/Olympus_Mons")
    expect(text, "timezone", line_of(text, "timezone:"), "time zone")


# --- YAML and file level -------------------------------------------------------


def test_bad_yaml_syntax_reports_its_line() -> None:
    """A plain scalar with ': ' inside is a YAML syntax error at that line."""
    text = mutate(BASE, "summary: Printer offline", "summary: Printer: offline")
    issue = only_issue(text)
    assert issue.line == line_of(text, "summary: Printer: offline"), str(issue)
    assert "yaml" in issue.message.lower(), str(issue)


def test_unclosed_flow_mapping_is_a_yaml_error_with_a_line() -> None:
    text = mutate(BASE, "effort: {p50: 30m, p90: 1h}", "effort: {p50: 30m, p90: 1h")
    issue = only_issue(text)
    assert issue.line is not None and issue.line >= line_of(text, "effort: {p50: 30m, p90: 1h"), (
        str(issue)
    )
    assert "yaml" in issue.message.lower(), str(issue)


def test_duplicate_yaml_key_is_an_error() -> None:
    """YAML would silently keep the last value; a dispatcher must be told instead."""
    text = add_after(BASE, "priority: P2", "    priority: P1\n")
    expect(
        text, "tickets[1].priority", line_of(text, "priority: P1", occurrence=2), "duplicate key"
    )


def test_non_utf8_file_is_an_error_naming_file_and_line(tmp_path: Any) -> None:
    """A byte that is not UTF-8 is reported with the file and the line it sits on."""
    path = tmp_path / "latin1.yaml"
    text = mutate(BASE, "summary: Printer offline", "summary: Printer offline caf\u00e9")
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    (issue,) = caught.value.issues
    assert issue.file == str(path)
    assert issue.line == line_of(text, "Printer offline caf"), str(issue)
    assert "utf-8" in issue.message.lower(), str(issue)


def test_missing_file_is_an_input_error(tmp_path: Any) -> None:
    with pytest.raises(InputError) as caught:
        load_scenario(tmp_path / "nope.yaml")
    assert "not found" in str(caught.value)


# --- duplicate ids -------------------------------------------------------------


def test_duplicate_ticket_id() -> None:
    text = mutate(BASE, "- id: T-1002", "- id: T-1001")
    expect(text, "tickets[1].id", line_of(text, "- id: T-1001", occurrence=2), "duplicate")


def test_duplicate_engineer_id() -> None:
    text = add_after(BASE, "- {start: 2026-12-01T08:00, end: 2026-12-01T17:00}", SECOND_ENGINEER)
    text = mutate(text, "- id: bob", "- id: alice")
    expect(text, "engineers[1].id", line_of(text, "- id: alice", occurrence=2), "duplicate")


def test_duplicate_client_id() -> None:
    """The duplicate repeats the same SLA and site, so the id is the only fault."""
    text = add_after(
        BASE,
        "preferred_engineers: [alice]",
        "  - {id: northwind, sla: managed-gold, site: northwind-hq}\n",
    )
    expect(text, "clients[1].id", line_of(text, "- {id: northwind, sla: managed-gold"), "duplicate")


# --- references to unknown ids -------------------------------------------------


def test_unknown_client_on_a_ticket() -> None:
    text = mutate(
        BASE,
        "    client: northwind\n    summary: Printer offline",
        "    client: southwind\n    summary: Printer offline",
    )
    expect(text, "tickets[1].client", line_of(text, "client: southwind"), "unknown client")


def test_unknown_sla_policy_on_a_client() -> None:
    text = mutate(BASE, "sla: managed-gold", "sla: managed-platinum")
    expect(text, "clients[0].sla", line_of(text, "sla: managed-platinum"), "unknown sla policy")


def test_unknown_calendar_as_a_policy_clock() -> None:
    text = mutate(BASE, "clock: office", "clock: weekend")
    expect(
        text, "sla_policies.managed-gold.clock", line_of(text, "clock: weekend"), "unknown calendar"
    )


def test_unknown_site_on_a_client() -> None:
    """The client's own line is named; its tickets, which inherit the site, may be named too."""
    text = mutate(BASE, "site: northwind-hq", "site: southwind-hq")
    issues = issues_of(text)
    assert_issue(issues[0], "clients[0].site", line_of(text, "site: southwind-hq"), "unknown site")
    for issue in issues:
        assert "southwind-hq" in issue.message, str(issue)


def test_unknown_site_on_a_ticket() -> None:
    text = add_after(BASE, "summary: Printer offline", "    site: moon-base\n")
    expect(text, "tickets[1].site", line_of(text, "site: moon-base"), "unknown site")


def test_unknown_home_site_of_an_engineer() -> None:
    text = mutate(BASE, "home: alice-home", "home: bobs-home")
    expect(text, "engineers[0].home", line_of(text, "home: bobs-home"), "unknown site")


def test_unknown_engineer_in_assigned_to() -> None:
    text = mutate(BASE, "assigned_to: alice", "assigned_to: carol")
    expect(text, "tickets[0].assigned_to", line_of(text, "assigned_to: carol"), "unknown engineer")


def test_unknown_engineer_in_preferred_engineers() -> None:
    text = mutate(BASE, "preferred_engineers: [alice]", "preferred_engineers: [alice, carol]")
    expect(
        text,
        "clients[0].preferred_engineers[1]",
        line_of(text, "preferred_engineers: [alice, carol]"),
        "unknown engineer",
    )


def test_unknown_tier_on_a_policy() -> None:
    """A policy's tier must be a key of weights.tiers (defaults: managed, break_fix)."""
    text = mutate(BASE, "tier: break_fix", "tier: break-fix")
    expect(text, "sla_policies.break-fix.tier", line_of(text, "tier: break-fix"), "unknown tier")


def test_unknown_tier_in_tier_caps() -> None:
    text = add_after(BASE, "holidays: [2026-12-25]", "policy:\n  tier_caps: {gold: 1}\n")
    expect(text, "policy.tier_caps.gold", line_of(text, "tier_caps: {gold: 1}"), "unknown tier")


def test_tier_added_in_weights_is_known() -> None:
    """weights.tiers is merged into the defaults, so a new tier there may be used and capped."""
    text = add_after(
        BASE,
        "holidays: [2026-12-25]",
        "weights:\n  tiers: {gold: 20}\npolicy:\n  tier_caps: {gold: 1}\n",
    )
    text = mutate(text, "tier: break_fix", "tier: gold")
    problem = load(text)
    assert problem.tier_caps == {"gold": 1}


def test_priority_missing_from_policy_targets() -> None:
    """managed-gold in the base defines P1 and P2 only."""
    text = mutate(BASE, "priority: P2", "priority: P3")
    expect(text, "tickets[1].priority", line_of(text, "priority: P3"), "not in sla policy")


# --- shifts --------------------------------------------------------------------


def test_overlapping_shifts() -> None:
    text = mutate(
        BASE,
        "- {start: 2026-11-30T13:00, end: 2026-11-30T17:00}",
        "- {start: 2026-11-30T12:00, end: 2026-11-30T17:00}",
    )
    expect(
        text,
        "engineers[0].shifts[1]",
        line_of(text, "- {start: 2026-11-30T12:00, end: 2026-11-30T17:00}"),
        "overlap",
    )


def test_inverted_shift() -> None:
    text = mutate(
        BASE,
        "- {start: 2026-11-30T13:00, end: 2026-11-30T17:00}",
        "- {start: 2026-11-30T17:00, end: 2026-11-30T13:00}",
    )
    expect(
        text,
        "engineers[0].shifts[1].end",
        line_of(text, "- {start: 2026-11-30T17:00, end: 2026-11-30T13:00}"),
        "ends before it starts",
    )


def test_shift_outside_the_horizon() -> None:
    """The horizon ends 2026-12-01T18:00; a shift until 19:00 runs past it."""
    text = mutate(
        BASE,
        "- {start: 2026-12-01T08:00, end: 2026-12-01T17:00}",
        "- {start: 2026-12-01T08:00, end: 2026-12-01T19:00}",
    )
    expect(
        text,
        "engineers[0].shifts[2]",
        line_of(text, "- {start: 2026-12-01T08:00, end: 2026-12-01T19:00}"),
        "outside the horizon",
    )


def test_shift_before_the_horizon() -> None:
    text = mutate(
        BASE,
        "- {start: 2026-11-30T08:00, end: 2026-11-30T12:30}",
        "- {start: 2026-11-30T07:00, end: 2026-11-30T12:30}",
    )
    expect(
        text,
        "engineers[0].shifts[0]",
        line_of(text, "- {start: 2026-11-30T07:00, end: 2026-11-30T12:30}"),
        "outside the horizon",
    )


def test_onsite_engineer_without_home() -> None:
    """The travel walk starts each day at home, so an on-site engineer needs one."""
    text = mutate(BASE, "    home: alice-home\n", "")
    issue = expect(text, "engineers[0].home", line_of(text, "- id: alice"), "home")
    assert issue.line is not None


def test_remote_engineer_without_home_is_fine() -> None:
    """onsite: false needs no home (and then cannot take the on-site booking, so drop it)."""
    text = mutate(BASE, "    home: alice-home\n    onsite: true\n", "    onsite: false\n")
    text = mutate(text, "    onsite: true\n", "")
    problem = load(text)
    assert problem.engineers[0].home is None
    assert problem.engineers[0].onsite is False


def test_horizon_that_ends_before_it_starts() -> None:
    text = mutate(BASE, "end: 2026-12-01T18:00}", "end: 2026-11-29T18:00}")
    issues = issues_of(text)
    assert_issue(issues[0], "horizon.end", line_of(text, "horizon:"), "ends before it starts")


# --- tickets -------------------------------------------------------------------


def test_p90_less_than_p50() -> None:
    text = mutate(BASE, "effort: {p50: 1h, p90: 3h}", "effort: {p50: 3h, p90: 1h}")
    expect(text, "tickets[0].effort.p90", line_of(text, "effort: {p50: 3h, p90: 1h}"), "p90")


def test_p90_on_its_own_line_is_reported_at_that_line() -> None:
    """In block style the p90 line, not the effort line, is the one named."""
    text = mutate(BASE, "effort: {p50: 1h, p90: 3h}", "effort:\n      p50: 3h\n      p90: 1h")
    expect(text, "tickets[0].effort.p90", line_of(text, "p90: 1h"), "p90")


def test_fixed_start_without_assigned_to() -> None:
    text = mutate(BASE, "    assigned_to: alice\n", "")
    expect(text, "tickets[0].fixed_start", line_of(text, "fixed_start:"), "assigned_to")


def test_window_that_ends_before_it_starts() -> None:
    text = add_after(
        BASE,
        "summary: Printer offline",
        "    window: {start: 2026-11-30T11:00, end: 2026-11-30T09:00}\n",
    )
    expect(text, "tickets[1].window.end", line_of(text, "window:"), "ends before it starts")


def test_fixed_start_before_opened() -> None:
    """Nobody can keep an appointment booked before the call came in."""
    text = mutate(BASE, "opened: 2026-11-30T07:40", "opened: 2026-11-30T09:30")
    expect(
        text,
        "tickets[0].fixed_start",
        line_of(text, "fixed_start:"),
        "before the ticket was opened",
    )


# --- booked appointments that cannot all hold ---------------------------------


def test_appointment_outside_the_engineers_shifts() -> None:
    """12:45 is in Alice's lunch break (12:30-13:00)."""
    text = mutate(BASE, "fixed_start: 2026-11-30T09:00", "fixed_start: 2026-11-30T12:45")
    expect(text, "tickets[0].fixed_start", line_of(text, "fixed_start:"), "shifts")


def test_appointment_for_an_engineer_without_the_skill() -> None:
    """T-1001 needs networking 3; Alice has 2."""
    text = mutate(BASE, "skills: {networking: 2}", "skills: {networking: 3}")
    expect(text, "tickets[0].fixed_start", line_of(text, "fixed_start:"), "cannot take")


def test_onsite_appointment_for_a_remote_engineer() -> None:
    """An on-site booking for an engineer with onsite: false cannot hold."""
    text = mutate(BASE, "    onsite: true\n    shifts:", "    onsite: false\n    shifts:")
    expect(text, "tickets[0].fixed_start", line_of(text, "fixed_start:"), "cannot take")


def test_two_overlapping_appointments() -> None:
    """T-1001 runs 09:00-10:00 for Alice; T-1002 booked at 09:30 for her overlaps it."""
    text = add_after(
        BASE,
        "skills: [windows]",
        "    assigned_to: alice\n    fixed_start: 2026-11-30T09:30\n",
    )
    issues = issues_of(text)
    assert_issue(
        issues[0],
        "tickets[1].fixed_start",
        line_of(text, "fixed_start: 2026-11-30T09:30"),
        "overlap",
    )


def test_overlapping_appointments_are_reported_once_as_an_overlap() -> None:
    """T-1002 is remote work and needs no travel: only the overlap is wrong."""
    text = add_after(
        BASE,
        "skills: [windows]",
        "    assigned_to: alice\n    fixed_start: 2026-11-30T09:30\n",
    )
    expect(
        text, "tickets[1].fixed_start", line_of(text, "fixed_start: 2026-11-30T09:30"), "overlap"
    )


def test_two_onsite_appointments_too_close_for_the_travel() -> None:
    """T-1001 ends at HQ (Clerkenwell) at 10:00; Enfield is ~30 minutes away, not 5."""
    text = add_after(
        BASE,
        "skills: [windows]",
        "    onsite: true\n    site: enfield-depot\n"
        "    assigned_to: alice\n    fixed_start: 2026-11-30T10:05\n",
    )
    expect(text, "tickets[1].fixed_start", line_of(text, "fixed_start: 2026-11-30T10:05"), "travel")


def test_two_onsite_appointments_with_room_for_the_travel_hold() -> None:
    """The same two visits an hour apart are fine: the travel check is not over-eager."""
    text = add_after(
        BASE,
        "skills: [windows]",
        "    onsite: true\n    site: enfield-depot\n"
        "    assigned_to: alice\n    fixed_start: 2026-11-30T11:00\n",
    )
    problem = load(text)
    assert problem.tickets[1].fixed_start is not None


def test_appointment_running_past_the_last_shift() -> None:
    """A one-hour booking at 16:30 on the last day cannot finish inside Alice's shifts."""
    text = mutate(BASE, "fixed_start: 2026-11-30T09:00", "fixed_start: 2026-12-01T16:30")
    expect(text, "tickets[0].fixed_start", line_of(text, "fixed_start:"), "shifts")


def test_appointment_outside_its_own_window() -> None:
    text = add_after(
        BASE,
        "fixed_start: 2026-11-30T09:00",
        "    window: {start: 2026-11-30T10:00, end: 2026-11-30T11:00}\n",
    )
    expect(text, "tickets[0].fixed_start", line_of(text, "fixed_start:"), "window")


def test_booked_jobs_over_a_tier_cap() -> None:
    """Two break-fix bookings at once for two engineers break the default cap of one."""
    text = add_after(BASE, "- {start: 2026-12-01T08:00, end: 2026-12-01T17:00}", SECOND_ENGINEER)
    text = mutate(text, "    sla: managed-gold\n", "    sla: break-fix\n")
    text = mutate(text, "priority: P2", "priority: P1")
    text = add_after(
        text, "skills: [windows]", "    assigned_to: bob\n    fixed_start: 2026-11-30T09:30\n"
    )
    expect(
        text, "tickets[1].fixed_start", line_of(text, "fixed_start: 2026-11-30T09:30"), "tier_caps"
    )


# --- local times ----------------------------------------------------------------


def test_local_time_in_the_spring_forward_gap_is_an_error() -> None:
    """In Europe/London 2026-03-29 01:00-02:00 does not exist (clocks go forward)."""
    text = mutate(BASE, "opened: 2026-11-30T08:10", "opened: 2026-03-29T01:30")
    expect(text, "tickets[1].opened", line_of(text, "opened: 2026-03-29T01:30"), "does not exist")


def test_ambiguous_autumn_local_time_means_its_first_occurrence() -> None:
    """2026-10-25 01:30 happens twice in London; the first is BST, i.e. 00:30 UTC."""
    text = mutate(BASE, "opened: 2026-11-30T08:10", "opened: 2026-10-25T01:30")
    problem = load(text)
    opened = problem.origin + dt.timedelta(minutes=problem.tickets[1].opened)
    assert opened == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)


def test_horizon_start_in_the_spring_forward_gap_names_horizon_start() -> None:
    text = mutate(BASE, "horizon: {start: 2026-11-30T08:00", "horizon: {start: 2026-03-29T01:30")
    expect(text, "horizon.start", line_of(text, "horizon:"), "does not exist")


def test_shift_end_in_the_spring_forward_gap_names_the_field() -> None:
    text = mutate(
        BASE,
        "- {start: 2026-11-30T13:00, end: 2026-11-30T17:00}",
        "- {start: 2026-11-30T13:00, end: 2026-03-29T01:30}",
    )
    expect(
        text, "engineers[0].shifts[1].end", line_of(text, "end: 2026-03-29T01:30"), "does not exist"
    )


def test_offset_datetimes_are_taken_as_given() -> None:
    """A datetime with an offset is that instant, whatever the scenario's zone: 08:10+01:00 is 07:10 UTC."""
    text = mutate(BASE, "opened: 2026-11-30T08:10", "opened: 2026-11-30T08:10+01:00")
    problem = load(text)
    assert problem.tickets[1].opened == -50


def test_local_times_are_read_in_the_scenario_timezone() -> None:
    """The horizon starts 08:00 London time, which in winter (GMT) is 08:00 UTC."""
    problem = load(BASE)
    assert problem.origin == dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


# --- convenient forms -------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["PT1H30M", "90m", "1h30m"])
def test_duration_spellings_give_90_minutes(spelling: str) -> None:
    text = mutate(BASE, "effort: {p50: 30m, p90: 1h}", f"effort: {{p50: {spelling}, p90: 2h}}")
    problem = load(text)
    assert problem.tickets[1].p50 == 90
    assert problem.tickets[1].p90 == 120


def test_durations_round_up_to_whole_minutes() -> None:
    """The planning resolution is one minute: 90 seconds is 2 minutes."""
    text = mutate(BASE, "effort: {p50: 30m, p90: 1h}", "effort: {p50: PT90S, p90: 1h}")
    assert load(text).tickets[1].p50 == 2


def test_skills_as_a_list_mean_level_one() -> None:
    """T-1002 says 'skills: [windows]'; an engineer list works the same way."""
    text = mutate(
        BASE, "skills: {windows: 3, networking: 2}", "skills: [windows, networking, linux]"
    )
    text = mutate(text, "skills: {networking: 2}", "skills: {networking: 1}")
    problem = load(text)
    assert problem.tickets[1].skills == {"windows": 1}
    assert problem.engineers[0].skills == {"windows": 1, "networking": 1, "linux": 1}


def test_effort_as_one_duration_means_no_uncertainty() -> None:
    text = mutate(BASE, "effort: {p50: 30m, p90: 1h}", "effort: 45m")
    ticket = load(text).tickets[1]
    assert ticket.p50 == ticket.p90 == 45
    assert ticket.sigma == 0


def test_load_from_a_dict() -> None:
    """The API loads plain data too (e.g. parsed JSON); the result equals the YAML one."""
    data = yaml.safe_load(BASE)
    problem = load_scenario(data)
    from_text = load(BASE)
    assert [t.id for t in problem.tickets] == ["T-1001", "T-1002"]
    assert [(t.p50, t.p90, t.opened, t.fixed_start) for t in problem.tickets] == [
        (t.p50, t.p90, t.opened, t.fixed_start) for t in from_text.tickets
    ]
    assert problem.origin == from_text.origin


def test_invalid_dict_still_names_the_field_path() -> None:
    """A dict has no lines, but the field path still tells where the mistake is."""
    data = yaml.safe_load(BASE)
    data["tickets"][0]["effort"] = {"p50": "3h", "p90": "1h"}
    with pytest.raises(InputError) as caught:
        load_scenario(data)
    assert [issue.path for issue in caught.value.issues] == ["tickets[0].effort.p90"]


def test_load_from_a_path(tmp_path: Any) -> None:
    path = tmp_path / "base.yaml"
    path.write_text(BASE, encoding="utf-8")
    assert len(load_scenario(path).tickets) == 2
    assert len(load_scenario(str(path)).tickets) == 2


# --- all errors together ------------------------------------------------------------


def test_several_cross_reference_errors_are_reported_together() -> None:
    """Fixing one mistake at a time would be slow: every error of the file comes at once."""
    text = mutate(BASE, "effort: {p50: 1h, p90: 3h}", "effort: {p50: 3h, p90: 1h}")
    text = mutate(text, "priority: P2", "priority: P3")
    text = mutate(text, "tier: break_fix", "tier: breakfix")
    text = mutate(
        text,
        "- {start: 2026-12-01T08:00, end: 2026-12-01T17:00}",
        "- {start: 2026-12-01T08:00, end: 2026-12-01T19:00}",
    )
    text = mutate(text, "home: alice-home", "home: nowhere")
    issues = issues_of(text)
    found = {issue.path: issue.line for issue in issues}
    assert found == {
        "tickets[0].effort.p90": line_of(text, "effort: {p50: 3h, p90: 1h}"),
        "tickets[1].priority": line_of(text, "priority: P3"),
        "sla_policies.break-fix.tier": line_of(text, "tier: breakfix"),
        "engineers[0].shifts[2]": line_of(text, "end: 2026-12-01T19:00"),
        "engineers[0].home": line_of(text, "home: nowhere"),
    }


def test_several_shape_errors_are_reported_together() -> None:
    """Type and shape errors are also all reported, each at its own line."""
    text = add_after(BASE, "summary: Firewall down at HQ", "    colour: red\n")
    text = mutate(text, "effort: {p50: 30m, p90: 1h}", "effort: {p50: abc, p90: 1h}")
    text = mutate(text, "{lat: 51.6523, lon: -0.0807}", "{lat: 151.6523, lon: -0.0807}")
    issues = issues_of(text)
    found = {issue.path: issue.line for issue in issues}
    assert found == {
        "tickets[0].colour": line_of(text, "colour: red"),
        "tickets[1].effort.p50": line_of(text, "p50: abc"),
        "sites.enfield-depot.lat": line_of(text, "lat: 151.6523"),
    }


def test_invalid_input_is_never_partly_loaded() -> None:
    """Nothing is solved on invalid input: load raises rather than returning a partial Problem."""
    text = mutate(BASE, "priority: P2", "priority: P3")
    with pytest.raises(InputError):
        load(text)
