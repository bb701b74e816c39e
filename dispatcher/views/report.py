"""Terminal views of a plan (rich): the 8 am summary and one engineer's day."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass

from rich.columns import Columns
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.table import Column, Table
from rich.text import Text

from dispatcher.semantics.problem import EngineerData, Problem, TicketData
from dispatcher.views.planview import AT_RISK, JobView, OpenTicket, PlanView
from dispatcher.views.progress import gap_text
from dispatcher.views.terminal import Cell, add_row, plain
from dispatcher.views.timefmt import day_label
from models import Plan
from models.durations import format_minutes

OBJECTIVE_PARTS = ("sla_risk", "lateness", "deferral", "travel", "preference", "disruption")
ONSITE_MARK = "*"
RISK_MARK = "!"
DONE_MARK = "✓"
CREW_MARK = "+"  # 'T-1*+1': a crew job, with one more engineer on it

# The most rows the summary gives the tickets at risk and the unassigned tickets. These
# lists grow with the tickets, not the team: on a day of 2000 tickets each can run to a
# thousand rows. 20 rows, two lines each at risk, fill about a screen; the weightiest 20
# are more than a morning's calls, and a day the size of the bundled ones (7 at risk, 2
# unassigned) is shown whole. The rows left out are counted, and ``--all`` shows them.
SUMMARY_ROWS = 20


@dataclass(frozen=True)
class Rows:
    """How many rows of each long list the summary shows (``None``: every row), and the
    command that shows them all, named on the line that counts the rows left out."""

    limit: int | None
    show_all: str


def summary_rows(scenario: str, plan: str, *, every_row: bool = False) -> Rows:
    """At most ``SUMMARY_ROWS`` per list, or with ``every_row`` all of them; the rows left
    out are named as ``dispatch show SCENARIO PLAN --all``, quoted for a shell."""
    show_all = shlex.join(["dispatch", "show", scenario, plan, "--all"])
    return Rows(None if every_row else SUMMARY_ROWS, show_all)


def print_summary(console: Console, problem: Problem, plan: Plan, rows: Rows | None = None) -> None:
    """Status, objective parts, tiers, tickets at risk, engineers, unassigned, timelines.

    Without ``rows`` every row is printed."""
    _print_summary(console, PlanView(problem, plan), rows)


def print_plan(
    console: Console,
    problem: Problem,
    plan: Plan,
    engineer: str | None,
    rows: Rows | None = None,
) -> None:
    """The whole summary (as ``print_summary``), or with ``engineer`` that engineer's day
    by day agenda."""
    view = PlanView(problem, plan)
    if engineer is None:
        _print_summary(console, view, rows)
        return
    person = view.engineer(engineer)
    console.print(_headline(view))
    console.print(_engineer_line(view, person))
    for day, jobs in _jobs_by_day(view, person).items():
        console.print(_agenda_table(view, day, jobs))
    if not view.jobs_of(person):
        console.print("no jobs in this plan")


def _add_row(table: Table, *cells: Cell, style: str | None = None) -> None:
    """A row whose text is shown as it is: names and summaries are not rich markup, and
    their control characters are escaped (``views.terminal``)."""
    add_row(table, *cells, style=style)


def _print_summary(console: Console, view: PlanView, rows: Rows | None) -> None:
    limit = None if rows is None else rows.limit
    console.print(_headline(view))
    console.print(_objective_table(view))
    console.print(_tier_table(view))
    risky = view.at_risk()
    if risky:
        console.print(_risk_table(view, risky[:limit]))
        _print_left_out(console, rows, len(risky), "tickets at risk")
    console.print(f"travel: {view.plan.kpis.travel_minutes} min")
    console.print(_engineer_table(view))
    if view.unassigned:
        console.print(_unassigned_table(view.unassigned[:limit]))
        _print_left_out(console, rows, len(view.unassigned), "unassigned tickets")
    console.print(_timeline_table(view))
    console.print(
        Text(
            f"{ONSITE_MARK} on site   {RISK_MARK} at risk (response + resolution risk "
            f"> {AT_RISK})   {DONE_MARK} completed"
            + (f"   {CREW_MARK}n crew job with n more engineers" if _has_crews(view) else ""),
            style="dim",
        )
    )


def _print_left_out(console: Console, rows: Rows | None, total: int, what: str) -> None:
    """'... 980 more of 1000 tickets at risk: dispatch show day.yaml plan.json --all lists
    them all', under a list cut to ``rows.limit``."""
    if rows is None or rows.limit is None or total <= rows.limit:
        return
    console.print(
        plain(f"... {total - rows.limit} more of {total} {what}: {rows.show_all} lists them all")
    )


def _has_crews(view: PlanView) -> bool:
    return any(job.crew for job in view.jobs)


