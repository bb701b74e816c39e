"""Loading a scenario: file -> YAML with lines -> pydantic shapes -> cross-checks -> Problem.

Every error of a file is collected and raised together as one ``InputError``
whose issues name the file, the line and the field path.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import itertools
import math
import os
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from dispatcher.errors import InputError, InputIssue
from dispatcher.io.yamlio import (
    MAX_BYTES,
    MAX_ENGINEERS,
    MAX_TICKETS,
    Limit,
    LineMap,
    load_yaml,
    path_text,
)
from dispatcher.io.yamlio import Path as FieldPath
from dispatcher.semantics.clock import BusinessClock, Clock
from dispatcher.semantics.problem import EngineerData, Problem, TicketData, is_eligible
from dispatcher.semantics.risk import sigma_of
from dispatcher.semantics.shifts import ShiftCalendar
from dispatcher.semantics.timeconv import minutes_since, to_utc, zone
from dispatcher.semantics.travel import TravelTable
from models import Scenario, TicketList
from models.durations import quoted
from models.scenario import Ticket

# Every instant of a scenario lies this close to the horizon's start: further is a typo,
# and SLA clocks count business hours day by day up to it.
MAX_YEARS_FROM_HORIZON = 10
MAX_MINUTES_FROM_HORIZON = MAX_YEARS_FROM_HORIZON * 366 * 24 * 60
MAX_TRAVEL_MINUTES = 7 * 24 * 60
SCENARIO_LISTS: dict[str, Limit] = {"tickets": MAX_TICKETS, "engineers": MAX_ENGINEERS}


def read_bytes(path: Path, what: str = "file") -> bytes:
    """Read a whole file or raise InputError naming it.

    At most the byte limit is read, whatever the file claims to be: a device or a pipe
    that never ends is refused like a file that is too large.
    """
    limit = MAX_BYTES.value
    try:
        with path.open("rb") as stream:
            # A regular file says its size; anything else is read up to the limit.
            size = os.fstat(stream.fileno()).st_size
            data = stream.read(limit + 1) if size <= limit else b""
    except FileNotFoundError:
        raise InputError.single(str(path), f"{what} not found") from None
    except IsADirectoryError:
        raise InputError.single(str(path), f"{what} is a directory") from None
    except OSError as exc:
        raise InputError.single(str(path), f"cannot read {what}: {exc.strerror}") from None
    except ValueError:  # a NUL in the name, which no file system allows
        shown = str(path).replace("\0", "\\0")
        raise InputError.single(shown, f"cannot read {what}: a NUL character in its name") from None
    if size > limit or len(data) > limit:
        raise InputError.single(
            str(path), f"{what} is too large: " + MAX_BYTES.exceeded(limit, "bytes")
        )
    return data


def decode(data: bytes, filename: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError([InputIssue(filename, line, "", "file is not valid UTF-8 text")]) from None


def load_scenario(source: str | Path | Mapping[str, Any]) -> Problem:
    """Load and validate a scenario from a file path or a dict (see also ``load_scenario_text``)."""
    if isinstance(source, Mapping):
        return load_scenario_dict(source)
    path = Path(source)
    raw = read_bytes(path, "scenario file")
    return load_scenario_text(
        decode(raw, str(path)), filename=str(path), base_dir=path.parent, raw=raw
    )


def load_scenario_text(
    text: str, filename: str = "<string>", base_dir: Path | None = None, raw: bytes | None = None
) -> Problem:
    """Load and validate a scenario from YAML text."""
    data, lines = load_yaml(text, filename, lists=SCENARIO_LISTS)
    raw = text.encode("utf-8") if raw is None else raw
    return _build(data, lines, filename, base_dir or Path.cwd(), raw)


def load_scenario_dict(data: Mapping[str, Any], base_dir: Path | None = None) -> Problem:
    """Load and validate a scenario given as plain data (e.g. parsed JSON)."""
    import json

    raw = json.dumps(data, sort_keys=True, default=str).encode("utf-8")
    return _build(dict(data), LineMap(), "<dict>", base_dir or Path.cwd(), raw)


def _build(data: Any, lines: LineMap, filename: str, base_dir: Path, raw: bytes) -> Problem:
    if not isinstance(data, dict):
        raise InputError.single(filename, "a scenario must be a YAML mapping (key: value)", 1)
    for key, limit in SCENARIO_LISTS.items():  # a file was checked while read; a dict is now
        items, most = data.get(key), limit.value
        if isinstance(items, list) and len(items) > most:
            raise InputError(
                [InputIssue(filename, lines.line_of((key,)), key, limit.exceeded(most, key))]
            )
    scenario = parse_model(Scenario, data, lines, filename)
    matrix_bytes = b""
    matrix_rows: list[tuple[int, str, str, int]] = []
    if scenario.travel_matrix:
        matrix_path = base_dir / scenario.travel_matrix
        matrix_bytes = read_bytes(matrix_path, "travel matrix")
        matrix_rows = read_travel_matrix(decode(matrix_bytes, str(matrix_path)), str(matrix_path))
    digest = hashlib.sha256(raw)
    digest.update(matrix_bytes)
    checker = _Validator(scenario, lines, filename)
    problem = checker.compile(matrix_rows, digest.hexdigest(), base_dir)
    return problem


def parse_model(model: type[Any], data: dict[str, Any], lines: LineMap, filename: str) -> Any:
    """Validate shapes and types; translate pydantic errors into file/line/path issues."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(pydantic_issues(exc, lines, filename, model)) from None


