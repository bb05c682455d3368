"""Which Ämter and city areas a plan visits, and when each was last visited before it.

A stop *visits* the fairness group it stands in (:mod:`planner.data.areas`: its municipality's
Amt, or in a city split into areas the area holding it); reach is counted elsewhere
(:mod:`planner.coverage.reach`, :func:`planner.history.visit_table`). The history
(:class:`planner.history.History`: the pack's past stops plus the seasons that were run) gives
each group its last visit *before* the plan's year and the recency weight for that year, so a
plan for 2023 is not told about the 2025 season.

:func:`plan_groups` answers this for any set of stops: a season's schedule (``x``/``y`` in
EPSG:25832), a selection's chosen sites or any GeoDataFrame of points.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.settings import METRIC_CRS

if TYPE_CHECKING:
    from planner.history import History

__all__ = ["GROUP_COLUMNS", "STOP_GROUP_COLUMNS", "GroupReport", "plan_groups"]

#: Columns of :attr:`GroupReport.table`.
GROUP_COLUMNS: Final = [
    "group_id",
    "district",
    "name",
    "kind",
    "stops",
    "visited",
    "last_visit",
    "city_last_visit",
    "weight",
]

#: Columns of :attr:`GroupReport.stop_groups`.
STOP_GROUP_COLUMNS: Final = ["group_id", "group", "last_visit"]


@dataclass(frozen=True)
class GroupReport:
    """The fairness groups of a plan.

    Attributes
    ----------
    table
        One row per group of the pack (:data:`GROUP_COLUMNS`), in the pack's group order:
        ``group_id``, ``district``, ``name``, ``kind`` (``"amt"`` or ``"city_area"``),
        ``stops`` (tuple of the plan's stop numbers in the group, empty when not visited),
        ``visited`` (bool), ``last_visit`` (``Int64``: the group's last visit before
        :attr:`year`, NA = none known), ``city_last_visit`` (city areas: the city's last visit
        before :attr:`year`, stops of unknown area included; NA otherwise) and ``weight`` (the
        recency weight for :attr:`year`, :meth:`planner.history.History.group_weights`).
    stop_groups
        One row per stop, in the order of the stops given (:data:`STOP_GROUP_COLUMNS`):
        ``group_id`` (``""`` for a stop outside every group or without a place), ``group``
        (its name) and ``last_visit`` (``Int64``, the group's last visit before :attr:`year`).
    year
        The year the plan is for: only visits before it count.
    """

    table: pd.DataFrame
    stop_groups: pd.DataFrame
    year: int

    @property
    def visited(self) -> int:
        """How many groups the plan visits."""
        return int(self.table["visited"].sum())

    @property
    def total(self) -> int:
        """How many groups the region has."""
        return len(self.table)


def plan_groups(
    pack: Any,
    stops: pd.DataFrame,
    *,
    history: History | None = None,
    year: int | None = None,
    crs: str | None = None,
) -> GroupReport:
    """Which fairness groups ``stops`` visit, out of all, and each group's last visit before.

    Parameters
    ----------
    pack
        The region pack (its municipalities, cells and past stops).
    stops
        The plan's stops: a GeoDataFrame of points (any CRS), or a table with ``x``/``y`` (in
        ``crs``) as a season's schedule keeps them. An ``ags`` column names each stop's
        municipality; without it the municipality holding the point is looked up. A ``stop``
        column numbers the stops (default 1, 2, … in the given order).
    history
        The tour's history (default: the pack's past stops,
        :meth:`planner.history.History.from_pack`).
    year
        The plan's year: visits in it or later are not "before" (default: the season after the
        latest known visit, :meth:`planner.history.History.default_year`).
    crs
        The CRS of ``x``/``y`` in a table without geometry (default EPSG:25832; a season plan
        names its own in ``totals["crs"]``).

    Returns
    -------
    GroupReport
    """
    if history is None:
        # the history builds on this package (reach): loaded on use, so the package imports
        # without it
        from planner.history import History

        history = History.from_pack(pack)
    year = history.default_year() if year is None else int(year)
    # only what happened before the plan's year is its history
    before = replace(history, visits=history.visits[history.visits["season"] < year])
    groups = before.groups
    xy, ags = _places(pack, stops, crs=crs or METRIC_CRS)
    group_ids = groups.group_of_points(pack, xy, ags) if len(stops) else np.zeros(0, dtype=object)
    numbers = (
        pd.to_numeric(stops["stop"], errors="coerce").fillna(0).astype(int).to_numpy()
        if "stop" in stops.columns
        else np.arange(1, len(stops) + 1)
    )
    by_group: dict[str, list[int]] = {}
    for gid, number in zip(group_ids, numbers, strict=True):
        if gid:
            by_group.setdefault(str(gid), []).append(int(number))

    last = before.last_visits()
    weights = before.group_weights(year)
    table = pd.DataFrame(
        {
            "group_id": last["group_id"].astype(str).to_numpy(),
            "district": last["district"].astype(str).to_numpy(),
            "name": last["name"].astype(str).to_numpy(),
            "kind": last["kind"].astype(str).to_numpy(),
            "stops": [tuple(sorted(by_group.get(g, []))) for g in last["group_id"].astype(str)],
            "last_visit": last["last_visit"].astype("Int64").to_numpy(),
            "city_last_visit": last["city_last_visit"].astype("Int64").to_numpy(),
            "weight": last["group_id"].map(weights).fillna(1.0).to_numpy(float),
        }
    )
    table.insert(5, "visited", table["stops"].map(bool).astype(bool))
    table["last_visit"] = table["last_visit"].astype("Int64")
    table["city_last_visit"] = table["city_last_visit"].astype("Int64")

    names = table.set_index("group_id")["name"]
    last_of = table.set_index("group_id")["last_visit"]
    ids = pd.Series(group_ids, dtype=object).astype(str)
    stop_groups = pd.DataFrame(
        {
            "group_id": ids.to_numpy(),
            "group": ids.map(names).fillna("").astype(str).to_numpy(),
            "last_visit": ids.map(last_of).astype("Int64").to_numpy(),
        },
        index=stops.index,
    )
    stop_groups["last_visit"] = stop_groups["last_visit"].astype("Int64")
    return GroupReport(table=table[GROUP_COLUMNS], stop_groups=stop_groups, year=year)


def _places(pack: Any, stops: pd.DataFrame, *, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """``(n, 2)`` coordinates in the pack's CRS (NaN where unknown) and each stop's AGS (``""``
    where it lies in no municipality of the pack)."""
    n = len(stops)
    if not n:
        return np.zeros((0, 2)), np.zeros(0, dtype=object)
    if isinstance(stops, gpd.GeoDataFrame) and stops.geometry.name in stops.columns:
        points = gpd.GeoSeries(stops.geometry.to_numpy(), crs=stops.crs or pack.crs)
    elif {"x", "y"} <= set(stops.columns):
        points = gpd.GeoSeries(
            gpd.points_from_xy(
                pd.to_numeric(stops["x"], errors="coerce"),
                pd.to_numeric(stops["y"], errors="coerce"),
            ),
            crs=crs,
        )
    else:
        points = gpd.GeoSeries([None] * n, crs=pack.crs)
    points = points.to_crs(pack.crs)
    xy = np.full((n, 2), np.nan)
    present = (~points.isna() & ~points.is_empty).to_numpy()
    if present.any():
        xy[present, 0] = points[present].x.to_numpy(float)
        xy[present, 1] = points[present].y.to_numpy(float)
    located = np.isfinite(xy).all(axis=1)
    ags = np.full(n, "", dtype=object)
    if "ags" in stops.columns:
        given = stops["ags"].fillna("").astype(str).to_numpy()
        ags[:] = given
    missing = (ags == "") & located
    if missing.any():
        # the municipality holding the point (a stop on a border: the first match)
        frame = gpd.GeoDataFrame(
            {"row": np.flatnonzero(missing)}, geometry=points[missing].to_numpy(), crs=pack.crs
        )
        joined = gpd.sjoin(frame, pack.municipalities[["ags", "geometry"]].to_crs(pack.crs))
        joined = joined.drop_duplicates("row")
        ags[joined["row"].to_numpy(int)] = joined["ags"].astype(str).to_numpy()
    return xy, ags
