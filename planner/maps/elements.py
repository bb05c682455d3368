"""Custom Leaflet elements for Folium maps: fixed-HTML controls, attribution lines, compact
GeoJSON layers."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from branca.element import MacroElement
from jinja2 import Template

__all__ = ["AttributionLines", "FitRegion", "GeoJsonLayer", "HtmlControl", "MetricScale"]


class HtmlControl(MacroElement):
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


class AttributionLines(MacroElement):
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


class GeoJsonLayer(MacroElement):
    """A compact ``L.geoJSON`` layer.

    Features carry short properties: ``c`` (fill colour), ``t`` (tooltip HTML), ``p`` (popup
    HTML, or with ``strings`` the popup as indexes into them, see
    :class:`planner.maps.popups.Popup`), ``n`` (a point's number: drawn as a numbered marker,
    e.g. a stop in tour order). Every HTML text is built by :mod:`planner.maps` with every value
    escaped. Other points are drawn as circle markers, so no marker images or icon fonts are
    needed.
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
                if (f.properties.n) {  // a numbered stop: its number in a round marker
                    var size = {{ (2 * this.radius + 4)|tojson }};
                    return L.marker(latlng, {icon: L.divIcon({
                        className: "trp-num", html: String(f.properties.n),
                        iconSize: [size, size]}), riseOnHover: true});
                }
                return L.circleMarker(latlng, {radius: {{ this.radius|tojson }}});
            }
        }).addTo({{ this._parent.get_name() }});
        {% if this.popup %}
        {{ this.get_name() }}.bindPopup(function(l) {
            var p = l.feature.properties.p;
            {% if this.strings is not none %}
            // built when it opens, from indexes into the layer's texts (see popups.Popup)
            var S = {{ this.strings }};
            if (!p) { return ""; }
            var h = "<div class='trp-name'>" + S[p[0]] + "</div>", i = 1;
            while (i < p.length) {
                var head = p[i++], n = p[i++];
                if (head >= 0) { h += "<div class='trp-sub'>" + S[head] + "</div>"; }
                h += "<table class='trp-pop'>";
                for (var j = 0; j < n; j++) {
                    h += "<tr><th>" + S[p[i++]] + "</th><td>" + S[p[i++]] + "</td></tr>";
                }
                h += "</table>";
            }
            return h;
            {% else %}
            return p || "";
            {% endif %}
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
        strings: Sequence[str] | None = None,
    ) -> None:
        super().__init__()
        self._name = "GeoJsonLayer"
        self.data = _script_json(data)
        self.strings = None if strings is None else _script_json(list(strings))
        self.base = dict(base)
        self.radius = radius
        self.popup = popup
        self.tooltip = tooltip


def _script_json(value: object) -> str:
    """Compact JSON, safe inside ``<script>``: no ``</`` can close the element early."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")


class MetricScale(MacroElement):
    """A scale bar in metres and kilometres only (Leaflet's default adds miles and feet)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, metric: true, maxWidth: 160, position: "bottomright"})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


class FitRegion(MacroElement):
    """Fit the view to the region in the space the legend and the layer control leave free.

    Added after the controls: the padding is measured from them in the page, so no stop or
    municipality lies under the legend. On a narrow map the legend starts folded; folding or
    unfolding it fits the view again.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var box = map.getContainer();
            var legend = box.querySelector(".trp-legend details");
            if (legend && map.getSize().x < {{ this.fold_below_px|tojson }}) {
                legend.open = false;
            }
            function fit() {
                var size = function(sel) {
                    var el = box.querySelector(sel);
                    return el ? [el.offsetWidth + 16, el.offsetHeight + 16] : [10, 10];
                };
                var legendBox = size(".trp-legend"), layersBox = size(".leaflet-control-layers");
                var titleBox = size(".trp-title");
                // beside the controls (left and right) or between them (top and bottom):
                // whichever shows the region larger
                var ways = [
                    {paddingTopLeft: [Math.max(legendBox[0], 10), titleBox[1]],
                     paddingBottomRight: [layersBox[0], 30]},
                    {paddingTopLeft: [10, Math.max(titleBox[1], layersBox[1])],
                     paddingBottomRight: [10, legendBox[1] + 20]}
                ];
                var zoom = function(way) {
                    return map.getBoundsZoom({{ this.bounds|tojson }}, false, L.point(
                        way.paddingTopLeft[0] + way.paddingBottomRight[0],
                        way.paddingTopLeft[1] + way.paddingBottomRight[1]));
                };
                var best = zoom(ways[0]) >= zoom(ways[1]) ? ways[0] : ways[1];
                map.fitBounds({{ this.bounds|tojson }}, best);
            }
            fit();
            if (legend) { legend.addEventListener("toggle", fit); }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds: Sequence[Sequence[float]], *, fold_below_px: int = 900) -> None:
        super().__init__()
        self._name = "FitRegion"
        self.bounds = [list(map(float, corner)) for corner in bounds]
        self.fold_below_px = fold_below_px
