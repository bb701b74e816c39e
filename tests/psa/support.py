"""Copies of the bundled PSA examples to break in a test, and the import run on them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dispatcher.psa import import_psa
from dispatcher.psa.build import Imported
from tests.scenarios import SCENARIOS

DAY = dt.date(2026, 11, 30)


def example(tmp_path: Path, psa: str) -> Path:
    """A copy of scenarios/psa/<psa>/ (responses and mapping.yaml) under tmp_path."""
    folder = tmp_path / psa
    shutil.copytree(SCENARIOS / "psa" / psa, folder)
    return folder


def edit_json(path: Path, change: Callable[[Any], object]) -> None:
    """Change a response file in place (what ``change`` returns is ignored)."""
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2))


def run_import(folder: Path, psa: str, mapping: Path | None = None) -> Imported:
    return import_psa(psa, folder, mapping or folder / "mapping.yaml", DAY, folder / "day.yaml")
