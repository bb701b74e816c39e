"""Synthetic MSP scenarios for demos, tests and benchmarks (``dispatch generate``).

``generate_scenario`` writes the YAML text of a realistic morning board: a
backlog of managed and break-fix tickets, engineers with skills and shifts,
clients with sites around a city centre, a few booked appointments and
appointment windows. The output depends only on the arguments (one
``random.Random(seed)``, no clock, no global state), so the same call always
returns byte-identical text, and it is always a valid scenario per the SPEC.

Here lives the drawing: every random choice, in a fixed order. What it draws from
(names, skills, ticket templates, shift patterns) is in ``generator_vocab``; the
drawn board and its hand-written YAML are in ``generator_yaml``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from zoneinfo import ZoneInfo

from dispatcher.io.generator_vocab import (
    BREAK_FIX_PRIORITIES,
    BREAK_FIX_TEMPLATES,
    CITY_CENTRES,
    CLIENT_KINDS,
    CLIENT_WORDS,
    FIRST_NAMES,
    HALF_DAY,
    LAST_NAMES,
    LONG_VISITS,
    MANAGED_PRIORITIES,
    MAX_AGE_DAYS,
    P50_CHOICES,
    P50_WEIGHTS,
    SHIFT_PATTERNS,
    SKILL_COMMONNESS,
    SKILL_POOL,
    TEMPLATES,
    Template,
)
from dispatcher.io.generator_yaml import (
    SyntheticBoard,
    SyntheticClient,
    SyntheticEngineer,
    SyntheticTicket,
    scenario_yaml,
)
from dispatcher.semantics.timeconv import zone

DEFAULT_START = dt.date(2026, 11, 30)  # a Monday; fixed so output never depends on today

# Travel between any two generated sites must stay well under the slack kept
# between booked appointments: sites lie within CLIENT_RADIUS_KM of the centre
# and homes within HOME_RADIUS_KM, so no trip exceeds 35 km * 1.3 / 40 km/h = 69 min.
CLIENT_RADIUS_KM = 15.0
HOME_RADIUS_KM = 20.0
APPOINTMENT_SLACK = 90  # minutes kept free before each booked appointment
MAX_BOOKED_P50 = 150  # a booked visit fits inside one shift, after the slack

# --crews: the share of on-site break-fix visits that need a crew, and of those the share
# that need three engineers rather than two.
CREW_SHARE = 0.1
CREW_OF_THREE = 0.15
CREW_CANDIDATES = 10  # eligible engineers (most shift time first) searched for a crew
CREW_MARGIN = 70  # minutes of joint shift time kept beyond the work (the longest drive)
SPLIT_OVERNIGHT_FROM = 4 * 60  # the SPEC's default: shorter jobs do not pause overnight


def generate_scenario(
    engineers: int,
    tickets: int,
    days: int = 2,
    seed: int = 0,
    timezone: str = "Europe/London",
    start: dt.date | None = None,
    crews: bool = False,
    break_fix_cap: int | None = None,
) -> str:
    """YAML text of a synthetic MSP scenario, identical for identical arguments.

    ``policy.tier_caps.break_fix`` is ``break_fix_cap``, by default one break-fix visit
    at a time per ``ENGINEERS_PER_BREAK_FIX`` engineers (at least one): a team of 5 takes
    one at a time, 20 take two, 50 take six (``default_break_fix_cap``).

    The horizon runs from 08:00 on ``start`` (default Monday 2026-11-30) to
    18:00 on the last of ``days`` calendar days, local time in ``timezone``.

    With ``crews``, about one on-site break-fix visit in ten (``CREW_SHARE``) needs a
    crew: two engineers, now and then (``CREW_OF_THREE``) three. Only a visit that a
    crew can staff gets one: enough on-site engineers with its skills, and among them a
    set whose joint shift time holds the work. Crews are drawn last, from a random
    generator of their own, so the scenario is otherwise the one drawn without them,
    and without ``crews`` the text is exactly what it was before the option existed.
    """
    if engineers < 1:
        raise ValueError("engineers must be at least 1")
    if tickets < 0:
        raise ValueError("tickets must not be negative")
    if days < 1:
        raise ValueError("days must be at least 1")
    tz = zone(timezone)
    if break_fix_cap is not None and break_fix_cap < 1:
        raise ValueError("break_fix_cap must be at least 1")
    generator = _Generator(engineers, tickets, days, seed, tz, start or DEFAULT_START)
    generator.crews = crews
    generator.break_fix_cap = (
        default_break_fix_cap(engineers) if break_fix_cap is None else break_fix_cap
    )
    return generator.text()


# An MSP keeps about one engineer in eight on break-fix visits at a time, so the
# managed clients are never left short (the example day's cap of one suits a team of 6).
ENGINEERS_PER_BREAK_FIX = 8


def default_break_fix_cap(engineers: int) -> int:
    """Break-fix visits at a time for a team of ``engineers``: one per
    ``ENGINEERS_PER_BREAK_FIX``, rounded, at least one."""
    return max(1, round(engineers / ENGINEERS_PER_BREAK_FIX))


def _local(day: dt.date, minute: int) -> dt.datetime:
    """Naive local time ``minute`` minutes after midnight of ``day``."""
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)


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
        self.clients: list[SyntheticClient] = []
        self.engineers: list[SyntheticEngineer] = []
        self.tickets: list[SyntheticTicket] = []
        # Engineers (as a bitmask) having skill s at level >= l, for quick eligibility counts.
        self.skill_mask: dict[tuple[str, int], int] = {}
        self.onsite_mask = 0
        self.crews = False
        self.break_fix_cap = 1  # policy.tier_caps.break_fix (set by generate_scenario)

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
        if self.crews:
            self.make_crews()

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
                SyntheticEngineer(eid, name, skills, home, onsite, self.make_shifts(i == 0))
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
            client = SyntheticClient(cid, name, sla, site, weight)
            if managed and rng.random() < 0.3:
                pool = [e.id for e in self.engineers if e.onsite]
                client.preferred = sorted(rng.sample(pool, min(len(pool), rng.choice((1, 1, 2)))))
            self.clients.append(client)

    def priority(self, client: SyntheticClient) -> str:
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
                SyntheticTicket(
                    client, template.summary, priority, opened, onsite, p50, p90, skills
                )
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

    def add_response(self, ticket: SyntheticTicket) -> None:
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

    def add_window(self, ticket: SyntheticTicket) -> None:
        """A customer-requested slot: 2-4 h inside one working day's shift hours."""
        rng = self.rng
        day = rng.choice(self.workdays)
        length = rng.choice((120, 180, 240))
        start = rng.randrange(8 * 60 + 30, 17 * 60 - length + 1, 30)
        low, high = self.real(_local(day, start)), self.real(_local(day, start + length))
        if low < ticket.opened or high <= low:
            return
        ticket.window = (low, high)

    def book(self, ticket: SyntheticTicket) -> None:
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

    # --- crews (--crews) -----------------------------------------------------------------

    def make_crews(self) -> None:
        """Make about one on-site break-fix visit in ten a crew job, drawn with a generator
        of its own (every other draw stays as it was). Booked visits and visits with a
        time window stay solo; a visit no crew could staff stays solo too."""
        rng = random.Random(f"crews-{self.seed}")
        for ticket in self.tickets:
            if not ticket.onsite or ticket.client.managed:
                continue
            if rng.random() >= CREW_SHARE:
                continue
            size = 3 if rng.random() < CREW_OF_THREE else 2
            if ticket.fixed_start is not None or ticket.window is not None:
                continue
            for crew in range(size, 1, -1):
                if self.staffable(ticket, crew):
                    ticket.crew = crew
                    break

    def staffable(self, ticket: SyntheticTicket, crew: int) -> bool:
        """Whether ``crew`` on-site engineers with the ticket's skills have joint shift
        time enough for its work (after it opens, with room for the drive; a job shorter
        than SPLIT_OVERNIGHT_FROM inside one day)."""
        mask = self.onsite_mask
        for skill, level in ticket.skills.items():
            mask &= self.skill_mask.get((skill, level), 0)
        if mask.bit_count() < crew:
            return False
        able = [e for index, e in enumerate(self.engineers) if mask >> index & 1]
        able.sort(key=lambda e: -sum(_minutes(a, b) for a, b in e.shifts))
        need = ticket.p50 + CREW_MARGIN
        for members in itertools.combinations(able[:CREW_CANDIDATES], crew):
            joint = _joint([e.shifts for e in members], max(ticket.opened, self.horizon_start))
            if ticket.p50 >= SPLIT_OVERNIGHT_FROM:
                if sum(_minutes(a, b) for a, b in joint) >= need:
                    return True
                continue
            by_day: dict[dt.date, int] = {}
            for a, b in joint:
                by_day[a.date()] = by_day.get(a.date(), 0) + _minutes(a, b)
            if any(minutes >= need for minutes in by_day.values()):
                return True
        return False

    # --- writing ------------------------------------------------------------------------------

    def text(self) -> str:
        self.build()
        board = SyntheticBoard(
            seed=self.seed,
            n_engineers=self.n_engineers,
            n_tickets=self.n_tickets,
            tz=self.tz,
            days=self.days,
            horizon_start=self.horizon_start,
            horizon_end=self.horizon_end,
            sites=self.sites,
            clients=self.clients,
            engineers=self.engineers,
            tickets=self.tickets,
            crews=self.crews,
            break_fix_cap=self.break_fix_cap,
        )
        return scenario_yaml(board)


def _minutes(start: dt.datetime, end: dt.datetime) -> int:
    return int((end - start).total_seconds() // 60)


def _joint(
    shift_lists: list[list[tuple[dt.datetime, dt.datetime]]], after: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The local-time intervals in which every list has a shift, from ``after`` on."""
    joint = [(max(a, after), b) for a, b in shift_lists[0] if b > after]
    for shifts in shift_lists[1:]:
        joint = [
            (max(a, c), min(b, d)) for a, b in joint for c, d in shifts if max(a, c) < min(b, d)
        ]
    return joint
