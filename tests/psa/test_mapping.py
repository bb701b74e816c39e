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


RENAMED = {
    "connectwise": {
        "tickets.json": "service_tickets.json",
        "tickets-2.json": "Service-Tickets-2.json",
        "schedule-entries.json": "schedule_entries.json",
        "agreements.json": "finance-agreements.json",
    },
    "autotask": {
        "tickets.json": "Tickets.json",
        "tickets-2.json": "Tickets_page2.json",
        "service-calls.json": "ServiceCalls.json",
        "service-call-tickets.json": "ServiceCallTickets.json",
        "service-call-ticket-resources.json": "ServiceCallTicketResources.json",
        "resource-skills.json": "ResourceSkills.json",
    },
    "halo": {
        "agents.json": "Agent.json",
        "appointments.json": "Appointment.json",
        "contracts.json": "ClientContract.json",
        "ticket-types.json": "TicketType.json",
        "tickets-2.json": "Tickets.2.json",
    },
}


@pytest.mark.parametrize("psa", sorted(RENAMED))
def test_responses_saved_under_the_endpoints_own_names_are_found(psa: str, tmp_path: Path) -> None:
    """Files named after the documented endpoint (``Tickets.json``, ``ServiceCalls.json``,
    ``ClientContract.json``, ``service_tickets.json``) read as the example's own names do."""
    from tests.psa.support import example, run_import

    original = example(tmp_path / "a", psa)
    renamed = example(tmp_path / "b", psa)
    for old, new in RENAMED[psa].items():
        (renamed / old).rename(renamed / new)
    first, second = run_import(original, psa), run_import(renamed, psa)
    assert first.text == second.text
    one, two = first.summary.model(), second.summary.model()
    assert (one.imported, one.defaulted) == (two.imported, two.defaulted)
    assert [(s.what, s.id, s.reason) for s in one.skipped] == [
        (s.what, s.id, s.reason) for s in two.skipped
    ]
