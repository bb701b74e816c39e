"""The mapping file's JSON Schema accepts every bundled mapping, and what the loader
refuses it names with file, line and field."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from dispatcher.errors import InputError
from dispatcher.psa.mapping import load_mapping, mapping_schema
from tests.scenarios import SCENARIOS

MAPPINGS = sorted((SCENARIOS / "psa").glob("*/mapping.yaml"))


def _as_json(value: object) -> object:
    """YAML dates and times as the text a JSON editor would see."""
    if isinstance(value, dict):
        return {str(key): _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@pytest.mark.parametrize("path", MAPPINGS, ids=[p.parent.name for p in MAPPINGS])
def test_the_schema_accepts_every_bundled_mapping(path: Path) -> None:
    assert len(MAPPINGS) == 3
    load_mapping(path)
    document = _as_json(yaml.safe_load(path.read_text()))
    jsonschema.validate(document, mapping_schema())


def test_the_schema_and_the_loader_refuse_a_bad_duration(tmp_path: Path) -> None:
    bad = tmp_path / "mapping.yaml"
    bad.write_text("psa: halo\ndefault_effort: {p50: soon, p90: 2h}\n")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yaml.safe_load(bad.read_text()), mapping_schema())
    with pytest.raises(InputError) as caught:
        load_mapping(bad)
    [issue] = caught.value.issues
    assert (issue.line, issue.path) == (2, "default_effort.p50")
