"""Where the tour has been, and what it means for the next season: fairness across Ämter, city
areas and seasons.

The history holds every known visit: the pack's ``past_stops`` layer (the public record of 2022,
2023 and 2025) plus the seasons saved as scenarios and marked as run (:class:`RunSeason`). Each
visit belongs to a fairness group (:mod:`planner.data.areas`): an Amt, or a city area of Kiel.

**Recency weight.** For a planning year, people in a group visited last season count
:attr:`RecencyWeights.last_season` (0.5), two seasons ago :attr:`RecencyWeights.two_seasons_ago`
(0.75), otherwise 1.0 (never visited, or three or more seasons ago). A visit in the planning year
itself counts as "last season". The weights are the planners' to set; the defaults halve the
pull of last year's places and let them recover within three seasons.

**Places known only roughly.** A stop known only by its municipality belongs to that
municipality's Amt. In a city split into areas the area is known only for a stop with a location
(a point in the past-stops layer, or a run season's stop); a stop known only as "district of the
city" (2022: Hassee, Gaarden, Holtenau-Ost, the former MFG-5 site; no district polygons exist in
the data) counts for the city as a whole, is shown as the city's last visit, and lowers no single
area.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.coverage.reach import LOCAL, ReachScale, population_base, reach_matrix
from planner.data.areas import FairnessGroups, fairness_groups

__all__ = [
    "VISIT_COLUMNS",
    "History",
    "RecencyWeights",
    "RunSeason",
    "runs_from_store",
    "visit_table",
]

#: Columns of :attr:`History.visits`.
VISIT_COLUMNS: Final = ["season", "place", "ags", "amt_ars", "group_id", "located", "source"]


@dataclass(frozen=True)
class RecencyWeights:
    """How much people in a recently visited group count (1.0 = as much as anyone).

    Attributes
    ----------
    last_season
        Visited in the season before the planning year (or in the planning year itself).
    two_seasons_ago
        Visited two seasons before the planning year.
    """

    last_season: float = 0.5
    two_seasons_ago: float = 0.75

    def __post_init__(self) -> None:
        for name in ("last_season", "two_seasons_ago"):
            value = getattr(self, name)
            if not (np.isfinite(value) and 0.0 <= value <= 1.0):
                raise ValueError(f"recency weight {name} must lie in 0..1, not {value!r}")

    def factor(self, seasons_since: float) -> float:
        """The weight of a group last visited ``seasons_since`` seasons before the planning
        year (NaN: never visited)."""
        if not np.isfinite(seasons_since) or seasons_since > 2:
            return 1.0
        return self.last_season if seasons_since <= 1 else self.two_seasons_ago


@dataclass(frozen=True)
class RunSeason:
    """A season that was run (a scenario marked as run): its year and its stops.

    ``stops`` are points in the pack's CRS; an ``ags`` column is used where present, otherwise
    the municipality holding each stop is looked up.
    """

    season: int
    stops: gpd.GeoDataFrame
    source: str = "scenario"


@dataclass(frozen=True)
class History:
    """Every known visit of the tour with its fairness group.

    Attributes
    ----------
    visits
        One row per visit (:data:`VISIT_COLUMNS`); ``group_id`` is ``""`` where a stop in a
        split city has no known location (it counts for the city, see the module docstring).
    groups
        The pack's Ämter and city areas.
    """

    visits: pd.DataFrame
    groups: FairnessGroups = field(repr=False)

    @classmethod
    def from_pack(
        cls,
        pack: Any,
        *,
        runs: Sequence[RunSeason] = (),
        groups: FairnessGroups | None = None,
    ) -> History:
        """The history of ``pack`` (its past stops) plus the seasons ``runs``."""
        groups = groups or fairness_groups(pack)
        stops = pack.history
        xy = _xy(stops)
        frame = pd.DataFrame(
            {
                "season": stops["season"].astype(int).to_numpy(),
                "place": stops["place"].astype(str).to_numpy(),
                "ags": stops["ags"].astype(str).to_numpy(),
                "located": np.isfinite(xy).all(axis=1),
                "source": "past_stops",
            }
        )
        frame["group_id"] = groups.group_of_points(pack, xy, frame["ags"].to_numpy())
        history = cls(visits=_with_amt(pack, frame), groups=groups)
        for run in runs:
            history = history.with_season(pack, run)
        return history

    def with_season(self, pack: Any, run: RunSeason) -> History:
        """This history with the stops of one more season that was run."""
        stops = run.stops.to_crs(pack.crs)
        if "ags" in stops.columns:
            ags = stops["ags"].astype(str).to_numpy()
        else:
            joined = gpd.sjoin(stops[["geometry"]], pack.municipalities[["ags", "geometry"]])
            ags = (
                joined[~joined.index.duplicated()]["ags"].reindex(stops.index).fillna("").to_numpy()
            )
        names = stops["name"] if "name" in stops.columns else pd.Series([""] * len(stops))
        xy = _xy(stops)
        frame = pd.DataFrame(
            {
                "season": int(run.season),
                "place": names.astype(str).to_numpy(),
                "ags": ags.astype(str),
                "located": np.isfinite(xy).all(axis=1),
                "source": run.source,
            }
        )
        frame["group_id"] = self.groups.group_of_points(pack, xy, frame["ags"].to_numpy())
        visits = pd.concat([self.visits, _with_amt(pack, frame)], ignore_index=True)
        return replace(self, visits=visits[VISIT_COLUMNS])

    @property
    def last_season(self) -> int | None:
        """The latest season with a visit (``None`` without any)."""
        return int(self.visits["season"].max()) if len(self.visits) else None

    def default_year(self) -> int:
        """The planning year when none is given: the season after the latest visit."""
        last = self.last_season
        return (last + 1) if last is not None else pd.Timestamp.now().year

    def last_visits(self) -> pd.DataFrame:
        """One row per group: its last visit (``Int64``, NA = never known) and, for a city area,
        the city's last visit including stops whose area is unknown (``city_last_visit``)."""
        table = self.groups.groups[["group_id", "name", "kind", "amt_ars", "district"]].copy()
        located = self.visits[self.visits["group_id"] != ""]
        last = located.groupby("group_id")["season"].max()
        table["last_visit"] = table["group_id"].map(last).astype("Int64")
        by_amt = self.visits.groupby("amt_ars")["season"].max()
        table["city_last_visit"] = (
            table["amt_ars"].map(by_amt).where(table["kind"] == "city_area").astype("Int64")
        )
        return table

    def group_table(
        self, year: int | None = None, *, weights: RecencyWeights | None = None
    ) -> pd.DataFrame:
        """One row per group for the planning ``year``: its visits and recency weight.

        Returns
        -------
        pandas.DataFrame
            :meth:`last_visits`'s columns plus ``visits`` (located visits in the group; a city's
            stops of unknown area count for no area) and ``weight`` (:meth:`group_weights`).
        """
        table = self.last_visits()
        located = self.visits[self.visits["group_id"] != ""]
        counts = located.groupby("group_id").size()
        table.insert(5, "visits", table["group_id"].map(counts).fillna(0).astype(int))
        table["weight"] = table["group_id"].map(self.group_weights(year, weights=weights))
        return table

    def visited_since(self, first_season: int) -> pd.Series:
        """Per group (index ``group_id``): visited in ``first_season`` or later."""
        last = self.last_visits().set_index("group_id")["last_visit"]
        return (last.astype(float) >= first_season).astype(bool)

    def group_weights(
        self, year: int | None = None, *, weights: RecencyWeights | None = None
    ) -> pd.Series:
        """Recency weight of each group (index ``group_id``) for the planning ``year``."""
        year = self.default_year() if year is None else int(year)
        weights = weights or RecencyWeights()
        last = self.last_visits().set_index("group_id")["last_visit"]
        since = year - last.astype(float).fillna(np.nan)
        return since.map(lambda s: weights.factor(float(s))).astype(float)

    def cell_weights(
        self, year: int | None = None, *, weights: RecencyWeights | None = None
    ) -> np.ndarray:
        """Recency weight of each pack cell (cells outside every group: 1.0)."""
        by_group = self.group_weights(year, weights=weights)
        return pd.Series(self.groups.cell_group).map(by_group).fillna(1.0).to_numpy(float)

    def site_weights(
        self,
        pack: Any,
        sites: Any = None,
        *,
        year: int | None = None,
        weights: RecencyWeights | None = None,
    ) -> np.ndarray:
        """Recency weight of each site's group ("not visited recently": 1.0)."""
        by_group = self.group_weights(year, weights=weights)
        ids = self.groups.site_groups(pack, sites)
        return pd.Series(ids).map(by_group).fillna(1.0).to_numpy(float)


