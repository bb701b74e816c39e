"""The entry point ``reschedule``: re-plan an old plan from now with events, in the
steps the package describes (situation at now, repair, optimize, changes), and write
the new plan with its ``reschedule`` block."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from typing import Any

from dispatcher.io.history import engineer_without, replace_problem
from dispatcher.io.identity import match_plan
from dispatcher.io.planfile import plan_json
from dispatcher.semantics.evaluate import Job, evaluate
from dispatcher.semantics.problem import Problem
from dispatcher.solver.assemble import build_plan
from dispatcher.solver.budget import Budget
from dispatcher.solver.reschedule.changes import changes_of, tier_costs
from dispatcher.solver.reschedule.commandline import CommandLineClock
from dispatcher.solver.reschedule.events import Events
from dispatcher.solver.reschedule.optimize import optimize
from dispatcher.solver.reschedule.results import RescheduleResult
from dispatcher.solver.reschedule.situation import Hints, Situation, situation_at
from dispatcher.solver.solve import SolveOptions
from models import Plan

log = logging.getLogger(__name__)


def reschedule(
    problem: Problem,
    old: Plan,
    now: dt.datetime | str,
    events: Events | None = None,
    options: SolveOptions | None = None,
    *,
    plan_name: str = "<plan>",
    must_assign: bool = False,
    hints: Hints | None = None,
) -> RescheduleResult:
    """Re-plan ``old`` from ``now`` with ``events``; the new plan and what changed.

    With ``must_assign`` the added tickets are assigned whenever someone can take them;
    ``hints``: what a rebase (``rebase.rebase``) adds beyond the events.
    """
    options = options or SolveOptions(time_limit=5.0)
    # The limit counts from ``options.started`` (the command line: the command's start, so
    # loading the scenario and the plan counts), else from here; with one worker every
    # deadline is read from the deterministic work clock (the wall clock only as the
    # backstop), so the same input, seed and limit give the same plan on a busy machine too.
    budget = Budget.start(
        options.time_limit, options.started, options.workers, len(problem.tickets)
    )
    started = budget.started
    events = events or Events()
    match_plan(problem, old, plan_name)
    sit, before_problem, old_assignments, old_completed, old_pieces = situation_at(
        problem, old, now, events, plan_name, must_assign
    )
    if hints is not None:
        hints.apply(sit, CommandLineClock(sit.problem, events.wording.source))
    sit.clock = budget.clock
    jobs, evaluation, status = optimize(sit, options, budget)
    if budget.one_worker:
        log.info(
            "one worker: %.2f s of counted work (the deterministic clock), %.2f s of wall time",
            budget.now() - started,
            budget.elapsed(),
        )
    _, reassigned, moved = sit.disruption(jobs)
    all_jobs = sorted(
        [*sit.running, *jobs], key=lambda j: (j.start, sit.problem.tickets[j.ticket].id)
    )
    reschedule_block = _reschedule_block(sit, old, reassigned, moved)
    previous_of = _previous_of(sit, old_assignments)
    plan = build_plan(
        sit.problem,
        all_jobs,
        evaluation,
        status=status,
        time_s=time.monotonic() - started,
        bound=None,
        seed=options.seed,
        completed=sit.completed,
        previous=previous_of,
        reschedule=reschedule_block,
        not_before={t: sit.now for t in sit.free},
        reasons=_held(sit),
    )
    changes = changes_of(sit, old_assignments, all_jobs)
    old_done = set(old_completed)
    changes.completed = [
        sit.problem.tickets[j.ticket].id for j in sit.completed if j not in old_done
    ]
    # The old plan as it stands at now without the events: work ended by now is done and
    # adds nothing, running work goes on, the rest as planned (the same footing as after).
    at = sit.now
    before = evaluate(
        before_problem,
        [j for j in old_assignments if j.end > at],
        completed=[*old_completed, *(j for j in old_assignments if j.end <= at)],
        history=old_pieces,
        now=at,
        running={j.ticket: at for j in old_assignments if j.start < at < j.end},
    )
    changes.before = tier_costs(before_problem, [j for j in old_assignments if j.end > at], before)
    changes.after = tier_costs(sit.problem, all_jobs, evaluation)
    return RescheduleResult(plan, changes, sit.problem, all_jobs, evaluation)


def _reschedule_block(sit: Situation, old: Plan, reassigned: int, moved: int) -> dict[str, Any]:
    """The new plan's ``reschedule`` block: now, the plan it came from, every added ticket,
    this round's events, the earlier rounds, and how many jobs it reassigned and moved."""
    block = old.reschedule or {}
    history = [r for r in block.get("history") or [] if isinstance(r, dict)]
    if block:
        round_ = {"now": block.get("now"), "events": block.get("events") or []}
        if block.get("rebase"):  # a rebased plan's record of the export stays in its history
            round_["rebase"] = block["rebase"]
        history.append(round_)
    return {
        "now": sit.problem.instant(sit.now).isoformat(),
        "base_plan_sha256": hashlib.sha256(plan_json(old).encode("utf-8")).hexdigest(),
        "added_tickets": sit.added,
        "events": sit.events,
        "history": history,
        "reassigned": reassigned,
        "moved": moved,
    }


def _previous_of(sit: Situation, old_assignments: list[Job]) -> dict[int, tuple[Any, ...]]:
    """Where the old plan had each job that was still live at now: (engineer id, start,
    the other crew members' ids)."""
    previous_of: dict[int, tuple[Any, ...]] = {}
    for job in old_assignments:
        if (
            job.ticket in sit.previous
            or job.ticket in sit.cut
            or any(r.ticket == job.ticket for r in sit.running)
        ):
            previous_of[job.ticket] = (
                sit.problem.engineers[job.engineer].id,
                sit.problem.instant(job.start),
                [sit.problem.engineers[member].id for member in job.crew],
            )
    for ticket, (lead, start, crew) in sit.gone_previous.items():
        previous_of[ticket] = (lead, sit.problem.instant(start), list(crew))
    return previous_of


def _held(sit: Situation) -> Problem:
    """The problem with the time running work still holds taken out of its engineer's
    shifts: what an unassigned ticket is judged against after a reschedule (a booked
    appointment an overrunning job runs into cannot be kept)."""
    engineers = list(sit.problem.engineers)
    for job in sit.running:
        for member in job.members:
            engineers[member] = engineer_without(
                engineers[member], max(job.start, sit.now), job.end
            )
    return replace_problem(sit.problem, engineers=engineers)
