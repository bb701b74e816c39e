"""Fuzzing: mutated scenarios and plans never raise anything but a clean input error.

The loader gets real scenario texts (the bundled Northside day and a tiny one)
with lines deleted, doubled, swapped, values replaced by random text, numbers
and dates, and junk characters typed in. The checker gets a real plan of a
tiny day with times, engineers and tickets changed and entries dropped,
doubled or moved. Whatever comes in, the only exception allowed out is
``InputError`` (``ValidationError`` where a plan is built straight from data);
the checker itself never raises, it reports.

A short run (40 examples each) is part of the test suite; for a long one set
``DISPATCH_FUZZ_EXAMPLES``, e.g. ``DISPATCH_FUZZ_EXAMPLES=5000 python -m pytest
tests/test_fuzz.py``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from dispatcher.api import solve_scenario
from dispatcher.checker import check_plan
from dispatcher.errors import InputError
from dispatcher.io.loader import load_scenario_text
from dispatcher.io.planfile import plan_json, read_plan
from dispatcher.semantics.problem import Problem
from models import Plan
from tests.scenarios import SCENARIOS, scenario_text

EXAMPLES = int(os.environ.get("DISPATCH_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TINY = scenario_text(
    """
engineers:
  - id: alice
    skills: {windows: 2, networking: 1}
    home: alice-home
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T12:30}
      - {start: 2026-11-30T13:00, end: 2026-11-30T17:00}
  - id: bob
    skills: [windows]
    home: bob-home
    shifts:
      - {start: 2026-11-30T09:00, end: 2026-11-30T17:00}
tickets:
  - id: T-1
    client: northwind
    priority: P1
    opened: 2026-11-30T07:40
    onsite: true
    effort: {p50: 1h, p90: 3h}
    skills: {networking: 1}
    assigned_to: alice
    fixed_start: 2026-11-30T09:00
  - id: T-2
    client: northwind
    priority: P2
    opened: 2026-11-30T08:10
    effort: {p50: 30m, p90: 1h}
    window: {start: 2026-11-30T10:00, end: 2026-11-30T15:00}
  - id: T-3
    client: corner-shop
    priority: P1
    opened: 2026-11-30T09:15
    onsite: true
    effort: 2h
  - id: T-4
    client: northwind
    priority: P3
    opened: 2026-11-30T08:00
    effort: 45m
    skills: {windows: 2}
"""
)
NORTHSIDE = (SCENARIOS / "northside.yaml").read_text(encoding="utf-8")


# --- mutating text ------------------------------------------------------------------------

VALUES = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats().map(str),
    st.dates().map(str),
    st.datetimes().map(lambda moment: moment.isoformat(timespec="minutes")),
    st.sampled_from(
        [
            "",
            "~",
            "null",
            "[]",
            "{}",
            "yes",
            "no",
            ".nan",
            "-.inf",
            "0",
            "-1",
            "1e999",
            "*anchor",
            "&anchor value",
            "!!binary aGk=",
            "!!python/name:os.system",
            "!!set {a}",
            "'",
            '"',
            "{",
            "[",
            "- x",
            ": x",
            "# x",
            "| x",
            "> x",
            "%TAG",
            "---",
            "...",
            "2026-02-30T08:00",
            "2026-11-30T25:00",
            "2026-03-29T01:30",
            "0001-01-01",
            "PT0M",
            "-5m",
            "99999999h",
            "1d",
            "Mars/Olympus",
            "P1",
            "alice",
            "T-1",
            "\ud800",
            "\x00",
        ]
    ),
    st.text(max_size=12),
)
# Any code point at all, lone surrogates and control characters included.
JUNK = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=()), min_size=1, max_size=6),
    st.sampled_from(["\t", "\x00", "\x1b", "\ud800", "\ufeff", ":", "- ", "&a", "*a"]),
)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` after one to four random edits of its lines."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["delete", "duplicate", "swap", "value", "junk"]))
        if edit == "delete":
            del lines[at]
        elif edit == "duplicate":
            lines.insert(at, lines[at])
        elif edit == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif edit == "value":
            head, colon, _ = lines[at].partition(": ")
            indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
            lines[at] = f"{head}: {draw(VALUES)}" if colon else indent + draw(VALUES)
        else:
            column = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:column] + draw(JUNK) + lines[at][column:]
    return "\n".join(lines) + "\n"


def load_or_refuse(text: str) -> Problem | None:
    """The loader's only two outcomes: a Problem, or an InputError naming the file."""
    try:
        return load_scenario_text(text, filename="fuzz.yaml", base_dir=SCENARIOS)
    except InputError as error:
        assert error.issues, "an InputError carries at least one issue"
        assert all(issue.file for issue in error.issues)
        return None


@FUZZ
@given(mutated(TINY))
def test_mutated_tiny_scenarios_load_or_are_refused(text: str) -> None:
    load_or_refuse(text)


@FUZZ
@given(mutated(NORTHSIDE))
def test_mutated_northside_loads_or_is_refused(text: str) -> None:
    load_or_refuse(text)


