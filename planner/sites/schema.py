"""The sites table: its columns, the site kinds, the fact values and the *unknown* defaults."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.settings import METRIC_CRS

__all__ = [
    "EDITABLE_FACTS",
    "KINDS",
    "POWER_VALUES",
    "SITE_COLUMNS",
    "VISIBILITY_VALUES",
    "empty_sites",
    "with_default_facts",
]

KINDS = ("rail", "bus_hub", "centre", "school", "user")
POWER_VALUES = ("unknown", "yes", "no")
VISIBILITY_VALUES = ("unknown", "low", "medium", "high")

#: Columns of the ``sites`` layer, in order.
SITE_COLUMNS = [
    "site_id",
    "name",
    "ags",
    "municipality",
    "district_ags",
    "district",
    "kind",
    "source",
    "merged_from",
    "area_class",
    "power",
    "space_m2",
    "visibility",
    "available_from",
    "available_to",
    "notes",
]

#: Facts planners edit on existing sites.
EDITABLE_FACTS = ("power", "space_m2", "visibility", "available_from", "available_to", "notes")


def with_default_facts(sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add the planner-edited facts as *unknown* and order the columns.

    The frame keeps its CRS (the pack's metric CRS); a frame without one is taken to be in
    :data:`~planner.settings.METRIC_CRS`, the embedded pack's.
    """
    out = sites.copy()
    defaults: dict[str, object] = {
        "merged_from": "",
        "power": "unknown",
        "space_m2": np.nan,
        "visibility": "unknown",
        "available_from": "",
        "available_to": "",
        "notes": "",
    }
    for column, value in defaults.items():
        if column not in out.columns:
            out[column] = value
    crs = sites.crs if sites.crs is not None else METRIC_CRS
    return gpd.GeoDataFrame(out[[*SITE_COLUMNS, "geometry"]], geometry="geometry", crs=crs)


def empty_sites(municipalities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A sites table without rows, in the municipalities' CRS (every column of SITE_COLUMNS).

    Parameters
    ----------
    municipalities
        The region's municipalities (only their CRS is used).

    Returns
    -------
    geopandas.GeoDataFrame
        No rows; :func:`with_default_facts` gives it the layer's column order and CRS.
    """
    columns = {c: pd.Series(dtype=object) for c in SITE_COLUMNS}
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=municipalities.crs))
