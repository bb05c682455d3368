"""Maximal covering (MCLP, Church & ReVelle 1974) with the season's rules.

Solver choice
-------------
The model is solved as a mixed-integer program with OR-Tools' ``pywraplp`` interface and
**SCIP**. MCLP is a textbook MIP whose LP relaxation is strong (San Francisco, p = 50: LP bound
621,322 against the optimum 617,592), so a solver that works from the LP relaxation proves bounds
where a constraint solver has to search. Measured on the San Francisco instance, p = 50, 120 s on
this machine's two cores: SCIP reached 613,614 with a bound of 620,914, CP-SAT 559,618 with its
bound still at the trivial 805,235. The pipeline (rules other than must/must-not skip steps 1–4):

1. LP relaxation with HiGHS' interior-point method (:func:`~planner.selection.bounds.mclp_lp_bound`;
   2.7 s on San Francisco where GLOP's simplex needed over a minute): the bound, site values and
   reduced costs. An integral LP solution is optimal and ends the search. If the LP times out, a
   Lagrangian bound (subgradient method on the coverage constraints) takes its place.
2. An exact attempt: SCIP on the whole model for 10 % of the heuristic budget, warm-started with
   the greedy solution. Small instances end here, proven optimal. Where SCIP's bound is still
   no better than the LP's at the end of it (it did not get through its root node: San
   Francisco), the final MIP of step 5 gets only 5 % of the time limit and the search the rest.
3. Otherwise tabu search and solution merging (:func:`~planner.selection.merge.merge_search`)
   around the numba tabu search of :mod:`planner.selection.search` (~20,000 swap iterations per
   second on San Francisco). After five cycles without progress fresh randomised starts take the
   copies' place.
4. Reduced-cost fixing: sites whose LP reduced cost proves they cannot be part of a better
   solution than the incumbent are fixed to 0 (321 of 425 sites on the region instance).
5. SCIP on what is left, warm-started with the incumbent; the bound it proves is valid for the
   full problem. Steps 2–3 stop as soon as they reach the LP (or Lagrangian) bound.

With quotas, a mix or spacing rules the pipeline goes to step 5 from a first selection that keeps
the rules (CP-SAT). On large instances (``RULE_SEARCH_MIN_PAIRS`` kept sites × demand rows and
more, e.g. all of Schleswig-Holstein) a best-improvement swap search that keeps every rule first
improves that selection, and the LP bound without the rules (still an upper bound: rules only take
selections away; the Lagrangian one where the LP times out) states the gap: SCIP alone does not get
through its root node there within a minute.

Preprocessing (exact, :mod:`planner.selection.preprocess`): demand nobody reaches or of zero
weight dropped, identical demand rows merged, dominated sites dropped.
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from scipy import sparse

from planner.selection.base import EPS, LocationModel
from planner.selection.bounds import mclp_lagrangian_bound, mclp_lp_bound
from planner.selection.inputs import geodataframe_inputs
from planner.selection.merge import merge_search
from planner.selection.mip import AddRules, is_integral, solve_covering_mip
from planner.selection.preprocess import merge_identical_rows, undominated_sites
from planner.selection.reasons import covering_reasons
from planner.selection.result import SelectionResult
from planner.selection.rules import SelectionRules
from planner.selection.search import SwapSearch

__all__ = ["MaximalCovering"]


@dataclass
class _Reduced:
    """The instance after preprocessing, and what the steps of a solve learn about it."""

    #: ``(demand rows, kept sites)`` coverage of the merged demand rows.
    cov: sparse.csr_matrix
    #: Weight of each merged demand row.
    w: np.ndarray
    #: Kept site → index among all sites.
    site_map: np.ndarray
    #: Kept sites that must be chosen.
    must: np.ndarray
    #: Kept sites fixed to 0 / to 1 (must-sites, reduced-cost fixing).
    fixed_zero: np.ndarray = field(init=False)
    fixed_one: np.ndarray = field(init=False)
    #: Best selection of the heuristics (kept-site mask) and its covered weight.
    incumbent: np.ndarray | None = None
    incumbent_value: float = -math.inf
    #: LP (or Lagrangian) upper bound.
    lp_bound: float = math.inf
    #: A selection keeping the rules (all-site mask), found by CP-SAT.
    rule_start: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.fixed_zero = np.zeros(len(self.site_map), dtype=bool)
        self.fixed_one = self.must.copy()

    @property
    def integral(self) -> bool:
        """Whether every weight is whole (then a gap below one person is no gap)."""
        return is_integral(self.w)


@dataclass(frozen=True)
class _FinalMip:
    """What SCIP's final solve gave: status, selection (all-site mask), objective and bound."""

    state: str
    chosen: np.ndarray | None
    objective: float
    bound: float


