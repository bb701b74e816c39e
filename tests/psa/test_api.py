"""The PSA round trip through the Python API: import, solve, requests; JSON all the way."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatcher import import_from_psa, psa_requests, solve_scenario
from dispatcher.errors import InputError
from dispatcher.psa.summary import PsaImport
from dispatcher.solver.solve import SolveOptions
from tests.psa.support import DAY, example


def test_import_solve_and_requests_without_writing_a_file(tmp_path: Path) -> None:
    folder = example(tmp_path, "connectwise")
    before = sorted(p.name for p in folder.iterdir())
    imported = import_from_psa("connectwise", folder, folder / "mapping.yaml", DAY)
    assert PsaImport.model_validate_json(imported.model_dump_json()) == imported
    assert imported.summary.imported["tickets"] == 13
    plan = solve_scenario(
        imported.scenario_yaml, options=SolveOptions(time_limit=1, seed=0, workers=1)
    )
    document = psa_requests(imported.scenario_yaml, plan, "connectwise", imported.link)
    assert document["psa"] == "connectwise" and document["requests"]
    assert (
        psa_requests(imported.scenario_yaml, plan, "connectwise", imported.link, plan)["requests"]
        == []
    )
    assert sorted(p.name for p in folder.iterdir()) == before


def test_an_unknown_psa_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown PSA 'kaseya'"):
        import_from_psa("kaseya", tmp_path, tmp_path / "m.yaml")
