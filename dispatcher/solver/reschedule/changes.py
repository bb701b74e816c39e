"""What a reschedule changed: each ticket kept, moved, reassigned, newly assigned or
newly unassigned (``changes_of``), and the objective and expected breaches per tier
(``tier_costs``) for the before-and-after table."""

from __future__ import annotations

from collections import defaultdict

from dispatcher.semantics.evaluate import Evaluation, Job, unassigned_cost
from dispatcher.semantics.problem import Problem
from dispatcher.solver.reschedule.results import Changes, TierCost
from dispatcher.solver.reschedule.situation import Situation


def tier_costs(problem: Problem, jobs: list[Job], evaluation: Evaluation) -> dict[str, TierCost]:
    """The objective and expected breaches split by tier (disruption left out)."""
    weights = problem.weights
    result: dict[str, TierCost] = defaultdict(TierCost)
    for job in jobs:
        ticket = problem.tickets[job.ticket]
        cost = evaluation.jobs[job.ticket]
        tier = result[ticket.tier]
        tier.expected_breaches += cost.response_risk + cost.resolution_risk
        tier.objective += ticket.weight * (
            weights.response * cost.response_risk + weights.resolution * cost.resolution_risk
        )
        tier.objective += ticket.weight * weights.late_per_hour * cost.lateness_minutes / 60
        tier.objective += weights.travel_per_hour * (cost.travel + sum(cost.crew_travel)) / 60
        if ticket.preferred and ticket.preferred.isdisjoint(job.members):
            tier.objective += weights.preference
    for index, (respond, resolve) in evaluation.unassigned_risk.items():  # SPEC v2 costs
        ticket = problem.tickets[index]
        tier = result[ticket.tier]
        tier.expected_breaches += respond + resolve
        tier.objective += unassigned_cost(problem, ticket)
    return dict(sorted(result.items()))


def changes_of(sit: Situation, old_assignments: list[Job], jobs: list[Job]) -> Changes:
    problem = sit.problem
    instant = problem.instant
    changes = Changes()
    running = {job.ticket for job in sit.running}
    live = {
        job.ticket: job
        for job in old_assignments
        if job.ticket in sit.previous or job.ticket in sit.cut or job.ticket in running
    }
    new = {job.ticket: job for job in jobs}
    for ticket in sorted({*sit.free, *running}, key=lambda t: problem.tickets[t].id):
        name = problem.tickets[ticket].id
        before, after = live.get(ticket), new.get(ticket)
        gone = sit.gone_previous.get(ticket)
        if before is None and gone is not None:  # its engineer left the new scenario
            was = "+".join((gone[0], *gone[2]))
            if after is None:
                changes.newly_unassigned.append((name, was))
            else:
                changes.reassigned.append((name, was, _who(problem, after)))
            continue
        if before is None:
            if after is not None:
                changes.newly_assigned.append((name, _who(problem, after), instant(after.start)))
            continue
        old_engineer = _who(problem, before)
        if after is None:
            changes.newly_unassigned.append((name, old_engineer))
        elif set(after.members) != set(before.members) or ticket in sit.cut:
            changes.reassigned.append((name, old_engineer, _who(problem, after)))
        elif after.start != before.start:
            changes.moved.append((name, old_engineer, instant(before.start), instant(after.start)))
        else:
            changes.kept.append(name)
    return changes


def _who(problem: Problem, job: Job) -> str:
    """The job's engineer, or a crew's members joined with '+' (the lead first)."""
    return "+".join(problem.engineers[member].id for member in job.members)
