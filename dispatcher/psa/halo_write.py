"""HaloPSA requests for a plan's changes: appointments on tickets, created and updated
with ``POST /api/Appointment`` (Halo's body is a JSON list of appointments; an update
carries the appointment's ``id``, a create none), removed with
``DELETE /api/Appointment/{id}``; paths relative to ``https://<tenant>.halopsa.com``.

Times go out as ISO 8601 in UTC with a ``Z`` (``2026-11-30T09:28:00Z``): Halo keeps
appointment times in UTC. A delete without the appointment's id (one an earlier push
made) carries ``find``: the ``GET /api/Appointment`` query and the values that select it,
which ``dispatch push`` resolves first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dispatcher.psa.writeback import Change, psa_number, request_meta, utc_text

APPOINTMENTS = "/api/Appointment"


def requests(changes: Sequence[Change]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for change in changes:
        meta = request_meta(change)
        if change.action in ("create", "update"):
            assert change.start is not None and change.end is not None
            appointment: dict[str, Any] = {}
            if change.action == "update":
                assert change.booking is not None
                appointment["id"] = psa_number(change.booking)
            appointment.update(
                {
                    "ticket_id": psa_number(change.ticket),
                    "agent_id": psa_number(change.member),
                    "start_date": utc_text(change.start),
                    "end_date": utc_text(change.end),
                }
            )
            if change.action == "create":
                appointment["subject"] = change.summary[:250]
            out.append({"method": "POST", "path": APPOINTMENTS, "body": [appointment], **meta})
        elif change.booking is not None:
            out.append({"method": "DELETE", "path": f"{APPOINTMENTS}/{change.booking}", **meta})
        else:
            assert change.start is not None
            find = {
                "path": APPOINTMENTS,
                "query": {
                    "ticket_id": psa_number(change.ticket),
                    "agent_id": psa_number(change.member),
                },
                "match": {"start_date": utc_text(change.start)},
            }
            out.append({"method": "DELETE", "path": APPOINTMENTS + "/{id}", "find": find, **meta})
    return out
