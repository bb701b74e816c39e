"""The dispatch board: one self-contained HTML file (inline CSS and JS, no network).

A Gantt-style timeline with one lane per engineer: shifts shaded, jobs
coloured by tier, at-risk jobs marked, travel as a thin bar before on-site
jobs, details on hover; then the KPIs, the tickets at risk and the unassigned
tickets with their reasons. Nights are left out of the time axis: each day
shows from its first shift start to its last shift end, so the working hours
get the width. Every number is the plan file's, or computed from its times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape as html_escape
from itertools import pairwise

from dispatcher.safetext import shown
from dispatcher.semantics.problem import EngineerData, Problem
from dispatcher.views.planview import AT_RISK, JobView, OpenTicket, PlanView
from dispatcher.views.progress import gap_text
from dispatcher.views.timefmt import day_label
from models import Plan


def escape(text: str) -> str:
    """Text for the page: HTML-escaped, and its control and bidi characters written as
    escapes (``dispatcher.safetext``), as on the terminal; line breaks stay."""
    return html_escape(shown(text, keep_newlines=True))


NIGHT_GAP = 40  # axis minutes drawn between two days
MIN_LABEL_WIDTH = 2.0  # % of the axis: narrower job pieces carry no label (hover shows it)
CREW_MARK = "\u26d3"  # a chain: the job is linked across its members' lanes
TIER_COLOURS = ("#2563eb", "#d97706", "#0d9488", "#7c3aed", "#db2777", "#4b5563")


@dataclass(frozen=True)
class _Axis:
    """Piecewise-linear time axis over the working part of each day."""

    days: list[tuple[int, int]]  # [start, end) in minutes since the horizon start

    @property
    def width(self) -> int:
        return sum(end - start for start, end in self.days) + NIGHT_GAP * (len(self.days) - 1)

    def pieces(self, start: int, end: int) -> list[tuple[float, float]]:
        """(left %, width %) of the parts of [start, end) that fall inside the days."""
        result = []
        offset = 0
        for day_start, day_end in self.days:
            low, high = max(start, day_start), min(end, day_end)
            if low < high:
                result.append(
                    (
                        100 * (offset + low - day_start) / self.width,
                        100 * (high - low) / self.width,
                    )
                )
            offset += day_end - day_start + NIGHT_GAP
        return result


def render_board(problem: Problem, plan: Plan, engineer: str | None = None) -> str:
    """The board as one HTML document; with ``engineer``, only that engineer's lane."""
    view = PlanView(problem, plan)
    engineers = view.problem.engineers if engineer is None else [view.engineer(engineer)]
    axis = _axis(view)
    tiers = _tier_colours(view)
    title = f"Dispatch board - {plan.scenario.name}"
    return _PAGE.format(
        title=escape(title),
        style=_STYLE,
        tier_style="".join(
            f".tier-{index}{{--tier:{colour}}}" for index, colour in enumerate(tiers.values())
        ),
        header=_header(view),
        kpis=_kpis(view),
        legend=_legend(tiers),
        axis=_axis_html(view, axis),
        lanes="".join(_lane(view, axis, tiers, person) for person in engineers),
        lists=_risk_list(view) + _unassigned_list(view) + _objective_list(view),
        script=_SCRIPT,
    )


def _axis(view: PlanView) -> _Axis:
    """Each local day with shifts, from its first shift start to its last shift end."""
    by_day: dict[dt.date, tuple[int, int]] = {}
    for engineer in view.problem.engineers:
        for start, end in engineer.calendar.shifts:
            day = view.local(start).date()
            low, high = by_day.get(day, (start, end))
            by_day[day] = (min(low, start), max(high, end))
    days = [_whole_hours(view, low, high) for _, (low, high) in sorted(by_day.items())]
    return _Axis(days or [(0, view.problem.horizon_end)])


