"""Tests of the synthetic scenario generator and of the bundled example scenarios."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from dispatcher.cli import main
from dispatcher.io.generator import generate_scenario
from dispatcher.io.loader import load_scenario, load_scenario_dict, load_scenario_text
from dispatcher.io.yamlio import load_yaml
from dispatcher.semantics.pieces import joint_intervals
from dispatcher.semantics.problem import Problem

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _data(text: str) -> dict:
    """The YAML as plain data, timestamps kept as text (as the loader sees it)."""
    data, _ = load_yaml(text, "gen.yaml")
    assert isinstance(data, dict)
    return data


def test_same_arguments_give_identical_text() -> None:
    first = generate_scenario(12, 90, days=3, seed=7)
    second = generate_scenario(12, 90, days=3, seed=7)
    assert first == second


def test_different_seeds_give_different_scenarios() -> None:
    texts = {generate_scenario(8, 40, seed=seed) for seed in range(4)}
    assert len(texts) == 4


def test_output_is_plain_yaml() -> None:
    text = generate_scenario(5, 30, seed=1)
    parsed = yaml.safe_load(text)
    assert parsed["version"] == 1
    assert len(parsed["engineers"]) == 5
    assert len(parsed["tickets"]) == 30


@pytest.mark.parametrize(
    ("engineers", "tickets", "days"),
    [(1, 0, 1), (1, 1, 1), (1, 25, 2), (2, 10, 5), (3, 40, 3), (7, 120, 2), (15, 60, 4)],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_valid_at_many_sizes(engineers: int, tickets: int, days: int, seed: int) -> None:
    problem = load_scenario_text(
        generate_scenario(engineers, tickets, days=days, seed=seed), "gen.yaml"
    )
    assert len(problem.engineers) == engineers
    assert len(problem.tickets) == tickets


@pytest.mark.parametrize(
    ("timezone", "start"),
    [
        ("Europe/London", dt.date(2026, 3, 27)),  # clocks go forward on the Sunday
        ("Europe/London", dt.date(2026, 10, 23)),  # and back
        ("America/New_York", dt.date(2026, 3, 6)),
        ("Australia/Sydney", None),
        ("UTC", dt.date(2026, 12, 24)),
    ],
)
def test_valid_in_other_zones_and_across_clock_changes(
    timezone: str, start: dt.date | None
) -> None:
    text = generate_scenario(10, 80, days=5, seed=3, timezone=timezone, start=start)
    problem = load_scenario_text(text, "gen.yaml")
    assert problem.tz.key == timezone


def test_horizon_defaults_to_monday_2026_11_30() -> None:
    data = _data(generate_scenario(4, 10, days=3))
    assert data["horizon"] == {"start": "2026-11-30T08:00", "end": "2026-12-02T18:00"}
    assert data["timezone"] == "Europe/London"
    assert "travel_matrix" not in data
    assert data["policy"] == {"tier_caps": {"break_fix": 1}}
    assert "weights" not in data


def test_large_scenario_is_fast_and_valid() -> None:
    started = time.perf_counter()
    text = generate_scenario(200, 2000, days=5, seed=11)
    assert time.perf_counter() - started < 2.0
    started = time.perf_counter()
    problem = load_scenario_text(generate_scenario(50, 500, seed=5), "gen.yaml")
    assert time.perf_counter() - started < 5.0
    assert len(problem.tickets) == 500
    assert text.count("\n  - id: T-") == 2000


def test_mix_is_roughly_as_intended() -> None:
    text = generate_scenario(60, 1000, days=2, seed=21)
    data = _data(text)
    problem = load_scenario_text(text, "gen.yaml")
    clients = data["clients"]
    managed_clients = [c for c in clients if c["sla"] != "break-fix"]
    assert 0.5 <= len(managed_clients) / len(clients) <= 0.9
    assert 15 <= len(clients) <= 35  # about one client per 2-3 engineers
    assert any(c.get("preferred_engineers") for c in managed_clients)

    tickets = problem.tickets
    n = len(tickets)
    assert 0.75 <= sum(t.tier == "managed" for t in tickets) / n <= 0.97
    assert 0.1 <= sum(t.onsite for t in tickets) / n <= 0.3
    assert 0.01 <= sum(t.fixed_start is not None for t in tickets) / n <= 0.03
    assert 0.03 <= sum(t.window is not None for t in tickets) / n <= 0.07
    assert all(t.tier == "managed" for t in tickets if t.fixed_start is not None)
    assert sum(t.p50 >= 6 * 60 for t in tickets) / n <= 0.02
    assert all(t.p90 >= t.p50 for t in tickets)
    assert 0.05 <= sum(t.p50 == t.p90 for t in tickets) / n <= 0.3

    managed = [t for t in tickets if t.tier == "managed"]
    p1 = sum(t.priority == "P1" for t in managed) / len(managed)
    p3 = sum(t.priority == "P3" for t in managed) / len(managed)
    assert 0.01 <= p1 <= 0.1
    assert 0.35 <= p3 <= 0.55
    assert {t.priority for t in tickets if t.tier == "break_fix"} <= {"P1", "P2"}

    # Most tickets can go to several engineers.
    several = sum(len(eligible) >= 3 for eligible in problem.eligible)
    assert several / n >= 0.9

    remote_only = [e for e in problem.engineers if not e.onsite]
    assert 0 < len(remote_only) <= 0.25 * len(problem.engineers)

    # A backlog: opened before the horizon or in its first hours.
    assert all(t.opened < 180 for t in tickets)
    assert sum(t.opened < 0 for t in tickets) / n >= 0.8


def test_ids_and_summaries_read_like_a_psa() -> None:
    data = _data(generate_scenario(12, 150, seed=4))
    assert [e["id"] for e in data["engineers"]][:3] == ["eng-001", "eng-002", "eng-003"]
    assert all(e.get("home") == f"home-{e['id']}" for e in data["engineers"])
    ids = [t["id"] for t in data["tickets"]]
    assert ids[0] == "T-0001" and ids[-1] == "T-0150"
    assert all(re.fullmatch(r"T-\d{4}", i) for i in ids)
    assert all(len(t["summary"]) > 8 for t in data["tickets"])
    # Numbered in order of arrival, as a PSA would.
    opened = [t["opened"] for t in data["tickets"]]
    assert opened == sorted(opened)


def test_shifts_lie_inside_the_horizon_on_working_hours() -> None:
    data = _data(generate_scenario(30, 0, days=4, seed=9))
    for engineer in data["engineers"]:
        for shift in engineer["shifts"]:
            start = dt.datetime.fromisoformat(shift["start"])
            end = dt.datetime.fromisoformat(shift["end"])
            assert dt.time(8, 0) <= start.time() < end.time() <= dt.time(17, 30)
    # Some engineers work part of the horizon only.
    counts = {len(e["shifts"]) for e in data["engineers"]}
    assert len(counts) > 1


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        generate_scenario(0, 10)
    with pytest.raises(ValueError):
        generate_scenario(3, -1)
    with pytest.raises(ValueError):
        generate_scenario(3, 10, days=0)
    with pytest.raises(ValueError):
        generate_scenario(3, 10, timezone="Mars/Olympus_Mons")


# --- bundled scenarios ----------------------------------------------------------------------


def test_northside_loads() -> None:
    problem = load_scenario(SCENARIOS / "northside.yaml")
    assert problem.name == "Northside IT, Monday"
    assert 25 <= len(problem.tickets) <= 35
    assert 5 <= len(problem.engineers) <= 6
    assert problem.tier_caps == {"break_fix": 1}
    tiers = {t.tier for t in problem.tickets}
    assert tiers == {"managed", "break_fix"}
    # The features the example is there to show.
    assert any(t.fixed_start is not None for t in problem.tickets)
    assert any(t.window is not None for t in problem.tickets)
    assert any(not e.onsite for e in problem.engineers)
    assert any(t.onsite and t.p50 >= 10 * 60 for t in problem.tickets)
    assert any(not eligible for eligible in problem.eligible)  # no_eligible_engineer
    assert problem.travel.matrix  # the travel matrix was read


def test_northside_extra_ticket_files_fit_the_scenario() -> None:
    base, _ = load_yaml((SCENARIOS / "northside.yaml").read_text(), "northside.yaml")
    for name in ("emergency.yaml", "two-day-visit.yaml"):
        extra, _ = load_yaml((SCENARIOS / name).read_text(), name)
        assert list(extra) == ["tickets"] and len(extra["tickets"]) == 1
        merged = {**base, "tickets": [*base["tickets"], *extra["tickets"]]}
        problem = load_scenario_dict(merged, base_dir=SCENARIOS)
        added = problem.tickets[-1]
        assert added.tier == "break_fix" and added.onsite
        assert problem.eligible[added.index]


# --- crews (dispatch generate --crews) ------------------------------------------------------

# sha256 of texts written before --crews existed: without the option, nothing changed.
BEFORE_CREWS = {
    (12, 90, 3, 7, "Europe/London", None): (
        "7bb1f009fd68686b407a164f111d9ee9f4222c000adf7935a4d25afe3ece0909"
    ),
    (60, 1000, 2, 21, "Europe/London", None): (
        "b922d4e2072ec7850b9d71ecc72a4d3ca6716c22ca2ef48283fbff1833d3462b"
    ),
    (10, 80, 5, 3, "America/New_York", dt.date(2026, 3, 6)): (
        "643142daa00b8fa047e713a1eadf5f7c1789701c30ce0a74e90438eea7d4a986"
    ),
    (1, 25, 2, 2, "Europe/London", None): (
        "2c0d0451a00bc912775821dc7c840b9b3fc7a96f176418b4ed2d1fa4c9c6b57a"
    ),
}


@pytest.mark.parametrize("args", list(BEFORE_CREWS))
def test_without_crews_the_text_is_byte_identical_to_before(
    args: tuple[int, int, int, int, str, dt.date | None],
) -> None:
    engineers, tickets, days, seed, timezone, start = args
    # Those files had one break-fix visit at a time whatever the team (the cap now scales).
    text = generate_scenario(
        engineers, tickets, days=days, seed=seed, timezone=timezone, start=start, break_fix_cap=1
    )
    assert hashlib.sha256(text.encode()).hexdigest() == BEFORE_CREWS[args]
    assert "crew:" not in text
    assert text == generate_scenario(
        engineers,
        tickets,
        days=days,
        seed=seed,
        timezone=timezone,
        start=start,
        crews=False,
        break_fix_cap=1,
    )


@pytest.mark.parametrize(("engineers", "cap"), [(1, 1), (5, 1), (12, 2), (20, 2), (50, 6)])
def test_the_break_fix_cap_scales_with_the_team(engineers: int, cap: int) -> None:
    text = generate_scenario(engineers, 10, seed=1)
    scenario = yaml.safe_load(text)
    assert scenario["policy"]["tier_caps"] == {"break_fix": cap}
    # Only the cap differs from a file drawn with one visit at a time.
    one = generate_scenario(engineers, 10, seed=1, break_fix_cap=1)
    assert text.replace(f"break_fix: {cap}}}", "break_fix: 1}") == one
    # And it can be set.
    assert yaml.safe_load(generate_scenario(engineers, 10, seed=1, break_fix_cap=3))["policy"] == {
        "tier_caps": {"break_fix": 3}
    }


def _crew_of(ticket: dict) -> int:
    crew = ticket.get("crew", 1)
    assert isinstance(crew, int)
    return crew


def test_crews_mark_about_one_onsite_break_fix_visit_in_ten() -> None:
    text = generate_scenario(60, 2000, days=2, seed=21, crews=True)
    data = _data(text)
    break_fix = {c["id"] for c in data["clients"] if c["sla"] == "break-fix"}
    visits = [t for t in data["tickets"] if t.get("onsite") and t["client"] in break_fix]
    crews = [t for t in data["tickets"] if _crew_of(t) > 1]
    assert crews and all(t in visits for t in crews)  # only on-site break-fix visits
    assert 0.05 <= len(crews) / len(visits) <= 0.16
    sizes = [_crew_of(t) for t in crews]
    assert set(sizes) <= {2, 3}
    assert sizes.count(2) > sizes.count(3) > 0  # mostly two, occasionally three
    # A crew job is never a booked appointment nor a windowed visit.
    assert not any("fixed_start" in t or "window" in t for t in crews)
    # Apart from the crews (and the header's comment), the scenario is the one drawn without.
    plain = generate_scenario(60, 2000, days=2, seed=21)
    strip = [line for line in text.splitlines() if not line.startswith(("    crew:", "#"))]
    assert strip == [line for line in plain.splitlines() if not line.startswith("#")]


def _joint_minutes(problem: Problem, members: tuple[int, ...], after: int) -> list[int]:
    """Minutes of the members' joint shift time per local day, from ``after`` on."""
    lists = [list(problem.engineers[m].calendar.shifts) for m in members]
    by_day: dict[dt.date, int] = {}
    for start, end in joint_intervals(lists, problem.horizon_end):
        start = max(start, after)
        if start < end:
            day = problem.instant(start).date()
            by_day[day] = by_day.get(day, 0) + end - start
    return list(by_day.values())


