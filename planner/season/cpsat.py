"""Running CP-SAT: one place that starts the solver and says what ended it."""

from __future__ import annotations

from ortools.sat.python import cp_model

__all__ = ["run_solver"]


def run_solver(
    model: cp_model.CpModel, *, seconds: float, workers: int, linearization_level: int = 1
) -> tuple[str, cp_model.CpSolver]:
    """Solve ``model`` within ``seconds`` and say what ended the solver.

    Returns
    -------
    tuple
        (``"optimal"`` proven, ``"time_limit"`` a solution when the time ran out,
        ``"stopped"`` a solution when the search stopped for another reason,
        ``"infeasible"`` proven, ``"unknown"`` neither a solution nor a proof), the solver.
    """
    solver = cp_model.CpSolver()
    # No floor on the budget: the caller's deadline is the limit, whatever is left of it.
    solver.parameters.max_time_in_seconds = max(0.0, float(seconds))
    solver.parameters.num_workers = workers
    solver.parameters.linearization_level = linearization_level
    st = solver.solve(model)
    if st == cp_model.OPTIMAL:
        return "optimal", solver
    if st == cp_model.FEASIBLE:
        # CP-SAT stops with FEASIBLE at a limit; only the time limit is set here, but the
        # wall time tells it apart from an interrupted search.
        hit = solver.wall_time >= 0.9 * seconds
        return ("time_limit" if hit else "stopped"), solver
    if st == cp_model.INFEASIBLE:
        return "infeasible", solver
    if st == cp_model.MODEL_INVALID:
        raise ValueError(f"season model is invalid: {model.validate()}")
    return "unknown", solver
