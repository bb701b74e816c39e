"""Commands that show a plan to people: ``show``, ``explain``, ``export``, ``simulate``,
``schema``.

Plain Click commands, registered on the ``dispatch`` group in ``cli.py``;
like the rest of the command line they only parse, call the library, print.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from dispatcher.cli.paths import FilePath
from dispatcher.errors import InputError
from dispatcher.safetext import shown
from dispatcher.semantics.problem import Problem
from models import Plan

if TYPE_CHECKING:
    from dispatcher.semantics.simulation import EffortShape
    from dispatcher.views.export import Format

SCENARIO = click.argument("scenario", type=FilePath(dir_okay=False, path_type=Path))
PSA_FORMATS = ("connectwise", "autotask", "halo")
PLAN = click.argument("plan_file", metavar="PLAN", type=FilePath(dir_okay=False, path_type=Path))


def _console() -> Console:
    """Text from scenarios and plans is printed with markup off, controls escaped."""
    from dispatcher.views.terminal import SafeConsole

    return SafeConsole(soft_wrap=True)


def load_plan_for(scenario: Path, plan_file: Path, hint: str = "") -> tuple[Problem, Plan]:
    """The scenario and a plan of it; InputError if the plan belongs to another scenario
    (``hint``: what to do instead, appended to that message)."""
    from dispatcher.io.identity import match_plan
    from dispatcher.io.loader import load_scenario
    from dispatcher.io.planfile import read_plan

    problem = load_scenario(scenario)
    plan = read_plan(plan_file)
    match_plan(problem, plan, str(plan_file), str(scenario), hint)
    return problem, plan


@click.command()
@SCENARIO
@PLAN
@click.option("--engineer", metavar="ID", help="Show only this engineer's day, job by job.")
@click.option(
    "--all",
    "every_row",
    is_flag=True,
    help="List every ticket at risk and every unassigned ticket (without it the summary "
    "lists the weightiest of each and counts the rest).",
)
def show(scenario: Path, plan_file: Path, engineer: str | None, every_row: bool) -> None:
    """Print a plan: KPIs, tickets at risk, utilisation, unassigned, each engineer's day."""
    from dispatcher.views.report import print_plan, summary_rows

    problem, plan = load_plan_for(scenario, plan_file)
    rows = summary_rows(str(scenario), str(plan_file), every_row=every_row)
    print_plan(_console(), problem, plan, engineer, rows)


@click.command()
@SCENARIO
@PLAN
@click.argument("ticket")
def explain(scenario: Path, plan_file: Path, ticket: str) -> None:
    """Say why TICKET is where the plan put it, and what would lower its risk."""
    from dispatcher.views.explain import explain as explain_ticket

    problem, plan = load_plan_for(scenario, plan_file)
    for line in explain_ticket(problem, plan, ticket).lines():
        click.echo(shown(line))  # ticket text: its control characters escaped


@click.command()
@SCENARIO
@PLAN
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "ics", "html", "json", *PSA_FORMATS]),
    required=True,
    help="csv: every ticket, one row each, with its status; ics: calendars; html: the dispatch "
    "board; json: the plan; connectwise, autotask, halo: the PSA's requests that book the plan "
    "(schedule entries, service calls, appointments), for a scenario made by dispatch import.",
)
@click.option(
    "-o",
    "--output",
    type=FilePath(path_type=Path),
    required=True,
    help="File to write (for ics without --engineer: a folder, one <engineer>.ics each).",
)
@click.option("--engineer", metavar="ID", help="Only this engineer's jobs (csv, ics, html).")
@click.option(
    "--base",
    "base_file",
    type=FilePath(dir_okay=False, path_type=Path),
    help="PSA formats: only what changed since this plan (the one last pushed).",
)
@click.option(
    "--link",
    "link_file",
    type=FilePath(dir_okay=False, path_type=Path),
    help="PSA formats: the link file dispatch import wrote (default: SCENARIO's NAME.psa.json).",
)
def export(
    scenario: Path,
    plan_file: Path,
    fmt: str,
    output: Path,
    engineer: str | None,
    base_file: Path | None,
    link_file: Path | None,
) -> None:
    """Write a plan as CSV, iCalendar, a self-contained HTML board, JSON, or a PSA's requests."""
    if fmt in PSA_FORMATS:
        _export_psa(scenario, plan_file, fmt, output, engineer, base_file, link_file)
        return
    if base_file is not None or link_file is not None:
        raise InputError.single("--base", "--base and --link are for the PSA formats")
    from dispatcher.views.export import export as export_plan

    problem, plan = load_plan_for(scenario, plan_file)
    fmt_: Format = fmt  # type: ignore[assignment]
    for path in export_plan(problem, plan, fmt_, output, engineer, (scenario, plan_file)):
        click.echo(f"wrote {shown(str(path))}")