def runs_from_store(store: Any, pack: Any) -> list[RunSeason]:
    """The seasons marked as run in a scenario store, as :class:`RunSeason` s.

    Each run scenario's marked revision is opened; its plan's stops (schedule order, with their
    dates ``start``/``end``) are placed at their sites (the pack's candidates with the scenario's
    added sites). A scenario without a plan, or whose plan has no stops, gives no season.

    Parameters
    ----------
    store
        A :class:`planner.scenarios.ScenarioStore`.
    pack
        The region pack (its sites and CRS).

    Raises
    ------
    planner.scenarios.ScenarioError
        A run scenario that cannot be read (the store file, or a damaged payload).
    """
    # the scenarios read plans and sites (planner.season): loaded on use, not with the history
    from planner.scenarios import frame_from_json, scenario_sites

    runs: list[RunSeason] = []
    for info in store.runs():
        data = store.load(info.name, revision=info.run_revision).data
        plan = data.get("plan") or {}
        if not plan.get("schedule"):
            continue
        schedule = frame_from_json(plan["schedule"])
        if not len(schedule) or "site_id" not in schedule.columns:
            continue
        stops = _schedule_points(schedule, scenario_sites(pack.sites, data)[0], crs=pack.crs)
        if len(stops):
            season = int(info.run_year)
            runs.append(RunSeason(season=season, stops=stops, source=f"scenario:{info.name}"))
    return runs


