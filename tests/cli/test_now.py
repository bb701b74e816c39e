"""``--now now`` and ``--now HH:MM`` for ``reschedule`` and ``impact``: the instant each
stands for, and the line saying which instant was used.

The bundled Northside horizon runs from Mon 30 Nov 2026 08:00 to Tue 1 Dec 18:00
(Europe/London, GMT): 10:40 lies inside on both days, 07:00 on the Tuesday only.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from dispatcher.errors import InputError
from dispatcher.semantics.problem import Problem
from dispatcher.solver.reschedule.commandline import resolve_now
from tests.cli.test_cli import NORTHSIDE, northside_plan, read_json, run, stderr_of

__all__ = ["northside_plan"]  # the shared solve, as a fixture of this module

MONDAY, TUESDAY, LATER = dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2031, 1, 1)


def test_an_iso_value_is_passed_on_as_it_is(northside: Problem) -> None:
    assert resolve_now(northside, "2026-11-30T10:40") == ("2026-11-30T10:40", None)


def test_hh_mm_is_the_first_horizon_day_holding_it(northside: Problem) -> None:
    moment, said = resolve_now(northside, "10:40", today=LATER)
    assert moment == dt.datetime(2026, 11, 30, 10, 40, tzinfo=northside.tz)
    assert said is not None and "Mon 30 Nov 2026 10:40" in said and "first horizon day" in said


def test_hh_mm_before_the_horizon_start_is_the_next_day(northside: Problem) -> None:
    moment, said = resolve_now(northside, "7:00", today=LATER)
    assert moment == dt.datetime(2026, 12, 1, 7, 0, tzinfo=northside.tz)
    assert said is not None and "only horizon day" in said


def test_hh_mm_is_today_when_today_is_a_horizon_day(northside: Problem) -> None:
    moment, said = resolve_now(northside, "10:40", today=TUESDAY)
    assert moment == dt.datetime(2026, 12, 1, 10, 40, tzinfo=northside.tz)
    assert said is not None and "today" in said


def test_hh_mm_goes_forwards_from_the_plans_own_now(northside: Problem) -> None:
    moment, _ = resolve_now(northside, "10:40", "2026-11-30T12:00:00+00:00", today=LATER)
    assert moment == dt.datetime(2026, 12, 1, 10, 40, tzinfo=northside.tz)


@pytest.mark.parametrize("value", ["25:00", "10:61"])
def test_a_time_that_is_no_time_of_day_is_an_error(northside: Problem, value: str) -> None:
    with pytest.raises(InputError, match="HH:MM"):
        resolve_now(northside, value)


def test_now_is_the_current_time_in_the_scenarios_time_zone(northside: Problem) -> None:
    before = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    moment, said = resolve_now(northside, "now")
    assert isinstance(moment, dt.datetime) and moment.tzinfo is northside.tz
    assert before <= moment <= dt.datetime.now(dt.UTC)
    assert said is not None and "Europe/London" in said


def test_reschedule_at_hh_mm_says_which_instant(northside_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "new.json"
    result = run(
        "reschedule", NORTHSIDE, "--plan", northside_plan, "--now", "10:40", "-o", out,
        "--time-limit", "1", "--workers", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output + stderr_of(result)
    assert "--now 10:40: Mon 30 Nov 2026 10:40 (Europe/London)" in stderr_of(result)
    assert read_json(out)["reschedule"]["now"] == "2026-11-30T10:40:00+00:00"


def test_impact_at_hh_mm_keeps_stdout_json(northside_plan: Path) -> None:
    result = run(
        "impact", NORTHSIDE, "--plan", northside_plan, "--now", "08:30",
        "--add", NORTHSIDE.parent / "emergency.yaml", "--json",
        "--time-limit", "1", "--workers", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output + stderr_of(result)
    json.loads(result.stdout)
    assert "--now 08:30: Mon 30 Nov 2026 08:30" in stderr_of(result)


def test_now_outside_the_horizon_is_bad_input(northside_plan: Path, tmp_path: Path) -> None:
    result = run(
        "reschedule", NORTHSIDE, "--plan", northside_plan, "--now", "now",
        "-o", tmp_path / "new.json",
    )  # fmt: skip
    if dt.date(2026, 11, 30) <= dt.date.today() <= dt.date(2026, 12, 1):  # pragma: no cover
        pytest.skip("today is a day of the bundled horizon")
    assert result.exit_code == 2
    assert "outside the horizon" in stderr_of(result)
