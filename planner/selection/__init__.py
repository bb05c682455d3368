"""Location models for choosing a season's stops: maximal covering (MCLP) and p-median.

The classes follow PySAL spopt's shape — built ``from_cost_matrix`` or ``from_geodataframe`` and
solved with ``.solve(time_limit=...)`` — but add the season's rules and explain every decision:

* quotas per district (exact number or a ``(min, max)`` range; the 2023 season had four stops in
  each of Kiel, Plön and Rendsburg-Eckernförde),
* a minimum number of urban and of rural stops,
* sites that must or must not be chosen,
* a minimum spacing (metres) between any two chosen sites.

Orientation of matrices (as in spopt): ``cost_matrix[i, j]`` is the cost from **demand point i** to
**candidate site j**, shape ``(n_demand, n_sites)``.

Solver choice
-------------
Both models are solved as mixed-integer programs with OR-Tools' ``pywraplp`` interface and **SCIP**.
MCLP and p-median are textbook MIPs whose LP relaxations are strong (MCLP on San Francisco, p = 50:
LP bound 621,322 against the optimum 617,592), so a solver that works from the LP relaxation proves
bounds where a constraint solver has to search. Measured on the San Francisco instance, p = 50,
120 s on this machine's two cores: SCIP reached 613,614 with a bound of 620,914, CP-SAT 559,618
with its bound still at the trivial 805,235. The MCLP pipeline (rules other than must/must-not
skip steps 1–4):

1. LP relaxation with HiGHS' interior-point method (``scipy.optimize.linprog``; 2.7 s on San
   Francisco where GLOP's simplex needed over a minute): the bound, site values and reduced
   costs. An integral LP solution is optimal and ends the search. If the LP times out, a
   Lagrangian bound (subgradient method on the coverage constraints) takes its place.
2. An exact attempt: SCIP on the whole model for 10 % of the heuristic budget, warm-started with
   the greedy solution. Small instances end here, proven optimal. Where SCIP's bound is still
   no better than the LP's at the end of it (it did not get through its root node: San
   Francisco), the final MIP of step 5 gets only 5 % of the time limit and the search the rest.
3. Otherwise tabu search and solution merging (``_mclp_search``) around the numba tabu
   search of ``planner.selection.search`` (~20,000 swap iterations per second on San Francisco):
   tabu runs from the greedy solution, the LP's best sites and randomised greedy starts, merged
   by SCIP, give the incumbent; each cycle then moves half or more of its sites nearby, lets
   short tabu runs (1 s) settle four such copies into new local optima, and SCIP picks the best
   ``p`` sites among the union of the incumbent and those four (a few hundred sites, half a second
   on San Francisco), which is the next incumbent. After five cycles without progress fresh
   randomised starts take the copies' place.
4. Reduced-cost fixing: sites whose LP reduced cost proves they cannot be part of a better
   solution than the incumbent are fixed to 0 (321 of 425 sites on the region instance).
5. SCIP on what is left, warm-started with the incumbent; the bound it proves is valid for the
   full problem. Steps 2–3 stop as soon as they reach the LP (or Lagrangian) bound.

With quotas, a mix or spacing rules the pipeline goes straight to step 5 (these instances are
small). CP-SAT is used only where it is the right tool: the pure rule-feasibility checks that name
the rule making a rule set infeasible, and a first selection that keeps the rules.

p-median: a fast interchange heuristic (with rules: from CP-SAT's first rule-keeping selection,
making only swaps that keep them) and a Lagrangian lower bound come first. SCIP gets the model only
where its one assignment variable per (demand point, site) pair fits
(``PMedian.max_assignment_pairs``); the region instance has 1.2 million, where SCIP found neither
a bound nor a set in 120 s.

Preprocessing (exact): demand points with zero weight or no site in reach are dropped, demand
points with identical sets of covering sites are merged (weights summed), and a site whose catchment
is contained in another site's catchment is dropped when the rules cannot tell the two apart (same
district and urban/rural class, neither must nor must-not, no spacing rule) while enough sites
remain in its group.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from planner import settings
from planner.errors import InputError, RulesError
from planner.i18n import DEFAULT_LANGUAGE, Message
from planner.selection.search import SwapSearch, SwapSearchResult

__all__ = [
    "InfeasibleRulesError",
    "MaximalCovering",
    "PMedian",
    "RuleProblem",
    "SelectionRequestError",
    "SelectionResult",
    "SelectionRules",
    "rule_label",
]

_EPS = 1e-9
#: What ended a solve (:attr:`SelectionResult.stop`): proven optimal, the requested gap reached,
#: a local optimum no swap improves (the interchange heuristic converged), the time limit, or
#: no selection found within the time limit.
STOP_REASONS = ("optimal", "gap", "no_improvement", "time_limit", "no_solution")


class SelectionRequestError(InputError):
    """A selection setting out of range: names the field, the value found and what is expected.

    ``str(error)`` is English (``selection.p = 0: expected a whole number ≥ 1``);
    :meth:`message` gives the text in another language.

    Attributes
    ----------
    field
        The field's name (``"p"``, ``"rules.min_spacing_m"``, ``"rules.district_quotas[Plön]"``).
    value
        The value found.
    expected
        What the field takes, as a structured message.
    """

    def __init__(self, field: str, value: object, expected: Message) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(self.message("en"))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The error in ``lang``."""
        shown = repr(self.value)
        if len(shown) > 80:  # a megabyte of text is not a message
            shown = shown[:77] + "..."
        return Message(
            "selection.request.invalid",
            {"field": f"selection.{self.field}", "value": shown, "expected": self.expected},
        ).text(lang)


def _expect(key: str, **params: Any) -> Message:
    return Message(f"selection.expect.{key}", params)


def checked_whole(field: str, value: object, *, minimum: int, maximum: int) -> int:
    """``value`` as an ``int`` in ``[minimum, maximum]``, else :class:`SelectionRequestError`.

    Booleans and floats are not whole numbers here (``True`` is not one site; ``2.5`` sites is
    a mistake, not a rounding).
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise SelectionRequestError(field, value, _expect("whole", lo=minimum, hi=maximum))
    number = int(value)
    if not minimum <= number <= maximum:
        raise SelectionRequestError(field, value, _expect("whole", lo=minimum, hi=maximum))
    return number


def checked_number(
    field: str, value: object, *, minimum: float, maximum: float, above: bool = False
) -> float:
    """``value`` as a finite ``float`` with ``minimum ≤ value ≤ maximum`` (``minimum < value``
    when ``above``), else :class:`SelectionRequestError`; NaN and infinity are never numbers."""
    key = "number_above" if above else "number"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise SelectionRequestError(field, value, _expect(key, lo=minimum, hi=maximum))
    try:
        number = float(value)
    except (OverflowError, ValueError):  # an int too large for a float
        raise SelectionRequestError(field, value, _expect(key, lo=minimum, hi=maximum)) from None
    low_ok = number > minimum if above else number >= minimum
    if not (math.isfinite(number) and low_ok and number <= maximum):
        raise SelectionRequestError(field, value, _expect(key, lo=minimum, hi=maximum))
    return number


def _site_id_list(field: str, value: object) -> tuple[str, ...]:
    # a bare string is one id, not its characters
    if isinstance(value, str | bytes) or not isinstance(value, Collection):
        raise SelectionRequestError(field, value, _expect("ids"))
    ids = tuple(value)
    if not all(isinstance(v, str) for v in ids):
        raise SelectionRequestError(field, value, _expect("ids"))
    return ids


# ---------------------------------------------------------------------------------------------
# Rules, problems, results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelectionRules:
    """The season's rules for choosing sites.

    Parameters
    ----------
    district_quotas
        District name → exact number of sites, or ``(minimum, maximum)``.
    min_urban, min_rural
        Minimum number of chosen sites with area class ``"urban"`` / ``"rural"``.
    must, must_not
        Site ids that must / must not be chosen.
    min_spacing_m
        Minimum straight-line distance in metres between any two chosen sites.
    """

    district_quotas: Mapping[str, int | tuple[int, int]] = field(default_factory=dict)
    min_urban: int = 0
    min_rural: int = 0
    must: Collection[str] = ()
    must_not: Collection[str] = ()
    min_spacing_m: float | None = None

    #: Largest count a quota or mix minimum may name (far above any candidate list).
    MAX_COUNT = 100_000
    #: Largest spacing (metres): the region is about 100 km across.
    MAX_SPACING_M = 1_000_000.0

    def __post_init__(self) -> None:
        """Check and normalise every field (whole numbers, finite spacing, ids as tuples).

        Raises
        ------
        SelectionRequestError
            For a value out of range; names the field and the value.
        """
        quotas = self.district_quotas
        if not isinstance(quotas, Mapping):
            raise SelectionRequestError("rules.district_quotas", quotas, _expect("quotas"))
        clean: dict[str, int | tuple[int, int]] = {}
        for district, quota in quotas.items():
            name = f"rules.district_quotas[{district}]"
            if not isinstance(district, str) or not district.strip():
                raise SelectionRequestError("rules.district_quotas", district, _expect("district"))
            if isinstance(quota, tuple | list) and len(quota) == 2:
                lo = checked_whole(name, quota[0], minimum=0, maximum=self.MAX_COUNT)
                hi = checked_whole(name, quota[1], minimum=0, maximum=self.MAX_COUNT)
                clean[district] = (lo, hi)  # min > max is a rule that cannot hold: named later
            else:
                if isinstance(quota, tuple | list):
                    raise SelectionRequestError(name, quota, _expect("quota"))
                clean[district] = checked_whole(name, quota, minimum=0, maximum=self.MAX_COUNT)
        object.__setattr__(self, "district_quotas", clean)
        for name in ("min_urban", "min_rural"):
            number = checked_whole(
                f"rules.{name}", getattr(self, name), minimum=0, maximum=self.MAX_COUNT
            )
            object.__setattr__(self, name, number)
        object.__setattr__(self, "must", _site_id_list("rules.must", self.must))
        object.__setattr__(self, "must_not", _site_id_list("rules.must_not", self.must_not))
        if self.min_spacing_m is not None:
            spacing = checked_number(
                "rules.min_spacing_m", self.min_spacing_m, minimum=0.0, maximum=self.MAX_SPACING_M
            )
            object.__setattr__(self, "min_spacing_m", spacing or None)  # 0 m: no spacing rule

    def quota_range(self, district: str) -> tuple[int, int]:
        """``(min, max)`` of the quota of ``district``."""
        quota = self.district_quotas[district]
        if isinstance(quota, tuple):
            return int(quota[0]), int(quota[1])
        return int(quota), int(quota)

    @property
    def has_structure_rules(self) -> bool:
        """True when quotas, a mix or a spacing rule constrain which sites combine."""
        return bool(self.district_quotas or self.min_urban or self.min_rural or self.min_spacing_m)


def _rule_name(rule: str) -> Message:
    """One rule identifier (``"district_quota[Plön]"``, ``"must_not"``) as a message."""
    family, _, rest = rule.partition("[")
    return Message(f"selection.rule.{family}", {"name": rest.rstrip("]")})


def rule_label(rule: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A rule identifier, or several joined by ``" + "``, as a name in ``lang``."""
    return " + ".join(_rule_name(one).text(lang) for one in rule.split(" + "))


