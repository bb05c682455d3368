"""The region pack: one GeoPackage holding everything the planner needs about the region.

A GeoPackage is what GIS users open (QGIS, ArcGIS), so planners can inspect the very data the tool
uses. Every spatial layer is stored in EPSG:25832; ``metadata`` is a plain table naming each source,
its vintage, licence, attribution and the checksum of the raw file it was built from.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from planner.settings import METRIC_CRS, pack_path

#: Spatial layers in the order they are written.
SPATIAL_LAYERS = (
    "municipalities",
    "districts",
    "amter",
    "cells",
    "transit_stops",
    "schools",
    "sites",
)


@dataclass(frozen=True)
class RegionPack:
    """All region data, in EPSG:25832. See ``docs/CONTRACTS.md`` for the columns of each layer."""

    municipalities: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    amter: gpd.GeoDataFrame
    cells: gpd.GeoDataFrame
    transit_stops: gpd.GeoDataFrame
    schools: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    metadata: pd.DataFrame

    @property
    def region_population(self) -> int:
        """Register population of the region."""
        return int(self.municipalities["population"].sum())

    def attribution(self) -> list[str]:
        """Attribution lines of every source, as the licences require them to be shown."""
        return list(dict.fromkeys(self.metadata["attribution"].astype(str)))

    def summary(self) -> dict[str, object]:
        """Counts and totals, for ``data info`` and the app's about box."""
        munis = self.municipalities
        return {
            "municipalities": len(munis),
            "municipalities_by_district": {
                str(k): int(v) for k, v in munis.groupby("district").size().items()
            },
            "register_population": self.region_population,
            "grid_cells": len(self.cells),
            "grid_cells_populated": int((self.cells["population"] > 0).sum()),
            "grid_population": int(self.cells["population"].sum()),
            "grid_population_suppressed_cells": int(self.cells["population_suppressed"].sum()),
            "transit_stops": len(self.transit_stops),
            "rail_stops": int(self.transit_stops["is_rail"].sum()),
            "schools": len(self.schools),
            "sites": len(self.sites),
            "sites_by_kind": {str(k): int(v) for k, v in self.sites["kind"].value_counts().items()},
            "crs": str(self.municipalities.crs),
        }


def save_pack(pack: RegionPack, path: Path) -> Path:
    """Write the pack to ``path`` (a new file; an existing one is replaced atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp" + path.suffix)
    tmp.unlink(missing_ok=True)
    for layer in SPATIAL_LAYERS:
        frame: gpd.GeoDataFrame = getattr(pack, layer)
        if str(frame.crs) != METRIC_CRS:
            raise ValueError(f"layer {layer} is in {frame.crs}, expected {METRIC_CRS}")
        pyogrio.write_dataframe(frame, tmp, layer=layer, driver="GPKG")
    pyogrio.write_dataframe(pack.metadata, tmp, layer="metadata", driver="GPKG")
    tmp.replace(path)
    return path


def load_pack(path: Path | None = None) -> RegionPack:
    """Load a region pack (default: the embedded KielRegion pack, ``settings.pack_path()``).

    Raises
    ------
    FileNotFoundError
        With the path and the command that builds the pack.
    """
    path = path or pack_path()
    if not path.is_file():
        raise FileNotFoundError(
            f"region pack not found: {path}. Build it with "
            "`tiny-rathaus data build --raw ../shared/kielregion`."
        )
    layers: dict[str, object] = {}
    for field in fields(RegionPack):
        frame = pyogrio.read_dataframe(path, layer=field.name)
        layers[field.name] = _restore_types(field.name, frame)
    return RegionPack(**layers)  # type: ignore[arg-type]


# Columns whose type a GeoPackage round trip loses (keys with leading zeros, booleans).
_STRING_COLUMNS = ("ags", "ars", "amt_ars", "district_ags", "site_id", "stop_id", "school_id")


def _restore_types(layer: str, frame: pd.DataFrame) -> pd.DataFrame:
    for column in _STRING_COLUMNS:
        if column in frame.columns:
            frame[column] = frame[column].astype(str)
    for column in frame.columns:
        if column.startswith(("is_", "population_suppressed", "in_region")):
            frame[column] = frame[column].astype(bool)
    if layer == "sites":
        for column in ("available_from", "available_to", "notes", "merged_from"):
            if column in frame.columns:
                frame[column] = frame[column].fillna("").astype(str)
    return frame
