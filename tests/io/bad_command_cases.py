"""Bad plan files, bad command lines, bad files of added tickets and missing files,
one case each. Run by ``test_bad_inputs``.
"""

from __future__ import annotations

import hashlib

from tests.io.bad_input_kit import (
    BASE,
    IMPACT,
    JOB,
    RESCHEDULE,
    RESCHEDULE_OUT,
    SHA,
    SMALL_PLAN,
    Case,
    changed,
    plan_file,
    rescheduling,
    with_plan,
)

COMMAND_CASES = [
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
        "plan-format-1",
        changed(("dispatch-plan/2", "dispatch-plan/1"), text=SMALL_PLAN),
        "error: p.json:2: format: this plan is in format 'dispatch-plan/1'; this version "
        "reads 'dispatch-plan/2' only (risks are now measured by carrying the plan out): "
        "plan the day again",
    ),
    plan_file(
        "plan-format-unknown",
        changed(("dispatch-plan/2", "other-plan/7"), text=SMALL_PLAN),
        "error: p.json:2: format: Input should be 'dispatch-plan/2' (got 'other-plan/7')",
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
            ('"format": "dispatch-plan/2",', '"format": "dispatch-plan/2", "format": "x",'),
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
            f"{hashlib.sha256((BASE + '# edited').encode()).hexdigest()[:12]}...); "
            "to re-plan it onto a new export of the day, add --rebase",
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
