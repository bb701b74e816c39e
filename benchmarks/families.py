"""Scenario families for the benchmark, written as other MSPs would write their days.

Each family is a seeded writer of scenario YAML (and a travel matrix CSV beside it when
the family uses one) with its own mix of tiers, skills, shifts and travel. It shares no
code with the project's own generator, so the benchmark also sees days shaped unlike
the ones the solver was tuned on.

    from benchmarks.families import FAMILIES, write_family
    path = write_family("field", engineers=20, tickets=150, seed=0, directory=Path("/tmp"))

Families: ``office`` (managed-heavy, lunch-split office clocks and shifts), ``field``
(rural on-site work with a partial, asymmetric travel matrix), ``light`` (capacity far
above demand, tickets arriving through the day, strong preferences), ``scarce``
(level-3 specialists, booked appointments, pinned and must-assign tickets) and ``rota``
(three days of staggered 24x7 shifts across a daylight-saving change).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

Doc = dict[str, Any]
MatrixRow = tuple[str, str, int]

EARTH_KM = 6371.0
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Mondays of weeks that are at least a week away from any daylight-saving change in
# the zones below (northern and southern hemisphere alike).
SAFE_MONDAYS = [dt.date(2026, 5, 11) + dt.timedelta(weeks=k) for k in range(18)]

FIRST_NAMES = [
    "amira", "ben", "chloe", "dev", "elena", "farid", "grace", "hugo", "ines", "jonas",
    "kofi", "lena", "marco", "nadia", "owen", "priya", "quinn", "rosa", "sami", "tara",
    "umar", "vera", "wes", "xin", "yusuf", "zoe", "arjun", "bella", "carl", "dana",
    "emil", "fiona", "gus", "hana", "ivan", "jade", "kai", "lola", "milo", "nora",
]  # fmt: skip
CLIENT_WORDS = [
    "harbour", "granite", "willow", "summit", "beacon", "copper", "meadow", "falcon",
    "juniper", "orchard", "quarry", "saffron", "thistle", "valley", "cobalt", "linden",
    "ember", "north", "heron", "marble", "oak", "pioneer", "riverside", "crescent",
]  # fmt: skip
CLIENT_TRADES = [
    "dental", "logistics", "solicitors", "vets", "print", "motors", "bakery", "clinic",
    "architects", "pharmacy", "hotel", "school", "accountants", "brewery", "garage",
    "estates", "surgery", "foods", "studio", "farms",
]  # fmt: skip
SUMMARIES = {
    "windows": "Laptop will not boot after update",
    "m365": "Shared mailbox permissions missing",
    "networking": "Intermittent drop-outs on office LAN",
    "printers": "Printer offline on second floor",
    "backup": "Nightly backup job failed",
    "security": "Suspicious sign-in alert",
    "voip": "Desk phones not registering",
    "macos": "Mac cannot reach file share",
    "cabling": "Patch panel re-termination",
    "pos-terminals": "Till terminal not taking cards",
    "cctv": "Camera recorder offline",
    "servers": "Host fan failure warning",
    "wifi": "Weak signal in warehouse",
}


@dataclass
class Built:
    """What a family writes: the scenario document and, optionally, matrix rows."""

    scenario: Doc
    matrix: list[MatrixRow] | None = None
    flow: bool = True  # inline maps for leaves (``{start: ..., end: ...}``), else block style


@dataclass(frozen=True)
class Family:
    """A named scenario writer."""

    name: str
    summary: str
    build: Callable[[random.Random, int, int], Built] = field(repr=False)


# ---------------------------------------------------------------- small helpers


def _fmt(moment: dt.datetime) -> str:
    """Local wall-clock time as the scenario writes it."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def _at(day: dt.date, hhmm: str) -> dt.datetime:
    hours, minutes = hhmm.split(":")
    return dt.datetime.combine(day, dt.time(int(hours), int(minutes)))


def _two_weekdays(
    rng: random.Random, cities: Sequence[tuple[str, float, float]]
) -> tuple[str, float, float, ZoneInfo, list[dt.date]]:
    """A city (zone, centre) and two consecutive weekdays of a week clear of clock changes."""
    zone_name, lat, lon = rng.choice(cities)
    first = rng.choice(SAFE_MONDAYS) + dt.timedelta(days=rng.randint(0, 3))
    return zone_name, lat, lon, ZoneInfo(zone_name), [first, first + dt.timedelta(days=1)]


def _exists(moment: dt.datetime, zone: ZoneInfo) -> bool:
    """False for a local time inside a spring-forward gap."""
    there_and_back = moment.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)
    return there_and_back.replace(tzinfo=None) == moment


