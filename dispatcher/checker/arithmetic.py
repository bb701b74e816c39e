"""The checker's own arithmetic: shifts as minute spans (where work of so many shift
minutes ends, how many shift minutes lie in a span, shifts less an absence), the
lognormal overrun risk, great-circle travel, and the tolerance of reported numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from models.scenario import Scenario

RELATIVE_TOLERANCE = 1e-4
ABSOLUTE_TOLERANCE = 1e-6
EARTH_RADIUS_KM = 6371.0

# --------------------------------------------------------------------------- shifts


@dataclass(frozen=True)
class Shift:
    """One shift (or the piece of one left by an absence) as instants [start, end)."""

    start: int
    end: int
    day: dt.date  # the travel "day": local date of the (original) shift's start


def shift_of_start(shifts: list[Shift], instant: int) -> Shift | None:
    """The shift a job starting at ``instant`` starts in."""
    for shift in shifts:
        if shift.start <= instant < shift.end:
            return shift
    return None


def shift_of_end(shifts: list[Shift], instant: int) -> Shift | None:
    """The shift a job ending at ``instant`` ends in."""
    for shift in shifts:
        if shift.start < instant <= shift.end:
            return shift
    return None


def shift_minutes(shifts: list[Shift], start: int, end: int) -> int:
    """Shift minutes inside [start, end]."""
    return sum(max(0, min(shift.end, end) - max(shift.start, start)) for shift in shifts)


def finish(shifts: list[Shift], start: int, work: int) -> int | None:
    """Where ``work`` shift minutes begun at ``start`` end (None: past the last shift)."""
    still_needed = work
    for shift in shifts:
        if shift.end <= start:
            continue
        begin = max(shift.start, start)
        if shift.end - begin >= still_needed:
            return begin + still_needed
        still_needed -= shift.end - begin
    return None


def shifts_without(shifts: list[Shift], cut_from: int, cut_to: int) -> list[Shift]:
    """Shifts less [cut_from, cut_to); the pieces keep their shift's travel day."""
    pieces: list[Shift] = []
    for shift in shifts:
        if cut_to <= shift.start or cut_from >= shift.end:
            pieces.append(shift)
            continue
        if shift.start < cut_from:
            pieces.append(Shift(shift.start, cut_from, shift.day))
        if cut_to < shift.end:
            pieces.append(Shift(cut_to, shift.end, shift.day))
    return pieces


# --------------------------------------------------------------------------- travel


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in km."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def is_close(reported: float, expected: float) -> bool:
    """A reported number agrees with the recomputed one within the tolerances."""
    difference = abs(reported - expected)
    return difference <= ABSOLUTE_TOLERANCE or difference <= RELATIVE_TOLERANCE * max(
        abs(reported), abs(expected)
    )


class TravelTimes:
    """Travel minutes between two sites: the scenario's matrix row, else the formula."""

    def __init__(
        self,
        scenario: Scenario,
        site_ids: Sequence[str],
        matrix: Mapping[tuple[int, int], int],
    ) -> None:
        self.scenario = scenario
        self.site_index = {site: i for i, site in enumerate(site_ids)}
        self.matrix: dict[tuple[int, int], int] = dict(matrix)

    def minutes(self, origin: str, destination: str) -> int:
        """Minutes from site ``origin`` to site ``destination``."""
        if origin == destination:
            return 0
        key = (self.site_index.get(origin, -1), self.site_index.get(destination, -1))
        if key in self.matrix:
            return self.matrix[key]
        a, b = self.scenario.sites[origin], self.scenario.sites[destination]
        km = haversine_km(a.lat, a.lon, b.lat, b.lon)
        policy = self.scenario.policy
        return math.ceil(km * policy.road_factor / policy.travel_speed_kmh * 60 - 1e-9)
