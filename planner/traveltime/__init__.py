"""Car travel-time matrices: from an OSMnx road network where one is available, else crow-fly.

Modules
-------
:mod:`~planner.traveltime.models`
    :class:`TravelMatrix`, the :class:`TravelModel` protocol and the crow-fly model (its
    parameters and their sources).
:mod:`~planner.traveltime.roads`
    The OSM road network (:class:`~planner.traveltime.roads.RoadNetwork`), built with OSMnx.
:mod:`~planner.traveltime.matrix`
    :func:`default_model` (the active model) and :func:`travel_time_matrix` (cached on disk by
    content hash).

Every matrix says which model made it: ``TravelMatrix.model`` and ``.description``.
"""

from planner.traveltime.matrix import default_model, travel_time_matrix
from planner.traveltime.models import (
    DETOUR_FACTOR,
    SPEED_BANDS_KM,
    CrowFlyModel,
    TravelMatrix,
    TravelModel,
)

__all__ = [
    "DETOUR_FACTOR",
    "SPEED_BANDS_KM",
    "CrowFlyModel",
    "TravelMatrix",
    "TravelModel",
    "default_model",
    "travel_time_matrix",
]
