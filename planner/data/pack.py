"""The region pack: one GeoPackage holding everything the planner needs about the region.

A GeoPackage is what GIS users open (QGIS, ArcGIS), so planners can inspect the very data the tool
uses. Every spatial layer is stored in the pack's metric CRS (EPSG:25832 for the KielRegion and any
region west of 12° E, EPSG:25833 east of it); ``metadata`` is a plain table naming each source,
its vintage, licence, attribution and the checksum of the raw file it was built from; ``region`` is
a key/value table (JSON values) describing the region (:class:`RegionInfo`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from planner.data.regions import PRESETS, default_quota, land_of
from planner.data.tour import empty_past_stops
from planner.errors import DataError
from planner.settings import DISPLAY_CRS, METRIC_CRS, URBAN_MIN_POPULATION, pack_path


class PackFormatError(DataError):
    """A pack's layers are not in its metric CRS (it cannot be written as it is)."""


class PackNotFoundError(DataError, FileNotFoundError):
    """No region pack at the path; names the path and the command that builds it."""


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


#: Non-spatial layers (read and written as plain tables).
TABLE_LAYERS = ("metadata", "region")

#: The tour's history: points only where a stop's place is known (empty geometry otherwise), so
#: it is kept apart from :data:`SPATIAL_LAYERS` (whose every row has a geometry). Packs written
#: before it read as an empty layer.
HISTORY_LAYERS = ("past_stops",)


@dataclass(frozen=True)
class RegionInfo:
    """What the app and the season planner need to know about a pack's region, generically.

    Attributes
    ----------
    name
        Display name ("KielRegion", "Schleswig-Flensburg", "Schleswig-Holstein").
    districts
        ``(district key, name)`` pairs in key order.
    lands
        2-digit Land keys the region touches (a municipality's Land is ``ags[:2]``).
    crs
        Metric CRS of every spatial layer.
    home_base_ags, home_base_name
        Suggested home base: the most populous municipality.
    default_quota
        Default stops per district key for a season.
    extent
        ``(min lon, min lat, max lon, max lat)`` of the region (map extent).
    urban_min_population
        The urban/rural rule's population threshold for register class 2.
    notes
        What the build wants users to know (e.g. no school source for this region).
    merges
        Municipalities merged between the boundary and register vintages: ``{"ags", "name",
        "from": [[ags, name], …], "area_polygons_km2", "area_register_km2"}``.
    """

    name: str
    districts: tuple[tuple[str, str], ...]
    lands: tuple[str, ...]
    crs: str
    home_base_ags: str
    home_base_name: str
    default_quota: Mapping[str, int]
    extent: tuple[float, float, float, float]
    urban_min_population: int = URBAN_MIN_POPULATION
    notes: tuple[str, ...] = ()
    merges: tuple[Mapping[str, Any], ...] = ()

    @property
    def district_names(self) -> dict[str, str]:
        """District key → name."""
        return dict(self.districts)

    def land_of(self, ags: str) -> str:
        """Land key of a municipality (for its public holidays)."""
        return land_of(ags)

    def to_frame(self) -> pd.DataFrame:
        """The ``region`` table: one row per attribute, the value as JSON."""
        rows = [
            {"key": f.name, "value": json.dumps(_plain(getattr(self, f.name)), ensure_ascii=False)}
            for f in fields(self)
        ]
        return pd.DataFrame(rows, columns=["key", "value"])

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> RegionInfo:
        """Read the ``region`` table written by :meth:`to_frame` (unknown keys are ignored)."""
        values = {
            str(k): json.loads(str(v)) for k, v in zip(frame["key"], frame["value"], strict=True)
        }
        known = {f.name for f in fields(cls)}
        args: dict[str, Any] = {k: v for k, v in values.items() if k in known}
        args["districts"] = tuple((str(k), str(n)) for k, n in args.get("districts", ()))
        args["lands"] = tuple(str(x) for x in args.get("lands", ()))
        args["extent"] = tuple(float(x) for x in args.get("extent", (0, 0, 0, 0)))
        args["default_quota"] = {str(k): int(v) for k, v in args.get("default_quota", {}).items()}
        args["notes"] = tuple(str(x) for x in args.get("notes", ()))
        args["merges"] = tuple(args.get("merges", ()))
        return cls(**args)

    @classmethod
    def derive(
        cls,
        municipalities: gpd.GeoDataFrame,
        districts: gpd.GeoDataFrame,
        *,
        name: str | None = None,
        notes: tuple[str, ...] = (),
        merges: tuple[Mapping[str, Any], ...] = (),
    ) -> RegionInfo:
        """Region facts computed from the layers (for packs written before the ``region`` table)."""
        pairs = tuple(
            sorted(
                (str(k), str(n))
                for k, n in zip(districts["district_ags"], districts["name"], strict=True)
            )
        )
        keys = tuple(k for k, _ in pairs)
        if name is None:
            preset = next((n for n, ks in PRESETS.items() if tuple(sorted(ks)) == keys), None)
            name = preset or " + ".join(n for _, n in pairs)
        largest = municipalities.loc[municipalities["population"].idxmax()]
        bounds = municipalities.to_crs(DISPLAY_CRS).total_bounds
        return cls(
            name=name,
            districts=pairs,
            lands=tuple(sorted({land_of(k) for k in keys})),
            crs=str(municipalities.crs),
            home_base_ags=str(largest["ags"]),
            home_base_name=str(largest["name"]),
            default_quota=default_quota(keys),
            extent=tuple(round(float(b), 5) for b in bounds),  # type: ignore[arg-type]
            notes=notes,
            merges=merges,
        )


