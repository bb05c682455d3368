"""Candidate stops: generated from the region data, and added by planners from files or coordinates.

Generated kinds, in the order they win when two points lie closer than the merge distance:
``rail`` (DB stations), ``bus_hub`` (bus stops with many stops around them), ``centre`` (the
register's official midpoint of each municipality) and ``school``. The facts planners care about
(mains power, space, visibility, availability) start as *unknown* and are edited in scenarios.
"""

from __future__ import annotations

import io
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from planner.i18n import t
from planner.settings import (
    BUS_HUB_MIN_NEIGHBOURS,
    BUS_HUB_RADIUS_M,
    DISPLAY_CRS,
    METRIC_CRS,
    SITE_MERGE_DISTANCE_M,
)

KINDS = ("rail", "bus_hub", "centre", "school", "user")
POWER_VALUES = ("unknown", "yes", "no")
VISIBILITY_VALUES = ("unknown", "low", "medium", "high")

#: Columns of the ``sites`` layer, in order.
SITE_COLUMNS = [
    "site_id",
    "name",
    "ags",
    "municipality",
    "district_ags",
    "district",
    "kind",
    "source",
    "merged_from",
    "area_class",
    "power",
    "space_m2",
    "visibility",
    "available_from",
    "available_to",
    "notes",
]


def _candidates(
    ids: list[str], names: list[str], kind: str, source: str, geometry: gpd.GeoSeries
) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"site_id": ids, "name": names, "kind": kind, "source": source},
        geometry=geometry.to_numpy(),
        crs=METRIC_CRS,
    )


def bus_hubs(
    stops: gpd.GeoDataFrame,
    *,
    radius_m: float = BUS_HUB_RADIUS_M,
    min_neighbours: int = BUS_HUB_MIN_NEIGHBOURS,
) -> gpd.GeoDataFrame:
    """Bus stops served by rail too, or with ``min_neighbours`` other bus stops within ``radius_m``.

    One hub per cluster: rail-served stops first, then the densest; stops within ``radius_m`` of a
    chosen hub are not hubs themselves.
    """
    bus = stops[stops["is_bus"]].reset_index(drop=True)
    xy = np.column_stack([bus.geometry.x, bus.geometry.y])
    tree = cKDTree(xy)
    counts = np.array([len(n) - 1 for n in tree.query_ball_point(xy, r=radius_m)])
    qualifies = bus["is_rail"].to_numpy() | (counts >= min_neighbours)
    chosen: list[int] = []
    taken = np.zeros(len(bus), dtype=bool)
    for i in np.lexsort((-counts, ~bus["is_rail"].to_numpy())):
        if not qualifies[i] or taken[i]:
            continue
        chosen.append(int(i))
        taken[tree.query_ball_point(xy[i], r=radius_m)] = True
    return bus.iloc[chosen].reset_index(drop=True)


def generate_sites(
    *,
    municipalities: gpd.GeoDataFrame,
    stations: gpd.GeoDataFrame,
    stops: gpd.GeoDataFrame,
    schools: gpd.GeoDataFrame,
    merge_distance_m: float = SITE_MERGE_DISTANCE_M,
) -> gpd.GeoDataFrame:
    """Generate and merge candidate sites from the region data (all inputs in EPSG:25832)."""
    hubs = bus_hubs(stops)
    centres = gpd.GeoSeries(
        gpd.points_from_xy(municipalities["midpoint_x"], municipalities["midpoint_y"]),
        crs=METRIC_CRS,
    )
    parts = [
        _candidates(
            [f"rail-{i}" for i in stations["station_id"]],
            [f"{n} (Bahnhof)" for n in stations["name"]],
            "rail",
            "DB Stationsdaten",
            stations.geometry,
        ),
        _candidates(
            [f"hub-{i}" for i in hubs["stop_id"]],
            [f"{n} (Bushaltestelle)" for n in hubs["name"]],
            "bus_hub",
            "DB HAFAS Haltestellen",
            hubs.geometry,
        ),
        _candidates(
            [f"centre-{a}" for a in municipalities["ags"]],
            [f"{n} (Ortsmitte)" for n in municipalities["name"]],
            "centre",
            "Destatis Gemeindeverzeichnis",
            centres,
        ),
        _candidates(
            [f"school-{i}" for i in schools["school_id"]],
            list(schools["name"]),
            "school",
            "Schulverzeichnis Schleswig-Holstein",
            schools.geometry,
        ),
    ]
    candidates = pd.concat(parts, ignore_index=True)
    merged = merge_close_points(candidates, distance_m=merge_distance_m)
    located = assign_municipality(merged, municipalities)
    return with_default_facts(located)