def _export_psa(
    scenario: Path,
    plan_file: Path,
    psa: str,
    output: Path,
    engineer: str | None,
    base_file: Path | None,
    link_file: Path | None,
) -> None:
    from dispatcher.io.planfile import check_output_path, read_plan
    from dispatcher.psa import link_path
    from dispatcher.psa.writeback import export_requests

    if engineer is not None:
        raise InputError.single("--engineer", "the PSA formats write every engineer's bookings")
    link_file = link_file or link_path(scenario)
    protected = [scenario, plan_file, link_file] + ([base_file] if base_file else [])
    check_output_path(output, protected)
    problem, plan = load_plan_for(scenario, plan_file)
    base = (read_plan(base_file), str(base_file)) if base_file is not None else None
    count = export_requests(problem, plan, psa, output, link_file, base, str(plan_file), protected)
    click.echo(f"wrote {count} {psa} request(s) to {shown(str(output))}")


@click.command()
@SCENARIO
@PLAN
@click.option(
    "--runs", type=click.IntRange(min=1), default=1000, show_default=True, help="Runs to carry out."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random efforts.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--plot",
    metavar="FILE.png",
    type=FilePath(path_type=Path),
    help="Also write a PNG chart of each tier's breaches per run (needs matplotlib).",
)
@click.option(
    "--effort-shape",
    type=click.Choice(["lognormal", "weibull", "normal"]),
    default="lognormal",
    show_default=True,
    help="How real efforts spread around each ticket's p50 and p90: the SPEC's lognormal, "
    "or another shape with the same median and 90th percentile, to see whether the plan "
    "holds up when efforts are not lognormal.",
)
def simulate(
    scenario: Path,
    plan_file: Path,
    runs: int,
    seed: int,
    as_json: bool,
    plot: Path | None,
    effort_shape: EffortShape,
) -> None:
    """Carry the plan out against fresh random efforts: breaches promised vs happened."""
    from dispatcher.views.simulate import print_simulation, simulate_plan

    if plot is not None:  # before the work: a bad --plot costs no simulation
        from dispatcher.io.planfile import check_output_path
        from dispatcher.views.simulate_plot import INSTALL, PlotUnavailable, require_matplotlib

        try:
            require_matplotlib()
        except PlotUnavailable:
            raise InputError.single("--plot", f"needs matplotlib: {INSTALL}") from None
        check_output_path(plot, (scenario, plan_file))
    problem, plan = load_plan_for(scenario, plan_file)
    report = simulate_plan(problem, plan, runs=runs, seed=seed, effort_shape=effort_shape)
    if plot is not None:
        from dispatcher.views.simulate_plot import write_simulation_plot

        write_simulation_plot(report, plot, plan_file.name, (scenario, plan_file))
    if as_json:
        click.echo(report.model_dump_json())
    else:
        print_simulation(_console(), report, plan_file.name)
        if plot is not None:
            click.echo(f"wrote {shown(str(plot))}")


@click.command()
@click.option("--mapping", is_flag=True, help="The schema of the PSA mapping file instead.")
def schema(mapping: bool) -> None:
    """Print the JSON Schema of the scenario file (for YAML editors)."""
    if mapping:
        from dispatcher.psa.mapping import mapping_schema

        click.echo(json.dumps(mapping_schema(), indent=2))
        return
    from dispatcher.io.schema import scenario_schema

    click.echo(json.dumps(scenario_schema(), indent=2))