def _plain(value: object) -> object:
    """JSON-ready form of a RegionInfo value (tuples → lists, mappings → dicts)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class RegionPack:
    """All region data, in the pack's metric CRS (:attr:`crs`). See ``docs/CONTRACTS.md`` for the
    columns of each layer; ``region`` is derived from the layers when not given."""

    municipalities: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    amter: gpd.GeoDataFrame
    cells: gpd.GeoDataFrame
    transit_stops: gpd.GeoDataFrame
    schools: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    metadata: pd.DataFrame
    region: RegionInfo | None = field(default=None, compare=False)
    past_stops: gpd.GeoDataFrame | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.region is None:
            object.__setattr__(
                self, "region", RegionInfo.derive(self.municipalities, self.districts)
            )
        if self.past_stops is None:
            object.__setattr__(self, "past_stops", empty_past_stops(str(self.municipalities.crs)))

    @property
    def history(self) -> gpd.GeoDataFrame:
        """The known past stops of the tour (the ``past_stops`` layer, never ``None``)."""
        assert self.past_stops is not None
        return self.past_stops

    @property
    def info(self) -> RegionInfo:
        """The region facts (never ``None`` after construction)."""
        assert self.region is not None
        return self.region

    def home_lonlat(self) -> tuple[float, float]:
        """Longitude and latitude of the home base's official midpoint (where a map or a
        coordinates form starts)."""
        home = self.municipalities.set_index("ags").loc[[self.info.home_base_ags]]
        point = gpd.GeoSeries(
            gpd.points_from_xy(home["midpoint_x"], home["midpoint_y"]), crs=self.crs
        ).to_crs(DISPLAY_CRS)
        return float(point.iloc[0].x), float(point.iloc[0].y)

    @property
    def crs(self) -> str:
        """Metric CRS of every spatial layer (``"EPSG:25832"`` or ``"EPSG:25833"``)."""
        return str(self.municipalities.crs)

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
            "region": self.info.name,
            "merges": len(self.info.merges),
        }


def save_pack(pack: RegionPack, path: Path) -> Path:
    """Write the pack to ``path`` (a new file; an existing one is replaced atomically).

    Raises
    ------
    PackFormatError
        A layer is not in the pack's metric CRS (EPSG:25832/25833).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp" + path.suffix)
    tmp.unlink(missing_ok=True)
    crs = pack.info.crs
    if crs not in (METRIC_CRS, "EPSG:25833"):
        raise PackFormatError(f"pack CRS {crs} is not a metric ETRS89/UTM CRS (EPSG:25832/25833)")
    for layer in SPATIAL_LAYERS:
        frame: gpd.GeoDataFrame = getattr(pack, layer)
        if str(frame.crs) != crs:
            raise PackFormatError(f"layer {layer} is in {frame.crs}, expected {crs}")
        pyogrio.write_dataframe(frame, tmp, layer=layer, driver="GPKG")
    history = pack.history
    if str(history.crs) != crs:
        raise PackFormatError(f"layer past_stops is in {history.crs}, expected {crs}")
    # the geometry type is named: a layer whose stops all lack a known place has no geometry
    # from which the writer could infer it
    pyogrio.write_dataframe(history, tmp, layer="past_stops", driver="GPKG", geometry_type="Point")
    pyogrio.write_dataframe(pack.metadata, tmp, layer="metadata", driver="GPKG")
    pyogrio.write_dataframe(pack.info.to_frame(), tmp, layer="region", driver="GPKG")
    tmp.replace(path)
    return path


def load_pack(path: str | os.PathLike[str] | None = None) -> RegionPack:
    """Load a region pack (default: ``settings.pack_path()``, i.e. ``TINY_RATHAUS_PACK`` or the
    embedded KielRegion pack).

    Parameters
    ----------
    path
        The ``.gpkg`` file, as a path or text.

    Raises
    ------
    PackNotFoundError
        With the path and the command that builds the pack (a ``FileNotFoundError``).
    """
    path = Path(path) if path is not None and str(path) else pack_path()
    if not path.is_file():
        raise PackNotFoundError(
            f"region pack not found: {path}. Build it with "
            "`tiny-rathaus data build --raw ../shared/kielregion` (the KielRegion) or "
            "`tiny-rathaus data build --region 01059 --out PATH` (any German region)."
        )
    present = {str(name) for name, _ in pyogrio.list_layers(path)}
    layers: dict[str, object] = {}
    for name in (*SPATIAL_LAYERS, "metadata"):
        frame = pyogrio.read_dataframe(path, layer=name)
        layers[name] = _restore_types(name, frame)
    # Packs built before the region table (the committed KielRegion pack) derive it.
    if "region" in present:
        layers["region"] = RegionInfo.from_frame(pyogrio.read_dataframe(path, layer="region"))
    # Packs built before the tour's history have no past stops.
    if "past_stops" in present:
        history = pyogrio.read_dataframe(path, layer="past_stops")
        layers["past_stops"] = _restore_types("past_stops", history)
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
    if layer == "past_stops":
        frame["season"] = frame["season"].astype(int)
        for column in ("start", "end", "note", "amt"):
            frame[column] = frame[column].fillna("").astype(str)
    if layer == "sites":
        for column in ("available_from", "available_to", "notes", "merged_from"):
            if column in frame.columns:
                frame[column] = frame[column].fillna("").astype(str)
    return frame
