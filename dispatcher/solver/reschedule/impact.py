"""Impact pricing: what taking a job from now would cost the other tickets, from the
best re-plan without it and the best with it (``impact``)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from dispatcher.semantics.problem import Problem
from dispatcher.solver.reschedule.events import (
    COMMAND_LINE_WORDING,
    AddedTickets,
    Events,
    Wording,
)
from dispatcher.solver.reschedule.replan import reschedule
from dispatcher.solver.reschedule.results import Impact, RescheduleResult
from dispatcher.solver.solve import SolveOptions
from models import Plan

PUSH_THRESHOLD = 0.1  # a rise in breach risk (response + resolution) worth naming


def impact(
    problem: Problem,
    old: Plan,
    now: dt.datetime | str,
    job: AddedTickets,
    options: SolveOptions | None = None,
    *,
    plan_name: str = "<plan>",
    wording: Wording = COMMAND_LINE_WORDING,
) -> Impact:
    """Re-plan from ``now`` without, then with, the job (assigned whenever possible).

    A crew job whose ticket gives ``effort_solo`` is also priced sent to one engineer with
    that effort (``Impact.solo``): two engineers for three hours, or one for six?
    ``wording``: how errors (and what would make the job fit) name ``now``."""

    def taking(added: AddedTickets) -> RescheduleResult:
        """The best re-plan with ``added``, assigned whenever possible."""
        events = Events(add=[added], wording=wording)
        return reschedule(problem, old, now, events, options, plan_name=plan_name, must_assign=True)

    without = reschedule(problem, old, now, Events(wording=wording), options, plan_name=plan_name)
    with_job = taking(job)
    alone = _sent_alone(job)
    solo = None if alone is None else taking(alone)
    ids = [ticket.id for ticket in job.tickets]
    placed = {a.ticket: a for a in with_job.plan.assignments}
    first = placed.get(ids[0]) if ids else None
    protected = _protected_tiers(problem, with_job.problem, ids)
    risk_without = _breach_risks(without)
    risk_with = _breach_risks(with_job)
    pushed = sorted(
        (
            (ticket, risk_without[ticket], risk_with[ticket])
            for ticket in risk_without
            if ticket in risk_with
            and with_job.problem.tickets[with_job.problem.ticket_index[ticket]].tier in protected
            and risk_with[ticket] - risk_without[ticket] >= PUSH_THRESHOLD
        ),
        key=lambda item: (item[1] - item[2], item[0]),
    )
    return Impact(
        without,
        with_job,
        ids,
        None if first is None else first.engineer,
        None if first is None else first.start,
        pushed,
        solo,
        now_option=wording.option("now"),
    )


def _sent_alone(job: AddedTickets) -> AddedTickets | None:
    """The job file with its first ticket, a crew job giving ``effort_solo``, done by one
    engineer with that effort; None if there is no such ticket."""
    if not job.tickets:
        return None
    first = job.tickets[0]
    if first.crew == 1 or first.effort_solo is None:
        return None
    alone = first.model_copy(update={"crew": 1, "effort": first.effort_solo, "effort_solo": None})
    return dataclasses.replace(job, tickets=[alone, *job.tickets[1:]])


def _protected_tiers(problem: Problem, after: Problem, ids: list[str]) -> set[str]:
    """The managed tier if the scenario has one, else every tier but the job's own."""
    tiers = set(problem.scenario.weights.tiers)
    if "managed" in tiers:
        return {"managed"}
    own = {after.tickets[after.ticket_index[i]].tier for i in ids}
    return tiers - own


def _breach_risks(result: RescheduleResult) -> dict[str, float]:
    """Per ticket still open: response + resolution risk (unassigned ones included)."""
    tickets = result.problem.tickets
    risks = {
        tickets[index].id: cost.response_risk + cost.resolution_risk
        for index, cost in result.evaluation.jobs.items()
    }
    for index, (respond, resolve) in result.evaluation.unassigned_risk.items():
        risks[tickets[index].id] = respond + resolve
    return risks
