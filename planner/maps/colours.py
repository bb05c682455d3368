"""The maps' colours: coverage keys, minute bands, site kinds, stops and route."""

from __future__ import annotations

from typing import Literal

__all__ = [
    "COVERED_COLOUR",
    "KIND_COLOURS",
    "MINUTE_BANDS",
    "NEUTRAL_COLOUR",
    "ROUTE_COLOUR",
    "STOP_COLOUR",
    "UNCOVERED_COLOUR",
    "ColourMode",
    "area_colour",
    "minutes_colour",
]

#: Minute bands for the "minutes" colouring: (upper bound, colour).
MINUTE_BANDS: tuple[tuple[float, str], ...] = (
    (10.0, "#1a9850"),
    (15.0, "#91cf60"),
    (20.0, "#fee08b"),
    (30.0, "#fc8d59"),
    (float("inf"), "#d73027"),
)
#: "covered" colouring: reached within the threshold, not reached, no stops to reach from.
COVERED_COLOUR = "#1a9850"
UNCOVERED_COLOUR = "#d73027"
NEUTRAL_COLOUR = "#9e9e9e"
#: Candidate sites by kind.
KIND_COLOURS: dict[str, str] = {
    "centre": "#6a3d9a",
    "rail": "#1f78b4",
    "bus_hub": "#33a02c",
    "school": "#ff7f00",
    "user": "#e31a1c",
}
#: Planned stops and the route between them.
STOP_COLOUR = "#08306b"
ROUTE_COLOUR = "#08306b"
#: How areas are coloured: reached within the threshold or not, or minutes in bands.
ColourMode = Literal["covered", "minutes"]


def minutes_colour(minutes: float) -> str:
    """The colour of the minute band ``minutes`` falls in."""
    for upper, colour in MINUTE_BANDS:
        if minutes <= upper:
            return colour
    return MINUTE_BANDS[-1][1]


def area_colour(
    minutes: float, *, has_stops: bool, colour_by: ColourMode, threshold_min: float
) -> str:
    """The fill colour of an area (municipality or cell) ``minutes`` from the nearest stop."""
    if not has_stops:
        return NEUTRAL_COLOUR
    if colour_by == "minutes":
        return minutes_colour(minutes)
    return COVERED_COLOUR if minutes <= threshold_min else UNCOVERED_COLOUR
