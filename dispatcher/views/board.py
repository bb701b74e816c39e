"""The dispatch board: one self-contained HTML file (inline CSS and JS, no network).

A Gantt-style timeline with one lane per engineer: shifts shaded, absences greyed,
jobs coloured by tier with their priority, at-risk jobs marked, travel as a thin bar
before on-site jobs, details on hover or keyboard focus. A sticky bar holds the
filters (tier, priority, skill, engineer, at risk only), the lane density and a day
switcher; the time axis sticks under it. Beside the lanes: the unassigned queue with
its reasons (those no engineer can take marked as needing a person), and the
tickets at risk, the still savable apart from the already breached. Above: the day
in words (``board_lists``). Nights are left out of the time axis: each day shows
from its first shift start to its last shift end, so the working hours get the
width. Every number is the plan file's, or computed from its times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise

from dispatcher.semantics.problem import EngineerData, Problem
from dispatcher.views.board_assets import PAGE, SCRIPT, STYLE
from dispatcher.views.board_lists import absences, escape, header, priority_class, side
from dispatcher.views.planview import AT_RISK, JobView, PlanView
from dispatcher.views.timefmt import day_label
from models import Plan

__all__ = ["escape", "render_board"]

NIGHT_GAP = 40  # axis minutes drawn between two days
MIN_LABEL_WIDTH = 2.0  # % of the axis: narrower pieces show only the priority until zoomed
COMPACT_FROM = 12  # more lanes than this: the board opens in compact density
# A chain link drawn inline (a font may have no glyph for U+26D3): the job is linked
# across its members' lanes. Decorative: a crew job's label says who is on it.
CREW_MARK = (
    '<svg class="chain" viewBox="0 0 16 16" aria-hidden="true" focusable="false">'
    '<path d="M6.6 9.4l2.8-2.8M7.3 4.7l1.3-1.3a2.7 2.7 0 0 1 3.9 3.9l-1.3 1.3'
    'M8.7 11.3l-1.3 1.3a2.7 2.7 0 0 1-3.9-3.9l1.3-1.3"/></svg>'
)
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
    away = absences(view)
    title = f"Dispatch board - {plan.scenario.name}"
    compact = len(engineers) > COMPACT_FROM
    return PAGE.format(
        title=escape(title),
        style=STYLE,
        tier_style="".join(
            f".tier-{index}{{--tier:{colour}}}" for index, colour in enumerate(tiers.values())
        ),
        body_class="compact" if compact else "",
        header=header(view),
        legend=_legend(tiers),
        at_risk=AT_RISK,
        toolbar=_toolbar(view, axis, engineers, compact=compact),
        axis=_axis_html(view, axis),
        lanes="".join(
            _lane(view, axis, tiers, person, away.get(person.id, [])) for person in engineers
        ),
        side=side(view, list(tiers)),
        script=SCRIPT,
    )


def _options(values: list[str], everything: str) -> str:
    return f'<option value="">{escape(everything)}</option>' + "".join(
        f'<option value="{escape(value)}">{escape(value)}</option>' for value in values
    )


def _toolbar(view: PlanView, axis: _Axis, engineers: list[EngineerData], *, compact: bool) -> str:
    """The sticky bar: the scenario's name, the filters, density and day, a count."""
    tickets = view.problem.tickets
    tiers = list(_tier_colours(view))
    priorities = sorted({t.priority for t in tickets}, key=_natural)
    skills = sorted({skill for e in engineers for skill in e.skills})
    density = "".join(
        f'<option value="{name}"{" selected" if (name == "compact") == compact else ""}>'
        f"{name}</option>"
        for name in ("normal", "compact")
    )
    parts = [
        f'<span class="name">{escape(view.plan.scenario.name)}</span>',
        f'<label>Tier <select id="f-tier" aria-label="Filter jobs by tier">'
        f"{_options(tiers, 'all')}</select></label>",
        f'<label>Priority <select id="f-priority" aria-label="Filter jobs by priority">'
        f"{_options(priorities, 'all')}</select></label>",
        f'<label>Skill <select id="f-skill" aria-label="Show engineers with this skill">'
        f"{_options(skills, 'any')}</select></label>",
        '<label>Engineer <input type="search" id="f-engineer" placeholder="id or name" '
        'aria-label="Find engineers by id, name or skill"></label>',
        '<label><input type="checkbox" id="f-risk" aria-label="Show only jobs at risk"> '
        "at risk only</label>",
        f'<label>Density <select id="f-density" aria-label="Lane density">{density}</select>'
        "</label>",
    ]
    if len(axis.days) > 1:
        days = "".join(
            f'<option value="{number}" data-left="{left:.3f}" data-width="{width:.3f}">'
            f"{escape(day_label(view.local(start)))}</option>"
            for number, (start, end) in enumerate(axis.days)
            for left, width in axis.pieces(start, end)
        )
        parts.append(
            f'<label>Day <select id="f-day" aria-label="Show one day">'
            f'<option value="" data-left="0" data-width="100">all days</option>{days}'
            "</select></label>"
        )
    parts.append('<span class="count" id="f-count" aria-live="polite"></span>')
    return "".join(parts)


