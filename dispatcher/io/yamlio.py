"""Safe YAML reading that remembers the line of every value, within size limits.

The file is read as a stream of parser events (libyaml's C parser when PyYAML
has it) and built straight into plain Python data, so that every limit is
enforced while reading, before a hostile file costs time or memory: a file
of 100,000 tickets is refused at ticket 20,001, an alias bomb as soon as its
expansion passes the value limit, deep nesting at the depth limit.

Only plain values are built: text, numbers, true/false, null, lists and
mappings. Any other tag (``!!python/object``, ``!!binary``, ``!custom``) is
refused, so nothing is ever constructed from the file. Timestamps are kept as
text (the scenario decides their time zone) and mapping keys must be unique.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, cast

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from dispatcher.errors import InputError, InputIssue

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Limit:
    """A limit on input size, with a default that an environment variable can change."""

    variable: str
    default: int
    unit: str

    @property
    def value(self) -> int:
        text = os.environ.get(self.variable, "").strip()
        if not text:
            return self.default
        try:
            number = int(text)
        except ValueError:
            number = 0
        if number < 1:
            raise InputError.single(
                self.variable, f"must be a whole number of {self.unit} above 0, got '{text}'"
            )
        return number

    def exceeded(self, value: int, what: str) -> str:
        """The message for input over the limit: says which limit and how to raise it."""
        return (
            f"more than {value} {what} (the limit {self.variable}={value}; "
            "set that environment variable to raise it)"
        )


MAX_BYTES = Limit("DISPATCH_MAX_BYTES", 50 * 1024 * 1024, "bytes")
MAX_VALUES = Limit("DISPATCH_MAX_VALUES", 1_000_000, "values")
MAX_DEPTH = Limit("DISPATCH_MAX_DEPTH", 64, "levels")
MAX_TICKETS = Limit("DISPATCH_MAX_TICKETS", 20_000, "tickets")
MAX_ENGINEERS = Limit("DISPATCH_MAX_ENGINEERS", 2_000, "engineers")

LIMITS = (MAX_BYTES, MAX_VALUES, MAX_DEPTH, MAX_TICKETS, MAX_ENGINEERS)


class _EventSource(Protocol):
    """What the builder asks of a YAML parser: its events, one by one."""

    def get_event(self) -> Event: ...

    def peek_event(self) -> Event: ...

    def check_event(self, *choices: type[Event]) -> bool: ...


_FastParser: type[CParser] | None
try:  # libyaml's parser is twenty times faster; PyYAML may be built without it
    from yaml._yaml import CParser

    _FastParser = CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _FastParser = None


class _PythonParser(Reader, Scanner, Parser):
    """PyYAML's own parser, for when libyaml is missing."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)


class _TextTimestampResolver(Resolver):
    """YAML 1.1 implicit types, except that timestamps stay text."""


_TextTimestampResolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}

_YAML = "tag:yaml.org,2002:"
_CONSTRUCTOR = SafeConstructor()
_SCALARS = {
    f"{_YAML}str": SafeConstructor.construct_yaml_str,
    f"{_YAML}timestamp": SafeConstructor.construct_yaml_str,  # text, like every datetime
    f"{_YAML}int": SafeConstructor.construct_yaml_int,
    f"{_YAML}float": SafeConstructor.construct_yaml_float,
    f"{_YAML}bool": SafeConstructor.construct_yaml_bool,
    f"{_YAML}null": SafeConstructor.construct_yaml_null,
}
_PLAIN_TAGS = (None, "!")  # no tag, or YAML's 'non-specific' one
# PyYAML's Resolver.resolve is untyped: it gives the tag of a plain scalar.
_ResolveTag = Callable[[type[ScalarNode], str, tuple[bool, bool]], str]
MAX_KEY_SHOWN = 60  # characters of a key in an error message


