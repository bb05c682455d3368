"""Places where people already are: a site's *pull*, and past stops as candidate sites.

The project's own reports say the stops where people already were drew the most visitors: a
supermarket car park where the Amt held office hours, a market square, market days. No shop or
market data is in the shared sources, so a town or village centre is recognised by what is there:
bus and rail stops, schools, the register's urbanisation and the seat of the Amt.

**Pull** (0..1) is a weighted mean of these parts, each 0..1:

=================  ======  ========================================================================
part               weight  value
=================  ======  ========================================================================
``transit``        0.30    public-transport stops within 500 m, ``min(n / 8, 1)`` (a centre's
                           bus stops cluster; 8 or more is a town centre or a hub)
``rail``           0.15    a railway station within 1 km (1 or 0)
``schools``        0.15    schools within 1 km, ``min(n / 2, 1)`` (families pass by)
``urbanisation``   0.20    register class of the municipality: 1 dense → 1.0, 2 intermediate →
                           0.6, 3 thinly populated → 0.2
``seat``           0.10    the municipality is the seat of its administration where the data says
                           so: an amtsfreie Gemeinde (its own administration), or a municipality
                           the Amt is named after (Amt Bordesholm → Bordesholm, Bokhorst-Wankendorf
                           → Wankendorf), and the site lies within 1.5 km of the municipality's
                           official midpoint (its centre, not anywhere in a city); 0 otherwise —
                           an Amt named after a landscape (Probstei) has no known seat
``visibility``     0.10    planner fact: high 1, medium 0.5, low 0; left out (its weight shared
                           by the others) while unknown
=================  ======  ========================================================================

Past stops with a known location become candidate sites (:func:`past_stop_sites`); the shared
past-stops file gives no coordinates today, so there are none (the function says so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

__all__ = [
    "PULL_WEIGHTS",
    "PastStopSites",
    "amt_seats",
    "past_stop_sites",
    "pull_parts",
    "site_pull",
]

#: Weight of each part of the pull (they add up to 1).
PULL_WEIGHTS: Final = {
    "transit": 0.30,
    "rail": 0.15,
    "schools": 0.15,
    "urbanisation": 0.20,
    "seat": 0.10,
    "visibility": 0.10,
}
#: Radii (m) and saturation counts of the parts.
TRANSIT_RADIUS_M: Final = 500.0
TRANSIT_FULL: Final = 8
RAIL_RADIUS_M: Final = 1_000.0
SCHOOL_RADIUS_M: Final = 1_000.0
SCHOOLS_FULL: Final = 2
SEAT_RADIUS_M: Final = 1_500.0
URBANISATION_VALUE: Final = {1: 1.0, 2: 0.6, 3: 0.2}
_VISIBILITY: Final = {"low": 0.0, "medium": 0.5, "high": 1.0}


def _xy(frame: Any) -> np.ndarray:
    if not len(frame):
        return np.zeros((0, 2))
    return np.column_stack([frame.geometry.x.to_numpy(float), frame.geometry.y.to_numpy(float)])


def _count_within(points: np.ndarray, site_xy: np.ndarray, radius: float) -> np.ndarray:
    if not len(points) or not len(site_xy):
        return np.zeros(len(site_xy))
    return np.array([len(x) for x in cKDTree(points).query_ball_point(site_xy, r=radius)], float)


def _base_name(name: str) -> str:
    """A register name without its suffixes (``"Preetz, Stadt"`` → ``"Preetz"``,
    ``"Amt Lütjenburg"`` → ``"Lütjenburg"``)."""
    name = name.split(",")[0].strip()
    name = name.removeprefix("Amt ").strip()
    return name.split("(")[0].strip().lower()


def _name_parts(amt: str) -> set[str]:
    """An Amt's name and its parts (``"Bokhorst-Wankendorf"`` → both places and the whole)."""
    base = _base_name(amt)
    return {base, *(part.strip() for part in re.split(r"[-/ ]+", base) if part.strip())}


def amt_seats(municipalities: pd.DataFrame) -> pd.Series:
    """Whether each municipality (index ``ags``) is the seat of its administration where the data
    says so: amtsfrei (alone in its Amt), or named in its Amt's name."""
    munis = municipalities.set_index("ags")
    size = munis.groupby("amt_ars")["name"].transform("size")
    named = [
        _base_name(str(m)) in _name_parts(str(a))
        for m, a in zip(munis["name"], munis["amt"], strict=True)
    ]
    return pd.Series((size.to_numpy() == 1) | np.asarray(named, bool), index=munis.index)


