"""The criteria catalogue and the planners' starting weights."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from planner.scoring.errors import UnknownCriterionError, WeightsError

__all__ = ["CRITERIA", "DEFAULT_WEIGHTS", "CriterionSpec", "weight_vector"]


@dataclass(frozen=True)
class CriterionSpec:
    """What a criterion means and how it is shown."""

    key: str
    label: str
    unit: str
    description: str
    is_fact: bool = False


CRITERIA: dict[str, CriterionSpec] = {
    c.key: c
    for c in (
        CriterionSpec("pop_local", "People within 2 km", "people", "local scale: on foot, by bike"),
        CriterionSpec("pull", "Pull of the place", "0..1", "centre: stops, rail, schools, seat"),
        CriterionSpec("recency", "Not visited recently", "0..1", "recency weight of Amt/area"),
        CriterionSpec("pop_car", "People reached by car", "people", "within the car threshold"),
        CriterionSpec("pop65_car", "Of them aged 65+", "people", "Zensus share 65+ × cell"),
        CriterionSpec("pop_u18_car", "Of them under 18", "people", "Zensus share <18 × cell"),
        CriterionSpec("rural_share", "Rural share of reached", "share", "rural / reached"),
        CriterionSpec("pop_walk", "People on foot", "people", "cell centre within walk radius"),
        CriterionSpec("gap_km", "Distance to nearest stop", "km", "to chosen or past stops"),
        CriterionSpec("transit_stops", "Transit stops nearby", "stops", "within transit radius"),
        CriterionSpec("rail", "Railway station nearby", "yes/no", "rail stop within walk radius"),
        CriterionSpec("power", "Mains power", "fact", "planner-entered", is_fact=True),
        CriterionSpec("space", "Space", "m²", "planner-entered", is_fact=True),
        CriterionSpec("visibility", "Visibility", "fact", "planner-entered", is_fact=True),
        CriterionSpec("availability", "Available in season", "fact", "planner-entered", True),
    )
}

#: Starting weights of the app's sliders (relative; only their ratios matter). Who can drop in
#: (local scale) and where people already are (pull) lead; the car circle still counts, compared
#: within the site's district (:mod:`planner.scoring.fairness`); stops and rail are parts of the
#: pull, so their own weights are small.
DEFAULT_WEIGHTS: dict[str, float] = {
    "pop_local": 3.0,
    "pull": 2.5,
    "recency": 1.5,
    "pop_car": 1.0,
    "pop65_car": 0.5,
    "pop_u18_car": 0.25,
    "rural_share": 1.5,
    "pop_walk": 0.5,
    "gap_km": 1.0,
    "transit_stops": 0.25,
    "rail": 0.25,
    "power": 0.5,
    "space": 0.25,
    "visibility": 0.25,
    "availability": 0.5,
}


def weight_vector(weights: Mapping[str, float]) -> np.ndarray:
    """The weights in :data:`CRITERIA` order (missing ones 0), scaled to a largest weight of 1.

    Raises
    ------
    UnknownCriterionError
        A key is not a criterion.
    WeightsError
        A weight is negative or not finite, or none is positive.
    """
    unknown = [k for k in weights if k not in CRITERIA]
    if unknown:
        raise UnknownCriterionError(f"unknown criterion/criteria: {', '.join(unknown)}")
    vec = np.array([float(weights.get(k, 0.0)) for k in CRITERIA])
    if np.any(vec < 0) or not np.all(np.isfinite(vec)):
        raise WeightsError("weights must be finite and non-negative")
    if vec.max() <= 0:
        raise WeightsError("at least one weight must be positive")
    # Only the ratios matter; scaled to a largest weight of 1 so that huge weights (1e308) do not
    # overflow their sum to inf and every share to 0.
    return vec / vec.max()