class MaximalCovering(LocationModel):
    """Maximal covering location problem (Church & ReVelle 1974) with the season's rules.

    Maximise the weighted demand within ``service_radius`` of at least one of ``p`` chosen sites.
    Build with :meth:`from_cost_matrix` or :meth:`from_geodataframe`, then call :meth:`solve`.
    """

    model_name = "MCLP"
    #: Kept sites × demand rows from which a solve with rules runs the rule-keeping swap search
    #: and the LP bound before SCIP: on a region like Schleswig-Holstein (1,863 × 9,394) SCIP
    #: alone does not get through its root node within a minute; on the KielRegion (about a
    #: tenth of that) it proves or nearly proves its selections by itself.
    RULE_SEARCH_MIN_PAIRS: ClassVar[int] = 5_000_000

    def __init__(
        self,
        coverage: sparse.csr_matrix,
        weights: np.ndarray,
        p_facilities: int,
        *,
        site_ids: Sequence[str] | None = None,
        site_names: Sequence[str] | None = None,
        site_districts: Sequence[str] | None = None,
        site_area_classes: Sequence[str] | None = None,
        site_distance_m: np.ndarray | None = None,
        rules: SelectionRules | None = None,
        name: str = "mclp",
    ) -> None:
        coverage = sparse.csr_matrix(coverage, dtype=bool)
        n_demand, n_sites = coverage.shape
        super().__init__(
            weights=weights,
            p_facilities=p_facilities,
            site_ids=site_ids if site_ids is not None else [str(j) for j in range(n_sites)],
            site_names=site_names,
            site_districts=site_districts,
            site_area_classes=site_area_classes,
            site_distance_m=site_distance_m,
            rules=rules,
            name=name,
        )
        if len(self.weights) != n_demand:
            raise ValueError(f"{len(self.weights)} weights for {n_demand} demand points")
        if len(self.site_ids) != n_sites:
            raise ValueError(f"{len(self.site_ids)} site ids for {n_sites} sites")
        #: Boolean ``(n_demand, n_sites)``: demand i is within reach of site j.
        self.coverage = coverage
        self.result: SelectionResult | None = None

    # -- constructors ------------------------------------------------------------------------

    @classmethod
    def from_cost_matrix(
        cls,
        cost_matrix: np.ndarray,
        weights: np.ndarray,
        *,
        service_radius: float,
        p_facilities: int,
        site_ids: Sequence[str] | None = None,
        site_names: Sequence[str] | None = None,
        site_districts: Sequence[str] | None = None,
        site_area_classes: Sequence[str] | None = None,
        site_distance_m: np.ndarray | None = None,
        rules: SelectionRules | None = None,
        name: str = "mclp",
    ) -> MaximalCovering:
        """Build from a ``(n_demand, n_sites)`` cost matrix; covered means cost ≤ radius.

        Parameters
        ----------
        cost_matrix
            Cost (minutes, metres, ...) from each demand point to each site. NaN = unreachable.
        weights
            Demand weight per demand point (population, or population weighted for rural/65+).
        service_radius
            Maximum cost at which a demand point counts as covered (inclusive).
        p_facilities
            Number of sites to choose.
        site_ids, site_names, site_districts, site_area_classes
            Per-site attributes (ids default to ``"0" … "n-1"``); districts and classes are needed
            for quotas and the urban/rural mix.
        site_distance_m
            ``(n_sites, n_sites)`` metres, needed for a minimum-spacing rule.
        rules
            The season's rules.
        name
            Problem name.
        """
        cost = np.asarray(cost_matrix, dtype=float)
        with np.errstate(invalid="ignore"):
            reach = np.nan_to_num(cost, nan=np.inf) <= service_radius
        return cls(
            sparse.csr_matrix(reach),
            weights,
            p_facilities,
            site_ids=site_ids,
            site_names=site_names,
            site_districts=site_districts,
            site_area_classes=site_area_classes,
            site_distance_m=site_distance_m,
            rules=rules,
            name=name,
        )

    @classmethod
    def from_geodataframe(
        cls,
        gdf_demand: Any,
        gdf_fac: Any,
        demand_col: str,
        *,
        service_radius: float,
        p_facilities: int,
        cost: str = "travel_time",
        travel_model: Any = None,
        facility_id_col: str = "site_id",
        facility_name_col: str | None = "name",
        district_col: str | None = "district",
        area_class_col: str | None = "area_class",
        weight_factors: Mapping[str, float] | None = None,
        rural_factor: float = 1.0,
        demand_area_class_col: str = "area_class",
        rules: SelectionRules | None = None,
        name: str = "mclp",
    ) -> MaximalCovering:
        """Build from GeoDataFrames of demand points/cells and candidate sites.

        Parameters
        ----------
        gdf_demand, gdf_fac
            Demand (points or polygons; their centroids are used) and sites, in a metric CRS.
        demand_col
            Column with the demand weight (e.g. ``"population"``).
        service_radius
            Minutes when ``cost="travel_time"``, metres when ``cost="euclidean"``.
        cost
            ``"travel_time"`` (car minutes via :func:`planner.traveltime.travel_time_matrix`)
            or ``"euclidean"`` (metres).
        weight_factors
            Extra demand columns added with a factor, e.g. ``{"pop_65plus": 1.0}`` counts people
            aged 65+ twice.
        rural_factor
            Multiplies the weight of demand whose ``demand_area_class_col`` is ``"rural"``.
        """
        weights, cost_matrix, attrs = geodataframe_inputs(
            gdf_demand,
            gdf_fac,
            demand_col,
            cost=cost,
            travel_model=travel_model,
            facility_id_col=facility_id_col,
            facility_name_col=facility_name_col,
            district_col=district_col,
            area_class_col=area_class_col,
            weight_factors=weight_factors,
            rural_factor=rural_factor,
            demand_area_class_col=demand_area_class_col,
        )
        return cls.from_cost_matrix(
            cost_matrix,
            weights,
            service_radius=service_radius,
            p_facilities=p_facilities,
            rules=rules,
            name=name,
            **attrs,
        )

    # -- evaluation --------------------------------------------------------------------------

    def covered_mask(self, chosen: Collection[str]) -> np.ndarray:
        """Boolean per demand point: within reach of at least one of ``chosen``."""
        idx = self.indices(list(chosen), "chosen")
        if len(idx) == 0:
            return np.zeros(self.coverage.shape[0], dtype=bool)
        return np.asarray(self.coverage[:, idx].sum(axis=1)).ravel() > 0

    def covered_weight(self, chosen: Collection[str]) -> float:
        """Total weight covered by ``chosen`` (computed here, not by a solver)."""
        return float(self.weights[self.covered_mask(chosen)].sum())

    def _covered_weight_of(self, chosen: np.ndarray) -> float:
        """Total weight covered by a chosen-site mask."""
        covered = np.asarray(self.coverage[:, np.nonzero(chosen)[0]].sum(axis=1)).ravel() > 0
        return float(self.weights[covered].sum())

    # -- solve -------------------------------------------------------------------------------

    def solve(
        self,
        *,
        time_limit: float = 60.0,
        use_lp_fixing: bool = True,
        heuristic_seconds: float | None = None,
        seed: int = 0,
    ) -> SelectionResult:
        """Choose the sites.

        Parameters
        ----------
        time_limit
            Seconds for the whole solve (the MIP gets what preprocessing leaves).
        use_lp_fixing
            Run the LP relaxation, the exact attempt, the heuristics and reduced-cost fixing
            before the final MIP (steps 1–4 of the module docstring).
        heuristic_seconds
            Budget of steps 1–3 (default: 80 % of the time limit, at most 600 s): the LP gets at
            most a quarter, the exact attempt a tenth, the cycles of tabu search and merging
            the rest. All stop as soon as they reach the LP/Lagrangian bound; SCIP gets the
            remaining time. By default, when the exact attempt's bound is no better than the
            LP's (SCIP did not get through its root node), the search runs until 5 % of the
            time limit is left: the final MIP would not get further either.
        seed
            Seed of the heuristics (the same seed gives the same sequence of moves; how far the
            search gets within the time limit still depends on the machine's speed).

        Returns
        -------
        SelectionResult
            Also stored as ``self.result``.

        Raises
        ------
        InfeasibleRulesError
            When the rules admit no selection; its message names the rule(s).
        """
        start = time.perf_counter()
        self.check_before_solving()
        deadline = start + time_limit
        stats: dict[str, Any] = {
            "sites": self.n_sites,
            "demand_points": int(self.coverage.shape[0]),
        }
        reduced = self._reduce(stats)
        plain = not self.rules.has_structure_rules
        if not plain:
            reduced.rule_start = self._rule_start(deadline, stats)
            size = len(reduced.site_map) * int(reduced.cov.shape[0])
            if (
                use_lp_fixing
                and reduced.rule_start is not None
                and len(reduced.site_map) > self.p
                and size >= self.RULE_SEARCH_MIN_PAIRS
            ):
                self._rule_heuristics(reduced, time_limit=time_limit, stats=stats)
        if plain and use_lp_fixing and len(reduced.site_map) > self.p:
            budget = (
                heuristic_seconds if heuristic_seconds is not None else min(600.0, 0.8 * time_limit)
            )
            self._heuristics(
                reduced,
                budget=budget,
                shorten_final_mip=heuristic_seconds is None,
                time_limit=time_limit,
                start=start,
                seed=seed,
                stats=stats,
            )
        final = self._final_mip(reduced, time_limit=time_limit, deadline=deadline, stats=stats)
        if final.chosen is None and reduced.incumbent is None and reduced.rule_start is None:
            if final.state == "infeasible":
                raise self.infeasible(deadline=deadline)
            elapsed = time.perf_counter() - start
            self.result = SelectionResult.nothing(self.model_name, elapsed, stats)
            return self.result
        self.result = self._result(reduced, final, start=start, stats=stats)
        return self.result

    def _reduce(self, stats: dict[str, Any]) -> _Reduced:
        """Preprocessing: drop must-not sites, demand no one reaches or of zero weight, merge
        identical demand rows, drop dominated sites."""
        must = self.must_mask()
        allowed = ~self.must_not_mask()
        site_map = np.nonzero(allowed)[0]  # reduced site -> original index
        cov = self.coverage[:, site_map].tocsr()
        keep_rows = (self.weights > 0) & (np.diff(cov.indptr) > 0)
        cov, w = merge_identical_rows(cov[keep_rows], self.weights[keep_rows])
        stats["demand_after_merge"] = int(cov.shape[0])
        keep_sites = undominated_sites(cov, self._rule_classes(site_map), must[site_map], self.p)
        cov = cov[:, keep_sites].tocsr()
        site_map = site_map[keep_sites]
        stats["sites_after_dominance"] = len(site_map)
        return _Reduced(cov=cov, w=w, site_map=site_map, must=must[site_map])

    def _rule_classes(self, site_map: np.ndarray) -> np.ndarray | None:
        """Per kept site, the class the rules tell it apart by (district, urban/rural), as a
        text; ``None`` when the rules tell every site apart (spacing)."""
        if self.rules.min_spacing_m:
            return None
        classes = np.zeros(len(site_map), dtype=object)
        classes[:] = ""
        if self.rules.district_quotas and self.site_districts is not None:
            classes = classes + self.site_districts[site_map]
        if (self.rules.min_urban or self.rules.min_rural) and self.site_area_classes is not None:
            classes = classes + "|" + self.site_area_classes[site_map]
        return classes

    def _rule_start(self, deadline: float, stats: dict[str, Any]) -> np.ndarray | None:
        """A selection keeping the rules (CP-SAT, preferring sites that reach many): SCIP starts
        from it, and a proof that none exists ends the solve with the rule named."""
        reach = np.asarray(self.coverage.T @ self.weights).ravel()
        keeps, rule_start = self.rule_selection(
            preference=-reach,
            time_limit=max(0.05, min(10.0, 0.2 * (deadline - time.perf_counter()))),
        )
        stats["rule_start"] = {True: "found", False: "infeasible", None: "undecided"}[keeps]
        if keeps is False:
            raise self.infeasible(deadline=deadline)
        return rule_start

    def _rule_heuristics(
        self, reduced: _Reduced, *, time_limit: float, stats: dict[str, Any]
    ) -> None:
        """With rules: the LP bound without them (still an upper bound: rules only take
        selections away) and a swap search that keeps every rule, from the CP-SAT start; on
        large regions SCIP alone does not get through its root node within a minute."""
        assert reduced.rule_start is not None
        budget = min(600.0, 0.8 * time_limit)
        t0 = time.perf_counter()
        improved, moves = self._rule_swap_search(
            reduced.rule_start, seconds=max(0.0, 0.25 * budget), target=float(reduced.w.sum())
        )
        value = self._covered_weight_of(improved)
        stats["rule_search_seconds"] = time.perf_counter() - t0
        # the LP gets half the time: SCIP would spend it on the same root relaxation
        lp_bound, _, _ = mclp_lp_bound(
            reduced.cov, reduced.w, self.p, reduced.must, time_limit=max(1.0, 0.5 * time_limit)
        )
        if math.isfinite(lp_bound):
            stats["lp_bound"] = lp_bound
        else:  # the Lagrangian bound where the LP timed out
            lp_bound = mclp_lagrangian_bound(
                reduced.cov,
                reduced.w,
                self.p,
                reduced.must,
                lower=value,
                seconds=min(5.0, 0.05 * budget),
            )
            stats["lagrangian_bound"] = lp_bound
        reduced.lp_bound = lp_bound
        stats["rule_search_moves"] = moves
        stats["rule_start_value"] = self._covered_weight_of(reduced.rule_start)
        stats["rule_search_value"] = value
        reduced.rule_start = improved

    def _rule_swap_search(
        self, start_mask: np.ndarray, *, seconds: float, target: float, candidates: int = 200
    ) -> tuple[np.ndarray, int]:
        """Best-improvement swaps (one site out, one in) that keep every rule
        (:meth:`rule_checker`), over the ``candidates`` sites that would newly cover most;
        the exact value change of every swap comes from one sparse product per step."""
        keeps = self.rule_checker()
        cov = sparse.csr_matrix(self.coverage, dtype=np.float64)  # (demand, sites)
        cov_t = cov.T.tocsr()  # (sites, demand)
        w = np.asarray(self.weights, dtype=float)
        mask = np.asarray(start_mask, dtype=bool).copy()
        end = time.perf_counter() + seconds
        moves = 0
        while time.perf_counter() < end:
            count = cov @ mask.astype(float)
            single = w * (count == 1)
            gain = cov_t @ (w * (count == 0))  # people a site would newly cover
            if float(w[count > 0].sum()) >= target - 1e-9:
                break  # at the bound: nothing to gain
            chosen = np.flatnonzero(mask)
            loss = cov_t[chosen] @ single  # people only that chosen site covers
            pool = np.flatnonzero(~mask & (gain > 0))
            pool = pool[np.argsort(-gain[pool], kind="stable")][:candidates]
            if not len(pool):
                break
            # people only s covers that j covers too: kept when s makes way for j
            overlap = (cov_t[pool] @ sparse.diags(single) @ cov[:, chosen]).toarray()
            delta = gain[pool][:, None] - loss[None, :] + overlap
            order = np.argsort(-delta, axis=None, kind="stable")
            move = None
            for flat in order[:5_000]:
                a, b = divmod(int(flat), len(chosen))
                if delta[a, b] <= 1e-9:
                    break
                trial = mask.copy()
                trial[chosen[b]], trial[pool[a]] = False, True
                if keeps(trial):
                    move = trial
                    break
            if move is None:
                break
            mask, moves = move, moves + 1
        return mask, moves

    def _heuristics(
        self,
        reduced: _Reduced,
        *,
        budget: float,
        shorten_final_mip: bool,
        time_limit: float,
        start: float,
        seed: int,
        stats: dict[str, Any],
    ) -> None:
        """Steps 1–4 of the pipeline: bound, exact attempt, search, reduced-cost fixing."""
        h_start = time.perf_counter()
        deadline = start + time_limit
        cov, w, must = reduced.cov, reduced.w, reduced.must
        # 1. the LP bound (or, where the LP times out, the Lagrangian one)
        lp_bound, lp_values, reduced_costs = mclp_lp_bound(
            cov, w, self.p, must, time_limit=max(1.0, 0.25 * budget)
        )
        if math.isfinite(lp_bound):
            stats["lp_bound"] = lp_bound
        search = SwapSearch(cov, w, self.p, must=must)
        if not math.isfinite(lp_bound):
            # the Lagrangian bound lets the search stop early where the LP timed out
            greedy_value = search.value(search.greedy())
            lp_bound = mclp_lagrangian_bound(
                cov, w, self.p, must, lower=greedy_value, seconds=min(5.0, 0.05 * budget)
            )
            stats["lagrangian_bound"] = lp_bound
        reduced.lp_bound = lp_bound
        target = min(lp_bound, float(w.sum()))
        # 2. an integral LP optimum, or an exact attempt
        scip_stalled = self._exact_attempt(reduced, lp_values, search, budget=budget, stats=stats)
        # 3. tabu search and merging
        if reduced.incumbent is None:
            left = budget - (time.perf_counter() - h_start)
            if scip_stalled and shorten_final_mip:
                left = deadline - time.perf_counter() - max(1.0, 0.05 * time_limit)
                stats["final_mip_shortened"] = True
            search_start = time.perf_counter() - start
            incumbent, value, search_stats = merge_search(
                search,
                cov,
                w,
                must,
                lp_values=lp_values,
                seconds=max(0.0, left),
                seed=seed,
                target=target,
            )
            reduced.incumbent, reduced.incumbent_value = incumbent, value
            stats.update(search_stats)
            stats["best_found_seconds"] = search_start + search_stats["best_found_seconds"]
        stats["heuristic_value"] = reduced.incumbent_value
        stats["heuristic_seconds"] = time.perf_counter() - h_start
        # 4. reduced-cost fixing
        if reduced_costs is not None and lp_values is not None:
            self._fix_by_reduced_costs(reduced, lp_values, reduced_costs)
        stats["fixed_zero"] = int(reduced.fixed_zero.sum())
        stats["fixed_one"] = int(reduced.fixed_one.sum() - must.sum())

    def _exact_attempt(
        self,
        reduced: _Reduced,
        lp_values: np.ndarray | None,
        search: SwapSearch,
        *,
        budget: float,
        stats: dict[str, Any],
    ) -> bool:
        """Take an integral LP optimum, or give SCIP the whole reduced model for a tenth of the
        budget; sets the incumbent when either is optimal. Returns whether SCIP stalled (its
        bound no better than the LP's)."""
        if lp_values is not None and bool(np.all(np.minimum(lp_values, 1 - lp_values) < 1e-9)):
            # the LP optimum is a selection: nothing to search
            reduced.incumbent = lp_values > 0.5
            reduced.incumbent_value = search.value(reduced.incumbent)
            stats["exact_attempt"] = "integral LP"
            return False
        # small instances are solved in a fraction of the budget
        state, chosen, _objective, exact_bound = solve_covering_mip(
            fixed_one=reduced.must,
            coverage=reduced.cov,
            row_weights=reduced.w,
            add_rules=self._rules_on(reduced.site_map),
            time_limit=max(0.5, 0.1 * budget),
            hint=search.greedy(),
            integral=reduced.integral,
        )
        stats["exact_attempt"] = state
        if state == "optimal" and chosen is not None:
            reduced.incumbent, reduced.incumbent_value = chosen, search.value(chosen)
        # SCIP's bound no better than the LP's: it did not get through its root node,
        # and the final MIP would not either (San Francisco: 805,235, the total demand)
        return not exact_bound < reduced.lp_bound

    def _fix_by_reduced_costs(
        self, reduced: _Reduced, lp_values: np.ndarray, reduced_costs: np.ndarray
    ) -> None:
        """Fix the sites whose LP reduced cost proves they cannot improve on the incumbent."""
        lp_bound, value = reduced.lp_bound, reduced.incumbent_value
        tol = 1e-6 * max(1.0, abs(lp_bound)) + 1e-7
        at_zero = (lp_values < 1e-9) & (reduced_costs < 0)
        reduced.fixed_zero = at_zero & (lp_bound + reduced_costs < value - tol) & ~reduced.must
        at_one = (lp_values > 1 - 1e-9) & (reduced_costs > 0)
        reduced.fixed_one |= at_one & (lp_bound - reduced_costs < value - tol)

    def _rules_on(self, sites: np.ndarray) -> AddRules:
        """The rules as an ``add_rules`` callback for a MIP over the given sites only."""

        def add_rules(solver: Any, is_chosen: Sequence[Any]) -> None:
            self.add_rules(solver, is_chosen, sites=sites)

        return add_rules

    def _final_mip(
        self, reduced: _Reduced, *, time_limit: float, deadline: float, stats: dict[str, Any]
    ) -> _FinalMip:
        """Step 5: SCIP on the sites not fixed to 0, the demand the fixed sites leave uncovered;
        objective and bound are those of the full problem."""
        free = ~reduced.fixed_zero
        sub_map = np.nonzero(free)[0]
        sub_cov = reduced.cov[:, sub_map].tocsr()
        sub_fixed_one = reduced.fixed_one[free]
        # demand the fixed sites cover counts as a constant
        covered_by_fixed = (
            np.asarray(sub_cov[:, np.nonzero(sub_fixed_one)[0]].sum(axis=1)).ravel() > 0
        )
        constant = float(reduced.w[covered_by_fixed].sum())
        live = (~covered_by_fixed) & (np.diff(sub_cov.indptr) > 0)
        rows_matrix = sub_cov[live]
        stats["mip_sites"] = int(free.sum())
        stats["mip_demand"] = int(rows_matrix.shape[0])
        full_index = reduced.site_map[sub_map]  # MIP var -> original site index
        hint = reduced.incumbent[sub_map] if reduced.incumbent is not None else None
        if hint is None and reduced.rule_start is not None:
            hint = reduced.rule_start[full_index]
        # the limit bounds the whole call: SCIP gets what is left (a sliver if nothing is)
        remaining = max(0.05, deadline - time.perf_counter())
        state, chosen, objective, bound = solve_covering_mip(
            fixed_one=sub_fixed_one,
            coverage=rows_matrix,
            row_weights=reduced.w[live],
            add_rules=self._rules_on(full_index),
            time_limit=remaining,
            hint=hint,
            integral=reduced.integral,
            # what is left after SCIP (reasons, figures) must fit in the limit too
            deadline=deadline - min(1.0, 0.03 * time_limit),
        )
        stats["mip_status"] = state
        chosen_full = None
        if chosen is not None:
            chosen_full = np.zeros(self.n_sites, dtype=bool)
            chosen_full[full_index[chosen]] = True
        bound = bound + constant if not math.isnan(bound) else math.inf
        return _FinalMip(state, chosen_full, objective + constant, bound)

    def _result(
        self, reduced: _Reduced, final: _FinalMip, *, start: float, stats: dict[str, Any]
    ) -> SelectionResult:
        """The best of SCIP's selection, the incumbent and the rule-keeping start, with the
        tightest proven bound and what ended the solve."""
        candidates: list[np.ndarray] = []
        if final.chosen is not None:
            candidates.append(final.chosen)
        if reduced.incumbent is not None:
            chosen_incumbent = np.zeros(self.n_sites, dtype=bool)
            chosen_incumbent[reduced.site_map[reduced.incumbent]] = True
            candidates.append(chosen_incumbent)
        if reduced.rule_start is not None and (not candidates or reduced.incumbent is None):
            # SCIP found nothing in time, or the rule-keeping search beat it
            candidates.append(reduced.rule_start)
        values = [self._covered_weight_of(c) for c in candidates]
        best = int(np.argmax(values))
        chosen, objective = candidates[best], values[best]
        bound = final.bound
        if reduced.incumbent is not None:
            bound = max(bound, reduced.incumbent_value)
        bound = min(bound, reduced.lp_bound, float(self.weights.sum()))  # nobody counts twice
        if final.state == "optimal":
            bound = min(bound, max(objective, final.objective))
        bound = max(bound, objective)
        gap = (bound - objective) / max(abs(objective), EPS)
        proven = gap <= 1e-9 or (reduced.integral and bound - objective < 1 - 1e-6)
        # what ended it: SCIP stops short of optimal only on its time limit; an optimal SCIP
        # run that leaves a gap stopped at its gap tolerance
        stop = "optimal" if proven else ("gap" if final.state == "optimal" else "time_limit")
        if proven:
            bound, gap = objective, 0.0
        return SelectionResult(
            model=self.model_name,
            status="optimal" if proven else "feasible",
            chosen=[self.site_ids[j] for j in np.nonzero(chosen)[0]],
            objective=objective,
            bound=float(bound),
            gap=float(gap),
            solve_seconds=time.perf_counter() - start,
            reasons=covering_reasons(self, self.coverage, chosen),
            stats=stats,
            stop=stop,
        )
