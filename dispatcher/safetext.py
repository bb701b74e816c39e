"""Text from a scenario or a plan, made safe to show: the one sanitizing layer.

A scenario may come from a customer or a PSA export, so any text in it (an id, a name,
a summary, a file name) may hold terminal escape sequences (a window title, a hidden
hyperlink), other control characters, bidi overrides (U+202E shows text backwards) or
rich markup (``[/x]``, ``[link=...]``). Before such text reaches the terminal, a CSV
cell or an error message it goes through ``shown``: every character Python does not
call printable (C0 and C1 controls, DEL, bidi and other format characters, line and
paragraph separators, unassigned code points) is written as its escape (``\\x1b``,
``\\n``, ``\\u202e``), so it is seen, never obeyed. Rich markup is never parsed: views
hand text to rich as ``Text`` objects, and the terminal consoles have markup off.

``one_line`` also shortens a value for an error message, and ``error_line`` makes a whole
message one bounded line, so a value can never forge a second ``error:`` line.

Serves every layer, like ``dispatcher.errors``; imports only the standard library.
"""

from __future__ import annotations

import re

SHOWN_CHARS = 80  # a value quoted in an error message is cut to this many characters
MESSAGE_CHARS = 400  # and a whole message to this many
ELLIPSIS = "..."


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(character: str) -> str:
    named = _NAMED.get(character)
    if named is not None:
        return named
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def shown(text: str, keep_newlines: bool = False) -> str:
    """``text`` with every non-printable character written as its escape.

    '\\x1b]0;owned\\x07' -> '\\\\x1b]0;owned\\\\x07'; 'a\\u202eb' -> 'a\\\\u202eb'. The space
    stays; with ``keep_newlines`` so does '\\n' (text that is already laid out in lines).
    Idempotent: what it returns is all printable.
    """
    if text.isprintable():  # the fast path: almost every text
        return text
    return "".join(
        character
        if character.isprintable() or (keep_newlines and character == "\n")
        else _escape(character)
        for character in text
    )


def shortened(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` cut to ``limit`` characters, the cut marked with '...'."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(ELLIPSIS), 0)] + ELLIPSIS


def one_line(value: object, limit: int = SHOWN_CHARS) -> str:
    """A value as an error message quotes it: cut short, then escaped, on one line."""
    return shown(shortened(str(value), limit))


_LONG_QUOTE = re.compile("'([^']{" + str(SHOWN_CHARS + 1) + ",})'")


def error_line(message: str, limit: int = MESSAGE_CHARS) -> str:
    """A whole message on one bounded line: long quoted values ('...') cut to
    ``SHOWN_CHARS``, the message to ``limit``, every control character escaped."""
    message = _LONG_QUOTE.sub(lambda match: f"'{shortened(match[1])}'", message)
    return shown(shortened(message, limit))
