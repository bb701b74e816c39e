"""ConnectWise PSA requests for a plan's changes: schedule entries of type ``S`` (a
service ticket), created with POST, moved with PATCH (ConnectWise's JSON Patch list of
operations), removed with DELETE; paths relative to ``.../apis/3.0``. A delete without
the entry's id (an entry an earlier push made) carries ``find``: the conditions that
select it, which ``dispatch push`` resolves with a GET first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dispatcher.psa.writeback import Change, psa_number, request_meta, utc_text

ENTRIES = "/schedule/entries"


def _member(change: Change) -> dict[str, Any]:
    member: dict[str, Any] = {"id": psa_number(change.member)}
    if change.login:
        member["identifier"] = change.login
    return member


def requests(changes: Sequence[Change]) -> list[dict[str, Any]]:
    out = []
    for change in changes:
        meta = request_meta(change)
        if change.action == "create":
            assert change.start is not None and change.end is not None
            body: Any = {
                "objectId": psa_number(change.ticket),
                "name": change.summary[:100],
                "member": _member(change),
                "type": {"identifier": "S"},
                "dateStart": utc_text(change.start),
                "dateEnd": utc_text(change.end),
                "allowScheduleConflictsFlag": True,
            }
            out.append({"method": "POST", "path": ENTRIES, "body": body, **meta})
        elif change.action == "update":
            assert change.start is not None and change.end is not None
            body = [
                {"op": "replace", "path": "dateStart", "value": utc_text(change.start)},
                {"op": "replace", "path": "dateEnd", "value": utc_text(change.end)},
            ]
            out.append(
                {"method": "PATCH", "path": f"{ENTRIES}/{change.booking}", "body": body, **meta}
            )
        elif change.booking is not None:
            out.append({"method": "DELETE", "path": f"{ENTRIES}/{change.booking}", **meta})
        else:
            assert change.start is not None
            conditions = (
                f'objectId={change.ticket} and type/identifier="S" and '
                f"member/id={change.member} and dateStart=[{utc_text(change.start)}]"
            )
            out.append(
                {
                    "method": "DELETE",
                    "path": ENTRIES + "/{id}",
                    "find": {"conditions": conditions},
                    **meta,
                }
            )
    return out
