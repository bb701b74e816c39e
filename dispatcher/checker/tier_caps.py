"""Tier caps: at no minute do more jobs of a tier run at once than its cap allows; a crew
job (on the day of each member) is one job."""

from __future__ import annotations

from dispatcher.checker.context import CheckContext


def check_tier_caps(context: CheckContext) -> None:
    """tier_cap: no more jobs of a tier at once than the policy's cap."""
    for tier, cap in context.scenario.policy.tier_caps.items():
        events: list[tuple[int, int, str]] = []
        counted: set[tuple[str, int, int]] = set()
        for job in context.jobs:
            facts = context.tickets.get(job.ticket)
            if (job.ticket, job.start, job.end) in counted:
                continue  # another member's share of a crew job: one job
            counted.add((job.ticket, job.start, job.end))
            if facts is not None and facts.tier == tier and job.end > job.start:
                events.append((job.start, 1, job.ticket))
                events.append((job.end, -1, job.ticket))
        # At one minute, a job ending leaves before one starting: intervals are [S, F).
        events.sort(key=lambda event: (event[0], event[1]))
        running: list[str] = []
        for minute, change, ticket_id in events:
            if change < 0:
                running.remove(ticket_id)
                continue
            running.append(ticket_id)
            if len(running) > cap:
                context.flag(
                    "tier_cap",
                    ticket_id,
                    f"at {context.time.text(minute)} {len(running)} {tier} jobs run at once "
                    f"({', '.join(running)}); the cap is {cap}",
                )
