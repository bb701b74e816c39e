"""Domain models of the dispatch optimizer: the scenario file and the plan file.

Plain pydantic data, no solver code: safe to import from any tool.
"""

from .durations import Duration, parse_duration
from .plan import (
    PLAN_FORMAT,
    Assignment,
    Completed,
    CrewMember,
    Kpis,
    Objective,
    Plan,
    ScenarioRef,
    SolverInfo,
    TierKpi,
    Unassigned,
)
from .scenario import (
    Calendar,
    Client,
    Effort,
    Engineer,
    Horizon,
    Policy,
    Scenario,
    Shift,
    Site,
    SlaPolicy,
    Target,
    Ticket,
    TicketList,
    Weights,
    Window,
)

__all__ = [
    "PLAN_FORMAT",
    "Assignment",
    "Calendar",
    "Client",
    "Completed",
    "CrewMember",
    "Duration",
    "Effort",
    "Engineer",
    "Horizon",
    "Kpis",
    "Objective",
    "Plan",
    "Policy",
    "Scenario",
    "ScenarioRef",
    "Shift",
    "Site",
    "SlaPolicy",
    "SolverInfo",
    "Target",
    "Ticket",
    "TicketList",
    "TierKpi",
    "Unassigned",
    "Weights",
    "Window",
    "parse_duration",
]
