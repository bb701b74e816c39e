"""Python API for tools that embed the solver: load, solve, reschedule, price a job, check,
simulate (and plot a simulation).

A scenario can be given to every function in any of these forms (``ScenarioInput``):

- a loaded ``Problem`` (what ``load_scenario`` returns; loading once and reusing it is
  the fastest);
- a ``models.Scenario`` (the pydantic model of a scenario file);
- a dict (or any mapping) in the scenario file's format, e.g. parsed JSON;
- a ``str``: YAML *text* when it contains a newline or, after leading blanks, starts
  with ``{`` or ``version:``; otherwise a *file path*;
- a ``pathlib.Path`` (or any ``os.PathLike``): a file path.

Anything else raises ``InputError``. A travel matrix named by a scenario given as a
model, a dict or text is read relative to ``base_dir`` (default: the current folder).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias, TypeVar

from dispatcher.checker.findings import CheckOutcome
from dispatcher.errors import InputError
from dispatcher.io import loader
from dispatcher.io.loader import load_scenario_text
from dispatcher.semantics.problem import Problem
from dispatcher.solver.assemble import build_plan, detail_probes
from dispatcher.solver.reschedule.events import API_WORDING, Overrun, Unavailable
from dispatcher.solver.reschedule.outcomes import (
    ChangesOutcome,
    ImpactOutcome,
    RescheduleOutcome,
)
from dispatcher.solver.solve import SolveOptions, solve
from models import Plan, Scenario, Ticket

if TYPE_CHECKING:  # imported inside the functions, so that loading the API stays light
    from dispatcher.checker import CheckReport
    from dispatcher.psa.summary import PsaImport
    from dispatcher.semantics.simulation import EffortShape, SimulationReport
    from dispatcher.solver.reschedule.events import AddedTickets
    from dispatcher.solver.reschedule.results import Impact, RescheduleResult


ScenarioInput: TypeAlias = Problem | Scenario | Mapping[str, object] | str | os.PathLike[str]
"""A scenario in any form the API takes (see the module's text for the rule on ``str``)."""

API = API_WORDING.source  # the "file" named by errors in what was passed to the API
E = TypeVar("E")


def is_scenario_text(text: str) -> bool:
    """The rule for a ``str`` scenario: YAML text when it contains a newline or starts
    (after leading blanks) with ``{`` or ``version:``; otherwise a file path."""
    head = text.lstrip()
    return "\n" in text or head.startswith("{") or head.startswith("version:")


def load_scenario(source: ScenarioInput, *, base_dir: str | Path | None = None) -> Problem:
    """Load and validate a scenario given in any ``ScenarioInput`` form; a ``Problem``
    is returned as it is. Bad input raises ``InputError`` (every issue of the scenario
    together, each naming file, line and field)."""
    folder = None if base_dir is None else Path(base_dir)
    if isinstance(source, Problem):
        return source
    if isinstance(source, Scenario):
        data = source.model_dump(mode="json", exclude_none=True)
        return loader.load_scenario_dict(data, folder)
    if isinstance(source, Mapping):
        return loader.load_scenario_dict(dict(source), folder)
    if isinstance(source, str):
        if is_scenario_text(source):
            return load_scenario_text(source, base_dir=folder)
        return loader.load_scenario_file(Path(source)).problem
    if isinstance(source, os.PathLike):
        return loader.load_scenario_file(Path(source)).problem
    raise InputError.single(
        API,
        f"a scenario must be a models.Scenario, a dict, YAML text or a file path, "
        f"not {type(source).__name__}",
        path="scenario",
    )


def _problem(scenario: ScenarioInput) -> Problem:
    return load_scenario(scenario)


def solve_scenario(
    scenario: ScenarioInput,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int | None = None,
    options: SolveOptions | None = None,
) -> Plan:
    """Solve the daily plan of a scenario (any ``ScenarioInput``)."""
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
        detail_probes=detail_probes(options.time_limit),
    )


