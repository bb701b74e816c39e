"""From the PSA and back: saved API responses of ConnectWise PSA, Autotask or HaloPSA and
a mapping file -> a scenario (``import_psa``); a plan -> the PSA's request bodies
(``dispatcher.psa.writeback``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dispatcher.errors import InputError
from dispatcher.psa.build import Builder, Imported
from dispatcher.psa.mapping import Mapping, load_mapping
from dispatcher.psa.records import PsaExport
from models import Plan

Adapter = Callable[[Path, dict[str, list[Path]] | None, dt.tzinfo], PsaExport]
LINK_SUFFIX = ".psa.json"
MAX_UNPIN_ROUNDS = 5  # each round drops the bookings that clash; a drop can end a clash
_BOOKED = re.compile(r"tickets\[(\d+)\]\.fixed_start")


def adapters() -> dict[str, Adapter]:
    """Each PSA's reader of saved responses (imported when asked for)."""
    from dispatcher.psa.autotask import read_autotask
    from dispatcher.psa.connectwise import read_connectwise
    from dispatcher.psa.halo import read_halo

    return {"connectwise": read_connectwise, "autotask": read_autotask, "halo": read_halo}


def link_path(scenario: Path) -> Path:
    """The link file beside a scenario: ``day.yaml`` -> ``day.psa.json``."""
    return scenario.with_name(scenario.stem + LINK_SUFFIX)


def import_psa(
    psa: str,
    folder: Path,
    mapping_path: Path,
    day: dt.date | None,
    output: Path,
    pushed: Plan | None = None,
    search: list[Path] | None = None,
) -> Imported:
    """Read a PSA's saved responses with a mapping file; the scenario is checked with the
    scenario loader before it is returned (an InputError names every problem)."""
    from dispatcher.io.loader import load_scenario_text

    mapping, lines = load_mapping(mapping_path)
    if mapping.psa != psa:
        raise InputError.single(
            str(mapping_path),
            f"this mapping is for {mapping.psa}, not {psa}",
            lines.line_of(("psa",)),
            "psa",
        )
    if not folder.is_dir():
        raise InputError.single(str(folder), "not a folder of saved API responses")
    naive = _zone(mapping.psa_time_zone)
    files = {name: mapping.files_for(name, mapping_path.parent) or [] for name in mapping.files}
    export = adapters()[psa](folder, files or None, naive)
    zone = _zone(mapping.timezone)
    pushed_at: set[tuple[str, str, dt.datetime]] = set()
    link: dict[str, Any] | None = None
    if pushed is not None:
        link = pushed_link(pushed, search or [output.parent])
        pushed_at = pushed_visits(pushed, zone)
        shared = {t.id for t in export.tickets} & {visit[0] for visit in pushed_at}
        if pushed_at and not shared:
            raise InputError.single(
                "--plan",
                "the plan shares no ticket with this export: give the plan pushed from an "
                "earlier export of the same PSA",
            )
        if day is None:
            day = pushed_day(pushed, link, zone)
    if day is None:
        day = dt.datetime.now(zone).date()
    builder = Builder(
        export, mapping, str(mapping_path), lines, day, output.parent, mapping_path.parent
    )
    builder.pushed = pushed_at
    builder.booked_before = booked_before(link)
    name = mapping.name or f"{psa} export {day.isoformat()}"
    imported = builder.build(name, output.name)
    problem = None
    for _ in range(MAX_UNPIN_ROUNDS):
        try:
            problem = load_scenario_text(imported.text, str(output), output.parent)
            break
        except InputError as error:
            clashes = [_booked_index(issue.path) for issue in error.issues]
            if any(index is None for index in clashes):
                raise
            reasons: dict[int, str] = {}
            for issue, index in zip(error.issues, clashes, strict=True):
                assert index is not None
                reasons.setdefault(index, issue.message)
            for index, reason in reasons.items():
                builder.unpin(imported, index, reason)
            imported.text = builder.render(imported.tickets)
    if problem is None:  # still invalid after the last round: say what remains
        problem = load_scenario_text(imported.text, str(output), output.parent)
    # The plans of this scenario carry this sha256 (of its bytes, and a travel matrix's).
    imported.link["scenario_sha256"] = problem.sha256
    imported.link["scenario"] = output.name
    imported.link["imported"] = imported.summary.as_dict()
    return imported


def pushed_link(plan: Plan, folders: list[Path]) -> dict[str, Any] | None:
    """The link file of the import ``plan``'s scenario came from (found in ``folders`` by
    the scenario's sha256), or None."""
    for folder in folders:
        for path in sorted(folder.glob(f"*{LINK_SUFFIX}")):
            try:
                link = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(link, dict) and link.get("scenario_sha256") == plan.scenario.sha256:
                return link
    return None


def booked_before(link: dict[str, Any] | None) -> set[str]:
    """The bookings the PSA had when the pushed plan's scenario was imported."""
    if link is None:
        return set()
    return {
        str(entry["psa_id"]) for entries in link.get("bookings", {}).values() for entry in entries
    }


def pushed_day(plan: Plan, link: dict[str, Any] | None, zone: dt.tzinfo) -> dt.date:
    """The first day of the pushed plan's horizon: its scenario's, from the link; else the
    day of its earliest job."""
    if link is not None and isinstance(link.get("horizon"), dict):
        with contextlib.suppress(TypeError, ValueError):
            return dt.datetime.fromisoformat(link["horizon"]["start"]).date()
    starts = [a.start for a in plan.assignments] + [c.start for c in plan.completed]
    if not starts:
        raise InputError.single("--date", "give the day: the --plan has no job to tell it")
    first = min(s if s.tzinfo is not None else s.replace(tzinfo=zone) for s in starts)
    return first.astimezone(zone).date()


def pushed_visits(plan: Plan, zone: dt.tzinfo) -> set[tuple[str, str, dt.datetime]]:
    """(ticket, engineer, start) of every engineer on every assignment of a plan."""
    out = set()
    for assignment in plan.assignments:
        start = assignment.start
        start = start if start.tzinfo is not None else start.replace(tzinfo=zone)
        for engineer in [assignment.engineer, *(m.engineer for m in assignment.crew or [])]:
            out.add((assignment.ticket, engineer, start))
    return out


def _booked_index(path: str) -> int | None:
    """``tickets[3].fixed_start`` -> 3: a booked appointment the scenario cannot hold."""
    match = _BOOKED.fullmatch(path)
    return int(match.group(1)) if match else None


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except Exception:  # the builder reports the bad name with its line
        return dt.UTC


def write_imported(imported: Imported, output: Path) -> Path:
    """The scenario and its link file, each written whole or not at all."""
    from dispatcher.io.planfile import write_atomic

    link = link_path(output)
    write_atomic(output, imported.text)
    write_atomic(link, json.dumps(imported.link, indent=2, sort_keys=False) + "\n")
    return link


__all__ = ["Imported", "Mapping", "adapters", "import_psa", "link_path", "write_imported"]
