"""The maps' layers: municipalities, Zensus cells, catchments, districts, sites, stops, route.

Each layer is a named :class:`folium.FeatureGroup` that the layer control switches on and off.
Geometry is simplified in metres before it is reprojected to EPSG:4326 and its coordinates are
rounded (:func:`display_frame`), so the map stays small and quick.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.coverage import MapCoverage
from planner.data.pack import RegionPack
from planner.i18n import t
from planner.maps.colours import KIND_COLOURS, ROUTE_COLOUR, STOP_COLOUR, ColourMode, area_colour
from planner.maps.elements import GeoJsonLayer
from planner.maps.popups import (
    Popup,
    area_tip,
    esc,
    format_value,
    quick_number,
    score_breakdown,
    site_popup_parts,
)
from planner.settings import DISPLAY_CRS, METRIC_CRS

__all__ = [
    "AreaColouring",
    "catchment_layer",
    "cell_layer",
    "display_frame",
    "district_layer",
    "geojson_layer",
    "municipality_layer",
    "route_layer",
    "site_layer",
    "stop_layer",
]


def display_frame(
    frame: gpd.GeoDataFrame, *, tolerance_m: float = 0.0, precision_deg: float = 1e-5
) -> gpd.GeoDataFrame:
    """Simplify in metres, reproject to EPSG:4326 and round the coordinates.

    Parameters
    ----------
    frame
        Any GeoDataFrame with a CRS.
    tolerance_m
        Douglas–Peucker tolerance in metres (topology preserved); 0 keeps every vertex.
    precision_deg
        Grid size of the rounded coordinates in degrees (1e-5° ≈ 1 m).
    """
    out = frame.to_crs(METRIC_CRS) if str(frame.crs) != METRIC_CRS else frame.copy()
    if tolerance_m > 0:
        out["geometry"] = out.geometry.simplify(tolerance_m, preserve_topology=True)
    out = out.to_crs(DISPLAY_CRS)
    geoms = shapely.set_precision(out.geometry.to_numpy(), precision_deg)
    out["geometry"] = gpd.GeoSeries(geoms, index=out.index, crs=DISPLAY_CRS)
    return out[~out.geometry.is_empty]


def geojson_layer(
    frame: gpd.GeoDataFrame,
    *,
    name: str,
    style: Mapping[str, Any],
    colour: Sequence[str] | None = None,
    tooltip: Sequence[str] | None = None,
    popup: Sequence[str] | Sequence[Popup] | None = None,
    number: Sequence[str] | None = None,
    radius: float = 6.0,
    show: bool = True,
) -> folium.FeatureGroup:
    """A named, switchable layer of ``frame`` (EPSG:4326) with per-feature colour/tooltip/popup;
    points with a ``number`` are drawn as numbered markers.

    Popups given as :class:`Popup` parts share one list of texts in the page (each popup is a
    list of indexes into it); HTML strings are stored per feature.
    """
    strings: dict[str, int] | None = None
    shown_popups: list[object] | None = None
    if popup is not None and len(popup) and all(isinstance(p, Popup) for p in popup):
        strings = {}
        shown_popups = [p.encode(strings) for p in popup if isinstance(p, Popup)]
    elif popup is not None:
        shown_popups = [p.html() if isinstance(p, Popup) else p for p in popup]
    features = []
    for i, geom in enumerate(frame.geometry):
        props: dict[str, object] = {}
        if number is not None:
            props["n"] = number[i]
        if colour is not None:
            props["c"] = colour[i]
        if tooltip is not None:
            props["t"] = tooltip[i]
        if shown_popups is not None:
            props["p"] = shown_popups[i]
        features.append(
            {"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": props}
        )
    group = folium.FeatureGroup(name=name, show=show)
    group.add_child(
        GeoJsonLayer(
            {"type": "FeatureCollection", "features": features},
            base=style,
            radius=radius,
            popup=popup is not None,
            tooltip=tooltip is not None,
            strings=None if strings is None else list(strings),
        )
    )
    return group


@dataclass(frozen=True)
class AreaColouring:
    """How municipalities and cells are coloured (see :func:`planner.maps.colours.area_colour`)."""

    has_stops: bool
    colour_by: ColourMode
    threshold_min: float

    def colours(self, minutes: Sequence[float] | np.ndarray) -> list[str]:
        """The fill colour of each area, from its minutes to the nearest stop."""
        return [
            area_colour(
                m,
                has_stops=self.has_stops,
                colour_by=self.colour_by,
                threshold_min=self.threshold_min,
            )
            for m in minutes
        ]


def municipality_layer(
    pack: RegionPack, coverage: MapCoverage, colouring: AreaColouring, *, lang: str
) -> folium.FeatureGroup:
    """The municipalities coloured by coverage, with name, population and minutes as tooltip."""
    munis = display_frame(
        pack.municipalities[["ags", "name", "district", "population", "area_class", "geometry"]],
        tolerance_m=120.0,
        precision_deg=1e-4,
    )
    minutes = pd.Series(coverage.municipality_minutes, index=pack.municipalities.index)
    munis["minutes"] = minutes.loc[munis.index].to_numpy()
    return geojson_layer(
        munis,
        name=t("map.layer.municipalities", lang),
        style={"weight": 0.6, "color": "#555555", "fillOpacity": 0.45},
        colour=colouring.colours(munis["minutes"]),
        tooltip=[
            area_tip(row, lang=lang, has_stops=colouring.has_stops)
            for row in munis.to_dict("records")
        ],
    )


def cell_layer(
    pack: RegionPack,
    coverage: MapCoverage,
    colouring: AreaColouring,
    *,
    lang: str,
    show: bool,
) -> folium.FeatureGroup:
    """The populated Zensus cells coloured by coverage (population and minutes as tooltip)."""
    cells = pack.cells
    populated = (cells["population"] > 0).to_numpy()
    cell_frame = display_frame(
        cells.loc[populated, ["cell_id", "population", "geometry"]], precision_deg=1e-4
    )
    cell_minutes = coverage.cell_minutes[populated]
    return geojson_layer(
        cell_frame,
        name=t("map.layer.cells", lang),
        style={"weight": 0.3, "color": "#333333", "fillOpacity": 0.55},
        colour=colouring.colours(cell_minutes),
        tooltip=[
            esc(t("map.tip.cell", lang, population=quick_number(float(p), lang, ",.0f")))
            + (f" · {format_value(m, lang)} min" if np.isfinite(m) else "")
            for p, m in zip(cell_frame["population"], cell_minutes, strict=True)
        ],
        show=show,
    )


def _catchments(
    pack: RegionPack, stops: gpd.GeoDataFrame, coverage: MapCoverage
) -> gpd.GeoDataFrame:
    """One dissolved polygon per stop: the cells (populated or not) within the threshold."""
    geoms = []
    names = []
    cell_geoms = pack.cells.geometry.to_numpy()
    for i, name in enumerate(stops["name"].astype(str)):
        inside = coverage.stop_cell_minutes[i] <= coverage.threshold_min
        if not inside.any():
            continue
        geoms.append(shapely.union_all(cell_geoms[inside]))
        names.append(name)
    frame = gpd.GeoDataFrame({"tip": [esc(n) for n in names]}, geometry=geoms, crs=pack.cells.crs)
    return display_frame(frame, tolerance_m=150.0)


def catchment_layer(
    pack: RegionPack, stops: gpd.GeoDataFrame, coverage: MapCoverage, *, lang: str
) -> folium.FeatureGroup | None:
    """Travel-time catchments around the stops (``None`` when no cell is within the threshold)."""
    catch = _catchments(pack, stops, coverage)
    if not len(catch):
        return None
    return geojson_layer(
        catch,
        name=t("map.layer.catchments", lang, minutes=f"{coverage.threshold_min:g}"),
        style={
            "weight": 1.5,
            "color": STOP_COLOUR,
            "fillColor": "#4292c6",
            "fillOpacity": 0.12,
            "dashArray": "4 3",
        },
        tooltip=list(catch["tip"]),
    )


def district_layer(pack: RegionPack, *, lang: str) -> folium.FeatureGroup:
    """The district borders (no fill)."""
    districts = display_frame(
        pack.districts[["name", "geometry"]], tolerance_m=200.0, precision_deg=1e-4
    )
    return geojson_layer(
        districts,
        name=t("map.layer.districts", lang),
        style={"weight": 2.5, "color": "#222222", "fill": False},
    )


def site_layer(
    sites: gpd.GeoDataFrame, *, scores: pd.DataFrame | None, lang: str, show: bool
) -> folium.FeatureGroup:
    """The candidate sites as small circles coloured by kind, with their facts as popups."""
    frame = display_frame(sites)
    records = frame.drop(columns="geometry").to_dict("records")
    return geojson_layer(
        frame,
        name=t("map.layer.sites", lang),
        style={"weight": 1, "color": "#ffffff", "fillOpacity": 0.9},
        colour=[KIND_COLOURS.get(str(r.get("kind")), "#666666") for r in records],
        tooltip=[esc(r.get("name", "")) for r in records],
        popup=[
            site_popup_parts(r, lang=lang, breakdown=score_breakdown(scores, r.get("site_id")))
            for r in records
        ],
        radius=5,
        show=show,
    )


def stop_layer(
    stops: gpd.GeoDataFrame, *, scores: pd.DataFrame | None, lang: str, label: str | None
) -> folium.FeatureGroup:
    """The stops as numbered markers (their ``stop`` number, else their row order)."""
    records = stops.drop(columns="geometry").to_dict("records")
    for i, rec in enumerate(records, start=1):
        if rec.get("stop") in (None, "") or rec.get("stop") != rec.get("stop"):
            rec["stop"] = i
        if isinstance(rec["stop"], float) and rec["stop"].is_integer():
            rec["stop"] = int(rec["stop"])
    return geojson_layer(
        stops,
        name=label or t("map.layer.stops", lang),
        style={"weight": 2, "color": "#ffffff", "fillColor": STOP_COLOUR, "fillOpacity": 1.0},
        tooltip=[f"{esc(r['stop'])}. {esc(r.get('name', ''))}" for r in records],
        popup=[
            site_popup_parts(r, lang=lang, breakdown=score_breakdown(scores, r.get("site_id")))
            for r in records
        ],
        number=[esc(r["stop"]) for r in records],
        radius=9,
    )


def route_layer(
    stop_points: gpd.GeoDataFrame,
    *,
    route: Sequence[tuple[float, float]] | None,
    crs: Any = None,
    lang: str,
) -> folium.FeatureGroup | None:
    """The route as a dashed line: through ``route`` (points in ``crs``, the pack's metric CRS;
    default EPSG:25832) where given, else through the stops in row order; ``None`` when it has
    fewer than two points."""
    if route is not None and len(route) > 1:
        line = gpd.GeoSeries([shapely.LineString(list(route))], crs=crs or METRIC_CRS)
        line = line.to_crs(DISPLAY_CRS)
        coords = [(lat, lon) for lon, lat in line.iloc[0].coords]
    else:
        coords = [(p.y, p.x) for p in stop_points.geometry]
    if len(coords) < 2:
        return None
    group = folium.FeatureGroup(name=t("map.layer.route", lang))
    folium.PolyLine(coords, color=ROUTE_COLOUR, weight=3, opacity=0.85, dash_array="8 6").add_to(
        group
    )
    return group
