"""``check_plan``: every rule of the checker, run in one fixed order.

The order is the order of the violations in the report, so it is part of the output:
facts first (their own rules on the way), then each assignment, each engineer's day,
tier caps, unassigned tickets, rescheduling, and last what the plan reports about its
objective and KPIs. Each step's comment names the rules it may find broken.
"""

from __future__ import annotations

from dispatcher.checker.accounting import check_accounting, check_scenario
from dispatcher.checker.assignments import add_history_jobs, check_assignments
from dispatcher.checker.context import CheckContext, CheckInput
from dispatcher.checker.findings import CheckReport
from dispatcher.checker.objective import (
    check_bound,
    check_kpi_tiers,
    check_kpi_travel,
    check_objective,
    recount,
)
from dispatcher.checker.reschedule_block import read_reschedule
from dispatcher.checker.reschedule_rules import (
    check_completed_without_reschedule,
    check_reschedule_rules,
)
from dispatcher.checker.risks import compute_outcomes
from dispatcher.checker.scenario_facts import build_engineer_facts, build_ticket_facts
from dispatcher.checker.tier_caps import check_tier_caps
from dispatcher.checker.unassigned import check_unassigned
from dispatcher.checker.walk import check_overlaps, jobs_by_engineer, walk_travel
from models import Plan


def check_plan(problem: CheckInput, plan: Plan, base: Plan | None = None) -> CheckReport:
    """Re-check ``plan`` against the scenario of ``problem`` (and ``base`` when rescheduled)."""
    context = CheckContext.start(problem, plan, base)
    check_scenario(context)  # scenario_mismatch
    context.reschedule = read_reschedule(context)  # reschedule, bad_added_ticket
    build_engineer_facts(context)  # unknown_engineer
    build_ticket_facts(context)  # bad_added_ticket
    first_assignment = check_accounting(context)  # missing_ticket, duplicate_ticket, unknown_ticket
    compute_outcomes(context, first_assignment)  # the plan carried out against the draws
    # unknown_engineer, not_whole_minute, ineligible, before_opened, window, fixed_start,
    # outside_horizon, outside_shift, overrun, wrong_end, short_job_split_overnight;
    # on a ticket's first: due, risk
    check_assignments(context, first_assignment)
    add_history_jobs(context)  # unknown_engineer
    for engineer_id, jobs in jobs_by_engineer(context).items():
        check_overlaps(context, jobs)  # overlap
        walk_travel(context, context.engineers[engineer_id], jobs)  # travel, travel_minutes
    check_tier_caps(context)  # tier_cap
    check_unassigned(context)  # unassigned_reason, fixed_start, must_assign
    if context.reschedule is not None:
        # done, before_now, completed_changed, previous, running_changed
        check_reschedule_rules(context)
    else:
        check_completed_without_reschedule(context)  # completed_without_reschedule
    tally = recount(context, first_assignment)
    check_objective(context, tally.objective)  # objective
    check_bound(context, tally.objective["total"])  # bound
    check_kpi_travel(context, tally)  # kpi
    check_kpi_tiers(context, tally)  # kpi
    return CheckReport(
        violations=context.violations,
        objective=tally.objective,
        expected_breaches_by_tier=tally.breaches,
        travel_minutes=tally.travel_total,
        outcomes=context.outcomes,
    )
