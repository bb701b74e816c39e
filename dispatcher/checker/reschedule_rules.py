"""The rules of a rescheduled plan: what is marked done is completed at now, nothing
new starts before now, and, against the base plan, completed work and running jobs
stay as they were, a running job with an engineer (any member of a crew) unavailable at
now is cut (the cut listing every member), and 'previous' tells the truth; the
disruption (reassigned and moved jobs) is recounted from the base plan. For a crew job
"another engineer" means another set of engineers. A plan that is no reschedule
completes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dispatcher.checker.context import CheckContext
from dispatcher.checker.facts import Reschedule, members_of, rebase_record
from models import Assignment, Completed, Plan

Change = Literal["reassigned", "moved"]


@dataclass(frozen=True)
class _NewPlan:
    """The rescheduled plan's tickets, by where it put them."""

    assigned: dict[str, Assignment]
    completed: dict[str, Completed]
    unassigned: set[str]


def check_completed_without_reschedule(context: CheckContext) -> None:
    """completed_without_reschedule: only a reschedule lists completed tickets."""
    if context.plan.completed:
        context.flag(
            "completed_without_reschedule",
            None,
            f"{len(context.plan.completed)} tickets are listed as completed, but the plan is not "
            "a reschedule (no reschedule block)",
        )


def check_reschedule_rules(context: CheckContext) -> None:
    """Every rule of a rescheduled plan, and its disruption recounted (or taken as reported)."""
    rs = context.reschedule
    assert rs is not None
    plan = context.plan
    new_plan = _NewPlan(
        assigned={a.ticket: a for a in plan.assignments},
        completed={c.ticket: c for c in plan.completed},
        unassigned={u.ticket for u in plan.unassigned},
    )
    check_done_marks(context, rs, new_plan.completed)
    check_before_now(context, rs)
    if context.base is None:
        check_completed_before_now(context, rs)
        context.disruption = None  # not recomputable without the old plan: taken as reported
        return
    compare_with_base(context, rs, context.base, new_plan)


def check_done_marks(
    context: CheckContext, rs: Reschedule, completed: dict[str, Completed]
) -> None:
    """done: a ticket marked done is in completed, ending at now."""
    t = context.time
    for ticket_id in rs.done:
        entry = completed.get(ticket_id)
        if entry is None:
            context.flag("done", ticket_id, "marked done, but it is not in completed")
        elif t.minute(entry.end) != rs.now:
            context.flag(
                "done",
                ticket_id,
                f"marked done at {t.text(rs.now)} but completed ends {t.text(t.minute(entry.end))}",
            )


def check_before_now(context: CheckContext, rs: Reschedule) -> None:
    """before_now: only jobs already running start before now."""
    t = context.time
    for assignment in context.plan.assignments:
        start = t.minute(assignment.start)
        if start >= rs.now:
            continue
        if context.base is not None:
            if context.is_running(assignment.ticket, assignment.engineer, start):
                continue
        else:
            # Without the old plan only clear cases are judged: a new ticket, the rest
            # of a cut job, or a job that 'previous' shows was moved, in the past.
            facts = context.tickets.get(assignment.ticket)
            previous = assignment.previous
            new_job = previous is None and facts is not None and facts.added
            was_moved = previous is not None and (
                previous.engineer != assignment.engineer or t.minute(previous.start) != start
            )
            if not (new_job or was_moved or assignment.ticket in rs.cuts):
                continue
        context.flag(
            "before_now",
            assignment.ticket,
            f"starts {t.text(start)}, before now ({t.text(rs.now)}); only jobs already running may",
        )


def check_completed_before_now(context: CheckContext, rs: Reschedule) -> None:
    """completed_changed (without the old plan): completed work ends by now."""
    t = context.time
    for entry in context.plan.completed:
        if t.minute(entry.end) > rs.now:
            context.flag(
                "completed_changed",
                entry.ticket,
                f"in completed but ends {t.text(t.minute(entry.end))}, after now",
            )


