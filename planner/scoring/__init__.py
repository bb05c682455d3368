"""Scoring candidate sites: criteria from the region data, transparent normalisation, weights.

Two steps, so that moving a weight slider re-ranks instantly:

1. :func:`compute_criteria` (slow part, once per site set and threshold): for every candidate,
   the raw criteria from the data, their normalised values (0..1) and the catchments.
2. :func:`score_sites` (fast: one matrix product): planner weights → score 0..100 and rank.

Criteria (key — meaning):

==================  ================================================================================
``pop_car``         people (Zensus 2022 cells) within the car threshold (default 15 min)
``pop65_car``       of those, aged 65 and over
``pop_u18_car``     of those, under 18
``rural_share``     share of the people reached who live in rural municipalities (0..1)
``pop_walk``        people within walking distance (cell centre ≤ 1 km straight line)
``gap_km``          straight-line km to the nearest already-chosen or past stop (novelty)
``transit_stops``   public-transport stops within 500 m
``rail``            a railway station within 1 km (1 = yes)
``power``           mains power on site (planner fact: yes / no / unknown)
``space``           usable space in m² (planner fact; unknown when not entered)
``visibility``      visibility of the site (planner fact: low / medium / high / unknown)
``availability``    available for the season (planner fact from the availability dates)
==================  ================================================================================

Normalisation (``method="minmax"``, default): ``(value - lowest) / (highest - lowest)`` over the
candidates, so 0 is the weakest candidate on that criterion and 1 the strongest; a criterion on
which all candidates are equal gets 0.5 everywhere (it cannot change the ranking). With
``method="rank"`` each value becomes its percentile rank (robust against Kiel's very large
catchments). Facts entered as *unknown* get the neutral value ``unknown_value`` (default 0.5) and
are flagged as unknown in every breakdown. The score is ``100 × Σ wᵢ·nᵢ / Σ wᵢ``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree

from planner.i18n import Message, Value
from planner.notation import NotationError, parse_date

__all__ = [
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "CriterionSpec",
    "SensitivityReport",
    "SiteComparison",
    "SiteCriteria",
    "SiteExplanation",
    "compare_sites",
    "compute_criteria",
    "explain_site",
    "score_sites",
    "weight_sensitivity",
]


@dataclass(frozen=True)
class CriterionSpec:
    """What a criterion means and how it is shown."""

    key: str
    label: str
    unit: str
    description: str
    is_fact: bool = False


CRITERIA: dict[str, CriterionSpec] = {
    c.key: c
    for c in (
        CriterionSpec("pop_car", "People reached by car", "people", "within the car threshold"),
        CriterionSpec("pop65_car", "Of them aged 65+", "people", "Zensus share 65+ × cell"),
        CriterionSpec("pop_u18_car", "Of them under 18", "people", "Zensus share <18 × cell"),
        CriterionSpec("rural_share", "Rural share of reached", "share", "rural / reached"),
        CriterionSpec("pop_walk", "People on foot", "people", "cell centre within walk radius"),
        CriterionSpec("gap_km", "Distance to nearest stop", "km", "to chosen or past stops"),
        CriterionSpec("transit_stops", "Transit stops nearby", "stops", "within transit radius"),
        CriterionSpec("rail", "Railway station nearby", "yes/no", "rail stop within walk radius"),
        CriterionSpec("power", "Mains power", "fact", "planner-entered", is_fact=True),
        CriterionSpec("space", "Space", "m²", "planner-entered", is_fact=True),
        CriterionSpec("visibility", "Visibility", "fact", "planner-entered", is_fact=True),
        CriterionSpec("availability", "Available in season", "fact", "planner-entered", True),
    )
}

#: Starting weights of the app's sliders (relative; only their ratios matter).
DEFAULT_WEIGHTS: dict[str, float] = {
    "pop_car": 3.0,
    "pop65_car": 1.0,
    "pop_u18_car": 0.5,
    "rural_share": 2.0,
    "pop_walk": 1.0,
    "gap_km": 1.5,
    "transit_stops": 0.5,
    "rail": 0.5,
    "power": 0.5,
    "space": 0.25,
    "visibility": 0.25,
    "availability": 0.5,
}

_VISIBILITY = {"low": 0.0, "medium": 0.5, "high": 1.0}
_POWER = {"no": 0.0, "yes": 1.0}


@dataclass
class SiteCriteria:
    """Criteria of every candidate, computed once; scoring only reads ``normalised``.

    Attributes
    ----------
    sites
        site_id (index), name, municipality, district, area_class, kind.
    raw
        Raw numeric values per criterion (NaN where a fact is unknown).
    display
        Values as shown to people (facts as ``"unknown"``, ``"yes"``, …).
    normalised
        Values 0..1 used by the score.
    unknown
        True where the value is an unknown planner fact.
    catchment_car, catchment_walk
        Sparse boolean ``(n_sites, n_cells)``: cells reached by car / on foot.
    cell_population, cell_pop65, cell_u18, cell_rural
        Per-cell arrays of the pack's cells (for comparisons).
    params
        Thresholds and radii used.
    """

    sites: pd.DataFrame
    raw: pd.DataFrame
    display: pd.DataFrame
    normalised: pd.DataFrame
    unknown: pd.DataFrame
    catchment_car: sparse.csr_matrix
    catchment_walk: sparse.csr_matrix
    cell_population: np.ndarray
    cell_pop65: np.ndarray
    cell_u18: np.ndarray
    cell_rural: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def site_ids(self) -> list[str]:
        """Candidate ids in row order."""
        return [str(s) for s in self.sites.index]

    def position(self, site_id: str) -> int:
        """Row of ``site_id``; ``KeyError`` naming it when unknown."""
        try:
            loc = self.sites.index.get_loc(site_id)
        except KeyError:
            raise KeyError(f"unknown site id {site_id!r}") from None
        if not isinstance(loc, int | np.integer):
            raise KeyError(f"site id {site_id!r} is not unique")
        return int(loc)


def _normalise(values: np.ndarray, method: str) -> np.ndarray:
    """Values 0..1 (see the module docstring); NaN and ±inf count as unknown and get 0.5."""
    out = np.full(len(values), 0.5)
    known = np.isfinite(values)
    if known.sum() == 0:
        return out
    v = values[known]
    if method == "minmax":
        # Halved first, so that the spread of ±1e308 does not overflow to inf (inf/inf = NaN).
        lo, hi = float(v.min()) / 2, float(v.max()) / 2
        spread = hi - lo
        if spread <= 1e-12 * max(1.0, abs(hi), abs(lo)):
            out[known] = 0.5
        else:
            out[known] = np.clip((v / 2 - lo) / spread, 0.0, 1.0)
    elif method == "rank":
        if len(v) == 1 or np.all(v == v[0]):
            out[known] = 0.5
        else:
            ranks = pd.Series(v).rank(method="average").to_numpy()
            out[known] = (ranks - 1) / (len(v) - 1)
    else:
        raise ValueError(f"method must be 'minmax' or 'rank', not {method!r}")
    return out


def _availability(frm: str, to: str, season: tuple[date, date] | None) -> tuple[float, str]:
    frm, to = (frm or "").strip(), (to or "").strip()
    if not frm and not to:
        return np.nan, "unknown"
    if season is None:
        return 1.0, f"{frm or '…'} – {to or '…'}"
    try:  # ISO as uploads and edits store it; German dates of older scenarios read too
        start = parse_date(frm) if frm else date.min
        end = parse_date(to) if to else date.max
    except NotationError:
        return np.nan, "unknown"
    ok = start <= season[0] and end >= season[1]
    return (1.0 if ok else 0.0), ("yes" if ok else f"only {frm or '…'} – {to or '…'}")


def compute_criteria(
    pack: Any,
    *,
    sites: Any = None,
    threshold_min: float = 15.0,
    walk_radius_m: float | None = None,
    transit_radius_m: float = 500.0,
    reference_site_ids: Collection[str] = (),
    reference_points: np.ndarray | None = None,
    season: tuple[date, date] | None = None,
    minutes: np.ndarray | None = None,
    model: Any = None,
    method: str = "minmax",
    unknown_value: float = 0.5,
) -> SiteCriteria:
    """Compute every criterion for every candidate site (the slow, weight-independent step).

    Parameters
    ----------
    pack
        The region pack (cells, transit stops, municipalities; sites unless ``sites`` is given).
    sites
        Candidate sites (default ``pack.sites``), with the contract's columns.
    threshold_min
        Car minutes for the ``*_car`` criteria.
    walk_radius_m
        Walking distance for ``pop_walk`` and ``rail`` (default ``settings.WALK_RADIUS_M``).
    transit_radius_m
        Radius for counting transit stops.
    reference_site_ids
        Already chosen or past stops among ``sites`` (for ``gap_km``).
    reference_points
        Further past stops as ``(n, 2)`` EPSG:25832 metres.
    season
        ``(first_day, last_day)``; availability is "yes" when the site's dates span it.
    minutes
        Precomputed ``(n_sites, n_cells)`` car minutes (skips the travel-time step).
    model
        Travel model for ``minutes`` (default: the active one).
    method
        ``"minmax"`` or ``"rank"`` (see the module docstring).
    unknown_value
        Normalised value given to unknown facts (0.5 = neutral).
    """
    from planner.settings import WALK_RADIUS_M

    walk = float(walk_radius_m if walk_radius_m is not None else WALK_RADIUS_M)
    sites = pack.sites if sites is None else sites
    cells = pack.cells
    site_ids = sites["site_id"].astype(str).tolist()
    site_xy = np.column_stack([sites.geometry.x.to_numpy(float), sites.geometry.y.to_numpy(float)])
    if "x" in cells.columns:
        cell_xy = np.column_stack([cells["x"].to_numpy(float), cells["y"].to_numpy(float)])
    else:
        c = cells.geometry.centroid
        cell_xy = np.column_stack([c.x.to_numpy(float), c.y.to_numpy(float)])
    if minutes is None:
        from planner.traveltime import travel_time_matrix

        minutes = travel_time_matrix(site_xy, cell_xy, model=model).minutes
    minutes = np.asarray(minutes, dtype=float)
    if minutes.shape != (len(site_ids), len(cells)):
        raise ValueError(
            f"minutes has shape {minutes.shape}, expected ({len(site_ids)}, {len(cells)})"
        )

    pop = cells["population"].to_numpy(float)
    pop65 = np.nan_to_num(cells["pop_65plus"].to_numpy(float)) if "pop_65plus" in cells else 0 * pop
    u18 = np.nan_to_num(cells["pop_under18"].to_numpy(float)) if "pop_under18" in cells else 0 * pop
    rural = (cells["area_class"].astype(str) == "rural").to_numpy(float)
    car = sparse.csr_matrix(np.nan_to_num(minutes, nan=np.inf) <= threshold_min)
    tree_cells = cKDTree(cell_xy)
    walk_lists = tree_cells.query_ball_point(site_xy, r=walk)
    rows = np.repeat(np.arange(len(site_ids)), [len(x) for x in walk_lists])
    cols = np.concatenate([np.asarray(x, dtype=int) for x in walk_lists]) if len(rows) else rows
    walk_m = sparse.csr_matrix(
        (np.ones(len(rows), dtype=bool), (rows, cols)), shape=(len(site_ids), len(cells))
    )

    raw = pd.DataFrame(index=pd.Index(site_ids, name="site_id"))
    raw["pop_car"] = car @ pop
    raw["pop65_car"] = car @ pop65
    raw["pop_u18_car"] = car @ u18
    with np.errstate(invalid="ignore", divide="ignore"):
        raw["rural_share"] = np.where(
            raw["pop_car"] > 0, (car @ (pop * rural)) / raw["pop_car"], 0.0
        )
    raw["pop_walk"] = walk_m @ pop

    refs = [site_xy[[site_ids.index(str(s)) for s in reference_site_ids if str(s) in site_ids]]]
    unknown_refs = [s for s in reference_site_ids if str(s) not in site_ids]
    if unknown_refs:
        raise KeyError(f"unknown reference site id(s): {', '.join(map(str, unknown_refs))}")
    if reference_points is not None:
        refs.append(np.asarray(reference_points, dtype=float).reshape(-1, 2))
    ref_xy = np.vstack(refs) if refs else np.zeros((0, 2))
    if len(ref_xy):
        dist, _ = cKDTree(ref_xy).query(site_xy)
        raw["gap_km"] = dist / 1000.0
    else:
        raw["gap_km"] = np.nan

    stops = pack.transit_stops
    if len(stops):
        stop_xy = np.column_stack(
            [stops.geometry.x.to_numpy(float), stops.geometry.y.to_numpy(float)]
        )
        stop_tree = cKDTree(stop_xy)
        raw["transit_stops"] = [
            len(x) for x in stop_tree.query_ball_point(site_xy, r=transit_radius_m)
        ]
        is_rail = stops["is_rail"].to_numpy(bool)
        if is_rail.any():
            rail_dist, _ = cKDTree(stop_xy[is_rail]).query(site_xy)
            raw["rail"] = (rail_dist <= walk).astype(float)
        else:
            raw["rail"] = 0.0
    else:
        raw["transit_stops"] = 0.0
        raw["rail"] = 0.0

    display = raw.copy().astype(object)
    unknown = pd.DataFrame(False, index=raw.index, columns=list(CRITERIA))
    power_txt = _column_text(sites, "power", "unknown")
    vis_txt = _column_text(sites, "visibility", "unknown")
    space = (
        pd.to_numeric(sites["space_m2"], errors="coerce").to_numpy(float)
        if "space_m2" in sites
        else np.full(len(sites), np.nan)
    )
    raw["power"] = [_POWER.get(v, np.nan) for v in power_txt]
    raw["space"] = space
    raw["visibility"] = [_VISIBILITY.get(v, np.nan) for v in vis_txt]
    avail = [
        _availability(a, b, season)
        for a, b in zip(
            _column_text(sites, "available_from", ""),
            _column_text(sites, "available_to", ""),
            strict=True,
        )
    ]
    raw["availability"] = [a for a, _ in avail]
    display["power"] = [v if v in _POWER else "unknown" for v in power_txt]
    display["space"] = [f"{v:,.0f} m²" if np.isfinite(v) else "unknown" for v in space]
    display["visibility"] = [v if v in _VISIBILITY else "unknown" for v in vis_txt]
    display["availability"] = [t for _, t in avail]
    display["rail"] = ["yes" if v > 0 else "no" for v in raw["rail"]]
    if not len(ref_xy):
        display["gap_km"] = "no stop yet"
    for key in ("power", "space", "visibility", "availability"):
        unknown[key] = ~np.isfinite(raw[key].to_numpy(float))

    normalised = pd.DataFrame(index=raw.index)
    for key in CRITERIA:
        values = raw[key].to_numpy(float)
        norm = _normalise(values, method)
        if CRITERIA[key].is_fact:
            norm[unknown[key].to_numpy()] = unknown_value
        normalised[key] = norm

    meta_cols = [
        c for c in ("name", "municipality", "district", "area_class", "kind") if c in sites
    ]
    meta = pd.DataFrame(sites[meta_cols]).copy()
    meta.index = pd.Index(site_ids, name="site_id")
    return SiteCriteria(
        sites=meta,
        raw=raw,
        display=display,
        normalised=normalised,
        unknown=unknown,
        catchment_car=car,
        catchment_walk=walk_m,
        cell_population=pop,
        cell_pop65=pop65,
        cell_u18=u18,
        cell_rural=rural,
        params={
            "threshold_min": threshold_min,
            "walk_radius_m": walk,
            "transit_radius_m": transit_radius_m,
            "method": method,
            "unknown_value": unknown_value,
            "reference_stops": len(ref_xy),
        },
    )


def _column_text(frame: pd.DataFrame, col: str, default: str) -> list[str]:
    if col not in frame.columns:
        return [default] * len(frame)
    return [default if pd.isna(v) else str(v).strip().lower() for v in frame[col]]


def _weight_vector(weights: Mapping[str, float]) -> np.ndarray:
    unknown = [k for k in weights if k not in CRITERIA]
    if unknown:
        raise KeyError(f"unknown criterion/criteria: {', '.join(unknown)}")
    vec = np.array([float(weights.get(k, 0.0)) for k in CRITERIA])
    if np.any(vec < 0) or not np.all(np.isfinite(vec)):
        raise ValueError("weights must be finite and non-negative")
    if vec.max() <= 0:
        raise ValueError("at least one weight must be positive")
    # Only the ratios matter; scaled to a largest weight of 1 so that huge weights (1e308) do not
    # overflow their sum to inf and every share to 0.
    return vec / vec.max()


def _normalised_matrix(criteria: SiteCriteria) -> np.ndarray:
    """The normalised criteria, with any non-finite value as the neutral unknown value.

    ``compute_criteria`` never produces one; a hand-built or stored ``SiteCriteria`` might, and a
    single NaN would make a score NaN and its rank meaningless.
    """
    norm = criteria.normalised[list(CRITERIA)].to_numpy(float)
    neutral = float(criteria.params.get("unknown_value", 0.5))
    return np.where(np.isfinite(norm), norm, neutral if np.isfinite(neutral) else 0.5)


def _scores(criteria: SiteCriteria, weight_matrix: np.ndarray) -> np.ndarray:
    """Scores for one or more weight vectors (columns): ``(n_sites, n_scenarios)``."""
    norm = _normalised_matrix(criteria)
    shares = weight_matrix / weight_matrix.sum(axis=0, keepdims=True)
    return 100.0 * norm @ shares


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1 = best; ties share the better rank (competition ranking) per column."""
    scores = scores if scores.ndim == 2 else scores[:, None]
    ranks = np.empty_like(scores, dtype=int)
    for k in range(scores.shape[1]):
        # A NaN score would get a NaN rank (-2**63 as an integer, "first"): it ranks last.
        column = np.nan_to_num(np.round(scores[:, k], 9), nan=-np.inf)
        ranks[:, k] = pd.Series(column).rank(method="min", ascending=False).to_numpy(int)
    return ranks


