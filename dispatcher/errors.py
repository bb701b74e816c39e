"""The one error type for bad input: every message names file, line and field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputIssue:
    """One thing wrong with an input file."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class InputError(Exception):
    """Bad input: a missing file, bad YAML, an invalid scenario or plan, a bad option.

    Carries every issue found, so that all errors of a file are reported together.
    """

    def __init__(self, issues: list[InputIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))

    @classmethod
    def single(cls, file: str, message: str, line: int | None = None, path: str = "") -> InputError:
        return cls([InputIssue(file, line, path, message)])
