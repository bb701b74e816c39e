"""Which scenario a plan belongs to, beyond the bytes of its file.

The SPEC identifies a plan's scenario by the sha256 of the scenario file's bytes (and the
travel matrix's): ``dispatch check`` keeps to that. A comment or a re-indented line
changes those bytes but not the day, so the views and the re-plans also compare a
*canonical* digest of what the scenario says: each top-level part of the parsed
scenario written as sorted JSON (the travel matrix as the minutes it gives between the
scenario's sites), recorded in the plan beside the byte digest
(``scenario.canonical_sha256`` and, per part, ``scenario.parts``). A plan whose bytes
differ but whose meaning does not is used with a one-line note; one whose meaning
differs is refused, naming the parts that changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from dispatcher.errors import InputError
from dispatcher.semantics.problem import Problem
from models import Plan

log = logging.getLogger(__name__)

TRAVEL = "travel_matrix"


def scenario_parts(problem: Problem) -> dict[str, str]:
    """Per top-level part of the scenario (and the travel matrix's minutes), a digest of
    its parsed content."""
    data = problem.scenario.model_dump(mode="json")
    data.pop(TRAVEL, None)  # the file's name is no part of the day; its minutes are
    parts = {key: _digest(value) for key, value in sorted(data.items())}
    if problem.travel.matrix:
        sites = problem.site_ids
        rows = sorted(
            [sites[a], sites[b], minutes] for (a, b), minutes in problem.travel.matrix.items()
        )
        parts[TRAVEL] = _digest(rows)
    return parts


def canonical_sha256(parts: dict[str, str]) -> str:
    return _digest(sorted(parts.items()))


def identity(problem: Problem) -> dict[str, Any]:
    """What a plan records of its scenario beside the SPEC's byte digest."""
    parts = scenario_parts(problem)
    return {"canonical_sha256": canonical_sha256(parts), "parts": parts}


def match_plan(
    problem: Problem, plan: Plan, where: str, scenario: str = "the scenario", hint: str = ""
) -> None:
    """Accept a plan of this scenario: the same bytes, or (with a one-line note) the same
    meaning; otherwise an InputError naming what changed (``scenario``: how to name the
    scenario in it; ``hint``: what to do instead, appended)."""
    if plan.scenario.sha256 == problem.sha256:
        return
    recorded = plan.scenario.model_extra or {}
    ours = identity(problem)
    if recorded.get("canonical_sha256") == ours["canonical_sha256"]:
        log.warning(
            "note: %s was made for this scenario before its file was edited without changing "
            "its meaning (comments, formatting, key order); using it",
            where,
        )
        return
    theirs = recorded.get("parts")
    changed = (
        sorted(
            name
            for name in set(ours["parts"]) | set(theirs)
            if ours["parts"].get(name) != theirs.get(name)
        )
        if isinstance(theirs, dict)
        else []
    )
    what = (
        f": {', '.join(changed)} changed since it was made"
        if changed
        else f" (sha256 {plan.scenario.sha256[:12]}..., {scenario} is {problem.sha256[:12]}...)"
    )
    raise InputError.single(
        where, f"this plan belongs to another scenario{what}{hint}", path="scenario.sha256"
    )


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


MAX_SCENARIOS_SEARCHED = 200  # files per folder looked at for a plan's scenario
MAX_SCENARIO_BYTES = 20 * 2**20


def scenario_file_with_sha256(sha256: str, folders: list[Path]) -> Path | None:
    """A *.yaml / *.yml file whose scenario sha256 (its bytes, and its travel matrix's) is
    ``sha256``; files that name no travel matrix are matched by their bytes alone."""
    from dispatcher.io.loader import load_scenario_file  # the loader compiles problems

    seen: set[Path] = set()
    for folder in folders:
        paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])[:MAX_SCENARIOS_SEARCHED]
        for path in paths:
            resolved = path.resolve()
            if resolved in seen or not path.is_file():
                continue
            seen.add(resolved)
            try:
                if path.stat().st_size > MAX_SCENARIO_BYTES:
                    continue
                raw = path.read_bytes()
            except OSError:
                continue
            if hashlib.sha256(raw).hexdigest() == sha256:
                return path
            if b"travel_matrix:" not in raw:
                continue
            try:
                if load_scenario_file(path).problem.sha256 == sha256:
                    return path
            except InputError:
                continue
    return None


__all__ = [
    "canonical_sha256",
    "identity",
    "match_plan",
    "scenario_file_with_sha256",
    "scenario_parts",
]