def score_sites(criteria: SiteCriteria, weights: Mapping[str, float]) -> pd.DataFrame:
    """Rank the candidates by the weighted score (no criteria are recomputed).

    Returns
    -------
    pandas.DataFrame
        Sorted by rank: site_id, the site columns, score (0..100), rank, and one ``pts_<key>``
        column per criterion (points contributed; they add up to the score).
    """
    vec = _weight_vector(weights)
    shares = vec / vec.sum()
    norm = _normalised_matrix(criteria)
    points = 100.0 * norm * shares[None, :]
    score = points.sum(axis=1)
    out = criteria.sites.copy()
    out["score"] = score
    out["rank"] = _ranks(score)[:, 0]
    for k, key in enumerate(CRITERIA):
        out[f"pts_{key}"] = points[:, k]
    out = out.reset_index().sort_values(["rank", "site_id"], kind="stable")
    return out.reset_index(drop=True)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class SiteExplanation:
    """Why a site has its score and rank.

    ``parts`` has one row per criterion: criterion, label, value (as shown), normalised,
    weight_share, points, max_points, unknown. ``text`` are sentences for planners, as messages
    to show in either language.
    """

    site_id: str
    name: str
    rank: int
    n_sites: int
    score: float
    parts: pd.DataFrame
    text: list[Message]


