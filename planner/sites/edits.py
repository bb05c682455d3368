"""Planner edits of existing sites, the sites of a scenario, and filtering the site list."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.settings import METRIC_CRS
from planner.sites.fields import FIELDS, FieldProblem
from planner.sites.problems import RowError, shown
from planner.sites.schema import EDITABLE_FACTS, with_default_facts

__all__ = ["apply_site_edits", "combine_sites", "filter_sites"]


def _check_fact(
    site: str, column: str, value: object, lang: str = "de"
) -> tuple[object, list[RowError], bool]:
    """A fact value checked by the upload's rule (:data:`~planner.sites.FIELDS`).

    Returns ``(value, problems, apply)``: ``apply`` is False when the value is rejected (the
    site keeps its old value); a warning (removed characters) comes with ``apply`` True.
    """
    if column not in EDITABLE_FACTS:
        return (
            None,
            [RowError(None, column, shown(value), "import.not_editable", site=site)],
            False,
        )
    spec = FIELDS[column]
    if value is None or (isinstance(value, float) and np.isnan(value)) or not str(value).strip():
        return spec.unknown, [], True  # cleared: unknown again
    try:
        clean, warning = spec.parse(
            value if isinstance(value, int | float | date) else str(value), lang
        )
    except FieldProblem as problem:
        return (
            None,
            [RowError(None, column, shown(value), problem.key, problem.params, site=site)],
            False,
        )
    problems = [] if warning is None else [
        RowError(None, column, shown(value), warning.key, warning.params, site=site)
    ]  # fmt: skip
    return clean, problems, True


def apply_site_edits(
    sites: gpd.GeoDataFrame,
    edits: Mapping[str, Mapping[str, object]] | None,
    *,
    lang: str = "de",
) -> tuple[gpd.GeoDataFrame, list[RowError]]:
    """Apply planner edits of site facts, checked with the same rules as an upload.

    Parameters
    ----------
    sites
        The sites (any CRS; columns of :data:`~planner.sites.SITE_COLUMNS`).
    edits
        site_id → {fact: value} for facts of :data:`~planner.sites.EDITABLE_FACTS` (power,
        visibility, space_m2, available_from, available_to, notes). Values as typed: German or
        English numbers, dates and fact words.
    lang
        The UI's language (how numbers are read).

    Returns
    -------
    tuple
        ``(sites with the valid edits applied, one RowError per rejected or cleaned value)``;
        an error names the site by its name, the field by its label and the value, and the site
        keeps its old value.
    """
    out = sites.copy()
    errors: list[RowError] = []
    index = {str(s): i for i, s in enumerate(out["site_id"])}
    names = out["name"].astype(str).tolist() if "name" in out.columns else list(index)
    for site_id, facts in (edits or {}).items():
        row = index.get(str(site_id))
        if row is None:
            errors.append(
                RowError(
                    None, "site_id", shown(site_id), "import.unknown_site", site=shown(site_id)
                )
            )
            continue
        for column, value in facts.items():
            clean, problems, apply = _check_fact(names[row], str(column), value, lang)
            errors.extend(problems)
            if not apply:
                continue
            if column == "space_m2":
                out["space_m2"] = out["space_m2"].astype(float)
            out.iloc[row, out.columns.get_loc(column)] = clean
    return out, errors


def combine_sites(
    base: gpd.GeoDataFrame,
    *,
    added: gpd.GeoDataFrame | None = None,
    edits: Mapping[str, Mapping[str, object]] | None = None,
    lang: str = "de",
    crs: str | None = None,
) -> tuple[gpd.GeoDataFrame, list[RowError]]:
    """The candidate sites with planner-added sites appended and planner edits applied.

    Parameters
    ----------
    base
        The generated candidates (the region pack's ``sites`` layer).
    added
        Sites added from files or coordinates (:func:`~planner.sites.import_sites`).
    edits
        Fact edits (see :func:`apply_site_edits`).
    lang
        The UI's language (how edited numbers are read).
    crs
        The metric CRS of the result; default ``base``'s (the pack's), else
        :data:`~planner.settings.METRIC_CRS`.

    Returns
    -------
    tuple
        ``(sites in crs with every column of SITE_COLUMNS, errors of rejected edits)``.
    """
    crs = crs or (str(base.crs) if base.crs is not None else METRIC_CRS)
    parts = [with_default_facts(base.to_crs(crs) if base.crs is not None else base.set_crs(crs))]
    if added is not None and len(added):
        parts.append(with_default_facts(added.to_crs(crs)))
    joined = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    sites = gpd.GeoDataFrame(joined, geometry="geometry", crs=crs)
    return apply_site_edits(sites, edits, lang=lang)


def filter_sites(
    sites: pd.DataFrame,
    *,
    districts: Collection[str] | None = None,
    areas: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
) -> pd.DataFrame:
    """Rows matching the filters (an empty or missing filter keeps everything)."""
    mask = np.ones(len(sites), dtype=bool)
    if districts:
        mask &= sites["district"].isin(list(districts)).to_numpy()
    if areas:
        mask &= sites["area_class"].isin(list(areas)).to_numpy()
    if kinds:
        mask &= sites["kind"].isin(list(kinds)).to_numpy()
    return sites[mask]
