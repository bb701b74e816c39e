"""Fixtures shared by every test folder."""

from __future__ import annotations

import pytest

from dispatcher.semantics.problem import Problem
from tests.scenarios import SCENARIOS


@pytest.fixture
def northside() -> Problem:
    from dispatcher.io.loader import load_scenario

    return load_scenario(SCENARIOS / "northside.yaml")
