"""Whatever a response file holds, the import names what is wrong (InputError) or makes
a valid scenario: never a traceback. Each PSA's example has one record replaced by
values of any JSON type under the names its reader looks at."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatcher.errors import InputError
from dispatcher.io.loader import load_scenario_text
from tests.psa.support import DAY
from tests.scenarios import SCENARIOS

FIELDS: dict[str, list[tuple[str, list[str]]]] = {
    "connectwise": [
        (
            "tickets.json",
            [
                "id",
                "summary",
                "priority",
                "status",
                "closedFlag",
                "company",
                "site",
                "agreement",
                "board",
                "type",
                "serviceLocation",
                "budgetHours",
                "_info",
                "dateResponded",
                "sla",
            ],
        ),
        ("members.json", ["id", "identifier", "firstName", "inactiveFlag", "calendar"]),
        ("schedule-entries.json", ["id", "objectId", "member", "dateStart", "dateEnd", "type"]),
        ("slas.json", ["id", "name", "basedOn", "customCalendar", "respondHours"]),
    ],
    "autotask": [
        (
            "tickets.json",
            [
                "id",
                "ticketNumber",
                "title",
                "priority",
                "status",
                "companyID",
                "contractID",
                "createDate",
                "estimatedHours",
                "firstResponseDueDateTime",
                "resolvedDueDateTime",
                "queueID",
                "issueType",
                "companyLocationID",
            ],
        ),
        ("resources.json", ["id", "userName", "firstName", "isActive", "locationID"]),
        ("service-calls.json", ["id", "startDateTime", "endDateTime", "isComplete", "companyID"]),
        ("contracts.json", ["id", "contractType", "companyID", "contractName"]),
    ],
    "halo": [
        (
            "tickets.json",
            [
                "id",
                "summary",
                "priority_id",
                "status_id",
                "client_id",
                "site_id",
                "contract_id",
                "dateoccurred",
                "estimate",
                "estimatedays",
                "respondbydate",
                "fixbydate",
                "sla_id",
                "team",
                "category_1",
            ],
        ),
        ("agents.json", ["id", "name", "email", "isdisabled", "workday_id", "skills"]),
        ("appointments.json", ["id", "ticket_id", "agent_id", "start_date", "end_date"]),
        ("priorities.json", ["priorityid", "name", "slaid", "responsetime", "fixtime"]),
    ],
}
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["2026-11-30T07:40:00Z", "1900-01-01T00:00:00", "P1", "Closed", "-1"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hostile")
    return {psa: Path(shutil.copytree(SCENARIOS / "psa" / psa, root / psa)) for psa in FIELDS}


@pytest.mark.parametrize("psa", sorted(FIELDS))
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_record_is_an_input_error_or_a_valid_scenario(
    psa: str, data: st.DataObject, copies: dict[str, Path]
) -> None:
    from dispatcher.psa import import_psa

    folder = copies[psa]
    name, fields = data.draw(st.sampled_from(FIELDS[psa]))
    path = folder / name
    original = path.read_text()
    document: Any = json.loads(original)
    records = (
        document
        if isinstance(document, list)
        else next(value for value in document.values() if isinstance(value, list))
    )
    index = data.draw(st.integers(0, len(records) - 1))
    chosen = data.draw(st.lists(st.sampled_from(fields), min_size=1, max_size=4, unique=True))
    record = dict(records[index])
    for field in chosen:
        record[field] = data.draw(JSON)
    records[index] = record
    path.write_text(json.dumps(document))
    try:
        imported = import_psa(psa, folder, folder / "mapping.yaml", DAY, folder / "day.yaml")
    except InputError as error:
        assert error.issues and all(str(issue) for issue in error.issues)
    else:
        load_scenario_text(imported.text, str(folder / "day.yaml"), folder)
    finally:
        path.write_text(original)
