"""Travel-time models: the matrix type, the model protocol and the crow-fly model.

Crow-fly model
--------------
``time = f(detour × straight-line distance)``, where the road distance is driven at speeds that rise
with distance (short trips run through villages, long ones use Bundesstraßen and the A7/A210/A215):

==================  ===========
road-distance band  speed
==================  ===========
0–3 km              25 km/h
3–10 km             45 km/h
10–30 km            65 km/h
over 30 km          80 km/h
==================  ===========

Each band's kilometres are driven at that band's speed (like a tax schedule), so time grows smoothly
and monotonically with distance. The detour factor 1.35 is the usual circuity of rural road networks
(Ballou, Rahardja & Sakai 2002, *Transportation Research A* 36: 843–848, report 1.2–1.4 for
European countries; Boscoe, Henry & Zdeb 2012, *Professional Geographer* 64: 188–196, find about
1.4 for short trips). Speeds are typical free-flow averages for German rural roads (Richtlinien für
integrierte Netzgestaltung, RIN 2008, target speeds for LS II–IV). The module's test compares the
model with the OSM road network of the Kiel extract and reports the ratio.

Every matrix says which model made it: ``TravelMatrix.model`` and ``.description``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from planner.cache import content_hash

__all__ = [
    "DETOUR_FACTOR",
    "SPEED_BANDS_KM",
    "CrowFlyModel",
    "TravelMatrix",
    "TravelModel",
]

#: Crow-fly parameters (see the module docstring for their sources).
DETOUR_FACTOR = 1.35
SPEED_BANDS_KM: tuple[tuple[float, float], ...] = (
    (3.0, 25.0),
    (10.0, 45.0),
    (30.0, 65.0),
    (float("inf"), 80.0),
)


@dataclass(frozen=True)
class TravelMatrix:
    """Travel times and road distances from ``n`` origins to ``m`` destinations."""

    minutes: np.ndarray  # (n, m)
    km: np.ndarray  # (n, m)
    model: str  # "crow-fly" | "osm-road"
    description: str


class TravelModel(Protocol):
    """Anything that turns origins × destinations (EPSG:25832 metres) into a matrix."""

    @property
    def name(self) -> str:
        """Short model name: ``crow-fly`` or ``osm-road``."""
        ...

    def describe(self) -> str:
        """One line for people: which model, with which parameters or graph."""
        ...

    def fingerprint(self) -> str:
        """Content hash of the model's parameters or graph (part of the cache key)."""
        ...

    def compute(self, origins: np.ndarray, destinations: np.ndarray) -> TravelMatrix:
        """The matrix, uncached."""
        ...


@dataclass(frozen=True)
class CrowFlyModel:
    """Straight-line distance × detour factor, driven at distance-band speeds."""

    detour: float = DETOUR_FACTOR
    bands: tuple[tuple[float, float], ...] = SPEED_BANDS_KM
    name: str = field(default="crow-fly", init=False)

    def describe(self) -> str:
        """Human-readable parameters."""
        bands = ", ".join(
            f"bis {upper:g} km {speed:g} km/h"
            if upper != float("inf")
            else f"darüber {speed:g} km/h"
            for upper, speed in self.bands
        )
        return f"Luftlinie × {self.detour:g} (Umwegfaktor), {bands}"

    def fingerprint(self) -> str:
        """Hash of the parameters."""
        return content_hash(self.name, self.detour, [list(b) for b in self.bands])

    def minutes_for_km(self, road_km: np.ndarray) -> np.ndarray:
        """Driving minutes for road distances, band by band."""
        minutes = np.zeros_like(road_km, dtype=float)
        lower = 0.0
        for upper, speed in self.bands:
            in_band = np.clip(road_km - lower, 0.0, upper - lower)
            minutes += in_band / speed * 60.0
            lower = upper
        return minutes

    def compute(self, origins: np.ndarray, destinations: np.ndarray) -> TravelMatrix:
        """Matrix from straight-line distances (vectorised; no loop over pairs)."""
        diff = origins[:, None, :] - destinations[None, :, :]
        straight_km = np.sqrt((diff**2).sum(axis=2)) / 1000.0
        road_km = straight_km * self.detour
        return TravelMatrix(self.minutes_for_km(road_km), road_km, self.name, self.describe())
