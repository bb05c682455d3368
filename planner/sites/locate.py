"""Which municipality a site lies in, with a tolerance for harbours the coastline cuts off."""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import pandas as pd

from planner.settings import METRIC_CRS

__all__ = ["COAST_TOLERANCE_M", "assign_municipality"]

#: A point in the sea at most this far (metres) from a municipality belongs to the nearest one:
#: the generalised VG5000 boundaries cut harbours and piers off the coast (Eckernförde's harbour
#: by 3 m, Möltenort's by 484 m).
COAST_TOLERANCE_M: Final = 1_000.0


def assign_municipality(
    points: gpd.GeoDataFrame,
    municipalities: gpd.GeoDataFrame,
    *,
    tolerance_m: float = COAST_TOLERANCE_M,
) -> gpd.GeoDataFrame:
    """Attach ags, municipality, district_ags, district and area_class; drop points outside.

    Parameters
    ----------
    points
        Points in the municipalities' CRS (the pack's metric CRS).
    municipalities
        The region's municipalities.
    tolerance_m
        A point outside every municipality but at most this far (metres) from one belongs to the
        nearest: the generalised boundaries cut harbours and piers off the coast. 0 keeps only
        points inside.

    Returns
    -------
    geopandas.GeoDataFrame
        The located points in input order (index reset). A point inside a municipality always
        keeps that municipality; the tolerance only decides about points outside all of them.
    """
    cols = ["ags", "name", "district_ags", "district", "area_class", "geometry"]
    areas = municipalities[cols].rename(columns={"name": "municipality"})
    pts = points.reset_index(drop=True)
    joined = gpd.sjoin(pts, areas, predicate="within")
    joined = joined[~joined.index.duplicated()]
    outside = pts[~pts.index.isin(joined.index)]
    if tolerance_m > 0 and len(outside):
        near = _nearest_within(outside, areas, tolerance_m=tolerance_m)
        joined = pd.concat([joined, near]).sort_index()
    return joined.drop(columns="index_right").reset_index(drop=True)


def _nearest_within(
    outside: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, *, tolerance_m: float
) -> gpd.GeoDataFrame:
    """The points of ``outside`` within ``tolerance_m`` of an area, with that area's facts."""
    # Distances only make sense in metres: the areas' own CRS when it is metric (the pack's),
    # else the embedded pack's.
    crs = areas.crs if areas.crs is not None and areas.crs.is_projected else METRIC_CRS
    hit = gpd.sjoin_nearest(
        outside.to_crs(crs),
        areas[["geometry"]].to_crs(crs),
        max_distance=tolerance_m,
    )
    hit = hit[~hit.index.duplicated()]  # equidistant neighbours: the first one
    near = outside.loc[hit.index].copy()
    facts = areas.drop(columns="geometry").loc[hit["index_right"].to_numpy()]
    for column in facts.columns:
        near[column] = facts[column].to_numpy()
    near["index_right"] = hit["index_right"].to_numpy()
    return near