def pydantic_issues(
    exc: ValidationError, lines: LineMap, filename: str, model: type[BaseModel] | None = None
) -> list[InputIssue]:
    """One issue per pydantic error; with the ``model``, unknown keys get a 'did you mean'."""
    issues = []
    for error in exc.errors(include_url=False):
        path: FieldPath = tuple(
            part
            for part in error["loc"]
            if isinstance(part, int) or not str(part).startswith(("[", "function-"))
        )
        message = _message(error)
        if error["type"] == "extra_forbidden" and model is not None and path:
            known = _field_names(model, path[:-1])
            close = difflib.get_close_matches(str(path[-1]), known, n=1, cutoff=0.7)
            if close:
                message += f" (did you mean '{close[0]}'?)"
        issues.append(InputIssue(filename, lines.line_of(path), path_text(path), message))
    return issues


def _message(error: Any) -> str:
    kind, message = error["type"], str(error["msg"])
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "is required"
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if kind not in ("value_error", "assertion_error") and "input" in error:
        given = error["input"]
        if isinstance(given, (str, int, float, bool)) or given is None:
            message += f" (got {quoted(given) if isinstance(given, str) else given})"
        elif isinstance(given, (dict, list)):
            message += f" (got a {'mapping' if isinstance(given, dict) else 'list'})"
    return message


