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

Modules
-------
:mod:`~planner.maps.build`
    :func:`coverage_map` and its :class:`MapOptions`; the empty map, the attribution.
:mod:`~planner.maps.layers`
    The layers (municipalities, cells, catchments, districts, sites, stops, route).
:mod:`~planner.maps.popups`
    Popups and tooltips, HTML escaping.
:mod:`~planner.maps.legend`
    The legend and its figures table.
:mod:`~planner.maps.colours`
    Colour keys and minute bands.
:mod:`~planner.maps.elements`
    The custom Leaflet elements (HTML controls, attribution lines, compact GeoJSON).
:mod:`~planner.maps.assets`
    Leaflet inlined from the installed package, the maps' CSS.
:mod:`~planner.maps.files`
    The self-contained HTML page, its bytes, the file written.
:mod:`~planner.maps.stops`
    Planned stops as points (a schedule joined to the sites).
"""

from planner.coverage import DEFAULT_THRESHOLD_MIN
from planner.maps.assets import leaflet_assets
from planner.maps.build import (
    OSM_ATTRIBUTION,
    OSM_TILES,
    MapChoices,
    MapOptions,
    attribution_lines,
    coverage_map,
)
from planner.maps.colours import (
    COVERED_COLOUR,
    KIND_COLOURS,
    MINUTE_BANDS,
    NEUTRAL_COLOUR,
    ROUTE_COLOUR,
    STOP_COLOUR,
    UNCOVERED_COLOUR,
    ColourMode,
)
from planner.maps.files import ExternalResourceError, map_bytes, map_html, save_map
from planner.maps.layers import display_frame
from planner.maps.legend import figures_table_html, legend_html, model_name, model_text
from planner.maps.popups import quick_number, site_popup
from planner.maps.stops import STOP_COLUMNS, schedule_stops, stops_frame

__all__ = [
    "COVERED_COLOUR",
    "DEFAULT_THRESHOLD_MIN",
    "KIND_COLOURS",
    "MINUTE_BANDS",
    "NEUTRAL_COLOUR",
    "OSM_ATTRIBUTION",
    "OSM_TILES",
    "ROUTE_COLOUR",
    "STOP_COLOUR",
    "STOP_COLUMNS",
    "UNCOVERED_COLOUR",
    "ColourMode",
    "ExternalResourceError",
    "MapChoices",
    "MapOptions",
    "attribution_lines",
    "coverage_map",
    "display_frame",
    "figures_table_html",
    "leaflet_assets",
    "legend_html",
    "map_bytes",
    "map_html",
    "model_name",
    "model_text",
    "quick_number",
    "save_map",
    "schedule_stops",
    "site_popup",
    "stops_frame",
]
