"""The independent plan checker (SPEC "dispatch check"): it re-checks a plan against
every rule of the SPEC and recomputes the objective from the scenario alone. Here live
what it reports (``findings``), what it is given and shares while running (``context``),
its own clocks and arithmetic (``clock``, ``arithmetic``), its own effort draws and
execution of a plan against them (``draws``, ``execution``; ``risks`` builds the plan's
jobs for it), the facts it judges by (``facts``, ``scenario_facts``,
``reschedule_block``), the rules by subject (``accounting``, ``assignments``, ``walk``,
``tier_caps``, ``unassigned``, ``reschedule_rules``, ``objective``) and ``driver``,
which runs them in their fixed order. It imports only ``models``, ``dispatcher.errors``,
the standard library and pydantic, and on purpose shares no code with the solver: time
zones, SLA clocks, shift arithmetic, travel, the effort draws and the execution that
gives every risk are all recomputed here with plain loops, so that a bug in the
solver's arithmetic cannot hide itself by being repeated in its own check.
"""

from dispatcher.checker.context import CheckInput
from dispatcher.checker.driver import check_plan
from dispatcher.checker.findings import CheckOutcome, CheckReport, RuleName, Violation

__all__ = ["CheckInput", "CheckOutcome", "CheckReport", "RuleName", "Violation", "check_plan"]
