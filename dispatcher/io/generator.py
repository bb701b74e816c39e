"""Synthetic MSP scenarios for demos, tests and benchmarks (``dispatch generate``).

``generate_scenario`` writes the YAML text of a realistic morning board: a
backlog of managed and break-fix tickets, engineers with skills and shifts,
clients with sites around a city centre, a few booked appointments and
appointment windows. The output depends only on the arguments (one
``random.Random(seed)``, no clock, no global state), so the same call always
returns byte-identical text, and it is always a valid scenario per the SPEC.

The YAML is written by hand rather than with a YAML dumper: it is several
times faster at 2000 tickets and keeps small maps on one line, which is how a
person would write the file.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from dispatcher.semantics.timeconv import zone

Emit = Callable[[str], None]

DEFAULT_START = dt.date(2026, 11, 30)  # a Monday; fixed so output never depends on today

# Travel between any two generated sites must stay well under the slack kept
# between booked appointments: sites lie within CLIENT_RADIUS_KM of the centre
# and homes within HOME_RADIUS_KM, so no trip exceeds 35 km * 1.3 / 40 km/h = 69 min.
CLIENT_RADIUS_KM = 15.0
HOME_RADIUS_KM = 20.0
APPOINTMENT_SLACK = 90  # minutes kept free before each booked appointment
MAX_BOOKED_P50 = 150  # a booked visit fits inside one shift, after the slack

CITY_CENTRES: dict[str, tuple[float, float]] = {
    "Europe/London": (51.5074, -0.1278),
    "Europe/Dublin": (53.3498, -6.2603),
    "Europe/Paris": (48.8566, 2.3522),
    "Europe/Berlin": (52.5200, 13.4050),
    "Europe/Amsterdam": (52.3676, 4.9041),
    "Europe/Madrid": (40.4168, -3.7038),
    "America/New_York": (40.7128, -74.0060),
    "America/Chicago": (41.8781, -87.6298),
    "America/Denver": (39.7392, -104.9903),
    "America/Los_Angeles": (34.0522, -118.2437),
    "America/Toronto": (43.6532, -79.3832),
    "Australia/Sydney": (-33.8688, 151.2093),
    "Asia/Singapore": (1.3521, 103.8198),
    "UTC": (51.5074, -0.1278),
}

SKILL_POOL = (
    "windows",
    "m365",
    "networking",
    "firewall",
    "linux",
    "backup",
    "voip",
    "printers",
    "security",
    "azure",
)
# How common each skill is among engineers: desktop/M365 work is everyone's,
# firewalls and Linux are specialist.
SKILL_COMMONNESS = (0.95, 0.9, 0.6, 0.35, 0.3, 0.5, 0.3, 0.55, 0.35, 0.3)

FIRST_NAMES = (
    "Alice", "Ben", "Chloe", "Dev", "Ella", "Farid", "Grace", "Harry", "Isla", "Jamal",
    "Kate", "Liam", "Maya", "Noah", "Olivia", "Priya", "Quinn", "Ravi", "Sophie", "Tom",
    "Uma", "Victor", "Wendy", "Xavier", "Yasmin", "Zach", "Aisha", "Callum", "Daniel", "Erin",
    "Femi", "Georgia", "Hamza", "Imogen", "Jack", "Leah", "Marcus", "Nadia", "Oscar", "Ruth",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Patel", "Jones", "Khan", "Williams", "Brown", "Taylor", "Davies", "Evans", "Wilson",
    "Thomas", "Roberts", "Ahmed", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes",
    "Edwards", "Green", "Hall", "Lewis", "Harris", "Clarke", "Okafor", "Jackson", "Wood", "Turner",
    "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Nowak",
)  # fmt: skip
CLIENT_WORDS = (
    "Harbour", "Kestrel", "Oakfield", "Riverside", "Northgate", "Summit", "Bramble", "Copper",
    "Falcon", "Greenway", "Highland", "Ironbridge", "Juniper", "Lakeside", "Meridian", "Millbrook",
    "Orchard", "Pinewood", "Quayside", "Redwood", "Silverline", "Thistle", "Upland", "Vantage",
    "Westfield", "Willow", "Ashdown", "Beacon", "Cedar", "Drummond", "Elm", "Foxley",
)  # fmt: skip
CLIENT_KINDS = (
    "Dental", "Logistics", "Accountants", "Solicitors", "Veterinary Clinic", "Architects",
    "Estate Agents", "Engineering", "Pharmacy", "Print Works", "Surveyors", "Recruitment",
    "Bakery", "Motors", "Wealth Management", "Medical Practice", "Design Studio", "Trust School",
)  # fmt: skip

# The p50 efforts (minutes) a ticket draws from; short work is the commonest.
P50_CHOICES = (15, 20, 30, 45, 60, 90, 120, 180, 240)
P50_WEIGHTS = (10, 6, 16, 12, 16, 12, 14, 8, 6)


@dataclass(frozen=True)
class Template:
    """A kind of ticket: what it reads like, what it needs and how long it takes."""

    summary: str
    skills: tuple[str, ...]
    mode: str  # "remote", "onsite" or "either"
    max_p50: int = 240
    urgent: bool = False  # plausible as a P1


TEMPLATES: tuple[Template, ...] = (
    Template("Outlook keeps asking for password", ("m365",), "remote", 60),
    Template("Shared mailbox not showing in Outlook", ("m365",), "remote", 60),
    Template("New starter: set up M365 account and licence", ("m365",), "remote", 90),
    Template("M365 licences needed for two new hires", ("m365",), "remote", 45),
    Template("Teams calls dropping for sales team", ("m365", "networking"), "remote", 120),
    Template("OneDrive not syncing on director's laptop", ("m365",), "remote", 60),
    Template("Leaver: disable account and forward mail", ("m365",), "remote", 45),
    Template("Calendar permissions for PA", ("m365",), "remote", 30),
    Template("Password reset and MFA re-registration", ("m365",), "remote", 30),
    Template("Email bouncing for whole company", ("m365",), "remote", 120, urgent=True),
    Template("Laptop very slow after update", ("windows",), "either", 120),
    Template("Blue screen on reception PC", ("windows",), "either", 120),
    Template("Windows update stuck at 35%", ("windows",), "either", 90),
    Template("User profile corrupted after reboot", ("windows",), "remote", 120),
    Template("Install line-of-business app for accounts", ("windows",), "remote", 120),
    Template("New laptop setup for starter", ("windows", "m365"), "either", 180),
    Template("Replace failed laptop SSD", ("windows",), "onsite", 180),
    Template("Switch stack reboot at branch", ("networking",), "onsite", 120),
    Template("Wi-Fi dropping in meeting rooms", ("networking",), "either", 180),
    Template("VPN disconnects every 10 minutes", ("networking",), "remote", 120),
    Template("Site-to-site VPN down to warehouse", ("networking", "firewall"), "remote", 180, True),
    Template("DHCP scope exhausted on guest network", ("networking",), "remote", 60),
    Template("Slow internet at head office", ("networking",), "either", 120),
    Template("Whole office offline", ("networking",), "onsite", 180, urgent=True),
    Template("Firewall down at HQ", ("firewall", "networking"), "onsite", 180, urgent=True),
    Template("Firewall firmware update", ("firewall",), "remote", 120),
    Template("Open port for new CCTV system", ("firewall",), "remote", 45),
    Template("Block rule for phishing domain", ("firewall", "security"), "remote", 30),
    Template("Web server disk full", ("linux",), "remote", 90, urgent=True),
    Template("Cron backup job failing on Linux box", ("linux", "backup"), "remote", 120),
    Template("SSL certificate expired on intranet", ("linux",), "remote", 60, urgent=True),
    Template("Patch Ubuntu servers", ("linux",), "remote", 240),
    Template("Backup job failed overnight", ("backup",), "remote", 90),
    Template("Restore deleted folder from backup", ("backup",), "remote", 60),
    Template("Backup NAS showing degraded", ("backup",), "either", 180),
    Template("Server down - RAID degraded", ("windows", "backup"), "onsite", 240, urgent=True),
    Template("Desk phones not registering", ("voip", "networking"), "either", 120, urgent=True),
    Template("Call queue redirect for holiday hours", ("voip",), "remote", 30),
    Template("Poor call quality on VoIP", ("voip", "networking"), "remote", 120),
    Template("New extension for starter", ("voip",), "remote", 20),
    Template("Printer offline on second floor", ("printers",), "either", 60),
    Template("Scan to email not working", ("printers", "m365"), "remote", 60),
    Template("Clear paper jam and replace fuser - MFP", ("printers",), "onsite", 90),
    Template("Install new printer in accounts", ("printers",), "onsite", 120),
    Template("Suspicious sign-in alert for finance user", ("security", "m365"), "remote", 60, True),
    Template("Phishing email reported - investigate", ("security",), "remote", 60),
    Template("Azure VM not starting", ("azure",), "remote", 120, urgent=True),
    Template("Entra ID sync errors", ("azure", "m365"), "remote", 90),
    Template("Move file shares to SharePoint", ("m365",), "remote", 240),
)

BREAK_FIX_TEMPLATES: tuple[Template, ...] = (
    Template("Server down - RAID degraded", ("windows", "backup"), "onsite", 240, urgent=True),
    Template("Server won't boot after power cut", ("windows",), "onsite", 240, urgent=True),
    Template("Whole office offline", ("networking",), "onsite", 180, urgent=True),
    Template("Ransomware suspected - isolate PCs", ("security", "windows"), "onsite", 240, True),
    Template("NAS not accessible from any PC", ("backup", "networking"), "either", 180, True),
    Template("Replace failed switch in comms cabinet", ("networking",), "onsite", 180),
    Template("Email not working since yesterday", ("m365",), "remote", 120),
    Template("Printer and scanner setup after office move", ("printers",), "onsite", 120),
    Template("Laptop won't power on", ("windows",), "onsite", 90),
    Template("Wi-Fi not reaching upstairs office", ("networking",), "onsite", 180),
    Template("Recover files from crashed PC", ("windows", "backup"), "either", 180),
)

# Multi-day on-site visits: the jobs that pull an engineer off the board for a day or two.
LONG_VISITS: tuple[Template, ...] = (
    Template("Server migration to new hardware", ("windows", "backup"), "onsite"),
    Template("Office move: re-cable and rebuild comms cabinet", ("networking",), "onsite"),
    Template("Rebuild domain controller after failure", ("windows", "azure"), "onsite"),
    Template("Network refresh: new switches and Wi-Fi", ("networking", "firewall"), "onsite"),
    Template("Restore all servers after flood damage", ("windows", "backup"), "onsite"),
)

MANAGED_PRIORITIES = (("P1", 5), ("P2", 20), ("P3", 45), ("P4", 30))
BREAK_FIX_PRIORITIES = (("P1", 35), ("P2", 65))
# Backlog age (days before the horizon starts) by priority: a week-old P1 would be absurd.
MAX_AGE_DAYS = {"P1": 1.0, "P2": 2.0, "P3": 5.0, "P4": 5.0}

SHIFT_PATTERNS: tuple[tuple[tuple[int, int], ...], ...] = (
    ((480, 750), (780, 1020)),  # 08:00-12:30, 13:00-17:00
    ((540, 780), (810, 1050)),  # 09:00-13:00, 13:30-17:30
    ((510, 750), (780, 1035)),  # 08:30-12:30, 13:00-17:15
)
HALF_DAY = ((480, 750),)  # a morning only


@dataclass
class _Client:
    id: str
    name: str
    sla: str
    site: str
    weight: float  # relative ticket volume
    preferred: list[str] = field(default_factory=list)

    @property
    def managed(self) -> bool:
        return self.sla != "break-fix"


@dataclass
class _Engineer:
    id: str
    name: str
    skills: dict[str, int]
    home: str
    onsite: bool
    shifts: list[tuple[dt.datetime, dt.datetime]]
    booked: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)


@dataclass
class _Ticket:
    client: _Client
    summary: str
    priority: str
    opened: dt.datetime
    onsite: bool
    p50: int
    p90: int
    skills: dict[str, int]
    window: tuple[dt.datetime, dt.datetime] | None = None
    assigned_to: str | None = None
    fixed_start: dt.datetime | None = None
    responded: dt.datetime | None = None


def generate_scenario(
    engineers: int,
    tickets: int,
    days: int = 2,
    seed: int = 0,
    timezone: str = "Europe/London",
    start: dt.date | None = None,
) -> str:
    """YAML text of a synthetic MSP scenario, identical for identical arguments.

    The horizon runs from 08:00 on ``start`` (default Monday 2026-11-30) to
    18:00 on the last of ``days`` calendar days, local time in ``timezone``.
    """
    if engineers < 1:
        raise ValueError("engineers must be at least 1")
    if tickets < 0:
        raise ValueError("tickets must not be negative")
    if days < 1:
        raise ValueError("days must be at least 1")
    tz = zone(timezone)
    return _Generator(engineers, tickets, days, seed, tz, start or DEFAULT_START).text()


def _local(day: dt.date, minute: int) -> dt.datetime:
    """Naive local time ``minute`` minutes after midnight of ``day``."""
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)


def _fmt(value: dt.datetime) -> str:
    """Local time as the scenario writes it (no offset: the scenario's zone applies)."""
    return value.strftime("%Y-%m-%dT%H:%M")


def _dur(minutes: int) -> str:
    """Compact duration: 90 -> '1h30m'."""
    hours, mins = divmod(minutes, 60)
    if hours and mins:
        return f"{hours}h{mins}m"
    return f"{hours}h" if hours else f"{mins}m"


def _quote(text: str) -> str:
    """A string as a YAML scalar that needs no further escaping."""
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(text, ensure_ascii=False)


def _flow(items: Sequence[tuple[str, str | int]]) -> str:
    """A small one-line YAML map: {a: 1, b: 2}."""
    return "{" + ", ".join(f"{key}: {value}" for key, value in items) + "}"


def _span(start: dt.datetime, end: dt.datetime) -> str:
    """A {start, end} map of local times (horizon, shift, window)."""
    return _flow([("start", _fmt(start)), ("end", _fmt(end))])


def _slug(text: str) -> str:
    """'Harbour Dental' -> 'harbour-dental'."""
    return "-".join("".join(c for c in word.lower() if c.isalnum()) for word in text.split())


class _Generator:
    """One generation run; every random draw goes through ``self.rng`` in a fixed order."""

    def __init__(
        self, n_engineers: int, n_tickets: int, days: int, seed: int, tz: ZoneInfo, start: dt.date
    ) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.n_engineers = n_engineers
        self.n_tickets = n_tickets
        self.tz = tz
        self.days = [start + dt.timedelta(days=i) for i in range(days)]
        # Engineers work weekdays; a horizon of weekend days only still gets its shifts.
        self.workdays = [day for day in self.days if day.weekday() < 5] or list(self.days)
        self.horizon_start = _local(self.days[0], 8 * 60)
        self.horizon_end = _local(self.days[-1], 18 * 60)
        self.centre = CITY_CENTRES.get(tz.key, CITY_CENTRES["Europe/London"])
        self.sites: dict[str, tuple[float, float]] = {}
        self.clients: list[_Client] = []
        self.engineers: list[_Engineer] = []
        self.tickets: list[_Ticket] = []
        # Engineers (as a bitmask) having skill s at level >= l, for quick eligibility counts.
        self.skill_mask: dict[tuple[str, int], int] = {}
        self.onsite_mask = 0

    # --- time helpers -------------------------------------------------------------------------

    def exists(self, local: dt.datetime) -> bool:
        """False inside a spring-forward gap, where a local time is an input error."""
        aware = local.replace(tzinfo=self.tz)
        back = aware.astimezone(dt.UTC).astimezone(self.tz).replace(tzinfo=None)
        return back == local

    def real(self, local: dt.datetime) -> dt.datetime:
        """The local time, moved past a spring-forward gap if it falls inside one."""
        while not self.exists(local):
            local += dt.timedelta(minutes=30)
        return local

    # --- geography ----------------------------------------------------------------------------

    def point(self, radius_km: float) -> tuple[float, float]:
        angle = self.rng.uniform(0, 2 * math.pi)
        distance = radius_km * math.sqrt(self.rng.random())
        lat0, lon0 = self.centre
        lat = lat0 + distance * math.cos(angle) / 111.32
        lon = lon0 + distance * math.sin(angle) / (111.32 * math.cos(math.radians(lat0)))
        return round(lat, 4), round(lon, 4)

    # --- building -----------------------------------------------------------------------------

    def build(self) -> None:
        self.make_engineers()
        self.make_clients()
        self.make_tickets()

    def make_engineers(self) -> None:
        rng = self.rng
        used_names: set[str] = set()
        for i in range(self.n_engineers):
            eid = f"eng-{i + 1:03d}"
            name = ""
            for _ in range(20):
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                if name not in used_names:
                    break
            used_names.add(name)
            skills: dict[str, int] = {}
            for skill, commonness in zip(SKILL_POOL, SKILL_COMMONNESS, strict=True):
                if rng.random() < commonness:
                    skills[skill] = rng.choices((1, 2, 3), weights=(35, 45, 20))[0]
            if not skills:
                skills["windows"] = 1
            home = f"home-{eid}"
            self.sites[home] = self.point(HOME_RADIUS_KM)
            # The first engineers always go on site, so small teams can still visit clients.
            onsite = i < 4 or rng.random() >= 0.1
            if not onsite:
                # Remote helpdesk staff: strong on desktop and M365 work.
                skills["m365"] = max(skills.get("m365", 0), 2)
                skills["windows"] = max(skills.get("windows", 0), 2)
            self.engineers.append(
                _Engineer(eid, name, skills, home, onsite, self.make_shifts(i == 0))
            )
        for index, engineer in enumerate(self.engineers):
            bit = 1 << index
            for skill, level in engineer.skills.items():
                for lvl in range(1, level + 1):
                    self.skill_mask[(skill, lvl)] = self.skill_mask.get((skill, lvl), 0) | bit
            if engineer.onsite:
                self.onsite_mask |= bit

    def make_shifts(self, full_timer: bool) -> list[tuple[dt.datetime, dt.datetime]]:
        rng = self.rng
        pattern = SHIFT_PATTERNS[rng.choices(range(len(SHIFT_PATTERNS)), weights=(60, 25, 15))[0]]
        workdays = list(self.workdays)
        roll = rng.random()
        if not full_timer and len(workdays) > 1 and roll < 0.08:
            workdays = [rng.choice(workdays)]  # part-timer: one day only
        half_day = None
        if not full_timer and 0.08 <= roll < 0.16:
            half_day = rng.choice(workdays)  # a dentist's appointment in the afternoon
        shifts = []
        for day in workdays:
            for start, end in HALF_DAY if day == half_day else pattern:
                begin, finish = self.real(_local(day, start)), self.real(_local(day, end))
                if begin < finish:
                    shifts.append((begin, finish))
        return shifts

    def make_clients(self) -> None:
        rng = self.rng
        count = max(1, round(self.n_engineers / 2.5))
        used: set[str] = set()
        for i in range(count):
            for attempt in range(50):
                name = f"{rng.choice(CLIENT_WORDS)} {rng.choice(CLIENT_KINDS)}"
                if attempt > 20:
                    name += f" {i + 1}"
                cid = _slug(name)
                if cid not in used:
                    break
            used.add(cid)
            # Keep at least one client of each kind once there are two.
            if count == 1 or i == 0:
                managed = True
            elif i == 1:
                managed = False
            else:
                managed = rng.random() < 0.7
            if managed:
                sla = "managed-gold" if rng.random() < 0.6 else "managed-silver"
                weight = rng.uniform(1.0, 4.0)
            else:
                sla = "break-fix"
                weight = rng.uniform(0.3, 1.0)  # they only call when something breaks
            site = cid  # sites and clients are separate namespaces; the office shares the id
            self.sites[site] = self.point(CLIENT_RADIUS_KM)
            client = _Client(cid, name, sla, site, weight)
            if managed and rng.random() < 0.3:
                pool = [e.id for e in self.engineers if e.onsite]
                client.preferred = sorted(rng.sample(pool, min(len(pool), rng.choice((1, 1, 2)))))
            self.clients.append(client)

    def priority(self, client: _Client) -> str:
        table = MANAGED_PRIORITIES if client.managed else BREAK_FIX_PRIORITIES
        return self.rng.choices([p for p, _ in table], weights=[w for _, w in table])[0]

    def opened_time(self, priority: str) -> dt.datetime:
        """When the ticket came in: mostly a backlog from recent working days."""
        rng = self.rng
        roll = rng.random()
        during, early = (0.3, 0.6) if priority == "P1" else (0.08, 0.18)
        if roll < during:
            # Arrived in the first hours of the horizon, after the board was drawn up.
            return self.real(self.horizon_start + dt.timedelta(minutes=rng.randrange(0, 180)))
        if roll < early:
            # Came in before the office opened this morning.
            return self.real(self.horizon_start - dt.timedelta(minutes=rng.randrange(5, 90)))
        back = 1 + int(rng.uniform(0, MAX_AGE_DAYS[priority]))
        day = self.days[0] - dt.timedelta(days=back)
        if day.weekday() >= 5 and rng.random() < 0.8:
            day -= dt.timedelta(days=day.weekday() - 4)  # quiet weekends: most came in on Friday
        return self.real(_local(day, rng.randrange(7 * 60 + 30, 18 * 60 + 30)))

    def effort(self, template: Template) -> tuple[int, int]:
        rng = self.rng
        choices = [m for m in P50_CHOICES if m <= template.max_p50] or [P50_CHOICES[0]]
        weights = P50_WEIGHTS[: len(choices)]
        p50 = rng.choices(choices, weights=weights)[0]
        if rng.random() < 0.15:
            return p50, p50  # routine work with a known duration
        p90 = int(math.ceil(p50 * rng.uniform(1.5, 3.0) / 5) * 5)
        return p50, p90

    def required_skills(self, template: Template, onsite: bool) -> dict[str, int]:
        """Needed skills (0-2, levels 1-2), relaxed until several engineers qualify."""
        rng = self.rng
        names = list(template.skills)
        if len(names) > 1 and rng.random() < 0.5:
            names = names[:1]
        if rng.random() < 0.12:
            names = []  # anyone can do it (a password reset, a toner swap)
        skills = {name: (2 if rng.random() < 0.3 else 1) for name in names}
        want = min(3, self.n_engineers)
        base = self.onsite_mask if onsite else (1 << self.n_engineers) - 1
        # Relax: lower levels first, then drop the second skill, then the first.
        for _ in range(5):
            mask = base
            for name, level in skills.items():
                mask &= self.skill_mask.get((name, level), 0)
            if mask.bit_count() >= want or not skills:
                break
            raised = [name for name, level in skills.items() if level > 1]
            if raised:
                skills[raised[-1]] = 1
            else:
                skills.popitem()
        return skills

    def make_tickets(self) -> None:
        rng = self.rng
        if not self.n_tickets:
            return
        weights = [client.weight for client in self.clients]
        n_long = 0
        max_long = max(0, round(self.n_tickets * 0.015))
        any_onsite = self.onsite_mask != 0
        work_minutes = max(
            sum(int((end - start).total_seconds() // 60) for start, end in e.shifts)
            for e in self.engineers
        )
        for _ in range(self.n_tickets):
            client = rng.choices(self.clients, weights=weights)[0]
            priority = self.priority(client)
            opened = self.opened_time(priority)
            if client.managed:
                onsite = any_onsite and rng.random() < 0.15
                long_visit = False
            else:
                onsite = any_onsite and rng.random() < 0.6
                long_visit = onsite and n_long < max_long and rng.random() < 0.25
            if long_visit:
                n_long += 1
                template = rng.choice(LONG_VISITS)
                # 6-16 h of work, but never more than the longest roster could give.
                hours = rng.choice((6, 8, 10, 12, 14, 16))
                p50 = max(60, min(hours * 60, work_minutes - 60))
                p90 = int(math.ceil(p50 * rng.uniform(1.2, 1.6) / 30) * 30)
            else:
                pool = TEMPLATES if client.managed else BREAK_FIX_TEMPLATES
                mode = "onsite" if onsite else "remote"
                candidates = [t for t in pool if t.mode in (mode, "either")]
                # Outages are P1/P2; routine requests are never P1.
                if priority == "P1":
                    candidates = [t for t in candidates if t.urgent] or candidates
                elif priority in ("P3", "P4"):
                    candidates = [t for t in candidates if not t.urgent] or candidates
                template = rng.choice(candidates)
                p50, p90 = self.effort(template)
            skills = self.required_skills(template, onsite)
            self.tickets.append(
                _Ticket(client, template.summary, priority, opened, onsite, p50, p90, skills)
            )
        self.tickets.sort(key=lambda t: t.opened)  # PSA numbering follows arrival
        for ticket in self.tickets:
            self.add_response(ticket)
        # About 2% booked appointments (managed work only: a break-fix booking could
        # collide with the break_fix tier cap) and 5% customer time windows.
        bookable = [
            t
            for t in self.tickets
            if t.client.managed and t.opened < self.horizon_start and t.p50 <= MAX_BOOKED_P50
        ]
        for ticket in rng.sample(bookable, min(len(bookable), round(0.02 * self.n_tickets))):
            self.book(ticket)
        free = [t for t in self.tickets if t.fixed_start is None and t.p50 <= 240]
        for ticket in rng.sample(free, min(len(free), round(0.05 * self.n_tickets))):
            self.add_window(ticket)

    def add_response(self, ticket: _Ticket) -> None:
        rng = self.rng
        if ticket.opened >= self.horizon_start:
            return
        age = (self.horizon_start - ticket.opened).total_seconds() / 60
        if age < 10 or rng.random() >= (0.85 if age > 120 else 0.4):
            return
        delay = rng.randrange(5, min(120, int(age)))
        ticket.responded = self.real(ticket.opened + dt.timedelta(minutes=delay))
        if ticket.responded >= self.horizon_start:
            ticket.responded = None

    def add_window(self, ticket: _Ticket) -> None:
        """A customer-requested slot: 2-4 h inside one working day's shift hours."""
        rng = self.rng
        day = rng.choice(self.workdays)
        length = rng.choice((120, 180, 240))
        start = rng.randrange(8 * 60 + 30, 17 * 60 - length + 1, 30)
        low, high = self.real(_local(day, start)), self.real(_local(day, start + length))
        if low < ticket.opened or high <= low:
            return
        ticket.window = (low, high)

    def book(self, ticket: _Ticket) -> None:
        """A booked appointment that is sure to hold next to the engineer's other bookings.

        The work must fit in one shift, start at least APPOINTMENT_SLACK after the
        shift starts (travel from home) and keep that slack from the engineer's
        other appointments (travel between sites never takes that long here).
        """
        rng = self.rng
        eligible = [
            e
            for e in self.engineers
            if (e.onsite or not ticket.onsite)
            and all(e.skills.get(s, 0) >= lvl for s, lvl in ticket.skills.items())
        ]
        if not eligible:
            return
        slack = dt.timedelta(minutes=APPOINTMENT_SLACK)
        work = dt.timedelta(minutes=ticket.p50)
        for _ in range(6):
            engineer = rng.choice(eligible)
            if not engineer.shifts:
                continue
            shift_start, shift_end = rng.choice(engineer.shifts)
            first = shift_start + slack
            span = int((shift_end - work - first).total_seconds() // 60)
            if span < 0:
                continue
            begin = first + dt.timedelta(minutes=rng.randrange(0, span + 1, 15))
            end = begin + work
            if all(end + slack <= s or begin >= f + slack for s, f in engineer.booked):
                engineer.booked.append((begin, end))
                ticket.assigned_to = engineer.id
                ticket.fixed_start = begin
                ticket.window = None
                if ticket.responded is None:
                    # Booking the visit was the response.
                    ticket.responded = self.real(ticket.opened + dt.timedelta(minutes=5))
                    if ticket.responded >= self.horizon_start:
                        ticket.responded = None
                return

    # --- writing ------------------------------------------------------------------------------

    def text(self) -> str:
        self.build()
        out: list[str] = []
        add = out.append
        add("# Synthetic MSP scenario written by `dispatch generate`:")
        add(
            f"# {self.n_engineers} engineers, {self.n_tickets} tickets, {len(self.days)} day(s), "
            f"seed {self.seed}."
        )
        add("version: 1")
        name = f"Synthetic MSP, {self.n_engineers} engineers x {self.n_tickets} tickets"
        add(f"name: {_quote(f'{name} (seed {self.seed})')}")
        add(f"timezone: {self.tz.key}")
        add(f"horizon: {_span(self.horizon_start, self.horizon_end)}")
        add("")
        self.write_policies(add)
        add("")
        add("policy: {tier_caps: {break_fix: 1}}")
        add("")
        add("sites:")
        for site_id, (lat, lon) in self.sites.items():
            add(f"  {site_id}: {{lat: {lat}, lon: {lon}}}")
        add("")
        add("clients:")
        for client in self.clients:
            add(f"  - id: {client.id}")
            add(f"    name: {_quote(client.name)}")
            add(f"    sla: {client.sla}")
            add(f"    site: {client.site}")
            if client.preferred:
                add(f"    preferred_engineers: [{', '.join(client.preferred)}]")
        add("")
        add("engineers:")
        for engineer in self.engineers:
            add(f"  - id: {engineer.id}")
            add(f"    name: {_quote(engineer.name)}")
            add(f"    skills: {_flow(list(engineer.skills.items()))}")
            add(f"    home: {engineer.home}")
            if not engineer.onsite:
                add("    onsite: false")
            if engineer.shifts:
                add("    shifts:")
                for start, end in engineer.shifts:
                    add(f"      - {_span(start, end)}")
            else:
                add("    shifts: []")
        add("")
        if not self.tickets:
            add("tickets: []")
        else:
            add("tickets:")
            for number, ticket in enumerate(self.tickets, start=1):
                self.write_ticket(add, f"T-{number:04d}", ticket)
        return "\n".join(out) + "\n"

    def write_policies(self, add: Emit) -> None:
        # The holidays the SLA clock can meet: from the oldest backlog ticket to the horizon end.
        years = sorted({(self.days[0] - dt.timedelta(days=7)).year, self.days[-1].year})
        holidays = sorted(
            {dt.date(y, 12, 25) for y in years}
            | {dt.date(y, 12, 26) for y in years}
            | {dt.date(y + 1, 1, 1) for y in years}
        )
        add("calendars:")
        add("  office:")
        add('    weekly: {mon: "08:00-18:00", tue: "08:00-18:00", wed: "08:00-18:00",')
        add('             thu: "08:00-18:00", fri: "08:00-18:00"}')
        add(f"    holidays: [{', '.join(d.isoformat() for d in holidays)}]")
        add("")
        add("sla_policies:")
        policies = (
            ("managed-gold", "managed", "office",
             (("P1", "30m", "4h"), ("P2", "1h", "8h"), ("P3", "4h", "20h"), ("P4", "8h", "40h"))),
            ("managed-silver", "managed", "office",
             (("P1", "1h", "8h"), ("P2", "4h", "16h"), ("P3", "8h", "30h"), ("P4", "16h", "60h"))),
            ("break-fix", "break_fix", "24x7", (("P1", "4h", "1d"), ("P2", "8h", "2d"))),
        )  # fmt: skip
        for name, tier, clock, targets in policies:
            add(f"  {name}:")
            add(f"    tier: {tier}")
            add(f"    clock: {clock}")
            add("    targets:")
            for priority, response, resolution in targets:
                target = _flow([("response", response), ("resolution", resolution)])
                add(f"      {priority}: {target}")

    def write_ticket(self, add: Emit, ticket_id: str, ticket: _Ticket) -> None:
        add(f"  - id: {ticket_id}")
        add(f"    client: {ticket.client.id}")
        add(f"    summary: {_quote(ticket.summary)}")
        add(f"    priority: {ticket.priority}")
        add(f"    opened: {_fmt(ticket.opened)}")
        if ticket.onsite:
            add("    onsite: true")
        if ticket.p50 == ticket.p90:
            add(f"    effort: {_dur(ticket.p50)}")
        else:
            add(f"    effort: {_flow([('p50', _dur(ticket.p50)), ('p90', _dur(ticket.p90))])}")
        if ticket.skills:
            add(f"    skills: {_flow(list(ticket.skills.items()))}")
        if ticket.window is not None:
            low, high = ticket.window
            add(f"    window: {_span(low, high)}")
        if ticket.fixed_start is not None:
            add(f"    assigned_to: {ticket.assigned_to}")
            add(f"    fixed_start: {_fmt(ticket.fixed_start)}")
        if ticket.responded is not None:
            add(f"    responded: {_fmt(ticket.responded)}")
