"""Travel-time matrices: the active model and the content-hash disk cache of its matrices."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from planner.cache import cached_arrays, content_hash
from planner.settings import road_graph_path
from planner.traveltime.models import CrowFlyModel, TravelMatrix, TravelModel
from planner.traveltime.roads import RoadNetwork

__all__ = ["default_model", "travel_time_matrix"]


def default_model() -> TravelModel:
    """The active model: the configured road graph (``TINY_RATHAUS_ROAD_GRAPH``) or crow-fly."""
    path = road_graph_path()
    if path is not None:
        return RoadNetwork.from_file(path)
    return CrowFlyModel()


def travel_time_matrix(
    origins: np.ndarray,
    destinations: np.ndarray,
    *,
    model: TravelModel | None = None,
    cache: bool = True,
    cache_folder: Path | None = None,
) -> TravelMatrix:
    """Car travel times between points in EPSG:25832, cached on disk by content hash.

    Parameters
    ----------
    origins, destinations
        Arrays of shape (n, 2) and (m, 2) with x, y in metres.
    model
        Default: :func:`default_model`.
    cache
        Read/write the disk cache (keyed by model fingerprint and the coordinates).
    """
    model = model or default_model()
    origins = np.asarray(origins, dtype=float).reshape(-1, 2)
    destinations = np.asarray(destinations, dtype=float).reshape(-1, 2)
    if not cache:
        return model.compute(origins, destinations)
    key = content_hash(model.fingerprint(), origins, destinations)
    computed: list[TravelMatrix] = []

    def compute() -> dict[str, np.ndarray]:
        matrix = model.compute(origins, destinations)
        computed.append(matrix)  # a miss returns the matrix itself, not its reload
        return {"minutes": matrix.minutes, "km": matrix.km}

    arrays = cached_arrays("travel_times", key, compute, folder=cache_folder)
    if computed:
        return computed[0]
    return TravelMatrix(arrays["minutes"], arrays["km"], model.name, model.describe())