def _whole_hours(view: PlanView, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole local hours, inside the horizon."""
    start -= view.local(start).minute
    late = view.local(end).minute
    end += (60 - late) % 60
    return max(0, start), min(view.problem.horizon_end, end)


def _tier_colours(view: PlanView) -> dict[str, str]:
    """A colour per tier, weightiest tier first."""
    weights = view.problem.weights.tiers
    tiers = sorted({t.tier for t in view.problem.tickets}, key=lambda t: (-weights.get(t, 0), t))
    return {tier: TIER_COLOURS[i % len(TIER_COLOURS)] for i, tier in enumerate(tiers)}


def _header(view: PlanView) -> str:
    plan, problem = view.plan, view.problem
    solver = plan.solver
    bound = (
        "no proven bound"
        if solver.bound is None
        else f"bound {solver.bound:.4f} (gap {gap_text(plan.objective.total, solver.bound)})"
    )
    horizon = f"{view.clock(0)} - {view.clock(problem.horizon_end)} ({problem.scenario.timezone})"
    rescheduled = "" if view.now is None else f" · re-planned at {view.clock(view.now)}"
    return (
        f"<h1>{escape(plan.scenario.name)}</h1>"
        f'<p class="sub">{escape(horizon)} · {escape(solver.status)} in {solver.time_s:.1f}s · '
        f"objective {plan.objective.total:.4f} · {escape(bound)}{escape(rescheduled)}</p>"
    )


def _card(label: str, value: str, note: str, *, warn: bool = False) -> str:
    return (
        f'<div class="card{" warn" if warn else ""}"><div class="label">{escape(label)}</div>'
        f'<div class="value">{escape(value)}</div><div class="note">{escape(note)}</div></div>'
    )


def _kpis(view: PlanView) -> str:
    cards = [
        _card(
            f"{tier} tickets",
            f"{kpi.assigned} / {kpi.tickets}",
            f"assigned; {kpi.expected_breaches:.2f} expected breaches",
        )
        for tier, kpi in view.plan.kpis.by_tier.items()
    ]
    risky = view.at_risk()
    cards.append(_card("at risk", str(len(risky)), f"risk > {AT_RISK}", warn=bool(risky)))
    unassigned = len(view.unassigned)
    cards.append(_card("unassigned", str(unassigned), "see the list below", warn=unassigned > 0))
    cards.append(_card("travel", f"{view.plan.kpis.travel_minutes} min", "in total"))
    cards.append(_card("objective", f"{view.plan.objective.total:.4f}", "lower is better"))
    return "".join(cards)


def _legend(tiers: dict[str, str]) -> str:
    items = [
        f'<span class="key"><i class="swatch tier-{index}"></i>{escape(tier)}</span>'
        for index, tier in enumerate(tiers)
    ]
    items += [
        f'<span class="key"><i class="swatch risky"></i>at risk (risk &gt; {AT_RISK})</span>',
        '<span class="key"><i class="swatch onsite"></i>on site</span>',
        '<span class="key"><i class="swatch done"></i>completed</span>',
        '<span class="key"><i class="swatch shift"></i>shift</span>',
        '<span class="key"><i class="swatch travel"></i>travel</span>',
        f'<span class="key"><i class="swatch crew"></i>{CREW_MARK}+n crew job, shown in every '
        "member's lane</span>",
    ]
    return "".join(items)


def _axis_html(view: PlanView, axis: _Axis) -> str:
    parts = []
    for start, end in axis.days:
        for left, width in axis.pieces(start, end):
            day = day_label(view.local(start))
            parts.append(
                f'<div class="day" style="left:{left:.3f}%;width:{width:.3f}%">{escape(day)}</div>'
            )
        for hour in range(start, end + 1, 60):
            left = _position(axis, hour)
            parts.append(f'<div class="hour" style="left:{left:.3f}%">{view.local(hour):%H}</div>')
    return "".join(parts)


def _position(axis: _Axis, minute: int) -> float:
    """Left % of an instant on the axis (day ends included)."""
    offset = 0
    for start, end in axis.days:
        if start <= minute <= end:
            return 100 * (offset + minute - start) / axis.width
        offset += end - start + NIGHT_GAP
    return 100.0


def _lane(view: PlanView, axis: _Axis, tiers: dict[str, str], engineer: EngineerData) -> str:
    jobs = view.jobs_of(engineer)
    travel = sum(job.travel for job in jobs)
    label = (
        f'<div class="who"><b>{escape(engineer.id)}</b>'
        f"<small>{escape(engineer.name)}</small>"
        f"<small>{len(jobs)} jobs · {view.utilisation(engineer):.0%} busy</small>"
        f"<small>{travel} min travel{'' if engineer.onsite else ' · remote only'}</small></div>"
    )
    layers = [_gridlines(axis), _nights(axis), _shifts(view, axis, engineer)]
    if view.now is not None:
        layers.append(
            f'<i class="now" style="left:{_position(axis, view.now):.3f}%" '
            f'title="{escape(f"re-planned at {view.clock(view.now)}")}"></i>'
        )
    layers += [_job(view, axis, list(tiers), job) for job in jobs]
    return (
        f'<div class="lane" data-engineer="{escape(engineer.id)}">{label}'
        f'<div class="track">{"".join(layers)}</div></div>'
    )


def _gridlines(axis: _Axis) -> str:
    lines = [
        f'<i class="grid" style="left:{_position(axis, minute):.3f}%"></i>'
        for start, end in axis.days
        for minute in range(start, end + 1, 60)
    ]
    return "".join(lines)


def _nights(axis: _Axis) -> str:
    """The gaps the axis leaves out between days."""
    nights = []
    for (_, end), (start, _) in pairwise(axis.days):
        left = _position(axis, end)
        width = _position(axis, start) - left
        nights.append(f'<i class="night" style="left:{left:.3f}%;width:{width:.3f}%"></i>')
    return "".join(nights)


def _shifts(view: PlanView, axis: _Axis, engineer: EngineerData) -> str:
    blocks = []
    for start, end in engineer.calendar.shifts:
        tip = f"shift {view.period(start, end)}"
        for left, width in axis.pieces(start, end):
            blocks.append(
                f'<div class="shift" style="left:{left:.3f}%;width:{width:.3f}%" '
                f'title="{escape(tip)}"></div>'
            )
    return "".join(blocks)


def _job(view: PlanView, axis: _Axis, tiers: list[str], job: JobView) -> str:
    """The job's travel bar, its worked pieces, and a dashed line across its pauses."""
    ticket = job.ticket
    tier_class = f"tier-{tiers.index(ticket.tier)}"
    classes = ["job", tier_class]
    classes += [name for name, on in _job_flags(job).items() if on]
    tip = escape(_job_tip(view, job))
    label = escape(ticket.id + (" !" if job.at_risk else ""))
    attributes = (
        f'data-ticket="{escape(ticket.id)}" data-tier="{escape(ticket.tier)}" '
        f'data-start="{escape(view.local(job.start).isoformat())}" '
        f'data-end="{escape(view.local(job.end).isoformat())}" data-risk="{job.risk:.4f}"'
    )
    if job.crew:
        members = " ".join(member.id for member in job.members)
        attributes += f' data-crew="{escape(members)}" data-lead="{escape(job.lead.id)}"'
        label += f'<b class="link">{CREW_MARK}+{len(job.partners)}</b>'
    html = [_travel_bar(axis, job)]
    worked = _worked_pieces(view, axis, job)
    if len(worked) > 1:
        html += [
            f'<i class="pause {tier_class}" style="left:{left:.3f}%;width:{width:.3f}%"></i>'
            for left, width in axis.pieces(job.start, job.end)
        ]
    for number, (left, width) in enumerate(worked):
        continued = " cont" if number else ""
        text = f"<span>{label}</span>" if width >= MIN_LABEL_WIDTH else ""
        html.append(
            f'<div class="{" ".join(classes)}{continued}" {attributes} '
            f'style="left:{left:.3f}%;width:{width:.3f}%" title="{tip}">{text}</div>'
        )
    return "".join(html)


def _job_flags(job: JobView) -> dict[str, bool]:
    """CSS classes of a job: at risk, completed, on site, a crew's (in every member's lane)."""
    return {
        "risky": job.at_risk,
        "done": job.completed,
        "onsite": job.ticket.onsite,
        "crew": bool(job.crew),
    }


def _travel_bar(axis: _Axis, job: JobView) -> str:
    """A thin bar over the travel minutes just before an on-site job ('' without travel)."""
    if not job.travel:
        return ""
    tip = escape(f"{job.travel} min travel to {job.ticket.id}")
    return "".join(
        f'<div class="travel" style="left:{left:.3f}%;width:{width:.3f}%" title="{tip}"></div>'
        for left, width in axis.pieces(job.start - job.travel, job.start)
    )


def _worked_pieces(view: PlanView, axis: _Axis, job: JobView) -> list[tuple[float, float]]:
    """Where the job is worked: its period inside the engineer's shifts (a crew job: inside
    its members' joint shift time), pauses left out."""
    pieces = []
    for low, high in view.worked(job):
        pieces += axis.pieces(low, high)
    return pieces or axis.pieces(job.start, job.end)


def _job_tip(view: PlanView, job: JobView) -> str:
    ticket = job.ticket
    where = f"on site: {view.site_label(ticket)} ({job.travel} min travel)"
    lines = [
        f"{ticket.id} · {view.client_name(ticket)} · {ticket.tier} {ticket.priority}",
        view.summary(ticket),
        f"{view.period(job.start, job.end)} · {where if ticket.onsite else 'remote'}",
        f"response due {view.clock(ticket.response_due)}"
        + (" (responded)" if ticket.responded else "")
        + f" · resolution due {view.clock(ticket.resolution_due)}",
    ]
    if job.crew:
        lines.append(f"{view.crew_text(job)}: one job, in their joint shift time")
    if job.completed:
        lines.append("completed")
    else:
        lines.append(
            f"risk: response {job.response_risk:.2f} + resolution {job.resolution_risk:.2f}"
        )
    return "\n".join(lines)


def _table(title: str, header: list[str], rows: list[list[str]], empty: str) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    content = (
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        if rows
        else f'<p class="none">{escape(empty)}</p>'
    )
    return f"<section><h2>{escape(title)}</h2>{content}</section>"


def _risk_row(view: PlanView, item: JobView | OpenTicket) -> list[str]:
    ticket = item.ticket
    if isinstance(item, JobView):
        who, start = " + ".join(e.id for e in item.members), view.clock(item.start)
    else:
        who, start = "unassigned", "-"
    return [
        ticket.id,
        view.client_name(ticket),
        f"{ticket.tier} {ticket.priority}",
        who,
        start,
        "responded" if ticket.responded else view.clock(ticket.response_due),
        view.clock(ticket.resolution_due),
        f"{item.response_risk:.2f} + {item.resolution_risk:.2f}",
    ]


def _risk_list(view: PlanView) -> str:
    return _table(
        f"At risk (response + resolution risk > {AT_RISK})",
        ["ticket", "client", "tier", "engineer", "start", "response due", "resolution due", "risk"],
        [_risk_row(view, item) for item in view.at_risk()],
        "No ticket is at risk.",
    )


def _unassigned_list(view: PlanView) -> str:
    rows = [
        [
            item.ticket.id,
            view.client_name(item.ticket),
            f"{item.ticket.tier} {item.ticket.priority}",
            view.summary(item.ticket),
            item.reason,
            item.detail,
        ]
        for item in view.unassigned
    ]
    return _table(
        "Unassigned",
        ["ticket", "client", "tier", "summary", "reason", "detail"],
        rows,
        "Every ticket is assigned.",
    )


def _objective_list(view: PlanView) -> str:
    objective = view.plan.objective
    names = ["total", "sla_risk", "lateness", "deferral", "travel", "preference", "disruption"]
    return _table(
        "Objective (lower is better)",
        names,
        [[f"{getattr(objective, name):.4f}" for name in names]],
        "",
    )


_STYLE = """
*{box-sizing:border-box}
body{margin:0;padding:24px 28px;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif;color:#1f2937;background:#f3f4f6}
h1{font-size:22px;margin:0}
h2{font-size:16px;margin:0 0 8px}
.sub{margin:4px 0 16px;color:#4b5563}
.kpis{display:flex;flex-wrap:wrap;gap:10px;margin-bottom:14px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:8px 14px;min-width:150px}
.card .label{font-size:12px;color:#6b7280;text-transform:uppercase;letter-spacing:.03em}
.card .value{font-size:22px;font-weight:650}
.card .note{font-size:12px;color:#6b7280}
.card.warn .value{color:#b91c1c}
.legend{display:flex;flex-wrap:wrap;gap:16px;margin:0 0 8px;color:#374151;font-size:13px}
.key{display:inline-flex;align-items:center;gap:6px}
.swatch{display:inline-block;width:22px;height:12px;border-radius:3px;background:var(--tier)}
.swatch.risky{background:#fff;border:2px solid #dc2626}
.swatch.done{background:repeating-linear-gradient(45deg,#9ca3af 0 3px,#d1d5db 3px 6px)}
.swatch.shift{background:#e0f2e9;border:1px solid #b7dec8}
.swatch.travel{height:4px;background:#111827}
.swatch.onsite{background:#9ca3af;border-bottom:4px solid #4b5563}
.track .pause{position:absolute;top:28px;height:0;border-top:2px dashed var(--tier);z-index:2}
.board{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px 6px}
.axis{position:relative;height:40px;margin-left:180px}
.axis .day{position:absolute;top:0;height:18px;font-weight:600;font-size:12px;
border-left:2px solid #9ca3af;padding-left:4px;white-space:nowrap;overflow:hidden}
.axis .hour{position:absolute;top:22px;font-size:11px;color:#6b7280;transform:translateX(-50%)}
.lane{display:flex;align-items:stretch;border-top:1px solid #f0f1f3}
.who{width:180px;flex:none;padding:6px 8px 6px 0;display:flex;flex-direction:column}
.who b{font-size:14px}
.who small{color:#6b7280;font-size:11.5px;line-height:1.3}
.track{position:relative;flex:1;height:58px;background:#fafafa}
.track .grid{position:absolute;top:0;bottom:0;width:1px;background:#eceef1}
.track .night{position:absolute;top:0;bottom:0;background:repeating-linear-gradient(135deg,
#e5e7eb 0 4px,#f3f4f6 4px 8px)}
.track .now{position:absolute;top:0;bottom:0;width:2px;background:#dc2626;z-index:4}
.track .shift{position:absolute;top:4px;bottom:4px;background:#e0f2e9;border:1px solid #b7dec8;
border-radius:4px}
.track .travel{position:absolute;top:27px;height:4px;background:#111827;border-radius:2px;z-index:2}
.job{position:absolute;top:11px;height:36px;background:var(--tier);color:#fff;
border-radius:4px;font-size:11.5px;font-weight:600;overflow:hidden;white-space:nowrap;
padding:0 4px;line-height:36px;z-index:3;cursor:default;border:1px solid rgba(0,0,0,.15)}
.job span{display:block;overflow:hidden;text-overflow:ellipsis}
.job.onsite{border-bottom:4px solid rgba(0,0,0,.35)}
.job.cont{border-top-left-radius:0;border-bottom-left-radius:0;opacity:.85}
.job.risky{box-shadow:0 0 0 2px #fff,0 0 0 4px #dc2626}
.job.crew{outline:2px dashed #111827;outline-offset:-4px}
.job .link{margin-left:4px;padding:0 3px;border-radius:3px;background:rgba(0,0,0,.3);
font-weight:700}
.swatch.crew{background:#9ca3af;outline:2px dashed #111827;outline-offset:-3px}
.job.done{background:repeating-linear-gradient(45deg,#9ca3af 0 3px,#d1d5db 3px 6px);
color:#374151;opacity:.8}
.job:hover{filter:brightness(1.12);z-index:5}
.lists{display:grid;grid-template-columns:1fr;gap:14px;margin-top:16px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 14px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #f0f1f3;vertical-align:top}
th{color:#6b7280;font-weight:600;font-size:12px}
.none{color:#6b7280;margin:0}
#tip{position:fixed;z-index:10;max-width:420px;background:#111827;color:#f9fafb;
padding:8px 10px;border-radius:6px;font-size:12.5px;white-space:pre-line;pointer-events:none;
box-shadow:0 4px 14px rgba(0,0,0,.25)}
"""

_SCRIPT = """
(function () {
  var tip = document.getElementById("tip");
  document.querySelectorAll("[title]").forEach(function (el) {
    el.setAttribute("data-tip", el.getAttribute("title"));
    el.removeAttribute("title");
  });
  document.addEventListener("mouseover", function (event) {
    var target = event.target.closest("[data-tip]");
    tip.hidden = !target;
    if (target) { tip.textContent = target.getAttribute("data-tip"); }
  });
  document.addEventListener("mousemove", function (event) {
    var x = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    var y = event.clientY + 18;
    if (y + tip.offsetHeight > window.innerHeight) { y = event.clientY - tip.offsetHeight - 10; }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  });
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}{tier_style}</style>
</head>
<body>
<header>{header}</header>
<div class="kpis">{kpis}</div>
<div class="legend">{legend}</div>
<div class="board">
<div class="axis">{axis}</div>
{lanes}
</div>
<div class="lists">{lists}</div>
<div id="tip" hidden></div>
<script>{script}</script>
</body>
</html>
"""
