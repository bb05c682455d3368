"""The numba swap search: its incremental arrays stay exact, and it finds brute-force optima."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import sparse

from planner.selection.search import SwapSearch


def _random_instance(
    seed: int, n_demand: int = 80, n_sites: int = 14, radius: float = 2_200.0
) -> tuple[sparse.csr_matrix, np.ndarray]:
    rng = np.random.default_rng(seed)
    demand_xy = rng.uniform(0, 10_000, size=(n_demand, 2))
    site_xy = rng.uniform(0, 10_000, size=(n_sites, 2))
    dist = np.sqrt(((demand_xy[:, None, :] - site_xy[None, :, :]) ** 2).sum(axis=2))
    weights = rng.integers(1, 500, size=n_demand).astype(float)
    return sparse.csr_matrix((dist <= radius).astype(float)), weights


def _from_scratch(
    cov: sparse.csr_matrix, w: np.ndarray, mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float]:
    """gain of every site, loss of every chosen site, covered weight — recomputed naively."""
    dense = cov.toarray() > 0
    count = dense[:, mask].sum(axis=1)
    gain = np.array([w[dense[:, j] & (count == 0)].sum() for j in range(cov.shape[1])])
    loss = np.array(
        [w[dense[:, j] & (count == 1)].sum() if mask[j] else 0.0 for j in range(cov.shape[1])]
    )
    return gain, loss, float(w[count > 0].sum())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_incremental_arrays_match_recomputation(seed: int) -> None:
    cov, w = _random_instance(seed)
    p = 4
    search = SwapSearch(cov, w, p)
    start = search.greedy(rng=np.random.default_rng(seed), choose_among=4)
    result = search.tabu(start, seconds=0.3, seed=seed, restart_after=15)
    assert result.iterations > 0 and result.restarts > 0  # moves and restarts both happened
    # the search's internal state after all those swaps equals a fresh computation
    current = search._in_sol.copy()
    assert current.sum() == p
    gain, loss, value = _from_scratch(cov, w, current)
    np.testing.assert_allclose(search._gain[~current], gain[~current])
    np.testing.assert_allclose(search._loss[current], loss[current])
    assert search.value(current) == pytest.approx(value)
    # extra[t, j]: weight only the site in slot t covers that j also covers
    dense = cov.toarray() > 0
    count = dense[:, current].sum(axis=1)
    for t, s in enumerate(search._sol):
        only_s = dense[:, s] & (count == 1)
        expected = np.array([w[only_s & dense[:, j]].sum() for j in range(cov.shape[1])])
        np.testing.assert_allclose(search._extra[t], expected)


@pytest.mark.parametrize("seed", [3, 4, 5, 6])
def test_tabu_reaches_brute_force_optimum(seed: int) -> None:
    cov, w = _random_instance(seed)
    p = 3
    dense = cov.toarray() > 0
    best = max(
        float(w[dense[:, list(combo)].any(axis=1)].sum())
        for combo in itertools.combinations(range(cov.shape[1]), p)
    )
    search = SwapSearch(cov, w, p)
    result = search.tabu(search.greedy(), seconds=0.5, seed=seed, bound=best)
    assert result.value == pytest.approx(best)
    assert result.mask.sum() == p


def test_must_sites_stay_and_bad_input_is_named() -> None:
    cov, w = _random_instance(7)
    must = np.zeros(cov.shape[1], dtype=bool)
    must[[2, 9]] = True
    search = SwapSearch(cov, w, 4, must=must)
    start = search.greedy(rng=np.random.default_rng(1), choose_among=6)
    assert start[[2, 9]].all() and start.sum() == 4
    result = search.tabu(start, seconds=0.2, seed=1)
    assert result.mask[[2, 9]].all() and result.mask.sum() == 4
    with pytest.raises(ValueError, match="p must be between 1 and the number of sites"):
        SwapSearch(cov, w, cov.shape[1] + 1)
    with pytest.raises(ValueError, match="must-sites"):
        SwapSearch(cov, w, 1, must=must)
    bad = np.zeros(cov.shape[1], dtype=bool)
    bad[[0, 1, 3, 4]] = True  # four sites but not the must-sites
    with pytest.raises(ValueError, match="including the must-sites"):
        search.tabu(bad, seconds=0.1)


@pytest.mark.parametrize("connected", [False, True])
@pytest.mark.parametrize("fraction", [0.5, 1.0])
def test_perturb_moves_sites_nearby_and_keeps_p_and_must(fraction: float, connected: bool) -> None:
    cov, w = _random_instance(8, n_sites=20)
    must = np.zeros(cov.shape[1], dtype=bool)
    must[5] = True
    search = SwapSearch(cov, w, 6, must=must)
    start = search.greedy()
    dense = cov.toarray() > 0
    shares_demand = (dense.T.astype(int) @ dense.astype(int)) > 0
    rng = np.random.default_rng(3)
    for _ in range(20):
        moved = search.perturb(start, fraction=fraction, rng=rng, connected=connected)
        assert moved.sum() == 6 and moved[5]
        assert np.array_equal(
            start, search.perturb(start, fraction=0.0, rng=rng, connected=connected)
        )
        dropped = np.nonzero(start & ~moved)[0]
        added = np.nonzero(moved & ~start)[0]
        assert len(dropped) == len(added) <= round(fraction * 5)
        # new sites lie near the old ones (a dropped site may itself come back as another's
        # replacement, so "near" is: shares a demand point with one of the old free sites)
        for j in added:
            assert shares_demand[np.nonzero(start & ~must)[0], j].any()
    assert not np.array_equal(start, moved)


def _line_instance(n: int) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Demand points and sites on a line; site j covers the points j - 1, j, j + 1."""
    rows = [i for j in range(n) for i in (j - 1, j, j + 1) if 0 <= i < n]
    cols = [j for j in range(n) for i in (j - 1, j, j + 1) if 0 <= i < n]
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n)), np.ones(n)


