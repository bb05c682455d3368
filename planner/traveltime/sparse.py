"""Site × cell travel minutes that grow with the pairs that matter: dense or sparse by size.

A region's reach asks one question of the sites × cells minutes: which pairs are within a
threshold. For the KielRegion (about 700 sites × 5,000 cells) the dense matrix is small; for
Schleswig-Holstein (about 2,000 × 17,000) or Bayern it is not, while the pairs within 15 minutes
are under 1 % of all pairs. :func:`site_cell_travel_minutes` is the one function callers use:

* **dense** (a plain ``(n_sites, n_cells)`` array, as :func:`planner.traveltime.travel_time_matrix`)
  when ``n_sites × n_cells ≤ settings.SPARSE_MATRIX_MIN_PAIRS`` (20 million) or the model cannot
  bound its reach by a radius;
* **sparse** (:class:`SparseMinutes`) above it: a KD-tree (``scipy.spatial.cKDTree``) over the
  metric coordinates finds the pairs within the straight-line radius that the model needs for the
  largest threshold asked for (``limit_min``; the crow-fly model is monotone in distance, so the
  radius is its inverse, :meth:`planner.traveltime.CrowFlyModel.radius_m`), and minutes are
  computed for those pairs only. The road-graph model has no such bound here and stays dense.

Both forms answer the same questions through :func:`within_limit` (which pairs are within a
threshold, boolean CSR), :func:`minute_rows` (the exact dense minutes of a few sites, e.g. the
chosen stops, recomputed by the model) and ``.shape``. A sparse matrix stores the minutes of every
pair within ``limit_min`` with its explicit structure, so a 0-minute pair (a site on a cell
centre) is kept; a pair not stored is more than ``limit_min`` away. Asking for a threshold above
``limit_min`` recomputes the pairs for it (nothing is silently cut off).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

from planner import settings
from planner.traveltime.matrix import default_model, travel_time_matrix
from planner.traveltime.models import TravelModel

__all__ = [
    "SparseMinutes",
    "minute_rows",
    "site_cell_travel_minutes",
    "sparse_capable",
    "within_limit",
]

#: Origins per KD-tree query block (bounds the candidate pairs held at once).
_BLOCK = 1_024


@dataclass(frozen=True, eq=False)
class SparseMinutes:
    """Minutes of the site–cell pairs within ``limit_min``; every other pair is further.

    Attributes
    ----------
    matrix
        ``(n_sites, n_cells)`` CSR of minutes; its stored entries are exactly the pairs within
        ``limit_min`` (explicit zeros included).
    limit_min
        The largest threshold the stored pairs answer.
    origins, destinations
        The coordinates (metres), so rows and larger limits can be recomputed exactly.
    model
        The travel-time model that made the minutes.
    """

    matrix: sparse.csr_matrix
    limit_min: float
    origins: np.ndarray
    destinations: np.ndarray
    model: Any

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_sites, n_cells)``."""
        return (int(self.matrix.shape[0]), int(self.matrix.shape[1]))

    @property
    def nnz(self) -> int:
        """Stored pairs (those within ``limit_min``)."""
        return int(self.matrix.nnz)

    def within(self, limit: float) -> sparse.csr_matrix:
        """Boolean CSR: the pairs whose minutes are at most ``limit``."""
        if limit > self.limit_min:  # the stored pairs cannot answer it: recompute for it
            wider = _sparse_minutes(self.origins, self.destinations, limit, self.model)
            return wider.within(limit)
        m = self.matrix
        keep = m.data <= limit
        counts = np.diff(m.indptr)
        rows = np.repeat(np.arange(m.shape[0]), counts)
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[keep], minlength=m.shape[0]))])
        data = np.ones(int(keep.sum()), dtype=bool)
        return sparse.csr_matrix((data, m.indices[keep], indptr), shape=m.shape)

    def rows(self, idx: np.ndarray) -> np.ndarray:
        """Exact dense minutes of the sites ``idx`` to every cell, ``(len(idx), n_cells)``."""
        idx = np.asarray(idx, dtype=int)
        computed = self.model.compute(self.origins[idx], self.destinations)
        return np.asarray(computed.minutes, dtype=float)

    def toarray(self) -> np.ndarray:
        """Dense minutes with ``inf`` for the pairs beyond ``limit_min`` (small matrices only)."""
        out = np.full(self.shape, np.inf)
        m = self.matrix
        rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        out[rows, m.indices] = m.data
        return out


def sparse_capable(model: Any) -> bool:
    """Whether ``model`` bounds its reach by a straight-line radius (the crow-fly models do)."""
    return callable(getattr(model, "radius_m", None)) and callable(
        getattr(model, "pair_minutes", None)
    )


