"""p-median with the season's rules: the shortest population-weighted trip to the nearest stop.

A fast interchange heuristic (:func:`~planner.selection.interchange.interchange`; with rules: from
CP-SAT's first rule-keeping selection, making only swaps that keep them) and a Lagrangian lower
bound (:func:`~planner.selection.bounds.pmedian_lagrangian_bound`) come first. SCIP gets the model
only where its one assignment variable per (demand point, site) pair fits
(:attr:`PMedian.max_assignment_pairs`); the region instance has 1.2 million, where SCIP found
neither a bound nor a set in 120 s.
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np

from planner.selection.base import EPS, LocationModel
from planner.selection.bounds import pmedian_lagrangian_bound
from planner.selection.inputs import geodataframe_inputs
from planner.selection.interchange import interchange
from planner.selection.reasons import median_reasons
from planner.selection.result import SelectionResult
from planner.selection.rules import SelectionRules

__all__ = ["PMedian"]


class PMedian(LocationModel):
    """p-median: minimise the weighted cost (travel time) from demand to its nearest chosen site.

    Formulation: assignment variables ``assign[i, j] ≤ is_chosen[j]``, each demand point assigned
    once; a demand point is only ever assigned among its ``n_sites - p + 1`` nearest allowed sites
    (one of them is always open), which keeps the model exact and smaller. Without quota, mix or
    spacing rules the interchange heuristic's set and a Lagrangian lower bound come first; a
    proven bound ends the solve, and models above :attr:`max_assignment_pairs` keep the
    heuristic's set with the Lagrangian gap (the MIP would only be built, not solved, in the
    time). Build with :meth:`from_cost_matrix` or :meth:`from_geodataframe`, then call
    :meth:`solve`.
    """

    model_name = "p-median"
    #: Largest MIP (demand points × sites each may be assigned to) worth handing to SCIP.
    max_assignment_pairs: int = 300_000

    def __init__(
        self,
        cost_matrix: np.ndarray,
        weights: np.ndarray,
        p_facilities: int,
        *,
        site_ids: Sequence[str] | None = None,
        site_names: Sequence[str] | None = None,
        site_districts: Sequence[str] | None = None,
        site_area_classes: Sequence[str] | None = None,
        site_distance_m: np.ndarray | None = None,
        rules: SelectionRules | None = None,
        name: str = "p-median",
    ) -> None:
        cost = np.asarray(cost_matrix, dtype=float)
        if cost.ndim != 2:
            raise ValueError("cost_matrix must be 2-D (n_demand, n_sites)")
        if not np.all(np.isfinite(cost)):
            raise ValueError("p-median needs a finite cost for every demand point and site")
        super().__init__(
            weights=weights,
            p_facilities=p_facilities,
            site_ids=site_ids if site_ids is not None else [str(j) for j in range(cost.shape[1])],
            site_names=site_names,
            site_districts=site_districts,
            site_area_classes=site_area_classes,
            site_distance_m=site_distance_m,
            rules=rules,
            name=name,
        )
        if len(self.weights) != cost.shape[0]:
            raise ValueError(f"{len(self.weights)} weights for {cost.shape[0]} demand points")
        self.cost = cost
        self.result: SelectionResult | None = None

    @classmethod
    def from_cost_matrix(
        cls,
        cost_matrix: np.ndarray,
        weights: np.ndarray,
        *,
        p_facilities: int,
        site_ids: Sequence[str] | None = None,
        site_names: Sequence[str] | None = None,
        site_districts: Sequence[str] | None = None,
        site_area_classes: Sequence[str] | None = None,
        site_distance_m: np.ndarray | None = None,
        rules: SelectionRules | None = None,
        name: str = "p-median",
    ) -> PMedian:
        """Build from a ``(n_demand, n_sites)`` cost matrix (see
        :meth:`~planner.selection.mclp.MaximalCovering.from_cost_matrix`)."""
        return cls(
            cost_matrix,
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
        name: str = "p-median",
    ) -> PMedian:
        """Build from GeoDataFrames (see
        :meth:`~planner.selection.mclp.MaximalCovering.from_geodataframe`)."""
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
            cost_matrix, weights, p_facilities=p_facilities, rules=rules, name=name, **attrs
        )

    def total_cost(self, chosen: Collection[str]) -> float:
        """Sum of weight × cost to the nearest of ``chosen``."""
        idx = self.indices(list(chosen), "chosen")
        return float((self.weights * self.cost[:, idx].min(axis=1)).sum())

    def _cost_of(self, chosen: np.ndarray) -> float:
        """Sum of weight × cost to the nearest site of a chosen-site mask."""
        return float((self.weights * self.cost[:, chosen].min(axis=1)).sum())

    # -- solve -------------------------------------------------------------------------------

    def solve(self, *, time_limit: float = 60.0, seed: int = 0) -> SelectionResult:
        """Choose the sites (see :meth:`~planner.selection.mclp.MaximalCovering.solve` for the
        result and errors; ``seed`` is accepted so that both models are called alike: the p-median
        draws no random numbers)."""
        start = time.perf_counter()
        self.check_before_solving()
        deadline = start + time_limit
        stats: dict[str, Any] = {"sites": self.n_sites, "demand_points": int(self.cost.shape[0])}
        cost, w = self._merged_demand(stats)
        allowed = ~self.must_not_mask()
        n_allowed = int(allowed.sum())
        # one of the n - p + 1 nearest allowed sites is always open; a must-site may be nearer
        # than that cut, so with must-sites every site stays (exact either way)
        n_nearest = n_allowed if self.rules.must else n_allowed - self.p + 1

        hint: np.ndarray | None = None
        lagrangian = -math.inf
        start_set = None
        if self.rules.has_structure_rules:  # a set keeping the rules, near the demand's centre
            keeps, start_set = self.rule_selection(
                preference=(w[:, None] * cost).sum(axis=0), time_limit=min(10.0, 0.1 * time_limit)
            )
            if keeps is False:  # CP-SAT proved that no selection keeps the rules
                raise self.infeasible(deadline=deadline)
        if not self.rules.has_structure_rules or start_set is not None:
            hint, hint_value, lagrangian = self._heuristic(
                cost, w, start_set, time_limit=time_limit, stats=stats
            )
            proven = lagrangian >= hint_value - 1e-9 * max(1.0, abs(hint_value))
            # one MIP variable per (demand, site) pair: beyond that size SCIP neither proves
            # a better bound nor finds a better set in minutes (region: 1.2 million pairs)
            too_big = len(w) * n_nearest > self.max_assignment_pairs
            if proven or too_big:
                stats["mip"] = "skipped: bound proven" if proven else "skipped: too large"
                # not proven: the interchange converged (no swap improves the set), and the
                # gap to the Lagrangian bound is what is left open
                stop = "optimal" if proven else "no_improvement"
                return self._finish(start, hint, lagrangian, proven, stats, stop=stop)

        state, chosen, scip_bound = self._scip(
            cost, w, allowed, n_nearest, hint, deadline=deadline, stats=stats
        )
        if state == "infeasible":
            raise self.infeasible(deadline=deadline)
        candidates = [] if hint is None else [hint]
        if chosen is not None:
            candidates.append(chosen)
        if not candidates:
            elapsed = time.perf_counter() - start
            self.result = SelectionResult.nothing(self.model_name, elapsed, stats)
            return self.result
        # SCIP may stop (time limit) with a worse set than its warm start: keep the better one
        values = [self._cost_of(c) for c in candidates]
        best = int(np.argmin(values))
        stats["scip_value"] = values[-1] if chosen is not None else None
        stats["heuristic_value"] = values[0] if hint is not None else None
        bound = max(scip_bound if chosen is not None else 0.0, lagrangian)
        optimal = state == "optimal"
        # SCIP returns FEASIBLE (or nothing) only when its time limit stopped it
        stop = "gap" if optimal else "time_limit"
        return self._finish(start, candidates[best], bound, optimal, stats, stop=stop)

    def _merged_demand(self, stats: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """Cost rows and weights of the demand with weight, identical rows merged."""
        rows = self.weights > 0
        cost = self.cost[rows]
        w = self.weights[rows]
        _, inverse = np.unique(cost, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        n_groups = int(inverse.max()) + 1 if len(inverse) else 0
        reps = np.zeros(n_groups, dtype=int)  # each group is represented by its first row
        reps[inverse[::-1]] = np.arange(len(inverse))[::-1]
        stats["demand_after_merge"] = n_groups
        return cost[reps], np.bincount(inverse, weights=w, minlength=n_groups)

    def _heuristic(
        self,
        cost: np.ndarray,
        w: np.ndarray,
        start_set: np.ndarray | None,
        *,
        time_limit: float,
        stats: dict[str, Any],
    ) -> tuple[np.ndarray, float, float]:
        """The interchange heuristic's set (from ``start_set`` keeping the rules, if given),
        its cost and the Lagrangian lower bound."""
        allowed, must = ~self.must_not_mask(), self.must_mask()
        hint = interchange(
            cost,
            w,
            self.p,
            allowed,
            must,
            start=start_set,
            keeps_rules=self.rule_checker() if start_set is not None else None,
        )
        hint_value = float((w * cost[:, hint].min(axis=1)).sum())
        stats["heuristic_value"] = hint_value
        # the Lagrangian ignores mix and spacing rules: dropping rules can only lower the
        # optimum, so its bound stays valid with them
        lagrangian = pmedian_lagrangian_bound(
            cost,
            w,
            self.p,
            allowed,
            must,
            upper=hint_value,
            seconds=min(30.0, 0.3 * time_limit),
            quotas=self.quota_groups(),
        )
        stats["lagrangian_bound"] = lagrangian
        return hint, hint_value, lagrangian

    def _scip(
        self,
        cost: np.ndarray,
        w: np.ndarray,
        allowed: np.ndarray,
        n_nearest: int,
        hint: np.ndarray | None,
        *,
        deadline: float,
        stats: dict[str, Any],
    ) -> tuple[str, np.ndarray | None, float]:
        """The assignment MIP with SCIP, solved until the ``deadline`` (a ``time.perf_counter()``
        value): its status, the chosen-site mask (``None`` without a selection) and its bound."""
        from ortools.linear_solver import pywraplp  # loaded on first use

        solver = pywraplp.Solver.CreateSolver("SCIP")
        is_chosen = [solver.BoolVar(f"is_chosen_{j}") for j in range(self.n_sites)]
        objective = solver.Objective()
        allowed_idx = np.nonzero(allowed)[0]
        n_assign = 0
        for i in range(len(w)):
            nearest = allowed_idx[np.argsort(cost[i, allowed_idx], kind="stable")[:n_nearest]]
            # each demand point is assigned once, among its nearest allowed sites
            assigned_once = solver.Constraint(1.0, 1.0)
            for j in nearest:
                assign = solver.NumVar(0.0, 1.0, "")
                assigned_once.SetCoefficient(assign, 1.0)
                # only to a chosen site: assign[i, j] ≤ is_chosen[j]
                to_chosen = solver.Constraint(-solver.infinity(), 0.0)
                to_chosen.SetCoefficient(assign, 1.0)
                to_chosen.SetCoefficient(is_chosen[int(j)], -1.0)
                objective.SetCoefficient(assign, float(w[i] * cost[i, j]))
                n_assign += 1
        # the weighted cost of the trips to the assigned sites
        objective.SetMinimization()
        # the season's rules
        self.add_rules(solver, is_chosen)
        if hint is not None:
            solver.SetHint(is_chosen, [float(v) for v in hint])
        stats["assignment_vars"] = n_assign
        params = pywraplp.MPSolverParameters()
        params.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, 1e-9)
        # the limit bounds the whole call: SCIP gets what is left (a sliver if nothing is)
        remaining = max(0.05, deadline - time.perf_counter())
        solver.SetTimeLimit(max(1, int(remaining * 1000)))
        status = solver.Solve(params)
        if status == pywraplp.Solver.INFEASIBLE:
            return "infeasible", None, math.nan
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            return "no_solution", None, math.nan
        chosen = np.array([v.solution_value() > 0.5 for v in is_chosen])
        state = "optimal" if status == pywraplp.Solver.OPTIMAL else "feasible"
        return state, chosen, objective.BestBound()

    def _finish(
        self,
        start: float,
        chosen: np.ndarray,
        bound: float,
        optimal: bool,
        stats: dict[str, Any],
        *,
        stop: str,
    ) -> SelectionResult:
        """The result for ``chosen``: its cost (recomputed), the bound, the gap, the reasons."""
        objective_value = self._cost_of(chosen)
        bound = min(bound, objective_value)
        gap = (objective_value - bound) / max(abs(objective_value), EPS)
        optimal = optimal or gap <= 1e-9
        if optimal:
            bound, gap, stop = objective_value, 0.0, "optimal"
        self.result = SelectionResult(
            model=self.model_name,
            status="optimal" if optimal else "feasible",
            chosen=[self.site_ids[j] for j in np.nonzero(chosen)[0]],
            objective=objective_value,
            bound=float(bound),
            gap=float(gap),
            solve_seconds=time.perf_counter() - start,
            reasons=median_reasons(self, self.cost, chosen),
            stats=stats,
            stop=stop,
        )
        return self.result
