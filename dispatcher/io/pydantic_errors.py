"""Pydantic's validation errors as file/line/field issues.

``parse_model`` validates plain data against a model; each pydantic error becomes an
``InputIssue`` naming the file, the line of the value (from the YAML line map) and the
field path, with a plain-words message and, for an unknown key, a 'did you mean'.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from dispatcher.errors import InputError, InputIssue
from dispatcher.io.yamlio import LineMap, path_text
from dispatcher.io.yamlio import Path as FieldPath
from models.durations import quoted


def parse_model(model: type[Any], data: dict[str, Any], lines: LineMap, filename: str) -> Any:
    """Validate shapes and types; translate pydantic errors into file/line/path issues."""
    require_known_keys(model, data, filename)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(pydantic_issues(exc, lines, filename, model)) from None


def require_known_keys(model: type[BaseModel], data: dict[str, Any], filename: str) -> None:
    """A mapping none of whose keys the model has is some other file (``/etc/shadow``,
    whose lines read as YAML keys): one error naming the keys it should have, instead of
    one 'unknown key' per line of the file, each echoing that line."""
    known = list(model.model_fields)
    if not data or any(key in known for key in data):
        return
    shown = ", ".join(known[:5]) + (", ..." if len(known) > 5 else "")
    raise InputError.single(
        filename, f"not a {_kind(model)} file: it has none of the keys of one ({shown})", 1
    )


def _kind(model: type[BaseModel]) -> str:
    """'scenario' for Scenario, 'ticket list' for TicketList."""
    words = re.findall(r"[A-Z][a-z]*", model.__name__)
    return " ".join(word.lower() for word in words) or model.__name__


def pydantic_issues(
    exc: ValidationError, lines: LineMap, filename: str, model: type[BaseModel] | None = None
) -> list[InputIssue]:
    """One issue per pydantic error; with the ``model``, unknown keys get a 'did you mean'."""
    issues = []
    for error in exc.errors(include_url=False):
        path: FieldPath = tuple(
            part
            for part in error["loc"]
            if isinstance(part, int) or not str(part).startswith(("[", "function-"))
        )
        message = _message(error)
        if error["type"] == "extra_forbidden" and model is not None and path:
            known = _field_names(model, path[:-1])
            close = difflib.get_close_matches(str(path[-1]), known, n=1, cutoff=0.7)
            if close:
                message += f" (did you mean '{close[0]}'?)"
        issues.append(InputIssue(filename, lines.line_of(path), path_text(path), message))
    return issues


def _message(error: Any) -> str:
    kind, message = error["type"], str(error["msg"])
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "is required"
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if kind not in ("value_error", "assertion_error") and "input" in error:
        given = error["input"]
        if isinstance(given, (str, int, float, bool)) or given is None:
            message += f" (got {quoted(given) if isinstance(given, str) else given})"
        elif isinstance(given, (dict, list)):
            message += f" (got a {'mapping' if isinstance(given, dict) else 'list'})"
    return message


def _field_names(model: type[BaseModel], path: FieldPath) -> list[str]:
    """The keys a model allows at ``path`` (a model inside lists and maps), else none."""
    current: Any = model
    for part in path:
        current = _unwrapped(current)
        origin, args = typing.get_origin(current), typing.get_args(current)
        if isinstance(part, int) and origin is list:
            current = args[0]
        elif origin is dict:
            current = args[1]
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return []
            current = field.annotation
        else:
            return []
    current = _unwrapped(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrapped(annotation: Any) -> Any:
    """X from Annotated[X, ...] and from X | None."""
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(options) == 1:
            annotation = options[0]
            continue
        return annotation
