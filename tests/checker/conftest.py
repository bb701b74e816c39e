"""Fixtures of the checker's tests: the board scenario, compiled once per module."""

from __future__ import annotations

from typing import Any

import pytest

from dispatcher.io.loader import load_scenario_text
from tests.checker.support import BOARD


@pytest.fixture(scope="module")
def board() -> Any:
    return load_scenario_text(BOARD, filename="t.yaml")
