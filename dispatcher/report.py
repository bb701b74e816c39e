"""Terminal summaries of a plan (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from models import Plan

from .problem import Problem


def print_summary(console: Console, problem: Problem, plan: Plan) -> None:
    """Status, objective parts, per-tier KPIs and the unassigned tickets."""
    solver, objective = plan.solver, plan.objective
    bound = "none" if solver.bound is None else f"{solver.bound:.4f}"
    console.print(
        f"[bold]{plan.scenario.name}[/bold]: {solver.status} in {solver.time_s:.1f}s, "
        f"objective {objective.total:.4f} (bound {bound})"
    )
    names = ("sla_risk", "lateness", "deferral", "travel", "preference", "disruption")
    parts = Table(*names)
    parts.add_row(*(f"{getattr(objective, name):.3f}" for name in names))
    console.print(parts)
    tiers = Table("tier", "tickets", "assigned", "expected breaches")
    for tier, kpi in plan.kpis.by_tier.items():
        tiers.add_row(tier, str(kpi.tickets), str(kpi.assigned), f"{kpi.expected_breaches:.2f}")
    console.print(tiers)
    console.print(f"travel: {plan.kpis.travel_minutes} min")
    if plan.unassigned:
        table = Table("unassigned", "reason", "detail")
        for item in plan.unassigned:
            table.add_row(item.ticket, item.reason, item.detail)
        console.print(table)
