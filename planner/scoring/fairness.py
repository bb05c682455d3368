"""The criteria of issue 16: local reach, pull, "not visited recently", and comparable groups.

* ``pop_local`` — people within the local scale (:data:`planner.coverage.reach.LOCAL`, 2 km) of
  the site, counted over the region's population base
  (:func:`~planner.coverage.reach.population_base`);
* ``pull`` — the site's pull 0..1 (:func:`planner.places.site_pull`): a town or village centre
  with stops, rail, schools, urbanisation, the Amt's seat, visibility;
* ``recency`` — the recency weight of the site's Amt or Kiel city area for the planning year
  (:class:`planner.history.History`): 1.0 not visited recently, 0.75 two seasons ago, 0.5 last
  season.

**Comparable groups.** One 15-minute car circle covers all of Kiel, so on raw people counts every
Kiel site beats every village. With ``compare_within="district"`` (the default) the people
criteria (:data:`PEOPLE_CRITERIA`) are normalised as a share of the best site *in the same
district* (``value / district maximum``): the best village site of Plön scores 1 like the best
site of Kiel, and a planner sees which village or which part of the city is best. ``"region"``
keeps the region-wide normalisation (``minmax`` or ``rank``).

**Best per group.** :func:`best_per_group` keeps the best-ranked site of each Amt or Kiel city
area (or each municipality) of a ranking: one row per group, so a planner sees the best site of
every village Amt and of every part of Kiel instead of a top ten from one city.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pandas as pd

from planner.coverage.reach import LOCAL, population_base, reach_matrix

__all__ = [
    "COMPARE_WITHIN",
    "FIXED_SCALE_CRITERIA",
    "GROUP_BY",
    "PEOPLE_CRITERIA",
    "best_per_group",
    "place_criteria",
    "within_groups",
]

COMPARE_WITHIN: Final = ("district", "region")
#: Criteria counted in people: normalised within the site's district by default.
PEOPLE_CRITERIA: Final = ("pop_local", "pop_car", "pop65_car", "pop_u18_car", "pop_walk")
#: Criteria already on a 0..1 scale with a meaning of their own: used as they are.
FIXED_SCALE_CRITERIA: Final = ("pull", "recency")
#: Columns a ranking can be reduced by (:func:`best_per_group`): the fairness group (an Amt or a
#: city area) or the municipality.
GROUP_BY: Final = ("group", "municipality")


def within_groups(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each value as a share of the largest value of its group (0 where the group's largest is
    0; NaN stays NaN)."""
    out = np.full(len(values), np.nan)
    for g in pd.unique(groups):
        mine = groups == g
        top = np.nanmax(values[mine]) if np.isfinite(values[mine]).any() else np.nan
        out[mine] = values[mine] / top if np.isfinite(top) and top > 0 else 0.0
    return np.where(np.isfinite(values), out, np.nan)


def best_per_group(ranking: pd.DataFrame, *, by: str = "group") -> pd.DataFrame:
    """The best-ranked site of each group of a ranking (one row per group, best first).

    Parameters
    ----------
    ranking
        A ranking as :func:`planner.scoring.score_sites` returns it (a ``rank`` column and the
        ``by`` column; indexed by ``site_id`` or with a ``site_id`` column), possibly filtered.
    by
        ``"group"`` (the site's Amt or Kiel city area) or ``"municipality"``.

    Returns
    -------
    pandas.DataFrame
        The rows of the groups' best sites in rank order (ties: the ranking's order), with
        ``sites_in_group``: how many sites of ``ranking`` the group has. A site without a group
        (NA, no history) stands for itself.

    Raises
    ------
    ValueError
        ``by`` is not one of :data:`GROUP_BY` or not a column of ``ranking``.
    """
    if by not in GROUP_BY or by not in ranking.columns:
        raise ValueError(f"by must be one of {', '.join(GROUP_BY)} and a column of the ranking")
    ordered = ranking.sort_values("rank", kind="stable")
    codes = pd.Series(pd.factorize(ordered[by])[0])
    # a site without a group (code -1) is a group of its own: a negative code no other site has
    codes = codes.where(codes >= 0, -1 - pd.Series(np.arange(len(codes))))
    first = ~codes.duplicated().to_numpy()
    best = ordered.loc[first].copy()
    best["sites_in_group"] = codes.map(codes.value_counts()).to_numpy(int)[first]
    return best


def place_criteria(
    pack: Any,
    sites: Any,
    site_xy: np.ndarray,
    cell_xy: np.ndarray,
    *,
    history: Any = None,
    planning_year: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Raw values of ``pop_local``, ``pull`` and ``recency`` for every site, and the site's
    fairness group and its last visit (``group``: Amt or city area name, ``last_visit``: Int64,
    NA = never; ``city_last_visit``: Int64, for a site in a city area the city's last visit
    counting stops whose area is unknown, else NA; all NA without a history).

    A pack without municipalities (a small hand-built one) gets the pull from what it has and
    no history (recency 1.0 everywhere).
    """
    ids = pd.Index(sites["site_id"].astype(str), name="site_id")
    raw = pd.DataFrame(index=ids)
    local = reach_matrix(site_xy, cell_xy, scale=LOCAL)
    population = pack.cells["population"].to_numpy(float)
    base = population_base(pack) if "in_region" in pack.cells.columns else population > 0
    raw["pop_local"] = local.astype(float) @ (population * base)
    raw["pull"] = _pull(pack, sites).to_numpy(float)
    raw["recency"], visits = _recency(pack, sites, history=history, year=planning_year)
    visits.index = ids
    return raw, visits


def _pull(pack: Any, sites: Any) -> pd.Series:
    from planner.places import site_pull  # the places module reads the pack's layers

    return site_pull(pack, sites)


def _recency(
    pack: Any, sites: Any, *, history: Any, year: int | None
) -> tuple[np.ndarray, pd.DataFrame]:
    if history is None and not (hasattr(pack, "municipalities") and hasattr(pack, "history")):
        never = pd.array([pd.NA] * len(sites), "Int64")
        none = pd.DataFrame({"group": pd.NA, "last_visit": never, "city_last_visit": never})
        return np.ones(len(sites)), none
    from planner.history import History

    history = history if history is not None else History.from_pack(pack)
    year = history.default_year() if year is None else int(year)
    weights = history.site_weights(pack, sites, year=year)
    table = history.last_visits().set_index("group_id")
    last, city_last = table["last_visit"], table["city_last_visit"]
    groups = pd.Series(history.groups.site_groups(pack, sites))
    names = history.groups.groups.set_index("group_id")["name"]
    visits = pd.DataFrame(
        {
            "group": groups.map(names).to_numpy(),
            "last_visit": pd.array(groups.map(last).to_numpy(), dtype="Int64"),
            # Kiel 2022 is known only by district names: shown next to an area's "never"
            "city_last_visit": pd.array(groups.map(city_last).to_numpy(), dtype="Int64"),
        }
    )
    return weights, visits
