"""The mapping file: what a PSA's export does not say, said once by the dispatcher.

None of the PSAs has a managed / break-fix flag (it comes from the agreement or contract
type), a required skill on a ticket (it comes from the board, queue, type or category),
remote vs on-site everywhere, or site coordinates. The mapping says each, plus default
efforts for tickets without an estimate and working hours for members whose calendar the
export does not give. ``dispatch schema --mapping`` prints its JSON Schema; the commented
examples are ``scenarios/psa/*/mapping.yaml``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from dispatcher.io.pydantic_errors import parse_model
from dispatcher.io.read import decode, read_bytes
from dispatcher.io.yamlio import LineMap, load_yaml
from models.durations import parse_day_hours
from models.scenario import Effort, Site, Target, _as_effort

Psa = Literal["connectwise", "autotask", "halo"]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def _hours(value: Any) -> Any:
    parse_day_hours(value)
    return value


Hours = Annotated[str, BeforeValidator(_hours)]


class WorkingHours(Strict):
    """A weekly pattern (``mon: "08:00-12:30, 13:00-17:00"``; a missing day is off) and
    exceptions by date (``2026-11-30: "08:00-12:30"``, ``2026-12-24: off``)."""

    weekly: dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], Hours] = Field(
        default_factory=dict
    )
    exceptions: dict[dt.date, Hours] = Field(default_factory=dict)

    @field_validator("exceptions", mode="before")
    @classmethod
    def _dates(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {dt.date.fromisoformat(str(key)): hours for key, hours in value.items()}
        return value

    def spans(self, day: dt.date) -> tuple[tuple[int, int], ...]:
        """That day's spans, in minutes after local midnight."""
        if day in self.exceptions:
            return parse_day_hours(self.exceptions[day])
        return parse_day_hours(self.weekly.get(DAYS[day.weekday()], ""))  # type: ignore[call-overload]


class Member(Strict):
    """One member / resource / agent, by their PSA login (identifier, userName) or name."""

    id: str | None = Field(
        None, min_length=1, description="Scenario engineer id (default: the login)."
    )
    home: Site | None = None
    onsite: bool | None = None  # default: true when a home is given
    hours: WorkingHours | None = None
    skills: dict[str, Annotated[int, Field(ge=0, le=5)]] = Field(default_factory=dict)
    skip: bool = False  # leave this member out of the plan


class Rule(Strict):
    """``when`` matches a ticket's PSA fields (all must match; text case-insensitively, a
    list matches any of its values); the first rule that matches gives its value."""

    when: dict[str, str | list[str]] = Field(default_factory=dict)


class SkillRule(Rule):
    skills: dict[str, Annotated[int, Field(ge=1, le=5)]]


class OnsiteRule(Rule):
    onsite: bool


class EffortRule(Rule):
    effort: Annotated[Effort, BeforeValidator(_as_effort)]


class Horizon(Strict):
    """The planning horizon, from ``--date``: ``days`` days, each ``start``..``end``."""

    days: int = Field(2, ge=1, le=14)
    start: dt.time = dt.time(8, 0)
    end: dt.time = dt.time(18, 0)


class Mapping(Strict):
    psa: Psa
    name: str | None = None  # the scenario's name (default: "<psa> export <date>")
    timezone: str = "UTC"  # the scenario's (the MSP's) time zone
    psa_time_zone: str = Field(
        "UTC", description="How the PSA's times without an offset are read (Halo: UTC)."
    )
    horizon: Horizon = Field(default_factory=Horizon)  # type: ignore[arg-type]
    tiers: dict[str, str] = Field(
        default_factory=dict, description="Agreement / contract type name -> tier."
    )
    no_agreement_tier: str = "break_fix"  # a ticket with no agreement / contract
    unknown_agreement_tier: str | None = None  # a type not in tiers; None: an error
    priorities: dict[str, str] = Field(
        default_factory=dict, description="PSA priority name -> scenario priority (P1..)."
    )
    unknown_priority: str | None = None  # a priority not in priorities; None: an error
    sla_targets: dict[str, dict[str, Target]] = Field(
        default_factory=dict,
        description="Per tier, per scenario priority: the targets when the PSA gives none.",
    )
    sla_calendar: WorkingHours | None = None  # office hours of the SLA clocks it gives none
    skills: list[SkillRule] = Field(default_factory=list)
    skill_names: dict[str, str] = Field(
        default_factory=dict, description="PSA skill name -> scenario skill (default: a slug)."
    )
    skill_levels: dict[str, Annotated[int, Field(ge=0, le=5)]] = Field(
        default_factory=lambda: {
            "beginner": 1,
            "novice": 1,
            "intermediate": 2,
            "advanced": 3,
            "expert": 3,
        }
    )
    onsite: list[OnsiteRule] = Field(default_factory=list)
    onsite_default: bool = False
    efforts: list[EffortRule] = Field(default_factory=list)
    default_effort: Annotated[Effort, BeforeValidator(_as_effort)] = Field(
        default_factory=lambda: Effort.model_validate({"p50": "1h", "p90": "2h"})
    )
    estimate_p90_factor: float = Field(1.5, ge=1, le=10)  # p90 = estimate x this
    sites: dict[str, Site] = Field(
        default_factory=dict, description="Company or 'Company / Site' name -> coordinates."
    )
    travel_matrix: str | None = None  # copied to the scenario (a path beside it)
    members: dict[str, Member] = Field(default_factory=dict)
    default_hours: WorkingHours | None = None  # members with neither a calendar nor hours
    closed_statuses: list[str] = Field(default_factory=list)  # besides the PSA's closed flag
    tier_caps: dict[str, Annotated[int, Field(ge=1)]] | None = None
    files: dict[str, list[str]] = Field(
        default_factory=dict, description="Endpoint -> response files (default: by name)."
    )

    def files_for(self, name: str, base: Path) -> list[Path] | None:
        if name not in self.files:
            return None
        return [base / file for file in self.files[name]]


def load_mapping(path: Path) -> tuple[Mapping, LineMap]:
    """Read and validate a mapping file; errors name the file, line and field."""
    filename = str(path)
    data, lines = load_yaml(decode(read_bytes(path, "mapping file"), filename), filename)
    if not isinstance(data, dict):
        from dispatcher.errors import InputError

        raise InputError.single(
            filename, "a mapping file is a YAML mapping (psa: ..., tiers: ...)", 1
        )
    mapping: Mapping = parse_model(Mapping, data, lines, filename)
    return mapping, lines


def mapping_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a mapping file, with every form the loader
    accepts (durations as text, efforts as one duration), as the scenario's has."""
    from dispatcher.io.schema import ScenarioJsonSchema

    schema = Mapping.model_json_schema(schema_generator=ScenarioJsonSchema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "msp-dispatch PSA mapping file",
    }
