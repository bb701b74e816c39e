"""Graceful interruption (dispatcher.interrupt): a signal stops the search, the best plan stays.

The solves here are Golomb rulers of 13 marks: CP-SAT finds rulers at once but
cannot prove the shortest one in minutes, so a solve that returns early was
stopped, not finished. Signals are sent to this very process only inside
``graceful()``, where they are requests to stop; the last test sends SIGTERM to
a real ``dispatch plan`` and checks what it leaves behind.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from dispatcher import interrupt
from dispatcher.io.generator import generate_scenario

ROOT = Path(__file__).resolve().parent.parent
LONG = 20.0  # seconds a solve would run if nothing stopped it
PROMPT = 2.0  # seconds within which a stop must end it


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    """Each test starts, and leaves the process, with no stop requested."""
    interrupt.reset()
    yield
    interrupt.reset()


def golomb_ruler(marks: int = 13) -> cp_model.CpModel:
    """The shortest ruler with ``marks`` marks whose pairwise distances all differ."""
    model = cp_model.CpModel()
    position = [model.new_int_var(0, marks * marks, f"mark{i}") for i in range(marks)]
    model.add(position[0] == 0)
    for left, right in itertools.pairwise(position):
        model.add(left < right)
    distances = []
    for i in range(marks):
        for j in range(i + 1, marks):
            distance = model.new_int_var(1, marks * marks, f"d{i}_{j}")
            model.add(distance == position[j] - position[i])
            distances.append(distance)
    model.add_all_different(distances)
    model.minimize(position[-1])
    return model


def timed_solve(model: cp_model.CpModel) -> tuple[str, float]:
    """Solve inside ``interrupt.running``: (status name, seconds taken)."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = LONG
    solver.parameters.num_workers = 2
    started = time.monotonic()
    with interrupt.running(solver):
        status = solver.solve(model)
    return solver.status_name(status), time.monotonic() - started


def later(seconds: float, action: Callable[[], object]) -> threading.Timer:
    timer = threading.Timer(seconds, action)
    timer.start()
    return timer


def test_request_stop_ends_a_running_solve_with_its_best_solution() -> None:
    model = golomb_ruler()
    later(0.5, interrupt.request_stop)
    status, seconds = timed_solve(model)
    assert seconds < PROMPT
    assert status == "FEASIBLE"  # a ruler was found; the search was cut, not finished
    assert interrupt.stop_requested()
    assert interrupt.exit_code() == 128 + signal.SIGTERM


def test_a_solve_started_after_the_stop_gets_no_time() -> None:
    interrupt.request_stop(signal.SIGINT)
    status, seconds = timed_solve(golomb_ruler())
    assert seconds < 0.5
    assert status in ("UNKNOWN", "FEASIBLE")
    assert interrupt.exit_code() == 130


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_solve_the_main_thread_waits_in(signum: signal.Signals) -> None:
    """The main thread is inside CP-SAT's C++ solve, where Python runs no handler: the
    watcher thread stops the solver at once. SIGINT is not taken by CP-SAT itself (that
    would end this one solve and leave the command running)."""
    model = golomb_ruler()
    with interrupt.graceful():
        later(0.5, lambda: os.kill(os.getpid(), signum))
        status, seconds = timed_solve(model)
    assert seconds < PROMPT
    assert status == "FEASIBLE"
    assert interrupt.received() == signum
    assert interrupt.exit_code() == 128 + signum


def test_graceful_restores_the_handlers_it_replaced() -> None:
    before = {number: signal.getsignal(number) for number in interrupt.SIGNALS}
    wakeup = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(wakeup)
    with interrupt.graceful():
        assert all(signal.getsignal(number) != before[number] for number in interrupt.SIGNALS)
    assert {number: signal.getsignal(number) for number in interrupt.SIGNALS} == before
    assert signal.set_wakeup_fd(wakeup) == wakeup