def _real(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The first local time at or after ``moment`` that exists."""
    while not _exists(moment, zone):
        moment += dt.timedelta(minutes=30)
    return moment


def _offset(moment: dt.datetime, zone: ZoneInfo, as_text: bool) -> str | dt.datetime:
    """Local time with its UTC offset (the first one when ambiguous): quoted ISO text, or
    a YAML timestamp."""
    aware = moment.replace(tzinfo=zone)
    fixed = aware.astimezone(dt.timezone(aware.utcoffset() or dt.timedelta()))
    return fixed.isoformat() if as_text else fixed


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _duration(minutes: int, style: str = "compact") -> str | int:
    """A positive duration written as ``1h30m``, ``PT1H30M`` or whole minutes."""
    hours, rest = divmod(minutes, 60)
    if style == "int":
        return minutes
    if style == "iso":
        return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest else "")
    return (f"{hours}h" if hours else "") + (f"{rest}m" if rest else "")


def _effort(p50: int, p90: int, style: str = "compact") -> Any:
    if p50 == p90:
        return _duration(p50, style)
    return {"p50": _duration(p50, style), "p90": _duration(p90, style)}


def _round_up(value: float, step: int) -> int:
    return max(step, math.ceil(value / step) * step)


def _weighted(rng: random.Random, options: dict[Any, float]) -> Any:
    return rng.choices(list(options), weights=list(options.values()))[0]


def _scatter(rng: random.Random, lat: float, lon: float, radius_km: float) -> dict[str, float]:
    """A point uniformly inside a disc around (lat, lon)."""
    distance = radius_km * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111.32
    dlon = distance * math.sin(bearing) / (111.32 * math.cos(math.radians(lat)))
    return {"lat": round(lat + dlat, 5), "lon": round(lon + dlon, 5)}


def _km(a: dict[str, float], b: dict[str, float]) -> float:
    lat1, lat2 = math.radians(a["lat"]), math.radians(b["lat"])
    dlat, dlon = lat2 - lat1, math.radians(b["lon"] - a["lon"])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(min(1.0, h)))


def _drive(a: dict[str, float], b: dict[str, float], speed: float, road: float) -> int:
    """The SPEC's straight-line travel formula in whole minutes."""
    return math.ceil(_km(a, b) * road / speed * 60 - 1e-9)


def _people(rng: random.Random, count: int) -> list[str]:
    names = list(FIRST_NAMES)
    rng.shuffle(names)
    return [
        names[i % len(names)] + ("" if i < len(names) else f"-{i // len(names) + 1}")
        for i in range(count)
    ]


def _companies(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(id, display name) pairs, all ids distinct."""
    seen: set[str] = set()
    result: list[tuple[str, str]] = []
    while len(result) < count:
        word, trade = rng.choice(CLIENT_WORDS), rng.choice(CLIENT_TRADES)
        ident = f"{word}-{trade}"
        if ident in seen:
            ident = f"{ident}-{len(result)}"
        seen.add(ident)
        result.append((ident, f"{word.title()} {trade.title()}"))
    return result


def _skill_levels(
    rng: random.Random, pool: Sequence[str], low: int, high: int, levels: dict[int, float]
) -> dict[str, int]:
    chosen = rng.sample(list(pool), k=min(len(pool), rng.randint(low, high)))
    return {name: _weighted(rng, levels) for name in chosen}


def _eligible(engineer: Doc, needs: dict[str, int], onsite: bool) -> bool:
    skills = engineer["skills"]
    if isinstance(skills, list):
        skills = {name: 1 for name in skills}
    if onsite and engineer.get("onsite", True) is False:
        return False
    return all(skills.get(name, 0) >= level for name, level in needs.items())


class _Calendar:
    """Weekly business hours with holidays, for stepping a ticket's age back in time."""

    def __init__(self, weekly: dict[int, str], holidays: Sequence[dt.date] = ()) -> None:
        self.spans = {
            day: [tuple(part.split("-")) for part in hours.split(",")]
            for day, hours in weekly.items()
        }
        self.holidays = set(holidays)

    def weekly_doc(self) -> dict[str, str]:
        return {
            DAY_KEYS[day]: ",".join(f"{a}-{b}" for a, b in spans)
            for day, spans in sorted(self.spans.items())
        }

    def back(self, moment: dt.datetime, minutes: int) -> dt.datetime:
        """The local time ``minutes`` business minutes before ``moment``."""
        day = moment.date()
        while True:
            if day not in self.holidays:
                for first, last in reversed(self.spans.get(day.weekday(), [])):
                    opens, closes = _at(day, first), min(_at(day, last), moment)
                    if closes <= opens:
                        continue
                    available = _minutes(closes - opens)
                    if minutes <= available:
                        return closes - dt.timedelta(minutes=minutes)
                    minutes -= available
            day -= dt.timedelta(days=1)


def _sla(tier: str, clock: str, targets: dict[str, tuple[str, str]]) -> Doc:
    return {
        "tier": tier,
        "clock": clock,
        "targets": {p: {"response": r, "resolution": s} for p, (r, s) in targets.items()},
    }


def _target_minutes(text: str) -> int:
    """Minutes of a compact target such as ``4h``, ``30m`` or ``2d``."""
    total, number = 0, ""
    for char in text:
        if char.isdigit():
            number += char
            continue
        total += int(number) * {"d": 1440, "h": 60, "m": 1}[char]
        number = ""
    return total


# ---------------------------------------------------------------- office


OFFICE_CITIES = [
    ("Europe/London", 51.507, -0.128),
    ("Europe/Dublin", 53.349, -6.260),
    ("Europe/Berlin", 52.520, 13.405),
    ("America/Chicago", 41.878, -87.630),
    ("America/Toronto", 43.653, -79.383),
]
OFFICE_SKILLS = ["windows", "m365", "networking", "printers", "backup", "security", "voip", "macos"]
OFFICE_SPLITS = [
    (("07:30", "11:30"), ("12:00", "16:00")),
    (("08:00", "12:00"), ("12:45", "17:00")),
    (("08:30", "12:30"), ("13:30", "17:30")),
    (("09:00", "13:00"), ("14:00", "18:00")),
]
OFFICE_TARGETS = {
    "managed-platinum": ("managed", "extended", {
        "P1": ("15m", "4h"), "P2": ("1h", "8h"), "P3": ("4h", "16h"), "P4": ("8h", "32h"),
    }),
    "managed-standard": ("managed", "office", {
        "P1": ("30m", "6h"), "P2": ("2h", "12h"), "P3": ("8h", "24h"), "P4": ("16h", "48h"),
    }),
    "pay-as-you-go": ("break_fix", "office", {
        "P1": ("2h", "8h"), "P2": ("4h", "16h"), "P3": ("8h", "40h"), "P4": ("16h", "80h"),
    }),
}  # fmt: skip


def _office(rng: random.Random, engineers: int, tickets: int) -> Built:
    """Managed-heavy office work: lunch-split SLA clocks and shifts, a working backlog."""
    zone_name, lat, lon = rng.choice(OFFICE_CITIES)
    zone = ZoneInfo(zone_name)
    monday = rng.choice(SAFE_MONDAYS)
    if rng.random() < 0.5:  # just after a bank-holiday Monday
        first, holiday = monday + dt.timedelta(days=1), monday
    else:  # the two days before a Friday holiday
        first, holiday = monday + dt.timedelta(days=2), monday + dt.timedelta(days=4)
    days = [first, first + dt.timedelta(days=1)]
    start, end = _at(days[0], "07:30"), _at(days[1], "18:00")
    holidays = [holiday, dt.date(2026, 12, 25)]  # shared: written once, as a YAML anchor
    calendars = {
        "office": _Calendar({d: "08:00-12:00,13:00-17:00" for d in range(5)}, holidays),
        "extended": _Calendar(
            {**{d: "07:30-12:00,12:30-18:00" for d in range(5)}, 5: "09:00-12:00"}, holidays
        ),
    }

    sites: Doc = {}
    people = _people(rng, engineers)
    staff: list[Doc] = []
    for i, ident in enumerate(people):
        remote = i > 0 and rng.random() < 0.25
        skills = _skill_levels(rng, OFFICE_SKILLS, 3, 5, {1: 0.4, 2: 0.4, 3: 0.2})
        engineer: Doc = {"id": ident, "name": ident.title(), "skills": skills}
        if rng.random() < 0.3:
            engineer["skills"] = sorted(skills)  # list form: level 1 each
        if remote:
            engineer["onsite"] = False
        if not remote or rng.random() < 0.5:
            sites[f"{ident}-home"] = _scatter(rng, lat, lon, 18)
            engineer["home"] = f"{ident}-home"
        morning, afternoon = rng.choice(OFFICE_SPLITS)
        shifts = []
        for index, day in enumerate(days):
            halves = [morning, afternoon]
            if index == 1 and rng.random() < 0.15:
                halves = [morning]  # part-timer: mornings only on day two
            if index == 0 and rng.random() < 0.1:
                halves = [afternoon]  # a late start on day one
            shifts += [{"start": _fmt(_at(day, a)), "end": _fmt(_at(day, b))} for a, b in halves]
        engineer["shifts"] = shifts
        staff.append(engineer)

    client_count = min(60, max(3, tickets // 8))
    clients: list[Doc] = []
    for i, (ident, name) in enumerate(_companies(rng, client_count)):
        if i == 1 or (i > 1 and rng.random() < 0.2):
            sla = "pay-as-you-go"
        else:
            sla = "managed-platinum" if rng.random() < 0.35 else "managed-standard"
        sites[ident] = {**_scatter(rng, lat, lon, 12), "address": f"{i + 1} High Street"}
        client: Doc = {"id": ident, "name": name, "sla": sla, "site": ident}
        if rng.random() < 0.25:
            client["preferred_engineers"] = rng.sample(people, k=min(len(people), 2))
        clients.append(client)
    managed = [c for c in clients if c["sla"] != "pay-as-you-go"]
    casual = [c for c in clients if c["sla"] == "pay-as-you-go"]
    size = {c["id"]: rng.paretovariate(1.5) for c in clients}

    has_onsite = any(e.get("onsite", True) for e in staff)
    rows: list[Doc] = []
    for n in range(tickets):
        pool = managed if rng.random() < 0.8 else casual
        client = rng.choices(pool, weights=[size[c["id"]] for c in pool])[0]
        _, clock, targets = OFFICE_TARGETS[client["sla"]]
        priority = _weighted(rng, {"P1": 4, "P2": 16, "P3": 45, "P4": 35})
        response, resolution = (_target_minutes(t) for t in targets[priority])
        p50 = _weighted(rng, {15: 3, 20: 2, 30: 4, 45: 3, 60: 3, 90: 2, 120: 2, 180: 1, 240: 1})
        p90 = p50 if rng.random() < 0.1 else _round_up(p50 * rng.uniform(1.2, 2.5), 5)
        ticket: Doc = {"id": f"INC-{10001 + n}", "client": client["id"]}
        need = rng.choice(OFFICE_SKILLS)
        ticket["summary"] = SUMMARIES[need]
        ticket["priority"] = priority
        draw = rng.random()
        if draw < 0.12:
            opened = _at(days[0], "08:00") + dt.timedelta(minutes=rng.randint(0, 480))
        elif draw < 0.17:  # already past its resolution target
            opened = calendars[clock].back(start, int(resolution * rng.uniform(1.05, 1.6)))
        else:
            age = rng.randint(0, int(min(960, 0.9 * resolution)))
            opened = calendars[clock].back(start, age)
        opened = _real(opened, zone)
        ticket["opened"] = _fmt(opened)
        onsite = has_onsite and rng.random() < 0.25
        if onsite:
            ticket["onsite"] = True
        ticket["effort"] = _effort(p50, p90, "iso" if n % 7 == 3 else "compact")
        if rng.random() < 0.85:
            level = _weighted(rng, {1: 0.6, 2: 0.3, 3: 0.1})
            ticket["skills"] = {need: level}
        if onsite and rng.random() < 0.1:
            day = rng.choice(days)
            begin = _at(day, rng.choice(["09:00", "10:00", "13:00", "14:00"]))
            window_end = begin + dt.timedelta(hours=rng.choice([2, 3]))
            ticket["window"] = {"start": _fmt(begin), "end": _fmt(window_end)}
        if opened < start and _minutes(start - opened) > response // 2 and rng.random() < 0.85:
            answered = opened + dt.timedelta(minutes=rng.randint(2, 45))
            ticket["responded"] = _fmt(_real(min(answered, start), zone))
        rows.append(ticket)

    scenario: Doc = {
        "version": 1,
        "name": f"Office day, {len(staff)} engineers",
        "timezone": zone_name,
        "horizon": {"start": _fmt(start), "end": _fmt(end)},
        "calendars": {
            name: {"weekly": cal.weekly_doc(), "holidays": holidays}
            for name, cal in calendars.items()
        },
        "sla_policies": {
            name: _sla(tier, clock, targets)
            for name, (tier, clock, targets) in OFFICE_TARGETS.items()
        },
        "policy": {"tier_caps": {"break_fix": max(1, engineers // 5)}},
        "sites": sites,
        "clients": clients,
        "engineers": staff,
        "tickets": rows,
    }
    return Built(scenario)


# ---------------------------------------------------------------- field


FIELD_REGIONS = [
    ("Europe/London", 52.35, -3.40),  # mid-Wales
    ("America/Chicago", 42.03, -93.60),  # central Iowa
    ("Australia/Brisbane", -27.50, 151.40),  # Darling Downs
    ("Europe/Paris", 45.80, 2.90),  # Auvergne
    ("America/Denver", 46.60, -110.50),  # central Montana
]
FIELD_SKILLS = ["cabling", "networking", "pos-terminals", "printers", "cctv", "servers", "wifi"]
FIELD_SHIFTS = [("07:00", "15:30"), ("07:30", "16:00"), ("08:00", "17:00"), ("09:00", "18:00")]
FIELD_TARGETS = {
    "field-contract": ("managed", {
        "P1": ("2h", "12h"), "P2": ("4h", "1d"), "P3": ("8h", "2d"), "P4": ("1d", "4d"),
    }),
    "call-out": ("break_fix", {"P1": ("4h", "1d"), "P2": ("8h", "2d"), "P3": ("1d", "3d")}),
}  # fmt: skip


def _field(rng: random.Random, engineers: int, tickets: int) -> Built:
    """Rural on-site work: long drives, a partial asymmetric travel matrix, 24x7 clocks."""
    zone_name, lat, lon = rng.choice(FIELD_REGIONS)
    zone = ZoneInfo(zone_name)
    radius = rng.uniform(30, 40)
    first = rng.choice(SAFE_MONDAYS) + dt.timedelta(days=rng.randint(0, 3))
    days = [first, first + dt.timedelta(days=1)]
    start, end = _at(days[0], "07:00"), _at(days[1], "18:00")
    speed, road = rng.choice([50, 55, 60]), rng.choice([1.35, 1.5])

    sites: Doc = {}
    people = _people(rng, engineers)
    staff: list[Doc] = []
    for i, ident in enumerate(people):
        remote = i > 0 and rng.random() < 0.1
        engineer: Doc = {
            "id": ident,
            "name": ident.title(),
            "skills": _skill_levels(rng, FIELD_SKILLS, 3, 5, {1: 0.35, 2: 0.45, 3: 0.2}),
        }
        if remote:
            engineer["onsite"] = False
        else:
            sites[f"home-{ident}"] = _scatter(rng, lat, lon, radius)
            engineer["home"] = f"home-{ident}"
        begin, finish = rng.choice(FIELD_SHIFTS)
        split = rng.random() < 0.2
        shifts = []
        for day in days:
            if split:
                shifts += [
                    {"start": _fmt(_at(day, begin)), "end": _fmt(_at(day, "12:00"))},
                    {"start": _fmt(_at(day, "12:30")), "end": _fmt(_at(day, finish))},
                ]
            else:
                shifts.append({"start": _fmt(_at(day, begin)), "end": _fmt(_at(day, finish))})
        engineer["shifts"] = shifts
        staff.append(engineer)

    clients: list[Doc] = []
    branches: dict[str, list[str]] = {}
    for i, (ident, name) in enumerate(_companies(rng, min(150, max(4, tickets // 3)))):
        sla = "call-out" if i == 1 or (i > 1 and rng.random() < 0.3) else "field-contract"
        sites[ident] = _scatter(rng, lat, lon, radius)
        branches[ident] = [ident]
        if rng.random() < 0.25:
            for k in range(rng.randint(1, 2)):
                branch = f"{ident}-site{k + 2}"
                sites[branch] = _scatter(rng, lat, lon, radius)
                branches[ident].append(branch)
        clients.append({"id": ident, "name": name, "sla": sla, "site": ident})

    onsite_staff = [e for e in staff if e.get("onsite", True)]
    rows: list[Doc] = []
    for n in range(tickets):
        client = rng.choice(clients)
        tier, targets = FIELD_TARGETS[client["sla"]]
        priority = rng.choice(list(targets))
        onsite = bool(onsite_staff) and rng.random() < 0.7
        if onsite and tier == "break_fix" and rng.random() < 0.08:
            p50 = rng.choice([420, 540, 600])  # a day-long or longer job
        elif onsite:
            p50 = _weighted(rng, {30: 3, 45: 3, 60: 3, 90: 2, 120: 2, 180: 1, 240: 0.5})
        else:
            p50 = rng.choice([15, 30, 45, 60, 90])
        p90 = _round_up(p50 * rng.uniform(1.3, 2.2), 15)
        if rng.random() < 0.7:
            opened = start - dt.timedelta(minutes=rng.randint(0, 30 * 60))
        else:
            opened = start + dt.timedelta(minutes=rng.randint(0, 29 * 60))
        opened = _real(opened, zone)
        need = rng.choice(FIELD_SKILLS)
        ticket: Doc = {
            "id": f"WO-{5001 + n}",
            "client": client["id"],
            "summary": SUMMARIES[need],
            "priority": priority,
            "opened": _fmt(opened),
            "effort": _effort(p50, p90),
        }
        if onsite:
            ticket["onsite"] = True
            site = rng.choice(branches[client["id"]])
            if site != client["site"]:
                ticket["site"] = site
        if rng.random() < 0.8:
            ticket["skills"] = {need: _weighted(rng, {1: 0.6, 2: 0.35, 3: 0.05})}
        if onsite and rng.random() < 0.2:
            day = rng.choice(days)
            opens = _at(day, f"{rng.randint(8, 14):02d}:{rng.choice(['00', '30'])}")
            closes = opens + dt.timedelta(hours=rng.choice([2, 3, 4]))
            ticket["window"] = {"start": _fmt(opens), "end": _fmt(closes)}
        if opened < start - dt.timedelta(hours=1) and rng.random() < 0.5:
            ticket["responded"] = _fmt(_real(opened + dt.timedelta(minutes=20), zone))
        rows.append(ticket)

    names = list(sites)
    matrix: list[MatrixRow] = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if rng.random() >= 0.5:
                continue
            both = rng.random() < 0.75
            forward = rng.random() < 0.5
            for origin, target in ((a, b), (b, a)):
                if not both and forward != (origin == a):
                    continue
                formula = _drive(sites[origin], sites[target], speed, road)
                matrix.append((origin, target, max(1, round(formula * rng.uniform(0.8, 1.5)))))

    scenario: Doc = {
        "version": 1,
        "name": f"Field service, {len(staff)} engineers",
        "timezone": zone_name,
        "horizon": {"start": _fmt(start), "end": _fmt(end)},
        "sla_policies": {
            name: _sla(tier, "24x7", targets) for name, (tier, targets) in FIELD_TARGETS.items()
        },
        "weights": {
            "travel_per_hour": 0.5,
            "tiers": {"managed": 8},
            "priorities": {"P1": 10},
            "deferral": 0.1,
        },
        "policy": {"travel_speed_kmh": speed, "road_factor": road, "tier_caps": {"break_fix": 2}},
        "sites": sites,
        "travel_matrix": None,  # named by write_family
        "clients": clients,
        "engineers": staff,
        "tickets": rows,
    }
    return Built(scenario, matrix, flow=False)


# ---------------------------------------------------------------- light


LIGHT_CITIES = [
    ("Asia/Singapore", 1.352, 103.820),
    ("Europe/Madrid", 40.417, -3.704),
    ("America/Los_Angeles", 34.052, -118.244),
    ("Pacific/Auckland", -36.848, 174.763),
]
LIGHT_SKILLS = ["windows", "m365", "printers", "networking", "macos"]
LIGHT_TARGETS = {
    "care-plan": ("managed", "business", {
        "P1": ("1h", "8h"), "P2": ("2h", "12h"), "P3": ("4h", "24h"), "P4": ("8h", "40h"),
    }),
    "ad-hoc": ("break_fix", "24x7", {"P2": ("8h", "2d"), "P3": ("1d", "3d"), "P4": ("2d", "5d")}),
}  # fmt: skip


def _light(rng: random.Random, engineers: int, tickets: int) -> Built:
    """Plenty of capacity, short jobs arriving through the day, strong client preferences."""
    zone_name, lat, lon, zone, days = _two_weekdays(rng, LIGHT_CITIES)
    start, end = _at(days[0], "08:00"), _at(days[1], "17:30")
    business = _Calendar({d: "07:00-19:00" for d in range(5)})

    sites: Doc = {}
    people = _people(rng, engineers)
    staff: list[Doc] = []
    for i, ident in enumerate(people):
        engineer: Doc = {
            "id": ident,
            "name": ident.title(),
            "skills": _skill_levels(rng, LIGHT_SKILLS, 2, 4, {1: 0.5, 2: 0.4, 3: 0.1}),
        }
        if i > 0 and rng.random() < 0.4:
            engineer["onsite"] = False
        else:
            sites[f"{ident}-home"] = _scatter(rng, lat, lon, 15)
            engineer["home"] = f"{ident}-home"
        hours = rng.choice([("08:00", "17:30"), ("08:30", "17:00"), ("08:00", "16:30")])
        engineer["shifts"] = [
            {"start": _fmt(_at(day, hours[0])), "end": _fmt(_at(day, hours[1]))} for day in days
        ]
        staff.append(engineer)

    clients: list[Doc] = []
    for i, (ident, name) in enumerate(_companies(rng, min(80, max(3, engineers)))):
        sla = "ad-hoc" if i == 1 or (i > 1 and rng.random() < 0.15) else "care-plan"
        sites[ident] = _scatter(rng, lat, lon, 12)
        client: Doc = {"id": ident, "name": name, "sla": sla, "site": ident}
        if rng.random() < 0.8:
            client["preferred_engineers"] = rng.sample(
                people, k=min(len(people), rng.randint(1, 2))
            )
        clients.append(client)
    by_id = {e["id"]: e for e in staff}

    rows: list[Doc] = []
    for n in range(tickets):
        client = rng.choice(clients)
        _, clock, targets = LIGHT_TARGETS[client["sla"]]
        odds = {"P1": 3, "P2": 15, "P3": 50, "P4": 32}
        priority = _weighted(rng, {p: w for p, w in odds.items() if p in targets})
        response = _target_minutes(targets[priority][0])
        onsite = rng.random() < 0.3 and any(e.get("onsite", True) for e in staff)
        p50 = rng.choice([15, 20, 30, 45, 60])
        p90 = _round_up(p50 * rng.uniform(1.2, 2.0), 5)
        favourites = [by_id[e] for e in client.get("preferred_engineers", [])]
        if favourites and rng.random() < 0.8:
            need = rng.choice(sorted(rng.choice(favourites)["skills"]))
        else:
            need = rng.choice(LIGHT_SKILLS)
        if n == 0:
            opened = _at(days[0], "12:00") + dt.timedelta(minutes=rng.randint(1, 59))
        elif rng.random() < 0.55:  # arrives while the engineers are at work
            opened = _at(rng.choice(days), "08:05") + dt.timedelta(minutes=rng.randint(0, 445))
        elif clock == "24x7":
            opened = start - dt.timedelta(minutes=rng.randint(5, int(0.4 * response)))
        else:
            opened = business.back(start, rng.randint(5, int(0.4 * response)))
        opened = _real(opened, zone)
        ticket: Doc = {
            "id": f"T-{n + 1}",
            "client": client["id"],
            "summary": SUMMARIES[need],
            "priority": priority,
            "opened": _fmt(opened),
            "effort": _effort(p50, p90),
        }
        if onsite:
            ticket["onsite"] = True
        if rng.random() < 0.7:
            ticket["skills"] = [need]
        if opened < start and rng.random() < 0.5:
            ticket["responded"] = _fmt(_real(min(start, opened + dt.timedelta(minutes=3)), zone))
        rows.append(ticket)

    scenario: Doc = {
        "version": 1,
        "name": f"Quiet days, {len(staff)} engineers",
        "timezone": zone_name,
        "horizon": {"start": _fmt(start), "end": _fmt(end)},
        "calendars": {"business": {"weekly": business.weekly_doc()}},
        "sla_policies": {
            name: _sla(tier, clock, targets)
            for name, (tier, clock, targets) in LIGHT_TARGETS.items()
        },
        "weights": {"preference": 1.0},
        "policy": {"tier_caps": {"break_fix": max(2, engineers // 4)}},
        "sites": sites,
        "clients": clients,
        "engineers": staff,
        "tickets": rows,
    }
    return Built(scenario, flow=False)


# ---------------------------------------------------------------- scarce


SCARCE_CITIES = [
    ("Europe/Amsterdam", 52.370, 4.895),
    ("America/New_York", 40.713, -74.006),
    ("Asia/Tokyo", 35.682, 139.692),
    ("Europe/Zurich", 47.377, 8.540),
]
SCARCE_SKILLS = [
    "cisco", "fortinet", "vmware", "hyperv", "sql", "exchange", "entra-id", "intune",
    "sharepoint", "linux", "voip", "citrix", "veeam", "sap",
]  # fmt: skip
SCARCE_TARGETS = {
    "premium": ("managed", "office", {
        "P1": ("30m", "4h"), "P2": ("1h", "8h"), "P3": ("4h", "16h"), "P4": ("8h", "32h"),
    }),
    "basic": ("managed", "office", {
        "P1": ("1h", "8h"), "P2": ("4h", "16h"), "P3": ("8h", "30h"), "P4": ("16h", "50h"),
    }),
    "project": ("break_fix", "24x7", {"P1": ("2h", "1d"), "P2": ("4h", "2d"), "P3": ("1d", "4d")}),
}  # fmt: skip


def _scarce(rng: random.Random, engineers: int, tickets: int) -> Built:
    """Specialists in short supply, booked appointments, pinned and must-assign tickets."""
    zone_name, lat, lon, zone, days = _two_weekdays(rng, SCARCE_CITIES)
    start, end = _at(days[0], "08:00"), _at(days[1], "18:00")
    office = _Calendar({d: "08:00-18:00" for d in range(5)})
    skills = rng.sample(SCARCE_SKILLS, k=rng.randint(8, 12))

    sites: Doc = {}
    people = _people(rng, engineers)
    staff: list[Doc] = []
    shifts_of: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    for i, ident in enumerate(people):
        engineer: Doc = {
            "id": ident,
            "name": ident.title(),
            "skills": _skill_levels(rng, skills, 2, 4, {1: 0.55, 2: 0.45}),
        }
        if i > 0 and rng.random() < 0.2:
            engineer["onsite"] = False
        else:
            sites[f"{ident}-home"] = _scatter(rng, lat, lon, 20)
            engineer["home"] = f"{ident}-home"
        hours = rng.choice([("08:00", "17:00"), ("09:00", "18:00"), ("08:30", "17:30")])
        off = rng.choice(days) if rng.random() < 0.1 else None
        spans = [(_at(d, hours[0]), _at(d, hours[1])) for d in days if d != off]
        shifts_of[ident] = spans
        engineer["shifts"] = [{"start": _fmt(a), "end": _fmt(b)} for a, b in spans]
        staff.append(engineer)
    for skill in skills:  # the level-3 holders: one or two per skill
        for engineer in rng.sample(staff, k=min(len(staff), 1 if rng.random() < 0.6 else 2)):
            engineer["skills"][skill] = 3

    clients: list[Doc] = []
    for i, (ident, name) in enumerate(_companies(rng, min(40, max(3, tickets // 10)))):
        if i == 1 or (i > 1 and rng.random() < 0.25):
            sla = "project"
        else:
            sla = "premium" if rng.random() < 0.4 else "basic"
        sites[ident] = _scatter(rng, lat, lon, 15)
        clients.append({"id": ident, "name": name, "sla": sla, "site": ident})
    managed = [c for c in clients if c["sla"] != "project"]
    farthest = max(
        (_drive(a, b, 40, 1.3) for a in sites.values() for b in sites.values()), default=0
    )
    slack = dt.timedelta(minutes=farthest + 30)
    booked: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {e["id"]: [] for e in staff}
    booked_break_fix: list[tuple[dt.datetime, dt.datetime]] = []

    rows: list[Doc] = []
    bookings, booked_count = max(1, tickets // 25), 0
    must = max(1, tickets // 40)
    for n in range(tickets):
        client = rng.choice(clients)
        tier, clock, targets = SCARCE_TARGETS[client["sla"]]
        priority = rng.choice(list(targets))
        draw = rng.random()
        if draw < 0.4:
            needs = {rng.choice(skills): 3}
        elif draw < 0.85:
            needs = {rng.choice(skills): rng.choice([1, 2])}
        else:
            needs = {}
        if rng.random() < 0.1:
            needs.setdefault(rng.choice(skills), rng.choice([1, 2]))
        onsite = rng.random() < 0.35
        p50 = rng.choice([30, 45, 60, 90, 120, 180, 240])
        p90 = p50 if rng.random() < 0.1 else _round_up(p50 * rng.uniform(1.25, 2.5), 15)
        age = rng.randint(0, 900)
        opened = office.back(start, age) if clock == "office" else start - dt.timedelta(minutes=age)
        if rng.random() < 0.15:
            opened = start + dt.timedelta(minutes=rng.randint(0, 600))
        ticket: Doc = {
            "id": f"SR-{2001 + n}",
            "client": client["id"],
            "summary": f"{rng.choice(skills)} escalation",
            "priority": priority,
            "opened": _fmt(_real(opened, zone)),
            "effort": _effort(p50, p90, "int"),
        }
        if onsite:
            ticket["onsite"] = True
        if needs:
            ticket["skills"] = needs
        able = [e for e in staff if _eligible(e, needs, onsite)]
        if booked_count < bookings:
            slot = _book(rng, p50, able, shifts_of, booked, booked_break_fix, tier, slack)
            if slot is not None:
                who, begin, finish = slot
                booked[who].append((begin - slack, finish + slack))
                if tier == "break_fix":
                    booked_break_fix.append((begin, finish))
                ticket["opened"] = _fmt(start - dt.timedelta(days=rng.randint(1, 6)))
                ticket["assigned_to"] = who
                ticket["fixed_start"] = _fmt(begin)
                booked_count += 1
                rows.append(ticket)
                continue
        if able and rng.random() < 0.05:
            pinned = rng.choice(able)["id"] if rng.random() < 0.9 else rng.choice(people)
            ticket["assigned_to"] = pinned
        elif onsite and rng.random() < 0.08:
            day = rng.choice(days)
            begin = _at(day, rng.choice(["09:00", "11:00", "14:00"]))
            ticket["window"] = {"start": _fmt(begin), "end": _fmt(begin + dt.timedelta(hours=2))}
        elif (
            must > 0
            and client in managed
            and p50 <= 120
            and all(level <= 2 for level in needs.values())
            and len(able) >= 2
            and opened < start
        ):
            ticket["must_assign"] = True
            must -= 1
        rows.append(ticket)

    scenario: Doc = {
        "version": 1,
        "name": f"Specialist week, {len(staff)} engineers",
        "timezone": zone_name,
        "horizon": {"start": _fmt(start), "end": _fmt(end)},
        "calendars": {
            "office": {"weekly": office.weekly_doc(), "holidays": [dt.date(2026, 12, 25)]}
        },
        "sla_policies": {
            name: _sla(tier, clock, targets)
            for name, (tier, clock, targets) in SCARCE_TARGETS.items()
        },
        "sites": sites,
        "clients": clients,
        "engineers": staff,
        "tickets": rows,
    }
    return Built(scenario)


def _book(
    rng: random.Random,
    p50: int,
    able: list[Doc],
    shifts_of: dict[str, list[tuple[dt.datetime, dt.datetime]]],
    booked: dict[str, list[tuple[dt.datetime, dt.datetime]]],
    booked_break_fix: list[tuple[dt.datetime, dt.datetime]],
    tier: str,
    slack: dt.timedelta,
) -> tuple[str, dt.datetime, dt.datetime] | None:
    """A slot for a booked appointment, far from every other booking of the engineer."""
    work = dt.timedelta(minutes=p50)
    for _ in range(20):
        if not able:
            return None
        who = rng.choice(able)["id"]
        spans = shifts_of[who]
        if not spans:
            continue
        shift_start, shift_end = rng.choice(spans)
        earliest = shift_start + dt.timedelta(minutes=_round_up(_minutes(slack), 15))
        latest = shift_end - work - dt.timedelta(minutes=15)
        if latest < earliest:
            continue
        steps = _minutes(latest - earliest) // 15
        begin = earliest + dt.timedelta(minutes=15 * rng.randint(0, steps))
        finish = begin + work
        if any(begin - slack < y and x < finish + slack for x, y in booked[who]):
            continue
        if tier == "break_fix" and any(begin < y and x < finish for x, y in booked_break_fix):
            continue
        return who, begin, finish
    return None


# ---------------------------------------------------------------- rota


# (zone, first day, city): each three-day horizon crosses a daylight-saving change.
ROTA_ZONES = [
    ("Europe/London", dt.date(2027, 3, 27), 51.507, -0.128),  # clocks go forward
    ("America/New_York", dt.date(2026, 10, 31), 40.713, -74.006),  # clocks go back
    ("Australia/Sydney", dt.date(2027, 4, 3), -33.869, 151.209),  # clocks go back
]
ROTA_SKILLS = ["monitoring", "networking", "windows", "linux", "m365", "security", "backup"]
ROTA_KINDS = {"early": ("06:00", "14:00"), "late": ("14:00", "22:00"), "mid": ("10:00", "18:00")}
ROTA_TARGETS = {
    "managed-24x7": ("managed", {
        "P1": ("15m", "4h"), "P2": ("30m", "8h"), "P3": ("2h", "1d"), "P4": ("4h", "2d"),
    }),
    "break-fix-24x7": ("break_fix", {
        "P1": ("1h", "12h"), "P2": ("4h", "1d"), "P3": ("8h", "2d"), "P4": ("1d", "3d"),
    }),
}  # fmt: skip


def _rota(rng: random.Random, engineers: int, tickets: int) -> Built:
    """Three days of staggered early, late, mid and night shifts over a clock change."""
    zone_name, first, lat, lon = rng.choice(ROTA_ZONES)
    zone = ZoneInfo(zone_name)
    days = [first + dt.timedelta(days=k) for k in range(3)]
    start, end = _at(days[0], "06:00"), _at(first + dt.timedelta(days=3), "06:00")

    sites: Doc = {}
    people = _people(rng, engineers)
    staff: list[Doc] = []
    for i, ident in enumerate(people):
        main = _weighted(rng, {"early": 0.35, "late": 0.3, "mid": 0.25, "night": 0.1})
        if i == 0:
            main = "early"
        engineer: Doc = {
            "id": ident,
            "name": ident.title(),
            "skills": _skill_levels(rng, ROTA_SKILLS, 2, 4, {1: 0.4, 2: 0.4, 3: 0.2}),
        }
        if main == "night" or rng.random() < 0.3:
            engineer["onsite"] = False  # the overnight desk works remotely
        else:
            sites[f"{ident}-home"] = _scatter(rng, lat, lon, 25)
            engineer["home"] = f"{ident}-home"
        working = [d for d in days if rng.random() < 0.8] or [days[0]]
        shifts = []
        for day in working:
            if main == "night":
                begin = _at(day, "22:00")
                shifts.append({"start": _fmt(begin), "end": _fmt(begin + dt.timedelta(hours=8))})
                continue
            kind = main if rng.random() < 0.7 else rng.choice(list(ROTA_KINDS))
            a, b = ROTA_KINDS[kind]
            shifts.append({"start": _fmt(_at(day, a)), "end": _fmt(_at(day, b))})
        engineer["shifts"] = _no_overlap(shifts)
        staff.append(engineer)

    clients: list[Doc] = []
    for i, (ident, name) in enumerate(_companies(rng, min(50, max(3, tickets // 8)))):
        sla = "break-fix-24x7" if i == 1 or (i > 1 and rng.random() < 0.35) else "managed-24x7"
        sites[ident] = _scatter(rng, lat, lon, 20)
        clients.append({"id": ident, "name": name, "sla": sla, "site": ident})

    has_onsite = any(e.get("onsite", True) for e in staff)
    rows: list[Doc] = []
    for n in range(tickets):
        client = rng.choice(clients)
        _, targets = ROTA_TARGETS[client["sla"]]
        priority = rng.choice(list(targets))
        if rng.random() < 0.55:
            opened = start - dt.timedelta(minutes=rng.randint(0, 30 * 60))
        else:
            opened = start + dt.timedelta(minutes=rng.randint(0, _minutes(end - start) - 240))
        opened = _real(opened, zone)
        draw = rng.random()
        if draw < 0.05:  # longer than a shift
            p50 = rng.choice([360, 480, 600])
            p90 = _round_up(p50 * rng.uniform(1.2, 2.0), 30)
        elif draw < 0.2:  # a fixed job, no uncertainty
            p50 = p90 = rng.choice([30, 60, 90, 120])
        else:
            p50 = _weighted(rng, {20: 3, 30: 3, 45: 2, 60: 2, 90: 1, 120: 1, 240: 0.5})
            p90 = _round_up(p50 * rng.uniform(1.1, 4.0), 5)
        need = rng.choice(ROTA_SKILLS)
        ticket: Doc = {
            "id": f"Q{n + 1:05d}",
            "client": client["id"],
            "summary": f"{need} alert",
            "priority": priority,
            "opened": _offset(opened, zone, n % 2 == 0) if rng.random() < 0.15 else _fmt(opened),
            "effort": _effort(p50, p90, "iso" if rng.random() < 0.3 else "compact"),
        }
        if has_onsite and rng.random() < 0.3:
            ticket["onsite"] = True
        if rng.random() < 0.75:
            ticket["skills"] = {need: _weighted(rng, {1: 0.6, 2: 0.3, 3: 0.1})}
        if opened < start and rng.random() < 0.35:
            answered = _real(min(start, opened + dt.timedelta(minutes=rng.randint(1, 30))), zone)
            ticket["responded"] = (
                _offset(answered, zone, True) if rng.random() < 0.3 else _fmt(answered)
            )
        if rng.random() < 0.1:
            due = opened + dt.timedelta(minutes=rng.randint(20, 180))
            ticket["response_due"] = _fmt(_real(due, zone))
        if rng.random() < 0.1:
            due = opened + dt.timedelta(minutes=rng.randint(240, 60 * 60))
            ticket["resolution_due"] = _fmt(_real(due, zone))
        rows.append(ticket)

    scenario: Doc = {
        "version": 1,
        "name": f"Weekend rota, {len(staff)} engineers",
        "timezone": zone_name,
        "horizon": {"start": _fmt(start), "end": _fmt(end)},
        "sla_policies": {
            name: _sla(tier, "24x7", targets) for name, (tier, targets) in ROTA_TARGETS.items()
        },
        "sites": sites,
        "clients": clients,
        "engineers": staff,
        "tickets": rows,
    }
    return Built(scenario, flow=False)


def _no_overlap(shifts: list[Doc]) -> list[Doc]:
    """Drops a shift that would overlap the one before it (late, then early next day)."""
    kept: list[Doc] = []
    for shift in shifts:
        if kept and shift["start"] < kept[-1]["end"]:
            continue
        kept.append(shift)
    return kept


# ---------------------------------------------------------------- registry


FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        Family("office", "managed-heavy office days with lunch breaks", _office),
        Family("field", "rural field service with a partial travel matrix", _field),
        Family("light", "capacity far above demand, strong preferences", _light),
        Family("scarce", "level-3 specialists, booked and pinned work", _scarce),
        Family("rota", "three days of 24x7 staggered shifts over a clock change", _rota),
    )
}


def write_family(name: str, engineers: int, tickets: int, seed: int, directory: Path) -> Path:
    """Writes one scenario of a family (and its travel matrix) and returns its path."""
    if name not in FAMILIES:
        raise ValueError(f"unknown family '{name}' (known: {', '.join(FAMILIES)})")
    if engineers < 1 or tickets < 0:
        raise ValueError("need at least one engineer and no negative ticket count")
    rng = random.Random(f"{name}/{engineers}/{tickets}/{seed}")
    built = FAMILIES[name].build(rng, engineers, tickets)
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{name}-{engineers}x{tickets}-s{seed}"
    scenario = dict(built.scenario)
    if built.matrix is not None:
        matrix_name = f"{stem}-travel.csv"
        scenario["travel_matrix"] = matrix_name
        lines = ["from,to,minutes"] + [f"{a},{b},{m}" for a, b, m in built.matrix]
        (directory / matrix_name).write_text("\n".join(lines) + "\n")
    header = (
        f"# {name} family: {FAMILIES[name].summary}.\n"
        f"# {engineers} engineers, {tickets} tickets, seed {seed} (benchmarks/families.py).\n"
    )
    body = yaml.safe_dump(
        scenario,
        sort_keys=False,
        default_flow_style=None if built.flow else False,
        width=100,
        allow_unicode=True,
    )
    path = directory / f"{stem}.yaml"
    path.write_text(header + body)
    return path
