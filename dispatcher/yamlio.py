"""Safe YAML reading that remembers the line of every value.

Timestamps are kept as text (the scenario decides their time zone), mapping
keys must be unique, and aliases, depth and size are limited so that a
hostile file is refused quickly instead of exhausting the machine.
"""

from __future__ import annotations

from typing import Any

import yaml

from .errors import InputError, InputIssue

Path = tuple[str | int, ...]

MAX_BYTES = 50 * 1024 * 1024
MAX_NODES = 1_000_000
MAX_DEPTH = 64


class _TextTimestampLoader(yaml.SafeLoader):
    """SafeLoader that leaves ISO timestamps as strings."""


_TextTimestampLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def path_text(path: Path) -> str:
    """('tickets', 3, 'effort', 'p90') -> 'tickets[3].effort.p90'."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
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


def load_yaml(text: str, filename: str) -> tuple[Any, LineMap]:
    """Parse one YAML document into plain Python data plus its line map."""
    if len(text) > MAX_BYTES:
        raise InputError.single(
            filename, f"file is too large ({len(text)} bytes; the limit is {MAX_BYTES})"
        )
    loader = _TextTimestampLoader(text)
    try:
        node = loader.get_single_node()
        lines = LineMap()
        if node is None:
            return None, lines
        builder = _Builder(loader, filename, lines)
        return builder.build(node, ()), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = " ".join(part for part in (exc.context, exc.problem) if part)
        raise InputError([InputIssue(filename, line, "", f"YAML syntax error: {reason}")]) from None
    except yaml.YAMLError as exc:
        raise InputError.single(filename, f"YAML error: {exc}") from None
    finally:
        loader.dispose()


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, filename: str, lines: LineMap) -> None:
        self.loader = loader
        self.filename = filename
        self.lines = lines
        self.nodes = 0

    def _fail(self, node: yaml.Node, path: Path, message: str) -> InputError:
        return InputError(
            [InputIssue(self.filename, node.start_mark.line + 1, path_text(path), message)]
        )

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self._fail(node, path, f"too many values (over {MAX_NODES}; alias expansion?)")
        if len(path) > MAX_DEPTH:
            raise self._fail(node, path, f"nested deeper than {MAX_DEPTH} levels")
        self.lines.record(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self._fail(key_node, path, "a mapping key must be a plain value")
                # Keys are ids and field names: keep their text ('no', '08:00', 'P1').
                key = key_node.value
                if key in result:
                    raise self._fail(key_node, (*path, key), "duplicate key")
                self.lines.record((*path, key), key_node.start_mark.line + 1)
                result[key] = self.build(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)
