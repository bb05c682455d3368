"""A map as one self-contained HTML file: the page, its bytes, the file written."""

from __future__ import annotations

import re
from pathlib import Path

import folium

from planner.errors import PlannerError
from planner.settings import maps_dir
from planner.usertext import file_stem

__all__ = ["ExternalResourceError", "map_bytes", "map_html", "save_map"]


class ExternalResourceError(PlannerError, ValueError):
    """The map page would load a script or stylesheet from the network (it must work offline)."""


def map_html(fmap: folium.Map) -> str:
    """The map as one self-contained HTML document (Leaflet inlined, no CDN links).

    Raises
    ------
    ExternalResourceError
        If anything in the page would load a script or stylesheet from the network.
    """
    page = fmap.get_root().render()
    external = re.findall(r"<(?:script|link)[^>]+(?:src|href)=\"(https?:[^\"]+)\"", page)
    if external:
        raise ExternalResourceError(f"map links external resources: {external}")
    return str(page)


def map_bytes(fmap: folium.Map) -> bytes:
    """:func:`map_html` encoded as UTF-8 (for a download button)."""
    return map_html(fmap).encode("utf-8")


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
