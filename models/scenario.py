"""Pydantic models of the scenario file (SPEC "Scenario file").

These models check shapes and types; rules that relate one part of the file to
another (references, overlapping shifts, appointments that cannot all hold)
are checked by ``dispatcher.validation`` so that every error of a file can be
reported together with its field path.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

from .durations import Duration, parse_date, parse_datetime, parse_day_hours, parse_duration, quoted

DurationField = Annotated[
    Duration,
    BeforeValidator(parse_duration),
    PlainSerializer(lambda d: str(d), return_type=str),
]
# ISO 8601 text only: pydantic alone would read a bare number as seconds since 1970.
DateTimeField = Annotated[dt.datetime, BeforeValidator(parse_datetime)]
DateField = Annotated[dt.date, BeforeValidator(parse_date)]


def _as_skill_map(value: object) -> object:
    """A list of skills means level 1 for each."""
    if isinstance(value, list):
        return {name: 1 for name in value}
    return value


def _as_effort(value: object) -> object:
    """One duration means p50 = p90 (no uncertainty)."""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return {"p50": value, "p90": value}
    return value


SkillMap = Annotated[dict[str, Annotated[int, Field(ge=0)]], BeforeValidator(_as_skill_map)]


class Strict(BaseModel):
    # NaN and infinity are refused: a NaN weight would make every objective NaN.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Horizon(Strict):
    start: DateTimeField
    end: DateTimeField


def _day_hours_text(text: str) -> str:
    parse_day_hours(text)
    return text


class Calendar(Strict):
    # Checked day by day, so that an error names the day: calendars.office.weekly.mon.
    weekly: dict[
        Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        Annotated[str, AfterValidator(_day_hours_text)],
    ] = Field(default_factory=dict)
    holidays: list[DateField] = Field(default_factory=list)

    def day_spans(self) -> dict[int, tuple[tuple[int, int], ...]]:
        """Weekday number (Monday = 0) -> spans of minutes after local midnight."""
        names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        return {names.index(day): parse_day_hours(text) for day, text in self.weekly.items()}


class Target(Strict):
    response: DurationField
    resolution: DurationField


class SlaPolicy(Strict):
    tier: str
    clock: str = "24x7"
    targets: dict[str, Target]


class Weights(Strict):
    tiers: dict[str, float] = Field(default_factory=lambda: {"managed": 10.0, "break_fix": 1.0})
    priorities: dict[str, float] = Field(
        default_factory=lambda: {"P1": 8.0, "P2": 4.0, "P3": 2.0, "P4": 1.0}
    )
    response: float = Field(1.0, ge=0)
    resolution: float = Field(1.0, ge=0)
    late_per_hour: float = Field(0.05, ge=0)
    deferral: float = Field(0.05, ge=0)
    travel_per_hour: float = Field(0.1, ge=0)
    preference: float = Field(0.2, ge=0)
    reassign: float = Field(0.5, ge=0)
    move: float = Field(0.1, ge=0)
    move_tolerance: DurationField = Field(default_factory=lambda: Duration(15))

    @model_validator(mode="before")
    @classmethod
    def _merge_maps(cls, data: Any) -> Any:
        """A map given here is merged key by key into its default."""
        if isinstance(data, dict):
            data = dict(data)
            defaults = {
                "tiers": {"managed": 10.0, "break_fix": 1.0},
                "priorities": {"P1": 8.0, "P2": 4.0, "P3": 2.0, "P4": 1.0},
            }
            for key, default in defaults.items():
                if isinstance(data.get(key), dict):
                    data[key] = {**default, **data[key]}
        return data

    @field_validator("tiers", "priorities")
    @classmethod
    def _non_negative(cls, values: dict[str, float]) -> dict[str, float]:
        for key, number in values.items():
            if number < 0:
                raise ValueError(f"weight of '{key}' must not be negative")
        return values


class Policy(Strict):
    # Bounded so that a travel time stays a number of minutes (a speed of 1e-300 km/h
    # would make it infinite): walking pace to a helicopter, a straight road to a maze.
    travel_speed_kmh: float = Field(40.0, ge=1, le=1000)
    road_factor: float = Field(1.3, gt=0, le=10)
    tier_caps: dict[str, Annotated[int, Field(ge=1)]] = Field(
        default_factory=lambda: {"break_fix": 1}
    )
    # Draws of every ticket's effort used to measure risk (SPEC "Execution and breach risk").
    risk_samples: int = Field(500, ge=50, le=100000)
    # A job whose p50 is shorter than this is not split overnight (SPEC "Work").
    split_overnight_from: DurationField = Field(default_factory=lambda: Duration(240))


class Site(Strict):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    address: str | None = None


class Client(Strict):
    id: str = Field(min_length=1)
    name: str | None = None
    sla: str
    site: str | None = None
    preferred_engineers: list[str] = Field(default_factory=list)


class Shift(Strict):
    start: DateTimeField
    end: DateTimeField


class Engineer(Strict):
    id: str = Field(min_length=1)
    name: str | None = None
    skills: SkillMap = Field(default_factory=dict)
    home: str | None = None
    onsite: bool = True
    shifts: list[Shift] = Field(default_factory=list)


class Effort(Strict):
    p50: DurationField
    p90: DurationField


class Window(Strict):
    start: DateTimeField
    end: DateTimeField


class Ticket(Strict):
    id: str = Field(min_length=1)
    client: str
    summary: str | None = None
    priority: str
    opened: DateTimeField
    onsite: bool = False
    site: str | None = None
    effort: Annotated[Effort, BeforeValidator(_as_effort)]
    skills: SkillMap = Field(default_factory=dict)
    window: Window | None = None
    assigned_to: str | None = None
    fixed_start: DateTimeField | None = None
    responded: DateTimeField | None = None
    response_due: DateTimeField | None = None
    resolution_due: DateTimeField | None = None
    must_assign: bool = False
    crew: int = Field(1, ge=1, le=4)  # engineers needed together on the job
    # A crew job's effort were one engineer to do it alone: planning uses ``effort`` with
    # the crew; ``dispatch impact`` also prices sending one engineer with this effort.
    effort_solo: Annotated[Effort, BeforeValidator(_as_effort)] | None = None


class Scenario(Strict):
    """A whole scenario file, shapes and types checked."""

    version: Literal[1] = 1
    name: str = "scenario"
    timezone: str = "UTC"
    horizon: Horizon
    calendars: dict[str, Calendar] = Field(default_factory=dict)
    sla_policies: dict[str, SlaPolicy] = Field(default_factory=dict)
    weights: Weights = Field(default_factory=Weights)  # type: ignore[arg-type]
    policy: Policy = Field(default_factory=Policy)  # type: ignore[arg-type]
    sites: dict[str, Site] = Field(default_factory=dict)
    travel_matrix: str | None = None
    clients: list[Client] = Field(default_factory=list)
    engineers: list[Engineer] = Field(default_factory=list)
    tickets: list[Ticket] = Field(default_factory=list)

    @field_validator("travel_matrix")
    @classmethod
    def _file_name(cls, name: str | None) -> str | None:
        if name is not None and "\0" in name:
            raise ValueError("a file name cannot contain a NUL character")
        return name

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # 'Europe' is a folder: OSError
            raise ValueError(f"{quoted(name)} is not a known IANA time zone") from None
        return name


class TicketList(Strict):
    """A file of extra tickets (``reschedule --add``): just a ``tickets:`` list."""

    tickets: list[Ticket]

    @field_validator("tickets")
    @classmethod
    def _not_empty(cls, tickets: list[Ticket]) -> list[Ticket]:
        if not tickets:
            raise ValueError("the list is empty: a file of added tickets needs at least one")
        return tickets