def pull_parts(pack: Any, sites: Any = None) -> pd.DataFrame:
    """The parts of the pull of each site (index ``site_id``), each 0..1; NaN where unknown
    (visibility not entered; a pack without municipalities or schools)."""
    sites = pack.sites if sites is None else sites
    site_xy = _xy(sites)
    stops = pack.transit_stops
    stop_xy = _xy(stops)
    rail_xy = stop_xy[stops["is_rail"].to_numpy(bool)] if len(stops) else stop_xy
    # a small hand-built pack may lack municipalities or schools: those parts stay unknown
    unknown = pd.Series(np.nan, index=sites.index)
    if hasattr(pack, "municipalities") and "ags" in sites.columns:
        munis = pack.municipalities.set_index("ags")
        ags = sites["ags"].astype(str)
        urban = ags.map(munis["urbanisation"]).astype(float).map(URBANISATION_VALUE).fillna(0.2)
        # the seat counts at its centre (the register's official midpoint), not all over a city
        mid = np.column_stack(
            [
                ags.map(munis["midpoint_x"]).to_numpy(float),
                ags.map(munis["midpoint_y"]).to_numpy(float),
            ]
        )
        near = np.hypot(*(site_xy - mid).T) <= SEAT_RADIUS_M
        seat = ags.map(amt_seats(pack.municipalities)).fillna(False).astype(float) * near
    else:
        urban, seat = unknown, unknown
    schools = (
        np.minimum(_count_within(_xy(pack.schools), site_xy, SCHOOL_RADIUS_M) / SCHOOLS_FULL, 1.0)
        if hasattr(pack, "schools")
        else unknown.to_numpy(float)
    )
    visibility = (
        sites["visibility"].astype(str).str.strip().str.lower().map(_VISIBILITY)
        if "visibility" in sites.columns
        else pd.Series(np.nan, index=sites.index)
    )
    parts = pd.DataFrame(
        {
            "transit": np.minimum(
                _count_within(stop_xy, site_xy, TRANSIT_RADIUS_M) / TRANSIT_FULL, 1.0
            ),
            "rail": (_count_within(rail_xy, site_xy, RAIL_RADIUS_M) > 0).astype(float),
            "schools": schools,
            "urbanisation": urban.to_numpy(float),
            "seat": seat.to_numpy(float),
            "visibility": visibility.to_numpy(float),
        },
        index=pd.Index(sites["site_id"].astype(str), name="site_id"),
    )
    return parts


def site_pull(pack: Any, sites: Any = None, *, parts: pd.DataFrame | None = None) -> pd.Series:
    """Pull 0..1 of each site (index ``site_id``): the weighted mean of its known parts
    (:data:`PULL_WEIGHTS`)."""
    parts = pull_parts(pack, sites) if parts is None else parts
    weights = pd.Series(PULL_WEIGHTS)[parts.columns].to_numpy(float)
    values = parts.to_numpy(float)
    known = np.isfinite(values)
    total = (np.where(known, values, 0.0) * weights).sum(axis=1)
    share = (known * weights).sum(axis=1)
    return pd.Series(total / share, index=parts.index, name="pull")


@dataclass(frozen=True)
class PastStopSites:
    """Past stops as candidate sites: the sites, and the stops left out (no known location)."""

    sites: gpd.GeoDataFrame
    without_location: pd.DataFrame

    @property
    def message(self) -> str:
        """What became of the past stops, in one sentence (for logs and reports)."""
        if not len(self.sites):
            return (
                f"no past stop has a known location ({len(self.without_location)} known only by "
                "municipality or city district): none becomes a candidate site"
            )
        return f"{len(self.sites)} past stop(s) with a known location added as candidate sites"


def past_stop_sites(pack: Any) -> PastStopSites:
    """Candidate sites from the past stops whose location is known (a point in the pack's
    ``past_stops`` layer), in the columns of ``pack.sites`` (kind ``"user"``, the season and
    place in ``source``; facts unknown)."""
    stops = pack.history
    located = (
        ~(stops.geometry.isna() | stops.geometry.is_empty)
        if len(stops)
        else pd.Series([], dtype=bool)
    )
    have = stops[located.to_numpy(bool)] if len(stops) else stops
    rest = (
        pd.DataFrame(stops[~located.to_numpy(bool)].drop(columns="geometry"))
        if len(stops)
        else pd.DataFrame()
    )
    munis = pack.municipalities.set_index("ags")
    rows = pd.DataFrame(
        {
            "site_id": [f"past-{s}-{i}" for i, s in zip(have.index, have["season"], strict=True)],
            "name": have["place"].astype(str).to_numpy(),
            "ags": have["ags"].astype(str).to_numpy(),
            "municipality": have["municipality"].astype(str).to_numpy(),
            "district_ags": have["ags"].astype(str).str[:5].to_numpy(),
            "district": have["ags"].astype(str).map(munis["district"]).to_numpy(),
            "kind": "user",
            "source": [
                f"past stop {s}: {p}" for s, p in zip(have["season"], have["place"], strict=True)
            ],
            "merged_from": "",
            "area_class": have["ags"]
            .astype(str)
            .map(munis.get("area_class", pd.Series(dtype=str)))
            .to_numpy(),
            "power": "unknown",
            "space_m2": np.nan,
            "visibility": "unknown",
            "available_from": "",
            "available_to": "",
            "notes": have["note"].astype(str).to_numpy(),
        }
    )
    sites = gpd.GeoDataFrame(rows, geometry=have.geometry.to_numpy(), crs=pack.crs)
    return PastStopSites(sites=sites, without_location=rest)
