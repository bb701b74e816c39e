"""Bad scenario files, one case each: YAML itself, encodings, wrong types, unknown
keys, missing fields, duplicate ids and dangling references, impossible times,
durations and empty lists. Run by ``test_bad_inputs``.
"""

from __future__ import annotations

from tests.io.bad_input_kit import (
    BASE,
    ONLY_PLAIN,
    Case,
    Prefix,
    changed,
    validate,
)

SCENARIO_CASES = [
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
]
