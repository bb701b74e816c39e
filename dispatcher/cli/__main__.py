"""``python -m dispatcher.cli``: the ``dispatch`` command."""

from dispatcher.cli import run

run()