def merge_close_points(candidates: gpd.GeoDataFrame, *, distance_m: float) -> gpd.GeoDataFrame:
    """Keep the first of any points closer than ``distance_m`` (input order = priority).

    The kept site lists the names it absorbed in ``merged_from``.
    """
    xy = np.column_stack([candidates.geometry.x, candidates.geometry.y])
    tree = cKDTree(xy)
    absorbed_by = np.full(len(candidates), -1)
    keep: list[int] = []
    for i in range(len(candidates)):
        if absorbed_by[i] >= 0:
            continue
        keep.append(i)
        for j in tree.query_ball_point(xy[i], r=distance_m):
            if j != i and absorbed_by[j] < 0 and j > i:
                absorbed_by[j] = i
    names = candidates["name"].to_numpy()
    merged_from = ["; ".join(names[absorbed_by == i]) for i in keep]
    out = candidates.iloc[keep].reset_index(drop=True)
    out["merged_from"] = merged_from
    return out


def assign_municipality(
    points: gpd.GeoDataFrame, municipalities: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Attach ags, municipality, district_ags, district and area_class; drop points outside."""
    cols = ["ags", "name", "district_ags", "district", "area_class", "geometry"]
    joined = gpd.sjoin(
        points, municipalities[cols].rename(columns={"name": "municipality"}), predicate="within"
    )
    joined = joined[~joined.index.duplicated()].drop(columns="index_right")
    return joined.reset_index(drop=True)


def with_default_facts(sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add the planner-edited facts as *unknown* and order the columns."""
    out = sites.copy()
    defaults: dict[str, object] = {
        "merged_from": "",
        "power": "unknown",
        "space_m2": np.nan,
        "visibility": "unknown",
        "available_from": "",
        "available_to": "",
        "notes": "",
    }
    for column, value in defaults.items():
        if column not in out.columns:
            out[column] = value
    return gpd.GeoDataFrame(out[[*SITE_COLUMNS, "geometry"]], geometry="geometry", crs=METRIC_CRS)


# --- planner-added sites ------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem with one row of an uploaded file (row numbers as a spreadsheet shows them)."""

    row: int | None  # None: the whole file
    field: str
    value: str
    key: str  # i18n key
    params: dict[str, object] = dataclass_field(default_factory=dict)
    site: str | None = None  # set for edits of an existing site (named instead of a row)

    def message(self, lang: str = "de") -> str:
        """The message in ``lang``, naming row (or site), field and value."""
        if self.site is not None:
            where = t("import.site", lang, site=self.site)
        elif self.row is not None:
            where = t("import.row", lang, row=self.row)
        else:
            where = t("import.file", lang)
        text = t(self.key, lang, field=self.field, value=self.value, **self.params)
        return f"{where}: {text}"


@dataclass(frozen=True)
class SiteImport:
    """The valid rows of an upload, as sites, and one error per bad row."""

    sites: gpd.GeoDataFrame
    errors: list[RowError]

    def messages(self, lang: str = "de") -> list[str]:
        """All error messages in ``lang``."""
        return [e.message(lang) for e in self.errors]


REQUIRED_IMPORT_COLUMNS = ("name", "lon", "lat")
OPTIONAL_IMPORT_COLUMNS = (
    "site_id",
    "power",
    "space_m2",
    "visibility",
    "available_from",
    "available_to",
    "notes",
)


def read_site_table(data: bytes, filename: str) -> pd.DataFrame:
    """Read an upload (CSV, ``;`` or ``,`` separated, or GeoJSON) into a table of strings.

    GeoJSON point features become ``lon``/``lat`` columns (in EPSG:4326, as GeoJSON requires).
    """
    if filename.lower().endswith((".geojson", ".json")):
        features = json.loads(data.decode("utf-8"))["features"]
        rows = []
        for feature in features:
            props = {
                k: "" if v is None else str(v) for k, v in feature.get("properties", {}).items()
            }
            geom = feature.get("geometry") or {}
            coords = geom.get("coordinates") if geom.get("type") == "Point" else None
            props["lon"] = str(coords[0]) if coords else ""
            props["lat"] = str(coords[1]) if coords else ""
            rows.append(props)
        return pd.DataFrame(rows, dtype=str)
    text = data.decode("utf-8-sig")
    first = text.splitlines()[0] if text else ""
    sep = ";" if first.count(";") > first.count(",") else ","
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)


def _number(value: str) -> float:
    # German spreadsheets write decimal commas.
    return float(value.strip().replace(",", "."))


