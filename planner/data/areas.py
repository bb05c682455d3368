"""Fairness groups: the parts of the region a season should share out its stops among.

* **Ämter** — rural municipalities are grouped by their Amt (or are an amtsfreie Gemeinde on their
  own): the pack's ``amter`` layer, from the register's current keys.
* **City areas** — a city of at least :data:`CITY_MIN_POPULATION` people (a *Großstadt* in the
  German statistical sense; in the KielRegion only Kiel) is one Amt of 250,000 people, too coarse
  to tell Hassee from Holtenau. No official district polygons are in the shared data, so its 1 km
  Zensus cells are grouped deterministically: weighted k-means (Lloyd's algorithm, k-means++ start
  with seed :data:`AREA_SEED`) on the centres of its populated cells, weights = people, into
  ``round(population / PEOPLE_PER_AREA)`` areas (Kiel: 10); every cell of the city (populated or
  not) goes to the nearest area centre. Areas are named by compass direction from the city's
  official midpoint (``Kiel-Mitte`` within :data:`CENTRE_RADIUS_M`, else ``Kiel-Nord``,
  ``Kiel-Nordost``, …); two areas in one direction are numbered from the centre outwards
  (``Kiel-Süd 1``, ``Kiel-Süd 2``). The names are directions, not the city's district names.

:func:`fairness_groups` gives every cell and every site its group (``group_id``): the Amt key
(``amt_ars``) or ``"<ags>-A<nn>"`` for a city area.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

__all__ = [
    "AREA_SEED",
    "CENTRE_RADIUS_M",
    "CITY_MIN_POPULATION",
    "PEOPLE_PER_AREA",
    "FairnessGroups",
    "fairness_groups",
    "weighted_kmeans",
]

#: A municipality this large is split into city areas (German statistics: Großstadt ≥ 100,000).
CITY_MIN_POPULATION: Final = 100_000
#: About this many people per city area (Kiel: 247,000 → 10 areas).
PEOPLE_PER_AREA: Final = 25_000
#: Seed of the k-means start: the same areas on every run.
AREA_SEED: Final = 16
#: An area whose centre lies this close to the city's midpoint is its "Mitte".
CENTRE_RADIUS_M: Final = 1_500.0

_DIRECTIONS = ("Nord", "Nordost", "Ost", "Südost", "Süd", "Südwest", "West", "Nordwest")


def weighted_kmeans(
    xy: np.ndarray, weights: np.ndarray, *, k: int, seed: int = AREA_SEED, iterations: int = 100
) -> np.ndarray:
    """Centres of ``k`` clusters of the points ``xy`` weighted by ``weights`` (Lloyd's algorithm
    from a k-means++ start drawn with ``seed``): deterministic for the same input."""
    rng = np.random.default_rng(seed)
    w = np.asarray(weights, dtype=float)
    k = max(1, min(k, len(xy)))
    centres = [xy[int(np.argmax(w))]]  # the most populous cell starts
    for _ in range(1, k):
        dist = np.min(((xy[:, None, :] - np.asarray(centres)[None]) ** 2).sum(-1), axis=1)
        p = dist * w
        centres.append(xy[rng.choice(len(xy), p=p / p.sum())] if p.sum() > 0 else xy[0])
    c = np.asarray(centres, dtype=float)
    for _ in range(iterations):
        label = cKDTree(c).query(xy)[1]
        new = c.copy()
        for j in range(k):
            mine = label == j
            if w[mine].sum() > 0:
                new[j] = (xy[mine] * w[mine, None]).sum(0) / w[mine].sum()
        if np.allclose(new, c):
            break
        c = new
    return c


def _direction(dx: float, dy: float) -> str:
    # compass sectors of 45° centred on north, east, …
    angle = (np.degrees(np.arctan2(dx, dy)) + 360.0 + 22.5) % 360.0
    return _DIRECTIONS[int(angle // 45.0)]


def _area_names(city: str, centres: np.ndarray, midpoint: np.ndarray) -> list[str]:
    """Compass names of the areas, numbered from the centre outwards where one repeats."""
    offsets = centres - midpoint[None, :]
    dist = np.hypot(offsets[:, 0], offsets[:, 1])
    base = [
        "Mitte" if d <= CENTRE_RADIUS_M else _direction(float(dx), float(dy))
        for (dx, dy), d in zip(offsets, dist, strict=True)
    ]
    names = [f"{city}-{b}" for b in base]
    for name in set(names):
        same = [i for i, n in enumerate(names) if n == name]
        if len(same) > 1:
            for number, i in enumerate(sorted(same, key=lambda i: dist[i]), start=1):
                names[i] = f"{name} {number}"
    return names


@dataclass(frozen=True)
class FairnessGroups:
    """Every cell's and every site's fairness group.

    Attributes
    ----------
    groups
        One row per group: ``group_id``, ``name``, ``kind`` (``"amt"`` or ``"city_area"``),
        ``amt_ars``, ``district``, ``population`` (people in its in-region cells), ``x``, ``y``
        (population-weighted centre; the Amt's cells for an Amt).
    cell_group
        ``group_id`` of each pack cell, in ``pack.cells`` order.
    """

    groups: pd.DataFrame
    cell_group: np.ndarray

    def site_groups(self, pack: Any, sites: Any = None) -> np.ndarray:
        """``group_id`` of each site: its city area (the nearest cell of its city) in a split
        city, else its municipality's Amt."""
        sites = pack.sites if sites is None else sites
        amt_of = pack.municipalities.set_index("ags")["amt_ars"].astype(str)
        out = sites["ags"].astype(str).map(amt_of).fillna("").to_numpy(dtype=object)
        cells = pack.cells
        cell_ags = cells["ags"].astype(str).to_numpy()
        xy = np.column_stack([cells["x"].to_numpy(float), cells["y"].to_numpy(float)])
        site_xy = np.column_stack(
            [sites.geometry.x.to_numpy(float), sites.geometry.y.to_numpy(float)]
        )
        for city in self.split_cities:
            own = np.flatnonzero(cell_ags == city)
            here = sites["ags"].astype(str).to_numpy() == city
            if here.any() and len(own):
                nearest = cKDTree(xy[own]).query(site_xy[here])[1]
                out[here] = self.cell_group[own[nearest]]
        return out

    @property
    def split_cities(self) -> list[str]:
        """AGS of the municipalities split into city areas."""
        areas = self.groups[self.groups["kind"] == "city_area"]
        return sorted({g.split("-")[0] for g in areas["group_id"]})

    def group_of_points(self, pack: Any, xy: np.ndarray, ags: np.ndarray) -> np.ndarray:
        """``group_id`` of points with known municipality (``ags``) and coordinates (NaN where
        unknown: then a split city's points get ``""``, the area being unknown)."""
        amt_of = pack.municipalities.set_index("ags")["amt_ars"].astype(str)
        out = pd.Series(ags).astype(str).map(amt_of).fillna("").to_numpy(dtype=object)
        cells = pack.cells
        cell_ags = cells["ags"].astype(str).to_numpy()
        cell_xy = np.column_stack([cells["x"].to_numpy(float), cells["y"].to_numpy(float)])
        for city in self.split_cities:
            here = np.asarray(ags).astype(str) == city
            located = here & np.isfinite(xy).all(axis=1)
            out[here & ~located] = ""
            own = np.flatnonzero(cell_ags == city)
            if located.any() and len(own):
                out[located] = self.cell_group[own[cKDTree(cell_xy[own]).query(xy[located])[1]]]
        return out


def fairness_groups(pack: Any) -> FairnessGroups:
    """Ämter and city areas of the pack (see the module docstring)."""
    cells, munis = pack.cells, pack.municipalities
    cell_ags = cells["ags"].astype(str).to_numpy()
    amt_of = munis.set_index("ags")["amt_ars"].astype(str)
    group = pd.Series(cell_ags).map(amt_of).fillna("").to_numpy(dtype=object)
    xy = np.column_stack([cells["x"].to_numpy(float), cells["y"].to_numpy(float)])
    people = cells["population"].to_numpy(float) * cells["in_region"].to_numpy(bool)
    rows: list[dict[str, Any]] = []
    cities = munis[munis["population"] >= CITY_MIN_POPULATION].sort_values("ags")
    for _, city in cities.iterrows():
        own = np.flatnonzero(cell_ags == str(city["ags"]))
        populated = own[people[own] > 0]
        if not len(populated):
            continue
        k = max(2, round(float(city["population"]) / PEOPLE_PER_AREA))
        centres = weighted_kmeans(xy[populated], people[populated], k=k)
        # areas numbered north to south, west to east (stable ids for a given pack)
        order = np.lexsort((centres[:, 0], -np.round(centres[:, 1], -2)))
        centres = centres[order]
        label = cKDTree(centres).query(xy[own])[1]
        midpoint = np.array([float(city["midpoint_x"]), float(city["midpoint_y"])])
        names = _area_names(str(city["name"]).split(",")[0], centres, midpoint)
        for j, name in enumerate(names):
            gid = f"{city['ags']}-A{j + 1:02d}"
            group[own[label == j]] = gid
            rows.append(
                {
                    "group_id": gid,
                    "name": name,
                    "kind": "city_area",
                    "amt_ars": str(city["amt_ars"]),
                    "district": str(city["district"]),
                }
            )
    split = {str(a) for a in cities["amt_ars"]}
    for amt, first in munis.groupby("amt_ars", sort=True).first().iterrows():
        if str(amt) in split and set(munis.loc[munis["amt_ars"] == amt, "ags"]) <= set(
            cities["ags"]
        ):
            continue
        rows.append(
            {
                "group_id": str(amt),
                "name": str(first["amt"]) or str(first["name"]),
                "kind": "amt",
                "amt_ars": str(amt),
                "district": str(first["district"]),
            }
        )
    groups = pd.DataFrame(rows)
    ids = groups["group_id"].to_numpy()
    pop = np.array([people[group == g].sum() for g in ids])
    cx = np.array(
        [
            (xy[group == g, 0] * people[group == g]).sum() / p if p else np.nan
            for g, p in zip(ids, pop, strict=True)
        ]
    )
    cy = np.array(
        [
            (xy[group == g, 1] * people[group == g]).sum() / p if p else np.nan
            for g, p in zip(ids, pop, strict=True)
        ]
    )
    groups = groups.assign(population=pop, x=cx, y=cy)
    return FairnessGroups(groups=groups.reset_index(drop=True), cell_group=group.astype(str))
