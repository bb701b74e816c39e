"""The ``dispatch`` command line: parses, calls the library, prints.

The group and the commands that solve (``validate``, ``plan``, ``check``,
``reschedule``, ``impact``, ``generate``) live here; the commands that show a plan
(``show``, ``explain``, ``export``, ``simulate``, ``schema``) in ``cli.views``. Every import of the
library happens inside a command, so ``dispatch --help`` and the views never load the
solver. May import every layer; nothing imports it.
"""

from __future__ import annotations

import time

# The command's start, before the heavy imports: a time limit counts from here.
STARTED = time.monotonic()

import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, NoReturn  # noqa: E402

import click  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Column, Table  # noqa: E402
from rich.text import Text  # noqa: E402

from dispatcher import interrupt  # noqa: E402
from dispatcher.cli.paths import FilePath  # noqa: E402
from dispatcher.errors import InputError  # noqa: E402
from dispatcher.safetext import error_line  # noqa: E402
from dispatcher.safetext import shown as shown_text  # noqa: E402
from dispatcher.views.terminal import SafeConsole, add_row, plain  # noqa: E402

err_console = SafeConsole(stderr=True)
COMMAND_LINE = "command line"  # the "file" of errors in options (as the events name it)
MAX_ISSUES_SHOWN = 20  # errors printed for one command; the rest are counted
IMPORT_ALLOWANCE = 2.0  # seconds: a command begun this soon after the imports started there


def _command_start() -> float:
    """The instant a time limit counts from: the process's start (imports and loading the
    scenario count) when the command came right after it, else now (a process that runs
    several commands, as tests do)."""
    now = time.monotonic()
    return STARTED if now - STARTED < IMPORT_ALLOWANCE else now


def _console() -> Console:
    """Text from scenarios and plans is printed with markup off, controls escaped."""
    return SafeConsole(soft_wrap=True)


def _fail(error: InputError) -> NoReturn:
    """One line per issue (each one line, whatever the input held), at most
    ``MAX_ISSUES_SHOWN`` of them: a file that is not a scenario is not echoed line by line."""
    for issue in error.issues[:MAX_ISSUES_SHOWN]:
        click.echo(f"error: {issue}", err=True)
    more = len(error.issues) - MAX_ISSUES_SHOWN
    if more > 0:
        click.echo(f"error: ... and {more} more issue(s) of the same input", err=True)
    sys.exit(2)


VERBOSE_HELP = "Log model building and solver progress."
GLOBAL_FLAGS = ("-v", "--verbose")


def _log_level(verbose: bool) -> None:
    """Logging at INFO with ``-v``, else WARNING (also when a handler exists already)."""
    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(message)s")
    logging.getLogger().setLevel(level)


