"""Criterion values to 0..1, transparently.

``method="minmax"`` (default): ``(value - lowest) / (highest - lowest)`` over the candidates, so 0
is the weakest candidate on that criterion and 1 the strongest; a criterion on which all
candidates are equal gets 0.5 everywhere (it cannot change the ranking). ``method="rank"``: each
value becomes its percentile rank (robust against Kiel's very large catchments). Unknown values
(NaN, ±inf) get 0.5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.scoring.errors import ScoringOptionError

__all__ = ["METHODS", "normalise"]

METHODS = ("minmax", "rank")


def normalise(values: np.ndarray, method: str) -> np.ndarray:
    """Values 0..1 (see the module docstring); NaN and ±inf count as unknown and get 0.5.

    Raises
    ------
    ScoringOptionError
        ``method`` is not one of :data:`METHODS`.
    """
    out = np.full(len(values), 0.5)
    known = np.isfinite(values)
    if known.sum() == 0:
        return out
    v = values[known]
    if method == "minmax":
        # Halved first, so that the spread of ±1e308 does not overflow to inf (inf/inf = NaN).
        lo, hi = float(v.min()) / 2, float(v.max()) / 2
        spread = hi - lo
        if spread <= 1e-12 * max(1.0, abs(hi), abs(lo)):
            out[known] = 0.5
        else:
            out[known] = np.clip((v / 2 - lo) / spread, 0.0, 1.0)
    elif method == "rank":
        if len(v) == 1 or np.all(v == v[0]):
            out[known] = 0.5
        else:
            ranks = pd.Series(v).rank(method="average").to_numpy()
            out[known] = (ranks - 1) / (len(v) - 1)
    else:
        raise ScoringOptionError(f"method must be 'minmax' or 'rank', not {method!r}")
    return out
