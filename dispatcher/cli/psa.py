"""Commands that connect to a PSA: ``import`` (saved API responses -> a scenario).

Plain Click commands, registered on the ``dispatch`` group in ``cli/__init__.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from dispatcher.cli.paths import FilePath
from dispatcher.errors import InputError
from dispatcher.safetext import shown

PSAS = ("connectwise", "autotask", "halo")


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError.single("--date", f"'{value[:40]}' is not a date (YYYY-MM-DD)") from None


@click.command("import")
@click.argument("psa", type=click.Choice(PSAS))
@click.argument("folder", type=FilePath(file_okay=False, path_type=Path), required=False)
@click.option(
    "--mapping",
    "mapping_file",
    type=FilePath(dir_okay=False, path_type=Path),
    required=True,
    help="The mapping file (YAML): tiers, skills, on-site, efforts, sites, hours.",
)
@click.option(
    "--date",
    "day",
    metavar="YYYY-MM-DD",
    help="First day of the plan's horizon (default: today in the mapping's time zone).",
)
@click.option(
    "--plan",
    "pushed_file",
    type=FilePath(dir_okay=False, path_type=Path),
    help="The plan last pushed to the PSA: its own bookings come back as planned work, "
    "free to move, not as booked appointments (for reschedule --rebase). Bookings the PSA "
    "had before (in the link file of that plan's scenario, found beside OUTPUT or PLAN) "
    "stay booked.",
)
@click.option(
    "-o",
    "--output",
    type=FilePath(dir_okay=False, path_type=Path),
    required=True,
    help="Scenario file to write; the link to the PSA's ids goes beside it (NAME.psa.json).",
)
def import_(
    psa: str,
    folder: Path | None,
    mapping_file: Path,
    day: str | None,
    pushed_file: Path | None,
    output: Path,
) -> None:
    """Turn a PSA's saved API responses (FOLDER) into a scenario.

    FOLDER holds the JSON each documented endpoint returned (tickets.json, members.json,
    ...; pages as tickets-2.json); see the README's section for your PSA.
    """
    from dispatcher.io.planfile import check_output_path
    from dispatcher.psa import import_psa, link_path, write_imported

    if folder is None:
        raise InputError.single("FOLDER", "give the folder of saved API responses")
    protected = (mapping_file, *([pushed_file] if pushed_file else []))
    check_output_path(output, protected)
    check_output_path(link_path(output), protected)
    from dispatcher.io.planfile import read_plan

    pushed = read_plan(pushed_file) if pushed_file is not None else None
    search = [output.parent] + ([pushed_file.parent] if pushed_file is not None else [])
    imported = import_psa(psa, folder, mapping_file, _date(day), output, pushed, search)
    link = write_imported(imported, output)
    for line in imported.summary.lines():
        click.echo(shown(line))
    click.echo(f"wrote {shown(str(output))} and {shown(str(link))}")
