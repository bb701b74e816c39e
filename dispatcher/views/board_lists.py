"""The dispatch board's words (``dispatcher.views.board``): the plain-language header,
the unassigned queue (what no engineer can take marked as needing a person), the
tickets at risk split into "still savable" and "already breached", the absences a
reschedule recorded, and the solver's numbers in a details element. Every scenario
text goes through ``escape``.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape as html_escape

from dispatcher.io.history import PlanClock, PlanReader
from dispatcher.safetext import shown
from dispatcher.views.planview import AT_RISK, JobView, OpenTicket, PlanView
from dispatcher.views.progress import gap_text


def escape(text: str) -> str:
    """Text for the page: HTML-escaped, and its control and bidi characters written as
    escapes (``dispatcher.safetext``), as on the terminal; line breaks stay."""
    return html_escape(shown(text, keep_newlines=True))


def strong(priority: str) -> bool:
    """P1 and P2 get the stronger style."""
    return priority.strip().upper() in ("P1", "P2")


def priority_class(priority: str) -> str:
    return f" {priority.strip().lower()}" if strong(priority) else ""


@dataclass(frozen=True)
class Missed:
    """What an at-risk ticket has already missed by the plan's start (or its ``now``)."""

    response: bool
    resolution: bool
    savable_risk: float  # the risk of the dues still ahead

    @property
    def breached(self) -> bool:
        """Already breached: a due is past and what is still ahead is not at risk."""
        return (self.response or self.resolution) and self.savable_risk <= AT_RISK


def missed(view: PlanView, item: JobView | OpenTicket) -> Missed:
    reference = view.now if view.now is not None else 0
    ticket = item.ticket
    response = not ticket.responded and ticket.response_due <= reference
    resolution = ticket.resolution_due <= reference
    ahead = (0.0 if response else item.response_risk) + (
        0.0 if resolution else item.resolution_risk
    )
    return Missed(response, resolution, ahead)


def missed_text(view: PlanView, item: JobView | OpenTicket) -> str:
    """'response was due Mon 07:30; resolution was due Mon 07:45' ('' when nothing is)."""
    state, ticket = missed(view, item), item.ticket
    parts = []
    if state.response:
        parts.append(f"response was due {view.clock(ticket.response_due)}")
    if state.resolution:
        parts.append(f"resolution was due {view.clock(ticket.resolution_due)}")
    return "; ".join(parts)


# Unassigned reasons that no re-plan can change: no engineer of the scenario can take
# the ticket (the skills, the window, the shift time are not there). Only a person can
# save it (another engineer, a new window, more hours); "deferred" is the plan's choice.
NEEDS_A_PERSON = frozenset({"no_eligible_engineer", "window_unreachable", "no_capacity"})


def needs_a_person(item: JobView | OpenTicket) -> bool:
    """An unassigned ticket that no engineer of the scenario can take."""
    return isinstance(item, OpenTicket) and item.reason in NEEDS_A_PERSON


def split_at_risk(view: PlanView) -> tuple[list[JobView | OpenTicket], list[JobView | OpenTicket]]:
    """(still savable, already breached), each weightiest first as ``PlanView.at_risk``.
    A ticket at risk that no engineer can take is in neither list unless already
    breached: it is not savable by the plan; the queue lists it as needing a person."""
    savable: list[JobView | OpenTicket] = []
    breached: list[JobView | OpenTicket] = []
    for item in view.at_risk():
        if missed(view, item).breached:
            breached.append(item)
        elif not needs_a_person(item):
            savable.append(item)
    return savable, breached


# --- absences ------------------------------------------------------------------------------


def absences(view: PlanView) -> dict[str, list[tuple[int, int]]]:
    """Engineer id -> the [from, to) periods a reschedule made them unavailable (every
    round of the plan's ``reschedule`` block), clipped to the horizon."""
    if not view.plan.reschedule:
        return {}
    clock = PlanClock(view.problem)
    found: dict[str, list[tuple[int, int]]] = {}
    for round_ in PlanReader(view.problem, view.plan, "plan").history_rounds():
        then = clock.plan(round_.get("now")) or 0
        for event in round_.get("events") or []:
            if not isinstance(event, dict) or event.get("type") != "unavailable":
                continue
            engineer = event.get("engineer")
            if not isinstance(engineer, str):
                continue
            low, high = clock.plan(event.get("from")), clock.plan(event.get("to"))
            low = then if low is None else max(low, then)
            high = view.problem.horizon_end if high is None else high
            low, high = max(0, low), min(view.problem.horizon_end, high)
            if low < high:
                found.setdefault(engineer, []).append((low, high))
    return found


