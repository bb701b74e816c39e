"""Every option of every command says what it is for in ``--help``."""

from __future__ import annotations

import click
import pytest

from dispatcher.cli import main
from tests.cli.test_cli import run


def _commands() -> list[tuple[str, click.Command]]:
    return [("dispatch", main), *sorted(main.commands.items())]


@pytest.mark.parametrize(("name", "command"), _commands(), ids=lambda v: str(v))
def test_every_option_has_help_text(name: str, command: click.Command) -> None:
    missing = [
        "/".join(param.opts)
        for param in command.params
        if isinstance(param, click.Option) and not (param.help or "").strip()
    ]
    assert not missing, f"{name}: options without help text: {missing}"
    assert (command.help or "").strip(), f"{name} has no description"


def test_reschedule_help_explains_its_events() -> None:
    result = run("reschedule", "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for words in ("off from now", "finished at now", "needs until UNTIL"):
        assert words in text
