"""Travel minutes between sites: the scenario's matrix, else the haversine formula."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


class TravelTable:
    """travel(a, b) in whole minutes between site indices."""

    def __init__(
        self,
        coordinates: list[tuple[float, float]],
        matrix: dict[tuple[int, int], int],
        speed_kmh: float,
        road_factor: float,
    ) -> None:
        self.coordinates = coordinates
        self.matrix = matrix
        self.speed_kmh = speed_kmh
        self.road_factor = road_factor
        self._cache: dict[tuple[int, int], int] = {}

    def __call__(self, origin: int, destination: int) -> int:
        if origin == destination:
            return 0
        key = (origin, destination)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        minutes = self.matrix.get(key)
        if minutes is None:
            (lat1, lon1), (lat2, lon2) = self.coordinates[origin], self.coordinates[destination]
            km = haversine_km(lat1, lon1, lat2, lon2)
            minutes = math.ceil(km * self.road_factor / self.speed_kmh * 60 - 1e-9)
        self._cache[key] = minutes
        return minutes