def test_the_unmutated_texts_load() -> None:
    """The fuzz starts from valid scenarios, so that each mutation is the cause."""
    assert load_or_refuse(TINY) is not None
    assert load_or_refuse(NORTHSIDE) is not None


# --- mutating plans ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_day() -> tuple[Problem, Plan]:
    problem = load_scenario_text(TINY, filename="tiny.yaml")
    return problem, solve_scenario(problem, time_limit=1.0, workers=1)


TIME_FIELDS = ("start", "end", "response_due", "resolution_due")
NUMBERS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9),
    st.integers(-(10**6), 10**6),
)
ODD = st.one_of(st.none(), st.text(max_size=8), st.lists(st.integers(), max_size=2), NUMBERS)
INSTANTS = st.one_of(
    st.datetimes(
        min_value=dt.datetime(1900, 1, 2),
        max_value=dt.datetime(2199, 12, 30),
        timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30))]),
    ).map(lambda moment: moment.isoformat()),
    st.integers(-600, 3000).map(  # minutes around the tiny day's horizon
        lambda minutes: (
            dt.datetime(2026, 11, 30, 8, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)
        ).isoformat()
    ),
)


@st.composite
def mutated_plan(draw: st.DrawFn, original: dict[str, Any]) -> dict[str, Any]:
    """A plan's data after one to five random edits of its entries."""
    data = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 5))):
        part = draw(st.sampled_from(["assignments", "unassigned", "completed", "objective", "top"]))
        entries = data.get(part)
        if part == "objective":
            key = draw(st.sampled_from(sorted(data["objective"])))
            data["objective"][key] = draw(st.one_of(NUMBERS, ODD))
            continue
        if part == "top":
            key = draw(st.sampled_from(["solver", "kpis", "scenario", "reschedule", "format"]))
            data[key] = draw(
                st.one_of(
                    ODD,
                    st.just({"now": draw(INSTANTS), "events": [{"type": "done", "ticket": "T-2"}]}),
                    st.just({"now": draw(INSTANTS), "added_tickets": [{"id": "X"}]}),
                )
            )
            continue
        if not isinstance(entries, list) or not entries:
            if isinstance(entries, list) and data.get("assignments"):
                entries.append(copy.deepcopy(data["assignments"][0]))  # a job moved here
            continue
        index = draw(st.integers(0, len(entries) - 1))
        entry = entries[index]
        edit = draw(
            st.sampled_from(
                ["time", "shift", "engineer", "ticket", "drop", "double", "move", "odd"]
            )
        )
        if edit == "time":
            entry[draw(st.sampled_from(TIME_FIELDS))] = draw(INSTANTS)
        elif edit == "shift":
            minutes = draw(st.integers(-900, 900))
            for key in ("start", "end"):
                if isinstance(entry.get(key), str) and _is_instant(entry[key]):
                    moment = dt.datetime.fromisoformat(entry[key]) + dt.timedelta(minutes=minutes)
                    entry[key] = moment.isoformat()
        elif edit == "engineer":
            entry["engineer"] = draw(st.sampled_from(["alice", "bob", "ghost", ""]))
        elif edit == "ticket":
            entry["ticket"] = draw(st.sampled_from(["T-1", "T-2", "T-3", "T-4", "T-404"]))
        elif edit == "drop":
            del entries[index]
        elif edit == "double":
            entries.append(copy.deepcopy(entry))
        elif edit == "move":
            del entries[index]
            target = draw(st.sampled_from(["assignments", "unassigned", "completed"]))
            moved = {"ticket": entry.get("ticket"), "reason": "deferred", "detail": "moved"}
            data.setdefault(target, []).append(entry if target != "unassigned" else moved)
        else:
            keys = sorted(entry)
            entry[draw(st.sampled_from(keys))] = draw(ODD)
    return data


def _is_instant(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


@FUZZ
@given(data=st.data())
def test_mutated_plans_are_refused_or_checked(
    data: st.DataObject, tiny_day: tuple[Problem, Plan], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Plan.model_validate refuses a plan with a ValidationError, read_plan with an
    InputError; a plan of the right shape is checked: a report, never an exception."""
    problem, plan = tiny_day
    original = json.loads(plan_json(plan))
    changed = data.draw(mutated_plan(original))
    path: Path = tmp_path_factory.mktemp("fuzz") / "plan.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    try:
        from_file = read_plan(path)
    except InputError as error:
        assert error.issues and all(issue.file == str(path) for issue in error.issues)
        from_file = None
    try:
        built = Plan.model_validate(changed)
    except ValidationError:
        assert from_file is None, "read_plan and the model agree on what is a plan"
        return
    assert from_file is not None
    report = check_plan(problem, built)
    assert report.ok == (not report.violations)
    with_base = check_plan(problem, built, plan)
    assert with_base.ok == (not with_base.violations)


def test_the_unmutated_plan_checks() -> None:
    """The plan fuzz starts from a valid plan, so that each mutation is the cause."""
    problem = load_scenario_text(TINY, filename="tiny.yaml")
    plan = solve_scenario(problem, time_limit=1.0, workers=1)
    assert check_plan(problem, plan).ok
