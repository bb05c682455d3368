"""Why a site ranks where it does: its score's parts, a side-by-side comparison, rank stability."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner.i18n import Message, Value
from planner.scoring.criteria import SiteCriteria
from planner.scoring.errors import ScoringOptionError
from planner.scoring.score import competition_ranks, score_sites, scores
from planner.scoring.weights import CRITERIA, weight_vector

__all__ = [
    "SensitivityReport",
    "SiteComparison",
    "SiteExplanation",
    "compare_sites",
    "explain_site",
    "weight_sensitivity",
]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# --- one site's score -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteExplanation:
    """Why a site has its score and rank.

    ``parts`` has one row per criterion: criterion, label, value (as shown), normalised,
    weight_share, points, max_points, unknown. ``text`` are sentences for planners, as messages
    to show in either language. ``group`` is the site's Amt or city area and ``last_visit`` the
    group's last season with a stop (None: unknown group, or never); ``city_last_visit`` is a
    city area's city's last visit counting stops whose area is unknown (else None).
    """

    site_id: str
    name: str
    rank: int
    n_sites: int
    score: float
    parts: pd.DataFrame
    text: list[Message]
    group: str | None = None
    last_visit: int | None = None
    city_last_visit: int | None = None


def _visit_facts(criteria: SiteCriteria, pos: int) -> tuple[str | None, int | None, int | None]:
    """The site's fairness group, its last visit and its city's last visit (None where the
    criteria have none)."""
    row = criteria.sites.iloc[pos]

    def known(name: str) -> Any:
        value = row.get(name)
        return None if value is None or pd.isna(value) else value

    group, last, city = known("group"), known("last_visit"), known("city_last_visit")
    return (
        None if group is None else str(group),
        None if last is None else int(last),
        None if city is None else int(city),
    )


def explain_site(
    criteria: SiteCriteria,
    weights: Mapping[str, float],
    site_id: str,
    *,
    ranking: pd.DataFrame | None = None,
) -> SiteExplanation:
    """Break a site's score into its parts and compare it with its neighbours in the ranking.

    ``ranking`` is :func:`score_sites` of the same criteria and weights when the caller has it
    already (a page re-ranking on every slider move): it is not computed a second time.
    """
    ranking = score_sites(criteria, weights) if ranking is None else _with_site_id(ranking)
    vec = weight_vector(weights)
    shares = vec / vec.sum()
    pos = criteria.position(site_id)
    row = ranking[ranking["site_id"] == site_id].iloc[0]
    rank, score = int(row["rank"]), float(row["score"])
    name = str(criteria.sites.iloc[pos].get("name", site_id))
    parts = pd.DataFrame(
        {
            "criterion": list(CRITERIA),
            "label": [c.label for c in CRITERIA.values()],
            "value": [criteria.display.iloc[pos][k] for k in CRITERIA],
            "normalised": criteria.normalised.iloc[pos][list(CRITERIA)].to_numpy(float),
            "weight_share": shares,
            "points": [float(row[f"pts_{k}"]) for k in CRITERIA],
            "max_points": 100.0 * shares,
            "unknown": criteria.unknown.iloc[pos][list(CRITERIA)].to_numpy(bool),
        }
    )
    rank_params = {
        "name": name,
        "rank": rank,
        "ordinal": _ordinal(rank),
        "n": len(ranking),
        "score": score,
    }
    weighted = parts[parts["weight_share"] > 0]
    text = [Message("explain.rank", rank_params), _top_parts(weighted), _missed_parts(weighted)]
    unknown = weighted[weighted["unknown"]]
    if len(unknown):
        labels = [Message(f"ui.crit.{c}") for c in unknown["criterion"]]
        text.append(Message("explain.unknown", {"labels": labels}))
    text.extend(_against_neighbours(ranking, row, site_id))
    group, last, city = _visit_facts(criteria, pos)
    return SiteExplanation(site_id, name, rank, len(ranking), score, parts, text, group, last, city)


def _with_site_id(ranking: pd.DataFrame) -> pd.DataFrame:
    """A ranking in :func:`score_sites`' shape: ``site_id`` a column, sorted by rank."""
    if "site_id" not in ranking.columns:
        ranking = ranking.reset_index()
    return ranking.sort_values(["rank", "site_id"], kind="stable").reset_index(drop=True)


def _top_parts(weighted: pd.DataFrame) -> Message:
    """The three criteria that gave the most points."""
    top = weighted.sort_values("points", ascending=False).head(3)
    parts = [
        Message(
            "explain.part",
            {
                "label": Message(f"ui.crit.{crit}"),
                "points": float(points),
                "max_points": float(max_points),
                "value": Value(value),
            },
        )
        for crit, points, max_points, value in zip(
            top["criterion"], top["points"], top["max_points"], top["value"], strict=True
        )
    ]
    return Message("explain.top", {"parts": parts})


