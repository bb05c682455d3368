"""Exact reductions of a covering instance before it is solved.

Demand points with identical sets of covering sites are merged (weights summed), and a site whose
catchment is contained in another site's catchment is dropped when the rules cannot tell the two
apart (same district and urban/rural class, neither must nor must-not, no spacing rule) while
enough sites remain in its group.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

__all__ = ["merge_identical_rows", "undominated_sites"]


def merge_identical_rows(
    cov: sparse.csr_matrix, w: np.ndarray
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Merge demand points covered by exactly the same sites (weights summed)."""
    if cov.shape[0] == 0:
        return cov, w
    cov = cov.tocsr()
    cov.sort_indices()
    keys = [cov.indices[cov.indptr[i] : cov.indptr[i + 1]].tobytes() for i in range(cov.shape[0])]
    first: dict[bytes, int] = {}
    group = np.empty(cov.shape[0], dtype=int)
    for i, key in enumerate(keys):
        group[i] = first.setdefault(key, len(first))
    if len(first) == cov.shape[0]:
        return cov, w
    # each group is represented by its first row
    reps = np.zeros(len(first), dtype=int)
    reps[group[::-1]] = np.arange(cov.shape[0])[::-1]
    merged_w = np.bincount(group, weights=w, minlength=len(first))
    return cov[reps].tocsr(), merged_w


def undominated_sites(
    cov: sparse.csr_matrix, classes: np.ndarray | None, must: np.ndarray, p: int
) -> np.ndarray:
    """Mask of the sites to keep once dominated ones are dropped.

    Parameters
    ----------
    cov
        ``(demand rows, sites)`` coverage.
    classes
        Per site, the class the rules tell it apart by (sites of different classes never
        dominate each other); ``None``: every site is kept (a spacing rule tells all apart).
    must
        Sites that must be chosen (never dropped).
    p
        Number of sites to choose: each class keeps at least ``p`` sites.
    """
    n = cov.shape[1]
    keep = np.ones(n, dtype=bool)
    if classes is None or n <= p:
        return keep
    csc = cov.tocsc().astype(np.int32)
    size = np.asarray(csc.sum(axis=0)).ravel()
    weight_of = np.asarray(csc.T @ np.ones(cov.shape[0])).ravel()
    for group in np.unique(classes):
        members = np.nonzero(classes == group)[0]
        if len(members) <= p:
            continue
        sub = csc[:, members]
        inter = (sub.T @ sub).toarray()
        s = size[members]
        contained = inter == s[:, None]  # contained[a, b]: cover(a) ⊆ cover(b)
        np.fill_diagonal(contained, False)
        equal = contained & contained.T
        # of equal catchments the first is kept
        order = np.arange(len(members))
        dominated = (contained & ~equal).any(axis=1) | (
            equal & (order[None, :] < order[:, None])
        ).any(axis=1)
        dominated |= s == 0
        dominated &= ~must[members]
        n_keep = int((~dominated).sum())
        if n_keep < p:  # keep enough sites in the group to fill any count
            restore = np.argsort(-weight_of[members] * dominated, kind="stable")
            for r in restore[: p - n_keep]:
                dominated[r] = False
        keep[members[dominated]] = False
    return keep
