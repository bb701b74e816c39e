"""``click.Path`` that refuses a NUL in a name as bad input (exit 2), not a crash.

Click stats the path it is given; a NUL character, which no file system allows, makes
``os.stat`` raise ``ValueError``, which click does not expect (an internal error, exit 1).
"""

from __future__ import annotations

from typing import Any

import click


class FilePath(click.Path):
    """A path argument or option: as ``click.Path``, and a NUL in it is a usage error."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if "\0" in (value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)):
            self.fail("a NUL character in a file name (no file system allows one)", param, ctx)
        return super().convert(value, param, ctx)