def compare_with_base(
    context: CheckContext, rs: Reschedule, base: Plan, new_plan: _NewPlan
) -> None:
    """The rules judged against the base plan, and the disruption recounted from it."""
    t = context.time
    base_completed = {c.ticket: c for c in base.completed}
    explained = set(rs.done)
    rebase = _Rebase.of(context, base)
    for ticket_id, old in base_completed.items():
        explained.add(ticket_id)
        if rebase is not None and rebase.settled(context, old, old, new_plan):
            continue
        check_same_completed(
            context,
            ticket_id,
            new_plan.completed.get(ticket_id),
            (old.engineer, t.minute(old.start), t.minute(old.end)),
        )
    reassigned = moved = 0
    for old_assignment in base.assignments:
        if rebase is not None and rebase.settled(context, old_assignment, None, new_plan):
            explained.add(old_assignment.ticket)
            if rebase.reassigned(context, old_assignment):
                reassigned += 1
            continue
        change = _judge_old_assignment(context, rs, old_assignment, new_plan, explained)
        if change == "reassigned":
            reassigned += 1
        elif change == "moved":
            moved += 1
    if rebase is not None:
        for unassigned in base.unassigned:
            if unassigned.ticket in rebase.gone_tickets:
                rebase.recorded(context, unassigned.ticket, "unassigned in the base plan")
    check_completed_explained(context, new_plan.completed, explained)
    check_cuts(context, rs, base)
    weights = context.scenario.weights
    context.disruption = weights.reassign * reassigned + weights.move * moved


def _judge_old_assignment(
    context: CheckContext,
    rs: Reschedule,
    old_assignment: Assignment,
    new_plan: _NewPlan,
    explained: set[str],
) -> Change | None:
    """What became of one job of the base plan, judged by the rules that apply to it."""
    t = context.time
    ticket_id = old_assignment.ticket
    engineer_id = old_assignment.engineer
    old_start, old_end = t.minute(old_assignment.start), t.minute(old_assignment.end)
    if ticket_id in rs.done:
        check_done_by_same_engineer(
            context, ticket_id, engineer_id, new_plan.completed.get(ticket_id)
        )
        return None
    if old_end <= rs.now:
        explained.add(ticket_id)
        check_same_completed(
            context, ticket_id, new_plan.completed.get(ticket_id), (engineer_id, old_start, old_end)
        )
        return None
    new = new_plan.assigned.get(ticket_id)
    old_members = members_of(old_assignment)
    if old_start < rs.now:
        if ticket_id in rs.cuts:
            return "reassigned"  # a cut counts as a reassignment
        check_running_kept(context, ticket_id, new, old_members, old_start, old_end)
        return None
    change: Change | None = None
    tolerance = context.scenario.weights.move_tolerance.minutes
    # A crew job given to another set of engineers is reassigned (SPEC "Rescheduling").
    if ticket_id in new_plan.unassigned or (
        new is not None and set(members_of(new)) != set(old_members)
    ):
        change = "reassigned"
    elif new is not None and abs(t.minute(new.start) - old_start) > tolerance:
        change = "moved"
    check_previous(context, ticket_id, new, old_members, old_start)
    return change


def check_done_by_same_engineer(
    context: CheckContext, ticket_id: str, engineer_id: str, entry: Completed | None
) -> None:
    """done: a job marked done is completed by the engineer the old plan gave it."""
    if entry is not None and entry.engineer != engineer_id:
        context.flag(
            "done",
            ticket_id,
            f"done by {engineer_id} in the old plan, completed by {entry.engineer}",
        )


def check_previous(
    context: CheckContext,
    ticket_id: str,
    new: Assignment | None,
    old_members: list[str],
    old_start: int,
) -> None:
    """previous: an assignment's 'previous' is its engineer and start in the old plan, and
    for a crew job its 'crew' the other members' ids (none for a one-engineer job)."""
    t = context.time
    if new is None or new.previous is None:
        return
    engineer_id, previous = old_members[0], new.previous
    if previous.engineer != engineer_id or t.minute(previous.start) != old_start:
        context.flag(
            "previous",
            ticket_id,
            f"'previous' says {previous.engineer} at "
            f"{t.text(t.minute(previous.start))}; the old plan had {engineer_id} at "
            f"{t.text(old_start)}",
        )
    others = old_members[1:]
    if others and previous.crew is None:
        context.flag(
            "previous",
            ticket_id,
            f"'previous' has no crew; the old plan had {engineer_id} with {', '.join(others)}",
        )
    elif previous.crew is not None and set(previous.crew) != set(others):
        context.flag(
            "previous",
            ticket_id,
            f"'previous' gives the crew {', '.join(previous.crew) or 'nobody'}; the old plan "
            f"had {', '.join(others) or 'nobody'} with {engineer_id}",
        )


