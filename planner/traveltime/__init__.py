"""Travel-time matrices: by car from an OSMnx road network where one is available, else crow-fly;
on foot and by bike crow-fly (:func:`walking_model`, :func:`cycling_model`; no walk or bike network
is read yet).

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
    CYCLE_SPEED_KMH,
    DETOUR_FACTOR,
    SPEED_BANDS_KM,
    WALK_SPEED_KMH,
    CrowFlyModel,
    TravelMatrix,
    TravelModel,
    cycling_model,
    walking_model,
)

__all__ = [
    "CYCLE_SPEED_KMH",
    "DETOUR_FACTOR",
    "SPEED_BANDS_KM",
    "WALK_SPEED_KMH",
    "CrowFlyModel",
    "TravelMatrix",
    "TravelModel",
    "cycling_model",
    "default_model",
    "travel_time_matrix",
    "walking_model",
]
