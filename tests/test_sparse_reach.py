"""Sparse site × cell travel minutes (issue 18): the same answers as the dense matrix.

Synthetic fixtures check the KD-tree path against the dense crow-fly matrix (pairs, minutes,
zero-minute pairs, the size switch, memory growing with the pairs within the radius); the
embedded KielRegion pack checks that every consumer (criteria, selection, coverage, season inputs,
reach) gives the same results forced sparse as dense.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from planner import settings
from planner.coverage import REGIONAL, reach_matrix
from planner.traveltime import (
    CrowFlyModel,
    SparseMinutes,
    minute_rows,
    site_cell_travel_minutes,
    sparse_capable,
    travel_time_matrix,
    within_limit,
)

MODEL = CrowFlyModel()


def _points(seed: int, n: int, *, size_m: float = 40_000.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.uniform(0.0, size_m, size=(n, 2))


def _dense(sites: np.ndarray, cells: np.ndarray) -> np.ndarray:
    return np.asarray(travel_time_matrix(sites, cells, model=MODEL, cache=False).minutes)


def test_radius_inverts_the_crow_fly_model() -> None:
    for minutes in (0.5, 5.0, 7.2, 15.0, 30.0, 60.0):
        radius_km = MODEL.radius_m(minutes) / 1000.0
        back = float(MODEL.minutes_for_km(np.array([radius_km * MODEL.detour]))[0])
        assert back == pytest.approx(minutes, rel=1e-9)
    assert MODEL.radius_m(0.0) == 0.0


def test_sparse_equals_dense_on_random_points() -> None:
    sites, cells = _points(1, 80), _points(2, 900)
    dense = _dense(sites, cells)
    sparse_m = site_cell_travel_minutes(sites, cells, limit_min=15.0, model=MODEL, sparse_form=True)
    assert isinstance(sparse_m, SparseMinutes) and sparse_m.shape == dense.shape
    for limit in (3.0, 10.0, 15.0, 25.0):  # 25 > limit_min: recomputed for it, not cut off
        got = within_limit(sparse_m, limit=limit)
        want = within_limit(dense, limit=limit)
        assert (got != want).nnz == 0
        assert got.nnz == int((dense <= limit).sum())
    # the stored minutes are the dense ones, bit for bit
    expected = np.where(dense <= 15.0, dense, np.inf)
    assert np.array_equal(sparse_m.toarray(), expected)
    rows = np.array([3, 0, 41])
    assert np.array_equal(minute_rows(sparse_m, rows), dense[rows])


def test_nnz_is_the_pairs_within_the_radius() -> None:
    """Memory grows with the pairs that matter: the stored pairs are exactly those within the
    model's radius for the limit, a small part of all pairs on a spread-out region."""
    sites, cells = _points(3, 150, size_m=120_000.0), _points(4, 3_000, size_m=120_000.0)
    limit = 12.0
    m = site_cell_travel_minutes(sites, cells, limit_min=limit, model=MODEL, sparse_form=True)
    assert isinstance(m, SparseMinutes)
    dist = np.linalg.norm(sites[:, None, :] - cells[None, :, :], axis=2)
    assert m.nnz == int((dist <= MODEL.radius_m(limit) * (1 + 1e-12)).sum())
    assert m.nnz < 0.05 * len(sites) * len(cells)
    assert m.matrix.data.nbytes == 8 * m.nnz


def test_zero_minute_pairs_are_kept() -> None:
    cells = np.array([[0.0, 0.0], [1_000.0, 0.0], [50_000.0, 0.0]])
    sites = np.array([[0.0, 0.0], [1_000.0, 0.0]])  # each on a cell centre
    m = site_cell_travel_minutes(sites, cells, limit_min=15.0, model=MODEL, sparse_form=True)
    assert isinstance(m, SparseMinutes)
    assert m.nnz == 4  # the two zero pairs and the two 1 km pairs; 50 km is beyond
    assert (m.matrix.data == 0.0).sum() == 2
    at_zero = within_limit(m, limit=0.0).toarray()
    assert at_zero.tolist() == [[True, False, False], [False, True, False]]


@dataclass(frozen=True)
class _GraphLike:
    """A model without a radius bound (like the road graph): never sparse."""

    name: str = "graph-like"

    def describe(self) -> str:
        return "graph-like"

    def fingerprint(self) -> str:
        return "graph-like"

    def compute(self, origins: np.ndarray, destinations: np.ndarray):  # type: ignore[no-untyped-def]
        return MODEL.compute(origins, destinations)