def path_text(path: Path) -> str:
    """('tickets', 3, 'effort', 'p90') -> 'tickets[3].effort.p90' (long keys cut short)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            key = part if len(part) <= MAX_KEY_SHOWN else part[: MAX_KEY_SHOWN - 3] + "..."
            text += f".{key}" if text else key
    return text


class LineMap:
    """Field path -> 1-based line of the value in the YAML source."""

    def __init__(self) -> None:
        self._lines: dict[Path, int] = {}

    def record(self, path: Path, line: int) -> None:
        self._lines.setdefault(path, line)

    def line_of(self, path: Path) -> int | None:
        """Line of the path, or of its nearest ancestor present in the file."""
        for cut in range(len(path), -1, -1):
            line = self._lines.get(tuple(path[:cut]))
            if line is not None:
                return line
        return None


def load_yaml(
    text: str, filename: str, *, lists: Mapping[str, Limit] | None = None
) -> tuple[Any, LineMap]:
    """Parse one YAML document into plain Python data plus its line map.

    ``lists`` limits the length of top-level lists (``{"tickets": MAX_TICKETS}``).
    """
    max_bytes = MAX_BYTES.value
    if len(text) > max_bytes:  # characters: never more than the bytes they came from
        raise InputError.single(filename, MAX_BYTES.exceeded(max_bytes, "bytes"))
    lines = LineMap()
    try:
        return _Builder(_parser(text), filename, lines, lists or {}).document(), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        context = exc.context or ""
        if context and exc.context_mark is not None and exc.context_mark.line + 1 != line:
            # An unclosed quote shows at the end of the file: say where it began.
            context += f" (begun on line {exc.context_mark.line + 1})"
        reason = " ".join(part for part in (context, exc.problem) if part)
        raise InputError([InputIssue(filename, line, "", f"YAML syntax error: {reason}")]) from None
    except ReaderError as exc:
        # libyaml counts UTF-8 bytes, PyYAML's reader characters.
        if _FastParser is not None:
            line = text.encode("utf-8")[: exc.position].count(b"\n") + 1
        else:
            line = text[: exc.position].count("\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"character #x{code:04x} is not allowed in YAML (a control character)"
        raise InputError([InputIssue(filename, line, "", message)]) from None
    except UnicodeEncodeError as exc:  # a lone surrogate, from text made in Python
        line = text[: exc.start].count("\n") + 1
        raise InputError([InputIssue(filename, line, "", "text is not valid Unicode")]) from None
    except yaml.YAMLError as exc:
        raise InputError.single(filename, f"YAML error: {exc}") from None


def _parser(text: str) -> _EventSource:
    if _FastParser is None:
        return _PythonParser(text)
    # libyaml's stub says an event may be None: only past the stream's end, never read.
    return cast(_EventSource, _FastParser(text))


def _line(event: Event) -> int:
    """The 1-based line an event starts on (both parsers mark every event)."""
    assert event.start_mark is not None
    return event.start_mark.line + 1


class _Builder:
    """Builds plain data from parser events, counting every value as it goes."""

    def __init__(
        self, parser: _EventSource, filename: str, lines: LineMap, lists: Mapping[str, Limit]
    ) -> None:
        self.parser = parser
        self.filename = filename
        self.lines = lines
        self.lists = {key: (limit, limit.value) for key, limit in lists.items()}
        self.max_values = MAX_VALUES.value
        self.max_depth = MAX_DEPTH.value
        self.values = 0
        self.resolve_tag = cast(_ResolveTag, _TextTimestampResolver().resolve)
        # An anchor's value and how many values it stands for (an alias counts them all).
        self.anchors: dict[str, tuple[Any, int]] = {}

    def _fail(self, event: Event, path: Path, message: str, line: int | None = None) -> InputError:
        line = _line(event) if line is None else line
        return InputError([InputIssue(self.filename, line, path_text(path), message)])

    def _count(self, event: Event, path: Path, amount: int) -> None:
        self.values += amount
        if self.values > self.max_values:
            message = MAX_VALUES.exceeded(self.max_values, "values once aliases are expanded")
            raise self._fail(event, path, message)

    def document(self) -> Any:
        self.parser.get_event()  # stream start
        if self.parser.check_event(StreamEndEvent):
            return None
        self.parser.get_event()  # document start
        data = self.node((), 0)
        self.parser.get_event()  # document end
        if not self.parser.check_event(StreamEndEvent):
            raise self._fail(
                self.parser.peek_event(), (), "a second YAML document ('---'): give only one"
            )
        return data

    def node(self, path: Path, depth: int) -> Any:
        # Where a node is due, the parser gives a node event: alias, scalar or collection start.
        event = cast(NodeEvent, self.parser.get_event())
        self.lines.record(path, _line(event))
        if isinstance(event, AliasEvent):
            anchored = None if event.anchor is None else self.anchors.get(event.anchor)
            if anchored is None:
                raise self._fail(event, path, f"alias '*{event.anchor}' has no anchor before it")
            value, size = anchored
            self._count(event, path, size)
            return value
        if depth > self.max_depth:  # named by its line: its path would be as long as it is deep
            message = MAX_DEPTH.exceeded(self.max_depth, "levels of nesting")
            raise self._fail(event, (), message)
        before = self.values
        self._count(event, path, 1)
        if isinstance(event, ScalarEvent):
            value = self._scalar(event, path)
        elif isinstance(event, SequenceStartEvent):
            value = self._sequence(event, path, depth)
        else:
            value = self._mapping(cast(MappingStartEvent, event), path, depth)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, self.values - before)
        return value

    def _scalar(self, event: ScalarEvent, path: Path) -> Any:
        tag = event.tag
        if tag in _PLAIN_TAGS:
            tag = self.resolve_tag(ScalarNode, event.value, event.implicit)
        if tag is None or (construct := _SCALARS.get(tag)) is None:
            raise self._fail(event, path, _refused(tag))
        try:
            return construct(_CONSTRUCTOR, ScalarNode(tag, event.value))
        except (ValueError, KeyError):  # an explicit '!!int abc'
            kind = tag.removeprefix(_YAML)
            raise self._fail(event, path, f"'{event.value[:40]}' is not a valid {kind}") from None

    def _check_tag(self, event: CollectionStartEvent, path: Path, kind: str) -> None:
        if event.tag not in (*_PLAIN_TAGS, _YAML + kind):
            raise self._fail(event, path, _refused(event.tag))

    def _sequence(self, event: SequenceStartEvent, path: Path, depth: int) -> list[Any]:
        self._check_tag(event, path, "seq")
        limit = self.lists.get(path[0]) if len(path) == 1 and isinstance(path[0], str) else None
        items: list[Any] = []
        while not self.parser.check_event(SequenceEndEvent):
            if limit is not None and len(items) >= limit[1]:
                message = limit[0].exceeded(limit[1], str(path[0]))
                raise self._fail(event, path, message, self.lines.line_of(path))
            items.append(self.node((*path, len(items)), depth + 1))
        self.parser.get_event()
        return items

    def _mapping(self, event: MappingStartEvent, path: Path, depth: int) -> dict[str, Any]:
        self._check_tag(event, path, "map")
        result: dict[str, Any] = {}
        merged: list[tuple[int, dict[str, Any]]] = []  # (line of '<<', mapping)
        while not self.parser.check_event(MappingEndEvent):
            key_event = self.parser.get_event()
            if not isinstance(key_event, ScalarEvent):
                raise self._fail(key_event, path, "a mapping key must be a plain value")
            if key_event.tag not in (*_PLAIN_TAGS, _YAML + "str"):
                raise self._fail(key_event, path, _refused(key_event.tag))
            # Keys are ids and field names: keep their text ('no', '08:00', 'P1').
            key = key_event.value
            line = _line(key_event)
            if key == "<<" and key_event.implicit[0]:  # a merge: '<<: *defaults'
                value = self.node((*path, key), depth + 1)
                sources = value if isinstance(value, list) else [value]
                if not all(isinstance(source, dict) for source in sources):
                    raise self._fail(key_event, path, "'<<' merges a mapping or a list of mappings")
                merged += [(line, source) for source in sources]
                continue
            if key in result:
                raise self._fail(key_event, (*path, key), "duplicate key")
            self.lines.record((*path, key), line)
            result[key] = self.node((*path, key), depth + 1)
        self.parser.get_event()
        if not merged:
            return result
        # YAML merge keys: the mapping's own keys win, then earlier merged mappings.
        combined: dict[str, Any] = {}
        for line, source in merged:
            for key, value in source.items():
                if key not in combined:
                    combined[key] = value
                    self.lines.record((*path, key), line)
        combined.update(result)
        return combined


def _refused(tag: str | None) -> str:
    shown = str(tag).replace(_YAML, "!!")
    return (
        f"the tag '{shown[:60]}' is not allowed: only plain values (text, numbers, "
        "true/false, lists, mappings) are read, never objects"
    )
