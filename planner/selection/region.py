"""Coverage-optimal stops on the region pack: the location models of :mod:`planner.selection`
applied to the KielRegion's candidate sites and Zensus cells.

Demand points are the populated Zensus cells whose centre lies in the region (the population the
coverage figures count); candidate sites are the pack's sites (or a planner-edited table). The
travel times come from the active travel-time model (road network or crow-fly), and the result
says which one was used.

* ``"mclp"``: choose ``p`` sites that bring the most people within ``threshold_min`` minutes by
  car (:class:`~planner.selection.MaximalCovering`); people can count more where they live rural
  or are 65 and over (``emphasis``).
* ``"pmedian"``: choose ``p`` sites that make the population-weighted average trip to the nearest
  stop shortest (:class:`~planner.selection.PMedian`).

Both keep the season's rules (:class:`~planner.selection.SelectionRules`). The figures of the
result (people reached per site, per district and urban/rural) are recomputed here from the cells,
not read from a solver.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, get_args

import geopandas as gpd
import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from planner.coverage import DEFAULT_THRESHOLD_MIN, coverage_figures, site_cell_minutes
from planner.coverage.reach import reached_within_minutes
from planner.i18n import DEFAULT_LANGUAGE, Message, t
from planner.selection.mclp import MaximalCovering
from planner.selection.pmedian import PMedian
from planner.selection.result import SelectionResult
from planner.selection.rules import SelectionRequestError, SelectionRules, expected
from planner.settings import METRIC_CRS
from planner.traveltime import SparseMinutes, default_model, minute_rows

__all__ = [
    "Emphasis",
    "ModelKind",
    "RegionSelection",
    "SelectionRequest",
    "SelectionRequestError",
    "demand_weights",
    "recency_weights",
    "select_sites",
]

ModelKind = Literal["mclp", "pmedian"]
Emphasis = Literal["population", "rural", "age65"]

#: Columns of :attr:`RegionSelection.sites` (one row per candidate).
SITE_COLUMNS = [
    "site_id",
    "name",
    "municipality",
    "district",
    "area_class",
    "kind",
    "chosen",
    "reached",
    "reached_only",
    "rural_reached",
    "reached_65plus",
]


class SelectionRequest(BaseModel):
    """What to choose, and under which rules.

    Parameters
    ----------
    model
        ``"mclp"`` (most people within the threshold) or ``"pmedian"`` (shortest average trip).
    p
        Number of sites to choose.
    threshold_min
        Car minutes that count as "reached" (the MCLP's radius, and the figures' threshold).
    emphasis
        Whose coverage counts more in the MCLP: ``"population"`` (everyone alike), ``"rural"``
        (people in rural municipalities) or ``"age65"`` (people aged 65 and over).
    emphasis_factor
        How many times an emphasised person counts (1 to :attr:`MAX_EMPHASIS_FACTOR`).
    rules
        District quotas, urban/rural mix, must/must-not sites, minimum spacing.
    time_limit
        Seconds for the whole selection (more than 0, at most :attr:`MAX_TIME_LIMIT`).
    seed
        Seed of the heuristics (a whole number ≥ 0).
    recency_year
        ``None`` (default): everyone counts alike. A planning year: people in an Amt or Kiel city
        area visited recently count less (:class:`planner.history.History`: 0.5 last season,
        0.75 two seasons ago), so the selection spreads to places the tour has not been.

    Each default and each range is written once, here: :meth:`defaults` gives the defaults to
    forms and the command line. The request is frozen; two requests with the same values are
    equal and have the same ``repr``.

    Raises
    ------
    planner.selection.SelectionRequestError
        (a ``ValueError``) for a value of the wrong type or out of range; it names the field
        and the value. Numbers are normalised (``p`` an ``int``, minutes a ``float``).
    TypeError
        For a keyword that is not a field.
    """

    # strict: "12" is not twelve sites and True is not one; numbers are made plain first
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        strict=True,
        allow_inf_nan=False,
        arbitrary_types_allowed=True,
        validate_default=True,
    )

    #: Upper limits: far beyond any sensible setting, low enough that no figure overflows.
    MAX_P: ClassVar[int] = 10_000
    MAX_THRESHOLD_MIN: ClassVar[float] = 1_440.0
    MAX_EMPHASIS_FACTOR: ClassVar[float] = 100.0
    MAX_TIME_LIMIT: ClassVar[float] = 3_600.0

    model: ModelKind = "mclp"
    p: Annotated[int, Field(ge=1, le=MAX_P)] = 12
    threshold_min: Annotated[float, Field(gt=0.0, le=MAX_THRESHOLD_MIN)] = DEFAULT_THRESHOLD_MIN
    emphasis: Emphasis = "population"
    emphasis_factor: Annotated[float, Field(ge=1.0, le=MAX_EMPHASIS_FACTOR)] = 2.0
    rules: SelectionRules = Field(default_factory=SelectionRules)
    time_limit: Annotated[float, Field(gt=0.0, le=MAX_TIME_LIMIT)] = 30.0
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    recency_year: Annotated[int, Field(ge=2000, le=2100)] | None = None

    if not TYPE_CHECKING:  # type checkers see the keyword signature of the fields

        def __init__(self, **values: Any) -> None:
            try:
                super().__init__(**values)
            except ValidationError as exc:
                raise _request_error(type(self), exc, values) from None

    @field_validator(
        "p", "threshold_min", "emphasis_factor", "time_limit", "seed", "recency_year", mode="before"
    )
    @classmethod
    def _plain_number(cls, value: object) -> object:
        """numpy and other registered numbers as ``int`` or ``float`` (booleans stay refused)."""
        if isinstance(value, bool | np.bool_):
            return bool(value)  # which strict validation refuses: True is not one site
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, numbers.Real):
            try:
                return float(value)
            except (OverflowError, ValueError):
                return value
        return value

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Field name → default value (``rules``: no rules), for forms and the command line."""
        return dict(cls())

    @classmethod
    def expected(cls, field_name: str) -> Message:
        """What ``field_name`` takes, from its type and range, for an error message."""
        info = cls.model_fields[field_name]
        if field_name == "rules":
            return expected("rules")
        if field_name == "recency_year":  # optional: a year or None
            return expected("whole", lo=2000, hi=2100)
        choices = get_args(info.annotation)
        if choices:
            return expected("choice", choices=", ".join(choices))
        limits = {
            kind: getattr(limit, kind)
            for limit in info.metadata
            for kind in ("ge", "gt", "le")
            if hasattr(limit, kind)
        }
        if info.annotation is int:
            return expected("whole", lo=limits["ge"], hi=limits["le"])
        if "gt" in limits:
            return expected("number_above", lo=limits["gt"], hi=limits["le"])
        return expected("number", lo=limits["ge"], hi=limits["le"])


