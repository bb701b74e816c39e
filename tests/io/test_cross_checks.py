"""Scenario cross-checks (SPEC "Validation"): duplicate ids, references to unknown
ids, shifts, tickets, booked appointments that cannot all hold, and local times.

Like ``test_validation``: each test changes one thing in the base scenario and
expects exactly one issue, at the line looked up in the mutated text.
"""

from __future__ import annotations

import datetime as dt

from tests.io.validation_kit import (
    BASE,
    SECOND_ENGINEER,
    add_after,
    assert_issue,
    expect,
    issues_of,
    line_of,
    load,
    mutate,
)

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
