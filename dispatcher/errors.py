"""The one error type for bad input: every message names file, line and field.

An issue prints as one line of bounded length (``dispatcher.safetext``): a value with a
newline cannot forge a second ``error:`` line, and a 1 MB value is not echoed whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.safetext import error_line, one_line


@dataclass(frozen=True)
class InputIssue:
    """One thing wrong with an input file."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        """One line, whatever the input held: the file name, the field path and the values
        the message quotes are cut short and their control characters escaped."""
        file = one_line(self.file, 200)
        where = file if self.line is None else f"{file}:{self.line}"
        message = error_line(self.message)
        if self.path:
            return f"{where}: {one_line(self.path, 200)}: {message}"
        return f"{where}: {message}"


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