def _schedule_points(
    schedule: pd.DataFrame, sites: gpd.GeoDataFrame, *, crs: Any
) -> gpd.GeoDataFrame:
    """A schedule's stops as points in ``crs``: at the stored ``x``/``y`` (EPSG:25832, as every
    plan keeps them) where present, else at the site; a stop placed by neither is left out."""
    placed = sites.to_crs(crs).drop_duplicates("site_id").set_index("site_id").geometry
    ids = schedule["site_id"].astype(str)
    points = list(placed.reindex(ids).to_numpy())
    if {"x", "y"} <= set(schedule.columns):
        stored = gpd.GeoSeries(
            gpd.points_from_xy(
                pd.to_numeric(schedule["x"], errors="coerce"),
                pd.to_numeric(schedule["y"], errors="coerce"),
            ),
            crs="EPSG:25832",
        ).to_crs(crs)
        points = [
            p if p is not None and not p.is_empty and np.isfinite(p.x) else q
            for p, q in zip(stored, points, strict=True)
        ]
    keep = np.array([p is not None and not getattr(p, "is_empty", True) for p in points], bool)

    def column(name: str) -> pd.Series:
        values = schedule[name] if name in schedule.columns else pd.Series([""] * len(schedule))
        return values.astype(str).str[:10] if name in ("start", "end") else values.astype(str)

    frame = pd.DataFrame(
        {
            "site_id": ids.to_numpy(),
            "name": column("name").to_numpy(),
            "start": column("start").to_numpy(),
            "end": column("end").to_numpy(),
        }
    )[keep]
    return gpd.GeoDataFrame(
        frame.reset_index(drop=True),
        geometry=[p for p, k in zip(points, keep, strict=True) if k],
        crs=crs,
    )


def _xy(frame: gpd.GeoDataFrame) -> np.ndarray:
    """``(n, 2)`` coordinates, NaN where a row has no geometry."""
    xy = np.full((len(frame), 2), np.nan)
    geoms = frame.geometry
    present = (~geoms.isna() & ~geoms.is_empty).to_numpy() if len(frame) else np.zeros(0, bool)
    if present.any():
        xy[present, 0] = geoms[present].x.to_numpy(float)
        xy[present, 1] = geoms[present].y.to_numpy(float)
    return xy


def _with_amt(pack: Any, frame: pd.DataFrame) -> pd.DataFrame:
    amt_of = pack.municipalities.set_index("ags")["amt_ars"].astype(str)
    frame = frame.assign(amt_ars=frame["ags"].map(amt_of).fillna("").astype(str))
    return frame[VISIT_COLUMNS]


def visit_table(
    pack: Any,
    stops: gpd.GeoDataFrame,
    *,
    history: History | None = None,
    scale: ReachScale = LOCAL,
) -> pd.DataFrame:
    """Which Ämter and city areas a plan reaches, and when each was last visited.

    Parameters
    ----------
    pack
        The region pack.
    stops
        The plan's stops (points in any CRS).
    history
        Default: the pack's past stops only.
    scale
        Reach scale (default: local, 2 km): a group is reached when one of its populated
        in-region cells is reached by a stop.

    Returns
    -------
    pandas.DataFrame
        One row per group: group_id, name, kind (``amt``/``city_area``), amt_ars, district,
        reached (bool), people_reached (in the group, at ``scale``), last_visit (``Int64``, NA:
        never), city_last_visit (city areas: the city's last visit, area unknown included).
    """
    history = history or History.from_pack(pack)
    table = history.last_visits()
    cells = pack.cells
    cell_xy = np.column_stack([cells["x"].to_numpy(float), cells["y"].to_numpy(float)])
    stop_xy = _xy(stops.to_crs(pack.crs)) if len(stops) else np.zeros((0, 2))
    stop_xy = stop_xy[np.isfinite(stop_xy).all(axis=1)]
    hit = np.asarray(reach_matrix(stop_xy, cell_xy, scale=scale).sum(axis=0)).ravel() > 0
    hit &= population_base(pack)
    people = (
        pd.Series(cells["population"].to_numpy(float) * hit)
        .groupby(history.groups.cell_group)
        .sum()
    )
    table.insert(5, "people_reached", table["group_id"].map(people).fillna(0.0).to_numpy(float))
    table.insert(5, "reached", table["people_reached"].to_numpy() > 0)
    return table.reset_index(drop=True)
