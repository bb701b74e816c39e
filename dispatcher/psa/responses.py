"""Saved API responses: the JSON files a PSA's documented endpoints return, one file per
endpoint or one per page of it, found in a folder by name.

An endpoint's files are ``NAME.json`` and its pages ``NAME-2.json``, ``NAME_2.json`` or
``NAME.2.json`` (any suffix after the separator; the pages are read in natural order,
``NAME-10`` after ``NAME-9``); NAME is the endpoint's name here or one taken from its
documented path, in any case (``aliases``: ``Tickets``, ``ServiceCalls``,
``service_tickets``). The mapping file may name other files instead
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
from collections.abc import Iterator, Sequence
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


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# Path segments that name no endpoint: Autotask's /query, Halo's /api, placeholders.
_NOT_A_NAME = frozenset({"api", "query", "apis", "v4_6_release", "3.0"})


def aliases(name: str, path: str | None = None) -> list[str]:
    """The file names (lower case, without ``.json``) an endpoint's saved responses may
    have: ``schedule-entries``, ``schedule_entries``, and from its documented path
    ``/service/tickets`` also ``service-tickets``, from ``/api/ClientContract`` also
    ``client-contract`` and ``clientcontract``, from ``/ServiceCalls/query`` ``servicecalls``."""
    found = [name, name.replace("-", "_")]
    if path:
        segments = [
            part
            for part in path.strip("/").split("/")
            if part and not part.startswith("{") and part.lower() not in _NOT_A_NAME
        ]
        words = [_CAMEL.sub("-", part).lower() for part in segments]
        for separator in "-_":
            found.append(separator.join(words).replace("-", separator))
            found.append(separator.join(part.lower() for part in segments))
    return [alias.lower() for alias in dict.fromkeys(found) if alias]


def assign_files(
    folder: Path, endpoints: dict[str, str | None]
) -> dict[str, list[tuple[Path, str]]]:
    """Each ``*.json`` of ``folder`` given to the endpoint whose name it has (any of its
    ``aliases``, any case), alone or with a suffix after ``-``, ``_`` or ``.`` (a page, or a
    parent's id); the longest matching name wins (``service-call-tickets`` over
    ``service-calls``). Per endpoint: (file, suffix), the bare name first, then the
    suffixed ones in natural order (``-10`` after ``-9``)."""
    names = {name: aliases(name, path) for name, path in endpoints.items()}
    found: dict[str, list[tuple[Path, str]]] = {name: [] for name in endpoints}
    try:
        candidates = sorted(folder.glob("*.json")) + sorted(folder.glob("*.JSON"))
    except OSError:
        return found
    for file in candidates:
        if not file.is_file():
            continue
        stem = file.name[: -len(".json")].lower()
        best: tuple[int, str, str] | None = None
        for name, options in names.items():
            for option in options:
                named = stem == option or (stem.startswith(option) and stem[len(option)] in "-_.")
                if named and (best is None or len(option) > best[0]):
                    best = (len(option), name, stem[len(option) + 1 :])
        if best is not None:
            found[best[1]].append((file, best[2]))
    for files in found.values():
        files.sort(key=lambda item: (item[1] != "", _natural(item[0])))
    return found


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
    folder: Path,
    name: str,
    files: Sequence[Path] | None = None,
    key: str = "id",
    assigned: Sequence[tuple[Path, str]] | None = None,
) -> Read:
    """Every record of one endpoint (``files`` if given, else ``assigned``, else found in
    ``folder`` by its name)."""
    if files is not None:
        assigned = [(path, "") for path in files]
    elif assigned is None:
        assigned = assign_files(folder, {name: None})[name]
    paths = [path for path, _ in assigned]
    suffix_of = {str(path): suffix for path, suffix in assigned}
    records: list[tuple[Origin, Record]] = []
    issues: list[InputIssue] = []
    seen: set[str] = set()
    suffixes: dict[str, str] = {}
    for path in paths:
        filename = str(path)
        suffixes[filename] = suffix_of[filename]
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

    def __init__(
        self,
        folder: Path,
        files: dict[str, list[Path]] | None,
        naive_zone: dt.tzinfo,
        endpoints: dict[str, str] | None = None,
    ):
        self.folder = folder
        self.files = files or {}
        self.naive_zone = naive_zone
        self.issues: list[InputIssue] = []
        self.read_files: list[str] = []
        # The PSA's endpoints (saved-response name -> documented path): the folder's files
        # are shared out among them once, by name.
        self.endpoints: dict[str, str | None] = dict(endpoints or {})
        self._assigned: dict[str, list[tuple[Path, str]]] | None = None

    def endpoint(self, name: str, key: str = "id") -> Read:
        if self._assigned is None:
            self._assigned = assign_files(self.folder, self.endpoints)
        assigned = self._assigned.get(name)
        if assigned is None:  # an endpoint the PSA's table does not list: by its name alone
            assigned = assign_files(self.folder, {name: None})[name]
        read = read_endpoint(self.folder, name, self.files.get(name), key, assigned)
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