def check_completed_explained(
    context: CheckContext, completed: dict[str, Completed], explained: set[str]
) -> None:
    """completed_changed: completed work was completed by now in the old plan or marked done."""
    for ticket_id in completed:
        if ticket_id not in explained:
            context.flag(
                "completed_changed",
                ticket_id,
                "in completed, but it was neither completed by now in the old plan nor marked done",
            )


def check_same_completed(
    context: CheckContext, ticket_id: str, entry: Completed | None, old: tuple[str, int, int]
) -> None:
    """completed_changed: work completed by now in the old plan stays completed, unchanged."""
    t = context.time
    if entry is None:
        context.flag(
            "completed_changed",
            ticket_id,
            f"finished by {t.text(old[2])} in the old plan, but it is not in completed",
        )
        return
    now = (entry.engineer, t.minute(entry.start), t.minute(entry.end))
    if now != old:
        context.flag(
            "completed_changed",
            ticket_id,
            f"completed work changed: was {old[0]} {t.text(old[1])} to {t.text(old[2])}, "
            f"now {now[0]} {t.text(now[1])} to {t.text(now[2])}",
        )


def check_running_kept(
    context: CheckContext,
    ticket_id: str,
    new: Assignment | None,
    old_members: list[str],
    old_start: int,
    old_end: int,
) -> None:
    """running_changed: a job running at now keeps its engineer (a crew job its set of
    engineers), start and end."""
    rs = context.reschedule
    assert rs is not None
    t = context.time
    engineer_id = old_members[0]
    if new is None:
        context.flag(
            "running_changed",
            ticket_id,
            f"running at now with {engineer_id} since {t.text(old_start)}, but no longer assigned",
        )
        return
    start, end = t.minute(new.start), t.minute(new.end)
    if new.engineer != engineer_id or start != old_start:
        context.flag(
            "running_changed",
            ticket_id,
            f"running at now with {engineer_id} since {t.text(old_start)}; the plan has "
            f"{new.engineer} from {t.text(start)}",
        )
        return
    if set(members_of(new)) != set(old_members):
        context.flag(
            "running_changed",
            ticket_id,
            f"running at now with {', '.join(old_members)}; the plan has "
            f"{', '.join(members_of(new))} (a running crew job keeps its engineers)",
        )
        return
    engineers = [context.engineers.get(member) for member in old_members]
    if ticket_id in rs.overrun or any(e is not None and e.unavailable for e in engineers):
        return  # an overrun or an absence may have moved its end
    if end != old_end:
        context.flag(
            "running_changed",
            ticket_id,
            f"running job must keep its end {t.text(old_end)}; the plan ends it {t.text(end)}",
        )


def check_cuts(context: CheckContext, rs: Reschedule, base: Plan) -> None:
    """cut: a job of the old plan running at now whose engineer, or any member of its crew,
    is unavailable over a period covering now is cut, and the cut lists every member of
    it, each from its start to now. A cut names only a job running at now with an
    engineer made unavailable by this reschedule (an absence later on may also cut a job
    it leaves no time to finish)."""
    t, now = context.time, rs.now
    this_round = [(e, low, high) for e, low, high, since in rs.unavailable if since == now]
    absent_now = {e for e, low, high in this_round if low <= now < high}
    absent_later = {e for e, _, _ in this_round}
    running: dict[str, tuple[list[str], int]] = {}
    for old in base.assignments:
        start, end = t.minute(old.start), t.minute(old.end)
        if start < now < end and old.ticket not in rs.done:
            running.setdefault(old.ticket, (members_of(old), start))
    for ticket_id, (members, _) in running.items():
        away = [member for member in members if member in absent_now]
        if away and ticket_id not in rs.cuts:
            context.flag(
                "cut",
                ticket_id,
                f"running at now with {', '.join(members)}, and {', '.join(away)} "
                f"{'is' if len(away) == 1 else 'are'} unavailable from now, but the job is "
                "not cut",
            )
    for ticket_id, cuts in rs.cuts.items():
        if ticket_id not in running:
            context.flag("cut", ticket_id, "cut, but the old plan has it running at now")
            continue
        members, start = running[ticket_id]
        if not absent_later & set(members):
            context.flag(
                "cut",
                ticket_id,
                f"cut, but none of its engineers ({', '.join(members)}) is made unavailable",
            )
        listed = [engineer for engineer, _, _ in cuts]
        if sorted(listed) != sorted(members):
            context.flag(
                "cut",
                ticket_id,
                f"the cut lists {', '.join(listed)}; the job's engineers are "
                f"{', '.join(members)} (a crew job's cut lists every member, once)",
            )
        for engineer, cut_start, cut_end in cuts:
            if (cut_start, cut_end) != (start, now):
                context.flag(
                    "cut",
                    ticket_id,
                    f"the cut of {engineer}'s work runs {t.text(cut_start)} to "
                    f"{t.text(cut_end)}; the job ran from {t.text(start)} until now "
                    f"({t.text(now)})",
                )


