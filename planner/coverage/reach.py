"""Who can reach a stop, at the scales people actually come from: the one definition.

A stop of the Tiny Rathaus is a week in one place. People drop in on foot or by bike from nearby
(the **local** scale) or come by car or bus for an event (the **regional** scale). A Zensus 1 km
cell is reached at a scale when its centre lies within that scale's limit of a stop; a person
counts once per scale however many stops reach them (de-duplicated across a season).

Every figure of "people reached" in the planner — pages, maps, exports, the CLI — is counted here,
over the **populated cells whose centre lies in the region** (:func:`population_base`; 622,367
people for the KielRegion), and names its scale next to the number.

Large regions: a scale in minutes is answered from
:func:`planner.traveltime.site_cell_travel_minutes`, dense below
``settings.SPARSE_MATRIX_MIN_PAIRS`` site–cell pairs and sparse above (only the pairs within the
scale's minutes, found with a KD-tree), so memory grows with the pairs reached, not with
sites × cells; both give the same cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

from planner.data.pack import RegionPack
from planner.traveltime import (
    SparseMinutes,
    TravelModel,
    local_model,
    site_cell_travel_minutes,
    within_limit,
)

__all__ = [
    "LOCAL",
    "LOCAL_BIKE",
    "LOCAL_WALK",
    "REACH_SCALES",
    "REGIONAL",
    "ReachScale",
    "people_reached",
    "population_base",
    "reach_matrix",
    "reached_within_minutes",
    "reached_within_radius",
]


@dataclass(frozen=True)
class ReachScale:
    """One scale of reach.

    Attributes
    ----------
    key
        ``"local"`` (drop in on foot or by bike) or ``"regional"`` (come by car for an event).
    radius_m
        Straight-line radius from the stop to a cell centre (local scale).
    minutes
        Travel minutes from the stop to a cell centre: by car with the active travel-time model
        (regional scale), or on foot or by bike (``mode``) with
        :func:`planner.traveltime.local_model`: the walk or bike network of the road source
        where it holds such ways, else the crow-fly variants.
    mode
        How the minutes are travelled: ``"drive"``, ``"walk"`` or ``"bike"``.
    """

    key: Literal["local", "regional"]
    radius_m: float | None = None
    minutes: float | None = None
    mode: Literal["drive", "walk", "bike"] = "drive"

    def __post_init__(self) -> None:
        if (self.radius_m is None) == (self.minutes is None):
            raise ValueError("a reach scale has either a radius or a travel time, not both")


#: Local scale: 2 km, a walk of about 25 minutes or a bike ride of about 8; MiD 2017 (Mobilität in
#: Deutschland) finds almost half of all trips under 2 km made on foot.
LOCAL: Final = ReachScale("local", radius_m=2_000.0)
#: Regional scale: 15 minutes by car (the planner's default threshold).
REGIONAL: Final = ReachScale("regional", minutes=15.0)
REACH_SCALES: Final = (LOCAL, REGIONAL)
#: The local scale in minutes instead of a radius (an option, not the default): 25 minutes on
#: foot at 4.5 km/h, or 10 minutes by bike at 15 km/h, on the straight line × 1.35
#: (:func:`planner.traveltime.walking_model`, :func:`~planner.traveltime.cycling_model`); both
#: come to about 1.4 and 1.9 km of straight line, a little inside the 2 km radius. With a road
#: source that holds footways and cycle ways (``TINY_RATHAUS_ROAD_GRAPH``), the same minutes are
#: walked and cycled on its OSM walk and bike networks at the same speeds
#: (:func:`planner.traveltime.local_model`); the model's name and description say which.
LOCAL_WALK: Final = ReachScale("local", minutes=25.0, mode="walk")
LOCAL_BIKE: Final = ReachScale("local", minutes=10.0, mode="bike")


def population_base(pack: RegionPack) -> np.ndarray:
    """Boolean mask over ``pack.cells``: the populated cells whose centre lies in the region,
    the people every "reached" figure and share is counted over."""
    cells = pack.cells
    return (cells["population"].to_numpy(float) > 0) & cells["in_region"].to_numpy(bool)


def reach_matrix(
    site_xy: np.ndarray,
    cell_xy: np.ndarray,
    *,
    scale: ReachScale,
    model: TravelModel | None = None,
    sparse_form: bool | None = None,
) -> sparse.csr_matrix:
    """Which cells each site reaches at ``scale``: a boolean ``(n_sites, n_cells)`` matrix.

    Parameters
    ----------
    site_xy, cell_xy
        ``(n, 2)`` coordinates in the pack's metric CRS (metres).
    scale
        :data:`LOCAL`, :data:`REGIONAL` or another :class:`ReachScale`.
    model
        Travel-time model for a scale in minutes (default: the active model by car; on foot or
        by bike :func:`planner.traveltime.local_model`, the network model where the road source
        holds walk or bike ways, else the crow-fly variant).
    sparse_form
        Force the sparse (``True``) or dense (``False``) minutes; default: by size
        (:func:`planner.traveltime.site_cell_travel_minutes`).
    """
    if scale.radius_m is not None:
        return reached_within_radius(site_xy, cell_xy, radius_m=scale.radius_m)
    if len(site_xy) == 0 or len(cell_xy) == 0:
        return sparse.csr_matrix((len(site_xy), len(cell_xy)), dtype=bool)
    if model is None and scale.mode != "drive":  # on foot or by bike: network where present
        model = local_model(scale.mode)
    limit = float(scale.minutes or 0.0)
    minutes = site_cell_travel_minutes(
        site_xy, cell_xy, limit_min=limit, model=model, sparse_form=sparse_form
    )
    return reached_within_minutes(minutes, limit=limit)


def reached_within_minutes(
    minutes: np.ndarray | SparseMinutes, *, limit: float
) -> sparse.csr_matrix:
    """The rule for a scale in minutes: a cell is reached when its travel time is at most
    ``limit`` (a missing time, NaN, never reaches). Boolean ``(n_sites, n_cells)``; ``minutes``
    is a dense array or a :class:`planner.traveltime.SparseMinutes`."""
    return within_limit(minutes, limit=limit)


def reached_within_radius(
    site_xy: np.ndarray, cell_xy: np.ndarray, *, radius_m: float
) -> sparse.csr_matrix:
    """The rule for a scale in metres: cell centres within ``radius_m`` (straight line) of each
    site. Boolean ``(n_sites, n_cells)``."""
    n_sites, n_cells = len(site_xy), len(cell_xy)
    if n_sites == 0 or n_cells == 0:
        return sparse.csr_matrix((n_sites, n_cells), dtype=bool)
    lists = cKDTree(cell_xy).query_ball_point(site_xy, r=radius_m)
    rows = np.repeat(np.arange(n_sites), [len(x) for x in lists])
    cols = np.concatenate([np.asarray(x, dtype=int) for x in lists])
    data = np.ones(len(rows), dtype=bool)
    return sparse.csr_matrix((data, (rows, cols)), shape=(n_sites, n_cells))


def people_reached(
    reach: sparse.csr_matrix,
    population: np.ndarray,
    *,
    rows: Sequence[int] | None = None,
    base: np.ndarray | None = None,
) -> float:
    """People reached by the sites ``rows`` of ``reach`` together, each person once.

    Parameters
    ----------
    reach
        From :func:`reach_matrix`.
    population
        People per cell (``pack.cells["population"]``).
    rows
        The stops (row positions); all rows when ``None``.
    base
        Cells that count (default: all); pass :func:`population_base` for the region's figure.
    """
    chosen = reach if rows is None else reach[list(rows)]
    hit = np.asarray(chosen.sum(axis=0)).ravel() > 0
    if base is not None:
        hit &= base
    return float(np.asarray(population, dtype=float)[hit].sum())
