"""Terminal reports of a reschedule (what changed) and of an impact (what a job costs)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from dispatcher.solver.reschedule.results import Impact, RescheduleResult, TierCost
from dispatcher.views.terminal import add_row, plain
from dispatcher.views.timefmt import weekday_time


def _tier_table(
    title: str,
    before: dict[str, TierCost],
    after: dict[str, TierCost],
    labels: tuple[str, str] = ("before", "after"),
) -> Table:
    table = Table(
        "tier",
        f"objective {labels[0]}",
        labels[1],
        "change",
        f"expected breaches {labels[0]}",
        labels[1],
        title=title,
        title_justify="left",
    )
    for tier in sorted(set(before) | set(after)):
        a, b = before.get(tier, TierCost()), after.get(tier, TierCost())
        add_row(
            table,
            tier,
            f"{a.objective:.3f}",
            f"{b.objective:.3f}",
            f"{b.objective - a.objective:+.3f}",
            f"{a.expected_breaches:.2f}",
            f"{b.expected_breaches:.2f}",
        )
    return table


def print_changes(console: Console, result: RescheduleResult) -> None:
    """Kept, moved, reassigned, newly (un)assigned; the objective before and after by tier."""
    changes, plan = result.changes, result.plan
    block = plan.reschedule or {}
    console.print(
        Text.assemble(
            plain(plan.scenario.name, "bold"),
            plain(
                f": rescheduled from {block.get('now')} "
                f"({plan.solver.status}, {plan.solver.time_s:.1f}s)"
            ),
        )
    )
    if changes.rebase is not None:
        _print_rebase(console, result)
    console.print(
        f"kept {len(changes.kept)}, moved {len(changes.moved)}, "
        f"reassigned {len(changes.reassigned)}, newly assigned {len(changes.newly_assigned)}, "
        f"newly unassigned {len(changes.newly_unassigned)}, "
        f"completed {len(changes.completed)}"
    )
    if changes.moved:
        table = Table("moved", "engineer", "old start", "new start")
        for ticket, engineer, old, new in changes.moved:
            add_row(table, ticket, engineer, weekday_time(old), weekday_time(new))
        console.print(table)
    if changes.reassigned:
        table = Table("reassigned", "old engineer", "new engineer")
        for ticket, old_engineer, new_engineer in changes.reassigned:
            add_row(table, ticket, old_engineer, new_engineer)
        console.print(table)
    if changes.newly_assigned:
        table = Table("newly assigned", "engineer", "start")
        for ticket, engineer, start in changes.newly_assigned:
            add_row(table, ticket, engineer, weekday_time(start))
        console.print(table)
    if changes.newly_unassigned:
        reasons = {entry.ticket: entry for entry in plan.unassigned}
        table = Table("newly unassigned", "was with", "reason")
        for ticket, engineer in changes.newly_unassigned:
            entry = reasons.get(ticket)
            add_row(table, ticket, engineer, f"{entry.reason}: {entry.detail}" if entry else "")
        console.print(table)
    console.print(_tier_table("objective by tier", changes.before, changes.after))
    objective = plan.objective
    console.print(
        f"objective {objective.total:.4f} (disruption {objective.disruption:.3f}: "
        f"{block.get('reassigned', 0)} reassigned or dropped, "
        f"{block.get('moved', 0)} moved past the tolerance)"
    )


CLOSED = {
    "completed": "completed (its work had ended)",
    "cut_at_now": "running: ends at now",
    "dropped": "leaves the plan",
}


def _print_rebase(console: Console, result: RescheduleResult) -> None:
    """What came from the new export (closed, new, changed tickets; engineers gone and
    new), before what the optimizer changed."""
    record = result.changes.rebase
    assert record is not None
    console.print(
        plain(
            f"from the export (base scenario {record.base_scenario.get('name', '')}): "
            f"closed {len(record.closed)}, new {len(record.new)}, changed {len(record.changed)}, "
            f"engineers gone {len(record.engineers_gone)}, new {len(record.engineers_new)}"
        )
    )
    if record.closed:
        table = Table("closed in the PSA", "was", "became", "with", "in the plan")
        for closed in record.closed:
            who = "+".join([closed.engineer or "", *closed.crew]) if closed.engineer else ""
            kept = "yes" if closed.in_plan else (closed.note or "no")
            add_row(table, closed.ticket, closed.was, CLOSED[closed.became], who, kept)
        console.print(table)
    if record.new:
        console.print(plain("new in the export: " + ", ".join(record.new)))
    if record.changed:
        table = Table("changed in the export", "fields", "running at now")
        for changed in record.changed:
            running = "yes: keeps its engineer, start and end" if changed.running else ""
            add_row(table, changed.ticket, ", ".join(changed.fields), running)
        console.print(table)
    for gone in record.engineers_gone:
        parts = [f"engineer {gone.engineer} left the export: unavailable from now"]
        if gone.replanned:
            parts.append("re-planned " + ", ".join(gone.replanned))
        if gone.reopened:
            parts.append("reopened " + ", ".join(gone.reopened))
        console.print(plain("; ".join(parts)))
    if record.engineers_new:
        console.print(plain("engineers new in the export: " + ", ".join(record.engineers_new)))
    console.print(plain("by the optimizer:"))


def print_impact(console: Console, result: Impact) -> None:
    """The job's engineer, the change per tier, and the tickets it pushes towards breach;
    for a job that cannot be taken, why, what would make it fit, and what leaving it
    unassigned costs (never a price of taking it)."""
    names = ", ".join(result.tickets)
    refusal = result.refusal()
    if refusal is not None:
        _print_refusal(console, result, names, refusal)
        return
    assert result.start is not None
    job = next(a for a in result.with_job.plan.assignments if a.ticket == result.tickets[0])
    who = " and ".join([result.engineer or "", *(m.engineer for m in job.crew or [])])
    console.print(
        Text.assemble(
            plain(names, "bold"),
            plain(f" would go to {who}, {weekday_time(result.start)} to {weekday_time(job.end)}"),
        )
    )
    _print_costs(console, result, "what taking it costs, by tier", ("without", "with"))
    _print_crew_or_solo(console, result)
    dropped = result.dropped()
    if dropped:
        tickets = {t.id: t for t in result.with_job.problem.tickets}
        console.print(
            plain(
                "taking it leaves unassigned: "
                + ", ".join(
                    f"{name} ({tickets[name].tier} {tickets[name].priority})" for name in dropped
                )
            )
        )
    if result.pushed:
        table = Table("pushed towards breach", "breach risk without", "with")
        for ticket, before, after in result.pushed:
            add_row(table, ticket, f"{before:.2f}", f"{after:.2f}")
        console.print(table)
    else:
        placed = " of those still placed" if dropped else ""
        console.print(f"no managed ticket{placed} has its breach risk rise by 0.1 or more")


def _print_refusal(console: Console, result: Impact, names: str, refusal: dict[str, str]) -> None:
    """A job nobody can take: the reason in plain words, what would make it fit, and the
    cost of the job left unassigned (its own SLA risk and deferral, nothing taken)."""
    detail = f": {refusal['detail']}" if refusal["detail"] else ""
    console.print(
        Text.assemble(plain(names, "bold"), plain(f" cannot be taken: {refusal['reason']}{detail}"))
    )
    if refusal["would_fit"]:
        console.print(plain(f"it would fit with {refusal['would_fit']}"))
    _print_crew_or_solo(console, result)
    _print_costs(
        console,
        result,
        "what it costs left unassigned, by tier (nobody takes it)",
        ("without it", "left unassigned"),
        " with it left unassigned",
    )


def _print_costs(
    console: Console, result: Impact, title: str, columns: tuple[str, str], said: str = ""
) -> None:
    """The change per tier from the plan without the job to the plan with it, then the
    objective before and after (``said`` after it)."""
    before, after = result.without.plan.objective.total, result.with_job.plan.objective.total
    console.print(
        _tier_table(title, result.without.changes.after, result.with_job.changes.after, columns)
    )
    console.print(f"objective {before:.4f} -> {after:.4f} ({after - before:+.4f}){said}")


def _print_crew_or_solo(console: Console, result: Impact) -> None:
    """For a crew job with ``effort_solo``: sending the crew against one engineer alone."""
    compared = result.crew_or_solo()
    if compared is None:
        return
    crew, alone = compared["crew"], compared["solo"]

    def said(side: dict[str, object], label: str) -> str:
        if not side["assigned"]:
            return f"{label}: cannot be placed, objective {side['objective']:.4f}"
        engineers = side["engineers"]
        assert isinstance(engineers, list)
        return (
            f"{label} ({' and '.join(engineers)}): objective {side['objective']:.4f}, "
            f"managed breaches {side['managed_expected_breaches']:.2f}"
        )

    size = compared["crew_size"]
    cheaper = "the crew" if compared["cheaper"] == "crew" else "one alone"
    console.print(
        plain(
            f"sending {size} engineers or one: {said(crew, 'the crew')}; "
            f"{said(alone, 'one alone')} -> {cheaper} costs less"
        )
    )
