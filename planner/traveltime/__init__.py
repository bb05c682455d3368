"""Travel-time matrices: by car from an OSMnx road network where one is available, else crow-fly;
on foot and by bike (:func:`local_models`) on the walk and bike networks of the same road source
where it holds such ways, else crow-fly (:func:`walking_model`, :func:`cycling_model`).

Modules
-------
:mod:`~planner.traveltime.models`
    :class:`TravelMatrix`, the :class:`TravelModel` protocol and the crow-fly model (its
    parameters and their sources).
:mod:`~planner.traveltime.roads`
    The OSM road network (:class:`~planner.traveltime.roads.RoadNetwork`), built with OSMnx: the
    drive network, and the walk and bike networks of the local scale (:func:`local_models`).
:mod:`~planner.traveltime.matrix`
    :func:`default_model` (the active model) and :func:`travel_time_matrix` (cached on disk by
    content hash).
:mod:`~planner.traveltime.sparse`
    :func:`site_cell_travel_minutes`: sites × cells minutes, dense below
    ``settings.SPARSE_MATRIX_MIN_PAIRS`` pairs, else :class:`SparseMinutes` (only the pairs within
    the largest threshold, found with a KD-tree); :func:`within_limit` and :func:`minute_rows`
    answer both forms.

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
from planner.traveltime.roads import LocalModels, local_model, local_models, network_model
from planner.traveltime.sparse import (
    SparseMinutes,
    minute_rows,
    site_cell_travel_minutes,
    sparse_capable,
    within_limit,
)

__all__ = [
    "CYCLE_SPEED_KMH",
    "DETOUR_FACTOR",
    "SPEED_BANDS_KM",
    "WALK_SPEED_KMH",
    "CrowFlyModel",
    "LocalModels",
    "SparseMinutes",
    "TravelMatrix",
    "TravelModel",
    "cycling_model",
    "default_model",
    "local_model",
    "local_models",
    "minute_rows",
    "network_model",
    "site_cell_travel_minutes",
    "sparse_capable",
    "travel_time_matrix",
    "walking_model",
    "within_limit",
]
