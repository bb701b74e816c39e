"""Saved API responses: the JSON files a PSA's documented endpoints return, one file per
endpoint or one per page of it, found in a folder by name.

An endpoint's files are ``NAME.json`` and its pages ``NAME-2.json``, ``NAME_2.json`` or
``NAME.2.json`` (any suffix after the separator; the pages are read in natural order,
``NAME-10`` after ``NAME-9``). The mapping file may name other files instead
(``files: {tickets: [export/t1.json, export/t2.json]}``).

A file holds the records as the endpoint returned them: a bare list (ConnectWise, Halo's
lists), ``{"items": [...], "pageDetails": ...}`` (Autotask's queries), ``{"item": {...}}``
(an Autotask get), ``{"record_count": n, "tickets": [...]}`` (Halo's paginated lists) or one
record; or several of these one after another in one file, or a list of pages (pages
concatenated). A record met twice (overlapping pages) is read once.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dispatcher.errors import InputError, InputIssue
from dispatcher.io.read import decode, read_bytes
from dispatcher.psa.records import Origin

Record = dict[str, Any]
_NUMBER = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Read:
    """The records of one endpoint, each with its origin, the files they came from and what
    could not be read (``issues``); ``suffixes`` maps a file to the text after its
    endpoint name (``member-skills-17.json`` -> ``17``), which some endpoints need to know
    whose records they hold."""

    records: list[tuple[Origin, Record]]
    files: list[str]
    issues: list[InputIssue]
    suffixes: dict[str, str]


def _natural(path: Path) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in _NUMBER.split(path.name)]


def endpoint_files(folder: Path, name: str) -> list[Path]:
    """``NAME.json`` and its pages, in natural order (``schedule_entries`` for
    ``schedule-entries`` too)."""
    found: set[Path] = set()
    for variant in dict.fromkeys((name, name.replace("-", "_"))):
        if (folder / f"{variant}.json").is_file():
            found.add(folder / f"{variant}.json")
        for separator in "-_.":
            for path in folder.glob(f"{variant}{separator}*.json"):
                if path.is_file():
                    found.add(path)
    first_file = {f"{name}.json", f"{name.replace('-', '_')}.json"}
    return sorted(found, key=lambda path: (path.name not in first_file, _natural(path)))


def documents(text: str) -> list[Any]:
    """The JSON documents of a file: one, or several one after another (pages saved by
    appending each response to one file); json.JSONDecodeError if it is not JSON."""
    decoder = json.JSONDecoder()
    found: list[Any] = []
    position, length = 0, len(text)
    while True:
        while position < length and text[position] in " \t\r\n\ufeff":
            position += 1
        if position >= length:
            break
        document, position = decoder.raw_decode(text, position)
        found.append(document)
    if not found:
        raise json.JSONDecodeError("no JSON in the file", text, 0)
    return found


def _suffix(path: Path, name: str) -> str:
    stem = path.name[: -len(".json")]
    return stem[len(name) + 1 :] if len(stem) > len(name) else ""


def records_of(document: Any) -> list[Any] | None:
    """The records a response holds, whatever the PSA's envelope; None if none is found."""
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        return None
    if isinstance(document.get("items"), list):
        return list(document["items"])
    if isinstance(document.get("item"), dict):
        return [document["item"]]
    lists = [value for value in document.values() if isinstance(value, list)]
    if len(lists) == 1 and all(isinstance(item, dict) for item in lists[0]):
        return list(lists[0])
    if "id" in document:
        return [document]
    return None


def read_endpoint(
    folder: Path, name: str, files: Sequence[Path] | None = None, key: str = "id"
) -> Read:
    """Every record of one endpoint (``files`` if given, else found in ``folder``)."""
    paths = list(files) if files is not None else endpoint_files(folder, name)
    records: list[tuple[Origin, Record]] = []
    issues: list[InputIssue] = []
    seen: set[str] = set()
    suffixes: dict[str, str] = {}
    for path in paths:
        filename = str(path)
        suffixes[filename] = _suffix(path, name) if files is None else ""
        try:
            text = decode(read_bytes(path, f"{name} response"), filename)
            found = documents(text)
        except InputError as error:
            issues.extend(error.issues)
            continue
        except json.JSONDecodeError as exc:
            issues.append(InputIssue(filename, exc.lineno, "", f"not JSON: {exc.msg}"))
            continue
        items: list[Any] = []
        for document in found:
            if (
                isinstance(document, list)
                and document
                and all(isinstance(page, list) for page in document)
            ):
                document = [item for page in document for item in page]  # a list of pages
            held = records_of(document)
            if held is None:
                issues.append(InputIssue(filename, 1, "", f"no {name} records in this response"))
                break
            items += held
        for index, item in enumerate(items):
            origin = Origin(filename, index)
            if not isinstance(item, dict):
                issues.append(origin.issue("", "a record must be a JSON object"))
                continue
            ident = item.get(key)
            if ident is not None:
                marker = str(ident)  # ids are unique per endpoint in every PSA
                if marker in seen:
                    continue  # the same record on two pages
                seen.add(marker)
            records.append((origin, item))
    return Read(records, [str(path) for path in paths], issues, suffixes)