@dataclass(frozen=True)
class RuleProblem:
    """One rule that cannot be met.

    Attributes
    ----------
    rule
        Rule identifier: ``"sites_total"``, ``"district_quota[Plön]"``, ``"district_quotas"``,
        ``"urban_rural_mix"``, ``"min_urban"``, ``"min_rural"``, ``"must"``, ``"must_not"``,
        ``"min_spacing"``, ``"rules"``, or two of them joined by ``" + "``.
    message
        The explanation, structured (translate with :meth:`text`).
    """

    rule: str
    message: Message

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The explanation in ``lang``."""
        return self.message.text(lang)

    def rule_text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The rule's name in ``lang`` (e.g. "Quote Plön")."""
        return rule_label(self.rule, lang)


class InfeasibleRulesError(RulesError):
    """The rule set admits no selection. ``problems`` names the rules involved.

    ``str(error)`` is English; :meth:`message` gives the text in another language.
    """

    def __init__(self, problems: Sequence[RuleProblem]) -> None:
        self.problems = list(problems)
        self.rules = [p.rule for p in self.problems]
        super().__init__(self.message("en"))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """All problems in ``lang``."""
        return "; ".join(p.text(lang) for p in self.problems)


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


# ---------------------------------------------------------------------------------------------
# Base class: sites, rules, checks and diagnosis
# ---------------------------------------------------------------------------------------------


