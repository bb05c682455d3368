"""Coverage maps with Folium: built by library functions, exported as one self-contained HTML file.

A map shows, as separate layers that a layer control switches on and off:

* the municipalities, coloured by coverage (the official midpoint within the travel-time threshold
  of a planned stop or not; or the minutes to the nearest stop),
* the Zensus 2022 1 km cells as a finer layer (populated cells only),
* the district borders,
* travel-time catchments around the planned stops (the cells within the threshold, dissolved),
* the route between the stops,
* the candidate sites and the planned stops as circle markers with popups (name, dates, score
  breakdown; every text is escaped with :func:`html.escape`).

The legend carries the colour keys and the population reached per district, urban and rural side
by side; the attribution control names every data source of the region pack (plus OpenStreetMap
for the basemap). Geometry is simplified in metres before it is reprojected to EPSG:4326 and its
coordinates are rounded, so the map stays small and quick.

Offline
-------
Folium links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs. The maps built here use none of
the extras (plain circle markers, a hand-written legend) and inline Leaflet 1.9.4 itself from the
installed ``django-js-lib-leaflet`` wheel (BSD-2-Clause, the upstream Leaflet build, no
dependencies), with the stylesheet's images as data URIs. The exported file therefore needs no
network; only the basemap tiles are fetched, and when that fails the layers stay visible on a plain
background.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from planner.coverage import MapCoverage, map_coverage
from planner.data.pack import RegionPack
from planner.i18n import DEFAULT_LANGUAGE, format_number, format_percent, t
from planner.settings import DISPLAY_CRS, METRIC_CRS, maps_dir
from planner.traveltime import TravelModel, default_model
from planner.usertext import file_stem

#: Default travel-time threshold in minutes (by car).
DEFAULT_THRESHOLD_MIN = 15.0
#: Minute bands for the "minutes" colouring: (upper bound, colour).
MINUTE_BANDS: tuple[tuple[float, str], ...] = (
    (10.0, "#1a9850"),
    (15.0, "#91cf60"),
    (20.0, "#fee08b"),
    (30.0, "#fc8d59"),
    (float("inf"), "#d73027"),
)
COVERED_COLOUR = "#1a9850"
UNCOVERED_COLOUR = "#d73027"
NEUTRAL_COLOUR = "#9e9e9e"
KIND_COLOURS: dict[str, str] = {
    "centre": "#6a3d9a",
    "rail": "#1f78b4",
    "bus_hub": "#33a02c",
    "school": "#ff7f00",
    "user": "#e31a1c",
}
STOP_COLOUR = "#08306b"
ROUTE_COLOUR = "#08306b"
OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
ColourMode = Literal["covered", "minutes"]


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


# --- text helpers --------------------------------------------------------------------------------


def _esc(value: object) -> str:
    """Escape any value for HTML (``None``/NaN become an empty string)."""
    if value is None:
        return ""
    if isinstance(value, float) and np.isnan(value):
        return ""
    return html.escape(str(value), quote=True)


def _fmt_num(value: object, lang: str) -> str:
    if isinstance(value, int | np.integer):
        return format_number(float(value), lang, ",.0f")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return _esc(value)
    if not np.isfinite(number):
        return t("ui.none", lang)
    return format_number(number, lang, ".2f")


def _fmt_date(value: object) -> str:
    if value is None or value == "" or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _minutes_colour(minutes: float) -> str:
    for upper, colour in MINUTE_BANDS:
        if minutes <= upper:
            return colour
    return MINUTE_BANDS[-1][1]


def _table(rows: Sequence[tuple[str, str]]) -> str:
    """Rows of (escaped label, escaped value) as a small HTML table."""
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table class='trp-pop'>{body}</table>"


def site_popup(
    site: Mapping[str, object],
    *,
    lang: str = DEFAULT_LANGUAGE,
    breakdown: Mapping[str, float] | None = None,
) -> str:
    """Popup HTML of a candidate site or a planned stop; every value is escaped.

    Parameters
    ----------
    site
        A row of the sites table or the schedule (``name``, ``municipality``, ``district``,
        ``kind``, ``area_class``, ``power``, ``space_m2``, ``visibility``, ``notes``, ``start``,
        ``end``, ``stop`` are used when present).
    lang
        Language of the labels.
    breakdown
        Score parts (label → value) to list under the name, e.g. from the scoring module.
    """
    name = _esc(site.get("name", ""))
    rows: list[tuple[str, str]] = []
    if site.get("stop") not in (None, ""):
        rows.append((_esc(t("map.popup.stop", lang)), _esc(site.get("stop"))))
    start, end = _fmt_date(site.get("start")), _fmt_date(site.get("end"))
    if start or end:
        rows.append((_esc(t("map.popup.dates", lang)), _esc(f"{start} – {end}")))
    for key in ("municipality", "district"):
        if site.get(key):
            rows.append((_esc(t(f"map.popup.{key}", lang)), _esc(site.get(key))))
    if site.get("kind"):
        rows.append((_esc(t("map.popup.kind", lang)), _esc(t(f"kind.{site.get('kind')}", lang))))
    if site.get("area_class"):
        rows.append(
            (_esc(t("map.popup.area_class", lang)), _esc(t(f"area.{site.get('area_class')}", lang)))
        )
    for key in ("power", "visibility"):
        value = site.get(key)
        if value not in (None, ""):
            rows.append((_esc(t(f"map.popup.{key}", lang)), _esc(t(f"fact.{value}", lang))))
    space = site.get("space_m2")
    if space is not None and not (isinstance(space, float) and np.isnan(space)):
        rows.append((_esc(t("map.popup.space_m2", lang)), _esc(_fmt_num(space, lang))))
    if site.get("notes"):
        rows.append((_esc(t("map.popup.notes", lang)), _esc(site.get("notes"))))
    text = f"<div class='trp-name'>{name}</div>" + _table(rows)
    if breakdown:
        parts = [(_esc(k), _esc(_fmt_num(v, lang))) for k, v in breakdown.items()]
        text += f"<div class='trp-sub'>{_esc(t('map.popup.score', lang))}</div>" + _table(parts)
    return text


# --- Leaflet pieces ------------------------------------------------------------------------------


class _HtmlControl(MacroElement):
    """A Leaflet control holding fixed HTML (legend, title)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var ctl = L.control({position: {{ this.position|tojson }}});
            ctl.onAdd = function() {
                var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
                div.innerHTML = {{ this.content|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            ctl.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, content: str, *, position: str, css_class: str) -> None:
        super().__init__()
        self._name = "HtmlControl"
        self.content = content
        self.position = position
        self.css_class = css_class


class _Attribution(MacroElement):
    """Adds attribution lines to the map's attribution control (always visible)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {% for line in this.lines %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ line|tojson }});
        {% endfor %}
        {% endmacro %}
        """
    )

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__()
        self._name = "Attribution"
        self.lines = [html.escape(line) for line in lines]


class _GeoJsonLayer(MacroElement):
    """A compact ``L.geoJSON`` layer.

    Features carry short properties: ``c`` (fill colour), ``t`` (tooltip HTML), ``p`` (popup
    HTML). Both HTML texts are built by this module with every value escaped. Points are drawn as
    circle markers, so no marker images or icon fonts are needed.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data }}, {
            style: function(f) {
                var s = Object.assign({}, {{ this.base|tojson }});
                if (f.properties.c) { s.fillColor = f.properties.c; }
                return s;
            },
            pointToLayer: function(f, latlng) {
                return L.circleMarker(latlng, {radius: {{ this.radius|tojson }}});
            }
        }).addTo({{ this._parent.get_name() }});
        {% if this.popup %}
        {{ this.get_name() }}.bindPopup(function(l) {
            return l.feature.properties.p || "";
        }, {maxWidth: 340});
        {% endif %}
        {% if this.tooltip %}
        {{ this.get_name() }}.bindTooltip(function(l) {
            return l.feature.properties.t || "";
        }, {sticky: true});
        {% endif %}
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: dict[str, Any],
        *,
        base: Mapping[str, Any],
        radius: float,
        popup: bool,
        tooltip: bool,
    ) -> None:
        super().__init__()
        self._name = "GeoJsonLayer"
        # Compact JSON, safe inside <script>: no "</" can close the element early.
        self.data = json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace(
            "</", "<\\/"
        )
        self.base = dict(base)
        self.radius = radius
        self.popup = popup
        self.tooltip = tooltip


_MAP_CSS = """
.leaflet-container { background: #eef1f4; font: 13px/1.35 system-ui, sans-serif; }
.trp-legend { background: rgba(255,255,255,.94); padding: 8px 10px; border-radius: 6px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 380px; font-size: 12px;
  max-height: 60vh; overflow: auto; }
.trp-legend summary { cursor: pointer; margin-bottom: 3px; font-size: 13px; }
.trp-legend .sw { display: inline-block; width: 12px; height: 12px; margin-right: 5px;
  vertical-align: -2px; border: 1px solid #555; }
.trp-legend .dot { border-radius: 50%; }
.trp-legend table { border-collapse: collapse; margin-top: 4px; font-size: 12px; }
.trp-legend td, .trp-legend th { padding: 1px 5px; text-align: right; white-space: nowrap;
  vertical-align: top; }
.trp-legend small { color: #444; }
.trp-legend td:first-child, .trp-legend th:first-child { text-align: left; }
.trp-legend .note { color: #555; font-size: 11px; margin-top: 4px; }
.trp-title { background: rgba(255,255,255,.94); padding: 6px 10px; border-radius: 6px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font-weight: 600; }
.trp-name { font-weight: 600; margin-bottom: 3px; }
.trp-sub { font-weight: 600; margin-top: 5px; }
.trp-pop th { text-align: left; padding-right: 8px; font-weight: normal; color: #555; }
.leaflet-control-attribution { font-size: 11px; max-width: 70%; }
"""


@lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JavaScript and stylesheet from the installed ``django-js-lib-leaflet`` wheel.

    Returns
    -------
    tuple of str
        ``(javascript, css)``; the stylesheet's images are inlined as data URIs and the source-map
        comment is dropped, so neither makes a request.
    """
    root = resources.files("js_lib_leaflet") / "static" / "js_lib_leaflet"
    js = (root / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", js)
    css = (root / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        data = (root / "images" / match.group(1)).read_bytes()
        return "url(data:image/png;base64," + base64.b64encode(data).decode("ascii") + ")"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", data_uri, css)
    return js, css


def _new_map(*, basemap: bool, lang: str) -> folium.Map:
    fmap = folium.Map(
        location=[54.25, 10.0],
        zoom_start=9,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
    )
    # No CDN: Leaflet is inlined below; jQuery/Bootstrap/Font Awesome are not needed.
    fmap.default_js = []
    fmap.default_css = []
    js, css = leaflet_assets()
    root = fmap.get_root()
    assert isinstance(root, Figure)
    root.header.add_child(
        Element(f"<style>{css}</style>\n<style>{_MAP_CSS}</style>\n<script>{js}</script>"),
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
    return fmap


def _geojson_layer(
    frame: gpd.GeoDataFrame,
    *,
    name: str,
    style: Mapping[str, Any],
    colour: Sequence[str] | None = None,
    tooltip: Sequence[str] | None = None,
    popup: Sequence[str] | None = None,
    radius: float = 6.0,
    show: bool = True,
) -> folium.FeatureGroup:
    """A named, switchable layer of ``frame`` (EPSG:4326) with per-feature colour/tooltip/popup."""
    features = []
    for i, geom in enumerate(frame.geometry):
        props: dict[str, str] = {}
        if colour is not None:
            props["c"] = colour[i]
        if tooltip is not None:
            props["t"] = tooltip[i]
        if popup is not None:
            props["p"] = popup[i]
        features.append(
            {"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": props}
        )
    group = folium.FeatureGroup(name=name, show=show)
    group.add_child(
        _GeoJsonLayer(
            {"type": "FeatureCollection", "features": features},
            base=style,
            radius=radius,
            popup=popup is not None,
            tooltip=tooltip is not None,
        )
    )
    return group


# --- the map -------------------------------------------------------------------------------------


def coverage_map(
    pack: RegionPack,
    *,
    stops: gpd.GeoDataFrame | None = None,
    sites: gpd.GeoDataFrame | None = None,
    coverage: MapCoverage | None = None,
    scores: pd.DataFrame | None = None,
    threshold_min: float = DEFAULT_THRESHOLD_MIN,
    colour_by: ColourMode = "covered",
    model: TravelModel | None = None,
    route: Sequence[tuple[float, float]] | None = None,
    draw_route: bool = True,
    stops_label: str | None = None,
    show_cells: bool = False,
    show_sites: bool = True,
    catchments: bool = True,
    basemap: bool = True,
    title: str | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> folium.Map:
    """Build the coverage map of a plan (or of the candidate sites alone).

    Parameters
    ----------
    pack
        The region pack (EPSG:25832).
    stops
        Planned stops as points (any CRS) with a ``name`` and optionally ``site_id``, ``stop``
        (order), ``start``, ``end``, ``municipality``, ``district``; drawn as numbered markers and
        connected by the route in row order.
    sites
        Candidate sites to show as markers (default: none). Columns as ``pack.sites``.
    coverage
        Pre-computed :func:`map_coverage` result for ``stops`` (computed when ``None``).
    scores
        Score breakdown per site: a table indexed by ``site_id`` whose columns (human-readable
        labels) are the parts shown in the popups.
    threshold_min
        Travel-time threshold for "reached" (minutes by car).
    colour_by
        ``"covered"``: reached within the threshold or not; ``"minutes"``: minutes to the nearest
        stop in bands.
    model
        Travel-time model (default: the active one); named in the legend.
    route
        Points of the route in EPSG:25832 (e.g. home base, stops, home base); default: the stops in
        row order.
    draw_route
        Draw the route layer (off when ``stops`` are sites being compared rather than a plan).
    stops_label
        Layer name of ``stops`` (default: "planned stops").
    show_cells, show_sites, catchments
        Which optional layers start switched on (cells, candidate sites) or exist (catchments).
    basemap
        Add the OpenStreetMap basemap (fails gracefully without internet).
    title
        Title shown in the top left corner.
    lang
        ``"de"`` or ``"en"``.

    Returns
    -------
    folium.Map
        Export it with :func:`map_html` or :func:`save_map`.
    """
    model = model or default_model()
    has_stops = stops is not None and len(stops) > 0
    if coverage is None:
        coverage = map_coverage(pack, stops, threshold_min=threshold_min, model=model)
    threshold_min = coverage.threshold_min
    fmap = _new_map(basemap=basemap, lang=lang)

    # municipalities
    munis = display_frame(
        pack.municipalities[["ags", "name", "district", "population", "area_class", "geometry"]],
        tolerance_m=120.0,
        precision_deg=1e-4,
    )
    minutes = pd.Series(coverage.municipality_minutes, index=pack.municipalities.index)
    munis["minutes"] = minutes.loc[munis.index].to_numpy()
    fmap.add_child(
        _geojson_layer(
            munis,
            name=t("map.layer.municipalities", lang),
            style={"weight": 0.6, "color": "#555555", "fillOpacity": 0.45},
            colour=[
                _area_colour(
                    m, has_stops=has_stops, colour_by=colour_by, threshold_min=threshold_min
                )
                for m in munis["minutes"]
            ],
            tooltip=[
                _area_tip(row, lang=lang, has_stops=has_stops) for row in munis.to_dict("records")
            ],
        )
    )

    # Zensus cells (populated only)
    cells = pack.cells
    populated = (cells["population"] > 0).to_numpy()
    cell_frame = display_frame(
        cells.loc[populated, ["cell_id", "population", "geometry"]], precision_deg=1e-4
    )
    cell_minutes = coverage.cell_minutes[populated]
    fmap.add_child(
        _geojson_layer(
            cell_frame,
            name=t("map.layer.cells", lang),
            style={"weight": 0.3, "color": "#333333", "fillOpacity": 0.55},
            colour=[
                _area_colour(
                    m, has_stops=has_stops, colour_by=colour_by, threshold_min=threshold_min
                )
                for m in cell_minutes
            ],
            tooltip=[
                _esc(t("map.tip.cell", lang, population=format_number(p, lang, ",.0f")))
                + (f" · {_fmt_num(m, lang)} min" if np.isfinite(m) else "")
                for p, m in zip(cell_frame["population"], cell_minutes, strict=True)
            ],
            show=show_cells,
        )
    )

    # catchments
    if has_stops and catchments and stops is not None:
        catch = _catchments(pack, stops, coverage)
        if len(catch):
            fmap.add_child(
                _geojson_layer(
                    catch,
                    name=t("map.layer.catchments", lang, minutes=f"{threshold_min:g}"),
                    style={
                        "weight": 1.5,
                        "color": STOP_COLOUR,
                        "fillColor": "#4292c6",
                        "fillOpacity": 0.12,
                        "dashArray": "4 3",
                    },
                    tooltip=list(catch["tip"]),
                )
            )

    # district borders
    districts = display_frame(
        pack.districts[["name", "geometry"]], tolerance_m=200.0, precision_deg=1e-4
    )
    fmap.add_child(
        _geojson_layer(
            districts,
            name=t("map.layer.districts", lang),
            style={"weight": 2.5, "color": "#222222", "fill": False},
        )
    )

    # candidate sites
    if sites is not None and len(sites) > 0:
        fmap.add_child(_site_layer(sites, scores=scores, lang=lang, show=show_sites))

    # route and planned stops
    if has_stops and stops is not None:
        stop_pts = display_frame(stops)
        if route is not None and len(route) > 1:
            line = gpd.GeoSeries([shapely.LineString(list(route))], crs=METRIC_CRS).to_crs(
                DISPLAY_CRS
            )
            coords = [(lat, lon) for lon, lat in line.iloc[0].coords]
        else:
            coords = [(p.y, p.x) for p in stop_pts.geometry]
        if draw_route and len(coords) > 1:
            group = folium.FeatureGroup(name=t("map.layer.route", lang))
            folium.PolyLine(
                coords, color=ROUTE_COLOUR, weight=3, opacity=0.85, dash_array="8 6"
            ).add_to(group)
            fmap.add_child(group)
        fmap.add_child(_stop_layer(stop_pts, scores=scores, lang=lang, label=stops_label))

    # legend, title, attribution, layer control
    fmap.add_child(
        _HtmlControl(
            legend_html(
                coverage,
                lang=lang,
                colour_by=colour_by,
                has_stops=has_stops,
                show_sites=sites is not None and len(sites) > 0,
                stops_label=stops_label,
            ),
            position="bottomleft",
            css_class="trp-legend",
        )
    )
    if title:
        fmap.add_child(_HtmlControl(_esc(title), position="topleft", css_class="trp-title"))
    fmap.add_child(_Attribution(attribution_lines(pack, basemap=basemap)))
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    bounds = pack.districts.to_crs(DISPLAY_CRS).total_bounds
    fmap.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    return fmap


def attribution_lines(pack: RegionPack, *, basemap: bool = True) -> list[str]:
    """Every source's attribution once (OSM first where the basemap is shown)."""
    lines = [OSM_ATTRIBUTION] if basemap else []
    for text in pack.attribution():
        lines.extend(part.strip() for part in text.split(";") if part.strip())
    return list(dict.fromkeys(lines))


def _area_colour(
    minutes: float, *, has_stops: bool, colour_by: ColourMode, threshold_min: float
) -> str:
    if not has_stops:
        return NEUTRAL_COLOUR
    if colour_by == "minutes":
        return _minutes_colour(minutes)
    return COVERED_COLOUR if minutes <= threshold_min else UNCOVERED_COLOUR


def _area_tip(row: Mapping[str, Any], *, lang: str, has_stops: bool) -> str:
    population = format_number(row["population"], lang, ",.0f")
    text = (
        f"<b>{_esc(row['name'])}</b> ({_esc(row['district'])})<br>"
        f"{_esc(t('map.tip.population', lang, population=population))}"
        f" · {_esc(t('area.' + str(row['area_class']), lang))}"
    )
    if has_stops and np.isfinite(row["minutes"]):
        text += "<br>" + _esc(t("map.tip.minutes", lang, minutes=_fmt_num(row["minutes"], lang)))
    return text


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
    frame = gpd.GeoDataFrame({"tip": [_esc(n) for n in names]}, geometry=geoms, crs=METRIC_CRS)
    return display_frame(frame, tolerance_m=150.0)


def _breakdown(scores: pd.DataFrame | None, site_id: object) -> dict[str, float] | None:
    if scores is None or site_id is None or site_id not in scores.index:
        return None
    row = scores.loc[str(site_id)]
    return {str(k): float(v) for k, v in row.items() if isinstance(v, int | float | np.number)}


def _site_layer(
    sites: gpd.GeoDataFrame, *, scores: pd.DataFrame | None, lang: str, show: bool
) -> folium.FeatureGroup:
    frame = display_frame(sites)
    records = frame.drop(columns="geometry").to_dict("records")
    return _geojson_layer(
        frame,
        name=t("map.layer.sites", lang),
        style={"weight": 1, "color": "#ffffff", "fillOpacity": 0.9},
        colour=[KIND_COLOURS.get(str(r.get("kind")), "#666666") for r in records],
        tooltip=[_esc(r.get("name", "")) for r in records],
        popup=[
            site_popup(r, lang=lang, breakdown=_breakdown(scores, r.get("site_id")))
            for r in records
        ],
        radius=5,
        show=show,
    )


def _stop_layer(
    stops: gpd.GeoDataFrame, *, scores: pd.DataFrame | None, lang: str, label: str | None
) -> folium.FeatureGroup:
    records = stops.drop(columns="geometry").to_dict("records")
    for i, rec in enumerate(records, start=1):
        if rec.get("stop") in (None, ""):
            rec["stop"] = i
    return _geojson_layer(
        stops,
        name=label or t("map.layer.stops", lang),
        style={"weight": 2, "color": "#ffffff", "fillColor": STOP_COLOUR, "fillOpacity": 1.0},
        tooltip=[f"{_esc(r['stop'])}. {_esc(r.get('name', ''))}" for r in records],
        popup=[
            site_popup(r, lang=lang, breakdown=_breakdown(scores, r.get("site_id")))
            for r in records
        ],
        radius=9,
    )


def legend_html(
    coverage: MapCoverage,
    *,
    lang: str = DEFAULT_LANGUAGE,
    colour_by: ColourMode = "covered",
    has_stops: bool = True,
    show_sites: bool = False,
    stops_label: str | None = None,
) -> str:
    """The legend: colour keys, population reached per district (urban | rural), model used."""
    parts = [f"<details open><summary><b>{_esc(t('map.legend.title', lang))}</b></summary>"]
    thr = f"{coverage.threshold_min:g}"
    if has_stops:
        if colour_by == "minutes":
            lower = 0.0
            for upper, colour in MINUTE_BANDS:
                label = f"{lower:g}–{upper:g} min" if np.isfinite(upper) else f"> {lower:g} min"
                parts.append(
                    f"<div><span class='sw' style='background:{colour}'></span>{label}</div>"
                )
                lower = upper
        else:
            parts.append(
                f"<div><span class='sw' style='background:{COVERED_COLOUR}'></span>"
                f"{_esc(t('map.legend.covered', lang, minutes=thr))}</div>"
                f"<div><span class='sw' style='background:{UNCOVERED_COLOUR}'></span>"
                f"{_esc(t('map.legend.uncovered', lang, minutes=thr))}</div>"
            )
        parts.append(
            f"<div><span class='sw dot' style='background:{STOP_COLOUR}'></span>"
            f"{_esc(stops_label or t('map.layer.stops', lang))}</div>"
        )
    else:
        parts.append(
            f"<div><span class='sw' style='background:{NEUTRAL_COLOUR}'></span>"
            f"{_esc(t('map.legend.no_stops', lang))}</div>"
        )
    if show_sites:
        kinds = "".join(
            f"<span class='sw dot' style='background:{c}'></span>{_esc(t('kind.' + k, lang))} "
            for k, c in KIND_COLOURS.items()
        )
        parts.append(f"<div>{kinds}</div>")
    if has_stops:
        parts.append(figures_table_html(coverage.figures, lang=lang, threshold_min=thr))
    parts.append(
        f"<div class='note'>{_esc(t('map.legend.model', lang, model=coverage.model_description))}"
        "</div></details>"
    )
    return "".join(parts)


def figures_table_html(figures: pd.DataFrame, *, lang: str, threshold_min: str) -> str:
    """The urban/rural figures per district as a small HTML table (for the legend)."""
    head = (
        f"<tr><th>{_esc(t('map.legend.reached', lang, minutes=threshold_min))}</th>"
        f"<th>{_esc(t('area.urban', lang))}</th><th>{_esc(t('area.rural', lang))}</th>"
        f"<th>{_esc(t('map.legend.total', lang))}</th></tr>"
    )
    rows = []
    for rec in figures.to_dict("records"):
        cells = [f"<td>{_esc(rec['district'])}</td>"]
        for prefix in ("urban_", "rural_", ""):
            pop = rec[f"{prefix}population"]
            if pop <= 0:
                cells.append(f"<td>{t('ui.none', lang)}</td>")
                continue
            cells.append(
                f"<td>{format_number(rec[f'{prefix}reached'], lang, ',.0f')}"
                f"<br><small>{format_percent(rec[f'{prefix}share'], lang)}</small></td>"
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table>{head}{''.join(rows)}</table>"


# --- export --------------------------------------------------------------------------------------


def map_html(fmap: folium.Map) -> str:
    """The map as one self-contained HTML document (Leaflet inlined, no CDN links).

    Raises
    ------
    ValueError
        If anything in the page would load a script or stylesheet from the network.
    """
    page = fmap.get_root().render()
    external = re.findall(r"<(?:script|link)[^>]+(?:src|href)=\"(https?:[^\"]+)\"", page)
    if external:
        raise ValueError(f"map links external resources: {external}")
    return str(page)


def map_bytes(fmap: folium.Map) -> bytes:
    """:func:`map_html` encoded as UTF-8 (for a download button)."""
    return map_html(fmap).encode("utf-8")


#: Longest readable part of a map's file name (ASCII characters, before the hash).
def save_map(fmap: folium.Map, *, name: str = "abdeckung", folder: Path | None = None) -> Path:
    """Write the self-contained map to ``folder/<stem>.html`` (default folder: ``maps/``).

    The stem comes from :func:`planner.usertext.file_stem` (unique per exact ``name``, bounded,
    never a path outside ``folder``). The file is written to a temporary name first and then
    renamed, so a reader never sees half a map.
    """
    folder = folder or maps_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{file_stem(name, default='map')}.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(map_html(fmap), encoding="utf-8")
    tmp.replace(path)
    return path


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
