"""The coverage map: :class:`MapOptions` (what is shown, and how) and :func:`coverage_map`."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypedDict, Unpack

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, Figure

from planner.coverage import DEFAULT_THRESHOLD_MIN, MapCoverage, map_coverage
from planner.data.pack import RegionPack
from planner.i18n import DEFAULT_LANGUAGE, t
from planner.maps.assets import MAP_CSS, leaflet_assets
from planner.maps.colours import ColourMode
from planner.maps.elements import AttributionLines, FitRegion, HtmlControl, MetricScale
from planner.maps.layers import (
    AreaColouring,
    catchment_layer,
    cell_layer,
    display_frame,
    district_layer,
    municipality_layer,
    route_layer,
    site_layer,
    stop_layer,
)
from planner.maps.legend import legend_html, model_text
from planner.maps.popups import esc
from planner.settings import DISPLAY_CRS
from planner.traveltime import TravelModel, default_model

__all__ = [
    "OSM_ATTRIBUTION",
    "OSM_TILES",
    "MapChoices",
    "MapOptions",
    "attribution_lines",
    "coverage_map",
    "new_map",
]

OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@dataclass(frozen=True, kw_only=True)
class MapOptions:
    """What a coverage map shows, and how (the display choices; the data are arguments of
    :func:`coverage_map`).

    Attributes
    ----------
    threshold_min
        Travel-time threshold for "reached" (minutes by car); a pre-computed coverage brings
        its own.
    colour_by
        ``"covered"``: reached within the threshold or not; ``"minutes"``: minutes to the nearest
        stop in bands.
    draw_route
        Draw the route layer (off when the stops are sites being compared rather than a plan).
    stops_label
        Layer name of the stops (default: "planned stops").
    show_cells, show_sites
        Whether the cells and the candidate sites start switched on.
    cells
        Whether the Zensus cells layer exists (without stops it shows no more than the
        municipalities and is the largest part of the page).
    catchments
        Whether the catchments layer exists.
    basemap
        Add the OpenStreetMap basemap (fails gracefully without internet).
    compact
        A small map (beside a list): the layer control and the legend start folded.
    title
        Title shown in the top left corner.
    lang
        ``"de"`` or ``"en"``.
    """

    threshold_min: float = DEFAULT_THRESHOLD_MIN
    colour_by: ColourMode = "covered"
    draw_route: bool = True
    stops_label: str | None = None
    show_cells: bool = False
    show_sites: bool = True
    cells: bool = True
    catchments: bool = True
    basemap: bool = True
    compact: bool = False
    title: str | None = None
    lang: str = DEFAULT_LANGUAGE


class MapChoices(TypedDict, total=False):
    """:class:`MapOptions` fields given one by one as keywords of :func:`coverage_map`."""

    threshold_min: float
    colour_by: ColourMode
    draw_route: bool
    stops_label: str | None
    show_cells: bool
    show_sites: bool
    cells: bool
    catchments: bool
    basemap: bool
    compact: bool
    title: str | None
    lang: str


def new_map(*, basemap: bool, lang: str) -> folium.Map:
    """An empty map with Leaflet and the maps' CSS inlined (no CDN) and, optionally, the basemap."""
    fmap = folium.Map(
        location=[54.25, 10.0],
        zoom_start=9,
        tiles=None,
        prefer_canvas=True,
        control_scale=False,  # a metric scale is added below: Leaflet's default shows miles too
        zoom_snap=0.25,  # the region fills the free space, not the next whole zoom level
    )
    # No CDN: Leaflet is inlined below; jQuery/Bootstrap/Font Awesome are not needed.
    fmap.default_js = []
    fmap.default_css = []
    js, css = leaflet_assets()
    root = fmap.get_root()
    assert isinstance(root, Figure)
    root.header.add_child(
        Element(f"<style>{css}</style>\n<style>{MAP_CSS}</style>\n<script>{js}</script>"),
        name="leaflet_inline",
    )
    if basemap:
        folium.TileLayer(
            OSM_TILES,
            attr=html.escape(OSM_ATTRIBUTION),
            name=t("map.layer.basemap", lang),
            max_zoom=19,
            overlay=False,
            control=True,
        ).add_to(fmap)
    fmap.add_child(MetricScale())
    return fmap


def attribution_lines(pack: RegionPack, *, basemap: bool = True) -> list[str]:
    """Every source's attribution once (OSM first where the basemap is shown)."""
    lines = [OSM_ATTRIBUTION] if basemap else []
    for text in pack.attribution():
        lines.extend(part.strip() for part in text.split(";") if part.strip())
    return list(dict.fromkeys(lines))


def _add_stops(
    fmap: folium.Map,
    stops: gpd.GeoDataFrame,
    *,
    route: Sequence[tuple[float, float]] | None,
    crs: str,
    scores: pd.DataFrame | None,
    options: MapOptions,
) -> None:
    """The route (unless switched off; its points in ``crs``) and the planned stops as numbered
    markers."""
    stop_points = display_frame(stops)
    if options.draw_route:
        line = route_layer(stop_points, route=route, crs=crs, lang=options.lang)
        if line is not None:
            fmap.add_child(line)
    fmap.add_child(
        stop_layer(stop_points, scores=scores, lang=options.lang, label=options.stops_label)
    )


