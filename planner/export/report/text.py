"""Text helpers of the report: dates, people counts, user text made printable, the model named."""

from __future__ import annotations

import math

from planner.export.dates import DATE_PATTERNS, format_day
from planner.i18n import format_number, t
from planner.traveltime import CrowFlyModel, TravelModel, default_model
from planner.usertext import NAME_MAX_LENGTH, clean_text

__all__ = ["DATE_PATTERNS", "format_day", "people_text", "plain", "travel_text"]


def plain(value: object, *, limit: int = NAME_MAX_LENGTH) -> str:
    """User text made printable: cleaned, one line, at most ``limit`` characters."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = clean_text(str(value))
    # a name longer than any real one would only stretch a table row over the page
    return text if len(text) <= limit else text[: limit - 1] + "…"


def people_text(value: float, lang: str) -> str:
    return format_number(round(float(value)), lang, ",.0f")


def travel_text(model: TravelModel | str | None, lang: str) -> str:
    """The travel-time model in ``lang`` (crow-fly parameters translated, others as described)."""
    if isinstance(model, str):
        return model
    model = default_model() if model is None else model
    if isinstance(model, CrowFlyModel):
        bands = [
            t("report.method.band", lang, speed=speed, upper=upper)
            if math.isfinite(upper)
            else t("report.method.band_last", lang, speed=speed)
            for upper, speed in model.bands
        ]
        return t("report.method.crow_fly", lang, detour=model.detour, bands=", ".join(bands))
    return str(model.describe())