def import_sites(
    table: pd.DataFrame,
    *,
    municipalities: gpd.GeoDataFrame,
    existing_ids: set[str] | frozenset[str] = frozenset(),
) -> SiteImport:
    """Validate planner-supplied sites; keep every valid row, report every bad one.

    Parameters
    ----------
    table
        Rows with at least ``name``, ``lon``, ``lat`` (WGS84 degrees); optional columns are
        ``site_id``, ``power``, ``space_m2``, ``visibility``, ``available_from``, ``available_to``,
        ``notes``. Row numbers in messages count the header as row 1, as spreadsheets do.
    municipalities
        The region's municipalities; a point outside all of them is rejected.
    existing_ids
        Site ids already in use; a duplicate (also within the file) is rejected.
    """
    errors: list[RowError] = []
    missing = [c for c in REQUIRED_IMPORT_COLUMNS if c not in table.columns]
    if missing:
        errors.extend(RowError(None, c, "", "import.missing_column") for c in missing)
        return SiteImport(with_default_facts(_empty_sites(municipalities)), errors)
    table = table.fillna("").astype(str)
    taken = set(existing_ids)
    good: list[dict[str, object]] = []
    records: list[dict[str, str]] = table.to_dict("records")  # type: ignore[assignment]
    for i, record in enumerate(records):
        row = i + 2
        error = _check_row(record, row, taken)
        if error is not None:
            errors.append(error)
            continue
        site_id = record.get("site_id", "").strip() or f"user-{len(taken) + 1:04d}"
        while site_id in taken:
            site_id = f"user-{len(taken) + 1:04d}-{row}"
        taken.add(site_id)
        good.append({**_clean(record), "site_id": site_id, "_row": row})
    frame = pd.DataFrame(good)
    if frame.empty:
        return SiteImport(with_default_facts(_empty_sites(municipalities)), errors)
    points = gpd.GeoDataFrame(
        frame,
        geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
        crs=DISPLAY_CRS,
    ).to_crs(METRIC_CRS)
    points["kind"] = "user"
    points["source"] = "Planung"
    located = assign_municipality(points, municipalities)
    for row, rec in zip(frame["_row"], frame.to_dict("records"), strict=True):
        if row not in set(located["_row"]):
            errors.append(
                RowError(
                    int(row),
                    "lon/lat",
                    f"{rec['lon']}, {rec['lat']}",
                    "import.outside_region",
                    {"lon": rec["lon"], "lat": rec["lat"]},
                )
            )
    errors.sort(key=lambda e: e.row or 0)
    return SiteImport(with_default_facts(located.drop(columns=["_row", "lon", "lat"])), errors)


def _check_row(record: dict[str, str], row: int, taken: set[str]) -> RowError | None:
    for column in REQUIRED_IMPORT_COLUMNS:
        if not record.get(column, "").strip():
            return RowError(row, column, "", "import.empty")
    for column, (low, high) in (("lon", (-180.0, 180.0)), ("lat", (-90.0, 90.0))):
        value = record[column]
        try:
            number = _number(value)
        except ValueError:
            return RowError(row, column, value, "import.not_a_number")
        if not low <= number <= high:
            return RowError(row, column, value, "import.out_of_range", {"low": low, "high": high})
    site_id = record.get("site_id", "").strip()
    if site_id and site_id in taken:
        return RowError(row, "site_id", site_id, "import.duplicate_id")
    for column, allowed in (("power", POWER_VALUES), ("visibility", VISIBILITY_VALUES)):
        value = record.get(column, "").strip().lower()
        if value and value not in allowed:
            return RowError(
                row, column, value, "import.bad_choice", {"allowed": ", ".join(allowed)}
            )
    space = record.get("space_m2", "").strip()
    if space:
        try:
            _number(space)
        except ValueError:
            return RowError(row, "space_m2", space, "import.not_a_number")
    for column in ("available_from", "available_to"):
        value = record.get(column, "").strip()
        if value:
            try:
                date.fromisoformat(value)
            except ValueError:
                return RowError(row, column, value, "import.bad_date")
    return None


def _clean(record: dict[str, str]) -> dict[str, object]:
    space = record.get("space_m2", "").strip()
    return {
        "name": record["name"].strip(),
        "lon": _number(record["lon"]),
        "lat": _number(record["lat"]),
        "power": record.get("power", "").strip().lower() or "unknown",
        "space_m2": _number(space) if space else np.nan,
        "visibility": record.get("visibility", "").strip().lower() or "unknown",
        "available_from": record.get("available_from", "").strip(),
        "available_to": record.get("available_to", "").strip(),
        "notes": record.get("notes", "").strip(),
    }


def _empty_sites(municipalities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    columns = {c: pd.Series(dtype=object) for c in SITE_COLUMNS}
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=municipalities.crs))


