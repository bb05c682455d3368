"""What a map page needs offline: Leaflet inlined from the installed package, the maps' CSS."""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from importlib import resources

__all__ = ["MAP_CSS", "leaflet_assets"]

#: The maps' own stylesheet (legend, title, popups). The attribution (bottom right) leaves the
#: legend's width (bottom left, at most 380 px) free on a wide map, so it does not cover the
#: legend's last line; a narrow map starts with the legend folded.
MAP_CSS = """
.leaflet-container { background: #eef1f4; font: 13px/1.35 system-ui, sans-serif; }
.trp-legend { background: rgba(255,255,255,.94); padding: 8px 10px; border-radius: 6px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 380px; font-size: 12px;
  max-height: 60vh; overflow: auto; }
.trp-legend summary { cursor: pointer; margin-bottom: 3px; font-size: 13px; }
.trp-legend .sw { display: inline-block; width: 12px; height: 12px; margin-right: 5px;
  vertical-align: -2px; border: 1px solid #555; }
.trp-legend .dot { border-radius: 50%; }
.trp-legend .num { border-radius: 50%; width: 16px; height: 16px; color: #fff; font-size: 10px;
  font-weight: 700; text-align: center; line-height: 16px; vertical-align: -4px; }
.trp-num { background: #08306b; color: #fff; border: 2px solid #fff; border-radius: 50%;
  box-shadow: 0 1px 3px rgba(0,0,0,.5); font: 700 12px/18px system-ui, sans-serif;
  text-align: center; box-sizing: border-box; }
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
.leaflet-control-attribution { font-size: 11px; max-width: max(60%, calc(100% - 420px)); }
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
