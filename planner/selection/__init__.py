"""Location models for choosing a season's stops: maximal covering (MCLP) and p-median.

The classes follow PySAL spopt's shape — built ``from_cost_matrix`` or ``from_geodataframe`` and
solved with ``.solve(time_limit=...)`` — but add the season's rules (district quotas, an
urban/rural mix, must and must-not sites, a minimum spacing) and explain every decision. Matrices
are oriented as in spopt: ``cost_matrix[i, j]`` is the cost from **demand point i** to
**candidate site j**.

Modules, in the order they build on each other:

* :mod:`~planner.selection.rules` — :class:`SelectionRules`, the checks of every setting, and
  the errors that name a field or a rule;
* :mod:`~planner.selection.result` — :class:`SelectionResult`;
* :mod:`~planner.selection.base` — candidates and rules shared by both models: pre-checks,
  diagnosis (CP-SAT), the rules as constraints;
* :mod:`~planner.selection.mip`, :mod:`~planner.selection.bounds`,
  :mod:`~planner.selection.search`, :mod:`~planner.selection.merge`,
  :mod:`~planner.selection.interchange` — the covering MIP (SCIP), LP and Lagrangian bounds, the
  numba tabu search, solution merging, the p-median interchange;
* :mod:`~planner.selection.reasons` — why a candidate was not chosen;
* :mod:`~planner.selection.mclp`, :mod:`~planner.selection.pmedian` — the two models (their
  docstrings explain the solver pipelines);
* :mod:`~planner.selection.region` — the models on the region pack
  (:class:`~planner.selection.region.SelectionRequest`, ``select_sites``); not imported here;
* :mod:`~planner.selection.seasons` — several seasons ahead so that every Amt is visited
  (``plan_seasons_ahead``); not imported here.
"""

from __future__ import annotations

from planner.selection.mclp import MaximalCovering
from planner.selection.pmedian import PMedian
from planner.selection.result import STOP_REASONS, SelectionResult
from planner.selection.rules import (
    InfeasibleRulesError,
    RuleProblem,
    SelectionRequestError,
    SelectionRules,
    checked_number,
    checked_whole,
    rule_label,
)

__all__ = [
    "STOP_REASONS",
    "InfeasibleRulesError",
    "MaximalCovering",
    "PMedian",
    "RuleProblem",
    "SelectionRequestError",
    "SelectionResult",
    "SelectionRules",
    "checked_number",
    "checked_whole",
    "rule_label",
]