def site_from_coordinates(
    *,
    name: str,
    lon: float,
    lat: float,
    municipalities: gpd.GeoDataFrame,
    existing_ids: set[str] | frozenset[str] = frozenset(),
    **facts: str,
) -> SiteImport:
    """Add one site by WGS84 coordinates, with the same checks as a file upload."""
    row = {"name": name, "lon": str(lon), "lat": str(lat), **facts}
    return import_sites(
        pd.DataFrame([row]), municipalities=municipalities, existing_ids=existing_ids
    )


def load_site_file(path: Path, **kwargs: object) -> SiteImport:
    """Read and validate a CSV or GeoJSON site file from disk (see :func:`import_sites`)."""
    try:
        table = read_site_table(path.read_bytes(), path.name)
    except (OSError, ValueError, KeyError, UnicodeDecodeError) as exc:
        municipalities = kwargs["municipalities"]
        assert isinstance(municipalities, gpd.GeoDataFrame)
        return SiteImport(
            with_default_facts(_empty_sites(municipalities)),
            [RowError(None, path.name, str(exc), "import.unreadable_file")],
        )
    return import_sites(table, **kwargs)  # type: ignore[arg-type]


# --- planner edits of existing sites -----------------------------------------------------------

#: Facts planners edit on existing sites.
EDITABLE_FACTS = ("power", "space_m2", "visibility", "available_from", "available_to", "notes")


def _check_fact(site_id: str, column: str, value: object) -> tuple[object, RowError | None]:
    """A fact value cleaned the way an upload cleans it, or the error an upload would give."""
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    text = text.strip()
    if column not in EDITABLE_FACTS:
        return None, RowError(None, column, text, "import.not_editable", site=site_id)
    if column in ("power", "visibility"):
        allowed = POWER_VALUES if column == "power" else VISIBILITY_VALUES
        word = text.lower() or "unknown"
        if word not in allowed:
            return None, RowError(
                None,
                column,
                text,
                "import.bad_choice",
                {"allowed": ", ".join(allowed)},
                site=site_id,
            )
        return word, None
    if column == "space_m2":
        if not text:
            return np.nan, None
        try:
            number = float(value) if isinstance(value, int | float) else _number(text)
        except ValueError:
            return None, RowError(None, column, text, "import.not_a_number", site=site_id)
        if not np.isfinite(number) or number < 0:
            return None, RowError(
                None, column, text, "import.out_of_range", {"low": 0, "high": "∞"}, site=site_id
            )
        return number, None
    if column in ("available_from", "available_to"):
        if isinstance(value, date):
            return value.isoformat(), None
        if text:
            try:
                date.fromisoformat(text[:10] if len(text) > 10 and "T" in text else text)
            except ValueError:
                return None, RowError(None, column, text, "import.bad_date", site=site_id)
            return text[:10], None
        return "", None
    return text, None  # notes


def apply_site_edits(
    sites: gpd.GeoDataFrame, edits: Mapping[str, Mapping[str, object]] | None
) -> tuple[gpd.GeoDataFrame, list[RowError]]:
    """Apply planner edits of site facts, checked with the same rules as an upload.

    Parameters
    ----------
    sites
        The sites (any CRS; columns of :data:`SITE_COLUMNS`).
    edits
        site_id → {fact: value} for facts of :data:`EDITABLE_FACTS` (power, visibility,
        space_m2, available_from, available_to, notes).

    Returns
    -------
    tuple
        ``(sites with the valid edits applied, one RowError per rejected value)``; an error
        names the site, the field and the value, and the site keeps its old value.
    """
    out = sites.copy()
    errors: list[RowError] = []
    index = {str(s): i for i, s in enumerate(out["site_id"])}
    for site_id, facts in (edits or {}).items():
        row = index.get(str(site_id))
        if row is None:
            errors.append(
                RowError(None, "site_id", str(site_id), "import.unknown_site", site=str(site_id))
            )
            continue
        for column, value in facts.items():
            clean, error = _check_fact(str(site_id), str(column), value)
            if error is not None:
                errors.append(error)
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
) -> tuple[gpd.GeoDataFrame, list[RowError]]:
    """The candidate sites with planner-added sites appended and planner edits applied.

    Parameters
    ----------
    base
        The generated candidates (the region pack's ``sites`` layer).
    added
        Sites added from files or coordinates (:func:`import_sites`).
    edits
        Fact edits (see :func:`apply_site_edits`).

    Returns
    -------
    tuple
        ``(sites in EPSG:25832 with every column of SITE_COLUMNS, errors of rejected edits)``.
    """
    parts = [with_default_facts(base.to_crs(METRIC_CRS))]
    if added is not None and len(added):
        parts.append(with_default_facts(added.to_crs(METRIC_CRS)))
    joined = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    sites = gpd.GeoDataFrame(joined, geometry="geometry", crs=METRIC_CRS)
    return apply_site_edits(sites, edits)


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