def _natural(text: str) -> tuple[str, int, str]:
    """'P2' before 'P10'."""
    digits = "".join(c for c in text if c.isdigit())
    return (text.rstrip("0123456789"), int(digits) if digits.isdigit() else 0, text)


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
        '<span class="key"><i class="swatch p1"></i>P1 / P2 (dark left edge)</span>',
        '<span class="key"><i class="swatch away"></i>unavailable (absent, sick)</span>',
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


def _lane(
    view: PlanView,
    axis: _Axis,
    tiers: dict[str, str],
    engineer: EngineerData,
    away: list[tuple[int, int]],
) -> str:
    jobs = view.jobs_of(engineer)
    travel = sum(job.travel for job in jobs)
    load = f"{len(jobs)} jobs · {view.utilisation(engineer):.0%} busy"
    away_text = ", ".join(f"unavailable {view.period(low, high)}" for low, high in away)
    label = (
        f'<div class="who"><b>{escape(engineer.id)}</b>'
        f"<small>{escape(engineer.name)}</small>"
        f'<small class="load">{escape(load)}</small>'
        f"<small>{travel} min travel{'' if engineer.onsite else ' · remote only'}</small>"
        + (
            f'<small class="awaynote" title="{escape(away_text)}">'
            f"{escape(away_text.replace('unavailable', 'away'))}</small>"
            if away
            else ""
        )
        + "</div>"
    )
    layers = [_gridlines(axis), _nights(axis), _shifts(view, axis, engineer)]
    layers += [
        f'<i class="away" style="left:{left:.3f}%;width:{width:.3f}%" '
        f'title="{escape(f"{engineer.id} unavailable {view.period(low, high)}")}"></i>'
        for low, high in away
        for left, width in axis.pieces(low, high)
    ]
    if view.now is not None:
        layers.append(
            f'<i class="now" style="left:{_position(axis, view.now):.3f}%" '
            f'title="{escape(f"re-planned at {view.clock(view.now)}")}"></i>'
        )
    layers += [_job(view, axis, list(tiers), job) for job in jobs]
    search = " ".join([engineer.id, engineer.name, *engineer.skills]).lower()
    group = f"{engineer.id} ({engineer.name}): {load}" + (f", {away_text}" if away else "")
    return (
        f'<div class="lane{" absent" if away else ""}" data-engineer="{escape(engineer.id)}" '
        f'data-search="{escape(search)}" data-skills="{escape(" ".join(engineer.skills))}" '
        f'role="group" aria-label="{escape(group)}">{label}'
        f'<div class="track"><div class="inner">{"".join(layers)}</div></div></div>'
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
    """The job's travel bar, its worked pieces, and a dashed line across its pauses, in
    one set the filters show or hide together."""
    ticket = job.ticket
    tier_class = f"tier-{tiers.index(ticket.tier)}"
    classes = ["job", tier_class]
    classes += [name for name, on in _job_flags(job).items() if on]
    classes_text = " ".join(classes) + priority_class(ticket.priority)
    tip = escape(_job_tip(view, job))
    label = (
        f'<b class="prio">{escape(ticket.priority)}</b>'
        f'<i class="id">{escape(ticket.id)}</i>' + ('<i class="bang"> !</i>' if job.at_risk else "")
    )
    attributes = (
        f'data-ticket="{escape(ticket.id)}" data-tier="{escape(ticket.tier)}" '
        f'data-priority="{escape(ticket.priority)}" '
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
    spoken = escape(_job_label(view, job))
    for number, (left, width) in enumerate(worked):
        continued = " cont" if number else ""
        narrow = " narrow" if width < MIN_LABEL_WIDTH else ""
        # The first piece is the job for the keyboard and screen readers; the others repeat it.
        access = (
            f'tabindex="0" role="button" aria-label="{spoken}"'
            if not number
            else 'aria-hidden="true"'
        )
        html.append(
            f'<div class="{classes_text}{continued}{narrow}" {attributes} {access} '
            f'style="left:{left:.3f}%;width:{width:.3f}%" title="{tip}">'
            f"<span>{label}</span></div>"
        )
    return f'<span class="set">{"".join(html)}</span>'


def _job_label(view: PlanView, job: JobView) -> str:
    """What a screen reader says for a job: ticket, priority, engineer, times, risk."""
    ticket = job.ticket
    parts = [
        f"{ticket.id}, priority {ticket.priority}, {ticket.tier}, {view.client_name(ticket)}",
        f"engineer {job.engineer.id}",
        view.period(job.start, job.end),
    ]
    if job.crew:
        parts.append(view.crew_text(job))
    if job.completed:
        parts.append("completed")
    else:
        parts.append(f"risk {job.risk:.2f}" + (", at risk" if job.at_risk else ""))
    return ", ".join(parts)


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