def _verbose_after_the_command(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        _log_level(True)


class DispatchGroup(click.Group):
    """Turns input errors into one clear message and exit 2, never a traceback.

    The group's own options that make sense anywhere (``-v/--verbose``) are accepted
    after the command too: ``dispatch plan X -o Y -v`` is ``dispatch -v plan X -o Y``.
    Each command gets them as options of its own, parsed by click like any other."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        taken = {flag for param in cmd.params for flag in (*param.opts, *param.secondary_opts)}
        if not taken & set(GLOBAL_FLAGS):
            cmd.params.append(
                click.Option(
                    list(GLOBAL_FLAGS),
                    is_flag=True,
                    expose_value=False,
                    callback=_verbose_after_the_command,
                    help=f"{VERBOSE_HELP[:-1]} (also accepted before the command).",
                )
            )
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as error:
            _fail(error)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except interrupt.Interrupted as stop:  # a second signal: stopped at once
            click.echo(f"interrupted by {stop}: stopped at once, no plan written", err=True)
            sys.exit(stop.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:  # `dispatch show ... | head`: the reader has all it wanted
            _quiet_stdout()
            sys.exit(128 + 13)  # as if killed by SIGPIPE, the shell's convention
        except Exception as exc:  # a bug of ours: say so in one line, keep details for --debug
            signum = interrupt.stopped_at_once()
            if signum is not None:  # a second signal, wrapped by code it interrupted
                name = interrupt.signal_name(signum)
                click.echo(f"interrupted by {name}: stopped at once, no plan written", err=True)
                sys.exit(128 + signum)
            if os.environ.get("DISPATCH_DEBUG"):
                raise
            click.echo(
                f"internal error: {type(exc).__name__}: {error_line(str(exc))} "
                "(set DISPATCH_DEBUG=1 for details)",
                err=True,
            )
            sys.exit(1)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that the flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (a test's captured stdout)
        pass


@click.group(cls=DispatchGroup)
@click.version_option(package_name="msp-dispatch")
@click.option("-v", "--verbose", is_flag=True, help=VERBOSE_HELP)
def main(verbose: bool) -> None:
    """Engineer dispatch optimizer for IT managed-service providers."""
    _log_level(verbose)


@main.command()
@click.argument("scenario", type=FilePath(dir_okay=False, path_type=Path))
def validate(scenario: Path) -> None:
    """Check a scenario file; print a summary, or every error (exit 2)."""
    from dispatcher.io.loader import load_scenario_file

    loaded = load_scenario_file(scenario)
    problem = loaded.problem
    console = _console()
    start, end = problem.instant(0), problem.instant(problem.horizon_end)
    console.print(Text.assemble(plain(problem.name, "bold"), ": valid"))
    console.print(
        plain(
            f"horizon  {start:%a %d %b %H:%M} - {end:%a %d %b %H:%M} ({problem.scenario.timezone})"
        )
    )
    onsite = sum(1 for e in problem.engineers if e.onsite)
    console.print(f"engineers {len(problem.engineers)} ({onsite} on-site)")
    console.print(
        f"tickets  {len(problem.tickets)} ({sum(t.onsite for t in problem.tickets)} on-site)"
    )
    by_tier: Counter[tuple[str, str]] = Counter((t.tier, t.priority) for t in problem.tickets)
    priorities = sorted({p for _, p in by_tier})
    table = Table("tier", *(Column(plain(p)) for p in priorities), "total")
    for tier in sorted({t for t, _ in by_tier}):
        row = [str(by_tier[(tier, p)]) for p in priorities]
        add_row(table, tier, *row, str(sum(by_tier[(tier, p)] for p in priorities)))
    if by_tier:
        console.print(table)
    if loaded.matrix is not None:
        matrix = loaded.matrix
        console.print(
            plain(
                f"travel matrix {loaded.matrix_file}: {len(matrix.rows)} row(s) between the "
                f"scenario's sites, {matrix.skipped} row(s) naming other sites skipped"
            )
        )


@main.command()
@click.argument("scenario", type=FilePath(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=FilePath(path_type=Path),
    required=True,
    help="Plan file to write.",
)
@click.option(
    "--time-limit", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Seconds."
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Random seed of the solver (same seed, one worker: the same plan).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="CP-SAT workers (default: all cores).",
)
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
def plan(
    scenario: Path, output: Path, time_limit: float, seed: int, workers: int | None, quiet: bool
) -> None:
    """Solve the daily plan and write the plan file."""
    from dispatcher.api import solve_scenario
    from dispatcher.io.loader import input_files, load_scenario
    from dispatcher.io.planfile import check_output_path, write_plan
    from dispatcher.solver.solve import SolveOptions

    started = _command_start()
    check_output_path(output, (scenario,))
    problem = load_scenario(scenario)
    inputs = input_files(scenario, problem)
    check_output_path(output, inputs)  # its travel matrix too
    with interrupt.graceful():
        if quiet:
            options = SolveOptions(
                time_limit=time_limit, seed=seed, workers=workers, started=started
            )
            result_plan = solve_scenario(problem, options=options)
        else:
            from dispatcher.views.progress import SolveProgress

            with SolveProgress(err_console, time_limit, started) as progress:
                options = SolveOptions(
                    time_limit=time_limit,
                    seed=seed,
                    workers=workers,
                    progress=progress.update,
                    started=started,
                )
                result_plan = solve_scenario(problem, options=options)
        write_plan(result_plan, output, inputs)
    if not quiet:
        from dispatcher.views.report import print_summary, summary_rows

        rows = summary_rows(str(scenario), str(output))
        print_summary(_console(), problem, result_plan, rows)
        _console().print(f"plan written to {output}")
    _exit_if_interrupted(output)


def _exit_if_interrupted(output: Path) -> None:
    """After a first SIGINT or SIGTERM the best plan so far was written: exit 130 or 143."""
    signum = interrupt.received()
    if signum is not None:
        click.echo(
            f"interrupted by {interrupt.signal_name(signum)}: "
            f"the best plan found so far was written to {output}",
            err=True,
        )
        sys.exit(128 + signum)


@main.command()
@click.argument("scenario", type=FilePath(dir_okay=False, path_type=Path))
@click.argument("plan_file", metavar="PLAN", type=FilePath(dir_okay=False, path_type=Path))
@click.option(
    "--base",
    type=FilePath(dir_okay=False, path_type=Path),
    help="The plan this one was rescheduled from.",
)
def check(scenario: Path, plan_file: Path, base: Path | None) -> None:
    """Re-check a plan against every rule and recompute its objective (exit 1 on violations)."""
    from dispatcher.checker import check_plan
    from dispatcher.io.loader import load_scenario
    from dispatcher.io.planfile import read_plan

    problem = load_scenario(scenario)
    the_plan = read_plan(plan_file)
    base_plan = read_plan(base) if base is not None else None
    from dispatcher.checker.facts import rebased_from

    rebased = rebased_from(the_plan)
    for path, checked in ((plan_file, the_plan), (base, base_plan)):
        if checked is base_plan and checked is not None and checked.scenario.sha256 == rebased:
            continue  # the morning plan a rebased plan came from: matched by ticket id
        if checked is not None and checked.scenario.sha256 != problem.sha256:
            raise InputError.single(
                str(path),
                f"this plan belongs to another scenario (sha256 {checked.scenario.sha256[:12]}..., "
                f"{scenario} is {problem.sha256[:12]}...)",
                path="scenario.sha256",
            )
    report = check_plan(problem, the_plan, base_plan)
    console = _console()
    for violation in report.violations:
        console.print(plain(f"violation: {violation}"))
    total = report.objective.get("total", float("nan"))
    if report.ok:
        console.print(f"plan OK: every rule holds; objective {total:.4f} recomputed")
    else:
        console.print(f"{len(report.violations)} violation(s); recomputed objective {total:.4f}")
        sys.exit(1)


def _solve_options(
    time_limit: float, seed: int, workers: int | None, started: float | None = None
) -> Any:
    from dispatcher.solver.solve import SolveOptions

    return SolveOptions(time_limit=time_limit, seed=seed, workers=workers, started=started)


def _added(paths: tuple[Path, ...]) -> list[Any]:
    from dispatcher.io.loader import load_ticket_file
    from dispatcher.solver.reschedule.events import AddedTickets

    groups = []
    for path in paths:
        tickets, lines, filename = load_ticket_file(path)
        groups.append(AddedTickets(tickets, filename, lines))
    return groups


NOW_HELP = (
    "ISO 8601 (without offset: the scenario's time zone); 'now' for the current time; "
    "or HH:MM on a horizon day: today's date if the horizon holds it, else the first day "
    "not before the plan's own now, else the first day (the instant used is printed)."
)


def _now(problem: Any, old: Any, value: str, quiet: bool = False) -> Any:
    """``--now`` resolved against the scenario; for 'now' and HH:MM, one line on stderr
    saying which instant it stands for (stderr: ``impact --json`` keeps stdout JSON)."""
    from dispatcher.solver.reschedule.commandline import resolve_now

    moment, said = resolve_now(problem, value, (old.reschedule or {}).get("now"))
    if said is not None and not quiet:
        click.echo(said, err=True)
    return moment


def _solver_options(function: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--time-limit",
                type=click.FloatRange(min=0.1),
                default=5.0,
                show_default=True,
                help="Seconds.",
            ),
            click.option(
                "--seed",
                type=int,
                default=0,
                show_default=True,
                help="Random seed of the solver (same seed, one worker: the same plan).",
            ),
            click.option(
                "--workers",
                type=click.IntRange(min=1),
                default=None,
                help="CP-SAT workers (default: all cores).",
            ),
        ]
    ):
        function = option(function)
    return function


# The plan a re-plan starts from, and the instant it starts at (reschedule, impact).
BASE_PLAN = click.option(
    "--plan",
    "plan_file",
    type=FilePath(dir_okay=False, path_type=Path),
    required=True,
    help="The plan file to re-plan from (made by plan or reschedule).",
)
NOW = click.option("--now", required=True, metavar="T", help=NOW_HELP)


@main.command()
@click.argument("scenario", type=FilePath(dir_okay=False, path_type=Path))
@BASE_PLAN
@NOW
@click.option(
    "--add",
    "add_files",
    multiple=True,
    type=FilePath(dir_okay=False, path_type=Path),
    help="A YAML file with a tickets: list joining the plan.",
)
@click.option(
    "--unavailable",
    multiple=True,
    metavar="ENG[@FROM/TO]",
    help="An engineer off from now (ENG), or for a period (ENG@FROM/TO, either end may "
    "be left out); a running job is cut, the rest re-planned. Repeatable.",
)
@click.option(
    "--done",
    multiple=True,
    metavar="TICKET",
    help="A running or future job finished at now. Repeatable.",
)
@click.option(
    "--overrun",
    multiple=True,
    metavar="TICKET@UNTIL",
    help="A running job that needs until UNTIL (ISO 8601). Repeatable.",
)
@click.option(
    "--rebase",
    is_flag=True,
    help="The plan belongs to an earlier export of the same day (another scenario file): "
    "match tickets and engineers by id and write a plan of SCENARIO. Tickets the new "
    "export lacks are closed (work ended by now stays completed, a running job ends at now, "
    "a future or unassigned one leaves the plan); new tickets are placed like --add; "
    "changed ones are re-planned with their new data (a running job keeps its engineers, "
    "start and end); an engineer the export lacks is unavailable from now. The plan's "
    "reschedule.rebase block records all of it.",
)
@click.option(
    "--base-scenario",
    type=FilePath(dir_okay=False, path_type=Path),
    help="With --rebase: the scenario the --plan was made for (default: the scenario file "
    "beside the plan or beside SCENARIO whose sha256 is the one the plan records).",
)
@click.option(
    "-o",
    "--output",
    type=FilePath(path_type=Path),
    required=True,
    help="New plan file to write.",
)
@_solver_options
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
def reschedule(
    scenario: Path,
    plan_file: Path,
    now: str,
    add_files: tuple[Path, ...],
    unavailable: tuple[str, ...],
    done: tuple[str, ...],
    overrun: tuple[str, ...],
    rebase: bool,
    base_scenario: Path | None,
    output: Path,
    time_limit: float,
    seed: int,
    workers: int | None,
    quiet: bool,
) -> None:
    """Re-plan from NOW after events; print what changed and write the new plan.

    With --rebase, the plan may come from an earlier export of the day (see --rebase)."""
    started = _command_start()  # --time-limit counts from here, loading included
    from dispatcher.cli.views import load_plan_for
    from dispatcher.io.loader import input_files, load_scenario
    from dispatcher.io.planfile import check_output_path, read_plan, write_plan
    from dispatcher.solver.reschedule.events import Events, parse_overrun, parse_unavailable
    from dispatcher.solver.reschedule.replan import reschedule as replan

    if base_scenario is not None and not rebase:
        raise InputError.single(COMMAND_LINE, "--base-scenario goes with --rebase", path="--rebase")
    # No input is replaced, the old plan included: `check --base` needs it.
    inputs = (scenario, plan_file, *add_files, *([base_scenario] if base_scenario else []))
    check_output_path(output, inputs)
    base_problem = None
    if rebase:
        problem, old = load_scenario(scenario), read_plan(plan_file)
        base_path = base_scenario or _recorded_scenario(old, plan_file, scenario)
        base_problem = load_scenario(base_path)
        inputs = (*input_files(base_path, base_problem), *inputs)
    else:
        problem, old = load_plan_for(
            scenario,
            plan_file,
            "; to re-plan it onto a new export of the day, add --rebase",
        )
    inputs = (*input_files(scenario, problem), *inputs)
    check_output_path(output, inputs)  # its travel matrix too
    events = Events(
        add=_added(add_files),
        unavailable=[parse_unavailable(text, problem) for text in unavailable],
        done=list(done),
        overrun=[parse_overrun(text) for text in overrun],
    )
    moment = _now(problem, old, now, quiet)
    options = _solve_options(time_limit, seed, workers, started)
    with interrupt.graceful():
        if base_problem is not None:
            from dispatcher.solver.reschedule.rebase import rebase as rebase_onto

            result = rebase_onto(
                problem,
                base_problem,
                old,
                moment,
                events,
                options,
                plan_name=str(plan_file),
                base_name=str(base_path),
            )
        else:
            result = replan(problem, old, moment, events, options, plan_name=str(plan_file))
        write_plan(result.plan, output, inputs)
    if not quiet:
        from dispatcher.views.report_changes import print_changes

        console = _console()
        print_changes(console, result)
        console.print(f"new plan written to {output}")
    _exit_if_interrupted(output)


def _recorded_scenario(plan: Any, plan_file: Path, scenario: Path) -> Path:
    """The scenario a plan was made for: the path it records (``scenario.path``, relative
    to the plan file's folder), else the scenario file beside the plan or beside the new
    SCENARIO whose sha256 is the plan's; or InputError asking for --base-scenario."""
    recorded = (plan.scenario.model_extra or {}).get("path")
    if isinstance(recorded, str) and recorded:
        path = Path(recorded)
        return path if path.is_absolute() else plan_file.parent / path
    from dispatcher.io.identity import scenario_file_with_sha256

    found = scenario_file_with_sha256(plan.scenario.sha256, [plan_file.parent, scenario.parent])
    if found is None:
        raise InputError.single(
            COMMAND_LINE,
            f"no scenario file beside {plan_file} or {scenario} is the one it was made for: "
            "give it with --base-scenario PATH",
            path="--base-scenario",
        )
    click.echo(f"--base-scenario: {shown_text(str(found))} (the plan's scenario)", err=True)
    return found


@main.command()
@click.argument("scenario", type=FilePath(dir_okay=False, path_type=Path))
@BASE_PLAN
@NOW
@click.option(
    "--add",
    "add_file",
    type=FilePath(dir_okay=False, path_type=Path),
    required=True,
    help="A YAML file with a tickets: list: the job to price.",
)
@_solver_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def impact(
    scenario: Path,
    plan_file: Path,
    now: str,
    add_file: Path,
    time_limit: float,
    seed: int,
    workers: int | None,
    as_json: bool,
) -> None:
    """What taking a job would cost the other tickets, per tier."""
    import json

    from dispatcher.cli.views import load_plan_for
    from dispatcher.solver.reschedule.impact import impact as price

    problem, old = load_plan_for(scenario, plan_file)
    (job,) = _added((add_file,))
    result = price(
        problem,
        old,
        _now(problem, old, now),
        job,
        _solve_options(time_limit, seed, workers),
        plan_name=str(plan_file),
    )
    if as_json:
        click.echo(json.dumps(result.as_json(), indent=2))
        return
    from dispatcher.views.report_changes import print_impact

    print_impact(_console(), result)


@main.command()
@click.option(
    "--engineers",
    type=click.IntRange(min=1, max=1000),
    required=True,
    help="Engineers in the team.",
)
@click.option(
    "--tickets",
    type=click.IntRange(min=0, max=20000),
    required=True,
    help="Tickets to draw.",
)
@click.option(
    "--days",
    type=click.IntRange(min=1, max=14),
    default=2,
    show_default=True,
    help="Days of the horizon.",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Random seed (the same seed writes the same file).",
)
@click.option(
    "--timezone",
    default="Europe/London",
    show_default=True,
    help="IANA time zone of the scenario.",
)
@click.option(
    "-o",
    "--output",
    type=FilePath(path_type=Path),
    required=True,
    help="Scenario file to write.",
)
@click.option(
    "--crews",
    is_flag=True,
    help="Also draw crew jobs: about one on-site break-fix visit in ten needs two "
    "engineers together (crew: 2), now and then three; only visits that enough on-site "
    "engineers with the skills can staff get a crew. Without it, the same seed writes the "
    "same file as before.",
)
@click.option(
    "--break-fix-cap",
    type=click.IntRange(min=1),
    default=None,
    help="Break-fix visits at a time (policy.tier_caps.break_fix). Default: one per 8 "
    "engineers, at least one (5 engineers: 1, 20: 2, 50: 6).",
)
def generate(
    engineers: int,
    tickets: int,
    days: int,
    seed: int,
    timezone: str,
    output: Path,
    crews: bool,
    break_fix_cap: int | None,
) -> None:
    """Write a realistic synthetic scenario (with --crews, some two- and three-engineer
    visits)."""
    from dispatcher.io.generator import generate_scenario
    from dispatcher.io.planfile import check_output_path, write_atomic

    check_output_path(output)
    _known_time_zone(timezone)
    text = generate_scenario(
        engineers=engineers,
        tickets=tickets,
        days=days,
        seed=seed,
        timezone=timezone,
        crews=crews,
        break_fix_cap=break_fix_cap,
    )
    write_atomic(output, text)
    crew_jobs = text.count("\n    crew: ")  # the generator writes a crew only when > 1
    with_crews = f", {crew_jobs} crew job(s)" if crews else ""
    from dispatcher.io.generator import default_break_fix_cap

    cap = default_break_fix_cap(engineers) if break_fix_cap is None else break_fix_cap
    click.echo(
        f"wrote {output}: {engineers} engineers, {tickets} tickets, {days} day(s), "
        f"seed {seed}{with_crews}, {cap} break-fix visit(s) at a time"
    )


def _known_time_zone(name: str) -> None:
    """An IANA time zone name, or InputError (exit 2) naming the option."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        shown = name if len(name) <= 60 and name.isprintable() else repr(name[:60])
        raise InputError.single(
            "--timezone", f"'{shown}' is not a known IANA time zone (Europe/London, say)"
        ) from None


from dispatcher.cli.psa import import_, push  # noqa: E402
from dispatcher.cli.views import (  # noqa: E402  (the group exists first)
    explain,
    export,
    schema,
    show,
    simulate,
)

for _command in (show, explain, export, simulate, schema, import_, push):
    main.add_command(_command)


def run() -> NoReturn:
    """The ``dispatch`` command: ``main``, then an exit that skips the interpreter's
    teardown.

    Every command has written its files whole (and closed them) and printed its output
    by the time ``main`` returns; what is left is freeing the loaded scenario, the effort
    draws and the solver's modules one object at a time, 0.2-0.3 s on a 2000-ticket day,
    which a dispatcher waiting on ``--time-limit`` would count against the limit. So the
    output streams and logging are flushed, and the process ends with the command's exit
    code at once. Code that calls ``main`` itself (tests, other tools) is not affected."""
    try:
        main()
        code: int = 0
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            code = done.code or 0
        else:  # sys.exit("message"): printed to stderr, exit 1, as Python does
            print(done.code, file=sys.stderr)
            code = 1
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: the reader has gone
            if code == 0:
                code = 128 + 13
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
