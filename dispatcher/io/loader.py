"""Loading a scenario: file -> YAML with lines -> pydantic shapes -> cross-checks -> Problem.

Every error of a file is collected and raised together as one ``InputError``
whose issues name the file, the line and the field path.

The public entry points live here; the steps live in ``read`` (bounded file reading,
the travel matrix), ``pydantic_errors`` (shape errors as issues) and ``validate``
(cross-checks and compiling). Their names other packages use are re-exported here.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dispatcher.errors import InputError, InputIssue
from dispatcher.io.pydantic_errors import parse_model, pydantic_issues
from dispatcher.io.read import TravelMatrix, decode, read_bytes, read_travel_matrix
from dispatcher.io.validate import Validator
from dispatcher.io.yamlio import MAX_ENGINEERS, MAX_TICKETS, Limit, LineMap, load_yaml
from dispatcher.io.yamlio import Path as FieldPath
from dispatcher.safetext import one_line
from dispatcher.semantics.problem import Problem, TicketData
from models import Scenario, TicketList
from models.scenario import Ticket

__all__ = [
    "SCENARIO_LISTS",
    "Loaded",
    "compile_added_tickets",
    "decode",
    "load_scenario",
    "load_scenario_dict",
    "load_scenario_file",
    "load_scenario_text",
    "load_ticket_file",
    "parse_model",
    "pydantic_issues",
    "read_bytes",
    "read_travel_matrix",
]

SCENARIO_LISTS: dict[str, Limit] = {"tickets": MAX_TICKETS, "engineers": MAX_ENGINEERS}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    """A loaded scenario, and its travel matrix as read (None without one)."""

    problem: Problem
    matrix: TravelMatrix | None
    matrix_file: str | None


def load_scenario(source: str | Path | Mapping[str, Any]) -> Problem:
    """Load and validate a scenario from a file path or a dict (see also ``load_scenario_text``)."""
    if isinstance(source, Mapping):
        return load_scenario_dict(source)
    return load_scenario_file(Path(source)).problem


def load_scenario_file(path: Path) -> Loaded:
    """``load_scenario`` of a file, telling also how its travel matrix was read."""
    raw = read_bytes(path, "scenario file")
    data, lines = load_yaml(decode(raw, str(path)), str(path), lists=SCENARIO_LISTS)
    return _build(data, lines, str(path), path.parent, raw)


def load_scenario_text(
    text: str, filename: str = "<string>", base_dir: Path | None = None, raw: bytes | None = None
) -> Problem:
    """Load and validate a scenario from YAML text."""
    data, lines = load_yaml(text, filename, lists=SCENARIO_LISTS)
    raw = text.encode("utf-8") if raw is None else raw
    return _build(data, lines, filename, base_dir or Path.cwd(), raw).problem


def load_scenario_dict(data: Mapping[str, Any], base_dir: Path | None = None) -> Problem:
    """Load and validate a scenario given as plain data (e.g. parsed JSON)."""
    import json

    raw = json.dumps(data, sort_keys=True, default=str).encode("utf-8")
    return _build(dict(data), LineMap(), "<dict>", base_dir or Path.cwd(), raw).problem


def input_files(scenario_path: Path, problem: Problem) -> tuple[Path, ...]:
    """The files a scenario loaded from ``scenario_path`` was read from: the scenario and
    its travel matrix, if it names one (an output must never replace them)."""
    matrix = problem.scenario.travel_matrix
    if not matrix:
        return (scenario_path,)
    return (scenario_path, scenario_path.parent / matrix)


def _build(data: Any, lines: LineMap, filename: str, base_dir: Path, raw: bytes) -> Loaded:
    if not isinstance(data, dict):
        raise InputError.single(filename, "a scenario must be a YAML mapping (key: value)", 1)
    for key, limit in SCENARIO_LISTS.items():  # a file was checked while read; a dict is now
        items, most = data.get(key), limit.value
        if isinstance(items, list) and len(items) > most:
            raise InputError(
                [InputIssue(filename, lines.line_of((key,)), key, limit.exceeded(most, key))]
            )
    scenario = _parse_scenario(data, lines, filename)
    digest = hashlib.sha256(raw)  # and the matrix's bytes, as they are read
    matrix, matrix_file = None, None
    if scenario.travel_matrix:
        matrix_path = base_dir / scenario.travel_matrix
        matrix_file = str(matrix_path)
        # Streamed: only rows between the scenario's sites are kept, the rest counted.
        matrix = read_travel_matrix(matrix_path, scenario.sites, digest)
        if matrix.skipped:
            log.info(
                "%s: %d row(s) naming sites the scenario does not have skipped",
                one_line(matrix_file, 200),
                matrix.skipped,
            )
    checker = Validator(scenario, lines, filename)
    problem = checker.compile(matrix.rows if matrix else [], digest.hexdigest())
    return Loaded(problem, matrix, matrix_file)


# Parts of a scenario an element of which can be set aside when its shape is wrong, so
# that the cross-checks still run on the rest (lists by index, mappings by key).
SALVAGED_LISTS = ("clients", "engineers", "tickets")
SALVAGED_MAPPINGS = ("calendars", "sla_policies", "sites")


def _parse_scenario(data: dict[str, Any], lines: LineMap, filename: str) -> Scenario:
    """The scenario's shapes and types; on errors, every error of the file in one
    InputError: the shape errors, then the cross-check errors (unknown references and
    the like) found on the elements whose shape is right (``_cross_check_the_rest``)."""
    try:
        scenario: Scenario = parse_model(Scenario, data, lines, filename)
    except InputError as shapes:
        more = _cross_check_the_rest(data, lines, filename)
        if more:
            raise InputError([*shapes.issues, *more]) from None
        raise
    return scenario


def _cross_check_the_rest(data: dict[str, Any], lines: LineMap, filename: str) -> list[InputIssue]:
    """The cross-check issues of a scenario whose shapes are wrong, found on what parsed.

    Each client, engineer, ticket, calendar, SLA policy or site with a shape error is set
    aside; when the rest parses, the cross-checks run on it, each issue naming the line and
    field path of the original file (indices as in the file). Issues that quote the id of
    an element set aside ("unknown client 'x'") are left out: they follow from the shape
    error already reported. A shape error anywhere else (the horizon, the time zone,
    weights, policy) leaves nothing to check against: then none (an empty list)."""
    from pydantic import ValidationError

    try:
        Scenario.model_validate(data)
    except ValidationError as exc:
        locations = [error["loc"] for error in exc.errors(include_url=False)]
    else:
        return []
    bad: dict[str, set[Any]] = {}
    for loc in locations:
        key = loc[0] if loc else None
        if len(loc) < 2 or key not in (*SALVAGED_LISTS, *SALVAGED_MAPPINGS):
            return []
        if key in SALVAGED_LISTS and not isinstance(loc[1], int):
            return []
        bad.setdefault(str(key), set()).add(loc[1])
    rest = dict(data)
    positions: dict[str, list[int]] = {}  # for each list: new index -> index in the file
    set_aside: set[str] = set()
    for key, which in bad.items():
        items = data.get(key)
        if key in SALVAGED_LISTS and isinstance(items, list):
            kept = [i for i in range(len(items)) if i not in which]
            positions[key] = kept
            rest[key] = [items[i] for i in kept]
            for i in which:
                item = items[i] if 0 <= i < len(items) else None
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    set_aside.add(item["id"])
        elif key in SALVAGED_MAPPINGS and isinstance(items, dict):
            rest[key] = {k: v for k, v in items.items() if k not in which}
            set_aside |= {str(k) for k in which}
        else:
            return []
    try:
        scenario = Scenario.model_validate(rest)
    except ValidationError:
        return []

    def in_the_file(path: FieldPath) -> FieldPath:
        if len(path) >= 2 and isinstance(path[1], int) and str(path[0]) in positions:
            kept = positions[str(path[0])]
            if 0 <= path[1] < len(kept):
                return (path[0], kept[path[1]], *path[2:])
        return path

    class _Rest(Validator):
        def error(self, path: FieldPath, message: str) -> None:
            super().error(in_the_file(path), message)

    try:
        _Rest(scenario, lines, filename).compile([], "")
    except InputError as found:
        return [
            issue
            for issue in found.issues
            if not any(f"'{name}'" in issue.message for name in set_aside)
        ]
    return []


def load_ticket_file(path: Path) -> tuple[list[Ticket], LineMap, str]:
    """Parse a ``tickets:`` file (reschedule --add): shapes only; cross-checks happen on merge."""
    raw = read_bytes(path, "ticket file")
    filename = str(path)
    data, lines = load_yaml(decode(raw, filename), filename, lists={"tickets": MAX_TICKETS})
    if not isinstance(data, dict):
        raise InputError.single(filename, "expected a mapping with a 'tickets:' list", 1)
    if "horizon" in data:  # a whole scenario, named by mistake: one clear line, not ten
        raise InputError.single(
            filename, "this is a scenario; a file of added tickets holds only a 'tickets:' list", 1
        )
    parsed = parse_model(TicketList, data, lines, filename)
    return list(parsed.tickets), lines, filename


def compile_added_tickets(
    problem: Problem,
    tickets: list[Ticket],
    lines: LineMap,
    filename: str,
    prefix: FieldPath = ("tickets",),
) -> list[TicketData]:
    """Cross-check tickets joining a plan (reschedule --add) against the scenario.

    They get the indices after the problem's tickets; every issue names ``filename``,
    its line and the field path under ``prefix``.
    """
    validator = Validator(problem.scenario, lines, filename)
    validator.tz, validator.origin = problem.tz, problem.origin
    site_index = {site: i for i, site in enumerate(problem.site_ids)}
    engineer_index = dict(problem.engineer_index)
    clients = validator.clients_by_id(site_index, engineer_index)
    clocks = validator.sla_clocks()
    validator.issues.clear()  # the scenario itself was validated when it was loaded
    seen = set(problem.ticket_index)
    result: list[TicketData] = []
    for i, ticket in enumerate(tickets):
        path: FieldPath = (*prefix, i)
        if ticket.id in seen:
            validator.error((*path, "id"), f"ticket id '{ticket.id}' is already in the plan")
            continue
        seen.add(ticket.id)
        compiled = validator.ticket(
            path,
            ticket,
            site_index,
            engineer_index,
            clients,
            clocks,
            problem.horizon_end,
            len(problem.tickets) + len(result),
        )
        if compiled is not None:
            result.append(compiled)
    if validator.issues:
        raise InputError(validator.issues)
    return result
