"""Python API for tools that embed the solver: load, solve, check.

Every input and output is a pydantic model (``models.Scenario``, ``models.Plan``)
that round-trips through JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from models import Plan

from .loader import load_scenario, load_scenario_text
from .planio import build_plan
from .problem import Problem
from .solve import SolveOptions, solve


def _problem(scenario: Problem | str | Path | Mapping[str, Any]) -> Problem:
    return scenario if isinstance(scenario, Problem) else load_scenario(scenario)


def solve_scenario(
    scenario: Problem | str | Path | Mapping[str, Any],
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int | None = None,
    options: SolveOptions | None = None,
) -> Plan:
    """Solve the daily plan of a scenario (a loaded Problem, a file path or a dict)."""
    problem = _problem(scenario)
    options = options or SolveOptions(time_limit=time_limit, seed=seed, workers=workers)
    result = solve(problem, options)
    return build_plan(
        problem,
        result.jobs,
        result.evaluation,
        status=result.status,
        time_s=result.time_s,
        bound=result.bound,
        seed=result.seed,
    )


def check(
    scenario: Problem | str | Path | Mapping[str, Any], plan: Plan, base: Plan | None = None
) -> Any:
    """Re-check a plan against every rule; returns a CheckReport (``.ok``, ``.violations``)."""
    from .checker import check_plan

    return check_plan(_problem(scenario), plan, base)


__all__ = ["Plan", "Problem", "check", "load_scenario", "load_scenario_text", "solve_scenario"]
