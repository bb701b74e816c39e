"""Graceful interruption: on SIGINT or SIGTERM the solve stops and the best plan so far is kept.

A command that solves wraps its work in ``graceful()``. The first signal asks
the whole process to stop: ``stop_requested()`` turns true, every CP-SAT
solver running inside ``running(solver)`` is told to ``stop_search()`` and
returns its best solution, and search loops (the LNS) check the flag between
iterations. The command then writes the best plan it has, as it would at its
time limit, and exits with ``exit_code()``: 128 + the signal's number, so 130
for SIGINT (Ctrl-C) and 143 for SIGTERM. A second signal does not wait: it
raises ``Interrupted`` at once, and since plan files are written atomically,
nothing is written.

Python runs signal handlers in the main thread only, and only between two
bytecodes: while the main thread waits inside CP-SAT's C++ ``solve()`` they
would wait too. So the C-level handler's wake-up byte (``signal.set_wakeup_fd``)
is read by a watcher thread, which stops the solvers at once.

Outside ``graceful()`` there is no best plan to keep: the ``dispatch`` command installs
``stop_at_once`` from its very first moment (``install_at_start``, run by
``dispatcher/__init__.py`` when the process is the command, before click, rich or the
library are imported), so a signal during the imports, the parsing or the loading exits
128 + the signal's number with one line on stderr, never a traceback. The temporary
file of an atomic write under way (``writing``) is removed first.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the solver is loaded only by the commands that solve
    from ortools.sat.python import cp_model

SIGNALS = (signal.SIGINT, signal.SIGTERM)
RESTOP_SECONDS = 0.05

_lock = threading.Lock()
_received: int | None = None  # the first signal, once one came
_solvers: set[cp_model.CpSolver] = set()
_at_once: int | None = None  # a second signal, once one stopped the command at once
_temporaries: set[str] = set()  # files of atomic writes under way


class Interrupted(KeyboardInterrupt):
    """A second signal: stop now, without writing anything."""

    def __init__(self, signum: int) -> None:
        global _at_once
        super().__init__(signal_name(signum))
        self.signum = signum
        _at_once = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def signal_name(signum: int) -> str:
    """'SIGTERM' for 15."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def stop_requested() -> bool:
    """True once a signal (or ``request_stop``) asked the process to stop."""
    return _received is not None


def received() -> int | None:
    """The number of the first signal received, if any."""
    return _received


def exit_code() -> int | None:
    """128 + the first signal's number (130 for SIGINT, 143 for SIGTERM), if one came."""
    return None if _received is None else 128 + _received


def request_stop(signum: int = signal.SIGTERM) -> None:
    """Ask every running solve to stop, as the signal ``signum`` does."""
    global _received
    with _lock:
        if _received is None:
            _received = signum
        solvers = list(_solvers)
    for solver in solvers:
        solver.stop_search()


def reset() -> None:
    """Forget a stop request (``graceful()`` does, as a command starts)."""
    global _received, _at_once
    with _lock:
        _received = None
        _at_once = None


def stopped_at_once() -> int | None:
    """The signal that raised ``Interrupted``, if one did: code that turns every exception
    into another (a serializer calling back into Python) cannot hide it this way."""
    return _at_once


@contextmanager
def writing(temporary: str) -> Iterator[None]:
    """An atomic write's temporary file: ``stop_at_once`` removes it before exiting."""
    _temporaries.add(temporary)
    try:
        yield
    finally:
        _temporaries.discard(temporary)


def stop_at_once(signum: int, frame: FrameType | None = None) -> None:
    """The handler outside ``graceful()``: remove the temporary file of a write under way,
    say so in one line, exit 128 + ``signum`` (130 for SIGINT, 143 for SIGTERM) at once."""
    for temporary in list(_temporaries):
        with suppress(OSError):
            os.unlink(temporary)
    message = f"interrupted by {signal_name(signum)}: stopped at once\n".encode()
    with suppress(OSError):
        os.write(2, message)
    os._exit(128 + signum)


def started_as_command(argv: list[str]) -> bool:
    """True when this process is the ``dispatch`` command (its console script, or
    ``python -m dispatcher.cli``, whose ``argv[0]`` is '-m' while its packages load)."""
    if not argv:
        return False
    name = os.path.basename(argv[0]).lower()
    return argv[0] == "-m" or name in ("dispatch", "dispatch.exe", "dispatch-script.py")


def install_at_start(signals: tuple[signal.Signals, ...] = SIGNALS) -> bool:
    """``stop_at_once`` for ``signals``, if this process is the command; True if installed."""
    if not started_as_command(getattr(sys, "argv", [])):
        return False
    if threading.current_thread() is not threading.main_thread():
        return False
    for number in signals:
        if signal.getsignal(number) is not signal.SIG_IGN:  # 'nohup' or a background job
            signal.signal(number, stop_at_once)
    return True


@contextmanager
def running(solver: cp_model.CpSolver) -> Iterator[None]:
    """Run ``solver.solve(...)`` inside this: a stop request then stops its search.

    If a stop was already requested, the solve gets no time: it returns at once.
    """
    # CP-SAT would otherwise take SIGINT for itself during the solve, and end only
    # that one solve instead of the whole command.
    solver.parameters.catch_sigint_signal = False
    with _lock:
        _solvers.add(solver)
        if _received is not None:
            solver.parameters.max_time_in_seconds = 0.0
    try:
        yield
    finally:
        with _lock:
            _solvers.discard(solver)


@contextmanager
def graceful(signals: tuple[signal.Signals, ...] = SIGNALS) -> Iterator[None]:
    """Turn ``signals`` into stop requests for the duration of the block.

    After the block, ``received()`` and ``exit_code()`` tell whether a signal came.
    Outside the main thread (where Python allows no signal handlers) it installs
    nothing. The previous handlers and wake-up descriptor are restored on exit.
    """
    reset()  # a new command starts unstopped; the state then lasts until the next one
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    reader, writer = os.pipe()
    os.set_blocking(writer, False)
    handled = 0

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal handled
        handled += 1
        if handled > 1:
            raise Interrupted(signum)
        request_stop(signum)  # the watcher has usually done it already

    previous = {number: signal.signal(number, on_signal) for number in signals}
    previous_fd = signal.set_wakeup_fd(writer, warn_on_full_buffer=False)
    watcher = threading.Thread(target=_watch, args=(reader,), name="dispatch-signals", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous_fd)
        for number, handler in previous.items():
            signal.signal(number, handler)
        os.write(writer, b"\0")  # 0 is no signal: it ends the watch
        watcher.join()
        os.close(reader)
        os.close(writer)


def _watch(reader: int) -> None:
    """Each byte read is the number of a signal that arrived; 0 ends the watch.

    Once a stop is requested, running solvers are told again every few hundredths of
    a second: ``stop_search()`` reaches only a search that has begun, and one may have
    been starting when the signal came.
    """
    while True:
        ready, _, _ = select.select([reader], [], [], RESTOP_SECONDS if stop_requested() else None)
        if not ready:
            with _lock:
                solvers = list(_solvers)
            for solver in solvers:
                solver.stop_search()
            continue
        for number in os.read(reader, 64):
            if number == 0:
                return
            request_stop(number)
