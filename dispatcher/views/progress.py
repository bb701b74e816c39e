"""A live view of the search while ``dispatch plan`` solves (rich).

The solver reports each better plan through ``SolveOptions.progress``; this
shows the time used against the limit, the best objective so far, the proven
bound and the gap between them. On a console that is not a terminal (a pipe,
a log file, CI) it shows nothing at all.
"""

from __future__ import annotations

import time
from datetime import timedelta
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
)
from rich.progress_bar import ProgressBar
from rich.text import Text


def _used(task: Task) -> float:
    """Seconds since the instant the time limit counts from (the task's ``started``
    field: the command's start, before its imports and loading), as the solver's
    reports count them."""
    started: float | None = task.fields.get("started")
    if started is None:
        return task.elapsed or 0.0
    return max(0.0, time.monotonic() - started)


class _TimeUsedColumn(BarColumn):
    """A bar of the time used so far out of the limit: it moves between reports too."""

    def render(self, task: Task) -> ProgressBar:
        limit = task.total or 0.0
        return ProgressBar(
            total=limit,
            completed=min(_used(task), limit),
            width=self.bar_width,
        )


class _TimeUsedText(ProgressColumn):
    """'0:00:02': the time used so far, on the same clock as the limit and the reports."""

    def render(self, task: Task) -> Text:
        return Text(str(timedelta(seconds=int(_used(task)))), style="progress.elapsed")


class _SearchColumn(ProgressColumn):
    """'best 61.9271 (3.2s)  bound 58.7174  gap 5.2%' from the task's fields."""

    def render(self, task: Task) -> Text:
        best: float | None = task.fields.get("best")
        bound: float | None = task.fields.get("bound")
        if best is None:
            return Text("searching for a first plan", style="dim")
        found = task.fields["found_s"]
        text = Text.assemble(("best ", "dim"), (f"{best:.4f}", "bold"), (f" ({found:.1f}s)", "dim"))
        if bound is not None:
            text.append_text(Text.assemble(("  bound ", "dim"), f"{bound:.4f}"))
            text.append_text(Text.assemble(("  gap ", "dim"), gap_text(best, bound)))
        return text


def gap_text(best: float, bound: float) -> str:
    """Relative gap between the best objective and the bound ('0.0%' when closed)."""
    if best <= 0:
        return "0.0%"
    return f"{max(0.0, best - bound) / best:.1%}"


class SolveProgress:
    """Context manager whose ``update`` is a ``SolveOptions.progress`` callback.

    The bar and clock show the time used out of ``time_limit`` and move on their
    own (the display refreshes itself); the numbers change when the solver reports.
    The time used counts from ``started`` (a ``time.monotonic()`` instant; None: when
    the display starts), the instant the limit and the solver's reports count from.
    """

    def __init__(self, console: Console, time_limit: float, started: float | None = None) -> None:
        self.time_limit = time_limit
        self.started = started
        self.enabled = console.is_terminal
        self._progress = Progress(
            TextColumn("[bold]solving[/bold]"),
            _TimeUsedColumn(bar_width=24),
            _TimeUsedText(),
            TextColumn("of {task.total:.0f}s"),
            _SearchColumn(),
            console=console,
            transient=True,
            disable=not self.enabled,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> SolveProgress:
        if self.enabled:
            self._progress.start()
            started = time.monotonic() if self.started is None else self.started
            self._task = self._progress.add_task("solve", total=self.time_limit, started=started)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.enabled:
            self._progress.stop()

    def update(self, elapsed_s: float, best: float, bound: float | None) -> None:
        """A better plan was found: ``best`` at ``elapsed_s`` seconds, ``bound`` if proven."""
        if self._task is None:
            return
        self._progress.update(self._task, best=best, bound=bound, found_s=elapsed_s)
