"""The Python API (``dispatcher.api``): scenario inputs in every form, typed results
that round-trip through JSON, typed events, and errors worded for the API."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml

from dispatcher import api
from dispatcher.errors import InputError
from dispatcher.semantics.problem import Problem
from models import Plan
from tests.scenarios import SCENARIOS

NORTHSIDE = SCENARIOS / "northside.yaml"


def test_every_scenario_form_loads_the_same_scenario(northside: Problem) -> None:
    text = NORTHSIDE.read_text(encoding="utf-8")
    expected = northside.scenario.model_dump()
    forms: list[api.ScenarioInput] = [
        northside,
        northside.scenario,  # a models.Scenario
        yaml.safe_load(text),  # a dict
        text,  # YAML text (it has newlines)
        str(NORTHSIDE),  # a path as str
        NORTHSIDE,  # a pathlib.Path
    ]
    for form in forms:
        assert api.load_scenario(form, base_dir=SCENARIOS).scenario.model_dump() == expected
    assert api.load_scenario(northside) is northside


def test_the_rule_for_a_string() -> None:
    assert api.is_scenario_text("version: 1")
    assert api.is_scenario_text('  {"version": 1}')
    assert api.is_scenario_text("name: x\nversion: 1")
    assert not api.is_scenario_text("scenarios/northside.yaml")
    assert not api.is_scenario_text("day.yaml")


@pytest.mark.parametrize("bad", [42, b"version: 1", None, ["version: 1"]])
def test_anything_else_is_an_input_error(bad: object) -> None:
    with pytest.raises(InputError, match=r"a scenario must be a models\.Scenario") as caught:
        api.load_scenario(bad)  # type: ignore[arg-type]
    assert caught.value.issues[0].path == "scenario"


def test_a_missing_path_and_bad_text_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        api.load_scenario(str(tmp_path / "nope.yaml"))
    with pytest.raises(InputError):
        api.load_scenario("version: 1\nhorizon: 12\n")


def test_solve_and_check_take_a_model(northside: Problem, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SCENARIOS)  # the travel matrix of a model is read from the current folder
    plan = api.solve_scenario(northside.scenario, time_limit=2, seed=0, workers=1)
    assert api.check(northside.scenario, plan).ok


CALL = {
    "id": "T-2101",
    "client": "foxley-motors",
    "priority": "P1",
    "opened": "2026-11-30T10:40",
    "onsite": True,
    "effort": {"p50": "3h", "p90": "6h"},
    "skills": {"windows": 2},
}


@pytest.fixture(scope="module")
def morning() -> tuple[Problem, Plan]:
    problem = api.load_scenario(NORTHSIDE)
    return problem, api.solve_scenario(problem, time_limit=2, seed=0, workers=1)


def test_a_reschedule_round_trips_through_json(morning: tuple[Problem, Plan]) -> None:
    problem, plan = morning
    result = api.reschedule_plan(
        problem,
        plan,
        "2026-11-30T10:40",
        add=[CALL],
        unavailable=["tom@2026-11-30T13:00/"],
        time_limit=2,
        workers=1,
    )
    outcome = result.model()
    assert isinstance(outcome, api.RescheduleOutcome)
    assert outcome.plan == result.plan
    assert outcome.changes.kept == result.changes.kept
    assert [m.ticket for m in outcome.changes.reassigned] == [
        t for t, _, _ in result.changes.reassigned
    ]
    assert set(outcome.changes.after) == set(result.changes.after)
    again = api.RescheduleOutcome.model_validate_json(outcome.model_dump_json())
    assert again == outcome
    assert again.model_dump_json() == outcome.model_dump_json()


def test_an_impact_round_trips_through_json(morning: tuple[Problem, Plan]) -> None:
    problem, plan = morning
    impact = api.impact_of(problem, plan, "2026-11-30T08:30", [CALL], time_limit=2, workers=1)
    outcome = impact.model()
    assert isinstance(outcome, api.ImpactOutcome)
    assert outcome.with_job.objective == impact.with_job.plan.objective
    assert outcome.delta_objective == impact.as_json()["delta_objective"]
    dumped = json.loads(outcome.model_dump_json())
    assert set(dumped) == set(impact.as_json())  # the same keys, "with" included
    again = api.ImpactOutcome.model_validate_json(outcome.model_dump_json())
    assert again == outcome


def test_a_check_report_round_trips_through_json(morning: tuple[Problem, Plan]) -> None:
    from dispatcher.checker import CheckOutcome

    problem, plan = morning
    report = api.check(problem, plan)
    outcome = report.model()
    assert outcome.ok and outcome.objective == report.objective
    assert set(outcome.risks) == set(report.outcomes)
    assert CheckOutcome.model_validate_json(outcome.model_dump_json()) == outcome


def test_a_simulation_report_round_trips_through_json(morning: tuple[Problem, Plan]) -> None:
    from dispatcher.semantics.simulation import SimulationReport

    problem, plan = morning
    report = api.simulate(problem, plan, runs=50, seed=1)
    assert SimulationReport.model_validate_json(report.model_dump_json()) == report


def _running(plan: Plan, now: dt.datetime) -> str:
    """A ticket whose job runs at ``now`` (naive times are the scenario's zone)."""
    for assignment in plan.assignments:
        start, end = assignment.start.replace(tzinfo=None), assignment.end.replace(tzinfo=None)
        if start < now < end:
            return assignment.ticket
    raise AssertionError("no job runs at now")


def test_typed_events_give_the_plan_their_text_forms_give(morning: tuple[Problem, Plan]) -> None:
    problem, plan = morning
    now = dt.datetime(2026, 11, 30, 10, 40)
    running = _running(plan, now)
    end = next(a.end for a in plan.assignments if a.ticket == running).replace(tzinfo=None)
    until = end + dt.timedelta(hours=1)
    typed = api.reschedule_plan(
        problem,
        plan,
        now,
        unavailable=[api.Unavailable(engineer="tom", start=dt.datetime(2026, 11, 30, 13, 0))],
        overrun=[api.Overrun(ticket=running, until=until)],
        time_limit=2,
        workers=1,
    )
    text = api.reschedule_plan(
        problem,
        plan,
        now.isoformat(),
        unavailable=["tom@2026-11-30T13:00/"],
        overrun=[f"{running}@{until.isoformat()}"],
        time_limit=2,
        workers=1,
    )
    assert typed.plan.assignments == text.plan.assignments
    assert typed.plan.reschedule == text.plan.reschedule
    assert api.check(problem, typed.plan, plan).ok


def _api_error(morning: tuple[Problem, Plan], **events: object) -> InputError:
    problem, plan = morning
    with pytest.raises(InputError) as caught:
        api.reschedule_plan(problem, plan, events.pop("now", "2026-11-30T10:40"), **events)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize(
    ("events", "argument", "words"),
    [
        ({"unavailable": [api.Unavailable(engineer="nobody")]}, "unavailable", "unknown engineer"),
        ({"unavailable": ["tom@2026-11-30T13:00"]}, "unavailable", "FROM/TO"),
        ({"unavailable": [42]}, "unavailable", "expected a Unavailable"),
        ({"done": ["T-9999"]}, "done", "unknown ticket"),
        ({"overrun": ["T-1"]}, "overrun", "TICKET@UNTIL"),
        ({"now": "yesterday"}, "now", "ISO 8601"),
        ({"now": "2027-01-01T10:00"}, "now", "outside the horizon"),
    ],
)
def test_event_errors_name_the_argument_not_the_command_line(
    morning: tuple[Problem, Plan], events: dict[str, object], argument: str, words: str
) -> None:
    error = _api_error(morning, **events)
    issue = error.issues[0]
    assert (issue.file, issue.path) == ("<api>", argument)
    assert words in issue.message
    assert "--" not in str(error) and "command line" not in str(error)


def test_contradicting_events_are_worded_for_the_api(morning: tuple[Problem, Plan]) -> None:
    plan = morning[1]
    now = dt.datetime(2026, 11, 30, 10, 40)
    running = _running(plan, now)
    end = next(a.end for a in plan.assignments if a.ticket == running).replace(tzinfo=None)
    both = _api_error(
        morning,
        now=now,
        done=[running],
        overrun=[api.Overrun(running, end + dt.timedelta(hours=1))],
    )
    assert f"done {running} and overrun {running}@" in str(both)
    early = _api_error(
        morning, now=now, overrun=[api.Overrun(running, end - dt.timedelta(minutes=1))]
    )
    assert "mark it done when it is" in str(early)
    for error in (both, early):
        assert "--" not in str(error) and "command line" not in str(error)


def test_an_impact_from_the_api_speaks_of_now_not_an_option(morning: tuple[Problem, Plan]) -> None:
    problem, plan = morning
    with pytest.raises(InputError) as caught:
        api.impact_of(problem, plan, "2027-01-01T10:00", [CALL], time_limit=1)
    assert caught.value.issues[0].path == "now"
    assert "--" not in str(caught.value)


def test_the_readme_python_api_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every code block of the README's "Python API" section, in order, as a user would."""
    root = SCENARIOS.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 3
    monkeypatch.chdir(root)
    names: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), names)
    assert isinstance(names["outcome"], api.RescheduleOutcome)
    assert names["requests"]["requests"]  # type: ignore[index]
    assert api.check(names["problem"], names["new_plan"], names["plan"]).ok  # type: ignore[arg-type]
