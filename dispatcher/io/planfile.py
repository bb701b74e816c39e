"""Writing and reading plan files (SPEC "Plan file"): whole or not at all, strict JSON."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Collection
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dispatcher import interrupt
from dispatcher.errors import InputError, InputIssue
from dispatcher.io.pydantic_errors import pydantic_issues
from dispatcher.io.read import decode, read_bytes
from dispatcher.io.yamlio import LineMap, load_yaml
from models import (
    Plan,
)


def plan_json(plan: Plan) -> str:
    return plan.model_dump_json(indent=2, exclude_none=False) + "\n"


def write_plan(plan: Plan, path: str | Path, protected: Collection[Path] = ()) -> None:
    """Write the plan whole or not at all (temporary file, then rename)."""
    write_atomic(Path(path), plan_json(plan), protected)


def check_output_path(path: Path, protected: Collection[Path] = ()) -> os.stat_result | None:
    """Refuse (InputError) an output path that must not be replaced; its stat if it exists.

    Refused: an empty path or one naming no file (``''``, ``.``, ``/``), a NUL in the
    name, an existing target that is not a regular file (a folder, a device such as
    /dev/null, a named pipe, a socket), and the same file as any of ``protected`` (the
    command's input files). Called before the work, so a bad ``-o`` costs no solve.
    """
    if not path.name or path.name in {".", ".."}:
        shown = str(path) if str(path) not in {"", "."} else "-o"
        raise InputError.single(shown, "the output must name a file (it is empty or a folder)")
    try:
        status = os.stat(path)
    except ValueError:  # a NUL in the name, which no file system allows
        shown = str(path).replace("\0", "\\0")
        raise InputError.single(shown, "cannot write: a NUL character in its name") from None
    except OSError:
        return None  # not there (or not reachable): the write itself says why, if it fails
    if not stat.S_ISREG(status.st_mode):
        raise InputError.single(
            str(path),
            "exists and is not a regular file (a folder, device, pipe or socket); "
            "refusing to replace it",
        )
    for other in protected:
        try:
            same = os.path.samefile(path, other)
        except (OSError, ValueError):
            continue
        if same:
            raise InputError.single(
                str(path), f"is the input file {other}; refusing to replace it (write elsewhere)"
            )
    return status


def write_atomic(path: Path, text: str, protected: Collection[Path] = ()) -> None:
    """Write ``text`` (UTF-8) to ``path`` whole or not at all, after ``check_output_path``.

    An existing file keeps its mode; a new one gets a normal file's (0666 & ~umask).
    """
    write_atomic_bytes(path, text.encode("utf-8"), protected)


def write_atomic_bytes(path: Path, data: bytes, protected: Collection[Path] = ()) -> None:
    """``write_atomic`` for bytes (a PNG): whole or not at all, the same refusals."""
    existing = check_output_path(path, protected)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError.single(str(path), f"cannot write here: {exc.strerror}") from None
    try:
        with interrupt.writing(temporary), os.fdopen(handle, "wb") as stream:
            # A temporary file is private (0600): the target keeps its mode, a new file
            # gets a normal file's mode.
            if existing is not None:
                mode = stat.S_IMODE(existing.st_mode)
            else:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
            os.fchmod(stream.fileno(), mode)
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
            os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_plan(path: str | Path) -> Plan:
    """Read and shape-check a plan file; InputError names file, line and field."""
    filename = str(path)
    text = decode(read_bytes(Path(path), "plan file"), filename)
    data = _parse_json(text, filename)
    if not isinstance(data, dict):
        raise InputError.single(filename, "a plan file must be a JSON object", 1)
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise InputError(pydantic_issues(exc, _json_lines(text, filename), filename)) from None


class _DuplicateKey(ValueError):
    """Python's json module keeps the last of two equal keys; a plan file must not have them."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class _NotANumber(ValueError):
    """Python's json module reads NaN and Infinity; JSON has no such numbers."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise _NotANumber(name)


def _parse_json(text: str, filename: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} (column {exc.colno})"
        raise InputError([InputIssue(filename, exc.lineno, "", message)]) from None
    except _DuplicateKey as exc:
        raise _duplicate_key(text, filename, exc.key) from None
    except _NotANumber as exc:
        raise InputError.single(filename, f"not valid JSON: {exc} is not a JSON number") from None
    except RecursionError:
        raise InputError.single(filename, "not a plan: JSON nested far too deep") from None


def _duplicate_key(text: str, filename: str, key: str) -> InputError:
    """The duplicate with its line and path: the YAML reader (JSON is YAML) finds those."""
    try:
        load_yaml(text, filename)
    except InputError as error:
        if error.issues[0].message == "duplicate key":
            return InputError(error.issues[:1])
    return InputError.single(filename, f"duplicate key '{key[:60]}'")


def _json_lines(text: str, filename: str) -> LineMap:
    """Lines of the plan's values, read as YAML (a superset of JSON); none if that fails."""
    try:
        return load_yaml(text, filename)[1]
    except InputError:
        return LineMap()