def test_connected_perturb_moves_one_stretch_of_a_chain() -> None:
    # chosen sites every third place: neighbours in the chain are linked (both share demand with
    # the site between them), sites two places apart in the chain are not
    cov, w = _line_instance(60)
    start = np.zeros(60, dtype=bool)
    start[1::3] = True
    search = SwapSearch(cov, w, int(start.sum()))
    chain = np.nonzero(start)[0]
    n_drop = round(0.3 * len(chain))
    rng = np.random.default_rng(0)
    spans: dict[bool, list[int]] = {True: [], False: []}
    for _ in range(30):
        for connected in (True, False):
            moved = search.perturb(start, fraction=0.3, rng=rng, connected=connected)
            # a dropped site may come back as another's replacement; those that stay out must
            # lie in one stretch of n_drop neighbours in the chain
            positions = np.searchsorted(chain, np.nonzero(start & ~moved)[0])
            spans[connected].append(int(np.ptp(positions)) + 1 if len(positions) else 0)
    assert max(spans[True]) <= n_drop
    assert max(spans[False]) > n_drop  # a random sample is scattered: the check can fail


def test_connected_perturb_with_sites_that_cover_nothing() -> None:
    cov, w = _line_instance(12)
    cov = sparse.hstack([cov, sparse.csr_matrix((12, 3))]).tocsr()  # sites 12-14 cover nothing
    start = np.zeros(15, dtype=bool)
    start[[1, 4, 12, 13, 14]] = True
    search = SwapSearch(cov, w, 5)
    rng = np.random.default_rng(1)
    for _ in range(10):
        moved = search.perturb(start, fraction=1.0, rng=rng, connected=True)
        assert moved.sum() == 5


def test_clone_searches_independently() -> None:
    cov, w = _random_instance(9)
    search = SwapSearch(cov, w, 4)
    start = search.greedy()
    before = (search._in_sol.copy(), search._gain.copy())
    other = search.clone()
    run = other.tabu(other.greedy(rng=np.random.default_rng(2), choose_among=5), seconds=0.2)
    assert run.iterations > 0
    np.testing.assert_array_equal(search._in_sol, before[0])  # the original's state untouched
    np.testing.assert_array_equal(search._gain, before[1])
    assert other._extra is not search._extra and other._nb is search._nb  # shared instance data
    assert search.value(start) == pytest.approx(other.value(start))
