"""Planned stops as points for a map: a schedule joined to the sites' geometry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import pandas as pd

__all__ = ["STOP_COLUMNS", "schedule_stops", "stops_frame"]


def stops_frame(
    records: Sequence[Mapping[str, object]] | pd.DataFrame,
    *,
    sites: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    """Planned stops as points: join a schedule (``site_id`` per row) to the sites' geometry.

    Parameters
    ----------
    records
        Rows with a ``site_id`` and any of ``stop``, ``start``, ``end``, ``name``.
    sites
        The sites table (with ``site_id`` and geometry).

    Returns
    -------
    geopandas.GeoDataFrame
        In the schedule's row order, in the sites' CRS; rows with unknown sites are dropped.
    """
    table = pd.DataFrame(records).copy()
    if table.empty:
        return gpd.GeoDataFrame(table, geometry=gpd.GeoSeries([], crs=sites.crs))
    table["site_id"] = table["site_id"].astype(str)
    base = sites.set_index(sites["site_id"].astype(str))
    table = table[table["site_id"].isin(base.index)].reset_index(drop=True)
    for column in ("name", "municipality", "district", "kind", "area_class"):
        if column not in table.columns and column in base.columns:
            table[column] = base.loc[table["site_id"], column].to_numpy()
    geometry = base.loc[table["site_id"], "geometry"].to_numpy()
    return gpd.GeoDataFrame(table, geometry=geometry, crs=sites.crs)


#: Schedule columns shown with planned stops on a map.
STOP_COLUMNS = ("site_id", "stop", "name", "start", "end", "municipality", "district")


def schedule_stops(schedule: pd.DataFrame, *, sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A plan's stops as points for :func:`coverage_map` (schedule order, map columns only).

    Parameters
    ----------
    schedule
        A season plan's schedule (:attr:`planner.season.SeasonPlan.schedule`).
    sites
        The sites the plan was made on (with ``site_id`` and geometry).

    Returns
    -------
    geopandas.GeoDataFrame
    """
    columns = [c for c in STOP_COLUMNS if c in schedule.columns]
    return stops_frame(schedule[columns] if len(schedule) else [], sites=sites)