class _LocationModel:
    """Candidates with their attributes and the rules (shared by both models)."""

    model_name = "location"

    def __init__(
        self,
        *,
        weights: np.ndarray,
        p_facilities: int,
        site_ids: Sequence[str],
        site_names: Sequence[str] | None,
        site_districts: Sequence[str] | None,
        site_area_classes: Sequence[str] | None,
        site_distance_m: np.ndarray | None,
        rules: SelectionRules | None,
        name: str,
    ) -> None:
        self.name = name
        self.weights = np.asarray(weights, dtype=float).ravel()
        if np.any(self.weights < 0) or not np.all(np.isfinite(self.weights)):
            raise ValueError("demand weights must be finite and non-negative")
        self.p = int(p_facilities)
        if self.p < 1:
            raise ValueError("p_facilities must be at least 1")
        self.site_ids = [str(s) for s in site_ids]
        n = len(self.site_ids)
        if len(set(self.site_ids)) != n:
            raise ValueError("site ids must be unique")
        self.site_names = [str(s) for s in site_names] if site_names is not None else self.site_ids
        self.site_districts = (
            np.asarray([str(d) for d in site_districts], dtype=object)
            if site_districts is not None
            else None
        )
        self.site_area_classes = (
            np.asarray([str(c) for c in site_area_classes], dtype=object)
            if site_area_classes is not None
            else None
        )
        for label, seq in (
            ("site_names", self.site_names),
            ("site_districts", self.site_districts),
            ("site_area_classes", self.site_area_classes),
        ):
            if seq is not None and len(seq) != n:
                raise ValueError(f"{label} has {len(seq)} entries, expected {n} (one per site)")
        self.site_distance_m = (
            np.asarray(site_distance_m, dtype=float) if site_distance_m is not None else None
        )
        if self.site_distance_m is not None and self.site_distance_m.shape != (n, n):
            raise ValueError(f"site_distance_m must have shape ({n}, {n})")
        self.rules = rules or SelectionRules()
        self._index = {s: i for i, s in enumerate(self.site_ids)}

    # -- rule helpers ------------------------------------------------------------------------

    @property
    def n_sites(self) -> int:
        """Number of candidate sites."""
        return len(self.site_ids)

    def _label(self, j: int) -> str:
        name = self.site_names[j]
        return name if name == self.site_ids[j] else f"{name} ({self.site_ids[j]})"

    def _idx(self, ids: Collection[str], rule: str) -> np.ndarray:
        unknown = [s for s in ids if s not in self._index]
        if unknown:
            problem = Message(
                "selection.problem.unknown_ids",
                {"rule": _rule_name(rule), "ids": ", ".join(map(str, unknown))},
            )
            raise InfeasibleRulesError([RuleProblem(rule, problem)])
        return np.array(sorted(self._index[s] for s in ids), dtype=int)

    def _must_mask(self) -> np.ndarray:
        mask = np.zeros(self.n_sites, dtype=bool)
        mask[self._idx(self.rules.must, "must")] = True
        return mask

    def _must_not_mask(self) -> np.ndarray:
        mask = np.zeros(self.n_sites, dtype=bool)
        mask[self._idx(self.rules.must_not, "must_not")] = True
        return mask

    def _conflict_pairs(self) -> list[tuple[int, int]]:
        """Pairs of sites closer than the minimum spacing."""
        spacing = self.rules.min_spacing_m
        if not spacing:
            return []
        if self.site_distance_m is None:
            raise ValueError("min_spacing_m needs site_distance_m (site × site metres)")
        close = np.triu(self.site_distance_m < spacing, k=1)
        rows, cols = np.nonzero(close)
        return list(zip(rows.tolist(), cols.tolist(), strict=True))

    def check_rules(self) -> list[RuleProblem]:
        """Cheap pre-check of the rule set; each problem names its rule.

        Returns
        -------
        list of RuleProblem
            Empty when no obvious conflict was found (the solver may still find a subtler one,
            which :meth:`solve` then diagnoses).
        """
        rules, p, problems = self.rules, self.p, []

        def problem(rule: str, key: str, **params: Any) -> None:
            problems.append(RuleProblem(rule, Message(f"selection.problem.{key}", params)))

        try:
            must, must_not = self._must_mask(), self._must_not_mask()
        except InfeasibleRulesError as exc:
            return exc.problems
        both = np.nonzero(must & must_not)[0]
        if len(both):
            names = ", ".join(self._label(int(j)) for j in both)
            problem("must + must_not", "must_and_must_not", names=names)
        if must.sum() > p:
            problem("must", "too_many_must", n=int(must.sum()), p=p)
        available = ~must_not
        if available.sum() < p:
            problem("must_not", "too_few_available", n=int(available.sum()), p=p)
        if rules.district_quotas:
            if self.site_districts is None:
                problem("district_quotas", "quota_needs_districts")
            else:
                lo_sum = hi_sum = 0
                for district in rules.district_quotas:
                    lo, hi = rules.quota_range(district)
                    lo_sum, hi_sum = lo_sum + lo, hi_sum + hi
                    rule = f"district_quota[{district}]"
                    in_d = self.site_districts == district
                    n_av = int((in_d & available).sum())
                    if lo > hi:
                        problem(rule, "quota_min_over_max", district=district, lo=lo, hi=hi)
                    if not in_d.any():
                        problem(rule, "quota_no_candidate", district=district)
                    elif lo > n_av:
                        key = "quota_too_few_after_must_not" if (in_d & must_not).any() else ""
                        problem(rule, key or "quota_too_few", district=district, quota=lo, n=n_av)
                    n_must = int((in_d & must).sum())
                    if n_must > hi:
                        problem(rule, "quota_must_over", district=district, n=n_must, hi=hi)
                if lo_sum > p:
                    problem("district_quotas", "quotas_sum_over", n=lo_sum, p=p)
                covered_all = set(rules.district_quotas) >= set(self.site_districts[available])
                if covered_all and hi_sum < p:
                    problem("district_quotas", "quotas_sum_under", n=hi_sum, p=p)
        for cls, minimum in (("urban", rules.min_urban), ("rural", rules.min_rural)):
            if not minimum:
                continue
            rule = f"min_{cls}"
            if self.site_area_classes is None:
                problem(rule, "mix_needs_classes")
                continue
            n_av = int(((self.site_area_classes == cls) & available).sum())
            if minimum > n_av:
                problem(rule, f"too_few_{cls}", minimum=minimum, n=n_av)
        if rules.min_urban + rules.min_rural > p:
            problem(
                "urban_rural_mix", "mix_over_p", urban=rules.min_urban, rural=rules.min_rural, p=p
            )
        if rules.min_spacing_m:
            pairs: list[tuple[int, int]] = []
            if self.site_distance_m is None:
                problem("min_spacing", "spacing_needs_distances")
            else:
                pairs = self._conflict_pairs()
            for a, b in pairs:
                if must[a] and must[b]:
                    problem(
                        "min_spacing",
                        "spacing_must_close",
                        a=self._label(a),
                        b=self._label(b),
                        metres=float(rules.min_spacing_m),
                    )
            if self.site_distance_m is not None and available.sum() >= p:
                most = self._spacing_capacity(np.nonzero(available)[0], limit=p)
                if most < p:
                    problem(
                        "min_spacing",
                        "spacing_too_few",
                        n=most,
                        p=p,
                        metres=float(rules.min_spacing_m),
                    )
        return problems

    def _spacing_capacity(self, candidates: np.ndarray, *, limit: int) -> int:
        """An upper bound on how many of ``candidates`` can be chosen with the minimum spacing
        (capped at ``limit``): the number of groups of a greedy clique cover.

        Sites that are all pairwise closer than the spacing form a group of which at most one
        can be chosen, so the number of groups bounds every selection: fewer groups than ``p``
        proves the spacing cannot hold (sites 60 km apart: the region has room for a handful).
        """
        spacing = self.rules.min_spacing_m
        dist = self.site_distance_m
        if not spacing or dist is None or len(candidates) == 0:
            return len(candidates)
        # sweep from one end of the region (the site farthest from the first): groups of
        # neighbours along the sweep stay compact
        far = int(candidates[np.argmax(dist[candidates[0], candidates])])
        order = candidates[np.argsort(dist[far, candidates], kind="stable")]
        groups: list[list[int]] = []
        for j in order.tolist():
            for members in groups:
                if bool((dist[j, members] < spacing).all()):
                    members.append(j)
                    break
            else:
                groups.append([j])
                if len(groups) >= limit:  # enough room for p: the bound says nothing more
                    return limit
        return len(groups)

    def _rule_groups(self) -> list[str]:
        rules, groups = self.rules, ["sites_total"]
        groups += [f"district_quota[{d}]" for d in rules.district_quotas]
        if rules.min_urban or rules.min_rural:
            groups.append("urban_rural_mix")
        if rules.must:
            groups.append("must")
        if rules.must_not:
            groups.append("must_not")
        if rules.min_spacing_m:
            groups.append("min_spacing")
        return groups

    def _rule_selection(
        self,
        *,
        dropped: Collection[str] = (),
        preference: np.ndarray | None = None,
        time_limit: float = 5.0,
    ) -> tuple[bool | None, np.ndarray | None]:
        """CP-SAT over the site choice alone: are the rules (minus ``dropped`` groups) feasible,
        and a selection keeping them, preferring sites with a low ``preference``.

        Returns ``(True, mask)``, ``(False, None)`` when infeasible, ``(None, None)`` when the
        time ran out undecided.
        """
        from ortools.sat.python import cp_model

        model = cp_model.CpModel()
        y = [model.new_bool_var(f"y{j}") for j in range(self.n_sites)]
        self._add_rules(model, y, dropped=dropped, exact_p="sites_total" not in dropped)
        if preference is not None:
            spread = max(float(np.ptp(preference)), _EPS)
            scaled = np.round(1e6 * (preference - preference.min()) / spread).astype(int)
            model.minimize(sum(int(c) * v for c, v in zip(scaled, y, strict=True)))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = time_limit
        solver.parameters.num_workers = 1
        status = solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return True, np.array([bool(solver.value(v)) for v in y])
        return (False if status == cp_model.INFEASIBLE else None), None

    def _feasible_without(
        self, dropped: set[str], time_limit: float = 5.0, *, deadline: float | None = None
    ) -> bool | None:
        """Feasibility of the rules (only the site choice) with some rule groups dropped;
        ``None`` when undecided (also when the ``deadline``, a ``time.perf_counter()`` value,
        has passed)."""
        if deadline is not None:
            time_limit = min(time_limit, deadline - time.perf_counter())
            if time_limit <= 0.01:
                return None
        return self._rule_selection(dropped=dropped, time_limit=time_limit)[0]

    def diagnose(self, *, deadline: float | None = None) -> list[RuleProblem]:
        """Name the rule group(s) whose removal makes the rule set feasible.

        Runs the cheap pre-check first; if that finds nothing, relaxes one rule group at a time,
        then pairs, with a CP-SAT feasibility model of the site choice alone. A rule is named
        only when relaxing it was shown to help; checks that the ``deadline`` (a
        ``time.perf_counter()`` value) cuts short name nothing.
        """
        problems = self.check_rules()
        if problems:
            return problems
        if self._feasible_without(set(), deadline=deadline) is not False:
            return []
        groups = self._rule_groups()
        singles = [g for g in groups if self._feasible_without({g}, deadline=deadline)]
        if singles:
            return [
                RuleProblem(g, Message("selection.problem.drop_one", {"rule": _rule_name(g)}))
                for g in singles
            ]
        pairs = [
            (a, b)
            for k, a in enumerate(groups)
            for b in groups[k + 1 :]
            if self._feasible_without({a, b}, deadline=deadline)
        ]
        if pairs:
            return [
                RuleProblem(
                    f"{a} + {b}",
                    Message("selection.problem.drop_two", {"a": _rule_name(a), "b": _rule_name(b)}),
                )
                for a, b in pairs
            ]
        if deadline is not None and time.perf_counter() >= deadline:
            return []  # proven infeasible, but no time left to say which rule
        return [RuleProblem("rules", Message("selection.problem.none_feasible"))]

    def _add_rules(
        self, model: Any, y: Sequence[Any], *, dropped: Collection[str] = (), exact_p: bool = True
    ) -> None:
        """Add the rules to a pywraplp solver or a CP-SAT model (both accept ``Add``)."""
        add = model.Add
        rules = self.rules
        if exact_p:
            add(sum(y) == self.p)
        if "must" not in dropped:
            for j in self._idx(rules.must, "must"):
                add(y[j] == 1)
        if "must_not" not in dropped:
            for j in self._idx(rules.must_not, "must_not"):
                add(y[j] == 0)
        if self.site_districts is not None:
            for district in rules.district_quotas:
                if f"district_quota[{district}]" in dropped:
                    continue
                lo, hi = rules.quota_range(district)
                members = np.nonzero(self.site_districts == district)[0]
                expr = sum(y[int(j)] for j in members)
                if lo == hi:
                    add(expr == lo)
                else:
                    add(expr >= lo)
                    add(expr <= hi)
        if self.site_area_classes is not None and "urban_rural_mix" not in dropped:
            for cls, minimum in (("urban", rules.min_urban), ("rural", rules.min_rural)):
                if minimum:
                    members = np.nonzero(self.site_area_classes == cls)[0]
                    add(sum(y[int(j)] for j in members) >= minimum)
        if rules.min_spacing_m and "min_spacing" not in dropped:
            for a, b in self._conflict_pairs():
                add(y[a] + y[b] <= 1)

    def _quota_groups(self) -> list[tuple[np.ndarray, int, int]]:
        """Per district quota: its member sites, min and max."""
        if self.site_districts is None:
            return []
        return [
            (self.site_districts == district, *self.rules.quota_range(district))
            for district in self.rules.district_quotas
        ]

    def _rule_checker(self) -> Callable[[np.ndarray], bool]:
        """A fast test whether a chosen-site mask keeps every rule, for heuristics to swap with
        (the rule data is gathered once, each call is a few vector operations)."""
        rules, p = self.rules, self.p
        must, must_not = self._must_mask(), self._must_not_mask()
        counts = self._quota_groups()
        if self.site_area_classes is not None:
            for cls, minimum in (("urban", rules.min_urban), ("rural", rules.min_rural)):
                if minimum:
                    counts.append((self.site_area_classes == cls, minimum, p))
        pairs = np.array(self._conflict_pairs() if rules.min_spacing_m else [], dtype=int)
        pairs = pairs.reshape(-1, 2)

        def keeps(mask: np.ndarray) -> bool:
            return bool(
                int(mask.sum()) == p
                and mask[must].all()
                and not mask[must_not].any()
                and all(lo <= int(mask[members].sum()) <= hi for members, lo, hi in counts)
                and not (mask[pairs[:, 0]] & mask[pairs[:, 1]]).any()
            )

        return keeps

    def _raise_if_infeasible_precheck(self) -> None:
        problems = self.check_rules()
        if problems:
            raise InfeasibleRulesError(problems)

    def _blocking_rule(self, j: int, chosen: np.ndarray) -> Message | None:
        """A rule that stops site ``j`` from joining the chosen set."""
        rules = self.rules
        chosen_idx = np.nonzero(chosen)[0]
        if rules.min_spacing_m and self.site_distance_m is not None:
            dist = self.site_distance_m
            close = [int(k) for k in chosen_idx if dist[j, k] < rules.min_spacing_m]
            if close:
                k = min(close, key=lambda c: float(dist[j, c]))
                return Message(
                    "selection.reason.too_close",
                    {
                        "site": self._label(k),
                        "metres": float(dist[j, k]),
                        "spacing": float(rules.min_spacing_m),
                    },
                )
        if self.site_districts is not None and self.site_districts[j] in rules.district_quotas:
            district = str(self.site_districts[j])
            _lo, hi = rules.quota_range(district)
            n_in = int((self.site_districts[chosen_idx] == district).sum())
            if n_in >= hi:
                return Message("selection.reason.quota_full", {"district": district, "quota": hi})
        return None


# ---------------------------------------------------------------------------------------------
# MCLP
# ---------------------------------------------------------------------------------------------


def _solve_mip(
    *,
    fixed_one: np.ndarray,
    coverage: sparse.csr_matrix,
    row_weights: np.ndarray,
    add_rules: Any,
    time_limit: float,
    hint: np.ndarray | None,
    integral: bool,
    deadline: float | None = None,
) -> tuple[str, np.ndarray | None, float, float]:
    """Solve the (reduced) covering MIP with SCIP: returns status, y, objective, bound.

    ``coverage`` is the ``(demand rows, sites)`` 0/1 matrix of the rows still to cover; each row
    gets a variable ``x ≤ Σ y`` of its covering sites, weighted in the objective. With a
    ``deadline`` (a ``time.perf_counter()`` value) SCIP gets at most what is left of it once the
    model is built (building thousands of spacing constraints takes time too).
    """
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("SCIP")
    if solver is None:  # pragma: no cover - SCIP ships with the OR-Tools wheels
        raise RuntimeError("OR-Tools was built without SCIP")
    coverage = coverage.tocsr()
    y = [solver.BoolVar(f"y{j}") for j in range(coverage.shape[1])]
    objective = solver.Objective()
    for i in range(coverage.shape[0]):
        sites = coverage.indices[coverage.indptr[i] : coverage.indptr[i + 1]]
        x = solver.NumVar(0.0, 1.0, f"x{i}")
        ct = solver.Constraint(-solver.infinity(), 0.0)
        ct.SetCoefficient(x, 1.0)
        for j in sites:
            ct.SetCoefficient(y[int(j)], -1.0)
        objective.SetCoefficient(x, float(row_weights[i]))
    objective.SetMaximization()
    for j in np.nonzero(fixed_one)[0]:
        y[int(j)].SetLb(1.0)
    add_rules(solver, y)
    if hint is not None:
        solver.SetHint(y, [float(v) for v in hint])
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
    values = np.array([v.solution_value() > 0.5 for v in y])
    return state, values, objective.Value(), objective.BestBound()


