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

Walking and cycling
-------------------
The same straight line × detour at one speed: :func:`walking_model` (4.5 km/h) and
:func:`cycling_model` (15 km/h), used where the local scale needs times instead of its 2 km radius
(:mod:`planner.coverage.reach`). 4.5 km/h is the usual planning value for adults walking
(1.25 m/s; slower for older people), 15 km/h the usual everyday cycling speed on an ordinary bike
in town (pedelecs are faster); both are door-to-door averages of the order that the trip lengths
and durations by mode of *Mobilität in Deutschland 2017* imply (Nobis 2019, *MiD – Analysen zum
Radverkehr und Fußverkehr*, BMVI). The detour factor stays 1.35: paths and short cuts make
walking and cycling routes no longer than driving routes, so the road circuity is an upper end.
Where a road source is configured and holds footways or cycle ways, the local scale walks and
cycles its OSM walk and bike networks instead, at the same speeds
(:func:`planner.traveltime.local_models`; models ``osm-road-walk`` and ``osm-road-bike``).

Every matrix says which model made it: ``TravelMatrix.model`` and ``.description``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from planner.cache import content_hash

__all__ = [
    "CYCLE_SPEED_KMH",
    "DETOUR_FACTOR",
    "SPEED_BANDS_KM",
    "WALK_SPEED_KMH",
    "CrowFlyModel",
    "TravelMatrix",
    "TravelModel",
    "cycling_model",
    "walking_model",
]

#: Crow-fly parameters (see the module docstring for their sources).
DETOUR_FACTOR = 1.35
SPEED_BANDS_KM: tuple[tuple[float, float], ...] = (
    (3.0, 25.0),
    (10.0, 45.0),
    (30.0, 65.0),
    (float("inf"), 80.0),
)
#: Walking and cycling speeds (km/h) of the crow-fly variants (see the module docstring).
WALK_SPEED_KMH = 4.5
CYCLE_SPEED_KMH = 15.0
#: How each mode is named to people (the description of its matrices).
_MODE_WORDS = {"drive": "", "walk": "zu Fuß", "bike": "mit dem Rad"}


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
    mode: str = "drive"
    name: str = field(default="crow-fly", init=False)

    def __post_init__(self) -> None:
        if self.mode not in _MODE_WORDS:
            raise ValueError(f"mode {self.mode!r}: expected one of {', '.join(_MODE_WORDS)}")
        if self.mode != "drive":  # a walking or cycling matrix says so in its model name
            object.__setattr__(self, "name", f"crow-fly-{self.mode}")

    def describe(self) -> str:
        """Human-readable parameters."""
        if self.mode != "drive":
            speed, words = self.bands[-1][1], _MODE_WORDS[self.mode]
            return f"Luftlinie × {self.detour:g} (Umwegfaktor), {words} {speed:g} km/h"
        bands = ", ".join(
            f"bis {upper:g} km {speed:g} km/h"
            if upper != float("inf")
            else f"darüber {speed:g} km/h"
            for upper, speed in self.bands
        )
        return f"Luftlinie × {self.detour:g} (Umwegfaktor), {bands}"

    def fingerprint(self) -> str:
        """Hash of the parameters."""
        # the drive model's hash is unchanged, so its cached matrices stay valid
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

    def radius_m(self, minutes: float) -> float:
        """The straight-line metres within which a trip takes at most ``minutes`` (the inverse
        of the band schedule; time grows strictly with distance, so no pair beyond it can be
        within ``minutes``). Used by the sparse matrices to find candidate pairs."""
        left, lower, road_km = max(float(minutes), 0.0), 0.0, 0.0
        for upper, speed in self.bands:
            band_minutes = (upper - lower) / speed * 60.0
            if left <= band_minutes:
                road_km += left / 60.0 * speed
                break
            road_km, left, lower = road_km + (upper - lower), left - band_minutes, upper
        return road_km / self.detour * 1000.0

    def pair_minutes(self, origins: np.ndarray, destinations: np.ndarray) -> np.ndarray:
        """Minutes for the pairs ``origins[k]`` → ``destinations[k]`` (same arithmetic as
        :meth:`compute`, so a pair has the same minutes in a sparse and a dense matrix)."""
        diff = origins - destinations
        straight_km = np.sqrt((diff**2).sum(axis=1)) / 1000.0
        return self.minutes_for_km(straight_km * self.detour)

    def compute(self, origins: np.ndarray, destinations: np.ndarray) -> TravelMatrix:
        """Matrix from straight-line distances (vectorised; no loop over pairs)."""
        diff = origins[:, None, :] - destinations[None, :, :]
        straight_km = np.sqrt((diff**2).sum(axis=2)) / 1000.0
        road_km = straight_km * self.detour
        return TravelMatrix(self.minutes_for_km(road_km), road_km, self.name, self.describe())


def walking_model(*, speed_kmh: float = WALK_SPEED_KMH) -> CrowFlyModel:
    """The crow-fly model on foot: straight line × detour at ``speed_kmh``."""
    return CrowFlyModel(bands=((float("inf"), speed_kmh),), mode="walk")


def cycling_model(*, speed_kmh: float = CYCLE_SPEED_KMH) -> CrowFlyModel:
    """The crow-fly model by bike: straight line × detour at ``speed_kmh``."""
    return CrowFlyModel(bands=((float("inf"), speed_kmh),), mode="bike")