def site_cell_travel_minutes(
    origins: np.ndarray,
    destinations: np.ndarray,
    *,
    limit_min: float | None = None,
    model: TravelModel | None = None,
    sparse_form: bool | None = None,
) -> np.ndarray | SparseMinutes:
    """Travel minutes from sites to cells, dense or sparse by size (see the module docstring).

    Parameters
    ----------
    origins, destinations
        ``(n, 2)`` and ``(m, 2)`` metric coordinates (metres).
    limit_min
        The largest threshold the caller will ask about (default
        ``settings.SPARSE_MATRIX_LIMIT_MIN``); a sparse matrix keeps the pairs within it.
    model
        Default: the active model (:func:`planner.traveltime.default_model`).
    sparse_form
        ``None`` (default): sparse when ``n × m > settings.SPARSE_MATRIX_MIN_PAIRS`` and the
        model can bound its reach; ``True``/``False`` force a form (``True`` with a model that
        cannot bound its reach raises ``ValueError``).
    """
    model = model or default_model()
    origins = np.asarray(origins, dtype=float).reshape(-1, 2)
    destinations = np.asarray(destinations, dtype=float).reshape(-1, 2)
    limit = float(settings.SPARSE_MATRIX_LIMIT_MIN if limit_min is None else limit_min)
    if sparse_form is None:
        pairs = len(origins) * len(destinations)
        sparse_form = pairs > settings.SPARSE_MATRIX_MIN_PAIRS and sparse_capable(model)
    if not sparse_form:
        return np.asarray(travel_time_matrix(origins, destinations, model=model).minutes)
    if not sparse_capable(model):
        raise ValueError(f"model {model.name!r} cannot bound its reach by a radius: use dense")
    return _sparse_minutes(origins, destinations, limit, model)


def _sparse_minutes(
    origins: np.ndarray, destinations: np.ndarray, limit: float, model: Any
) -> SparseMinutes:
    """The pairs within ``limit`` minutes, found by a KD-tree within the model's radius."""
    n, m = len(origins), len(destinations)
    # a metre and a relative hair more than the exact radius: rounding never drops a pair, the
    # minutes filter below keeps exactly the pairs within the limit
    radius = model.radius_m(limit) * (1.0 + 1e-9) + 1.0
    rows_parts: list[np.ndarray] = []
    cols_parts: list[np.ndarray] = []
    data_parts: list[np.ndarray] = []
    if n and m:
        tree = cKDTree(destinations)
        for start in range(0, n, _BLOCK):
            block = origins[start : start + _BLOCK]
            found = cKDTree(block).sparse_distance_matrix(tree, radius, output_type="ndarray")
            i = found["i"].astype(np.int64) + start
            j = found["j"].astype(np.int64)
            minutes = model.pair_minutes(origins[i], destinations[j])
            keep = minutes <= limit
            rows_parts.append(i[keep])
            cols_parts.append(j[keep])
            data_parts.append(minutes[keep])
    rows = np.concatenate(rows_parts) if rows_parts else np.zeros(0, np.int64)
    cols = np.concatenate(cols_parts) if cols_parts else np.zeros(0, np.int64)
    data = np.concatenate(data_parts) if data_parts else np.zeros(0)
    order = np.lexsort((cols, rows))
    rows, cols, data = rows[order], cols[order], data[order]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))]).astype(np.int64)
    # built from (data, indices, indptr): explicit zeros (0-minute pairs) stay stored
    matrix = sparse.csr_matrix((data, cols, indptr), shape=(n, m))
    return SparseMinutes(matrix, limit, origins, destinations, model)


def within_limit(minutes: np.ndarray | SparseMinutes, *, limit: float) -> sparse.csr_matrix:
    """Boolean CSR of the pairs within ``limit`` minutes (a missing time, NaN, never is)."""
    if isinstance(minutes, SparseMinutes):
        return minutes.within(limit)
    return sparse.csr_matrix(np.nan_to_num(np.asarray(minutes, float), nan=np.inf) <= limit)


def minute_rows(minutes: np.ndarray | SparseMinutes, idx: Any) -> np.ndarray:
    """Exact dense minutes of the rows ``idx`` (a few sites: the chosen stops, a baseline)."""
    idx = np.asarray(idx, dtype=int).reshape(-1)
    if isinstance(minutes, SparseMinutes):
        if len(idx) == 0:
            return np.zeros((0, minutes.shape[1]))
        return minutes.rows(idx)
    return np.asarray(minutes, dtype=float)[idx]