def explain_site(
    criteria: SiteCriteria, weights: Mapping[str, float], site_id: str
) -> SiteExplanation:
    """Break a site's score into its parts and compare it with its neighbours in the ranking."""
    ranking = score_sites(criteria, weights)
    vec = _weight_vector(weights)
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
    text = [
        Message(
            "explain.rank",
            {
                "name": name,
                "rank": rank,
                "ordinal": _ordinal(rank),
                "n": len(ranking),
                "score": score,
            },
        )
    ]
    weighted = parts[parts["weight_share"] > 0]
    top = weighted.sort_values("points", ascending=False).head(3)
    text.append(
        Message(
            "explain.top",
            {
                "parts": [
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
                        top["criterion"],
                        top["points"],
                        top["max_points"],
                        top["value"],
                        strict=True,
                    )
                ]
            },
        )
    )
    missed = (
        weighted.assign(missed=weighted["max_points"] - weighted["points"])
        .sort_values("missed", ascending=False)
        .head(2)
    )
    text.append(
        Message(
            "explain.missed",
            {
                "parts": [
                    Message(
                        "explain.missed_part",
                        {"label": Message(f"ui.crit.{crit}"), "missed": float(gap)},
                    )
                    for crit, gap in zip(missed["criterion"], missed["missed"], strict=True)
                ]
            },
        )
    )
    unknown = weighted[weighted["unknown"]]
    if len(unknown):
        text.append(
            Message(
                "explain.unknown",
                {"labels": [Message(f"ui.crit.{c}") for c in unknown["criterion"]]},
            )
        )
    idx = int(np.nonzero(ranking["site_id"].to_numpy() == site_id)[0][0])
    for other_idx, key in ((idx - 1, "explain.behind"), (idx + 1, "explain.ahead")):
        if 0 <= other_idx < len(ranking):
            other = ranking.iloc[other_idx]
            diffs = {k: float(row[f"pts_{k}"] - other[f"pts_{k}"]) for k in CRITERIA}
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
    return SiteExplanation(site_id, name, rank, len(ranking), score, parts, text)


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
    """

    site_ids: list[str]
    criteria: pd.DataFrame
    exclusive: pd.DataFrame
    overlap: pd.DataFrame
    text: list[Message]


def compare_sites(
    criteria: SiteCriteria, site_ids: Sequence[str], *, weights: Mapping[str, float] | None = None
) -> SiteComparison:
    """Compare 2–4 sites: all criteria, their catchments and what each adds alone."""
    ids = [str(s) for s in site_ids]
    if not 2 <= len(ids) <= 4:
        raise ValueError("compare 2 to 4 sites")
    if len(set(ids)) != len(ids):
        raise ValueError("the compared sites must differ")
    pos = [criteria.position(s) for s in ids]
    table = pd.DataFrame(
        {s: [criteria.display.iloc[p][k] for k in CRITERIA] for s, p in zip(ids, pos, strict=True)},
        index=[c.label for c in CRITERIA.values()],
    )
    if weights is not None:
        ranking = score_sites(criteria, weights).set_index("site_id")
        score_col = ranking["score"].to_dict()
        rank_col = ranking["rank"].to_dict()
        table.loc["Score"] = [round(float(score_col[s]), 1) for s in ids]
        table.loc["Rank"] = [int(rank_col[s]) for s in ids]
    car = criteria.catchment_car[pos].toarray()
    walk = criteria.catchment_walk[pos].toarray()
    pop = criteria.cell_population
    rows, text = [], []
    names = [str(criteria.sites.iloc[p].get("name", s)) for s, p in zip(ids, pos, strict=True)]
    for k, s in enumerate(ids):
        others_car = np.delete(car, k, axis=0).any(axis=0)
        others_walk = np.delete(walk, k, axis=0).any(axis=0)
        only_car = car[k] & ~others_car
        only_walk = walk[k] & ~others_walk
        rows.append(
            {
                "site_id": s,
                "name": names[k],
                "reached_car": float(pop[car[k]].sum()),
                "only_this_car": float(pop[only_car].sum()),
                "only_this_car_65plus": float(criteria.cell_pop65[only_car].sum()),
                "only_this_car_under18": float(criteria.cell_u18[only_car].sum()),
                "only_this_car_rural": float((pop * criteria.cell_rural)[only_car].sum()),
                "reached_walk": float(pop[walk[k]].sum()),
                "only_this_walk": float(pop[only_walk].sum()),
            }
        )
        text.append(
            Message(
                "explain.compare_adds",
                {
                    "name": names[k],
                    "reached": float(pop[car[k]].sum()),
                    "minutes": float(criteria.params["threshold_min"]),
                    "only": float(pop[only_car].sum()),
                    "rural": float((pop * criteria.cell_rural)[only_car].sum()),
                },
            )
        )
    overlap = pd.DataFrame(
        [[float(pop[car[a] & car[b]].sum()) for b in range(len(ids))] for a in range(len(ids))],
        index=ids,
        columns=ids,
    )
    return SiteComparison(ids, table, pd.DataFrame(rows), overlap, text)


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
        raise ValueError("change must be in [0, 1)")
    base = _weight_vector(weights)
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
    matrix = np.column_stack(scenarios)
    ranks = _ranks(_scores(criteria, matrix))
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
