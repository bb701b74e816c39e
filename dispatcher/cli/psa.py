"""Commands that connect to a PSA: ``import`` (saved API responses -> a scenario; for
ConnectWise also pulled live with ``--url``) and ``push`` (a requests document -> the PSA).

Plain Click commands, registered on the ``dispatch`` group in ``cli/__init__.py``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from dispatcher.cli.paths import FilePath
from dispatcher.errors import InputError
from dispatcher.safetext import shown

if TYPE_CHECKING:
    from dispatcher.psa.connectwise_live import Client, Credentials

PSAS = ("connectwise", "autotask", "halo")
F = TypeVar("F", bound=Callable[..., Any])
ENV_PUBLIC_KEY = "DISPATCH_CW_PUBLIC_KEY"
ENV_PRIVATE_KEY = "DISPATCH_CW_PRIVATE_KEY"
ENV_CLIENT_ID = "DISPATCH_CW_CLIENT_ID"
ENV_COMPANY = "DISPATCH_CW_COMPANY"


def connection_options(command: F) -> F:
    """The options that reach a ConnectWise site: ``--url``, the API member's keys (also
    from the environment, which keeps them out of the shell history and the process
    list), and two hidden knobs for tests (page size, retry backoff)."""
    options = [
        click.option(
            "--url",
            metavar="URL",
            help="ConnectWise site (https://api-eu.myconnectwise.net); "
            "/v4_6_release/apis/3.0 is added unless it is there.",
        ),
        click.option(
            "--company",
            envvar=ENV_COMPANY,
            metavar="ID",
            help=f"Company id you log in with (or ${ENV_COMPANY}).",
        ),
        click.option(
            "--public-key",
            envvar=ENV_PUBLIC_KEY,
            metavar="KEY",
            help=f"API member's public key (or ${ENV_PUBLIC_KEY}).",
        ),
        click.option(
            "--private-key",
            envvar=ENV_PRIVATE_KEY,
            metavar="KEY",
            help=f"API member's private key (or ${ENV_PRIVATE_KEY}, better).",
        ),
        click.option(
            "--client-id",
            envvar=ENV_CLIENT_ID,
            metavar="ID",
            help=f"Integration's clientId from developer.connectwise.com (or ${ENV_CLIENT_ID}).",
        ),
        click.option(
            "--page-size",
            type=click.IntRange(1, 1000),
            default=1000,
            hidden=True,
            help="Records per page asked for (testing).",
        ),
        click.option(
            "--retry-backoff",
            type=click.FloatRange(0, 60),
            default=0.5,
            hidden=True,
            help="Backoff factor between retries, seconds (testing).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _client(
    url: str,
    company: str | None,
    public_key: str | None,
    private_key: str | None,
    client_id: str | None,
    page_size: int,
    backoff: float,
) -> Client:
    import logging

    from dispatcher.psa.connectwise_live import Client, Credentials

    if logging.getLogger().getEffectiveLevel() > logging.INFO:  # retries show with -v
        logging.getLogger("urllib3").setLevel(logging.ERROR)
    given = {
        "--company": (company, ENV_COMPANY),
        "--public-key": (public_key, ENV_PUBLIC_KEY),
        "--private-key": (private_key, ENV_PRIVATE_KEY),
        "--client-id": (client_id, ENV_CLIENT_ID),
    }
    for option, (value, env) in given.items():
        if not value:
            raise InputError.single(option, f"--url needs {option} (or ${env})")
    assert company and public_key and private_key and client_id
    credentials: Credentials = Credentials(company, public_key, private_key, client_id)
    return Client(url, credentials, page_size=page_size, backoff=backoff)


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        why = str(exc) if "range" in str(exc) else "not a date (YYYY-MM-DD)"
        raise InputError.single("--date", f"'{value[:40]}': {why}") from None


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
    help="First day of the plan's horizon (default: the --plan's day, else today in the "
    "mapping's time zone).",
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
@click.option(
    "--save",
    type=FilePath(file_okay=False, path_type=Path),
    help="With --url: folder to save the pulled responses in (default: OUT's name with "
    ".responses, beside it).",
)
@connection_options
def import_(
    psa: str,
    folder: Path | None,
    mapping_file: Path,
    day: str | None,
    pushed_file: Path | None,
    output: Path,
    save: Path | None,
    url: str | None,
    company: str | None,
    public_key: str | None,
    private_key: str | None,
    client_id: str | None,
    page_size: int,
    retry_backoff: float,
) -> None:
    """Turn a PSA's saved API responses (FOLDER) into a scenario.

    FOLDER holds the JSON each documented endpoint returned (tickets.json, members.json,
    ...; pages as tickets-2.json); see the README's section for your PSA.

    For ConnectWise, --url and the API keys pull the responses live instead: they are
    saved in FOLDER (or --save, default OUT.responses beside OUT), in the same layout, and
    imported from there.
    """
    from dispatcher.io.planfile import check_output_path, read_plan
    from dispatcher.psa import import_psa, link_path, write_imported

    if url is None and save is not None:
        raise InputError.single("--save", "--save is for a live pull: give --url too")
    protected = (mapping_file, *([pushed_file] if pushed_file else []))
    check_output_path(output, protected)
    check_output_path(link_path(output), protected)
    date = _date(day)
    if url is not None:
        if psa != "connectwise":
            raise InputError.single("--url", f"live mode is for connectwise, not {psa}")
        if folder is not None and save is not None and folder != save:
            raise InputError.single("--save", "give FOLDER or --save, not both")
        target = save or folder or output.with_name(output.stem + ".responses")
        client = _client(url, company, public_key, private_key, client_id, page_size, retry_backoff)
        date = _pull(client, mapping_file, date, target)
        folder = target
    if folder is None:
        raise InputError.single("FOLDER", "give the folder of saved API responses")
    pushed = read_plan(pushed_file) if pushed_file is not None else None
    search = [output.parent] + ([pushed_file.parent] if pushed_file is not None else [])
    imported = import_psa(psa, folder, mapping_file, date, output, pushed, search)
    link = write_imported(imported, output)
    for line in imported.summary.lines():
        click.echo(shown(line))
    click.echo(f"wrote {shown(str(output))} and {shown(str(link))}")


def _pull(client: Client, mapping_file: Path, day: dt.date | None, folder: Path) -> dt.date:
    """Pull the responses into ``folder``; the horizon's first day (today in the
    mapping's time zone unless given)."""
    from zoneinfo import ZoneInfo

    from dispatcher.psa.connectwise_live import check_save_folder, pull, save_pulled
    from dispatcher.psa.mapping import load_mapping

    mapping, lines = load_mapping(mapping_file)
    if mapping.psa != "connectwise":
        raise InputError.single(
            str(mapping_file),
            f"this mapping is for {mapping.psa}, not connectwise",
            lines.line_of(("psa",)),
            "psa",
        )
    check_save_folder(folder)
    if day is None:
        try:
            day = dt.datetime.now(ZoneInfo(mapping.timezone)).date()
        except Exception:  # the import names the bad zone with its line
            day = dt.datetime.now(dt.UTC).date()
    click.echo(f"pulling from {shown(client.base)}")
    with client:
        pulled = pull(client, day, mapping.horizon.days, lambda line: click.echo(shown(line)))
    save_pulled(pulled, folder, client.base, day)
    click.echo(f"saved the responses in {shown(str(folder))}")
    return day


