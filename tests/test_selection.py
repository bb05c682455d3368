"""Location models: optimum checked by brute force, rules hold, infeasible rule sets are named."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import planner.selection.mclp as mclp_module
import planner.selection.pmedian as pmedian_module
from planner.selection import (
    InfeasibleRulesError,
    MaximalCovering,
    PMedian,
    SelectionRules,
)


def _instance(seed: int, n_demand: int = 40, n_sites: int = 10) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    demand_xy = rng.uniform(0, 10_000, size=(n_demand, 2))
    site_xy = rng.uniform(0, 10_000, size=(n_sites, 2))
    cost = np.sqrt(((demand_xy[:, None, :] - site_xy[None, :, :]) ** 2).sum(axis=2))
    site_dist = np.sqrt(((site_xy[:, None, :] - site_xy[None, :, :]) ** 2).sum(axis=2))
    weights = rng.integers(1, 500, size=n_demand).astype(float)
    return {"cost": cost, "weights": weights, "site_dist": site_dist}


def _covered(cost: np.ndarray, w: np.ndarray, radius: float, combo: tuple[int, ...]) -> float:
    return float(w[(cost[:, list(combo)] <= radius).any(axis=1)].sum())


def _brute_mclp(cost, w, radius, p, ok=lambda combo: True) -> float:  # type: ignore[no-untyped-def]
    return max(
        _covered(cost, w, radius, combo)
        for combo in itertools.combinations(range(cost.shape[1]), p)
        if ok(combo)
    )


DISTRICTS = np.array(["A", "A", "A", "A", "B", "B", "B", "C", "C", "C"])
CLASSES = np.array(
    ["urban", "rural", "rural", "urban", "rural", "rural", "urban", "rural", "rural", "rural"]
)


def test_mclp_hand_example() -> None:
    # Three demand points; site 0 covers {0,1}, site 1 covers {1,2}, site 2 covers {2}.
    cost = np.array([[1.0, 9.0, 9.0], [1.0, 1.0, 9.0], [9.0, 1.0, 1.0]])
    weights = np.array([10.0, 5.0, 7.0])
    model = MaximalCovering.from_cost_matrix(
        cost, weights, service_radius=2.0, p_facilities=1, site_ids=["a", "b", "c"]
    )
    result = model.solve(time_limit=10)
    assert result.chosen == ["a"]
    assert result.objective == 15.0
    assert result.is_optimal and result.gap == 0.0
    # "c" covers demand 2 (7 people), "b" covers 1 and 2 (12): b would add 7.
    assert "would add 7 people" in result.reason("b", "en")
    assert "brächte 7 noch nicht erreichte Menschen" in result.reason("b", "de")
    assert result.reason("a") == ""  # chosen


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("p", [2, 3, 4])
def test_mclp_matches_brute_force(seed: int, p: int) -> None:
    inst = _instance(seed)
    radius = 3_000.0
    model = MaximalCovering.from_cost_matrix(
        inst["cost"], inst["weights"], service_radius=radius, p_facilities=p
    )
    result = model.solve(time_limit=20)
    best = _brute_mclp(inst["cost"], inst["weights"], radius, p)
    assert result.objective == pytest.approx(best)
    assert result.status == "optimal"
    assert len(result.chosen) == p
    # the reported objective is recomputed from the chosen sites
    assert model.covered_weight(result.chosen) == pytest.approx(result.objective)
    assert set(result.reasons) == set(model.site_ids) - set(result.chosen)


def test_mclp_without_lp_fixing_agrees() -> None:
    inst = _instance(7, n_demand=60, n_sites=12)
    a = MaximalCovering.from_cost_matrix(
        inst["cost"], inst["weights"], service_radius=2_500.0, p_facilities=3
    ).solve(time_limit=20)
    b = MaximalCovering.from_cost_matrix(
        inst["cost"], inst["weights"], service_radius=2_500.0, p_facilities=3
    ).solve(time_limit=20, use_lp_fixing=False)
    assert a.objective == pytest.approx(b.objective)


@pytest.mark.parametrize("seed", [24, 30])  # instances whose LP optimum is fractional
def test_mclp_paths_agree_on_the_optimum(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """LP + exact attempt, the tabu search and merging alone, and the Lagrangian fallback all end
    at the brute-force optimum and report it as proven."""
    inst = _instance(seed, n_demand=70, n_sites=13)
    radius, p = 2_500.0, 3
    best = _brute_mclp(inst["cost"], inst["weights"], radius, p)

    def model() -> MaximalCovering:
        return MaximalCovering.from_cost_matrix(
            inst["cost"], inst["weights"], service_radius=radius, p_facilities=p
        )

    plain = model().solve(time_limit=20)
    assert plain.stats["exact_attempt"] == "optimal"
    assert plain.stats["lp_bound"] > best  # the LP alone does not settle it
    # the exact attempt never finishes: tabu search and merging find the optimum
    real_mip = mclp_module.solve_covering_mip
    calls: list[int] = []

    def no_exact(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            return "no_solution", None, float("nan"), float("nan")
        return real_mip(**kwargs)

    monkeypatch.setattr(mclp_module, "solve_covering_mip", no_exact)
    searched = model().solve(time_limit=3)
    assert searched.stats["exact_attempt"] == "no_solution"
    assert searched.stats["tabu_iterations"] > 0
    monkeypatch.setattr(mclp_module, "solve_covering_mip", real_mip)
    # the LP times out: the Lagrangian bound takes its place and is a valid upper bound
    monkeypatch.setattr(mclp_module, "mclp_lp_bound", lambda *a, **k: (float("inf"), None, None))
    fallback = model().solve(time_limit=3)
    assert fallback.stats["lagrangian_bound"] >= best - 1e-6
    for result in (plain, searched, fallback):
        assert result.objective == pytest.approx(best)
        assert result.status == "optimal"


@pytest.mark.parametrize("stalled", [True, False])
def test_stalled_exact_attempt_gives_the_final_mip_time_to_the_search(
    stalled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When SCIP's bound after the exact attempt is no better than the LP's, the search runs
    until 5 % of the time limit is left; otherwise it keeps the 80 % heuristic budget."""
    inst = _instance(24, n_demand=70, n_sites=13)
    model = MaximalCovering.from_cost_matrix(
        inst["cost"], inst["weights"], service_radius=2_500.0, p_facilities=3
    )
    real_mip, real_search = mclp_module.solve_covering_mip, mclp_module.merge_search
    exact_bound = float(inst["weights"].sum()) if stalled else 0.0
    calls: list[int] = []
    asked: list[float] = []

    def exact_attempt(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            return "feasible", None, float("nan"), exact_bound
        return real_mip(**kwargs)

    def search(*args, seconds: float, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(seconds)
        return real_search(*args, seconds=min(seconds, 0.2), **kwargs)

    monkeypatch.setattr(mclp_module, "solve_covering_mip", exact_attempt)
    monkeypatch.setattr(mclp_module, "merge_search", search)
    result = model.solve(time_limit=20)
    assert len(asked) == 1
    if stalled:
        assert asked[0] > 0.8 * 20  # up to 19 s minus what the LP took
        assert result.stats["final_mip_shortened"] is True
    else:
        assert asked[0] <= 0.8 * 20
        assert "final_mip_shortened" not in result.stats
    assert result.status == "optimal"  # the final MIP still proves the small instance


def test_duplicate_sites_reason_names_twin() -> None:
    cost = np.array([[1.0, 1.0, 9.0], [1.0, 1.0, 9.0], [9.0, 9.0, 1.0]])
    weights = np.array([2000.0, 2200.0, 100.0])
    model = MaximalCovering.from_cost_matrix(
        cost,
        weights,
        service_radius=2.0,
        p_facilities=2,
        site_ids=["x", "twin", "far"],
        site_names=["Markt", "Rathaus", "Hof"],
    )
    result = model.solve(time_limit=10)
    assert result.objective == 4300.0
    unchosen = ({"x", "twin"} - set(result.chosen)).pop()
    assert "covers the same 4,200 people as" in result.reason(unchosen, "en")
    assert "erreicht dieselben 4.200 Menschen wie" in result.reason(unchosen, "de")
    table = result.table(model.site_ids, "en").set_index("site_id")
    assert table.loc[unchosen, "reason"] == result.reason(unchosen, "en")
    assert not table.loc[unchosen, "chosen"]


def test_mclp_rules_hold_and_match_brute_force() -> None:
    inst = _instance(11)
    radius, p = 3_000.0, 4
    rules = SelectionRules(
        district_quotas={"A": 2, "B": (1, 2)},
        min_urban=1,
        min_rural=2,
        must=["s2"],
        must_not=["s4"],
        min_spacing_m=1_500.0,
    )
    ids = [f"s{j}" for j in range(10)]
    model = MaximalCovering.from_cost_matrix(
        inst["cost"],
        inst["weights"],
        service_radius=radius,
        p_facilities=p,
        site_ids=ids,
        site_districts=DISTRICTS,
        site_area_classes=CLASSES,
        site_distance_m=inst["site_dist"],
        rules=rules,
    )
    result = model.solve(time_limit=20)
    chosen = [ids.index(s) for s in result.chosen]

    def ok(combo: tuple[int, ...]) -> bool:
        d = DISTRICTS[list(combo)]
        c = CLASSES[list(combo)]
        spaced = all(
            inst["site_dist"][a, b] >= 1_500.0 for a, b in itertools.combinations(combo, 2)
        )
        return bool(
            (d == "A").sum() == 2
            and 1 <= (d == "B").sum() <= 2
            and (c == "urban").sum() >= 1
            and (c == "rural").sum() >= 2
            and 2 in combo
            and 4 not in combo
            and spaced
        )

    assert ok(tuple(chosen))
    assert result.objective == pytest.approx(
        _brute_mclp(inst["cost"], inst["weights"], radius, p, ok)
    )
    assert result.reason("s4", "en").startswith("excluded by the planner")
    assert result.reason("s4", "de") == "vom Planungsteam ausgeschlossen"
    # the heuristics' fast rule test agrees with the brute-force one on every selection
    keeps = model.rule_checker()
    for combo in itertools.combinations(range(10), p):
        mask = np.zeros(10, dtype=bool)
        mask[list(combo)] = True
        assert keeps(mask) == ok(combo)


def test_quota_larger_than_district_is_named() -> None:
    inst = _instance(3)
    model = MaximalCovering.from_cost_matrix(
        inst["cost"],
        inst["weights"],
        service_radius=3_000.0,
        p_facilities=6,
        site_districts=DISTRICTS,
        rules=SelectionRules(district_quotas={"A": 2, "B": 4}),
    )
    with pytest.raises(InfeasibleRulesError) as info:
        model.solve(time_limit=5)
    assert "district_quota[B]" in info.value.rules
    assert "B" in str(info.value) and "only 3" in str(info.value)
    problem = info.value.problems[info.value.rules.index("district_quota[B]")]
    assert problem.rule_text("de") == "Quote B"
    assert "Quote für B ist 4, der Kreis hat aber nur 3 Kandidaten" in info.value.message("de")


def test_subtle_infeasibility_diagnosed_by_relaxing() -> None:
    # Every pre-check passes, but spacing forbids choosing 2 sites in district A (all close).
    n = 6
    site_dist = np.full((n, n), 10_000.0)
    site_dist[np.ix_([0, 1, 2], [0, 1, 2])] = 100.0
    np.fill_diagonal(site_dist, 0.0)
    cost = np.eye(n)
    model = MaximalCovering.from_cost_matrix(
        cost,
        np.ones(n),
        service_radius=0.5,
        p_facilities=3,
        site_districts=["A", "A", "A", "B", "B", "B"],
        site_distance_m=site_dist,
        rules=SelectionRules(district_quotas={"A": 2}, min_spacing_m=500.0),
    )
    assert model.check_rules() == []
    with pytest.raises(InfeasibleRulesError) as info:
        model.solve(time_limit=5)
    assert set(info.value.rules) == {"district_quota[A]", "min_spacing"}
    assert "ohne „Mindestabstand“ wären sie erfüllbar" in info.value.message("de")


def test_must_and_must_not_conflicts_named() -> None:
    inst = _instance(5)
    base = dict(service_radius=3_000.0, p_facilities=2)
    both = MaximalCovering.from_cost_matrix(
        inst["cost"], inst["weights"], rules=SelectionRules(must=["1"], must_not=["1"]), **base
    )
    assert [p.rule for p in both.check_rules()] == ["must + must_not"]
    assert both.check_rules()[0].rule_text("de") == "Pflichtstandorte + ausgeschlossene Standorte"
    too_many = MaximalCovering.from_cost_matrix(
        inst["cost"], inst["weights"], rules=SelectionRules(must=["1", "2", "3"]), **base
    )
    with pytest.raises(InfeasibleRulesError, match="3 sites must be chosen"):
        too_many.solve(time_limit=5)
    unknown = MaximalCovering.from_cost_matrix(
        inst["cost"], inst["weights"], rules=SelectionRules(must=["nope"]), **base
    )
    with pytest.raises(InfeasibleRulesError, match="nope"):
        unknown.solve(time_limit=5)


def test_dominated_sites_respect_district_groups() -> None:
    # Site 1 covers a subset of site 0 but lies in another district with a quota of 1.
    cost = np.array([[1.0, 1.0, 9.0], [1.0, 9.0, 9.0], [9.0, 9.0, 1.0]])
    model = MaximalCovering.from_cost_matrix(
        cost,
        np.array([5.0, 5.0, 1.0]),
        service_radius=2.0,
        p_facilities=2,
        site_ids=["big", "small", "other"],
        site_districts=["A", "B", "A"],
        rules=SelectionRules(district_quotas={"B": 1}),
    )
    result = model.solve(time_limit=5)
    assert sorted(result.chosen) == ["big", "small"]
    assert result.objective == 10.0


def _brute_pmedian(cost: np.ndarray, w: np.ndarray, p: int, ok=lambda c: True) -> float:  # type: ignore[no-untyped-def]
    return min(
        float((w * cost[:, list(c)].min(axis=1)).sum())
        for c in itertools.combinations(range(cost.shape[1]), p)
        if ok(c)
    )


@pytest.mark.parametrize("seed", [1, 4])
@pytest.mark.parametrize("p", [1, 2, 3])
def test_pmedian_matches_brute_force(seed: int, p: int) -> None:
    inst = _instance(seed, n_demand=30, n_sites=8)
    model = PMedian.from_cost_matrix(inst["cost"], inst["weights"], p_facilities=p)
    result = model.solve(time_limit=20)
    assert result.objective == pytest.approx(_brute_pmedian(inst["cost"], inst["weights"], p))
    assert result.status == "optimal"
    assert model.total_cost(result.chosen) == pytest.approx(result.objective)
    assert all(result.reason(s, "de") for s in model.site_ids if s not in result.chosen)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_pmedian_lagrangian_bound_is_valid_and_tight(seed: int) -> None:
    from planner.selection.bounds import pmedian_lagrangian_bound
    from planner.selection.interchange import interchange

    inst = _instance(seed, n_demand=60, n_sites=12)
    cost, w, p = inst["cost"], inst["weights"], 4
    best = _brute_pmedian(cost, w, p)
    allowed = np.ones(cost.shape[1], dtype=bool)
    must = np.zeros(cost.shape[1], dtype=bool)
    start = interchange(cost, w, p, allowed, must)
    upper = float((w * cost[:, start].min(axis=1)).sum())
    bound = pmedian_lagrangian_bound(cost, w, p, allowed, must, upper=upper, seconds=5)
    assert bound <= best * (1 + 1e-9)  # a lower bound
    assert bound >= 0.99 * best  # and a tight one: within 1 % here
    # with a must-site the bound is still below the constrained optimum
    must[0] = True
    constrained = _brute_pmedian(cost, w, p, lambda combo: 0 in combo)
    assert pmedian_lagrangian_bound(
        cost, w, p, allowed, must, upper=constrained, seconds=5
    ) <= constrained * (1 + 1e-9)
    # a quota that forces three of the four sites worst on their own: the bound keeps it
    must[0] = False
    alone = (w[:, None] * cost).sum(axis=0)
    worst = np.zeros(cost.shape[1], dtype=bool)
    worst[np.argsort(alone)[-4:]] = True
    forced = _brute_pmedian(cost, w, p, lambda combo: worst[list(combo)].sum() == 3)
    with_quota = pmedian_lagrangian_bound(
        cost, w, p, allowed, must, upper=forced, seconds=5, quotas=[(worst, 3, 3)]
    )
    assert best < with_quota <= forced * (1 + 1e-9)  # above the free optimum: the quota counts
    assert with_quota >= 0.97 * forced


def test_pmedian_too_large_for_the_mip_keeps_heuristic_with_stated_gap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inst = _instance(14, n_demand=60, n_sites=12)
    best = _brute_pmedian(inst["cost"], inst["weights"], 4)
    model = PMedian.from_cost_matrix(inst["cost"], inst["weights"], p_facilities=4)
    monkeypatch.setattr(model, "max_assignment_pairs", 10)
    monkeypatch.setattr(pmedian_module, "pmedian_lagrangian_bound", lambda *a, **k: 0.9 * best)
    result = model.solve(time_limit=10)
    assert result.stats["mip"] == "skipped: too large"
    assert result.status == "feasible"
    assert result.bound == pytest.approx(0.9 * best)
    assert result.gap == pytest.approx((result.objective - 0.9 * best) / result.objective)
    assert result.objective >= best - 1e-6 and len(result.chosen) == 4


def test_pmedian_rules_hold() -> None:
    inst = _instance(9)
    ids = [f"s{j}" for j in range(10)]
    rules = SelectionRules(district_quotas={"C": 2}, must=["s0"], must_not=["s1"], min_rural=2)
    model = PMedian.from_cost_matrix(
        inst["cost"],
        inst["weights"],
        p_facilities=3,
        site_ids=ids,
        site_districts=DISTRICTS,
        site_area_classes=CLASSES,
        rules=rules,
    )
    result = model.solve(time_limit=20)

    def ok(c: tuple[int, ...]) -> bool:
        return bool(
            (DISTRICTS[list(c)] == "C").sum() == 2
            and 0 in c
            and 1 not in c
            and (CLASSES[list(c)] == "rural").sum() >= 2
        )

    chosen = tuple(ids.index(s) for s in result.chosen)
    assert ok(chosen)
    best = _brute_pmedian(inst["cost"], inst["weights"], 3, ok)
    assert result.objective == pytest.approx(best)
    # a model too large for the MIP: the rule-keeping interchange alone, with a valid bound
    model.max_assignment_pairs = 10
    big = model.solve(time_limit=20)
    assert big.stats["mip"] in {"skipped: too large", "skipped: bound proven"}
    assert ok(tuple(ids.index(s) for s in big.chosen))
    assert big.bound <= best + 1e-6 <= big.objective + 1e-6
    assert 0.0 <= big.gap < 1.0


def test_from_geodataframe_euclidean() -> None:
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import Point

    demand = gpd.GeoDataFrame(
        {"population": [100, 200, 50], "area_class": ["urban", "rural", "rural"]},
        geometry=[Point(0, 0), Point(1_000, 0), Point(5_000, 0)],
        crs="EPSG:25832",
    )
    sites = gpd.GeoDataFrame(
        {"site_id": ["a", "b"], "name": ["A", "B"], "district": ["K", "K"]},
        geometry=[Point(500, 0), Point(5_000, 100)],
        crs="EPSG:25832",
    )
    model = MaximalCovering.from_geodataframe(
        demand, sites, "population", service_radius=600.0, p_facilities=1, cost="euclidean"
    )
    assert model.solve(time_limit=5).chosen == ["a"]
    weighted = MaximalCovering.from_geodataframe(
        demand,
        sites,
        "population",
        service_radius=600.0,
        p_facilities=1,
        cost="euclidean",
        rural_factor=10.0,
    )
    # rural weighting: b reaches 50 rural people (500 weighted) vs a's 100 + 2,000
    assert weighted.solve(time_limit=5).objective == 2100.0
    pm = PMedian.from_geodataframe(demand, sites, "population", p_facilities=1, cost="euclidean")
    assert pm.solve(time_limit=5).chosen == ["a"]


def test_region_pack_with_2023_quotas(pack) -> None:  # type: ignore[no-untyped-def]
    from planner.coverage import compute_coverage, site_cell_minutes

    sites = pack.sites
    minutes = site_cell_minutes(sites, pack.cells)
    populated = pack.cells["population"].to_numpy(float) > 0
    quotas = {"Kiel": 4, "Plön": 4, "Rendsburg-Eckernförde": 4}
    model = MaximalCovering.from_cost_matrix(
        minutes[:, populated].T,
        pack.cells.loc[populated, "population"].to_numpy(float),
        service_radius=15.0,
        p_facilities=12,
        site_ids=sites["site_id"].tolist(),
        site_districts=sites["district"].tolist(),
        site_area_classes=sites["area_class"].tolist(),
        rules=SelectionRules(district_quotas=quotas, min_rural=6),
    )
    result = model.solve(time_limit=60)
    assert result.status in {"optimal", "feasible"}
    chosen = sites.set_index("site_id").loc[result.chosen]
    assert chosen["district"].value_counts().to_dict() == quotas
    assert (chosen["area_class"] == "rural").sum() >= 6
    report = compute_coverage(pack, result.chosen, threshold_min=15.0, minutes=minutes)
    assert report.summary.covered == pytest.approx(result.objective)


@pytest.mark.parametrize(("seed", "threads"), [(4, 1), (5, 2)])
def test_mclp_search_and_kernel_merge_reach_brute_force(seed: int, threads: int) -> None:
    from scipy import sparse

    from planner.selection.merge import merge_kernel, merge_search
    from planner.selection.search import SwapSearch

    inst = _instance(seed, n_demand=60, n_sites=12)
    radius, p = 2_500.0, 3
    cov = sparse.csr_matrix((inst["cost"] <= radius).astype(float))
    w = inst["weights"]
    must = np.zeros(cov.shape[1], dtype=bool)
    must[0] = True
    best = _brute_mclp(inst["cost"], w, radius, p, lambda combo: 0 in combo)
    search = SwapSearch(cov, w, p, must=must)
    # no bound to stop at: the starts and the cycles of perturbation, tabu runs and merging run
    mask, value, stats = merge_search(
        search,
        cov,
        w,
        must,
        lp_values=None,
        seconds=2.0,
        seed=seed,
        target=float("inf"),
        threads=threads,
    )
    assert mask.sum() == p and mask[0]
    assert value == pytest.approx(best)
    assert value == pytest.approx(_covered(inst["cost"], w, radius, tuple(np.nonzero(mask)[0])))
    assert stats["tabu_iterations"] > 0 and stats["cycles"] >= 1 and stats["threads"] == threads
    assert stats["diversifications"] >= 1  # a tiny instance stalls at once: fresh starts come in
    assert 0.0 < stats["best_found_seconds"] < 2.5
    assert stats["start_value"] == pytest.approx(best)
    start = search.greedy()
    merged, merged_value, state = merge_kernel(
        cov, w, p, must, start, [np.ones(cov.shape[1], dtype=bool)], seconds=10
    )
    assert state == "optimal" and merged[0] and merged.sum() == p
    assert merged_value == pytest.approx(best)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_cheapest_within_quotas_is_exact(seed: int) -> None:
    from planner.selection.bounds import cheapest_within_quotas

    rng = np.random.default_rng(seed)
    value = -rng.uniform(0, 100, 9)
    group = rng.integers(0, 3, 9)  # group 2 has no quota
    groups = [(group == 0, 1, 2), (group == 1, 2, 3)]
    must = np.zeros(9, dtype=bool)
    must[int(np.argmax(value))] = True  # the least attractive site is a must
    p = 5

    def ok(combo: tuple[int, ...]) -> bool:
        mask = np.zeros(9, dtype=bool)
        mask[list(combo)] = True
        return bool(mask[must].all()) and all(lo <= mask[m].sum() <= hi for m, lo, hi in groups)

    best = min(value[list(c)].sum() for c in itertools.combinations(range(9), p) if ok(c))
    chosen = cheapest_within_quotas(value, must, p, groups)
    assert chosen.sum() == p and ok(tuple(np.nonzero(chosen)[0]))
    assert value[chosen].sum() == pytest.approx(best)


@pytest.mark.parametrize("n_chosen", [1, 3])
def test_swap_deltas_match_recomputation(n_chosen: int) -> None:
    from planner.selection.interchange import swap_deltas

    inst = _instance(21, n_demand=30, n_sites=8)
    cost, w = inst["cost"], inst["weights"]
    chosen = np.arange(n_chosen) * 2
    d1, gain, delta = swap_deltas(cost, w, chosen)
    before = float((w * cost[:, chosen].min(axis=1)).sum())
    np.testing.assert_allclose(d1, cost[:, chosen].min(axis=1))
    for j in range(cost.shape[1]):
        added = float((w * np.minimum(cost[:, chosen].min(axis=1), cost[:, j])).sum())
        assert gain[j] == pytest.approx(added - before)
        for k, site in enumerate(chosen):
            swapped = [c for c in chosen if c != site] + [j]
            after = float((w * cost[:, swapped].min(axis=1)).sum())
            assert delta[k, j] == pytest.approx(after - before)


def test_pmedian_interchange_finds_a_rule_keeping_swap_behind_many_breaking_ones() -> None:
    # Site 0 (district A) must stay; the quota keeps exactly one site in district B. Dropping the
    # poor B site 301 for any of the 300 A sites would serve the big demand point far better but
    # breaks the quota; the one allowed improvement, 301 → 302, ranks behind all of them.
    from planner.selection.interchange import interchange

    n = 303
    cost = np.full((2, n), 100.0)
    cost[0, 1:301] = 1.0 + 0.01 * np.arange(300)  # demand 0 (weight 1000) near the A sites
    cost[1, 301], cost[1, 302] = 50.0, 1.0  # demand 1 (weight 10) near the B sites
    w = np.array([1000.0, 10.0])
    model = PMedian.from_cost_matrix(
        cost,
        w,
        p_facilities=2,
        site_districts=["A"] * 301 + ["B", "B"],
        rules=SelectionRules(district_quotas={"B": 1}, must=["0"]),
    )
    start = np.zeros(n, dtype=bool)
    start[[0, 301]] = True
    must = np.zeros(n, dtype=bool)
    must[0] = True
    mask = interchange(
        cost,
        w,
        2,
        np.ones(n, dtype=bool),
        must,
        start=start,
        keeps_rules=model.rule_checker(),
    )
    assert np.nonzero(mask)[0].tolist() == [0, 302]


# --- issue 14: named request errors, honest status, a proven spacing limit --------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"min_spacing_m": -3000.0}, "rules.min_spacing_m"),
        ({"min_spacing_m": float("nan")}, "rules.min_spacing_m"),
        ({"min_spacing_m": float("inf")}, "rules.min_spacing_m"),
        ({"min_spacing_m": "5 km"}, "rules.min_spacing_m"),
        ({"min_urban": -1}, "rules.min_urban"),
        ({"min_rural": 2.5}, "rules.min_rural"),
        ({"min_rural": True}, "rules.min_rural"),
        ({"district_quotas": {"Plön": -1}}, "rules.district_quotas[Plön]"),
        ({"district_quotas": {"Plön": float("nan")}}, "rules.district_quotas[Plön]"),
        ({"district_quotas": {"Plön": (1, 2, 3)}}, "rules.district_quotas[Plön]"),
        ({"district_quotas": ["Plön"]}, "rules.district_quotas"),
        ({"must": "s1"}, "rules.must"),
        ({"must_not": [1, 2]}, "rules.must_not"),
    ],
)
def test_bad_rules_are_named_with_field_and_value(kwargs: dict[str, object], field: str) -> None:
    from planner.selection import SelectionRequestError

    with pytest.raises(SelectionRequestError) as info:
        SelectionRules(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
    assert str(info.value).startswith(f"selection.{field} = ")
    assert info.value.message("de").startswith(f"Einstellung selection.{field} = ")


def test_rules_are_normalised() -> None:
    rules = SelectionRules(
        district_quotas={"A": np.int64(2), "B": [1, 3]}, must=["x"], min_spacing_m=0
    )
    assert rules.district_quotas == {"A": 2, "B": (1, 3)}
    assert rules.must == ("x",) and rules.min_spacing_m is None  # 0 m: no rule


def test_a_spacing_no_selection_can_keep_is_proven_and_named() -> None:
    # ten sites on a line 1 km apart; 4 km spacing leaves room for at most 3 (0, 4, 8 km)
    n = 10
    pos = np.arange(n, dtype=float) * 1000.0
    site_dist = np.abs(pos[:, None] - pos[None, :])
    model = MaximalCovering.from_cost_matrix(
        np.eye(n),
        np.ones(n),
        service_radius=0.5,
        p_facilities=4,
        site_distance_m=site_dist,
        rules=SelectionRules(min_spacing_m=4_000.0),
    )
    problems = model.check_rules()
    assert [p.rule for p in problems] == ["min_spacing"]
    assert "at most 3 of the available sites" in problems[0].text("en")
    assert "4,000 m" in problems[0].text("en") and "4.000 m" in problems[0].text("de")
    with pytest.raises(InfeasibleRulesError) as info:
        model.solve(time_limit=5)
    assert info.value.rules == ["min_spacing"]
    # three sites do fit: the bound never refuses a spacing that can hold
    model.p = 3
    assert model.check_rules() == []
    assert len(model.solve(time_limit=5).chosen) == 3


def test_the_status_says_what_ended_the_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    inst = _instance(14, n_demand=60, n_sites=12)
    best = _brute_pmedian(inst["cost"], inst["weights"], 4)
    model = PMedian.from_cost_matrix(inst["cost"], inst["weights"], p_facilities=4)
    assert model.solve(time_limit=10).stop == "optimal"
    # too large for the MIP: the interchange converged in a local optimum, no time limit hit
    monkeypatch.setattr(model, "max_assignment_pairs", 10)
    monkeypatch.setattr(pmedian_module, "pmedian_lagrangian_bound", lambda *a, **k: 0.9 * best)
    result = model.solve(time_limit=10)
    assert result.status == "feasible" and result.stop == "no_improvement"
    assert result.solve_seconds < 10
    gap = f"{100 * result.gap:.2f}"
    assert result.status_message().text("en") == (
        f"local optimum: no swap improves the selection (gap to the Lagrangian bound {gap} %)"
    )
    assert "Zeitlimit" not in result.status_message().text("de")
    mclp = MaximalCovering.from_cost_matrix(
        inst["cost"], inst["weights"], service_radius=3_000.0, p_facilities=3
    )
    assert mclp.solve(time_limit=10).stop == "optimal"


def test_mclp_stopped_by_scip_time_limit_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    inst = _instance(2)
    rules = SelectionRules(district_quotas={"A": 1})
    model = MaximalCovering.from_cost_matrix(
        inst["cost"],
        inst["weights"],
        service_radius=3_000.0,
        p_facilities=3,
        site_districts=DISTRICTS,
        rules=rules,
    )
    real = mclp_module.solve_covering_mip

    def stopped(**kwargs):  # type: ignore[no-untyped-def]
        _state, y, obj, _bound = real(**kwargs)
        return "feasible", y, obj, obj * 1.5  # as SCIP reports a run its time limit ended

    monkeypatch.setattr(mclp_module, "solve_covering_mip", stopped)
    result = model.solve(time_limit=5)
    assert result.status == "feasible" and result.stop == "time_limit"
    assert result.status_message().text("de") == "zulässig (Zeitlimit erreicht)"


def test_diagnosis_names_nothing_once_the_deadline_has_passed() -> None:
    import time

    n = 6
    site_dist = np.full((n, n), 10_000.0)
    site_dist[np.ix_([0, 1, 2], [0, 1, 2])] = 100.0
    np.fill_diagonal(site_dist, 0.0)
    model = MaximalCovering.from_cost_matrix(
        np.eye(n),
        np.ones(n),
        service_radius=0.5,
        p_facilities=3,
        site_districts=["A", "A", "A", "B", "B", "B"],
        site_distance_m=site_dist,
        rules=SelectionRules(district_quotas={"A": 2}, min_spacing_m=500.0),
    )
    assert model.diagnose(deadline=time.perf_counter() - 1) == []  # no unproven culprit
    assert {p.rule for p in model.diagnose()} == {"district_quota[A]", "min_spacing"}
