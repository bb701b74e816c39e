"""Autotask PSA requests for a plan's changes: service calls, paths relative to
``https://webservicesN.autotask.net/atservicesrest/v1.0``, times in UTC
(``2026-11-30T09:28:00Z``).

A new visit is three requests, one service call per (ticket, resource):

1. ``POST /ServiceCalls`` with ``companyID`` (the ticket's company, from the link file),
   ``description``, ``startDateTime`` and ``endDateTime``;
2. ``POST /ServiceCalls/{id}/Tickets`` with ``serviceCallID`` and ``ticketID`` (a
   ServiceCallTicket);
3. ``POST /ServiceCallTickets/{id}/Resources`` with ``serviceCallTicketID`` and
   ``resourceID`` (a ServiceCallTicketResource).

Requests 2 and 3 need the id the one before created. They carry the placeholder
``"{ref:N}"`` (in the path and as a body value) where ``N`` is the index, in this
document's ``requests`` list, of the request whose answer gives that id: Autotask answers
a create with ``{"itemId": 123}``, and the pusher replaces ``"{ref:N}"`` by that number
(a body value becomes the integer) before it sends the request.

A moved visit is ``PATCH /ServiceCalls`` with ``id``, ``startDateTime`` and ``endDateTime``;
a call that holds several tickets or resources (its booking key ends ``/shared``) moves
for all of them. A visit no longer planned is ``DELETE /ServiceCalls/{id}`` when the call
is the visit's alone, else ``DELETE /ServiceCallTickets/{parentId}/Resources/{id}`` (the
resource leaves the call; the call stays for the others). A delete of a call an earlier
push created (no id in the link file) has path ``/ServiceCalls/{id}`` and ``find``: the
pusher looks up the ServiceCallTickets with that ``ticketID``, their service calls with
that ``startDateTime``, and keeps the one whose ServiceCallTicketResource has that
``resourceID``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dispatcher.errors import InputError
from dispatcher.psa.writeback import Change, psa_number, request_meta, utc_text

CALLS = "/ServiceCalls"
DESCRIPTION_LENGTH = 2000


def ref(index: int) -> str:
    """The placeholder for the id that request ``index`` creates."""
    return "{ref:" + str(index) + "}"


def _create(change: Change, first_index: int) -> list[dict[str, Any]]:
    assert change.start is not None and change.end is not None
    if change.company is None:
        raise InputError.single(
            "link file",
            f"ticket {change.ticket} has no company in the link file: a service call needs "
            "one (import again)",
        )
    meta = request_meta(change)
    call, call_ticket = ref(first_index), ref(first_index + 1)
    return [
        {
            "method": "POST",
            "path": CALLS,
            "body": {
                "companyID": psa_number(change.company),
                "description": change.summary[:DESCRIPTION_LENGTH],
                "startDateTime": utc_text(change.start),
                "endDateTime": utc_text(change.end),
            },
            **meta,
        },
        {
            "method": "POST",
            "path": f"{CALLS}/{call}/Tickets",
            "body": {"serviceCallID": call, "ticketID": psa_number(change.ticket)},
            **meta,
        },
        {
            "method": "POST",
            "path": f"/ServiceCallTickets/{call_ticket}/Resources",
            "body": {"serviceCallTicketID": call_ticket, "resourceID": psa_number(change.member)},
            **meta,
        },
    ]


def booking_ids(key: str) -> tuple[str, str | None, str | None, bool]:
    """(service call, service call ticket, service call ticket resource, shared) from a
    booking key the Autotask import wrote; a bare id is a service call's."""
    parts = key.split("/")
    shared = parts[-1] == "shared"
    if shared:
        parts = parts[:-1]
    if len(parts) == 3:
        return parts[0], parts[1], parts[2], shared
    return parts[0], None, None, shared


def requests(changes: Sequence[Change]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for change in changes:
        meta = request_meta(change)
        if change.action == "create":
            out += _create(change, len(out))
        elif change.action == "update":
            assert change.start is not None and change.end is not None
            assert change.booking is not None
            call = booking_ids(change.booking)[0]
            body = {
                "id": psa_number(call),
                "startDateTime": utc_text(change.start),
                "endDateTime": utc_text(change.end),
            }
            out.append({"method": "PATCH", "path": CALLS, "body": body, **meta})
        elif change.booking is not None:
            call, call_ticket, link, shared = booking_ids(change.booking)
            path = (
                f"/ServiceCallTickets/{call_ticket}/Resources/{link}"
                if shared and call_ticket is not None
                else f"{CALLS}/{call}"
            )
            out.append({"method": "DELETE", "path": path, **meta})
        else:
            assert change.start is not None
            find = {
                "ticketID": psa_number(change.ticket),
                "resourceID": psa_number(change.member),
                "startDateTime": utc_text(change.start),
            }
            out.append({"method": "DELETE", "path": CALLS + "/{id}", "find": find, **meta})
    return out
