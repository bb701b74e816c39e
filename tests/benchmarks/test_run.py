"""The benchmark's scenario options (the runs themselves are benchmarks, not tests)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from benchmarks.run import _cap, write_scenario
from dispatcher.io.loader import load_scenario


def test_the_break_fix_cap_option_takes_a_number_or_the_generators_own() -> None:
    assert _cap("1") == 1
    assert _cap("6") == 6
    assert _cap("generator") is None
    for bad in ("0", "-1", "two", ""):
        with pytest.raises(argparse.ArgumentTypeError):
            _cap(bad)


def test_generated_days_carry_the_chosen_break_fix_cap(tmp_path: Path) -> None:
    one = load_scenario(write_scenario("generated", "M", 0, tmp_path / "one"))
    own = load_scenario(write_scenario("generated", "M", 0, tmp_path / "own", None))
    assert one.tier_caps == {"break_fix": 1}
    assert own.tier_caps == {"break_fix": 2}  # 20 engineers: one visit per 8 of them
    assert [t.id for t in one.tickets] == [t.id for t in own.tickets]  # the same day
