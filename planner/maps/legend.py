"""The maps' legend: colour keys, population reached per district (urban | rural), model used."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.coverage import MapCoverage
from planner.i18n import DEFAULT_LANGUAGE, format_number, format_percent, t
from planner.maps.colours import (
    COVERED_COLOUR,
    KIND_COLOURS,
    MINUTE_BANDS,
    NEUTRAL_COLOUR,
    STOP_COLOUR,
    UNCOVERED_COLOUR,
    ColourMode,
)
from planner.maps.popups import esc

__all__ = ["figures_table_html", "legend_html", "model_name", "model_text"]


#: Catalogue key of each model's name (``TravelModel.name``): car, on foot, by bike.
_MODEL_KEYS = {
    "crow-fly": "map.model.crow_fly",
    "osm-road": "map.model.osm_road",
    "crow-fly-walk": "map.model.crow_fly_walk",
    "crow-fly-bike": "map.model.crow_fly_bike",
    "osm-road-walk": "map.model.osm_road_walk",
    "osm-road-bike": "map.model.osm_road_bike",
}


def model_name(model: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """The travel-time model's name for people ("Luftlinie", "OSM-Straßennetz")."""
    name = str(getattr(model, "name", ""))
    if name not in _MODEL_KEYS:
        return name
    return t(_MODEL_KEYS[name], lang)


def model_text(model: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """The model's parameters in the language's words and notation ("Luftlinie × 1,35
    (Umwegfaktor), bis 5 km 30 km/h, …"); a model without known parameters describes itself."""
    detour, bands = getattr(model, "detour", None), getattr(model, "bands", None)
    name = getattr(model, "name", "")
    if name in ("crow-fly-walk", "crow-fly-bike") and detour is not None and bands:
        return t(
            "map.model.crow_fly_mode_text",
            lang,
            detour=format_number(detour, lang, "g"),
            speed=format_number(bands[-1][1], lang, "g"),
        )
    if name != "crow-fly" or detour is None or bands is None:
        describe = getattr(model, "describe", None)
        return str(describe()) if callable(describe) else str(model)
    parts = [
        t(
            "map.model.band",
            lang,
            km=format_number(upper, lang, "g"),
            speed=format_number(speed, lang, "g"),
        )
        if np.isfinite(upper)
        else t("map.model.band_last", lang, speed=format_number(speed, lang, "g"))
        for upper, speed in bands
    ]
    return t(
        "map.model.crow_fly_text",
        lang,
        detour=format_number(detour, lang, "g"),
        bands=", ".join(parts),
    )


def legend_html(
    coverage: MapCoverage,
    *,
    lang: str = DEFAULT_LANGUAGE,
    colour_by: ColourMode = "covered",
    has_stops: bool = True,
    show_sites: bool = False,
    stops_label: str | None = None,
    model_label: str | None = None,
) -> str:
    """The legend: colour keys, population reached per district (urban | rural), model used
    (``model_label``; default: the coverage's recorded description).

    It is an HTML ``<details>`` element: a click on its title folds it away.
    """
    parts = [f"<details open><summary><b>{esc(t('map.legend.title', lang))}</b></summary>"]
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
                f"{esc(t('map.legend.covered', lang, minutes=thr))}</div>"
                f"<div><span class='sw' style='background:{UNCOVERED_COLOUR}'></span>"
                f"{esc(t('map.legend.uncovered', lang, minutes=thr))}</div>"
            )
        parts.append(
            f"<div><span class='sw num' style='background:{STOP_COLOUR}'>1</span>"
            f"{esc(stops_label or t('map.layer.stops', lang))}</div>"
        )
        # the scale the colours and figures show, named with its definition (issue 16, item 5)
        parts.append(
            f"<div class='note'>{esc(t('map.legend.scale_regional', lang, minutes=thr))}</div>"
        )
    else:
        parts.append(
            f"<div><span class='sw' style='background:{NEUTRAL_COLOUR}'></span>"
            f"{esc(t('map.legend.no_stops', lang))}</div>"
        )
    if show_sites:
        kinds = "".join(
            f"<span class='sw dot' style='background:{c}'></span>{esc(t('kind.' + k, lang))} "
            for k, c in KIND_COLOURS.items()
        )
        parts.append(f"<div>{kinds}</div>")
    if has_stops:
        parts.append(figures_table_html(coverage.figures, lang=lang, threshold_min=thr))
    model = model_label or coverage.model_description
    parts.append(
        f"<div class='note'>{esc(t('map.legend.model', lang, model=model))}</div></details>"
    )
    return "".join(parts)


def figures_table_html(figures: pd.DataFrame, *, lang: str, threshold_min: str) -> str:
    """The urban/rural figures per district as a small HTML table (for the legend)."""
    head = (
        f"<tr><th>{esc(t('map.legend.reached', lang, minutes=threshold_min))}</th>"
        f"<th>{esc(t('area.urban', lang))}</th><th>{esc(t('area.rural', lang))}</th>"
        f"<th>{esc(t('map.legend.total', lang))}</th></tr>"
    )
    rows = []
    for rec in figures.to_dict("records"):
        cells = [f"<td>{esc(rec['district'])}</td>"]
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
