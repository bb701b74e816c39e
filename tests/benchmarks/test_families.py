"""The benchmark's scenario families: valid, deterministic, and each true to its kind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmarks.families import FAMILIES, write_family
from dispatcher.io.loader import load_scenario

ENGINEERS, TICKETS = 4, 20


def _write(tmp_path: Path, name: str, seed: int, label: str, **size: int) -> Path:
    engineers, tickets = size.get("engineers", ENGINEERS), size.get("tickets", TICKETS)
    return write_family(name, engineers, tickets, seed, tmp_path / label)


def _files(scenario: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(scenario.parent.iterdir())}


def _doc(scenario: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(scenario.read_text())
    return loaded


def _local(value: object) -> dt.datetime:
    """A scenario datetime as naive local time (YAML may hand over a datetime already)."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=None)


@pytest.mark.parametrize("name", list(FAMILIES))
def test_family_loads_and_is_deterministic(tmp_path: Path, name: str) -> None:
    first = _write(tmp_path, name, 7, "a")
    again = _write(tmp_path, name, 7, "b")
    other = _write(tmp_path, name, 8, "c")
    problem = load_scenario(first)
    assert len(problem.tickets) == TICKETS
    assert len(problem.engineers) == ENGINEERS
    assert _files(first) == _files(again)
    assert first.read_bytes() != other.read_bytes()
    load_scenario(other)


@pytest.mark.parametrize("name", list(FAMILIES))
def test_family_is_valid_over_seeds_and_sizes(tmp_path: Path, name: str) -> None:
    for seed, (engineers, tickets) in enumerate([(1, 3), (2, 9), (6, 45), (12, 90)]):
        path = _write(tmp_path, name, seed, f"s{seed}", engineers=engineers, tickets=tickets)
        assert len(load_scenario(path).tickets) == tickets


def test_unknown_family_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown family"):
        write_family("nonesuch", 2, 2, 0, tmp_path)


def test_office_is_managed_heavy_with_lunch_clocks_and_a_holiday(tmp_path: Path) -> None:
    path = _write(tmp_path, "office", 1, "o", engineers=8, tickets=80)
    doc, problem = _doc(path), load_scenario(path)
    managed = sum(t.tier == "managed" for t in problem.tickets)
    assert managed >= 0.65 * len(problem.tickets)
    assert doc["calendars"]["office"]["weekly"]["mon"] == "08:00-12:00,13:00-17:00"
    start, end = (_local(doc["horizon"][k]) for k in ("start", "end"))
    holiday = doc["calendars"]["office"]["holidays"][0]
    assert holiday.weekday() < 5
    assert not start.date() <= holiday <= end.date()
    split = 0
    for engineer in doc["engineers"]:
        days = [_local(s["start"]).date() for s in engineer["shifts"]]
        split += len(days) > len(set(days))  # morning and afternoon on one day
    assert split >= len(doc["engineers"]) / 2
    overdue = sum(t.resolution_due <= 0 for t in problem.tickets)
    assert overdue <= 0.25 * len(problem.tickets)


def test_field_writes_a_partial_asymmetric_travel_matrix(tmp_path: Path) -> None:
    path = _write(tmp_path, "field", 3, "f", engineers=6, tickets=40)
    doc = _doc(path)
    matrix = path.parent / doc["travel_matrix"]
    assert matrix.exists() and matrix != path
    lines = matrix.read_text().splitlines()
    assert lines[0] == "from,to,minutes"
    rows = {(a, b): int(m) for a, b, m in (line.split(",") for line in lines[1:])}
    sites = list(doc["sites"])
    assert all(a in doc["sites"] and b in doc["sites"] and m > 0 for (a, b), m in rows.items())
    pairs = len(sites) * (len(sites) - 1) // 2
    covered = {frozenset(pair) for pair in rows}
    assert 0.3 * pairs < len(covered) < 0.7 * pairs
    assert any((b, a) not in rows or rows[b, a] != m for (a, b), m in rows.items())
    assert doc["policy"]["tier_caps"] == {"break_fix": 2}
    assert doc["weights"]["travel_per_hour"] == 0.5
    assert all(p["clock"] == "24x7" for p in doc["sla_policies"].values())
    onsite = sum(bool(t.get("onsite")) for t in doc["tickets"])
    assert onsite >= 0.5 * len(doc["tickets"])
    problem = load_scenario(path)
    a, b = next(iter(rows))
    index = {site: i for i, site in enumerate(problem.site_ids)}
    assert problem.travel(index[a], index[b]) == rows[a, b]


def test_light_has_tickets_opened_during_the_horizon_and_nothing_overdue(tmp_path: Path) -> None:
    path = _write(tmp_path, "light", 2, "l")
    doc, problem = _doc(path), load_scenario(path)
    assert doc["weights"]["preference"] == 1.0
    start = _local(doc["horizon"]["start"])
    opened = [_local(t["opened"]) for t in doc["tickets"]]
    assert any(moment > start and moment.date() == start.date() for moment in opened)
    assert any(t.opened > 0 for t in problem.tickets)
    assert all(t.response_due > 0 and t.resolution_due > 0 for t in problem.tickets)
    preferred = sum(bool(c.get("preferred_engineers")) for c in doc["clients"])
    assert preferred >= len(doc["clients"]) / 2
    shift_minutes = sum(e.calendar.total for e in problem.engineers)
    assert sum(t.p50 for t in problem.tickets) < 0.5 * shift_minutes


def test_scarce_has_specialists_bookings_pins_and_must_assign(tmp_path: Path) -> None:
    path = _write(tmp_path, "scarce", 4, "s", engineers=8, tickets=80)
    doc, problem = _doc(path), load_scenario(path)
    skills = {s for e in doc["engineers"] for s in e["skills"]}
    assert 8 <= len(skills) <= 12
    for skill in skills:
        experts = [e for e in doc["engineers"] if e["skills"].get(skill) == 3]
        assert 1 <= len(experts) <= 2
    level3 = sum(3 in t.get("skills", {}).values() for t in doc["tickets"])
    assert level3 >= 0.2 * len(doc["tickets"])
    booked = [t for t in problem.tickets if t.fixed_start is not None]
    assert booked and all(t.assigned_to is not None for t in booked)
    assert any(t.assigned_to is not None and t.fixed_start is None for t in problem.tickets)
    assert any(t.get("must_assign") for t in doc["tickets"])


def test_rota_spans_three_days_over_a_clock_change(tmp_path: Path) -> None:
    path = _write(tmp_path, "rota", 5, "r", engineers=10, tickets=80)
    doc, problem = _doc(path), load_scenario(path)
    start, end = (_local(doc["horizon"][k]) for k in ("start", "end"))
    assert end - start == dt.timedelta(days=3)
    assert problem.horizon_end != 3 * 24 * 60  # a daylight-saving change inside
    assert all(p["clock"] == "24x7" for p in doc["sla_policies"].values())
    starts = {_local(s["start"]).strftime("%H:%M") for e in doc["engineers"] for s in e["shifts"]}
    assert {"06:00", "14:00"} <= starts
    tickets = doc["tickets"]
    assert any("responded" in t for t in tickets)
    assert any("response_due" in t or "resolution_due" in t for t in tickets)
    assert any(not isinstance(t["effort"], dict) for t in tickets)  # p50 = p90
    assert any(t.p90 >= 3 * t.p50 for t in problem.tickets)
    assert any(t.p50 > 8 * 60 for t in problem.tickets)  # longer than any one shift
