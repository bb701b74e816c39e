"""What the checker reports: a violation reads as a sentence naming its rule."""

from __future__ import annotations

from dispatcher.checker import Violation


def test_violation_reads_as_a_sentence() -> None:
    violation = Violation("overlap", "T4", "ben is busy")
    assert str(violation) == "T4: ben is busy (overlap)"