@pytest.mark.parametrize(
    ("engineers", "tickets", "seed"), [(4, 300, 1), (12, 600, 2), (30, 900, 3)]
)
def test_crew_tickets_are_staffable_and_the_scenario_validates(
    engineers: int, tickets: int, seed: int
) -> None:
    text = generate_scenario(engineers, tickets, days=2, seed=seed, crews=True)
    problem = load_scenario_text(text, "gen.yaml")  # raises on an invalid scenario
    crews = [t for t in problem.tickets if t.crew > 1]
    assert crews
    for ticket in crews:
        able = [
            e.index
            for e in problem.engineers
            if e.onsite and all(e.skills.get(s, 0) >= lvl for s, lvl in ticket.skills.items())
        ]
        assert len(able) >= ticket.crew, ticket.id
        # Some set of that size has joint shift time for the work, after it opens.
        after = max(0, ticket.opened)
        best = max(
            max(_joint_minutes(problem, members, after), default=0)
            if ticket.p50 < 240
            else sum(_joint_minutes(problem, members, after))
            for members in itertools.combinations(able, ticket.crew)
        )
        assert best >= ticket.p50, ticket.id


def test_a_lone_engineer_gets_no_crew() -> None:
    assert "crew:" not in generate_scenario(1, 200, days=2, seed=5, crews=True)


def test_generate_crews_on_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "crews.yaml"
    args = ["generate", "--engineers", "12", "--tickets", "400", "--seed", "0", "-o", str(out)]
    result = CliRunner().invoke(main, [*args, "--crews"])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text == generate_scenario(12, 400, days=2, seed=0, crews=True)
    crews = text.count("\n    crew: ")
    assert crews > 0 and f"{crews} crew job(s)" in result.output
    checked = CliRunner().invoke(main, ["validate", str(out)])
    assert checked.exit_code == 0, checked.output
    plain = tmp_path / "plain.yaml"
    assert CliRunner().invoke(main, [*args[:-1], str(plain)]).exit_code == 0
    assert plain.read_text() == generate_scenario(12, 400, days=2, seed=0)
    assert "crew:" not in plain.read_text()
    help_text = CliRunner().invoke(main, ["generate", "--help"]).output
    assert "--crews" in help_text and "two" in help_text and "three" in help_text