@dataclass(frozen=True)
class _Rebase:
    """A plan rebased onto a fresh export: its base plan belongs to another scenario, and
    tickets and engineers are matched by id. A ticket of the base plan that this
    scenario lacks was closed: work ended by now stays completed, unchanged, and a job
    running at now ends at now (like ``done``), or it leaves the plan; either way the
    plan's ``reschedule.rebase.closed`` records it. A base job of an engineer this
    scenario lacks is re-planned: a reassignment when it had not ended by now."""

    gone_tickets: frozenset[str]
    gone_engineers: frozenset[str]
    closed: frozenset[str]

    @classmethod
    def of(cls, context: CheckContext, base: Plan) -> _Rebase | None:
        record = rebase_record(context.plan)
        if record is None or base.scenario.sha256 == context.plan.scenario.sha256:
            return None
        rs = context.reschedule
        added = rs.added if rs is not None else []
        ours = {t.id for t in context.scenario.tickets} | {t.id for t in added}
        theirs = {a.ticket for a in base.assignments} | {c.ticket for c in base.completed}
        theirs |= {u.ticket for u in base.unassigned}
        engineers = {m for a in [*base.assignments, *base.completed] for m in members_of(a)}
        closed = {c.get("ticket") for c in record.get("closed") or [] if isinstance(c, dict)}
        return cls(
            frozenset(theirs - ours),
            frozenset(engineers - set(context.engineers)),
            frozenset(t for t in closed if isinstance(t, str)),
        )

    def recorded(self, context: CheckContext, ticket_id: str, what: str) -> None:
        """rebase: a ticket that leaves the plan is recorded as closed."""
        if ticket_id not in self.closed:
            context.flag(
                "rebase",
                ticket_id,
                f"{what}, it is not in this scenario, and reschedule.rebase.closed does not "
                "record it",
            )

    def settled(
        self,
        context: CheckContext,
        old: Assignment | Completed,
        completed: Completed | None,
        new_plan: _NewPlan,
    ) -> bool:
        """Judge a base entry of a closed ticket or a gone engineer (True: judged here)."""
        rs = context.reschedule
        assert rs is not None
        t, ticket_id = context.time, old.ticket
        start, end = t.minute(old.start), t.minute(old.end)
        entry = new_plan.completed.get(ticket_id)
        if ticket_id in self.gone_tickets:
            if entry is None:
                self.recorded(context, ticket_id, "in the base plan")
            elif completed is not None or end <= rs.now:
                check_same_completed(context, ticket_id, entry, (old.engineer, start, end))
            elif start < rs.now:  # running at now: it ends at now, like done
                if (entry.engineer, t.minute(entry.start), t.minute(entry.end)) != (
                    old.engineer,
                    start,
                    rs.now,
                ):
                    context.flag(
                        "rebase",
                        ticket_id,
                        f"closed while running with {old.engineer} since {t.text(start)}: "
                        f"completed must run from its start to now ({t.text(rs.now)})",
                    )
            else:
                context.flag(
                    "rebase", ticket_id, "closed before its planned start, but in completed"
                )
            return True
        return bool(self.gone_engineers & set(members_of(old)))

    def reassigned(self, context: CheckContext, old: Assignment) -> bool:
        """A live base job of a gone engineer is a reassignment (as a cut is)."""
        rs = context.reschedule
        assert rs is not None
        gone = old.ticket in self.gone_tickets
        return not gone and context.time.minute(old.end) > rs.now
