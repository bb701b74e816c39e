"""Bounded, safe reading of input files: whole bytes within the size limit, UTF-8
text, and the travel matrix CSV (``from,to,minutes``).

Every failure is an ``InputError`` naming the file (and the line, where there is one).
"""

from __future__ import annotations

import csv
import io
import math
import os
import stat
from pathlib import Path

from dispatcher.errors import InputError, InputIssue
from dispatcher.io.yamlio import MAX_BYTES

MAX_TRAVEL_MINUTES = 7 * 24 * 60


def read_bytes(path: Path, what: str = "file") -> bytes:
    """Read a whole regular file or raise InputError naming it.

    The file is opened without blocking and refused unless it is a regular file: a
    named pipe would wait forever for a writer, a device may never end. At most the
    byte limit is read.
    """
    limit = MAX_BYTES.value
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as stream:
            status = os.fstat(stream.fileno())
            if stat.S_ISDIR(status.st_mode):
                raise InputError.single(str(path), f"{what} is a directory")
            if not stat.S_ISREG(status.st_mode):
                raise InputError.single(
                    str(path), f"{what} is not a regular file (a device, pipe or socket)"
                )
            size = status.st_size
            data = stream.read(limit + 1) if size <= limit else b""
    except FileNotFoundError:
        raise InputError.single(str(path), f"{what} not found") from None
    except IsADirectoryError:
        raise InputError.single(str(path), f"{what} is a directory") from None
    except OSError as exc:
        raise InputError.single(str(path), f"cannot read {what}: {exc.strerror}") from None
    except ValueError:  # a NUL in the name, which no file system allows
        shown = str(path).replace("\0", "\\0")
        raise InputError.single(shown, f"cannot read {what}: a NUL character in its name") from None
    if size > limit or len(data) > limit:
        raise InputError.single(
            str(path), f"{what} is too large: " + MAX_BYTES.exceeded(limit, "bytes")
        )
    return data


def decode(data: bytes, filename: str) -> str:
    """The bytes as UTF-8 text (a byte-order mark dropped), or InputError naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError([InputIssue(filename, line, "", "file is not valid UTF-8 text")]) from None


def read_travel_matrix(text: str, filename: str) -> list[tuple[int, str, str, int]]:
    """Rows (line, from, to, minutes) of a ``from,to,minutes`` CSV file."""
    reader = csv.DictReader(io.StringIO(text))
    rows, issues = [], []
    try:
        header = [name.strip() for name in (reader.fieldnames or [])]
        if header[:3] != ["from", "to", "minutes"]:
            raise InputError.single(filename, "the header must be: from,to,minutes", 1)
        for row in reader:
            line = reader.line_num
            try:
                minutes = float(str(row.get("minutes") or "").strip())
                if not 0 <= minutes <= MAX_TRAVEL_MINUTES:  # also refuses NaN
                    raise ValueError
            except ValueError:
                issues.append(
                    InputIssue(
                        filename,
                        line,
                        "minutes",
                        f"must be a number of minutes from 0 to {MAX_TRAVEL_MINUTES} (a week)",
                    )
                )
                continue
            origin = str(row.get("from") or "").strip()
            destination = str(row.get("to") or "").strip()
            rows.append((line, origin, destination, math.ceil(minutes - 1e-9)))
    except csv.Error as exc:  # e.g. a field over the csv module's size limit
        line = reader.line_num + 1  # the record being read when it failed
        raise InputError.single(filename, f"not a readable CSV file: {exc}", line) from None
    if issues:
        raise InputError(issues)
    return rows
