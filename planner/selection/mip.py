"""The covering MIP, solved with SCIP.

Used by the MCLP's exact attempt and final solve (:mod:`planner.selection.mclp`) and by the
solution merging of its search (:mod:`planner.selection.merge`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy import sparse

__all__ = ["AddRules", "is_integral", "solve_covering_mip"]

#: Adds the rules to a solver, given its one 0/1 variable per site.
AddRules = Callable[[Any, Sequence[Any]], None]


def is_integral(weights: np.ndarray) -> bool:
    """Whether every weight is a whole number (then objectives less than 1 apart are equal)."""
    return bool(np.all(np.abs(weights - np.round(weights)) < 1e-9))


def solve_covering_mip(
    *,
    fixed_one: np.ndarray,
    coverage: sparse.csr_matrix,
    row_weights: np.ndarray,
    add_rules: AddRules,
    time_limit: float,
    hint: np.ndarray | None,
    integral: bool,
    deadline: float | None = None,
) -> tuple[str, np.ndarray | None, float, float]:
    """Solve the (reduced) covering MIP with SCIP.

    Parameters
    ----------
    fixed_one
        Sites fixed to be chosen.
    coverage
        The ``(demand rows, sites)`` 0/1 matrix of the rows still to cover.
    row_weights
        Weight of each row.
    add_rules
        Adds the rules, given the solver and its site variables.
    time_limit
        Seconds for SCIP.
    hint
        A chosen-site mask to warm-start from.
    integral
        Whether all weights are whole numbers: SCIP may then stop 0.999 below its bound.
    deadline
        A ``time.perf_counter()`` value: SCIP gets at most what is left of it once the model is
        built (building thousands of spacing constraints takes time too).

    Returns
    -------
    tuple
        SCIP's status (``"optimal"``, ``"feasible"``, ``"infeasible"``, ``"no_solution"``), the
        chosen-site mask (``None`` without a solution), the objective and the bound.
    """
    from ortools.linear_solver import pywraplp  # loaded on first use

    solver = pywraplp.Solver.CreateSolver("SCIP")
    if solver is None:  # pragma: no cover - SCIP ships with the OR-Tools wheels
        raise RuntimeError("OR-Tools was built without SCIP")
    coverage = coverage.tocsr()
    is_chosen = [solver.BoolVar(f"is_chosen_{j}") for j in range(coverage.shape[1])]
    objective = solver.Objective()
    # a row counts as covered only when one of its covering sites is chosen:
    # is_covered[i] ≤ Σ is_chosen[j] over the sites j that reach i
    for i in range(coverage.shape[0]):
        sites = coverage.indices[coverage.indptr[i] : coverage.indptr[i + 1]]
        is_covered = solver.NumVar(0.0, 1.0, f"is_covered_{i}")
        reach = solver.Constraint(-solver.infinity(), 0.0)
        reach.SetCoefficient(is_covered, 1.0)
        for j in sites:
            reach.SetCoefficient(is_chosen[int(j)], -1.0)
        objective.SetCoefficient(is_covered, float(row_weights[i]))
    # maximise the covered weight
    objective.SetMaximization()
    # sites fixed by the rules or by reduced-cost fixing
    for j in np.nonzero(fixed_one)[0]:
        is_chosen[int(j)].SetLb(1.0)
    # the season's rules
    add_rules(solver, is_chosen)
    if hint is not None:
        solver.SetHint(is_chosen, [float(v) for v in hint])
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, 0.0)
    if integral:
        solver.SetSolverSpecificParametersAsString("limits/absgap = 0.999\n")
    if deadline is not None:
        time_limit = min(time_limit, max(0.05, deadline - time.perf_counter()))
    solver.SetTimeLimit(max(1, int(time_limit * 1000)))
    status = solver.Solve(params)
    names = {
        pywraplp.Solver.OPTIMAL: "optimal",
        pywraplp.Solver.FEASIBLE: "feasible",
        pywraplp.Solver.INFEASIBLE: "infeasible",
    }
    state = names.get(status, "no_solution")
    if state not in ("optimal", "feasible"):
        return state, None, math.nan, math.nan
    values = np.array([v.solution_value() > 0.5 for v in is_chosen])
    return state, values, objective.Value(), objective.BestBound()
