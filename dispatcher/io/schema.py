"""JSON Schema of the scenario file, for YAML editors (``dispatch schema``).

Generated from the pydantic models, with the forms the loader accepts but the
models' own types do not show: durations written as text (``90m``, ``PT1H``)
or whole minutes, an effort given as one duration, skills given as a list,
and datetimes without seconds or offset (local time of the scenario).
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from models import Scenario, parse_duration
from models.scenario import _as_effort, _as_skill_map

DURATION: dict[str, Any] = {
    "anyOf": [
        {
            "type": "string",
            "pattern": r"^\s*(?=\S)([Pp]\S+|(\d+(\.\d+)?[dD])?\s*(\d+(\.\d+)?[hH])?\s*"
            r"(\d+(\.\d+)?[mM]([iI][nN])?)?\s*(\d+(\.\d+)?[sS])?)\s*$",
        },
        {"type": "integer", "exclusiveMinimum": 0},
    ],
    "description": "A duration: '90m', '2h', '1h30m', ISO 'PT1H30M', or whole minutes; "
    "'1d' / 'P1D' only for SLA targets on a 24x7 clock.",
    "examples": ["30m", "1h30m", "PT2H"],
}
DATETIME: dict[str, Any] = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$",
    "description": "ISO 8601 date and time; without an offset it is local time in the "
    "scenario's timezone.",
    "examples": ["2026-11-30T08:00"],
}
SKILL_LIST: dict[str, Any] = {
    "type": "array",
    "items": {"type": "string"},
    "description": "Skill names, each at level 1.",
}


class ScenarioJsonSchema(GenerateJsonSchema):
    """The models' schema, widened to every form the scenario loader accepts."""

    def datetime_schema(self, schema: core_schema.DatetimeSchema) -> JsonSchemaValue:
        return dict(DATETIME)

    def function_before_schema(
        self, schema: core_schema.BeforeValidatorFunctionSchema
    ) -> JsonSchemaValue:
        function = schema["function"]["function"]
        if function is parse_duration:
            return dict(DURATION)
        inner = super().function_before_schema(schema)
        if function is _as_effort:
            return {"anyOf": [inner, dict(DURATION)]}
        if function is _as_skill_map:
            return {"anyOf": [inner, SKILL_LIST]}
        return inner


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    schema = Scenario.model_json_schema(schema_generator=ScenarioJsonSchema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "msp-dispatch scenario file",
    }