def first(record: Record, *names: str) -> Any:
    """The first of ``names`` the record has with a value (dotted names go into objects)."""
    for name in names:
        value: Any = record
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None and value != "":
            return value
    return None


def text(record: Record, *names: str) -> str | None:
    """``first`` as text: an object reference gives its name (``{"id": 3, "name": "X"}``)."""
    value = first(record, *names)
    if isinstance(value, dict):
        value = first(value, "name", "identifier", "id")
    if value is None or isinstance(value, list | dict):
        return None
    return str(value)


def ident(record: Record, *names: str) -> str | None:
    """``first`` as an id: an object reference gives its id."""
    value = first(record, *names)
    if isinstance(value, dict):
        value = value.get("id")
    if value is None or isinstance(value, list | dict | bool):
        return None
    return str(value)


def address(record: Record, *names: str) -> str | None:
    """The record's address parts that it has, joined: "3 Hill St, Richmond, TW9 1TN"."""
    parts = [str(first(record, name)) for name in names if first(record, name) is not None]
    return ", ".join(parts) or None


def all_files(reads: Iterable[Read]) -> list[str]:
    return [file for read in reads for file in read.files]


def instant(value: Any, naive_zone: dt.tzinfo) -> dt.datetime:
    """A PSA time (ISO 8601, ``Z`` or an offset; without one, in ``naive_zone``) as an
    aware datetime; ValueError if it is not one."""
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 time, got {value!r}"[:120])
    moment = dt.datetime.fromisoformat(value.strip())
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=naive_zone)


def time_of_day(value: Any) -> dt.time:
    """'08:00:00', '08:00' or '1900-01-01T08:00:00' -> 08:00."""
    if not isinstance(value, str):
        raise ValueError(f"expected a time of day, got {value!r}"[:120])
    text = value.strip()
    if "T" in text:
        text = text.split("T", 1)[1]
    text = text.rstrip("Z")
    return dt.time.fromisoformat(text)


class Reader:
    """Reads one PSA's records, collecting what cannot be read as issues."""

    def __init__(self, folder: Path, files: dict[str, list[Path]] | None, naive_zone: dt.tzinfo):
        self.folder = folder
        self.files = files or {}
        self.naive_zone = naive_zone
        self.issues: list[InputIssue] = []
        self.read_files: list[str] = []

    def endpoint(self, name: str, key: str = "id") -> Read:
        read = read_endpoint(self.folder, name, self.files.get(name), key)
        self.issues.extend(read.issues)
        self.read_files.extend(read.files)
        return read

    def keyed(self, name: str, what: str) -> Iterator[tuple[Origin, Record, str]]:
        """An endpoint's records with their ``id``; one without is an issue ("a client
        without an id", for ``what`` "a client")."""
        for origin, record in self.endpoint(name).records:
            key = ident(record, "id")
            if key is None:
                self.issues.append(origin.issue("id", f"{what} without an id"))
                continue
            yield origin, record, key

    def time(self, origin: Origin, record: Record, *names: str) -> dt.datetime | None:
        for name in names:
            value = first(record, name)
            if value is None:
                continue
            try:
                return instant(value, self.naive_zone)
            except ValueError:
                self.issues.append(origin.issue(name, f"not a time: {str(value)[:60]!r}"))
                return None
        return None

    def number(self, origin: Origin, record: Record, *names: str) -> float | None:
        value = first(record, *names)
        if value is None:
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.issues.append(origin.issue(names[0], f"not a number: {str(value)[:60]!r}"))
            return None
        if number != number or number in (float("inf"), float("-inf")) or number < 0:
            self.issues.append(origin.issue(names[0], f"not a usable number: {value!r}"))
            return None
        return number