def _add_controls(
    fmap: folium.Map,
    pack: RegionPack,
    coverage: MapCoverage,
    *,
    options: MapOptions,
    has_stops: bool,
    has_sites: bool,
    model_label: str | None = None,
) -> None:
    """Legend, title, attribution, layer control and scale; the view fitted to the region in
    the space the legend and the layer control leave free."""
    legend = legend_html(
        coverage,
        lang=options.lang,
        colour_by=options.colour_by,
        has_stops=has_stops,
        show_sites=has_sites,
        stops_label=options.stops_label,
        model_label=model_label,
    )
    fmap.add_child(HtmlControl(legend, position="bottomleft", css_class="trp-legend"))
    if options.title:
        fmap.add_child(HtmlControl(esc(options.title), position="topleft", css_class="trp-title"))
    fmap.add_child(AttributionLines(attribution_lines(pack, basemap=options.basemap)))
    folium.LayerControl(collapsed=options.compact, position="topright").add_to(fmap)
    bounds = pack.districts.to_crs(DISPLAY_CRS).total_bounds
    fmap.add_child(
        FitRegion(
            [[bounds[1], bounds[0]], [bounds[3], bounds[2]]],
            fold_below_px=100_000 if options.compact else 900,
        )
    )


def coverage_map(
    pack: RegionPack,
    *,
    stops: gpd.GeoDataFrame | None = None,
    sites: gpd.GeoDataFrame | None = None,
    coverage: MapCoverage | None = None,
    scores: pd.DataFrame | None = None,
    model: TravelModel | None = None,
    route: Sequence[tuple[float, float]] | None = None,
    options: MapOptions | None = None,
    **choices: Unpack[MapChoices],
) -> folium.Map:
    """Build the coverage map of a plan (or of the candidate sites alone).

    Parameters
    ----------
    pack
        The region pack (its layers in its metric CRS, ``pack.crs``).
    stops
        Planned stops as points (any CRS) with a ``name`` and optionally ``site_id``, ``stop``
        (order), ``start``, ``end``, ``municipality``, ``district``; drawn as numbered markers and
        connected by the route in row order.
    sites
        Candidate sites to show as markers (default: none). Columns as ``pack.sites``.
    coverage
        Pre-computed :func:`planner.coverage.map_coverage` result for ``stops`` (computed when
        ``None``).
    scores
        Score breakdown per site: a table indexed by ``site_id`` whose columns (human-readable
        labels) are the parts shown in the popups.
    model
        Travel-time model (default: the active one); named in the legend.
    route
        Points of the route in the pack's metric CRS (e.g. home base, stops, home base);
        default: the stops in row order.
    options
        What is shown, and how (default: :class:`MapOptions` ``()``).
    **choices
        Any :class:`MapOptions` field by name (``show_cells=True``, ``lang="en"``); overrides
        ``options``.

    Returns
    -------
    folium.Map
        Export it with :func:`planner.maps.map_html` or :func:`planner.maps.save_map`.
    """
    options = replace(options or MapOptions(), **choices)
    model = model or default_model()
    has_stops = stops is not None and len(stops) > 0
    has_sites = sites is not None and len(sites) > 0
    if coverage is None:
        coverage = map_coverage(pack, stops, threshold_min=options.threshold_min, model=model)
    # a pre-computed coverage brings its own threshold
    colouring = AreaColouring(
        has_stops=has_stops, colour_by=options.colour_by, threshold_min=coverage.threshold_min
    )
    lang = options.lang
    fmap = new_map(basemap=options.basemap, lang=lang)
    fmap.add_child(municipality_layer(pack, coverage, colouring, lang=lang))
    if options.cells:
        fmap.add_child(cell_layer(pack, coverage, colouring, lang=lang, show=options.show_cells))
    if has_stops and options.catchments and stops is not None:
        catchments = catchment_layer(pack, stops, coverage, lang=lang)
        if catchments is not None:
            fmap.add_child(catchments)
    fmap.add_child(district_layer(pack, lang=lang))
    if has_sites and sites is not None:
        fmap.add_child(site_layer(sites, scores=scores, lang=lang, show=options.show_sites))
    if has_stops and stops is not None:
        _add_stops(fmap, stops, route=route, crs=pack.crs, scores=scores, options=options)
    # the active model in the map's language ("Luftlinie × 1,35"); a coverage computed with
    # another model keeps its own description
    same = coverage.model_description == model.describe()
    _add_controls(
        fmap,
        pack,
        coverage,
        options=options,
        has_stops=has_stops,
        has_sites=has_sites,
        model_label=model_text(model, lang) if same else None,
    )
    return fmap
