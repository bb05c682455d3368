"""What a solve gives back: the chosen sites, objective and proven bound, what ended the solve,
and for every site left out the reason, as :class:`SelectionResult`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from planner.i18n import DEFAULT_LANGUAGE, Message

__all__ = ["STOP_REASONS", "SelectionResult"]

#: What ended a solve (:attr:`SelectionResult.stop`): proven optimal, the requested gap reached,
#: a local optimum no swap improves (the interchange heuristic converged), the time limit, or
#: no selection found within the time limit.
STOP_REASONS = ("optimal", "gap", "no_improvement", "time_limit", "no_solution")


@dataclass
class SelectionResult:
    """Outcome of a solve.

    Attributes
    ----------
    model
        ``"MCLP"`` or ``"p-median"``.
    status
        ``"optimal"`` (proven), ``"feasible"`` (a selection, optimality not proven; see ``gap``
        and ``stop``) or ``"no_solution"``.
    chosen
        Chosen site ids, in candidate order.
    objective
        MCLP: covered (weighted) demand; p-median: sum of weight × cost to the nearest chosen site.
        Recomputed by this module from the chosen sites, not taken from the solver.
    bound
        Proven bound on the optimum (upper for MCLP, lower for p-median).
    gap
        ``|bound - objective| / |objective|`` (0 when proven optimal).
    solve_seconds
        Wall time of :meth:`solve`, including preprocessing.
    reasons
        For every candidate not chosen: why, in words a planner understands (a structured
        message; :meth:`reason` gives its text).
    stats
        Figures of the preprocessing and the solver (sizes before/after, sites fixed, ...).
    stop
        What ended the solve (:data:`STOP_REASONS`): ``"optimal"``, ``"gap"`` (the requested
        gap was reached), ``"no_improvement"`` (a local optimum: no swap improves it; the gap to
        the proven bound is stated), ``"time_limit"`` or ``"no_solution"``.
    """

    model: str
    status: str
    chosen: list[str]
    objective: float
    bound: float
    gap: float
    solve_seconds: float
    reasons: dict[str, Message]
    stats: dict[str, Any] = field(default_factory=dict)
    stop: str = ""

    def __post_init__(self) -> None:
        if not self.stop:  # results built without one: what their status implies
            self.stop = {"optimal": "optimal", "no_solution": "no_solution"}.get(
                self.status, "time_limit"
            )

    @classmethod
    def nothing(cls, model: str, seconds: float, stats: dict[str, Any]) -> SelectionResult:
        """A solve that ended without any selection (``"no_solution"``)."""
        nan = math.nan
        return cls(model, "no_solution", [], nan, nan, nan, seconds, {}, stats, stop="no_solution")

    def status_message(self) -> Message:
        """What ended the solve, as a message (with the gap where one is left)."""
        return Message(f"selection.stop.{self.stop}", {"gap": 100 * self.gap})

    @property
    def is_optimal(self) -> bool:
        """Whether optimality is proven."""
        return self.status == "optimal"

    def reason(self, site_id: str, lang: str = DEFAULT_LANGUAGE) -> str:
        """Why ``site_id`` was not chosen, in ``lang`` (empty for a chosen site)."""
        message = self.reasons.get(site_id)
        return "" if message is None else message.text(lang)

    def table(self, site_ids: Sequence[str], lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """One row per candidate: chosen flag and the reason it was not chosen, in ``lang``."""
        chosen = set(self.chosen)
        return pd.DataFrame(
            {
                "site_id": list(site_ids),
                "chosen": [s in chosen for s in site_ids],
                "reason": [self.reason(s, lang) for s in site_ids],
            }
        )
