"""Why a candidate was not chosen, in words a planner understands.

Every candidate left out gets one structured message (translated by
:meth:`planner.selection.SelectionResult.reason`), from the best single exchange with a chosen
site, priced exactly:

* MCLP (:func:`covering_reasons`): the people the site would add, the people the exchanged site
  alone reaches, and the net change — or that the people it reaches are reached already;
* p-median (:func:`median_reasons`): the people it is nearer to, and how the average trip would
  change;

and, where the exchange would pay, the rule that stops it (:func:`blocking_rule`: spacing, a full
district quota).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from planner.i18n import Message
from planner.selection.base import EPS, LocationModel
from planner.selection.interchange import swap_deltas

__all__ = ["blocking_rule", "covering_reasons", "median_reasons"]


def blocking_rule(model: LocationModel, j: int, chosen: np.ndarray) -> Message | None:
    """A rule that stops site ``j`` from joining the chosen set (spacing, a full quota)."""
    rules = model.rules
    chosen_idx = np.nonzero(chosen)[0]
    if rules.min_spacing_m and model.site_distance_m is not None:
        dist = model.site_distance_m
        close = [int(k) for k in chosen_idx if dist[j, k] < rules.min_spacing_m]
        if close:
            k = min(close, key=lambda c: float(dist[j, c]))
            return Message(
                "selection.reason.too_close",
                {
                    "site": model.label(k),
                    "metres": float(dist[j, k]),
                    "spacing": float(rules.min_spacing_m),
                },
            )
    if model.site_districts is not None and model.site_districts[j] in rules.district_quotas:
        district = str(model.site_districts[j])
        _lo, hi = rules.quota_range(district)
        n_in = int((model.site_districts[chosen_idx] == district).sum())
        if n_in >= hi:
            return Message("selection.reason.quota_full", {"district": district, "quota": hi})
    return None


# -- MCLP --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Exchanges:
    """The figures that price every MCLP exchange "drop the k-th chosen site, add j" at once."""

    #: Indices of the chosen sites.
    chosen_idx: np.ndarray
    #: Per site: weight it covers in all.
    reach: np.ndarray
    #: Per site: uncovered weight it would add.
    gain: np.ndarray
    #: Per chosen site: weight only it covers.
    loss: np.ndarray
    #: ``(k, sites)``: weight only the k-th chosen site covers that site j covers too.
    correction: np.ndarray
    #: ``(k, sites)``: weight the k-th chosen site and site j both cover.
    overlap_to: np.ndarray

    @classmethod
    def of(cls, coverage: sparse.spmatrix, w: np.ndarray, chosen: np.ndarray) -> _Exchanges:
        cov = coverage.tocsc()
        chosen_idx = np.nonzero(chosen)[0]
        count = np.asarray(cov[:, chosen_idx].sum(axis=1)).ravel()
        uncovered = w * (count == 0)
        # weight covered only by the k-th chosen site: column k
        sole_rows = count == 1
        sole_matrix = cov[:, chosen_idx].multiply(sole_rows[:, None]).multiply(w[:, None]).tocsc()
        return cls(
            chosen_idx=chosen_idx,
            reach=np.asarray(cov.T @ w).ravel(),
            gain=np.asarray(cov.T @ uncovered).ravel(),
            loss=np.asarray(sole_matrix.sum(axis=0)).ravel(),
            correction=(sole_matrix.T @ cov).toarray(),
            overlap_to=(cov[:, chosen_idx].multiply(w[:, None]).T @ cov).toarray(),
        )


def covering_reasons(
    model: LocationModel, coverage: sparse.spmatrix, chosen: np.ndarray
) -> dict[str, Message]:
    """Why each candidate of an MCLP that is not in ``chosen`` was left out.

    Parameters
    ----------
    model
        The model (sites, weights, rules).
    coverage
        Its ``(n_demand, n_sites)`` 0/1 coverage matrix.
    chosen
        Chosen-site mask.
    """
    must_not = model.must_not_mask()
    figures = _Exchanges.of(coverage, model.weights, chosen)
    reasons: dict[str, Message] = {}
    for j in range(model.n_sites):
        if chosen[j]:
            continue
        if must_not[j]:
            reasons[model.site_ids[j]] = Message("selection.reason.must_not")
        elif figures.reach[j] <= 0:
            reasons[model.site_ids[j]] = Message("selection.reason.reaches_no_one")
        elif len(figures.chosen_idx) == 0:
            reasons[model.site_ids[j]] = Message("selection.reason.none_chosen")
        elif figures.gain[j] <= 0:
            reasons[model.site_ids[j]] = _reached_already(model, figures, j)
        else:
            reasons[model.site_ids[j]] = _exchange_reason(model, figures, chosen, j)
    return reasons


def _reached_already(model: LocationModel, figures: _Exchanges, j: int) -> Message:
    """Site ``j`` adds no one: the chosen site(s) that reach its people already."""
    reach, overlap_to, chosen_idx = figures.reach, figures.overlap_to, figures.chosen_idx
    k = int(np.argmax(overlap_to[:, j]))
    if overlap_to[k, j] >= reach[j] - 1e-6:
        return Message(
            "selection.reason.same_people",
            {"people": round(reach[j]), "site": model.label(chosen_idx[k])},
        )
    shares = np.argsort(-overlap_to[:, j])[:3]
    names = ", ".join(model.label(chosen_idx[s]) for s in shares if overlap_to[s, j] > 0)
    return Message("selection.reason.already_reached", {"people": round(reach[j]), "sites": names})


def _exchange_reason(
    model: LocationModel, figures: _Exchanges, chosen: np.ndarray, j: int
) -> Message:
    """Site ``j`` adds people: the best exchange loses more, or a rule stops it, or it would
    pay but the optimum found does not take it."""
    chosen_idx, gain = figures.chosen_idx, figures.gain
    delta = gain[j] - figures.loss + figures.correction[:, j]
    # with quotas, an exchange within the district is the one that keeps them
    eligible = np.ones(len(chosen_idx), dtype=bool)
    districts = model.site_districts
    if model.rules.district_quotas and districts is not None:
        same = districts[chosen_idx] == districts[j]
        if str(districts[j]) in model.rules.district_quotas and same.any():
            eligible = same
    delta_e = np.where(eligible, delta, -np.inf)
    k = int(np.argmax(delta_e))
    blocker = blocking_rule(model, j, chosen)
    site = model.label(chosen_idx[k])
    if delta_e[k] <= 1e-9:
        return Message(
            "selection.reason.exchange_loses",
            {
                "gain": round(gain[j]),
                "site": site,
                "loss": round(gain[j] - delta_e[k]),
                "net": round(delta_e[k]),
            },
        )
    if blocker:
        return Message("selection.reason.blocked", {"gain": round(gain[j]), "blocker": blocker})
    return Message(
        "selection.reason.not_chosen",
        {"gain": round(gain[j]), "site": site, "net": round(delta_e[k])},
    )


# -- p-median ----------------------------------------------------------------------------------


def median_reasons(
    model: LocationModel, cost: np.ndarray, chosen: np.ndarray
) -> dict[str, Message]:
    """Why each candidate of a p-median that is not in ``chosen`` was left out.

    Parameters
    ----------
    model
        The model (sites, weights, rules).
    cost
        Its ``(n_demand, n_sites)`` cost matrix.
    chosen
        Chosen-site mask.
    """
    must_not = model.must_not_mask()
    chosen_idx = np.nonzero(chosen)[0]
    w = model.weights
    total_w = max(float(w.sum()), EPS)
    d1, gain, deltas = swap_deltas(cost, w, chosen_idx)
    reasons: dict[str, Message] = {}
    for j in range(model.n_sites):
        if chosen[j]:
            continue
        sid = model.site_ids[j]
        if must_not[j]:
            reasons[sid] = Message("selection.reason.must_not")
            continue
        helped = round(float(w[cost[:, j] < d1].sum()))
        if -gain[j] <= 0:
            reasons[sid] = Message("selection.reason.no_one_faster")
            continue
        best_k = int(np.argmin(deltas[:, j]))
        best_delta = float(deltas[best_k, j])
        blocker = blocking_rule(model, j, chosen)
        per_person = best_delta / total_w
        site = model.label(chosen_idx[best_k])
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