@click.command("push")
@click.argument("psa", type=click.Choice(["connectwise"]))
@click.argument("requests_file", type=FilePath(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--apply/--dry-run",
    default=False,
    help="Send the requests (--apply); by default (--dry-run) only print what would be sent.",
)
@connection_options
def push(
    psa: str,
    requests_file: Path,
    apply: bool,
    url: str | None,
    company: str | None,
    public_key: str | None,
    private_key: str | None,
    client_id: str | None,
    page_size: int,
    retry_backoff: float,
) -> None:
    """Send the requests 'dispatch export --format connectwise' wrote (REQUESTS_FILE).

    Without --apply, prints one line per request and sends nothing. With --apply, sends
    them in order (a delete by find looks its entry up first), stops at the first failure,
    and writes a receipt beside REQUESTS_FILE (NAME.receipt.json): each request's
    outcome, status and schedule entry id.
    """
    from dispatcher.io.planfile import check_output_path, write_atomic
    from dispatcher.psa.connectwise_live import (
        api_base,
        describe,
        load_requests,
        receipt,
        receipt_path,
    )
    from dispatcher.psa.connectwise_live import push as send_all

    requests = load_requests(requests_file)
    if not apply:
        where = f" to {shown(api_base(url))}" if url else ""
        click.echo(f"dry run: would send {len(requests)} request(s){where}; --apply sends them")
        for number, request in enumerate(requests, 1):
            click.echo(shown(describe(number, request)))
        return
    if url is None:
        raise InputError.single("--url", "--apply needs --url and the API keys")
    client = _client(url, company, public_key, private_key, client_id, page_size, retry_backoff)
    written = receipt_path(requests_file)
    check_output_path(written, (requests_file,))
    with client:
        outcomes = send_all(client, requests, lambda line: click.echo(shown(line)))
    document = receipt(outcomes, requests_file, client.base)
    write_atomic(written, json.dumps(document, indent=2) + "\n", (requests_file,))
    sent = [o.number for o in outcomes if o.outcome == "sent"]
    failed = [o for o in outcomes if o.outcome == "failed"]
    if not failed:
        click.echo(f"sent all {len(sent)} request(s); receipt in {shown(str(written))}")
        return
    stop = failed[0]
    done = _span("sent", 1, stop.number - 1) or "no request was sent"
    left = _span("not sent", stop.number + 1, len(outcomes))
    raise InputError.single(
        str(requests_file),
        f"request {stop.number} failed: {stop.error}; {done}"
        + (f", {left}" if left else "")
        + f" (receipt: {written})",
    )


def _span(what: str, first: int, last: int) -> str:
    """'requests 1-3 were sent', 'request 4 was not sent', '' for none."""
    if last < first:
        return ""
    if last == first:
        return f"request {first} was {what}"
    return f"requests {first}-{last} were {what}"