def test_size_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    sites, cells = _points(5, 20), _points(6, 50)  # 1,000 pairs
    monkeypatch.setattr(settings, "SPARSE_MATRIX_MIN_PAIRS", 1_000)
    assert isinstance(site_cell_travel_minutes(sites, cells, model=MODEL), np.ndarray)
    monkeypatch.setattr(settings, "SPARSE_MATRIX_MIN_PAIRS", 999)
    auto = site_cell_travel_minutes(sites, cells, model=MODEL)
    assert isinstance(auto, SparseMinutes)
    assert auto.limit_min == settings.SPARSE_MATRIX_LIMIT_MIN
    # a model that cannot bound its reach stays dense above the size, and cannot be forced
    graph = _GraphLike()
    assert not sparse_capable(graph) and sparse_capable(MODEL)
    assert isinstance(site_cell_travel_minutes(sites, cells, model=graph), np.ndarray)
    with pytest.raises(ValueError, match="cannot bound"):
        site_cell_travel_minutes(sites, cells, model=graph, sparse_form=True)


def test_reach_matrix_forced_sparse_equals_dense() -> None:
    sites, cells = _points(7, 60), _points(8, 700)
    dense = reach_matrix(sites, cells, scale=REGIONAL, model=MODEL, sparse_form=False)
    sparse_r = reach_matrix(sites, cells, scale=REGIONAL, model=MODEL, sparse_form=True)
    assert (dense != sparse_r).nnz == 0 and dense.nnz > 0


# --- consumers on the embedded KielRegion pack ------------------------------------------------


@pytest.fixture(scope="module")
def kiel() -> object:
    from planner.data.pack import load_pack

    try:
        return load_pack()
    except (FileNotFoundError, OSError) as exc:  # pragma: no cover - a checkout has it
        pytest.skip(f"embedded KielRegion pack not available: {exc}")


def _subset(pack: object) -> pd.DataFrame:
    sites = pack.sites  # type: ignore[attr-defined]
    return sites.iloc[::6].reset_index(drop=True)  # every sixth site: all districts, small


def _both(pack: object, sites: pd.DataFrame) -> tuple[np.ndarray, SparseMinutes]:
    from planner.coverage import site_cell_minutes

    cells = pack.cells  # type: ignore[attr-defined]
    dense = site_cell_minutes(sites, cells, model=MODEL, sparse_form=False)
    sparse_m = site_cell_minutes(sites, cells, model=MODEL, limit_min=15.0, sparse_form=True)
    assert isinstance(dense, np.ndarray) and isinstance(sparse_m, SparseMinutes)
    return dense, sparse_m


def test_criteria_same_forced_sparse(kiel: object) -> None:
    from planner.scoring import compute_criteria

    sites = _subset(kiel)
    dense, sparse_m = _both(kiel, sites)
    a = compute_criteria(kiel, sites=sites, minutes=dense, model=MODEL)
    b = compute_criteria(kiel, sites=sites, minutes=sparse_m, model=MODEL)
    pd.testing.assert_frame_equal(a.raw, b.raw)
    pd.testing.assert_frame_equal(a.normalised, b.normalised)
    assert (a.catchment_car != b.catchment_car).nnz == 0
    assert a.raw["pop_car"].sum() > 0


@pytest.mark.parametrize("model_kind", ["mclp", "pmedian"])
def test_selection_same_forced_sparse(kiel: object, model_kind: str) -> None:
    from planner.selection import SelectionRules
    from planner.selection.region import SelectionRequest, select_sites

    sites = _subset(kiel)
    dense, sparse_m = _both(kiel, sites)
    districts = sorted(sites["district"].astype(str).unique())
    request = SelectionRequest(
        model=model_kind,  # type: ignore[arg-type]
        p=6,
        threshold_min=15.0,
        rules=SelectionRules({d: (1, 3) for d in districts}),
        time_limit=20.0,
    )
    a = select_sites(kiel, request, sites=sites, minutes=dense, model=MODEL)
    b = select_sites(kiel, request, sites=sites, minutes=sparse_m, model=MODEL)
    assert sorted(a.result.chosen) == sorted(b.result.chosen)
    pd.testing.assert_frame_equal(a.sites, b.sites)
    pd.testing.assert_frame_equal(a.figures, b.figures)
    assert a.reached == b.reached and a.average_minutes == b.average_minutes
    assert a.reached > 0


