"""Engineer dispatch optimizer for IT managed-service providers.

The packages are layers, and imports run one way, down this list:

- ``models`` (beside this package): pydantic data of the scenario and plan files.
- ``dispatcher.semantics``: the SPEC's meaning as pure functions (time, SLA clocks,
  shifts, travel, risk, the travel walk, the exact objective). No I/O, no ortools.
- ``dispatcher.io``: reading scenarios and plans, writing plan files, plan history,
  the JSON Schema, the scenario generator. No ortools.
- ``dispatcher.solver``: construction, the CP-SAT model, neighbourhood search, bound,
  unassigned reasons, plan assembly, the daily solve and ``solver.reschedule``.
- ``dispatcher.checker``: the independent plan checker. It imports only ``models``,
  ``dispatcher.errors`` and the standard library / pydantic, never the layers above.
- ``dispatcher.views``: what people read (terminal reports, board, exports,
  explanations). Never imports ortools.
- ``dispatcher.psa``: from a PSA (ConnectWise, Autotask, HaloPSA) and back: saved API
  responses and a mapping file to a scenario, a plan to the PSA's requests. Beside
  ``views``: it reads through ``io`` and ``semantics``, never the solver or ortools.
- ``dispatcher.cli``: the ``dispatch`` command line: parses, calls, prints.

``dispatcher.errors`` (the one bad-input error), ``dispatcher.safetext`` (hostile text
made visible) and ``dispatcher.interrupt`` (signals) serve every layer. The Python API
for tools that embed the solver is re-exported here
(``from dispatcher import solve_scenario``) and lives in ``dispatcher.api``; it is
imported on first use, so that importing a lower layer never loads the solver.
"""

from __future__ import annotations

# The ``dispatch`` command gets its signal handler at its first moment, before anything
# heavy is imported, so Ctrl-C never shows a traceback; as a library, nothing is installed.
from dispatcher.interrupt import install_at_start

install_at_start()

import importlib  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

if TYPE_CHECKING:
    from dispatcher.api import (
        check,
        impact_of,
        import_from_psa,
        load_scenario,
        load_scenario_text,
        plot_simulation,
        psa_requests,
        reschedule_plan,
        simulate,
        solve_scenario,
    )

__all__ = [
    "check",
    "impact_of",
    "import_from_psa",
    "load_scenario",
    "load_scenario_text",
    "plot_simulation",
    "psa_requests",
    "reschedule_plan",
    "simulate",
    "solve_scenario",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("dispatcher.api"), name)
    raise AttributeError(f"module 'dispatcher' has no attribute {name!r}")