def _missed_parts(weighted: pd.DataFrame) -> Message:
    """The two criteria on which the most points were missed."""
    missed = (
        weighted.assign(missed=weighted["max_points"] - weighted["points"])
        .sort_values("missed", ascending=False)
        .head(2)
    )
    parts = [
        Message("explain.missed_part", {"label": Message(f"ui.crit.{crit}"), "missed": float(gap)})
        for crit, gap in zip(missed["criterion"], missed["missed"], strict=True)
    ]
    return Message("explain.missed", {"parts": parts})


def _against_neighbours(ranking: pd.DataFrame, row: pd.Series, site_id: str) -> list[Message]:
    """What puts the site behind the one above it and ahead of the one below it."""
    score = float(row["score"])
    idx = int(np.nonzero(ranking["site_id"].to_numpy() == site_id)[0][0])
    text: list[Message] = []
    for other_idx, key in ((idx - 1, "explain.behind"), (idx + 1, "explain.ahead")):
        if not 0 <= other_idx < len(ranking):
            continue
        other = ranking.iloc[other_idx]
        diffs = {k: float(row[f"pts_{k}"] - other[f"pts_{k}"]) for k in CRITERIA}
        # Behind: where it loses most; ahead: where it gains most.
        pick = min if key == "explain.behind" else max
        crit = pick(diffs, key=lambda k: diffs[k])
        text.append(
            Message(
                key,
                {
                    "other": str(other.get("name", other["site_id"])),
                    "rank": int(other["rank"]),
                    "ordinal": _ordinal(int(other["rank"])),
                    "score": float(other["score"]),
                    "diff": abs(score - float(other["score"])),
                    "label": Message(f"ui.crit.{crit}"),
                    "delta": diffs[crit],
                },
            )
        )
    return text


# --- sites side by side ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteComparison:
    """Side-by-side view of 2–4 sites.

    Attributes
    ----------
    criteria
        Rows = criteria labels (+ score and rank when weights were given), columns = site ids.
    exclusive
        Per site: people reached by car / on foot, and of them reached by none of the others
        (also 65+ and under 18 for the car catchment).
    overlap
        People reached by car by both sites of each pair (site × site).
    text
        One message per site on what it adds that the others do not.
    visits
        Per site (index site_id): ``group`` (Amt or city area), ``last_visit`` and
        ``city_last_visit`` (see :class:`SiteExplanation`; None where unknown or never).
    """

    site_ids: list[str]
    criteria: pd.DataFrame
    exclusive: pd.DataFrame
    overlap: pd.DataFrame
    text: list[Message]
    visits: pd.DataFrame = field(default_factory=pd.DataFrame)


def compare_sites(
    criteria: SiteCriteria,
    site_ids: Sequence[str],
    *,
    weights: Mapping[str, float] | None = None,
    ranking: pd.DataFrame | None = None,
) -> SiteComparison:
    """Compare 2–4 sites: all criteria, their catchments and what each adds alone.

    ``ranking`` is :func:`score_sites` of the same criteria and ``weights`` when the caller has
    it already: it is not computed a second time.
    """
    ids = [str(s) for s in site_ids]
    if not 2 <= len(ids) <= 4:
        raise ScoringOptionError("compare 2 to 4 sites")
    if len(set(ids)) != len(ids):
        raise ScoringOptionError("the compared sites must differ")
    pos = [criteria.position(s) for s in ids]
    table = pd.DataFrame(
        {s: [criteria.display.iloc[p][k] for k in CRITERIA] for s, p in zip(ids, pos, strict=True)},
        index=[c.label for c in CRITERIA.values()],
    )
    if weights is not None:
        ranking = score_sites(criteria, weights) if ranking is None else _with_site_id(ranking)
        ranking = ranking.set_index("site_id")
        score_col = ranking["score"].to_dict()
        rank_col = ranking["rank"].to_dict()
        table.loc["Score"] = [round(float(score_col[s]), 1) for s in ids]
        table.loc["Rank"] = [int(rank_col[s]) for s in ids]
    car = criteria.catchment_car[pos].toarray()
    walk = criteria.catchment_walk[pos].toarray()
    pop = criteria.cell_population
    names = [str(criteria.sites.iloc[p].get("name", s)) for s, p in zip(ids, pos, strict=True)]
    rows, text = [], []
    for k, s in enumerate(ids):
        row = _alone(criteria, car, walk, k)
        rows.append({"site_id": s, "name": names[k], **row})
        text.append(
            Message(
                "explain.compare_adds",
                {
                    "name": names[k],
                    "reached": row["reached_car"],
                    "minutes": float(criteria.params["threshold_min"]),
                    "only": row["only_this_car"],
                    "rural": row["only_this_car_rural"],
                },
            )
        )
    overlap = pd.DataFrame(
        [[float(pop[car[a] & car[b]].sum()) for b in range(len(ids))] for a in range(len(ids))],
        index=ids,
        columns=ids,
    )
    visits = pd.DataFrame(
        [_visit_facts(criteria, p) for p in pos],
        columns=["group", "last_visit", "city_last_visit"],
        index=pd.Index(ids, name="site_id"),
    )
    return SiteComparison(ids, table, pd.DataFrame(rows), overlap, text, visits)