# --- the header -------------------------------------------------------------------------


def header(view: PlanView) -> str:
    """The day in words: per tier the expected breaches and the tickets planned, what is at
    risk, what is unassigned, what the reschedule changed; the solver's numbers folded."""
    plan, problem = view.plan, view.problem
    horizon = f"{view.clock(0)} - {view.clock(problem.horizon_end)} ({problem.scenario.timezone})"
    lines = []
    for tier, kpi in plan.kpis.by_tier.items():
        breaches = f"{kpi.expected_breaches:.1f} expected SLA breaches"
        lines.append(
            f'<li><span class="tier">{escape(tier)}</span>: {escape(breaches)}, '
            f"{kpi.assigned} of {kpi.tickets} tickets planned</li>"
        )
    savable, breached = split_at_risk(view)
    risk_line = (
        f"{len(savable)} at risk and still savable, {len(breached)} already breached"
        if savable or breached
        else "no ticket at risk"
    )
    unassigned = len(view.unassigned)
    stuck = sum(needs_a_person(item) for item in view.unassigned)
    unassigned_line = f"{unassigned} unassigned" + (
        f" ({stuck} {'needs' if stuck == 1 else 'need'} a person: no engineer can take "
        f"{'it' if stuck == 1 else 'them'})"
        if stuck
        else ""
    )
    lines.append(
        f'<li><span class="{"bad" if savable else ""}">{escape(risk_line)}</span> · '
        f'<span class="{"bad" if unassigned else ""}">{escape(unassigned_line)}</span> · '
        f"{plan.kpis.travel_minutes} min travel in total</li>"
    )
    changes = reschedule_text(view)
    if changes:
        lines.append(f"<li>{escape(changes)}</li>")
    return (
        f"<h1>{escape(plan.scenario.name)}</h1>"
        f'<p class="sub">{escape(horizon)}</p>'
        f'<ul class="plain">{"".join(lines)}</ul>' + solver_details(view)
    )


def reschedule_text(view: PlanView) -> str:
    """'Re-planned at Mon 10:40: bob unavailable Mon 10:40-17:00; T-9 done; ...' ('' for a
    plan that is not a reschedule)."""
    block = view.plan.reschedule
    if not block or view.now is None:
        return ""
    clock = PlanClock(view.problem)
    said = []
    for event in block.get("events") or []:
        if not isinstance(event, dict):
            continue
        kind = event.get("type")
        if kind == "add":
            said.append("added " + ", ".join(str(t) for t in event.get("tickets") or []))
        elif kind == "done":
            said.append(f"{event.get('ticket')} done")
        elif kind == "overrun":
            until = clock.plan(event.get("until"))
            said.append(
                f"{event.get('ticket')} runs over"
                + ("" if until is None else f" until {view.clock(until)}")
            )
        elif kind == "unavailable":
            low, high = clock.plan(event.get("from")), clock.plan(event.get("to"))
            low = view.now if low is None else low
            high = view.problem.horizon_end if high is None else high
            cut = [str(c.get("ticket")) for c in event.get("cut") or [] if isinstance(c, dict)]
            said.append(
                f"{event.get('engineer')} unavailable {view.period(low, high)}"
                + (f" (cut: {', '.join(cut)})" if cut else "")
            )
    text = f"Re-planned at {view.clock(view.now)}"
    return text + (": " + "; ".join(said) if said else "")


def solver_details(view: PlanView) -> str:
    plan = view.plan
    solver = plan.solver
    bound = (
        "no proven bound"
        if solver.bound is None
        else f"bound {solver.bound:.4f} (gap {gap_text(plan.objective.total, solver.bound)})"
    )
    line = (
        f"{solver.status} in {solver.time_s:.1f}s · objective {plan.objective.total:.4f} "
        f"(lower is better) · {bound}"
    )
    objective = plan.objective
    names = ["total", "sla_risk", "lateness", "deferral", "travel", "preference", "disruption"]
    table = table_html(names, [[f"{getattr(objective, name):.4f}" for name in names]])
    return (
        f'<details class="solver"><summary>Solver details</summary><p>{escape(line)}</p>'
        f"{table}</details>"
    )


def table_html(header_cells: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header_cells)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# --- the side: queue and at-risk lists --------------------------------------------------


