"""The p-median interchange heuristic (Teitz & Bart) with Whitaker's fast evaluation: every swap
"drop a chosen site, add another" priced at once from each demand point's nearest and
second-nearest chosen site."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import sparse

__all__ = ["interchange", "swap_deltas"]


def swap_deltas(
    cost: np.ndarray, w: np.ndarray, chosen_idx: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Price every p-median swap "drop chosen ``k``, add ``j``" at once (Whitaker).

    From each demand point's nearest (``d1``) and second-nearest (``d2``) chosen site:
    ``gain[j] = Σᵢ wᵢ (min(cᵢⱼ, d1ᵢ) − d1ᵢ)`` (adding ``j``, ``≤ 0``) and ``delta[k, j] = gain[j]
    + Σ over the points whose nearest is ``k`` of wᵢ (min(cᵢⱼ, d2ᵢ) − min(cᵢⱼ, d1ᵢ))``, the
    change of the weighted cost. Returns ``d1``, ``gain`` and ``delta`` (``len(chosen_idx)`` rows).
    """
    sub = cost[:, chosen_idx]
    order = np.argsort(sub, axis=1)[:, :2]
    d1 = np.take_along_axis(sub, order[:, :1], axis=1).ravel()
    d2 = (
        np.take_along_axis(sub, order[:, 1:2], axis=1).ravel()
        if len(chosen_idx) > 1
        else np.full(len(d1), np.inf)
    )
    weights = w[:, None]
    with_j = np.minimum(cost, d1[:, None])
    gain = (weights * (with_j - d1[:, None])).sum(axis=0)
    nearest = sparse.csr_matrix(
        (np.ones(len(d1)), (order[:, 0], np.arange(len(d1)))), shape=(len(chosen_idx), len(d1))
    )
    delta = gain[None, :] + nearest @ (weights * (np.minimum(cost, d2[:, None]) - with_j))
    return d1, gain, np.asarray(delta)


def interchange(
    cost: np.ndarray,
    w: np.ndarray,
    p: int,
    allowed: np.ndarray,
    must: np.ndarray,
    *,
    start: np.ndarray | None = None,
    keeps_rules: Callable[[np.ndarray], bool] | None = None,
    max_swaps: int = 10_000,
) -> np.ndarray:
    """Greedy add, then best-improvement interchange (Teitz & Bart, Whitaker's fast evaluation).

    One pass prices every swap at once (:func:`swap_deltas`) instead of evaluating the
    objective once per swap. With ``start`` and
    ``keeps_rules`` (a selection keeping the season's rules and the test for them) only swaps
    that keep the rules are made.
    """
    if start is not None:
        mask = start.copy()
    else:
        mask = must.copy()
        current = cost[:, mask].min(axis=1) if mask.any() else np.full(cost.shape[0], np.inf)
        while mask.sum() < p:
            totals = (w[:, None] * np.minimum(current[:, None], cost)).sum(axis=0)
            totals[mask | ~allowed] = np.inf
            j = int(np.argmin(totals))
            mask[j] = True
            current = np.minimum(current, cost[:, j])
    for _ in range(max_swaps):
        chosen = np.nonzero(mask)[0]
        if len(chosen) == 0:
            break
        _d1, gain, delta = swap_deltas(cost, w, chosen)
        delta[:, mask | ~allowed] = np.inf
        delta[must[chosen], :] = np.inf
        moved = False
        # every improving swap in turn, best first: with quotas the best ones often cross
        # districts, and stopping after a fixed number of them left improving swaps unmade
        # (region, in-region cells, 4 per district: 10.90 min and a 10 % gap; now 9.84, 0.3 %)
        for flat in np.argsort(delta, axis=None) if keeps_rules else [np.argmin(delta)]:
            k, j = divmod(int(flat), delta.shape[1])
            if delta[k, j] >= -1e-9 * max(1.0, float(np.abs(gain).max())):
                break
            trial = mask.copy()
            trial[chosen[k]], trial[j] = False, True
            if keeps_rules is None or keeps_rules(trial):
                mask, moved = trial, True
                break
        if not moved:
            break
    return mask