def _headline(view: PlanView) -> Text:
    solver, objective = view.plan.solver, view.plan.objective
    text = Text.assemble(
        plain(view.plan.scenario.name, "bold"),
        f": {solver.status} in {solver.time_s:.1f}s, objective {objective.total:.4f}",
    )
    if solver.bound is None:
        text.append(" (bound none)")
    else:
        text.append(f" (bound {solver.bound:.4f}, gap {gap_text(objective.total, solver.bound)})")
    if view.now is not None:
        text.append(
            f"; re-planned at {view.clock(view.now)}, {len(view.plan.completed)} job(s) completed"
        )
    return text


def _objective_table(view: PlanView) -> Table:
    table = Table(*OBJECTIVE_PARTS, title="objective parts", title_justify="left")
    _add_row(table, *(f"{getattr(view.plan.objective, name):.3f}" for name in OBJECTIVE_PARTS))
    return table


def _tier_table(view: PlanView) -> Table:
    table = Table("tier", "tickets", "assigned", "expected breaches")
    for tier, kpi in view.plan.kpis.by_tier.items():
        _add_row(table, tier, str(kpi.tickets), str(kpi.assigned), f"{kpi.expected_breaches:.2f}")
    return table


def _due_text(view: PlanView, ticket: TicketData) -> tuple[str, str]:
    response = "responded" if ticket.responded else view.clock(ticket.response_due)
    return response, view.clock(ticket.resolution_due)


UNBOUNDED = 100_000  # columns: a width that no table reaches


class _Squeezed:
    """A table that, when it is too wide for the console, first narrows the ``narrow``
    columns to their longest word (they wrap, never cut a word), so that the other
    wrapping columns (a client's name) keep the width that is left. Rich alone would
    narrow the widest columns evenly and cut 'responded' to 'respon…' at 80 columns."""

    def __init__(self, build: Callable[[], Table], narrow: tuple[int, ...]) -> None:
        self.build = build
        self.narrow = narrow

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.build())

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = self.build()
        unbounded = options.update_width(UNBOUNDED)
        if Measurement.get(console, unbounded, table).maximum > options.max_width:
            for index in self.narrow:
                column = table.columns[index]
                column.max_width = max(
                    Measurement.get(console, options, cell).minimum
                    for cell in (column.header, *column.cells)
                )
        yield table


def _risk_table(view: PlanView, risky: list[JobView | OpenTicket]) -> _Squeezed:
    """Each ticket at risk: the ticket and its tier, the client's name, the engineers
    and the start, the due times ('responded'), the risks. At 80 columns no word is
    cut: the engineer and due columns give up their spare width to the client's name."""
    return _Squeezed(lambda: _risk_rows(view, risky), narrow=(2, 3, 4))


def _risk_rows(view: PlanView, risky: list[JobView | OpenTicket]) -> Table:
    table = Table(
        Column("ticket", no_wrap=True),
        "client",
        "engineer, start",
        "response due",
        "resolution due",
        Column("risk", no_wrap=True),
        title=f"at risk (response + resolution risk > {AT_RISK}), weightiest first",
        title_justify="left",
    )
    for item in risky:
        ticket = item.ticket
        response_due, resolution_due = _due_text(view, ticket)
        who: Cell
        if isinstance(item, JobView):
            who = ("+".join(e.id for e in item.members), view.clock(item.start))
        else:
            who = "unassigned"
        _add_row(
            table,
            (f"{ticket.id} {ticket.priority}", ticket.tier),
            view.client_name(ticket),
            who,
            response_due,
            resolution_due,
            f"{item.response_risk:.2f}+{item.resolution_risk:.2f}",
        )
    return table


def _engineer_table(view: PlanView) -> Table:
    table = Table("engineer", "jobs", "on site", "travel", "busy", "shifts", "utilisation")
    for engineer in view.problem.engineers:
        jobs = view.jobs_of(engineer)
        _add_row(
            table,
            engineer.id,
            str(len(jobs)),
            str(sum(job.ticket.onsite for job in jobs)),
            f"{sum(job.travel for job in jobs)} min",
            _hours(view.busy_minutes(engineer)),
            _hours(engineer.calendar.total),
            f"{view.utilisation(engineer):.0%}",
        )
    return table


def _hours(minutes: int) -> str:
    return format_minutes(minutes) if minutes else "0m"


def _unassigned_table(unassigned: list[OpenTicket]) -> Table:
    table = Table("unassigned", "reason", "detail")
    for item in unassigned:
        _add_row(table, item.ticket.id, item.reason, item.detail)
    return table


def _jobs_by_day(view: PlanView, engineer: EngineerData) -> dict[str, list[JobView]]:
    """The engineer's jobs grouped by the local day they start on ('Mon 30 Nov')."""
    days: dict[str, list[JobView]] = {}
    for job in view.jobs_of(engineer):
        days.setdefault(day_label(view.local(job.start)), []).append(job)
    return days


