"""The terminal side of the sanitizing layer (``dispatcher.safetext``).

Views put text from a scenario or a plan into tables through ``add_row`` and into lines
through ``plain``: each value becomes a rich ``Text`` (never parsed as markup) with its
control and bidi characters escaped. As a safety net, every command prints through a
``SafeConsole``: markup off, and any non-printable character left in the text it renders
(one that went around ``add_row``) escaped as it is drawn. Rich's own control codes
(colours, cursor moves) are not text and pass as they are.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from dispatcher.safetext import shown

Cell = RenderableType | Sequence[str]

# The width of a console that is not a terminal (a pipe, a file) when COLUMNS does not
# say one: wide enough that no table is cut ("respon…") or wrapped for a screen that
# is not there; a table is as wide as its content, not as the console.
PIPE_WIDTH = 1000


class SafeConsole(Console):
    """A console for text from scenarios and plans: markup off, controls escaped; on
    anything but a terminal, ``PIPE_WIDTH`` columns wide unless ``width`` or the
    ``COLUMNS`` environment variable says otherwise."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        kwargs.setdefault("highlight", False)
        super().__init__(**kwargs)
        if kwargs.get("width") is None and not self.is_terminal and not _columns_set():
            self.width = PIPE_WIDTH

    def on_broken_pipe(self) -> None:
        """The reader stopped early (``dispatch show ... | head``): rich's default exits
        with 1, which reads as a failure; the command line ends with 141 instead."""
        self.quiet = True
        raise BrokenPipeError

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control or segment.text.isprintable():
                yield segment
            else:
                yield Segment(shown(segment.text, keep_newlines=True), segment.style)


def _columns_set() -> bool:
    value = os.environ.get("COLUMNS", "").strip()
    return value.isdigit() and int(value) > 0


def plain(value: str, style: str = "") -> Text:
    """A value from a scenario or plan as rich text: not markup, controls escaped."""
    return Text(shown(value), style=style)


class Line(Text):
    """A value in a table cell that is drawn as one line when it fits, padded as rich
    pads it, without rich's line wrapping: on a table of a thousand cells, wrapping
    lines that never wrap took a third of the time. Anything else (several lines,
    styled parts, tabs, too narrow a cell, centred or right-aligned) is drawn by rich."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterable[Segment]:
        text, width, length = self.plain, options.max_width, self.cell_len
        justify = self.justify or options.justify or "default"
        if (
            self.spans
            or "\n" in text
            or "\t" in text
            or length > width
            or justify not in ("left", "default")
        ):
            yield from super().__rich_console__(console, options)
            return
        if justify == "left":
            text += " " * (width - length)
        yield Segment(text, console.get_style(self.style) if self.style else None)
        if self.end:
            yield Segment(self.end)


def cell(value: Cell) -> RenderableType:
    """A table cell: a value (str), lines of values (a sequence of str), or a renderable
    built of safe text already."""
    if isinstance(value, str):
        return Line(shown(value))
    if isinstance(value, Sequence):
        return Text("\n".join(shown(line) for line in value))
    return value


def add_row(table: Table, *cells: Cell, style: str | None = None) -> None:
    """A row of values shown as they are: never markup, never a control sequence."""
    table.add_row(*(cell(value) for value in cells), style=style)