def test_coverage_same_forced_sparse(kiel: object) -> None:
    from planner.coverage import compute_coverage

    sites = _subset(kiel)
    dense, sparse_m = _both(kiel, sites)
    ids = sites["site_id"].astype(str).tolist()
    chosen, baseline = ids[:5], ids[10:13]
    a = compute_coverage(kiel, chosen, sites=sites, minutes=dense, baseline=baseline)
    b = compute_coverage(kiel, chosen, sites=sites, minutes=sparse_m, baseline=baseline)
    pd.testing.assert_frame_equal(a.cells, b.cells)
    pd.testing.assert_frame_equal(a.municipalities, b.municipalities)
    assert a.summary.as_dict() == b.summary.as_dict()
    assert a.summary.covered > 0


def test_season_inputs_same_forced_sparse(kiel: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.season.inputs import season_inputs

    sites = _subset(kiel)
    a = season_inputs(kiel, sites, threshold_min=15.0, model=MODEL)
    monkeypatch.setattr(settings, "SPARSE_MATRIX_MIN_PAIRS", 0)  # every matrix sparse
    b = season_inputs(kiel, sites, threshold_min=15.0, model=MODEL)
    assert a.coverage == b.coverage and a.coverage_local == b.coverage_local
    assert np.array_equal(a.minutes, b.minutes)
    pd.testing.assert_frame_equal(a.sites, b.sites)
    assert sum(len(v) for v in a.coverage.values()) > 0


def test_sparse_minutes_pickle() -> None:
    """The app's ``st.cache_data`` pickles the matrix it caches."""
    import pickle

    sites, cells = _points(9, 30), _points(10, 200)
    m = site_cell_travel_minutes(sites, cells, limit_min=15.0, model=MODEL, sparse_form=True)
    assert isinstance(m, SparseMinutes)
    back = pickle.loads(pickle.dumps(m))
    assert (within_limit(back, limit=15.0) != within_limit(m, limit=15.0)).nnz == 0
    assert back.limit_min == m.limit_min


def test_mclp_rule_search_keeps_rules_and_finds_the_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The large-instance path of an MCLP with quotas (forced on a small instance): the swap
    search keeps every rule and the solve ends at the brute-force optimum."""
    from itertools import combinations

    from scipy import sparse as sp

    from planner.selection import SelectionRules
    from planner.selection.mclp import MaximalCovering

    rng = np.random.default_rng(11)
    demand, sites = _points(12, 300), _points(13, 24)
    weights = rng.integers(1, 100, size=len(demand)).astype(float)
    reach = np.linalg.norm(demand[:, None, :] - sites[None, :, :], axis=2) <= 6_000.0
    districts = ["A"] * 8 + ["B"] * 8 + ["C"] * 8
    rules = SelectionRules({"A": (1, 2), "B": (1, 2), "C": (0, 1)})
    p = 4

    def value(combo: tuple[int, ...]) -> float:
        return float(weights[reach[:, list(combo)].any(axis=1)].sum())

    def keeps(combo: tuple[int, ...]) -> bool:
        counts = {d: sum(districts[j] == d for j in combo) for d in "ABC"}
        return 1 <= counts["A"] <= 2 and 1 <= counts["B"] <= 2 and counts["C"] <= 1

    best = max(value(c) for c in combinations(range(len(sites)), p) if keeps(c))
    model = MaximalCovering(sp.csr_matrix(reach), weights, p, site_districts=districts, rules=rules)
    start = np.zeros(len(sites), dtype=bool)
    start[[0, 8, 9, 16]] = True  # keeps the rules, far from good
    improved, moves = model._rule_swap_search(start, seconds=5.0, target=float(weights.sum()))
    chosen = tuple(int(j) for j in np.flatnonzero(improved))
    assert keeps(chosen) and len(chosen) == p
    assert value(chosen) >= value((0, 8, 9, 16)) and moves >= 1
    monkeypatch.setattr(MaximalCovering, "RULE_SEARCH_MIN_PAIRS", 0)
    result = model.solve(time_limit=20.0)
    assert "rule_search_moves" in result.stats
    combo = tuple(sorted(int(j) for j in result.chosen))
    assert keeps(combo) and result.objective == pytest.approx(best)