def _alone(criteria: SiteCriteria, car: np.ndarray, walk: np.ndarray, k: int) -> dict[str, float]:
    """People site ``k`` reaches, and of them the ones none of the other compared sites reaches."""
    pop = criteria.cell_population
    only_car = car[k] & ~np.delete(car, k, axis=0).any(axis=0)
    only_walk = walk[k] & ~np.delete(walk, k, axis=0).any(axis=0)
    return {
        "reached_car": float(pop[car[k]].sum()),
        "only_this_car": float(pop[only_car].sum()),
        "only_this_car_65plus": float(criteria.cell_pop65[only_car].sum()),
        "only_this_car_under18": float(criteria.cell_u18[only_car].sum()),
        "only_this_car_rural": float((pop * criteria.cell_rural)[only_car].sum()),
        "reached_walk": float(pop[walk[k]].sum()),
        "only_this_walk": float(pop[only_walk].sum()),
    }


# --- rank stability -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SensitivityReport:
    """How stable the ranking is when the weights move.

    Attributes
    ----------
    sites
        Per site (sorted by base rank): site_id, name, base_rank, best_rank, worst_rank,
        share_top_n (share of weight scenarios in which it is in the top N).
    stable_top
        Sites in the top N under every scenario.
    base_top
        The top N with the planner's weights.
    scenarios
        Number of weight scenarios evaluated (base, each weight ± change, random joint moves).
    """

    sites: pd.DataFrame
    stable_top: list[str]
    base_top: list[str]
    top_n: int
    change: float
    scenarios: int


def weight_sensitivity(
    criteria: SiteCriteria,
    weights: Mapping[str, float],
    *,
    change: float = 0.2,
    top_n: int = 10,
    n_random: int = 200,
    seed: int = 0,
) -> SensitivityReport:
    """Re-rank under weight changes of ±``change`` (each weight alone, and all jointly at random).

    Uses only the normalised criteria, so hundreds of scenarios take milliseconds.
    """
    if not 0 <= change < 1:
        raise ScoringOptionError("change must be in [0, 1)")
    matrix = _weight_scenarios(weight_vector(weights), change=change, n_random=n_random, seed=seed)
    ranks = competition_ranks(scores(criteria, matrix))
    in_top = ranks <= top_n
    out = criteria.sites.copy()
    out["base_rank"] = ranks[:, 0]
    out["best_rank"] = ranks.min(axis=1)
    out["worst_rank"] = ranks.max(axis=1)
    out["share_top_n"] = in_top.mean(axis=1)
    out = out.reset_index().sort_values(["base_rank", "site_id"], kind="stable")
    ids = np.asarray(criteria.site_ids, dtype=object)
    base_order = np.lexsort((ids, ranks[:, 0]))
    return SensitivityReport(
        sites=out.reset_index(drop=True),
        stable_top=[str(s) for s in ids[base_order] if in_top[criteria.position(str(s))].all()],
        base_top=[str(s) for s in ids[base_order] if ranks[criteria.position(str(s)), 0] <= top_n],
        top_n=top_n,
        change=change,
        scenarios=matrix.shape[1],
    )


def _weight_scenarios(base: np.ndarray, *, change: float, n_random: int, seed: int) -> np.ndarray:
    """Weight vectors as columns: the base, each weight alone ±``change``, random joint moves."""
    scenarios = [base]
    for k in np.nonzero(base > 0)[0]:
        for factor in (1 - change, 1 + change):
            w = base.copy()
            w[k] *= factor
            scenarios.append(w)
    rng = np.random.default_rng(seed)
    if n_random:
        factors = rng.uniform(1 - change, 1 + change, size=(n_random, len(base)))
        scenarios.extend(base[None, :] * factors)
    return np.column_stack(scenarios)
