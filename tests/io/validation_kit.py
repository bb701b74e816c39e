"""The validation tests' base scenario (the SPEC example, trimmed) and the helpers
that mutate it and expect exactly one issue at a named file, line and field path.
Used by ``test_validation`` and ``test_cross_checks``.
"""

from __future__ import annotations

import pytest

from dispatcher.errors import InputError, InputIssue
from dispatcher.io.loader import load_scenario_text
from dispatcher.semantics.problem import Problem
from tests.scenarios import VALIDATION_DAY as BASE  # noqa: F401 (the tests take it from here)

FILENAME = "base.yaml"


SECOND_ENGINEER = """\
  - id: bob
    skills: {windows: 1}
    home: alice-home
    shifts:
      - {start: 2026-11-30T08:00, end: 2026-11-30T17:00}
"""


# --- helpers -----------------------------------------------------------------


def mutate(text: str, old: str, new: str) -> str:
    """Replace the one occurrence of ``old`` (a mutation must be unambiguous)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in the base scenario"
    return text.replace(old, new)


def add_after(text: str, anchor: str, lines: str) -> str:
    """Insert ``lines`` right after the one line that contains ``anchor``."""
    assert text.count(anchor) == 1, f"{anchor!r} occurs {text.count(anchor)} times"
    head, tail = text.split(anchor, 1)
    end_of_line = tail.index("\n") + 1
    return head + anchor + tail[:end_of_line] + lines + tail[end_of_line:]


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line containing ``needle``."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} not found {occurrence} time(s)"
    return hits[occurrence - 1]


def load(text: str) -> Problem:
    return load_scenario_text(text, filename=FILENAME)


def issues_of(text: str) -> list[InputIssue]:
    with pytest.raises(InputError) as caught:
        load(text)
    issues = caught.value.issues
    assert issues, "an InputError must carry at least one issue"
    for issue in issues:
        assert issue.file == FILENAME, f"every issue names the file: {issue}"
    return issues


def only_issue(text: str) -> InputIssue:
    """The mutation broke exactly one rule, so exactly one issue is expected."""
    issues = issues_of(text)
    assert len(issues) == 1, "expected exactly one issue, got:\n" + "\n".join(map(str, issues))
    return issues[0]


def assert_issue(issue: InputIssue, path: str, line: int | None, phrase: str) -> None:
    assert issue.path == path, str(issue)
    assert issue.line == line, str(issue)
    assert phrase.lower() in issue.message.lower(), str(issue)


def expect(text: str, path: str, line: int | None, phrase: str) -> InputIssue:
    issue = only_issue(text)
    assert_issue(issue, path, line, phrase)
    return issue
