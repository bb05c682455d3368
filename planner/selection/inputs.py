"""Inputs of the location models from GeoDataFrames of demand and candidate sites, for
``from_geodataframe``: demand weights, the cost matrix and the sites' attributes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["geodataframe_inputs"]


def geodataframe_inputs(
    gdf_demand: Any,
    gdf_fac: Any,
    demand_col: str,
    *,
    cost: str,
    travel_model: Any,
    facility_id_col: str,
    facility_name_col: str | None,
    district_col: str | None,
    area_class_col: str | None,
    weight_factors: Mapping[str, float] | None,
    rural_factor: float,
    demand_area_class_col: str,
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Weights, ``(n_demand, n_sites)`` cost matrix and site attributes from GeoDataFrames."""
    if gdf_demand.crs is not None and gdf_fac.crs is not None and gdf_demand.crs != gdf_fac.crs:
        raise ValueError("demand and sites must share one CRS")
    weights = gdf_demand[demand_col].to_numpy(dtype=float).copy()
    for col, factor in (weight_factors or {}).items():
        weights += factor * np.nan_to_num(gdf_demand[col].to_numpy(dtype=float))
    if rural_factor != 1.0 and demand_area_class_col in gdf_demand.columns:
        rural = gdf_demand[demand_area_class_col].astype(str).to_numpy() == "rural"
        weights = np.where(rural, weights * rural_factor, weights)
    demand_xy = _xy(gdf_demand)
    site_xy = _xy(gdf_fac)
    if cost == "euclidean":
        diff = demand_xy[:, None, :] - site_xy[None, :, :]
        cost_matrix = np.sqrt((diff**2).sum(axis=2))
    elif cost == "travel_time":
        # loaded here: the travel-time package brings OSMnx (over a second to import)
        from planner.traveltime import travel_time_matrix

        cost_matrix = travel_time_matrix(site_xy, demand_xy, model=travel_model).minutes.T
    else:
        raise ValueError(f"cost must be 'travel_time' or 'euclidean', not {cost!r}")
    site_diff = site_xy[:, None, :] - site_xy[None, :, :]
    attrs: dict[str, Any] = {
        "site_ids": gdf_fac[facility_id_col].astype(str).tolist()
        if facility_id_col in gdf_fac.columns
        else [str(i) for i in range(len(gdf_fac))],
        "site_distance_m": np.sqrt((site_diff**2).sum(axis=2)),
    }
    if facility_name_col and facility_name_col in gdf_fac.columns:
        attrs["site_names"] = gdf_fac[facility_name_col].astype(str).tolist()
    if district_col and district_col in gdf_fac.columns:
        attrs["site_districts"] = gdf_fac[district_col].astype(str).tolist()
    if area_class_col and area_class_col in gdf_fac.columns:
        attrs["site_area_classes"] = gdf_fac[area_class_col].astype(str).tolist()
    return weights, cost_matrix, attrs


def _xy(gdf: Any) -> np.ndarray:
    """Coordinates of points, or of the centroids of other shapes, as ``(n, 2)``."""
    geom = gdf.geometry
    if not (geom.geom_type == "Point").all():
        geom = geom.centroid
    return np.column_stack([geom.x.to_numpy(dtype=float), geom.y.to_numpy(dtype=float)])
