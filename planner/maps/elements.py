"""Custom Leaflet elements for Folium maps: fixed-HTML controls, attribution lines, compact
GeoJSON layers."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from branca.element import MacroElement
from jinja2 import Template

__all__ = ["AttributionLines", "GeoJsonLayer", "HtmlControl"]


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
