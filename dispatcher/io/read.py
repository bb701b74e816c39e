"""Bounded, safe reading of input files: whole bytes within the size limit, UTF-8
text, and the travel matrix CSV (``from,to,minutes``), read as a stream.

Every failure is an ``InputError`` naming the file (and the line, where there is one).
"""

from __future__ import annotations

import csv
import math
import os
import stat
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from dispatcher.errors import InputError, InputIssue
from dispatcher.io.yamlio import MAX_BYTES

if TYPE_CHECKING:
    from hashlib import _Hash as Hash

MAX_TRAVEL_MINUTES = 7 * 24 * 60
MAX_ROW_ISSUES = 1000  # bad rows of a travel matrix reported one by one; the rest counted


def read_bytes(path: Path, what: str = "file") -> bytes:
    """Read a whole regular file or raise InputError naming it.

    The file is opened without blocking and refused unless it is a regular file: a
    named pipe would wait forever for a writer, a device may never end. At most the
    byte limit is read.
    """
    with open_regular(path, what) as stream:
        return _read_within(stream, path, what)


@contextmanager
def open_regular(path: Path, what: str = "file") -> Iterator[BinaryIO]:
    """The file opened for reading, or InputError naming it: opened without blocking,
    refused unless it is a regular file, and unless its size is within the byte limit."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise InputError.single(str(path), f"{what} not found") from None
    except IsADirectoryError:
        raise InputError.single(str(path), f"{what} is a directory") from None
    except OSError as exc:
        raise InputError.single(str(path), f"cannot read {what}: {exc.strerror}") from None
    except ValueError:  # a NUL in the name, which no file system allows
        shown = str(path).replace("\0", "\\0")
        raise InputError.single(shown, f"cannot read {what}: a NUL character in its name") from None
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(stream.fileno())
        if stat.S_ISDIR(status.st_mode):
            raise InputError.single(str(path), f"{what} is a directory")
        if not stat.S_ISREG(status.st_mode):
            raise InputError.single(
                str(path), f"{what} is not a regular file (a device, pipe or socket)"
            )
        if status.st_size > MAX_BYTES.value:
            raise _too_large(path, what)
        yield stream


def _too_large(path: Path, what: str) -> InputError:
    limit = MAX_BYTES.value
    return InputError.single(
        str(path), f"{what} is too large: " + MAX_BYTES.exceeded(limit, "bytes")
    )


def _read_within(stream: BinaryIO, path: Path, what: str) -> bytes:
    limit = MAX_BYTES.value
    try:
        data = stream.read(limit + 1)
    except OSError as exc:
        raise InputError.single(str(path), f"cannot read {what}: {exc.strerror}") from None
    if len(data) > limit:  # it grew while being read
        raise _too_large(path, what)
    return data


def decode(data: bytes, filename: str) -> str:
    """The bytes as UTF-8 text (a byte-order mark dropped), or InputError naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError([InputIssue(filename, line, "", "file is not valid UTF-8 text")]) from None


@dataclass
class TravelMatrix:
    """The rows of a travel matrix between the scenario's sites, and what was skipped."""

    rows: list[tuple[int, str, str, int]] = field(default_factory=list)  # line, from, to, min
    read: int = 0  # data rows read
    skipped: int = 0  # rows naming a site the scenario does not have


def read_travel_matrix(
    path: Path, sites: Collection[str], digest: Hash | None = None
) -> TravelMatrix:
    """The rows (line, from, to, minutes) of a ``from,to,minutes`` CSV file between
    ``sites``, read as a stream: the file is never held whole, and a row naming another
    site is counted and skipped, so memory follows the scenario's sites, not the file.

    ``digest`` is updated with every byte read (the scenario's sha256 covers its matrix).
    Every bad row is reported (file, line, field), up to ``MAX_ROW_ISSUES`` of them.
    """
    filename = str(path)
    known = frozenset(sites)
    result = TravelMatrix()
    issues: list[InputIssue] = []
    bad_rows = 0
    with open_regular(path, "travel matrix") as stream:
        reader = csv.reader(_text_lines(stream, path, digest))
        try:
            header = [name.strip() for name in next(reader, [])]
            if header[:3] != ["from", "to", "minutes"]:
                raise InputError.single(filename, "the header must be: from,to,minutes", 1)
            for row in reader:
                if not row:
                    continue  # a blank line, as DictReader skips it
                result.read += 1
                line = reader.line_num
                try:
                    minutes = float((row[2] if len(row) > 2 else "").strip())
                    if not 0 <= minutes <= MAX_TRAVEL_MINUTES:  # also refuses NaN
                        raise ValueError
                except ValueError:
                    bad_rows += 1
                    if bad_rows <= MAX_ROW_ISSUES:
                        issues.append(
                            InputIssue(
                                filename,
                                line,
                                "minutes",
                                f"must be a number of minutes from 0 to {MAX_TRAVEL_MINUTES} "
                                "(a week)",
                            )
                        )
                    continue
                origin = row[0].strip()
                destination = row[1].strip() if len(row) > 1 else ""
                if origin not in known or destination not in known:
                    result.skipped += 1
                    continue
                result.rows.append((line, origin, destination, math.ceil(minutes - 1e-9)))
        except csv.Error as exc:  # e.g. a field over the csv module's size limit
            line = reader.line_num  # the line being read when it failed
            raise InputError.single(filename, f"not a readable CSV file: {exc}", line) from None
    if bad_rows > MAX_ROW_ISSUES:
        issues.append(InputIssue(filename, None, "", f"{bad_rows - MAX_ROW_ISSUES} more bad rows"))
    if issues:
        raise InputError(issues)
    return result


def _text_lines(stream: BinaryIO, path: Path, digest: Hash | None) -> Iterator[str]:
    """The file's lines as UTF-8 text (a byte-order mark dropped), one at a time, within
    the byte limit; InputError naming the line of bad UTF-8."""
    limit, total = MAX_BYTES.value, 0
    for number, raw in enumerate(stream, start=1):
        total += len(raw)
        if total > limit:  # it grew while being read
            raise _too_large(path, "travel matrix")
        if digest is not None:
            digest.update(raw)
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            issue = InputIssue(str(path), number, "", "file is not valid UTF-8 text")
            raise InputError([issue]) from None
        yield text
