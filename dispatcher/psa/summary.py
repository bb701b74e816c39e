"""What an import did, counted: the summary the command prints and writes atop the
scenario, and its pydantic forms for the Python API (``PsaImport``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from dispatcher.psa.records import Skip


class SkippedRecord(BaseModel):
    what: str  # ticket, member, booking
    id: str
    reason: str
    record: str  # the response file and the record's index


class ImportSummary(BaseModel):
    imported: dict[str, int]
    skipped: list[SkippedRecord]
    defaulted: dict[str, int]


class PsaImport(BaseModel):
    """What ``dispatch import`` makes, for the Python API: the scenario's YAML text, the
    link to the PSA's ids, and the summary. Round-trips through JSON."""

    scenario_yaml: str
    link: dict[str, Any]
    summary: ImportSummary


@dataclass
class Summary:
    """What the import did, counted: printed by the command and written atop the scenario."""

    imported: Counter[str] = field(default_factory=Counter)
    skipped: list[Skip] = field(default_factory=list)
    defaulted: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        counts = ", ".join(f"{n} {what}" for what, n in self.imported.items())
        out = [f"imported {counts or 'nothing'}"]
        reasons = Counter(f"{skip.what}: {skip.reason}" for skip in self.skipped)
        out.append(f"skipped {len(self.skipped)}" + (":" if reasons else ""))
        out += [f"  {n} x {reason}" for reason, n in sorted(reasons.items())]
        total = sum(self.defaulted.values())
        out.append(f"defaulted {total} value(s)" + (":" if total else ""))
        out += [f"  {n} x {what}" for what, n in sorted(self.defaulted.items())]
        return out

    def model(self) -> ImportSummary:
        return ImportSummary(
            imported=dict(self.imported),
            skipped=[
                SkippedRecord(what=s.what, id=s.id, reason=s.reason, record=str(s.origin))
                for s in self.skipped
            ],
            defaulted=dict(self.defaulted),
        )

    def as_dict(self) -> dict[str, Any]:
        return self.model().model_dump(mode="json")
