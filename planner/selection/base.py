"""The candidates and the rules, shared by both location models: checks, diagnosis, constraints.

:class:`LocationModel` holds what both :class:`~planner.selection.mclp.MaximalCovering` and
:class:`~planner.selection.pmedian.PMedian` know about the candidate sites (ids, names,
districts, urban/rural class, distances between sites) and the season's rules. It

* checks the rules cheaply before a solve (:meth:`LocationModel.check_rules`),
* names the rule(s) that make a rule set infeasible (:meth:`LocationModel.diagnose`, CP-SAT over
  the site choice alone),
* adds the rules as constraints to a SCIP or CP-SAT model (:meth:`LocationModel.add_rules`), and
* tests a chosen-site mask against them fast, for heuristics (:meth:`LocationModel.rule_checker`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from typing import Any

import numpy as np

from planner.i18n import Message
from planner.selection.rules import InfeasibleRulesError, RuleProblem, SelectionRules, rule_name

__all__ = ["EPS", "LocationModel"]

#: Tolerance of the comparisons of objective values and bounds.
EPS = 1e-9


class LocationModel:
    """Candidates with their attributes and the rules (shared by both models).

    Parameters
    ----------
    weights
        Demand weight per demand point (finite, non-negative).
    p_facilities
        Number of sites to choose (at least 1).
    site_ids
        Unique site ids.
    site_names, site_districts, site_area_classes
        Per-site attributes (names default to the ids); districts and classes are needed for
        quotas and the urban/rural mix.
    site_distance_m
        ``(n_sites, n_sites)`` metres, needed for a minimum-spacing rule.
    rules
        The season's rules (default: none).
    name
        Problem name.
    """

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
        self.site_districts = _labels(site_districts)
        self.site_area_classes = _labels(site_area_classes)
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

    # -- sites -------------------------------------------------------------------------------

    @property
    def n_sites(self) -> int:
        """Number of candidate sites."""
        return len(self.site_ids)

    def label(self, j: int) -> str:
        """Site ``j`` as people read it: its name, with the id where the two differ."""
        name = self.site_names[j]
        return name if name == self.site_ids[j] else f"{name} ({self.site_ids[j]})"

    def indices(self, ids: Collection[str], rule: str) -> np.ndarray:
        """Sorted indices of the site ids ``ids``; an unknown id is a problem of ``rule``."""
        unknown = [s for s in ids if s not in self._index]
        if unknown:
            problem = RuleProblem.of(
                rule, "unknown_ids", rule=rule_name(rule), ids=", ".join(map(str, unknown))
            )
            raise InfeasibleRulesError([problem])
        return np.array(sorted(self._index[s] for s in ids), dtype=int)

    def must_mask(self) -> np.ndarray:
        """Boolean per site: it must be chosen."""
        mask = np.zeros(self.n_sites, dtype=bool)
        mask[self.indices(self.rules.must, "must")] = True
        return mask

    def must_not_mask(self) -> np.ndarray:
        """Boolean per site: it must not be chosen."""
        mask = np.zeros(self.n_sites, dtype=bool)
        mask[self.indices(self.rules.must_not, "must_not")] = True
        return mask

    def conflict_pairs(self) -> list[tuple[int, int]]:
        """Pairs of sites closer than the minimum spacing."""
        spacing = self.rules.min_spacing_m
        if not spacing:
            return []
        if self.site_distance_m is None:
            raise ValueError("min_spacing_m needs site_distance_m (site × site metres)")
        close = np.triu(self.site_distance_m < spacing, k=1)
        rows, cols = np.nonzero(close)
        return list(zip(rows.tolist(), cols.tolist(), strict=True))

    def quota_groups(self) -> list[tuple[np.ndarray, int, int]]:
        """Per district quota: its member sites, min and max."""
        if self.site_districts is None:
            return []
        return [
            (self.site_districts == district, *self.rules.quota_range(district))
            for district in self.rules.district_quotas
        ]

    # -- cheap checks ------------------------------------------------------------------------

    def check_rules(self) -> list[RuleProblem]:
        """Cheap pre-check of the rule set; each problem names its rule.

        Returns
        -------
        list of RuleProblem
            Empty when no obvious conflict was found (the solver may still find a subtler one,
            which :meth:`diagnose` then names).
        """
        try:
            must, must_not = self.must_mask(), self.must_not_mask()
        except InfeasibleRulesError as exc:
            return exc.problems
        available = ~must_not
        return [
            *self._check_must(must, must_not),
            *self._check_quotas(must, must_not),
            *self._check_mix(available),
            *self._check_spacing(must, available),
        ]

    def _check_must(self, must: np.ndarray, must_not: np.ndarray) -> list[RuleProblem]:
        """Sites both must and must-not; more must-sites than ``p``; fewer allowed than ``p``."""
        problems, p = [], self.p
        both = np.nonzero(must & must_not)[0]
        if len(both):
            names = ", ".join(self.label(int(j)) for j in both)
            problems.append(RuleProblem.of("must + must_not", "must_and_must_not", names=names))
        if must.sum() > p:
            problems.append(RuleProblem.of("must", "too_many_must", n=int(must.sum()), p=p))
        if (~must_not).sum() < p:
            n = int((~must_not).sum())
            problems.append(RuleProblem.of("must_not", "too_few_available", n=n, p=p))
        return problems

    def _check_quotas(self, must: np.ndarray, must_not: np.ndarray) -> list[RuleProblem]:
        """Each district quota against its candidates, and the quotas' sum against ``p``."""
        rules, p = self.rules, self.p
        if not rules.district_quotas:
            return []
        if self.site_districts is None:
            return [RuleProblem.of("district_quotas", "quota_needs_districts")]
        problems: list[RuleProblem] = []
        available = ~must_not
        lo_sum = hi_sum = 0
        for district in rules.district_quotas:
            lo, hi = rules.quota_range(district)
            lo_sum, hi_sum = lo_sum + lo, hi_sum + hi
            rule = f"district_quota[{district}]"
            in_district = self.site_districts == district
            n_available = int((in_district & available).sum())
            if lo > hi:
                problems.append(
                    RuleProblem.of(rule, "quota_min_over_max", district=district, lo=lo, hi=hi)
                )
            if not in_district.any():
                problems.append(RuleProblem.of(rule, "quota_no_candidate", district=district))
            elif lo > n_available:
                excluded = (in_district & must_not).any()
                key = "quota_too_few_after_must_not" if excluded else "quota_too_few"
                problems.append(
                    RuleProblem.of(rule, key, district=district, quota=lo, n=n_available)
                )
            n_must = int((in_district & must).sum())
            if n_must > hi:
                problems.append(
                    RuleProblem.of(rule, "quota_must_over", district=district, n=n_must, hi=hi)
                )
        if lo_sum > p:
            problems.append(RuleProblem.of("district_quotas", "quotas_sum_over", n=lo_sum, p=p))
        # only when every allowed site lies in a district with a quota do the maxima cap p
        covered_all = set(rules.district_quotas) >= set(self.site_districts[available])
        if covered_all and hi_sum < p:
            problems.append(RuleProblem.of("district_quotas", "quotas_sum_under", n=hi_sum, p=p))
        return problems

    def _check_mix(self, available: np.ndarray) -> list[RuleProblem]:
        """The urban and rural minimums against the allowed sites of each class and ``p``."""
        rules, problems = self.rules, []
        for area_class, minimum in (("urban", rules.min_urban), ("rural", rules.min_rural)):
            if not minimum:
                continue
            rule = f"min_{area_class}"
            if self.site_area_classes is None:
                problems.append(RuleProblem.of(rule, "mix_needs_classes"))
                continue
            n_available = int(((self.site_area_classes == area_class) & available).sum())
            if minimum > n_available:
                problems.append(
                    RuleProblem.of(rule, f"too_few_{area_class}", minimum=minimum, n=n_available)
                )
        if rules.min_urban + rules.min_rural > self.p:
            problems.append(
                RuleProblem.of(
                    "urban_rural_mix",
                    "mix_over_p",
                    urban=rules.min_urban,
                    rural=rules.min_rural,
                    p=self.p,
                )
            )
        return problems

    def _check_spacing(self, must: np.ndarray, available: np.ndarray) -> list[RuleProblem]:
        """Two must-sites too close; fewer far-enough-apart groups of sites than ``p``."""
        spacing = self.rules.min_spacing_m
        if not spacing:
            return []
        if self.site_distance_m is None:
            return [RuleProblem.of("min_spacing", "spacing_needs_distances")]
        problems = [
            RuleProblem.of(
                "min_spacing",
                "spacing_must_close",
                a=self.label(a),
                b=self.label(b),
                metres=float(spacing),
            )
            for a, b in self.conflict_pairs()
            if must[a] and must[b]
        ]
        if available.sum() >= self.p:
            most = self.spacing_capacity(np.nonzero(available)[0], limit=self.p)
            if most < self.p:
                problems.append(
                    RuleProblem.of(
                        "min_spacing", "spacing_too_few", n=most, p=self.p, metres=float(spacing)
                    )
                )
        return problems

    def spacing_capacity(self, candidates: np.ndarray, *, limit: int) -> int:
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

    def check_before_solving(self) -> None:
        """Raise :class:`InfeasibleRulesError` for a rule the cheap checks show cannot hold."""
        problems = self.check_rules()
        if problems:
            raise InfeasibleRulesError(problems)

    # -- constraints -------------------------------------------------------------------------

    def add_rules(
        self,
        model: Any,
        is_chosen: Sequence[Any],
        *,
        sites: np.ndarray | None = None,
        dropped: Collection[str] = (),
        exact_p: bool = True,
    ) -> None:
        """Add the rules to a pywraplp solver or a CP-SAT model (both accept ``Add``).

        Parameters
        ----------
        model
            The solver or model.
        is_chosen
            One 0/1 variable per site of ``sites``.
        sites
            The site index each variable stands for (default: every site, in order). Sites left
            out were dropped in preprocessing: rules on them hold already (a must-not site) or
            cannot be kept (a must site: ``RuntimeError``).
        dropped
            Rule groups (:meth:`SelectionRules.groups`) to leave out, for a diagnosis.
        exact_p
            Whether to require exactly ``p`` chosen sites.
        """
        add, rules = model.Add, self.rules
        index = np.arange(self.n_sites) if sites is None else np.asarray(sites)
        position = {int(j): k for k, j in enumerate(index)}
        # the number of stops
        if exact_p:
            add(sum(is_chosen) == self.p)
        # must and must-not sites
        if "must" not in dropped:
            for j in self.indices(rules.must, "must"):
                k = position.get(int(j))
                if k is None:
                    raise RuntimeError(f"must-site {self.site_ids[j]} was removed in preprocessing")
                add(is_chosen[k] == 1)
        if "must_not" not in dropped:
            for j in self.indices(rules.must_not, "must_not"):
                if (k := position.get(int(j))) is not None:
                    add(is_chosen[k] == 0)
        # district quotas: an exact number, or between a minimum and a maximum
        if self.site_districts is not None:
            districts = self.site_districts[index]
            for district in rules.district_quotas:
                if f"district_quota[{district}]" in dropped:
                    continue
                lo, hi = rules.quota_range(district)
                in_district = sum(is_chosen[int(k)] for k in np.nonzero(districts == district)[0])
                if lo == hi:
                    add(in_district == lo)
                else:
                    add(in_district >= lo)
                    add(in_district <= hi)
        # urban/rural mix: at least so many of each class
        if self.site_area_classes is not None and "urban_rural_mix" not in dropped:
            classes = self.site_area_classes[index]
            for area_class, minimum in (("urban", rules.min_urban), ("rural", rules.min_rural)):
                if minimum:
                    members = np.nonzero(classes == area_class)[0]
                    add(sum(is_chosen[int(k)] for k in members) >= minimum)
        # spacing: of two sites closer than the minimum, at most one
        if rules.min_spacing_m and "min_spacing" not in dropped:
            for a, b in self.conflict_pairs():
                ka, kb = position.get(a), position.get(b)
                if ka is not None and kb is not None:
                    add(is_chosen[ka] + is_chosen[kb] <= 1)

    def rule_checker(self) -> Callable[[np.ndarray], bool]:
        """A fast test whether a chosen-site mask keeps every rule, for heuristics to swap with
        (the rule data is gathered once, each call is a few vector operations)."""
        rules, p = self.rules, self.p
        must, must_not = self.must_mask(), self.must_not_mask()
        counts = self.quota_groups()
        if self.site_area_classes is not None:
            for area_class, minimum in (("urban", rules.min_urban), ("rural", rules.min_rural)):
                if minimum:
                    counts.append((self.site_area_classes == area_class, minimum, p))
        pairs = np.array(self.conflict_pairs() if rules.min_spacing_m else [], dtype=int)
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

    # -- feasibility and diagnosis (CP-SAT over the site choice alone) ------------------------

    def rule_selection(
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
        from ortools.sat.python import cp_model  # loaded on first use: a second or so

        model = cp_model.CpModel()
        is_chosen = [model.new_bool_var(f"is_chosen_{j}") for j in range(self.n_sites)]
        self.add_rules(model, is_chosen, dropped=dropped, exact_p="sites_total" not in dropped)
        if preference is not None:
            # CP-SAT takes whole coefficients: the preference scaled to 0 … 1,000,000
            spread = max(float(np.ptp(preference)), EPS)
            scaled = np.round(1e6 * (preference - preference.min()) / spread).astype(int)
            model.minimize(sum(int(c) * v for c, v in zip(scaled, is_chosen, strict=True)))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = time_limit
        solver.parameters.num_workers = 1
        status = solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return True, np.array([bool(solver.value(v)) for v in is_chosen])
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
        return self.rule_selection(dropped=dropped, time_limit=time_limit)[0]

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
        groups = self.rules.groups()
        singles = [g for g in groups if self._feasible_without({g}, deadline=deadline)]
        if singles:
            return [RuleProblem.of(g, "drop_one", rule=rule_name(g)) for g in singles]
        pairs = [
            (a, b)
            for k, a in enumerate(groups)
            for b in groups[k + 1 :]
            if self._feasible_without({a, b}, deadline=deadline)
        ]
        if pairs:
            return [
                RuleProblem.of(f"{a} + {b}", "drop_two", a=rule_name(a), b=rule_name(b))
                for a, b in pairs
            ]
        if deadline is not None and time.perf_counter() >= deadline:
            return []  # proven infeasible, but no time left to say which rule
        return [RuleProblem("rules", Message("selection.problem.none_feasible"))]

    def infeasible(self, *, deadline: float | None = None) -> InfeasibleRulesError:
        """The error for a rule set a solver proved infeasible, naming the rule(s) where the
        diagnosis can within the ``deadline``."""
        problems = self.diagnose(deadline=deadline)
        return InfeasibleRulesError(
            problems or [RuleProblem("rules", Message("selection.problem.infeasible"))]
        )


def _labels(values: Sequence[str] | None) -> np.ndarray | None:
    """Per-site text labels (districts, classes) as an object array for vector comparisons."""
    return np.asarray([str(v) for v in values], dtype=object) if values is not None else None