def wait_for_stop() -> None:
    deadline = time.monotonic() + PROMPT
    while not interrupt.stop_requested() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_second_signal_stops_at_once() -> None:
    """The first SIGTERM asks for the best plan so far; a second one raises Interrupted
    (exit 143, nothing written)."""
    with pytest.raises(interrupt.Interrupted) as caught, interrupt.graceful():
        os.kill(os.getpid(), signal.SIGTERM)
        wait_for_stop()
        assert interrupt.received() == signal.SIGTERM
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(PROMPT)  # the handler raises here, between two bytecodes
    assert caught.value.exit_code == 143
    assert str(caught.value) == "SIGTERM"


def test_each_command_starts_unstopped() -> None:
    interrupt.request_stop()
    with interrupt.graceful():
        assert not interrupt.stop_requested()
    assert interrupt.exit_code() is None


def test_outside_the_main_thread_nothing_is_installed() -> None:
    seen: list[object] = []

    def in_a_thread() -> None:
        with interrupt.graceful():
            seen.append(signal.getsignal(signal.SIGTERM))

    before = signal.getsignal(signal.SIGTERM)
    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert seen == [before]


def test_a_process_exits_143_promptly_on_sigterm(tmp_path: Path) -> None:
    """The module in a process of its own: SIGTERM during a 20 s solve ends it in well
    under a second with the solver's best, and the exit code 143."""
    script = tmp_path / "solve.py"
    script.write_text(
        "import sys\n"
        "from ortools.sat.python import cp_model\n"
        "from dispatcher import interrupt\n"
        "from tests.test_interrupt import golomb_ruler\n"
        "solver = cp_model.CpSolver()\n"
        f"solver.parameters.max_time_in_seconds = {LONG}\n"
        "with interrupt.graceful(), interrupt.running(solver):\n"
        "    print('solving', flush=True)\n"
        "    status = solver.solve(golomb_ruler())\n"
        "print(solver.status_name(status), flush=True)\n"
        "sys.exit(interrupt.exit_code() or 0)\n",
        encoding="utf-8",
    )
    with subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        text=True,
    ) as process:
        assert process.stdout is not None
        assert process.stdout.readline() == "solving\n"
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        assert process.wait(timeout=LONG) == 143
        assert time.monotonic() - sent < PROMPT
        assert process.stdout.read() == "FEASIBLE\n"


# --- the command line ----------------------------------------------------------------------


def test_sigterm_during_dispatch_plan_leaves_a_complete_plan_or_none(tmp_path: Path) -> None:
    """50 engineers, 500 tickets, a 20 s limit; SIGTERM after 3 s. dispatch exits 143 within
    a few seconds, and the plan file is either absent or a whole plan that check accepts."""
    scenario = tmp_path / "day.yaml"
    scenario.write_text(generate_scenario(50, 500, days=2, seed=1), encoding="utf-8")
    plan = tmp_path / "plan.json"
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "dispatcher.cli"]
    with subprocess.Popen(
        [*command, "plan", str(scenario), "-o", str(plan), "--time-limit", "20", "--quiet"],
        stderr=subprocess.PIPE,
        env=environment,
        text=True,
    ) as process:
        time.sleep(3)
        process.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 143, stderr
    assert time.monotonic() - sent < 5
    assert [path.name for path in tmp_path.iterdir() if path.name != scenario.name] in (
        [],
        [plan.name],
    ), "no temporary file is left behind"
    if plan.exists():
        assert (
            stderr.strip()
            == f"interrupted by SIGTERM: the best plan found so far was written to {plan}"
        )
        data = json.loads(plan.read_text(encoding="utf-8"))
        listed = [entry["ticket"] for key in ("assignments", "unassigned") for entry in data[key]]
        assert len(listed) == len(set(listed)) == 500
        checked = subprocess.run(
            [*command, "check", str(scenario), str(plan)],
            capture_output=True,
            env=environment,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    else:
        assert "no plan written" in stderr