def _field_names(model: type[BaseModel], path: FieldPath) -> list[str]:
    """The keys a model allows at ``path`` (a model inside lists and maps), else none."""
    current: Any = model
    for part in path:
        current = _unwrapped(current)
        origin, args = typing.get_origin(current), typing.get_args(current)
        if isinstance(part, int) and origin is list:
            current = args[0]
        elif origin is dict:
            current = args[1]
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return []
            current = field.annotation
        else:
            return []
    current = _unwrapped(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrapped(annotation: Any) -> Any:
    """X from Annotated[X, ...] and from X | None."""
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(options) == 1:
            annotation = options[0]
            continue
        return annotation


def read_travel_matrix(text: str, filename: str) -> list[tuple[int, str, str, int]]:
    """Rows (line, from, to, minutes) of a ``from,to,minutes`` CSV file."""
    reader = csv.DictReader(io.StringIO(text))
    rows, issues = [], []
    try:
        header = [name.strip() for name in (reader.fieldnames or [])]
        if header[:3] != ["from", "to", "minutes"]:
            raise InputError.single(filename, "the header must be: from,to,minutes", 1)
        for row in reader:
            line = reader.line_num
            try:
                minutes = float(str(row.get("minutes") or "").strip())
                if not 0 <= minutes <= MAX_TRAVEL_MINUTES:  # also refuses NaN
                    raise ValueError
            except ValueError:
                issues.append(
                    InputIssue(
                        filename,
                        line,
                        "minutes",
                        f"must be a number of minutes from 0 to {MAX_TRAVEL_MINUTES} (a week)",
                    )
                )
                continue
            origin = str(row.get("from") or "").strip()
            destination = str(row.get("to") or "").strip()
            rows.append((line, origin, destination, math.ceil(minutes - 1e-9)))
    except csv.Error as exc:  # e.g. a field over the csv module's size limit
        line = reader.line_num + 1  # the record being read when it failed
        raise InputError.single(filename, f"not a readable CSV file: {exc}", line) from None
    if issues:
        raise InputError(issues)
    return rows


class _Validator:
    """Cross-checks a shape-valid scenario and compiles it into a Problem."""

    def __init__(self, scenario: Scenario, lines: LineMap, filename: str) -> None:
        self.scenario = scenario
        self.lines = lines
        self.filename = filename
        self.issues: list[InputIssue] = []
        self.tz: ZoneInfo = ZoneInfo("UTC")
        self.origin = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    def error(self, path: FieldPath, message: str) -> None:
        self.issues.append(
            InputIssue(self.filename, self.lines.line_of(path), path_text(path), message)
        )

    def minute(self, value: dt.datetime, path: FieldPath) -> int | None:
        try:
            minute = minutes_since(self.origin, to_utc(value, self.tz))
        except ValueError as exc:
            self.error(path, str(exc))
            return None
        if abs(minute) > MAX_MINUTES_FROM_HORIZON:
            self.error(
                path,
                f"{value.isoformat()} is more than {MAX_YEARS_FROM_HORIZON} years "
                "from the horizon's start",
            )
            return None
        return minute

    def compile(
        self, matrix_rows: list[tuple[int, str, str, int]], sha256: str, base_dir: Path
    ) -> Problem:
        sc = self.scenario
        try:
            self.tz = zone(sc.timezone)
        except ValueError as exc:
            self.error(("timezone",), str(exc))
            raise InputError(self.issues) from None
        instants = {}
        for field in ("start", "end"):
            try:
                instants[field] = to_utc(getattr(sc.horizon, field), self.tz)
            except ValueError as exc:
                self.error(("horizon", field), str(exc))
        if self.issues:
            raise InputError(self.issues)
        start, end = instants["start"], instants["end"]
        self.origin = start.replace(second=0, microsecond=0)
        horizon_end = minutes_since(self.origin, end)
        if horizon_end <= 0:
            self.error(("horizon", "end"), "the horizon ends before it starts")
        elif horizon_end > MAX_MINUTES_FROM_HORIZON:
            self.error(
                ("horizon", "end"), f"the horizon is longer than {MAX_YEARS_FROM_HORIZON} years"
            )

        site_ids = list(sc.sites)
        site_index = {site_id: i for i, site_id in enumerate(site_ids)}
        matrix = self._matrix(matrix_rows, site_index)
        travel = TravelTable(
            [(site.lat, site.lon) for site in sc.sites.values()],
            matrix,
            sc.policy.travel_speed_kmh,
            sc.policy.road_factor,
        )
        clocks = self._clocks()
        self._policies(clocks)
        for tier in sc.policy.tier_caps:
            if tier not in sc.weights.tiers:
                self.error(
                    ("policy", "tier_caps", tier), f"unknown tier '{tier}' (not in weights.tiers)"
                )
        engineers = self._engineers(site_index, horizon_end)
        clients = self._clients(site_index, {e.id: e.index for e in engineers})
        tickets = self._tickets(site_index, engineers, clients, clocks, horizon_end)
        if self.issues:
            raise InputError(self.issues)
        problem = Problem(
            scenario=sc,
            name=sc.name,
            sha256=sha256,
            source=self.filename,
            tz=self.tz,
            origin=self.origin,
            horizon_end=horizon_end,
            engineers=engineers,
            tickets=tickets,
            site_ids=site_ids,
            travel=travel,
            tier_caps=dict(sc.policy.tier_caps),
        )
        self._appointments(problem)
        if self.issues:
            raise InputError(self.issues)
        return problem

    def _matrix(
        self, rows: list[tuple[int, str, str, int]], site_index: dict[str, int]
    ) -> dict[tuple[int, int], int]:
        matrix: dict[tuple[int, int], int] = {}
        for line, origin, destination, minutes in rows:
            for name, value in (("from", origin), ("to", destination)):
                if value not in site_index:
                    self.issues.append(
                        InputIssue(
                            str(self.scenario.travel_matrix), line, name, f"unknown site '{value}'"
                        )
                    )
            if origin in site_index and destination in site_index:
                matrix[(site_index[origin], site_index[destination])] = minutes
        return matrix

    def _clocks(self) -> dict[str, Clock]:
        clocks: dict[str, Clock] = {"24x7": Clock()}
        for name, calendar in self.scenario.calendars.items():
            spans = calendar.day_spans()
            if not any(spans.values()):
                self.error(("calendars", name, "weekly"), "the calendar has no business hours")
                continue
            clocks[name] = BusinessClock(spans, frozenset(calendar.holidays), self.tz, self.origin)
        return clocks

    def _policies(self, clocks: dict[str, Clock]) -> None:
        sc = self.scenario
        for name, policy in sc.sla_policies.items():
            if policy.tier not in sc.weights.tiers:
                self.error(
                    ("sla_policies", name, "tier"),
                    f"unknown tier '{policy.tier}' (not in weights.tiers)",
                )
            if policy.clock != "24x7" and policy.clock not in sc.calendars:
                self.error(("sla_policies", name, "clock"), f"unknown calendar '{policy.clock}'")
            if not policy.targets:
                self.error(("sla_policies", name, "targets"), "no priorities defined")
            for priority, target in policy.targets.items():
                if priority not in sc.weights.priorities:
                    self.error(
                        ("sla_policies", name, "targets", priority),
                        f"unknown priority '{priority}' (not in weights.priorities)",
                    )
                for kind in ("response", "resolution"):
                    if getattr(target, kind).uses_days and policy.clock != "24x7":
                        self.error(
                            ("sla_policies", name, "targets", priority, kind),
                            "days are allowed only on a 24x7 clock; give hours of business time",
                        )

    def _engineers(self, site_index: dict[str, int], horizon_end: int) -> list[EngineerData]:
        result: list[EngineerData] = []
        seen: set[str] = set()
        for i, engineer in enumerate(self.scenario.engineers):
            path: FieldPath = ("engineers", i)
            if engineer.id in seen:
                self.error((*path, "id"), f"duplicate engineer id '{engineer.id}'")
            seen.add(engineer.id)
            home = None
            if engineer.home is not None:
                if engineer.home not in site_index:
                    self.error((*path, "home"), f"unknown site '{engineer.home}'")
                else:
                    home = site_index[engineer.home]
            elif engineer.onsite:
                self.error(
                    (*path, "home"), "an on-site engineer needs a home site (or set onsite: false)"
                )
            shifts: list[tuple[int, int, int]] = []
            for j, shift in enumerate(engineer.shifts):
                start = self.minute(shift.start, (*path, "shifts", j, "start"))
                end = self.minute(shift.end, (*path, "shifts", j, "end"))
                if start is None or end is None:
                    continue
                if end <= start:
                    message = (
                        "the shift ends before it starts"
                        if end < start
                        else "the shift is empty: it ends when it starts"
                    )
                    self.error((*path, "shifts", j, "end"), message)
                    continue
                if start < 0 or end > horizon_end:
                    self.error((*path, "shifts", j), "the shift lies outside the horizon")
                    continue
                shifts.append((start, end, j))
            shifts.sort()
            for (_, prev_end, _), (start, _, j) in itertools.pairwise(shifts):
                if start < prev_end:
                    self.error((*path, "shifts", j), "the shift overlaps another shift")
            days = tuple(
                (self.origin + dt.timedelta(minutes=start)).astimezone(self.tz).date().toordinal()
                for start, _, _ in shifts
            )
            result.append(
                EngineerData(
                    index=i,
                    id=engineer.id,
                    name=engineer.name or engineer.id,
                    skills=dict(engineer.skills),
                    onsite=engineer.onsite,
                    home=home,
                    calendar=ShiftCalendar(tuple((s, e) for s, e, _ in shifts)),
                    shift_days=days,
                )
            )
        return result

    def _clients(
        self, site_index: dict[str, int], engineer_index: dict[str, int]
    ) -> dict[str, tuple[int, Any]]:
        clients: dict[str, tuple[int, Any]] = {}
        for i, client in enumerate(self.scenario.clients):
            path: FieldPath = ("clients", i)
            if client.id in clients:
                # Tickets keep referring to the first: the duplicate is the one mistake.
                self.error((*path, "id"), f"duplicate client id '{client.id}'")
            else:
                clients[client.id] = (i, client)
            if client.sla not in self.scenario.sla_policies:
                self.error((*path, "sla"), f"unknown SLA policy '{client.sla}'")
            if client.site is not None and client.site not in site_index:
                self.error((*path, "site"), f"unknown site '{client.site}'")
            for j, engineer_id in enumerate(client.preferred_engineers):
                if engineer_id not in engineer_index:
                    self.error(
                        (*path, "preferred_engineers", j), f"unknown engineer '{engineer_id}'"
                    )
        return clients

    def _tickets(
        self,
        site_index: dict[str, int],
        engineers: list[EngineerData],
        clients: dict[str, tuple[int, Any]],
        clocks: dict[str, Clock],
        horizon_end: int,
    ) -> list[TicketData]:
        engineer_index = {e.id: e.index for e in engineers}
        result: list[TicketData] = []
        seen: set[str] = set()
        for i, ticket in enumerate(self.scenario.tickets):
            compiled = self.ticket(
                ("tickets", i),
                ticket,
                site_index,
                engineer_index,
                clients,
                clocks,
                horizon_end,
                len(result),
            )
            if ticket.id in seen:
                self.error(("tickets", i, "id"), f"duplicate ticket id '{ticket.id}'")
            seen.add(ticket.id)
            if compiled is not None:
                result.append(compiled)
        return result

    def ticket(
        self,
        path: FieldPath,
        ticket: Ticket,
        site_index: dict[str, int],
        engineer_index: dict[str, int],
        clients: dict[str, tuple[int, Any]],
        clocks: dict[str, Clock],
        horizon_end: int,
        index: int,
    ) -> TicketData | None:
        sc = self.scenario
        count_before = len(self.issues)
        entry = clients.get(ticket.client)
        if entry is None:
            self.error((*path, "client"), f"unknown client '{ticket.client}'")
            return None
        client = entry[1]
        policy = sc.sla_policies.get(client.sla)
        if policy is None:
            return None
        target = policy.targets.get(ticket.priority)
        if target is None:
            self.error(
                (*path, "priority"),
                f"priority '{ticket.priority}' is not in SLA policy '{client.sla}' "
                f"(it has {', '.join(policy.targets) or 'no targets'})",
            )
        site_name = ticket.site or client.site
        site = None
        if site_name is not None:
            if site_name not in site_index:
                self.error((*path, "site"), f"unknown site '{site_name}'")
            else:
                site = site_index[site_name]
        elif ticket.onsite:
            self.error((*path, "site"), "an on-site ticket needs a site (its own or its client's)")
        for quantile in ("p50", "p90"):
            if getattr(ticket.effort, quantile).uses_days:
                self.error(
                    (*path, "effort", quantile),
                    "days are allowed only for SLA targets on a 24x7 clock; give hours (e.g. 24h)",
                )
        if ticket.effort.p90.minutes < ticket.effort.p50.minutes:
            self.error((*path, "effort", "p90"), "p90 must not be less than p50")
        assigned = None
        if ticket.assigned_to is not None:
            if ticket.assigned_to not in engineer_index:
                self.error((*path, "assigned_to"), f"unknown engineer '{ticket.assigned_to}'")
            else:
                assigned = engineer_index[ticket.assigned_to]
        opened = self.minute(ticket.opened, (*path, "opened"))
        window = None
        if ticket.window is not None:
            low = self.minute(ticket.window.start, (*path, "window", "start"))
            high = self.minute(ticket.window.end, (*path, "window", "end"))
            if low is not None and high is not None:
                if high < low:
                    self.error((*path, "window", "end"), "the window ends before it starts")
                window = (low, high)
        fixed = None
        if ticket.fixed_start is not None:
            fixed = self.minute(ticket.fixed_start, (*path, "fixed_start"))
            if ticket.assigned_to is None:
                self.error(
                    (*path, "fixed_start"), "a fixed_start needs assigned_to (the booked engineer)"
                )
            if fixed is not None and opened is not None and fixed < opened:
                self.error(
                    (*path, "fixed_start"), "the fixed start is before the ticket was opened"
                )
        responded = (
            ticket.responded is not None
            and self.minute(ticket.responded, (*path, "responded")) is not None
        )
        tier = policy.tier
        clock = clocks.get(policy.clock)
        response_due = resolution_due = 0
        if opened is not None and target is not None and clock is not None:
            response_due = self._due(
                path, "response_due", ticket.response_due, clock, opened, target.response.minutes
            )
            resolution_due = self._due(
                path,
                "resolution_due",
                ticket.resolution_due,
                clock,
                opened,
                target.resolution.minutes,
            )
        if len(self.issues) > count_before or opened is None or clock is None:
            return None
        weights = sc.weights
        after = clock.count(horizon_end, resolution_due) if resolution_due > horizon_end else 0
        preferred = frozenset(
            engineer_index[e] for e in client.preferred_engineers if e in engineer_index
        )
        return TicketData(
            index=index,
            id=ticket.id,
            client=client.id,
            tier=tier,
            priority=ticket.priority,
            weight=weights.tiers.get(tier, 0.0) * weights.priorities.get(ticket.priority, 0.0),
            opened=opened,
            onsite=ticket.onsite,
            site=site,
            p50=ticket.effort.p50.minutes,
            p90=ticket.effort.p90.minutes,
            sigma=sigma_of(ticket.effort.p50.minutes, ticket.effort.p90.minutes),
            skills=dict(ticket.skills),
            window=window,
            assigned_to=assigned,
            fixed_start=fixed,
            responded=responded,
            response_due=response_due,
            resolution_due=resolution_due,
            after_horizon=after,
            must_assign=ticket.must_assign or fixed is not None,
            preferred=preferred,
            clock=clock,
        )

    def _due(
        self,
        path: FieldPath,
        field: str,
        given: dt.datetime | None,
        clock: Clock,
        opened: int,
        minutes: int,
    ) -> int:
        if given is not None:
            return self.minute(given, (*path, field)) or 0
        try:
            return clock.due(opened, minutes)
        except ValueError as exc:
            self.error((*path, field), str(exc))
            return 0

    def _appointments(self, problem: Problem) -> None:
        """Booked appointments (fixed_start) must all hold together."""
        by_engineer: dict[int, list[tuple[int, int, TicketData]]] = {}
        for ticket in problem.tickets:
            if ticket.fixed_start is None or ticket.assigned_to is None:
                continue
            path = ("tickets", ticket.index, "fixed_start")
            engineer = problem.engineers[ticket.assigned_to]
            if not is_eligible(ticket, engineer):
                self.error(
                    path, f"engineer '{engineer.id}' cannot take this ticket (skills or on-site)"
                )
                continue
            start = ticket.fixed_start
            if ticket.window is not None and not ticket.window[0] <= start <= ticket.window[1]:
                self.error(path, "the fixed start is outside the ticket's window")
                continue
            shift = engineer.calendar.shift_of_start(start)
            finish = engineer.calendar.finish(start, ticket.p50) if shift is not None else None
            if shift is None or finish is None:
                self.error(
                    path,
                    f"the appointment is outside {engineer.id}'s shifts "
                    "or runs past their last shift",
                )
                continue
            by_engineer.setdefault(engineer.index, []).append((start, finish, ticket))
        for engineer_index, jobs in by_engineer.items():
            engineer = problem.engineers[engineer_index]
            jobs.sort(key=lambda job: job[0])
            overlapping: set[int] = set()
            for (_, prev_end, prev), (start, _, ticket) in itertools.pairwise(jobs):
                if start < prev_end:
                    overlapping.add(ticket.index)
                    self.error(
                        ("tickets", ticket.index, "fixed_start"),
                        f"the appointment overlaps {prev.id} (both booked for {engineer.id})",
                    )
            from dispatcher.semantics.walk import walk_engineer

            for job, travel_needed in walk_engineer(
                problem, engineer, [(t.index, s, f) for s, f, t in jobs]
            ):
                if travel_needed is not None and job not in overlapping:
                    ticket = problem.tickets[job]
                    self.error(
                        ("tickets", ticket.index, "fixed_start"),
                        "too close to the previous appointment "
                        f"for the {travel_needed} minutes of travel",
                    )
        running: list[tuple[int, int, TicketData]] = [
            job for jobs in by_engineer.values() for job in jobs
        ]
        for tier, cap in problem.tier_caps.items():
            events = sorted(
                [(s, 1, t.id) for s, _, t in running if t.tier == tier]
                + [(f, -1, t.id) for _, f, t in running if t.tier == tier]
            )
            level = 0
            for _, delta, ticket_id in events:
                level += delta
                if level > cap:
                    self.error(
                        ("tickets", problem.ticket_index[ticket_id], "fixed_start"),
                        f"more than {cap} booked {tier} jobs would run at once (policy.tier_caps)",
                    )
                    break


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
    validator = _Validator(problem.scenario, lines, filename)
    validator.tz, validator.origin = problem.tz, problem.origin
    site_index = {site: i for i, site in enumerate(problem.site_ids)}
    engineer_index = dict(problem.engineer_index)
    clients = validator._clients(site_index, engineer_index)
    clocks = validator._clocks()
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
