"""Scenario validation (SPEC "Scenario file", "Validation", "Time and units").

Every test starts from one small valid scenario (the SPEC example, trimmed),
changes exactly one thing and expects the loader to refuse it with an issue
that names the file, the line and the field path, so that a dispatcher can go
straight to the mistake. Expected lines are looked up in the mutated YAML text
itself (``line_of``), never hard-coded, so the tests say *which* line is meant.

Here: shapes, types and YAML, convenient forms, and all errors reported together;
the cross-checks between parts of the file are in ``test_cross_checks``.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from dispatcher.errors import InputError
from dispatcher.io.loader import load_scenario
from tests.io.validation_kit import (
    BASE,
    FILENAME,
    add_after,
    expect,
    issues_of,
    line_of,
    load,
    mutate,
    only_issue,
)

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