def side(view: PlanView, tiers: list[str]) -> str:
    savable, breached = split_at_risk(view)
    queue = [_queue_item(view, tiers, item) for item in _queue_order(view)]
    return (
        _section(
            "queue",
            f"Unassigned queue ({len(view.unassigned)})",
            queue,
            "Every ticket is assigned.",
        )
        + _section(
            "savable",
            f"At risk, still savable ({len(savable)})",
            [_risk_item(view, tiers, item) for item in savable],
            "No ticket at risk can still be saved.",
        )
        + _section(
            "breached",
            f"Already breached ({len(breached)})",
            [_risk_item(view, tiers, item) for item in breached],
            "No ticket is past due.",
        )
    )


def _queue_order(view: PlanView) -> list[OpenTicket]:
    """Weightiest first, then the riskiest."""
    return sorted(view.unassigned, key=lambda i: (-i.ticket.weight, -i.risk, i.ticket.id))


def _section(key: str, title: str, items: list[str], empty: str) -> str:
    content = (
        f'<ul class="queue" aria-label="{escape(title)}">{"".join(items)}</ul>'
        if items
        else f'<p class="none">{escape(empty)}</p>'
    )
    return (
        f'<section id="{key}" aria-label="{escape(title)}">'
        f"<h2>{escape(title)}</h2>{content}</section>"
    )


def _item_attributes(tiers: list[str], item: JobView | OpenTicket) -> str:
    ticket = item.ticket
    tier = tiers.index(ticket.tier) if ticket.tier in tiers else 0
    return (
        f'class="qitem tier-{tier}{priority_class(ticket.priority)}" '
        f'data-ticket="{escape(ticket.id)}" data-tier="{escape(ticket.tier)}" '
        f'data-priority="{escape(ticket.priority)}" data-risk="{item.risk:.4f}"'
    )


def _queue_item(view: PlanView, tiers: list[str], item: OpenTicket) -> str:
    ticket = item.ticket
    past = missed_text(view, item)
    due = (
        "responded" if ticket.responded else f"response due {view.clock(ticket.response_due)}"
    ) + f" · resolution due {view.clock(ticket.resolution_due)}"
    label = f"{ticket.id}, priority {ticket.priority}, {ticket.tier}, unassigned: {item.reason}" + (
        f", {item.detail}" if item.detail else ""
    )
    if needs_a_person(item):
        label += ", no engineer can take it: it needs a person"
    return (
        f'<li {_item_attributes(tiers, item)} aria-label="{escape(label)}">'
        f'<div class="head"><span class="prio">{escape(ticket.priority)}</span>'
        f"{escape(ticket.id)} · {escape(ticket.tier)} · {escape(view.client_name(ticket))}"
        + (' <span class="tag">needs a person</span>' if needs_a_person(item) else "")
        + (' <span class="tag">already breached</span>' if past else "")
        + "</div>"
        f'<div class="summary">{escape(view.summary(ticket))}</div>'
        f'<div class="why">{escape(item.reason)}</div>'
        + (f'<div class="detail">{escape(item.detail)}</div>' if item.detail else "")
        + f'<div class="meta">{escape(due)} · risk {item.risk:.2f}</div></li>'
    )


def _risk_item(view: PlanView, tiers: list[str], item: JobView | OpenTicket) -> str:
    ticket = item.ticket
    if isinstance(item, JobView):
        who = " + ".join(e.id for e in item.members)
        where = f"{who}, {view.period(item.start, item.end)}"
        goto = f' data-goto="{escape(ticket.id)}" tabindex="0" role="button"'
    else:
        where, goto = "unassigned", ""
    past = missed_text(view, item)
    due = (
        "responded" if ticket.responded else f"response due {view.clock(ticket.response_due)}"
    ) + f" · resolution due {view.clock(ticket.resolution_due)}"
    risk = f"risk {item.response_risk:.2f} + {item.resolution_risk:.2f}"
    label = f"{ticket.id}, priority {ticket.priority}, {ticket.tier}, {where}, {risk}" + (
        f", {past}" if past else ""
    )
    return (
        f'<li {_item_attributes(tiers, item)}{goto} aria-label="{escape(label)}">'
        f'<div class="head"><span class="prio">{escape(ticket.priority)}</span>'
        f"{escape(ticket.id)} · {escape(ticket.tier)} · {escape(view.client_name(ticket))}</div>"
        f'<div class="why">{escape(where)}</div>'
        f'<div class="meta">{escape(due)} · {escape(risk)}</div>'
        + (f'<div class="detail">{escape(past)}</div>' if past else "")
        + "</li>"
    )
