"""The weighted score and the ranking: fast (one matrix product), run on every slider move.

The score is ``100 × Σ wᵢ·nᵢ / Σ wᵢ`` over the normalised criteria ``nᵢ``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from planner.scoring.criteria import SiteCriteria
from planner.scoring.weights import CRITERIA, weight_vector

__all__ = ["competition_ranks", "normalised_matrix", "score_sites", "scores"]


def normalised_matrix(criteria: SiteCriteria) -> np.ndarray:
    """The normalised criteria, with any non-finite value as the neutral unknown value.

    ``compute_criteria`` never produces one; a hand-built or stored ``SiteCriteria`` might, and a
    single NaN would make a score NaN and its rank meaningless.
    """
    norm = criteria.normalised[list(CRITERIA)].to_numpy(float)
    neutral = float(criteria.params.get("unknown_value", 0.5))
    return np.where(np.isfinite(norm), norm, neutral if np.isfinite(neutral) else 0.5)


def scores(criteria: SiteCriteria, weight_matrix: np.ndarray) -> np.ndarray:
    """Scores for one or more weight vectors (columns): ``(n_sites, n_scenarios)``."""
    norm = normalised_matrix(criteria)
    shares = weight_matrix / weight_matrix.sum(axis=0, keepdims=True)
    return 100.0 * norm @ shares


def competition_ranks(scores: np.ndarray) -> np.ndarray:
    """1 = best; ties share the better rank (competition ranking) per column."""
    scores = scores if scores.ndim == 2 else scores[:, None]
    ranks = np.empty_like(scores, dtype=int)
    for k in range(scores.shape[1]):
        # A NaN score would get a NaN rank (-2**63 as an integer, "first"): it ranks last.
        column = np.nan_to_num(np.round(scores[:, k], 9), nan=-np.inf)
        ranks[:, k] = pd.Series(column).rank(method="min", ascending=False).to_numpy(int)
    return ranks


def score_sites(criteria: SiteCriteria, weights: Mapping[str, float]) -> pd.DataFrame:
    """Rank the candidates by the weighted score (no criteria are recomputed).

    Returns
    -------
    pandas.DataFrame
        Sorted by rank: site_id, the site columns, score (0..100), rank, and one ``pts_<key>``
        column per criterion (points contributed; they add up to the score).
    """
    vec = weight_vector(weights)
    shares = vec / vec.sum()
    norm = normalised_matrix(criteria)
    points = 100.0 * norm * shares[None, :]
    score = points.sum(axis=1)
    rank = competition_ranks(score)[:, 0]
    # all new columns at once, and one row selection: this runs on every slider move
    figures = {"score": score, "rank": rank}
    figures.update({f"pts_{key}": points[:, k] for k, key in enumerate(CRITERIA)})
    out = pd.concat(
        [criteria.sites, pd.DataFrame(figures, index=criteria.sites.index)], axis=1
    ).reset_index()
    order = np.lexsort((out["site_id"].astype(str).to_numpy(), rank))  # by rank, then site_id
    return out.take(order).reset_index(drop=True)