def _job_text(view: PlanView, job: JobView) -> Text:
    """'09:33-10:33 T-1001*' styled: dim when completed, red when at risk."""
    marks = (ONSITE_MARK if job.ticket.onsite else "") + (RISK_MARK if job.at_risk else "")
    if job.completed:
        marks += DONE_MARK
    if job.crew:
        marks += f"{CREW_MARK}{len(job.partners)}"
    style = "dim" if job.completed else ("bold red" if job.at_risk else "")
    return plain(f"{view.span(job.start, job.end)} {job.ticket.id}{marks}", style=style)


JOB_GAP = 2  # spaces between two jobs on a line of the day


class _JobLine(Columns):
    """An engineer's jobs of one day: they wrap between jobs, never inside one, in
    columns lined up as rich's ``Columns`` lines them up. It measures as its content (at
    least the widest job, at most every job on one line): ``Columns`` would take all the
    width it is offered, the ``PIPE_WIDTH`` of a pipe included. It draws its lines
    itself: a ``Columns`` draws a grid table of its own inside each cell, and on a day
    of 200 engineers those grids took most of the summary's time."""

    def __init__(self, jobs: list[Text]) -> None:
        super().__init__(jobs, padding=(0, JOB_GAP))
        self.jobs = jobs

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widths = [job.cell_len for job in self.jobs] or [0]
        return Measurement(max(widths), sum(widths) + JOB_GAP * (len(widths) - 1))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = [job.cell_len for job in self.jobs]
        if not widths:
            return
        if max(widths) > options.max_width:  # a job wraps inside itself: rich's way
            yield from super().__rich_console__(console, options)
            return
        count = _column_count(widths, options.max_width)
        columns = [max(widths[column::count]) for column in range(count)]
        for first in range(0, len(self.jobs), count):
            for column, job in enumerate(self.jobs[first : first + count]):
                if column:
                    yield Segment(" " * JOB_GAP)
                # as in a cell of rich's grid: the job padded to its column, in its style
                padded = job.copy()
                padded.pad_right(columns[column] - widths[first + column])
                yield from Segment.apply_style(padded.render(console), console.get_style(job.style))
            yield Segment.line()


def _column_count(widths: list[int], max_width: int) -> int:
    """How many jobs go on a line: as rich's ``Columns`` counts them, the most for which
    the widest job of each column, and ``JOB_GAP`` between columns, fit in ``max_width``."""
    count = len(widths)
    while count > 1:
        columns: list[int] = []
        for index, width in enumerate(widths):
            column = index % count
            if column == len(columns):
                columns.append(width)
            else:
                columns[column] = max(columns[column], width)
            if sum(columns) + JOB_GAP * (len(columns) - 1) > max_width:
                count = len(columns) - 1
                break
        else:
            break
    return count


def _timeline_table(view: PlanView) -> Table:
    table = Table("engineer", "day", "jobs in order", title="the day", title_justify="left")
    for engineer in view.problem.engineers:
        for day, jobs in _jobs_by_day(view, engineer).items():
            _add_row(table, engineer.id, day, _JobLine([_job_text(view, job) for job in jobs]))
    return table


def _engineer_line(view: PlanView, engineer: EngineerData) -> Text:
    jobs = view.jobs_of(engineer)
    skills = ", ".join(f"{skill} {level}" for skill, level in sorted(engineer.skills.items()))
    return Text.assemble(
        plain(f"{engineer.id} ({engineer.name})", "bold"),
        plain(
            f": {len(jobs)} job(s), busy {_hours(view.busy_minutes(engineer))} of "
            f"{_hours(engineer.calendar.total)} shift time ({view.utilisation(engineer):.0%}), "
            f"travel {sum(job.travel for job in jobs)} min; "
            f"{'on site and remote' if engineer.onsite else 'remote only'}; skills {skills}"
        ),
    )


def _agenda_table(view: PlanView, day: str, jobs: list[JobView]) -> Group:
    """A day of one engineer: time, ticket, what and where, deadline, risk."""
    table = Table("time", "ticket", "work", "risk")
    for job in jobs:
        ticket = job.ticket
        where = (
            f"on site: {view.site_label(ticket)} ({job.travel} min travel)"
            if ticket.onsite
            else "remote"
        )
        lines = [
            f"{view.client_name(ticket)}: {view.summary(ticket)}",
            where,
            f"resolution due {view.clock(ticket.resolution_due)}",
        ]
        if job.crew:
            lines.append(view.crew_text(job) + ", in their joint shift time")
        _add_row(
            table,
            view.span(job.start, job.end),
            f"{ticket.id} {ticket.priority}"
            + (f" {DONE_MARK}" if job.completed else "")
            + (f" {CREW_MARK}{len(job.partners)}" if job.crew else ""),
            lines,
            "done" if job.completed else f"{job.risk:.2f}",
            style="dim" if job.completed else ("bold red" if job.at_risk else None),
        )
    return Group(Text(day, style="bold"), table)