def _request_error(
    cls: type[SelectionRequest], exc: ValidationError, values: dict[str, Any]
) -> Exception:
    """The first field pydantic refused, as :class:`SelectionRequestError` naming it and the
    value given (a keyword that is no field: ``TypeError``, as for any function)."""
    error = exc.errors()[0]
    name = str(error["loc"][0])
    if error["type"] == "extra_forbidden":
        return TypeError(f"SelectionRequest got an unexpected keyword argument {name!r}")
    return SelectionRequestError(name, values.get(name), cls.expected(name))


@dataclass(frozen=True)
class RegionSelection:
    """A solved selection on the region.

    Attributes
    ----------
    request
        What was asked for.
    result
        The model's result: chosen ids, objective, proven bound and gap, time, reasons.
    sites
        One row per candidate (:data:`SITE_COLUMNS`): whether it was chosen, the people it
        reaches within the threshold (of them rural and 65+), and for chosen sites the people no
        other chosen site reaches.
    figures
        People reached per district and in the region, urban and rural side by side
        (:func:`planner.coverage.coverage_figures`, summed from the cells).
    population, reached, share
        In-region population, the part within the threshold of a chosen site, its share.
    average_minutes
        Population-weighted average car minutes to the nearest chosen site.
    travel_model
        Which travel-time model made the minutes (its description).
    """

    request: SelectionRequest
    result: SelectionResult
    sites: pd.DataFrame
    figures: pd.DataFrame
    population: float
    reached: float
    share: float
    average_minutes: float
    travel_model: str

    @property
    def chosen(self) -> pd.DataFrame:
        """The chosen sites (rows of :attr:`sites`), most people reached first."""
        rows = self.sites[self.sites["chosen"]]
        return rows.sort_values("reached", ascending=False).reset_index(drop=True)

    def table(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """Every candidate (:attr:`sites`) with why it was not chosen, in ``lang`` (empty for the
        chosen ones): the table the app and the CLI export."""
        reasons = [self.result.reason(str(s), lang) for s in self.sites["site_id"]]
        return self.sites.assign(reason=reasons)

    def candidates(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """The sites not chosen, each with the reason in ``lang``, most people reached first."""
        rows = self.table(lang)
        rows = rows[~rows["chosen"]]
        return rows.sort_values("reached", ascending=False).reset_index(drop=True)

    @property
    def found(self) -> bool:
        """Whether a selection was found (``False``: none within the time limit)."""
        return bool(self.result.chosen)

    def csv_bytes(self, lang: str = DEFAULT_LANGUAGE) -> bytes:
        """:meth:`table` as CSV through the one table writer
        (:func:`planner.export.table_csv_bytes`: text cells never run as formulas)."""
        # loaded here: the export module brings the season planner (a second to import)
        from planner.export import table_csv_bytes

        return table_csv_bytes(self.table(lang), lang=lang)

    def status_text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """One line in ``lang``: what ended the solver (proven optimal, gap reached, no swap
        improves, time limit, nothing found), objective, bound and gap, time."""
        result = self.result
        if not self.found:
            return t(
                "region_selection.status.none",
                lang,
                seconds=result.solve_seconds,
                limit=self.request.time_limit,
            )
        key = "mclp" if self.request.model == "mclp" else "pmedian"
        weights = self.population if self.request.model == "pmedian" else 1.0
        return t(
            f"region_selection.status.{key}",
            lang,
            status=result.status_message(),
            objective=result.objective / weights,
            bound=result.bound / weights,
            gap=100 * result.gap,
            seconds=result.solve_seconds,
        )

    def summary(self) -> dict[str, Any]:
        """Plain figures for JSON (CLI, benchmarks)."""
        result = self.result
        return {
            "model": self.request.model,
            "p": self.request.p,
            "threshold_min": self.request.threshold_min,
            "emphasis": self.request.emphasis,
            "status": result.status,
            "stop": result.stop,
            "objective": result.objective,
            "bound": result.bound,
            "gap_pct": round(100 * result.gap, 4),
            "seconds": round(result.solve_seconds, 2),
            "chosen": list(result.chosen),
            "population": self.population,
            "reached": self.reached,
            "share": round(self.share, 4),
            "average_minutes": round(self.average_minutes, 3),
            "travel_model": self.travel_model,
        }


def demand_weights(cells: pd.DataFrame, emphasis: Emphasis, factor: float) -> np.ndarray:
    """Weight of each cell: its population, with rural or 65+ people counting ``factor`` times.

    Parameters
    ----------
    cells
        Zensus cells with ``population``, ``pop_65plus`` and ``area_class``.
    emphasis
        ``"population"``, ``"rural"`` or ``"age65"``.
    factor
        How many times an emphasised person counts.

    Returns
    -------
    numpy.ndarray
    """
    population = cells["population"].to_numpy(float)
    if emphasis == "rural":
        rural = cells["area_class"].astype(str).to_numpy() == "rural"
        return population * np.where(rural, factor, 1.0)
    if emphasis == "age65":
        older = np.nan_to_num(cells["pop_65plus"].to_numpy(float))
        return population + (factor - 1.0) * np.minimum(older, population)
    return population


def recency_weights(pack: Any, year: int, *, history: Any = None) -> np.ndarray:
    """Recency weight of every pack cell for the planning ``year`` (1.0: not visited recently)."""
    from planner.history import History  # the history reads the pack's fairness groups

    history = history if history is not None else History.from_pack(pack)
    return np.asarray(history.cell_weights(year), dtype=float)


def select_sites(
    pack: Any,
    request: SelectionRequest,
    *,
    sites: gpd.GeoDataFrame | None = None,
    minutes: np.ndarray | SparseMinutes | None = None,
    model: Any = None,
    history: Any = None,
) -> RegionSelection:
    """Choose ``request.p`` sites of the region with the requested location model.

    Parameters
    ----------
    pack
        A :class:`planner.data.pack.RegionPack`.
    request
        Model, number of sites, threshold, emphasis, rules and time limit.
    sites
        Candidate sites (default: ``pack.sites``; pass an edited table with planner sites).
    minutes
        Precomputed car minutes, shape ``(len(sites), len(pack.cells))``: dense, or a
        :class:`planner.traveltime.SparseMinutes` (large regions; the MCLP reads only the pairs
        within the threshold, the p-median needs every pair and makes them dense).
    model
        Travel-time model for ``minutes`` (default: the active one).
    history
        The tour's history for ``request.recency_year`` (default: the pack's past stops).

    Returns
    -------
    RegionSelection

    Raises
    ------
    planner.selection.InfeasibleRulesError
        When the rules admit no selection; names the rule(s).
    """
    sites = pack.sites if sites is None else sites
    travel = model or default_model()
    if minutes is None:
        minutes = site_cell_minutes(
            sites, pack.cells, model=travel, limit_min=request.threshold_min
        )
    if isinstance(minutes, SparseMinutes) and request.model == "pmedian":
        # the p-median weighs every trip, not only those within a threshold: all pairs
        minutes = minutes.rows(np.arange(minutes.shape[0]))
    if not isinstance(minutes, SparseMinutes):
        minutes = np.asarray(minutes, dtype=float)
    cells = pack.cells
    demand = (cells["population"].to_numpy(float) > 0) & cells["in_region"].to_numpy(bool)
    demand_cells = cells[demand]
    weights = demand_weights(demand_cells, request.emphasis, request.emphasis_factor)
    if request.recency_year is not None:
        weights = weights * recency_weights(pack, request.recency_year, history=history)[demand]
    info = _site_info(sites, request.rules)
    location_model: MaximalCovering | PMedian
    if request.model == "mclp":
        # (demand cells, sites), as spopt orients it; the one rule of reach (planner.coverage)
        reach = reached_within_minutes(minutes, limit=request.threshold_min)
        location_model = MaximalCovering(reach[:, demand].T.tocsr(), weights, request.p, **info)
    else:
        assert isinstance(minutes, np.ndarray)
        cost = minutes[:, demand].T  # (demand cells, sites), as spopt orients it
        # a cell no road reaches gets a trip longer than any real one, so it still counts
        finite = cost[np.isfinite(cost)]
        worst = float(finite.max()) + 60.0 if finite.size else 60.0
        location_model = PMedian.from_cost_matrix(
            np.nan_to_num(cost, nan=worst, posinf=worst),
            demand_cells["population"].to_numpy(float),
            p_facilities=request.p,
            **info,
        )
    result = location_model.solve(time_limit=request.time_limit, seed=request.seed)
    table, figures, reached, avg = _figures(pack, sites, minutes, demand, result.chosen, request)
    population = float(demand_cells["population"].sum())
    return RegionSelection(
        request=request,
        result=result,
        sites=table,
        figures=figures,
        population=population,
        reached=reached,
        share=reached / population if population else float("nan"),
        average_minutes=avg,
        travel_model=str(travel.describe()),
    )


def _site_info(sites: gpd.GeoDataFrame, rules: SelectionRules) -> dict[str, Any]:
    """Per-site attributes the location models take (spacing distances only when asked for)."""
    info: dict[str, Any] = {
        "site_ids": sites["site_id"].astype(str).tolist(),
        "site_names": sites["name"].astype(str).tolist(),
        "site_districts": sites["district"].astype(str).tolist(),
        "site_area_classes": sites["area_class"].astype(str).tolist(),
        "rules": rules,
    }
    if rules.min_spacing_m:
        # metres in the sites' own projected CRS (the pack's), else the default one
        projected = sites.crs is not None and sites.crs.is_projected
        points = sites.geometry.to_crs(sites.crs if projected else METRIC_CRS)
        xy = np.column_stack([points.x.to_numpy(float), points.y.to_numpy(float)])
        info["site_distance_m"] = np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=2)
    return info


def _figures(
    pack: Any,
    sites: gpd.GeoDataFrame,
    minutes: np.ndarray | SparseMinutes,
    demand: np.ndarray,
    chosen: Sequence[str],
    request: SelectionRequest,
) -> tuple[pd.DataFrame, pd.DataFrame, float, float]:
    """Per-site table, coverage by district and class, people reached, average minutes."""
    cells = pack.cells[demand]
    # (sites, demand cells), boolean CSR: memory grows with the pairs reached
    within = reached_within_minutes(minutes, limit=request.threshold_min)[:, demand].tocsr()
    within = within.astype(float)
    population = cells["population"].to_numpy(float)
    rural = cells["area_class"].astype(str).to_numpy() == "rural"
    older = np.nan_to_num(cells["pop_65plus"].to_numpy(float))
    ids = sites["site_id"].astype(str).tolist()
    chosen_set = set(chosen)
    is_chosen = np.array([s in chosen_set for s in ids], dtype=bool)
    # the cells exactly one chosen site reaches, and the people there per chosen site
    hits = np.asarray(within[np.flatnonzero(is_chosen)].sum(axis=0)).ravel()
    only = np.where(is_chosen, within @ (population * (hits == 1)), 0.0)
    table = pd.DataFrame(
        {
            "site_id": ids,
            "name": sites["name"].astype(str).to_numpy(),
            "municipality": sites["municipality"].astype(str).to_numpy(),
            "district": sites["district"].astype(str).to_numpy(),
            "area_class": sites["area_class"].astype(str).to_numpy(),
            "kind": sites["kind"].astype(str).to_numpy() if "kind" in sites else "",
            "chosen": is_chosen,
            "reached": within @ population,
            "reached_only": only,
            "rural_reached": within @ (population * rural),
            "reached_65plus": np.round(within @ older),
        }
    )[SITE_COLUMNS]
    nearest = (
        np.nan_to_num(minute_rows(minutes, np.flatnonzero(is_chosen)), nan=np.inf).min(axis=0)
        if is_chosen.any()
        else np.full(len(pack.cells), np.inf)
    )
    figures = coverage_figures(pack, nearest, threshold_min=request.threshold_min)
    reached = float(figures.loc[figures["district_ags"] == "region", "reached"].iloc[0])
    near = nearest[demand]
    finite = np.isfinite(near)
    total = float(population[finite].sum())
    average = float((population * near)[finite].sum() / total) if total else float("nan")
    return table, figures, reached, average