def _tickets(tickets: Iterable[Ticket | Mapping[str, object]]) -> AddedTickets:
    from pydantic import ValidationError

    from dispatcher.errors import InputError, InputIssue
    from dispatcher.solver.reschedule.events import AddedTickets

    parsed = []
    for i, ticket in enumerate(tickets):
        try:
            parsed.append(ticket if isinstance(ticket, Ticket) else Ticket.model_validate(ticket))
        except ValidationError as exc:
            raise InputError(
                [
                    InputIssue(
                        "<added tickets>",
                        None,
                        ".".join(str(p) for p in (i, *error["loc"])),
                        error["msg"],
                    )
                    for error in exc.errors(include_url=False)
                ]
            ) from None
    return AddedTickets(parsed)


def _typed(item: object, kind: type[E], argument: str, parse: Callable[[str], E]) -> E:
    """An event given as its typed object or as its text form; anything else is an
    InputError naming the argument."""
    if isinstance(item, kind):
        return item
    if isinstance(item, str):
        return parse(item)
    expected = "a ticket id" if kind is str else f"a {kind.__name__} or its text form"
    raise InputError.single(API, f"expected {expected}, not {type(item).__name__}", path=argument)


def reschedule_plan(
    scenario: ScenarioInput,
    plan: Plan,
    now: dt.datetime | str,
    *,
    add: Iterable[Ticket | Mapping[str, object]] = (),
    unavailable: Iterable[Unavailable | str] = (),
    done: Iterable[str] = (),
    overrun: Iterable[Overrun | str] = (),
    time_limit: float = 5.0,
    seed: int = 0,
    workers: int | None = None,
    base_scenario: ScenarioInput | None = None,
) -> RescheduleResult:
    """Re-plan ``plan`` from ``now`` (a datetime, or ISO text in the scenario's zone).

    ``base_scenario``: rebase (the command line's ``--rebase``): ``plan`` belongs to this
    scenario, an earlier export of the day, and the new plan to ``scenario``; tickets and
    engineers are matched by id (closed, new and changed tickets, engineers gone: see
    ``dispatcher.solver.reschedule.rebase``), and ``.changes.rebase`` says what came
    from the export. Without it a plan of another scenario is refused.

    ``add``: tickets (models or dicts in the scenario's ticket format); ``unavailable``:
    ``Unavailable(engineer=..., start=..., end=...)`` (a missing start is ``now``, a
    missing end the horizon's end) or the text ``"ENG"`` / ``"ENG@FROM/TO"``; ``done``:
    ticket ids; ``overrun``: ``Overrun(ticket=..., until=...)`` or ``"TICKET@UNTIL"``.
    Naive datetimes and ISO texts without an offset are in the scenario's time zone.
    Errors raise ``InputError`` naming the argument (``unavailable``, ``now``, ...).
    Returns a RescheduleResult: ``.plan`` (a models.Plan) and ``.changes``;
    ``.model()`` gives its JSON form, a ``RescheduleOutcome`` (plan and changes).
    """
    from dispatcher.solver.reschedule.events import Events, parse_overrun, parse_unavailable
    from dispatcher.solver.reschedule.replan import reschedule

    problem = _problem(scenario)
    added = list(add)
    events = Events(
        add=[_tickets(added)] if added else [],
        unavailable=[
            _typed(
                item,
                Unavailable,
                "unavailable",
                lambda t: parse_unavailable(t, problem, API_WORDING),
            )
            for item in unavailable
        ],
        done=[_typed(item, str, "done", str) for item in done],
        overrun=[
            _typed(item, Overrun, "overrun", lambda t: parse_overrun(t, API_WORDING))
            for item in overrun
        ],
        wording=API_WORDING,
    )
    options = SolveOptions(time_limit=time_limit, seed=seed, workers=workers)
    if base_scenario is not None:
        from dispatcher.solver.reschedule.rebase import rebase

        return rebase(problem, _problem(base_scenario), plan, now, events, options, plan_name=API)
    return reschedule(problem, plan, now, events, options)


def impact_of(
    scenario: ScenarioInput,
    plan: Plan,
    now: dt.datetime | str,
    job: Iterable[Ticket | Mapping[str, object]],
    *,
    time_limit: float = 5.0,
    seed: int = 0,
    workers: int | None = None,
) -> Impact:
    """What taking ``job`` (one or more tickets) from ``now`` costs; ``.as_json()`` gives
    ``with``, ``without``, ``delta_by_tier``, ``engineer`` and ``pushed_into_breach``;
    ``.model()`` the same as an ``ImpactOutcome`` (pydantic, round-trips through JSON)."""
    from dispatcher.solver.reschedule.impact import impact

    options = SolveOptions(time_limit=time_limit, seed=seed, workers=workers)
    return impact(_problem(scenario), plan, now, _tickets(job), options, wording=API_WORDING)