class MaximalCovering(_LocationModel):
    """Maximal covering location problem (Church & ReVelle 1974) with the season's rules.

    Maximise the weighted demand within ``service_radius`` of at least one of ``p`` chosen sites.
    Build with :meth:`from_cost_matrix` or :meth:`from_geodataframe`, then call :meth:`solve`.
    """

    model_name = "MCLP"

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
        weights, cost_matrix, attrs = _gdf_inputs(
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
        idx = self._idx(list(chosen), "chosen")
        if len(idx) == 0:
            return np.zeros(self.coverage.shape[0], dtype=bool)
        return np.asarray(self.coverage[:, idx].sum(axis=1)).ravel() > 0

    def covered_weight(self, chosen: Collection[str]) -> float:
        """Total weight covered by ``chosen`` (computed here, not by a solver)."""
        return float(self.weights[self.covered_mask(chosen)].sum())

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
        self._raise_if_infeasible_precheck()
        deadline = start + time_limit
        must = self._must_mask()
        allowed = ~self._must_not_mask()
        stats: dict[str, Any] = {
            "sites": self.n_sites,
            "demand_points": int(self.coverage.shape[0]),
        }

        # 1. demand: drop unreachable/zero, merge identical columns of the covering sets.
        cov = self.coverage[:, np.nonzero(allowed)[0]].tocsr()
        site_map = np.nonzero(allowed)[0]  # reduced site -> original index
        keep_rows = (self.weights > 0) & (np.diff(cov.indptr) > 0)
        cov = cov[keep_rows]
        w = self.weights[keep_rows]
        cov, w = _merge_identical_rows(cov, w)
        stats["demand_after_merge"] = int(cov.shape[0])

        # 2. dominated sites.
        keep_sites = self._undominated(cov, site_map, must)
        cov = cov[:, keep_sites].tocsr()
        site_map = site_map[keep_sites]
        stats["sites_after_dominance"] = len(site_map)

        integral = bool(np.all(np.abs(w - np.round(w)) < _EPS))
        plain = not self.rules.has_structure_rules
        n_y = len(site_map)
        must_r = must[site_map]
        fixed_zero = np.zeros(n_y, dtype=bool)
        fixed_one = must_r.copy()
        incumbent: np.ndarray | None = None
        inc_value = -math.inf
        lp_bound = math.inf
        rule_start: np.ndarray | None = None
        if not plain:
            # a selection keeping the rules first (CP-SAT, preferring sites that reach many):
            # SCIP starts from it, and a proof that none exists ends the solve with the rule
            reach = np.asarray(self.coverage.T @ self.weights).ravel()
            keeps, rule_start = self._rule_selection(
                preference=-reach,
                time_limit=max(0.05, min(10.0, 0.2 * (deadline - time.perf_counter()))),
            )
            stats["rule_start"] = {True: "found", False: "infeasible", None: "undecided"}[keeps]
            if keeps is False:
                raise InfeasibleRulesError(
                    self.diagnose(deadline=deadline)
                    or [RuleProblem("rules", Message("selection.problem.infeasible"))]
                )
        if plain and use_lp_fixing and n_y > self.p:
            budget = (
                heuristic_seconds if heuristic_seconds is not None else min(600.0, 0.8 * time_limit)
            )
            h_start = time.perf_counter()
            lp_bound, lp_y, reduced_costs = _mclp_lp(
                cov, w, self.p, must_r, time_limit=max(1.0, 0.25 * budget)
            )
            if math.isfinite(lp_bound):
                stats["lp_bound"] = lp_bound
            search = SwapSearch(cov, w, self.p, must=must_r)
            if not math.isfinite(lp_bound):
                # the Lagrangian bound lets the search stop early where the LP timed out
                greedy_value = search.value(search.greedy())
                lp_bound = _mclp_lagrangian(
                    cov, w, self.p, must_r, lower=greedy_value, seconds=min(5.0, 0.05 * budget)
                )
                stats["lagrangian_bound"] = lp_bound
            target = min(lp_bound, float(w.sum()))
            scip_stalled = False
            lp_integral = lp_y is not None and bool(np.all(np.minimum(lp_y, 1 - lp_y) < 1e-9))
            if lp_integral and lp_y is not None:  # the LP optimum is a selection: nothing to search
                incumbent = lp_y > 0.5
                inc_value = search.value(incumbent)
                stats["exact_attempt"] = "integral LP"
            else:  # an exact attempt first: small instances are solved in a fraction of it
                state, y_val, _obj, exact_bound = _solve_mip(
                    fixed_one=must_r,
                    coverage=cov,
                    row_weights=w,
                    add_rules=_SubsetRules(self, site_map).add,
                    time_limit=max(0.5, 0.1 * budget),
                    hint=search.greedy(),
                    integral=integral,
                )
                stats["exact_attempt"] = state
                if state == "optimal" and y_val is not None:
                    incumbent, inc_value = y_val, search.value(y_val)
                # SCIP's bound no better than the LP's: it did not get through its root node,
                # and the final MIP would not either (San Francisco: 805,235, the total demand)
                scip_stalled = not exact_bound < lp_bound
            if incumbent is None:
                left = budget - (time.perf_counter() - h_start)
                if scip_stalled and heuristic_seconds is None:
                    left = deadline - time.perf_counter() - max(1.0, 0.05 * time_limit)
                    stats["final_mip_shortened"] = True
                search_start = time.perf_counter() - start
                incumbent, inc_value, search_stats = _mclp_search(
                    search,
                    cov,
                    w,
                    must_r,
                    lp_y=lp_y,
                    seconds=max(0.0, left),
                    seed=seed,
                    target=target,
                )
                stats.update(search_stats)
                stats["best_found_seconds"] = search_start + search_stats["best_found_seconds"]
            stats["heuristic_value"] = inc_value
            stats["heuristic_seconds"] = time.perf_counter() - h_start
            if reduced_costs is not None and lp_y is not None:
                tol = 1e-6 * max(1.0, abs(lp_bound)) + 1e-7
                at_zero = (lp_y < 1e-9) & (reduced_costs < 0)
                fixed_zero = at_zero & (lp_bound + reduced_costs < inc_value - tol) & ~must_r
                at_one = (lp_y > 1 - 1e-9) & (reduced_costs > 0)
                fixed_one |= at_one & (lp_bound - reduced_costs < inc_value - tol)
            stats["fixed_zero"] = int(fixed_zero.sum())
            stats["fixed_one"] = int(fixed_one.sum() - must_r.sum())

        # 3. MIP on what is left.
        free = ~fixed_zero
        sub_cov = cov[:, np.nonzero(free)[0]].tocsr()
        sub_map = np.nonzero(free)[0]
        sub_fixed_one = fixed_one[free]
        covered_by_fixed = (
            np.asarray(sub_cov[:, np.nonzero(sub_fixed_one)[0]].sum(axis=1)).ravel() > 0
        )
        constant = float(w[covered_by_fixed].sum())
        live = (~covered_by_fixed) & (np.diff(sub_cov.indptr) > 0)
        rows_matrix = sub_cov[live]
        stats["mip_sites"] = int(free.sum())
        stats["mip_demand"] = int(rows_matrix.shape[0])
        full_index = site_map[sub_map]  # MIP var -> original site index

        def add_rules(solver: Any, y: Sequence[Any]) -> None:
            proxy = _SubsetRules(self, full_index)
            proxy.add(solver, y)

        hint = incumbent[sub_map] if incumbent is not None else None
        if hint is None and rule_start is not None:
            hint = rule_start[full_index]
        # the limit bounds the whole call: SCIP gets what is left (a sliver if nothing is)
        remaining = max(0.05, deadline - time.perf_counter())
        state, y_val, _mip_obj, mip_bound = _solve_mip(
            fixed_one=sub_fixed_one,
            coverage=rows_matrix,
            row_weights=w[live],
            add_rules=add_rules,
            time_limit=remaining,
            hint=hint,
            integral=integral,
            # what is left after SCIP (reasons, figures) must fit in the limit too
            deadline=deadline - min(1.0, 0.03 * time_limit),
        )
        stats["mip_status"] = state
        if y_val is None and incumbent is None and rule_start is not None:
            incumbent_full: np.ndarray | None = rule_start
        else:
            incumbent_full = None
        if y_val is None and incumbent is None and incumbent_full is None:
            if state == "infeasible":
                raise InfeasibleRulesError(
                    self.diagnose(deadline=deadline)
                    or [RuleProblem("rules", Message("selection.problem.infeasible"))]
                )
            elapsed = time.perf_counter() - start
            self.result = SelectionResult.nothing(self.model_name, elapsed, stats)
            return self.result
        candidates: list[np.ndarray] = []
        if y_val is not None:
            chosen_full = np.zeros(self.n_sites, dtype=bool)
            chosen_full[full_index[y_val]] = True
            candidates.append(chosen_full)
        if incumbent is not None:
            chosen_inc = np.zeros(self.n_sites, dtype=bool)
            chosen_inc[site_map[incumbent]] = True
            candidates.append(chosen_inc)
        if incumbent_full is not None:  # SCIP found nothing in time: the rule-keeping start
            candidates.append(incumbent_full)
        values = [float(self.weights[self._cover_of(c)].sum()) for c in candidates]
        best = int(np.argmax(values))
        chosen = candidates[best]
        objective = values[best]
        bound = mip_bound + constant if not math.isnan(mip_bound) else math.inf
        if incumbent is not None:
            bound = max(bound, inc_value)
        bound = min(bound, lp_bound, float(self.weights.sum()))  # nobody is covered twice
        if state == "optimal":
            bound = min(bound, max(objective, _mip_obj + constant))
        bound = max(bound, objective)
        gap = (bound - objective) / max(abs(objective), _EPS)
        proven = gap <= 1e-9 or (integral and bound - objective < 1 - 1e-6)
        status = "optimal" if proven else "feasible"
        # what ended it: SCIP stops short of optimal only on its time limit; an optimal SCIP
        # run that leaves a gap stopped at its gap tolerance
        stop = "optimal" if proven else ("gap" if state == "optimal" else "time_limit")
        if proven:
            bound, gap = objective, 0.0
        reasons = self._reasons(chosen)
        elapsed = time.perf_counter() - start
        self.result = SelectionResult(
            model=self.model_name,
            status=status,
            chosen=[self.site_ids[j] for j in np.nonzero(chosen)[0]],
            objective=objective,
            bound=float(bound),
            gap=float(gap),
            solve_seconds=elapsed,
            reasons=reasons,
            stats=stats,
            stop=stop,
        )
        return self.result

    def _cover_of(self, chosen: np.ndarray) -> np.ndarray:
        idx = np.nonzero(chosen)[0]
        return np.asarray(self.coverage[:, idx].sum(axis=1)).ravel() > 0

    def _undominated(
        self, cov: sparse.csr_matrix, site_map: np.ndarray, must: np.ndarray
    ) -> np.ndarray:
        """Mask of reduced sites to keep after removing dominated ones (where rules allow)."""
        n = cov.shape[1]
        keep = np.ones(n, dtype=bool)
        if self.rules.min_spacing_m or n <= self.p:
            return keep
        groups = np.zeros(n, dtype=object)
        groups[:] = ""
        if self.rules.district_quotas and self.site_districts is not None:
            groups = groups + self.site_districts[site_map]
        if (self.rules.min_urban or self.rules.min_rural) and self.site_area_classes is not None:
            groups = groups + "|" + self.site_area_classes[site_map]
        csc = cov.tocsc().astype(np.int32)
        size = np.asarray(csc.sum(axis=0)).ravel()
        weight_of = np.asarray(csc.T @ np.ones(cov.shape[0])).ravel()
        for group in np.unique(groups):
            members = np.nonzero(groups == group)[0]
            if len(members) <= self.p:
                continue
            sub = csc[:, members]
            inter = (sub.T @ sub).toarray()
            s = size[members]
            contained = inter == s[:, None]  # contained[a, b]: cover(a) ⊆ cover(b)
            np.fill_diagonal(contained, False)
            equal = contained & contained.T
            order = np.arange(len(members))
            dominated = (contained & ~equal).any(axis=1) | (
                equal & (order[None, :] < order[:, None])
            ).any(axis=1)
            dominated |= s == 0
            dominated &= ~must[site_map[members]]
            n_keep = int((~dominated).sum())
            if n_keep < self.p:  # keep enough sites in the group to fill any count
                restore = np.argsort(-weight_of[members] * dominated, kind="stable")
                for r in restore[: self.p - n_keep]:
                    dominated[r] = False
            keep[members[dominated]] = False
        return keep

    def _reasons(self, chosen: np.ndarray) -> dict[str, Message]:
        """Why each unchosen candidate was left out."""
        must_not = self._must_not_mask()
        cov = self.coverage.tocsc()
        w = self.weights
        count = np.asarray(cov[:, np.nonzero(chosen)[0]].sum(axis=1)).ravel()
        uncovered = w * (count == 0)
        chosen_idx = np.nonzero(chosen)[0]
        # Weight covered only by chosen site s: sole[:, k] for k-th chosen site.
        sole_rows = count == 1
        sole_matrix = cov[:, chosen_idx].multiply(sole_rows[:, None]).multiply(w[:, None]).tocsc()
        loss = np.asarray(sole_matrix.sum(axis=0)).ravel()  # per chosen site
        gain = np.asarray(cov.T @ uncovered).ravel()  # per site
        correction = (sole_matrix.T @ cov).toarray()  # (k, n_sites)
        reach = np.asarray(cov.T @ w).ravel()
        overlap_to = (cov[:, chosen_idx].multiply(w[:, None]).T @ cov).toarray()  # (k, n_sites)
        reasons: dict[str, Message] = {}
        same_district = self.rules.district_quotas and self.site_districts is not None
        for j in range(self.n_sites):
            if chosen[j]:
                continue
            sid = self.site_ids[j]
            if must_not[j]:
                reasons[sid] = Message("selection.reason.must_not")
                continue
            if reach[j] <= 0:
                reasons[sid] = Message("selection.reason.reaches_no_one")
                continue
            if len(chosen_idx) == 0:
                reasons[sid] = Message("selection.reason.none_chosen")
                continue
            if gain[j] <= 0:
                k = int(np.argmax(overlap_to[:, j]))
                if overlap_to[k, j] >= reach[j] - 1e-6:
                    reasons[sid] = Message(
                        "selection.reason.same_people",
                        {"people": round(reach[j]), "site": self._label(chosen_idx[k])},
                    )
                else:
                    shares = np.argsort(-overlap_to[:, j])[:3]
                    names = ", ".join(
                        self._label(chosen_idx[s]) for s in shares if overlap_to[s, j] > 0
                    )
                    reasons[sid] = Message(
                        "selection.reason.already_reached",
                        {"people": round(reach[j]), "sites": names},
                    )
                continue
            delta = gain[j] - loss + correction[:, j]
            if same_district:
                eligible = self.site_districts[chosen_idx] == self.site_districts[j]  # type: ignore[index]
                if (
                    str(self.site_districts[j]) not in self.rules.district_quotas  # type: ignore[index]
                    or not eligible.any()
                ):
                    eligible = np.ones(len(chosen_idx), dtype=bool)
            else:
                eligible = np.ones(len(chosen_idx), dtype=bool)
            delta_e = np.where(eligible, delta, -np.inf)
            k = int(np.argmax(delta_e))
            blocker = self._blocking_rule(j, chosen)
            site = self._label(chosen_idx[k])
            if delta_e[k] <= 1e-9:
                reasons[sid] = Message(
                    "selection.reason.exchange_loses",
                    {
                        "gain": round(gain[j]),
                        "site": site,
                        "loss": round(gain[j] - delta_e[k]),
                        "net": round(delta_e[k]),
                    },
                )
            elif blocker:
                reasons[sid] = Message(
                    "selection.reason.blocked", {"gain": round(gain[j]), "blocker": blocker}
                )
            else:
                reasons[sid] = Message(
                    "selection.reason.not_chosen",
                    {"gain": round(gain[j]), "site": site, "net": round(delta_e[k])},
                )
        return reasons


class _SubsetRules:
    """Apply a model's rules to a MIP whose variables are a subset of the sites."""

    def __init__(self, model: _LocationModel, full_index: np.ndarray) -> None:
        self.model = model
        self.full_index = full_index

    def add(self, solver: Any, y: Sequence[Any]) -> None:
        model, rules = self.model, self.model.rules
        pos = {int(j): k for k, j in enumerate(self.full_index)}
        solver.Add(sum(y) == model.p)
        for sid in rules.must:
            k = pos.get(model._index[sid])
            if k is None:
                raise RuntimeError(f"must-site {sid} was removed in preprocessing")
            solver.Add(y[k] == 1)
        if model.site_districts is not None:
            districts = model.site_districts[self.full_index]
            for district in rules.district_quotas:
                lo, hi = rules.quota_range(district)
                members = np.nonzero(districts == district)[0]
                expr = sum(y[int(k)] for k in members)
                if lo == hi:
                    solver.Add(expr == lo)
                else:
                    solver.Add(expr >= lo)
                    solver.Add(expr <= hi)
        if model.site_area_classes is not None:
            classes = model.site_area_classes[self.full_index]
            for cls, minimum in (("urban", rules.min_urban), ("rural", rules.min_rural)):
                if minimum:
                    members = np.nonzero(classes == cls)[0]
                    solver.Add(sum(y[int(k)] for k in members) >= minimum)
        if rules.min_spacing_m:
            for a, b in model._conflict_pairs():
                ka, kb = pos.get(a), pos.get(b)
                if ka is not None and kb is not None:
                    solver.Add(y[ka] + y[kb] <= 1)


def _merge_identical_rows(
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
    reps = np.zeros(len(first), dtype=int)
    reps[group[::-1]] = np.arange(cov.shape[0])[::-1]
    merged_w = np.bincount(group, weights=w, minlength=len(first))
    return cov[reps].tocsr(), merged_w


def _mclp_lp(
    cov: sparse.csr_matrix,
    w: np.ndarray,
    p: int,
    must: np.ndarray,
    *,
    time_limit: float,
) -> tuple[float, np.ndarray | None, np.ndarray | None]:
    """LP relaxation: bound, site values and reduced costs (``inf``/None on timeout).

    Solved with HiGHS' interior-point method (with crossover, so the values and reduced costs are
    those of an optimal basis) through ``scipy.optimize.linprog``: on San Francisco (317,231
    coverage pairs) it takes 2.7 s where GLOP's simplex needed over a minute. Reduced costs are
    for the maximisation: ``< 0`` for a site at 0 (choosing it costs that much of the bound),
    ``> 0`` for a site at 1.
    """
    from scipy.optimize import linprog

    n_demand, n_sites = cov.shape
    coverage = sparse.csr_matrix(cov, dtype=np.float64)
    coverage.data[:] = 1.0
    # variables: y (sites), then x (demand points); x_i <= sum of y over i's covering sites
    objective = np.concatenate([np.zeros(n_sites), -np.asarray(w, dtype=float)])
    a_ub = sparse.hstack([-coverage, sparse.identity(n_demand, format="csr")]).tocsr()
    a_eq = sparse.hstack(
        [sparse.csr_matrix(np.ones((1, n_sites))), sparse.csr_matrix((1, n_demand))]
    ).tocsr()
    bounds = np.column_stack(
        [np.concatenate([must.astype(float), np.zeros(n_demand)]), np.ones(n_sites + n_demand)]
    )
    result = linprog(
        objective,
        A_ub=a_ub,
        b_ub=np.zeros(n_demand),
        A_eq=a_eq,
        b_eq=[float(p)],
        bounds=bounds,
        method="highs-ipm",
        options={"time_limit": float(time_limit)},
    )
    if result.status != 0 or result.x is None:
        return math.inf, None, None
    values = np.asarray(result.x[:n_sites])
    reduced = -np.asarray(result.lower.marginals[:n_sites] + result.upper.marginals[:n_sites])
    return float(-result.fun), values, reduced


def _mclp_lagrangian(
    cov: sparse.csr_matrix,
    w: np.ndarray,
    p: int,
    must: np.ndarray,
    *,
    lower: float,
    iterations: int = 2000,
    seconds: float = 5.0,
) -> float:
    """Upper bound by Lagrangian relaxation of the coverage constraints (subgradient method).

    For any multipliers ``λ ≥ 0``: ``L(λ) = Σᵢ max(0, wᵢ − λᵢ) + Σ over the must sites and the
    best other sites of Σ_{i covered by j} λᵢ`` bounds the optimum from above, so every iterate
    is a valid bound; the best one is returned. ``lower`` (a known solution value) sets the
    Polyak step length.
    """
    csc = cov.tocsc()
    lam = np.zeros_like(w, dtype=float)
    best_lam = lam.copy()
    best = math.inf
    theta = 1.0
    free_slots = p - int(must.sum())
    stall = 0
    deadline = time.perf_counter() + seconds
    for _ in range(iterations):
        value_of_site = np.asarray(csc.T @ lam).ravel()
        x = w > lam
        y = must.copy()
        if free_slots > 0:
            others = np.where(must, -np.inf, value_of_site)
            top = np.argpartition(-others, free_slots - 1)[:free_slots]
            y[top] = True
        bound = float(np.maximum(0.0, w - lam).sum() + value_of_site[y].sum())
        if bound < best - 1e-9:
            best, best_lam, stall = bound, lam.copy(), 0
        else:
            stall += 1
            if stall >= 10:  # halve the step and go back to the best multipliers
                theta, stall, lam = theta / 2, 0, best_lam.copy()
                continue
        covered = np.asarray(csc[:, np.nonzero(y)[0]].sum(axis=1)).ravel()
        grad = x.astype(float) - covered  # L decreases along +grad
        norm = float(grad @ grad)
        if norm == 0 or theta < 1e-5 or time.perf_counter() > deadline:
            break
        step = theta * max(bound - lower, 1e-6 * max(1.0, abs(bound))) / norm
        lam = np.clip(lam + step * grad, 0.0, w)
    return best


def _mclp_search(
    search: SwapSearch,
    cov: sparse.csr_matrix,
    w: np.ndarray,
    must: np.ndarray,
    *,
    lp_y: np.ndarray | None,
    seconds: float,
    seed: int,
    target: float,
    n_offspring: int = 4,
    fractions: tuple[float, float] = (0.5, 0.7),
    region_fractions: tuple[float, float] = (0.25, 0.4),
    stall_cycles: int = 5,
    threads: int | None = None,
) -> tuple[np.ndarray, float, dict[str, Any]]:
    """Tabu search and solution merging, in the manner of Blum's construct–merge–solve–adapt.

    1. Tabu runs from the greedy solution, the LP solution's best sites and ``n_offspring``
       randomised greedy solutions; SCIP merges them (below) into the incumbent.
    2. Each cycle makes ``n_offspring`` new local optima: the incumbent with some of its sites
       moved nearby (:meth:`SwapSearch.perturb`; in turn a random half or more, ``fractions``,
       and one connected region of a quarter or more, ``region_fractions``), then a short tabu
       run. SCIP then chooses the best ``p`` sites among the union of the incumbent and its
       offspring (:func:`_mclp_kernel`, a few hundred sites, half a second on San Francisco),
       which becomes the incumbent. The merge recombines parts of different local optima, which the
       swap moves alone cannot reach: on San Francisco near-optimal sets differ in half their
       sites (p = 60: the optimum and a set 0.05 % below it share 29 of 60).
    3. After ``stall_cycles`` cycles without a better incumbent the next offspring come from
       fresh randomised greedy starts instead (another family of sets to merge with).
    4. A merge SCIP cannot prove optimal in its time had too many sites: the next cycles make one
       offspring fewer.

    The tabu runs of a cycle are spread over ``threads`` threads (default
    :func:`planner.settings.search_threads`); the numba kernels release the GIL. Stops at
    ``seconds`` or when the incumbent reaches ``target`` (the LP or Lagrangian bound).
    """
    from concurrent.futures import ThreadPoolExecutor

    start = time.perf_counter()
    deadline = start + seconds
    p = search.p
    rng = np.random.default_rng(seed)
    tol = 1e-6 * max(1.0, abs(target)) if math.isfinite(target) else 0.0
    # San Francisco (4,686 sites): a one-second run settles into its local optimum. Shorter
    # runs (0.3 s, three times the cycles) got p = 100 closer but missed p = 70 and 80 more
    # often: 11 of 18 runs at the published optimum instead of 14 (120 s, seeds 0–2)
    run_seconds = float(np.clip(seconds / 60.0, 0.05, 1.0))
    merge_cap = max(5.0, 10 * run_seconds)
    n_threads = settings.search_threads() if threads is None else max(1, threads)
    searches = [search, *(search.clone() for _ in range(n_threads - 1))]
    stats: dict[str, Any] = {
        "threads": n_threads,
        "tabu_iterations": 0,
        "cycles": 0,
        "merge_improvements": 0,
        "diversifications": 0,
    }

    def left() -> float:
        return deadline - time.perf_counter()

    def settle(begins: list[np.ndarray], length: float) -> list[tuple[np.ndarray, float]]:
        """Tabu runs from ``begins``, dealt out over the threads' searches."""
        length = max(0.0, min(length, left()))
        first_seed = int(rng.integers(1 << 30))

        def work(k: int) -> list[tuple[int, SwapSearchResult]]:
            return [
                (i, searches[k].tabu(b, seconds=length, seed=first_seed + i, bound=target))
                for i, b in enumerate(begins)
                if i % n_threads == k
            ]

        if n_threads == 1:
            done = work(0)
        else:
            with ThreadPoolExecutor(n_threads) as pool:
                done = [item for part in pool.map(work, range(n_threads)) for item in part]
        done.sort(key=lambda item: item[0])
        stats["tabu_iterations"] += sum(run.iterations for _, run in done)
        return [(run.mask, run.value) for _, run in done]

    def fresh(count: int) -> list[np.ndarray]:
        return [search.greedy(rng=rng, choose_among=5) for _ in range(count)]

    def merge(
        incumbent: tuple[np.ndarray, float], others: list[tuple[np.ndarray, float]]
    ) -> tuple[np.ndarray, float, str]:
        leader, leader_value = max([incumbent, *others], key=lambda item: item[1])
        if left() < 0.5:
            return leader, leader_value, "no time"
        pool = [m for m, _ in others] + [incumbent[0]]
        merged, value, state = _mclp_kernel(
            cov, w, p, must, leader, pool, seconds=min(merge_cap, left())
        )
        if value > leader_value + 1e-9:
            stats["merge_improvements"] += 1
        return merged, value, state

    begins = [search.greedy()]
    stats["greedy_value"] = search.value(begins[0])
    if lp_y is not None:
        by_lp = must.copy()
        by_lp[np.argsort(-np.where(must, np.inf, lp_y), kind="stable")[:p]] = True
        begins.append(by_lp)
    starts = settle(begins + fresh(n_offspring), 2 * run_seconds)
    best, best_value, _ = merge(max(starts, key=lambda item: item[1]), starts)
    stats["start_value"] = best_value
    stats["best_found_seconds"] = time.perf_counter() - start
    stall = 0
    while best_value < target - tol and left() > run_seconds:
        stats["cycles"] += 1
        if stall >= stall_cycles:
            begins, stall = fresh(n_offspring), 0
            stats["diversifications"] += 1
        else:
            # in turn: a random sample of the sites moved, one connected region moved
            begins = [
                search.perturb(
                    best,
                    fraction=(region_fractions if c % 2 else fractions)[c // 2 % 2],
                    rng=rng,
                    connected=c % 2 == 1,
                )
                for c in range(n_offspring)
            ]
        merged, value, state = merge((best, best_value), settle(begins, run_seconds))
        stall = 0 if value > best_value + 1e-9 else stall + 1
        if stall == 0:  # when the search last got better (time-to-target in benchmarks)
            stats["best_found_seconds"] = time.perf_counter() - start
        if value >= best_value:
            best, best_value = merged, value
        if state not in ("optimal", "no time") and n_offspring > 1:
            n_offspring -= 1
    stats["offspring_per_cycle"] = n_offspring
    return best, best_value, stats


def _mclp_kernel(
    cov: sparse.csr_matrix,
    w: np.ndarray,
    p: int,
    must: np.ndarray,
    mask: np.ndarray,
    pool: Sequence[np.ndarray],
    *,
    seconds: float,
) -> tuple[np.ndarray, float, str]:
    """Solution merging: SCIP chooses ``p`` sites among the union of a pool of good solutions.

    Sites on which the pool's solutions differ are re-combined optimally; the restricted MIP is
    much smaller than the full one (a few hundred sites instead of thousands), warm-started with
    ``mask``. Returns the better of ``mask`` and the merged solution, its value and SCIP's status.
    """
    csc = cov.tocsc()
    kernel = np.nonzero(np.logical_or.reduce([mask, must, *pool]))[0]
    sub = cov[:, kernel].tocsr()
    live = np.diff(sub.indptr) > 0
    # restricted to the kernel's sites many demand points share one covering set: one row each
    # (San Francisco, p = 60, 80 s of search: 33 cycles instead of 25)
    sub, sub_w = _merge_identical_rows(sub[live].tocsr(), w[live])
    integral = bool(np.all(np.abs(w - np.round(w)) < _EPS))

    def add_rules(solver: Any, y: Sequence[Any]) -> None:
        solver.Add(sum(y) == p)

    value = float(w[np.asarray(csc[:, np.nonzero(mask)[0]].sum(axis=1)).ravel() > 0].sum())
    state, y_val, _, _ = _solve_mip(
        fixed_one=must[kernel],
        coverage=sub,
        row_weights=sub_w,
        add_rules=add_rules,
        time_limit=seconds,
        hint=mask[kernel],
        integral=integral,
    )
    if y_val is not None:
        trial = np.zeros_like(mask)
        trial[kernel[y_val]] = True
        trial_value = float(
            w[np.asarray(csc[:, np.nonzero(trial)[0]].sum(axis=1)).ravel() > 0].sum()
        )
        if trial_value > value + 1e-9:
            return trial, trial_value, state
    return mask, value, state


# ---------------------------------------------------------------------------------------------
# p-median
# ---------------------------------------------------------------------------------------------


class PMedian(_LocationModel):
    """p-median: minimise the weighted cost (travel time) from demand to its nearest chosen site.

    Formulation: assignment variables ``z[i, j] ≤ y[j]``, each demand point assigned once; a
    demand point is only ever assigned among its ``n_sites - p + 1`` nearest allowed sites (one of
    them is always open), which keeps the model exact and smaller. Without quota, mix or spacing
    rules the interchange heuristic's set and a Lagrangian lower bound come first; a proven bound
    ends the solve, and models above :attr:`max_assignment_pairs` keep the heuristic's set with the
    Lagrangian gap (the MIP would only be built, not solved, in the time). Build with
    :meth:`from_cost_matrix` or :meth:`from_geodataframe`, then call :meth:`solve`.
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
        """Build from a ``(n_demand, n_sites)`` cost matrix (see :class:`MaximalCovering`)."""
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
        """Build from GeoDataFrames (see :meth:`MaximalCovering.from_geodataframe`)."""
        weights, cost_matrix, attrs = _gdf_inputs(
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
        idx = self._idx(list(chosen), "chosen")
        return float((self.weights * self.cost[:, idx].min(axis=1)).sum())

    def solve(self, *, time_limit: float = 60.0, seed: int = 0) -> SelectionResult:
        """Choose the sites (see :meth:`MaximalCovering.solve` for the result and errors)."""
        from ortools.linear_solver import pywraplp

        start = time.perf_counter()
        self._raise_if_infeasible_precheck()
        allowed = ~self._must_not_mask()
        stats: dict[str, Any] = {"sites": self.n_sites, "demand_points": int(self.cost.shape[0])}
        rows = self.weights > 0
        cost = self.cost[rows]
        w = self.weights[rows]
        # merge identical demand rows
        _, inverse = np.unique(cost, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        n_groups = int(inverse.max()) + 1 if len(inverse) else 0
        reps = np.zeros(n_groups, dtype=int)
        reps[inverse[::-1]] = np.arange(len(inverse))[::-1]
        cost = cost[reps]
        w = np.bincount(inverse, weights=w, minlength=n_groups)
        stats["demand_after_merge"] = n_groups
        allowed_idx = np.nonzero(allowed)[0]
        n_nearest = len(allowed_idx) - self.p + 1
        if self.rules.must:
            n_nearest = len(allowed_idx)  # a must-site may be nearer than the cut; keep exact

        hint = None
        lagrangian = -math.inf
        must = self._must_mask()
        start_set = None
        deadline = start + time_limit
        if self.rules.has_structure_rules:  # a set keeping the rules, near the demand's centre
            keeps, start_set = self._rule_selection(
                preference=(w[:, None] * cost).sum(axis=0), time_limit=min(10.0, 0.1 * time_limit)
            )
            if keeps is False:  # CP-SAT proved that no selection keeps the rules
                raise InfeasibleRulesError(
                    self.diagnose(deadline=deadline)
                    or [RuleProblem("rules", Message("selection.problem.infeasible"))]
                )
        if not self.rules.has_structure_rules or start_set is not None:
            hint = _pmedian_heuristic(
                cost,
                w,
                self.p,
                allowed,
                must,
                start=start_set,
                keeps_rules=self._rule_checker() if start_set is not None else None,
            )
            hint_value = float((w * cost[:, hint].min(axis=1)).sum())
            stats["heuristic_value"] = hint_value
            # the Lagrangian ignores quota/mix/spacing rules: dropping rules can only lower the
            # optimum, so its bound stays valid with them
            lagrangian = _pmedian_lagrangian(
                cost,
                w,
                self.p,
                allowed,
                must,
                upper=hint_value,
                seconds=min(30.0, 0.3 * time_limit),
                quotas=self._quota_groups(),
            )
            stats["lagrangian_bound"] = lagrangian
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

        solver = pywraplp.Solver.CreateSolver("SCIP")
        y = [solver.BoolVar(f"y{j}") for j in range(self.n_sites)]
        objective = solver.Objective()
        n_assign = 0
        for i in range(len(w)):
            order = allowed_idx[np.argsort(cost[i, allowed_idx], kind="stable")[:n_nearest]]
            one = solver.Constraint(1.0, 1.0)
            for j in order:
                z = solver.NumVar(0.0, 1.0, "")
                one.SetCoefficient(z, 1.0)
                link = solver.Constraint(-solver.infinity(), 0.0)
                link.SetCoefficient(z, 1.0)
                link.SetCoefficient(y[int(j)], -1.0)
                objective.SetCoefficient(z, float(w[i] * cost[i, j]))
                n_assign += 1
        objective.SetMinimization()
        self._add_rules(solver, y)
        if hint is not None:
            solver.SetHint(y, [float(v) for v in hint])
        stats["assignment_vars"] = n_assign
        params = pywraplp.MPSolverParameters()
        params.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, 1e-9)
        # the limit bounds the whole call: SCIP gets what is left (a sliver if nothing is)
        remaining = max(0.05, time_limit - (time.perf_counter() - start))
        solver.SetTimeLimit(max(1, int(remaining * 1000)))
        status = solver.Solve(params)
        if status == pywraplp.Solver.INFEASIBLE:
            raise InfeasibleRulesError(
                self.diagnose(deadline=deadline)
                or [RuleProblem("rules", Message("selection.problem.infeasible"))]
            )
        candidates = [] if hint is None else [hint]
        if status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            candidates.append(np.array([v.solution_value() > 0.5 for v in y]))
        if not candidates:
            elapsed = time.perf_counter() - start
            self.result = SelectionResult.nothing(self.model_name, elapsed, stats)
            return self.result
        # SCIP may stop (time limit) with a worse set than its warm start: keep the better one
        values = [float((self.weights * self.cost[:, c].min(axis=1)).sum()) for c in candidates]
        best = int(np.argmin(values))
        solved = status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)
        stats["scip_value"] = values[-1] if solved else None
        stats["heuristic_value"] = values[0] if hint is not None else None
        bound = max(objective.BestBound() if solved else 0.0, lagrangian)
        optimal = status == pywraplp.Solver.OPTIMAL
        # SCIP returns FEASIBLE (or nothing) only when its time limit stopped it
        stop = "gap" if optimal else "time_limit"
        return self._finish(start, candidates[best], bound, optimal, stats, stop=stop)

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
        objective_value = float((self.weights * self.cost[:, chosen].min(axis=1)).sum())
        bound = min(bound, objective_value)
        gap = (objective_value - bound) / max(abs(objective_value), _EPS)
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
            reasons=self._reasons(chosen),
            stats=stats,
            stop=stop,
        )
        return self.result

    def _reasons(self, chosen: np.ndarray) -> dict[str, Message]:
        must_not = self._must_not_mask()
        chosen_idx = np.nonzero(chosen)[0]
        w, cost = self.weights, self.cost
        total_w = max(float(w.sum()), _EPS)
        d1, gain, deltas = _swap_deltas(cost, w, chosen_idx)
        reasons: dict[str, Message] = {}
        for j in range(self.n_sites):
            if chosen[j]:
                continue
            sid = self.site_ids[j]
            if must_not[j]:
                reasons[sid] = Message("selection.reason.must_not")
                continue
            helped = round(float(w[cost[:, j] < d1].sum()))
            if -gain[j] <= 0:
                reasons[sid] = Message("selection.reason.no_one_faster")
                continue
            best_k = int(np.argmin(deltas[:, j]))
            best_delta = float(deltas[best_k, j])
            blocker = self._blocking_rule(j, chosen)
            per_person = best_delta / total_w
            site = self._label(chosen_idx[best_k])
            if best_delta >= -1e-9:
                reasons[sid] = Message(
                    "selection.reason.exchange_longer",
                    {"people": helped, "site": site, "delta": per_person},
                )
            elif blocker:
                reasons[sid] = Message(
                    "selection.reason.nearer_blocked", {"people": helped, "blocker": blocker}
                )
            else:
                reasons[sid] = Message(
                    "selection.reason.nearer_not_chosen",
                    {"people": helped, "site": site, "delta": per_person},
                )
        return reasons


def _swap_deltas(
    cost: np.ndarray, w: np.ndarray, chosen_idx: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Price every p-median swap "drop chosen ``k``, add ``j``" at once (Whitaker).

    From each demand point's nearest (``d1``) and second-nearest (``d2``) chosen site:
    ``gain[j] = Σᵢ wᵢ (min(cᵢⱼ, d1ᵢ) − d1ᵢ)`` (adding ``j``, ``≤ 0``) and ``delta[k, j] = gain[j]
    + Σ over the points whose nearest is ``k`` of wᵢ (min(cᵢⱼ, d2ᵢ) − min(cᵢⱼ, d1ᵢ))``, the
    change of the weighted cost. Returns ``d1``, ``gain`` and ``delta`` (``len(chosen_idx)`` rows).
    """
    sub = cost[:, chosen_idx]
    order = np.argsort(sub, axis=1)[:, :2]
    d1 = np.take_along_axis(sub, order[:, :1], axis=1).ravel()
    d2 = (
        np.take_along_axis(sub, order[:, 1:2], axis=1).ravel()
        if len(chosen_idx) > 1
        else np.full(len(d1), np.inf)
    )
    weights = w[:, None]
    with_j = np.minimum(cost, d1[:, None])
    gain = (weights * (with_j - d1[:, None])).sum(axis=0)
    nearest = sparse.csr_matrix(
        (np.ones(len(d1)), (order[:, 0], np.arange(len(d1)))), shape=(len(chosen_idx), len(d1))
    )
    delta = gain[None, :] + nearest @ (weights * (np.minimum(cost, d2[:, None]) - with_j))
    return d1, gain, np.asarray(delta)


def _pmedian_heuristic(
    cost: np.ndarray,
    w: np.ndarray,
    p: int,
    allowed: np.ndarray,
    must: np.ndarray,
    *,
    start: np.ndarray | None = None,
    keeps_rules: Callable[[np.ndarray], bool] | None = None,
    max_swaps: int = 10_000,
) -> np.ndarray:
    """Greedy add, then best-improvement interchange (Teitz & Bart, Whitaker's fast evaluation).

    One pass prices every swap at once (:func:`_swap_deltas`) instead of evaluating the
    objective once per swap. With ``start`` and
    ``keeps_rules`` (a selection keeping the season's rules and the test for them) only swaps
    that keep the rules are made.
    """
    if start is not None:
        mask = start.copy()
    else:
        mask = must.copy()
        current = cost[:, mask].min(axis=1) if mask.any() else np.full(cost.shape[0], np.inf)
        while mask.sum() < p:
            totals = (w[:, None] * np.minimum(current[:, None], cost)).sum(axis=0)
            totals[mask | ~allowed] = np.inf
            j = int(np.argmin(totals))
            mask[j] = True
            current = np.minimum(current, cost[:, j])
    for _ in range(max_swaps):
        chosen = np.nonzero(mask)[0]
        if len(chosen) == 0:
            break
        _d1, gain, delta = _swap_deltas(cost, w, chosen)
        delta[:, mask | ~allowed] = np.inf
        delta[must[chosen], :] = np.inf
        moved = False
        # every improving swap in turn, best first: with quotas the best ones often cross
        # districts, and stopping after a fixed number of them left improving swaps unmade
        # (region, in-region cells, 4 per district: 10.90 min and a 10 % gap; now 9.84, 0.3 %)
        for flat in np.argsort(delta, axis=None) if keeps_rules else [np.argmin(delta)]:
            k, j = divmod(int(flat), delta.shape[1])
            if delta[k, j] >= -1e-9 * max(1.0, float(np.abs(gain).max())):
                break
            trial = mask.copy()
            trial[chosen[k]], trial[j] = False, True
            if keeps_rules is None or keeps_rules(trial):
                mask, moved = trial, True
                break
        if not moved:
            break
    return mask


def _pmedian_lagrangian(
    cost: np.ndarray,
    w: np.ndarray,
    p: int,
    allowed: np.ndarray,
    must: np.ndarray,
    *,
    upper: float,
    seconds: float,
    quotas: Sequence[tuple[np.ndarray, int, int]] = (),
    iterations: int = 100_000,
) -> float:
    """Lower bound by Lagrangian relaxation of the assignment constraints (subgradient method).

    For multipliers ``λ``: ``L(λ) = Σᵢ λᵢ + Σ over the must sites and the ``p`` best others of
    ρⱼ``, with ``ρⱼ = Σᵢ min(0, wᵢ·cᵢⱼ − λᵢ)``, bounds the optimum from below (Cornuéjols, Fisher
    and Nemhauser 1977); every iterate is valid and the best is returned. ``upper`` (a known
    solution's cost) sets the Polyak step; its factor halves after 100 iterations without a better
    bound, and the multipliers are not reset to the best (on the region instance resetting after
    20 stalled iterations stopped at a 2.5 % gap, this at 0.19 %). One iteration is a pass over
    the cost matrix, so it scales where the MIP's one variable per (demand, site) pair does not.

    ``quotas`` (member mask over all sites, min, max; disjoint groups such as districts) are kept
    in the site choice: the relaxation then bounds the model with its district quotas (other
    rules are dropped, which only lowers the bound).
    """
    weighted = w[:, None] * cost[:, allowed]
    must_a = must[allowed]
    free_slots = p - int(must_a.sum())
    # start: each demand point values its second-nearest site (a classic, tight start)
    part = np.partition(weighted, min(1, weighted.shape[1] - 1), axis=1)
    lam = part[:, min(1, weighted.shape[1] - 1)].copy()
    groups = [(members[allowed], lo, hi) for members, lo, hi in quotas]
    best, theta, stall = -math.inf, 2.0, 0
    deadline = time.perf_counter() + seconds
    for _ in range(iterations):
        reduced = np.minimum(0.0, weighted - lam[:, None])
        rho = reduced.sum(axis=0)
        if groups:
            y = _cheapest_within_quotas(rho, must_a, p, groups)
        else:
            y = must_a.copy()
            if free_slots > 0:
                others = np.where(must_a, np.inf, rho)
                y[np.argpartition(others, free_slots - 1)[:free_slots]] = True
        bound = float(lam.sum() + rho[y].sum())
        if bound > best + 1e-9 * max(1.0, abs(bound)):
            best, stall = bound, 0
        else:
            stall += 1
            if stall >= 100:
                theta, stall = theta / 2, 0
        grad = 1.0 - (reduced[:, y] < 0).sum(axis=1)
        norm = float(grad @ grad)
        if norm == 0 or theta < 1e-5 or best >= upper - 1e-9 * max(1.0, abs(upper)):
            break
        if time.perf_counter() > deadline:
            break
        lam = lam + theta * max(upper - bound, 1e-9 * max(1.0, abs(upper))) / norm * grad
    return best


# ---------------------------------------------------------------------------------------------
def _cheapest_within_quotas(
    value: np.ndarray,
    must: np.ndarray,
    p: int,
    groups: Sequence[tuple[np.ndarray, int, int]],
) -> np.ndarray:
    """The ``p`` sites of least total ``value`` with the must-sites and each group's count in
    ``[min, max]``: the minimum of each group first, then the cheapest sites with room left
    (greedy is exact for disjoint groups with bounds)."""
    chosen = must.copy()
    group_of = np.full(len(value), -1)
    for g, (members, _lo, _hi) in enumerate(groups):
        group_of[members] = g
    count = [int(chosen[members].sum()) for members, _lo, _hi in groups]
    for g, (members, lo, _hi) in enumerate(groups):
        need = lo - count[g]
        if need > 0:
            pick = np.nonzero(members & ~chosen)[0]
            pick = pick[np.argsort(value[pick], kind="stable")[:need]]
            chosen[pick] = True
            count[g] += len(pick)
    for j in np.argsort(np.where(chosen, np.inf, value), kind="stable"):
        if chosen.sum() >= p or chosen[j]:
            break
        g = group_of[j]
        if g >= 0:
            if count[g] >= groups[g][2]:
                continue
            count[g] += 1
        chosen[j] = True
    return chosen


# GeoDataFrame inputs
# ---------------------------------------------------------------------------------------------


def _gdf_inputs(
    gdf_demand: Any,
    gdf_fac: Any,
    demand_col: str,
    *,
    cost: str,
    travel_model: Any,
    facility_id_col: str,
    facility_name_col: str | None,
    district_col: str | None,
    area_class_col: str | None,
    weight_factors: Mapping[str, float] | None,
    rural_factor: float,
    demand_area_class_col: str,
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Weights, ``(n_demand, n_sites)`` cost matrix and site attributes from GeoDataFrames."""
    if gdf_demand.crs is not None and gdf_fac.crs is not None and gdf_demand.crs != gdf_fac.crs:
        raise ValueError("demand and sites must share one CRS")
    weights = gdf_demand[demand_col].to_numpy(dtype=float).copy()
    for col, factor in (weight_factors or {}).items():
        weights += factor * np.nan_to_num(gdf_demand[col].to_numpy(dtype=float))
    if rural_factor != 1.0 and demand_area_class_col in gdf_demand.columns:
        rural = gdf_demand[demand_area_class_col].astype(str).to_numpy() == "rural"
        weights = np.where(rural, weights * rural_factor, weights)
    demand_xy = _xy(gdf_demand)
    site_xy = _xy(gdf_fac)
    if cost == "euclidean":
        diff = demand_xy[:, None, :] - site_xy[None, :, :]
        cost_matrix = np.sqrt((diff**2).sum(axis=2))
    elif cost == "travel_time":
        from planner.traveltime import travel_time_matrix

        cost_matrix = travel_time_matrix(site_xy, demand_xy, model=travel_model).minutes.T
    else:
        raise ValueError(f"cost must be 'travel_time' or 'euclidean', not {cost!r}")
    site_diff = site_xy[:, None, :] - site_xy[None, :, :]
    attrs: dict[str, Any] = {
        "site_ids": gdf_fac[facility_id_col].astype(str).tolist()
        if facility_id_col in gdf_fac.columns
        else [str(i) for i in range(len(gdf_fac))],
        "site_distance_m": np.sqrt((site_diff**2).sum(axis=2)),
    }
    if facility_name_col and facility_name_col in gdf_fac.columns:
        attrs["site_names"] = gdf_fac[facility_name_col].astype(str).tolist()
    if district_col and district_col in gdf_fac.columns:
        attrs["site_districts"] = gdf_fac[district_col].astype(str).tolist()
    if area_class_col and area_class_col in gdf_fac.columns:
        attrs["site_area_classes"] = gdf_fac[area_class_col].astype(str).tolist()
    return weights, cost_matrix, attrs


def _xy(gdf: Any) -> np.ndarray:
    geom = gdf.geometry
    if not (geom.geom_type == "Point").all():
        geom = geom.centroid
    return np.column_stack([geom.x.to_numpy(dtype=float), geom.y.to_numpy(dtype=float)])
