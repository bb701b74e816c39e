"""Reading the plan's reschedule block: its 'now', the tickets it added (its own and
the base plan's), and the absences, overruns and cuts of this round and of the earlier
rounds in its history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from dispatcher.checker.clock import Timeline
from dispatcher.checker.context import CheckContext
from dispatcher.checker.facts import Reschedule, rebased_from
from models.scenario import Ticket


def instant(time: Timeline, value: object) -> int | None:
    """An instant of the block (datetime or ISO text) in minutes; None if unreadable."""
    if isinstance(value, dt.datetime):
        return time.minute(value)
    if isinstance(value, str):
        try:
            return time.minute(dt.datetime.fromisoformat(value))
        except ValueError:
            return None
    return None


def read_reschedule(context: CheckContext) -> Reschedule | None:
    """The reschedule block as facts (None: the plan is no reschedule, or has no 'now')."""
    block = context.plan.reschedule
    if block is None:
        if context.base is not None:
            context.flag(
                "reschedule",
                None,
                "checked against a base plan, but the plan has no reschedule block "
                "(its 'now' is unknown)",
            )
        return None
    now = instant(context.time, block.get("now"))
    if now is None:
        context.flag("reschedule", None, "the reschedule block has no readable 'now' instant")
        return None
    result = Reschedule(now=now)
    _read_added_tickets(context, block, result)
    for earlier in block.get("history") or []:
        if isinstance(earlier, dict):
            _read_past_round(context, earlier, result)
    for event in block.get("events") or []:
        if isinstance(event, dict):
            _read_event(context, event, now, result)
    return result


def _read_added_tickets(context: CheckContext, block: dict[str, Any], result: Reschedule) -> None:
    """The tickets this reschedule added, and those an earlier one added to the base plan."""
    added = list(block.get("added_tickets") or [])
    # A rebased plan's base belongs to another scenario: its tickets are matched by id
    # (the rebase rules), not added to this plan's.
    if context.base is not None and context.base.reschedule and not rebased_from(context.plan):
        # Tickets added by an earlier reschedule belong to the ticket set as well.
        known = {item.get("id") for item in added if isinstance(item, dict)}
        for item in context.base.reschedule.get("added_tickets") or []:
            if isinstance(item, dict) and item.get("id") not in known:
                added.append(item)
    for index, item in enumerate(added):
        try:
            result.added.append(Ticket.model_validate(item))
        except ValidationError as exc:
            context.flag(
                "bad_added_ticket",
                item.get("id") if isinstance(item, dict) else None,
                f"added ticket #{index + 1} is not a valid ticket: {exc.errors()[0]['msg']}",
            )


def _read_event(context: CheckContext, event: dict[str, Any], now: int, result: Reschedule) -> None:
    """One event of this round: a ticket done, an overrun, or an absence and its cuts."""
    time = context.time
    kind = event.get("type")
    if kind == "done" and isinstance(event.get("ticket"), str):
        result.done.add(event["ticket"])
    elif kind == "overrun" and isinstance(event.get("ticket"), str):
        until = instant(time, event.get("until"))
        result.overrun[event["ticket"]] = (until if until is not None else now, now)
    elif kind == "unavailable" and isinstance(event.get("engineer"), str):
        start = instant(time, event.get("from"))
        end = instant(time, event.get("to"))
        result.unavailable.append(
            (
                event["engineer"],
                now if start is None else start,
                time.end if end is None else end,
                now,
            )
        )
        for cut in event.get("cut") or []:
            if not isinstance(cut, dict) or not isinstance(cut.get("ticket"), str):
                continue
            cut_start, cut_end = (
                instant(time, cut.get("start")),
                instant(time, cut.get("end")),
            )
            if cut_start is not None:
                result.cuts.setdefault(cut["ticket"], []).append(
                    (
                        str(cut.get("engineer", event["engineer"])),
                        cut_start,
                        now if cut_end is None else cut_end,
                    )
                )


def _read_past_round(context: CheckContext, earlier: dict[str, Any], result: Reschedule) -> None:
    """Facts that outlive an earlier reschedule: absences, overruns and cuts."""
    time = context.time
    then = instant(time, earlier.get("now"))
    if then is None:
        context.flag("reschedule", None, "a round of the reschedule history has no 'now'")
        return
    for event in earlier.get("events") or []:
        if not isinstance(event, dict):
            continue
        kind = event.get("type")
        if kind == "overrun" and isinstance(event.get("ticket"), str):
            until = instant(time, event.get("until"))
            result.overrun[event["ticket"]] = (then if until is None else until, then)
        if kind != "unavailable" or not isinstance(event.get("engineer"), str):
            continue
        start, end = instant(time, event.get("from")), instant(time, event.get("to"))
        result.unavailable.append(
            (
                event["engineer"],
                then if start is None else start,
                time.end if end is None else end,
                then,
            )
        )
        for cut in event.get("cut") or []:
            if isinstance(cut, dict) and isinstance(cut.get("ticket"), str):
                cut_start, cut_end = (
                    instant(time, cut.get("start")),
                    instant(time, cut.get("end")),
                )
                if cut_start is not None:
                    result.past_cuts.append(
                        (
                            cut["ticket"],
                            str(cut.get("engineer", event["engineer"])),
                            cut_start,
                            then if cut_end is None else cut_end,
                        )
                    )