def check(scenario: ScenarioInput, plan: Plan, base: Plan | None = None) -> CheckReport:
    """Re-check a plan against every rule; returns a CheckReport (``.ok``, ``.violations``;
    ``.model()``: its JSON form, a ``CheckOutcome``)."""
    from dispatcher.checker import check_plan

    return check_plan(_problem(scenario), plan, base)


def simulate(
    scenario: ScenarioInput,
    plan: Plan,
    runs: int = 1000,
    seed: int = 0,
    effort_shape: EffortShape = "lognormal",
) -> SimulationReport:
    """Carry ``plan`` out ``runs`` times against fresh random efforts (numpy seed ``seed``,
    shaped ``effort_shape``: lognormal, weibull or normal, each with the tickets' p50 and
    p90); a SimulationReport: breaches per tier promised vs happened, tickets likely to
    breach."""
    from dispatcher.io.identity import match_plan
    from dispatcher.views.simulate import simulate_plan

    problem = _problem(scenario)
    match_plan(problem, plan, "plan")
    return simulate_plan(problem, plan, runs=runs, seed=seed, effort_shape=effort_shape)


def plot_simulation(
    report: SimulationReport, path: str | Path | None = None, plan_name: str = ""
) -> bytes:
    """A ``simulate`` report as a PNG chart (each tier's breaches per run, the promise,
    the mean and the p10-p90 band); written to ``path`` (whole or not at all) when given.
    Returns the PNG bytes. Needs matplotlib (``pip install 'msp-dispatch[plot]'``);
    without it raises ``PlotUnavailable``, an ImportError saying so."""
    from dispatcher.views.simulate_plot import simulation_png, write_simulation_plot

    if path is None:
        return simulation_png(report, plan_name)
    return write_simulation_plot(report, Path(path), plan_name)


def import_from_psa(
    psa: str,
    folder: str | Path,
    mapping: str | Path,
    day: dt.date | None = None,
    output: str | Path = "scenario.yaml",
) -> PsaImport:
    """``dispatch import`` without writing: a PSA's saved API responses (``folder``) and a
    mapping file -> the scenario's YAML text, the link to the PSA's ids and the summary.
    ``output`` is where the scenario will be written (a travel matrix is named relative
    to it). Raises ``InputError`` naming every problem (file, record index, field)."""
    from dispatcher.psa import adapters, import_psa

    if psa not in adapters():
        raise InputError.single(API, f"unknown PSA '{psa}' (one of {', '.join(adapters())})")
    return import_psa(psa, Path(folder), Path(mapping), day, Path(output)).model()


def psa_requests(
    scenario: ScenarioInput,
    plan: Plan,
    psa: str,
    link: Mapping[str, object] | str | Path,
    base: Plan | None = None,
) -> dict[str, object]:
    """``dispatch export --format <psa>`` without writing: the requests that book ``plan``
    in the PSA (only what changed since ``base``), as the JSON document the command writes.
    ``link`` is the link file ``import_from_psa`` returned (a dict) or its path."""
    from dispatcher.psa.writeback import changes, read_link, requests_document, writers

    found = writers()
    if psa not in found:
        raise InputError.single(API, f"unknown PSA '{psa}' (one of {', '.join(found)})")
    link_data = dict(link) if isinstance(link, Mapping) else read_link(Path(link))
    problem = _problem(scenario)
    requests = found[psa](changes(problem, plan, link_data, base))
    return requests_document(psa, "plan", "base" if base is not None else None, requests)


__all__ = [
    "ChangesOutcome",
    "CheckOutcome",
    "ImpactOutcome",
    "Overrun",
    "Plan",
    "Problem",
    "RescheduleOutcome",
    "Scenario",
    "ScenarioInput",
    "Unavailable",
    "check",
    "impact_of",
    "import_from_psa",
    "is_scenario_text",
    "load_scenario",
    "load_scenario_text",
    "plot_simulation",
    "psa_requests",
    "reschedule_plan",
    "simulate",
    "solve_scenario",
]
