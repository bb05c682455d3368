"""Sites planners add: an uploaded table or one point by coordinates, every field checked.

A row is dropped when ``name``, ``lon`` or ``lat`` is bad, its ``site_id`` is taken, or the point
lies outside the region; a bad optional fact is reported and left unknown, since the site itself
is usable. Every problem is one :class:`~planner.sites.RowError`, naming row, field and value.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.i18n import Value
from planner.settings import DISPLAY_CRS, METRIC_CRS
from planner.sites.fields import (
    FIELDS,
    OPTIONAL_IMPORT_COLUMNS,
    REQUIRED_IMPORT_COLUMNS,
    HeaderMatch,
    check_column,
    match_headers,
)
from planner.sites.locate import COAST_TOLERANCE_M, assign_municipality
from planner.sites.problems import RowError, shown
from planner.sites.readers import read_findings, read_site_table
from planner.sites.schema import empty_sites, with_default_facts

__all__ = ["SiteImport", "import_sites", "load_site_file", "site_from_coordinates"]

_READ_COLUMNS = frozenset(REQUIRED_IMPORT_COLUMNS + OPTIONAL_IMPORT_COLUMNS)
# Order of a row's messages: the required fields first, then the place, then the facts.
_MESSAGE_ORDER = {
    c: i for i, c in enumerate(["name", "lon", "lat", "lon/lat", *OPTIONAL_IMPORT_COLUMNS])
}


@dataclass(frozen=True)
class SiteImport:
    """The valid rows of an upload, as sites, and every problem found, one per bad field."""

    sites: gpd.GeoDataFrame
    errors: list[RowError]

    def messages(self, lang: str = "de") -> list[str]:
        """All error messages in ``lang``."""
        return [e.message(lang) for e in self.errors]


@dataclass
class _RowProblems:
    """Problems of single rows, kept with their row position and column for sorting."""

    numbers: np.ndarray  # spreadsheet row (or feature number) of each position
    row_key: str
    found: list[tuple[int, str, RowError]] = field(default_factory=list)

    def add(
        self,
        pos: int,
        column: str,
        value: str,
        key: str,
        params: dict[str, object] | None = None,
        *,
        kept: bool = False,
    ) -> None:
        error = RowError(
            int(self.numbers[pos]),
            column,
            value,
            key,
            {} if params is None else params,
            row_key=self.row_key,
            kept=kept,
        )
        self.found.append((int(pos), column, error))

    def in_order(self, dropped: np.ndarray) -> list[RowError]:
        """By row, then field; a dropped row keeps none of its fields, so none says *kept*."""
        found = [
            (pos, column, replace(error, kept=False) if dropped[pos] and error.kept else error)
            for pos, column, error in self.found
        ]
        found.sort(key=lambda item: (item[0], _MESSAGE_ORDER.get(item[1], 99)))
        return [error for _, _, error in found]


def import_sites(
    table: pd.DataFrame,
    *,
    municipalities: gpd.GeoDataFrame,
    existing_ids: Collection[str] = frozenset(),
    lang: str = "de",
    crs: str | None = None,
) -> SiteImport:
    """Validate planner-supplied sites; keep every valid row, report every bad field.

    Parameters
    ----------
    table
        Rows with at least ``name``, ``lon``, ``lat`` (WGS84 degrees); optional columns are
        ``site_id``, ``power``, ``space_m2``, ``visibility``, ``available_from``, ``available_to``,
        ``notes``; column names in any case, or their German names (``Breitengrad``,
        ``Stromanschluss`` …, the aliases of :data:`~planner.sites.fields.FIELDS`). An unknown
        column is named with the closest known name; two headers of one field are an error.
        Row numbers in messages count the header as row 1, as spreadsheets do (GeoJSON: feature
        numbers), unless :func:`read_site_table` read them.
    municipalities
        The region's municipalities; a point outside all of them (and more than
        :data:`COAST_TOLERANCE_M` off their coast) is rejected.
    existing_ids
        Site ids already in use; a duplicate (also within the file) is rejected.
    lang
        The UI's language: how ``space_m2`` is read (``1.500`` is 1500 in German).
    crs
        The metric CRS of the sites (the pack's, ``pack.crs``); default the municipalities'.

    Returns
    -------
    SiteImport
        The kept rows as sites in ``crs``, and one :class:`RowError` per bad field. A row is
        dropped when ``name``, ``lon`` or ``lat`` is bad, its ``site_id`` is taken, or the point
        lies outside the region; a bad optional fact is reported and left unknown
        (``kept=True``), since the site itself is usable. Text loses unsafe characters (control
        and bidi characters), each removal reported.
    """
    findings = read_findings(table)
    errors = findings.errors
    crs = _metric_crs(municipalities, crs)
    empty = _no_sites(municipalities, crs)
    if findings.fatal:
        return SiteImport(empty, errors)
    numbers, row_key = findings.rows, findings.row_key
    if len(numbers) != len(table):  # a table built by the caller: spreadsheet rows
        numbers = np.arange(len(table), dtype=np.int64) + 2
        row_key = "import.row"
    match = match_headers(list(table.columns))
    header_errors, readable = _check_header(match, rows=len(table))
    errors.extend(header_errors)
    if not readable:
        return SiteImport(empty, errors)
    position = {c: i for i, c in enumerate(match.columns) if c in FIELDS}
    problems = _RowProblems(numbers, row_key)
    values, dropped = _check_fields(table, position, lang=lang, problems=problems)
    _assign_ids(values["site_id"], dropped, existing_ids=existing_ids, problems=problems)
    keep = np.flatnonzero(~dropped)
    if len(keep):
        sites, outside = _locate_rows(values, keep, municipalities, crs=crs)
        _report_outside(table, position, outside, problems)
        dropped[outside] = True
    else:
        sites = empty
    errors.extend(problems.in_order(dropped))
    errors.sort(key=lambda e: -1 if e.row is None else e.row)
    return SiteImport(sites, errors)


def _check_header(match: HeaderMatch, *, rows: int) -> tuple[list[RowError], bool]:
    """Problems of the columns (or of an empty table), and whether the rows can be read.

    A column named twice ("lat" and "Breitengrad") is named with both headers; a header that
    names no column is named with the closest known one; the rows are read all the same unless
    a column that is read is named twice (which one is meant cannot be known).
    """
    errors = []
    for column, headers in match.doubled.items():
        if len({h.casefold() for h in headers}) == 1:
            errors.append(RowError(None, column, shown(headers[0]), "import.duplicate_column"))
        else:
            quoted = ", ".join(f"„{shown(h)}“" for h in headers)
            errors.append(
                RowError(None, column, quoted, "import.duplicate_alias", {"headers": quoted})
            )
    for header, closest in match.unknown.items():
        text = shown(header)
        if closest:
            errors.append(
                RowError(None, text, text, "import.unknown_column_near", {"closest": closest})
            )
        else:
            errors.append(RowError(None, text, text, "import.unknown_column"))
    errors.extend(
        RowError(None, shown(h), shown(h), "import.derived_column") for h in match.derived
    )
    if any(c in _READ_COLUMNS for c in match.doubled):
        return errors, False
    missing = [c for c in REQUIRED_IMPORT_COLUMNS if c not in match.columns]
    if missing:
        errors.extend(RowError(None, c, c, "import.missing_column") for c in missing)
        return errors, False
    if not rows:
        errors.append(RowError(None, "", "", "import.no_rows"))
        return errors, False
    return errors, True


def _check_fields(
    table: pd.DataFrame, position: dict[str, int], *, lang: str, problems: _RowProblems
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every field of every row checked by :data:`FIELDS`.

    Returns
    -------
    tuple
        ``(values per column, rows dropped)``: a row is dropped when a required field is bad;
        a bad optional field is left unknown. Each problem goes to ``problems``.
    """
    values: dict[str, np.ndarray] = {}
    dropped = np.zeros(len(table), dtype=bool)
    for column, spec in FIELDS.items():
        if column not in position:
            values[column] = np.full(len(table), spec.unknown, dtype=object)
            continue
        texts = _as_text(table.iloc[:, position[column]])
        values[column], found = check_column(texts, column, lang)
        raw = texts.to_numpy(dtype=object)
        for pos, problem, is_error in found:
            drops = is_error and spec.required
            problems.add(pos, column, shown(raw[pos]), problem.key, problem.params, kept=not drops)
            if drops:
                dropped[pos] = True
    return values, dropped


def _assign_ids(
    ids: np.ndarray,
    dropped: np.ndarray,
    *,
    existing_ids: Collection[str],
    problems: _RowProblems,
) -> None:
    """Check explicit ids and give the other rows new ones (``ids`` and ``dropped`` in place).

    An explicit id must be new: a taken one (also earlier in the file: the first row wins) drops
    its row. Rows without one get ``user-0001`` … counted on from the ids in use.
    """
    taken = set(map(str, existing_ids))
    explicit = np.flatnonzero((ids != "") & ~dropped)
    explicit_ids = pd.Series(ids[explicit], dtype=object)
    duplicate = (explicit_ids.duplicated() | explicit_ids.isin(taken)).to_numpy(dtype=bool)
    for pos in explicit[duplicate]:
        problems.add(int(pos), "site_id", shown(ids[pos]), "import.duplicate_id")
        dropped[pos] = True
    taken.update(str(i) for i in ids[explicit[~duplicate]])
    counter = len(taken)
    for free in np.flatnonzero((ids == "") & ~dropped):
        counter += 1
        while f"user-{counter:04d}" in taken:
            counter += 1
        ids[free] = f"user-{counter:04d}"
        taken.add(ids[free])


def _metric_crs(municipalities: gpd.GeoDataFrame, crs: str | None) -> str:
    """``crs``, else the municipalities' metric CRS (the pack's), else the embedded pack's."""
    if crs:
        return crs
    own = municipalities.crs
    return str(own) if own is not None and own.is_projected else METRIC_CRS


def _no_sites(municipalities: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """The sites table without rows, labelled ``crs`` (no geometry to reproject)."""
    return with_default_facts(empty_sites(municipalities)).set_crs(crs, allow_override=True)


def _locate_rows(
    values: dict[str, np.ndarray],
    keep: np.ndarray,
    municipalities: gpd.GeoDataFrame,
    *,
    crs: str,
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """The kept rows as sites (in ``crs``) with their municipality, and the positions outside."""
    frame = pd.DataFrame({c: values[c][keep] for c in FIELDS})
    frame["space_m2"] = frame["space_m2"].astype(float)
    frame["_pos"] = keep
    points = gpd.GeoDataFrame(
        frame,
        geometry=gpd.points_from_xy(frame["lon"].astype(float), frame["lat"].astype(float)),
        crs=DISPLAY_CRS,
    )
    points["kind"] = "user"
    points["source"] = "Planung"
    # located in the municipalities' CRS (a join needs one), delivered in ``crs``
    located = assign_municipality(points.to_crs(municipalities.crs or crs), municipalities)
    outside = keep[~np.isin(keep, located["_pos"].to_numpy())]
    return with_default_facts(located.drop(columns=["_pos", "lon", "lat"]).to_crs(crs)), outside


def _report_outside(
    table: pd.DataFrame, position: dict[str, int], outside: np.ndarray, problems: _RowProblems
) -> None:
    """One problem per point outside the region, naming the coordinates as typed."""
    lon_text = _as_text(table.iloc[:, position["lon"]]).to_numpy(dtype=object)
    lat_text = _as_text(table.iloc[:, position["lat"]]).to_numpy(dtype=object)
    for pos in outside:
        lon, lat = shown(lon_text[pos]).strip(), shown(lat_text[pos]).strip()
        problems.add(
            int(pos),
            "lon/lat",
            f"{lon}, {lat}",
            "import.outside_region",
            {"lon": lon, "lat": lat, "tolerance": Value(COAST_TOLERANCE_M)},
        )


def _as_text(column: pd.Series | pd.DataFrame) -> pd.Series:
    """A column as strings, missing values as ``""``."""
    series = column.iloc[:, 0] if isinstance(column, pd.DataFrame) else column
    if series.dtype == object and pd.api.types.infer_dtype(series, skipna=False) == "string":
        return series  # as read_site_table gives it
    # Object dtype on purpose: pandas' string dtype (pyarrow) cannot even hold the lone
    # surrogates the checks are there to remove.
    texts = [v if isinstance(v, str) else "" if _missing(v) else str(v) for v in series]
    return pd.Series(texts, index=series.index, dtype=object)


def _missing(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and value != value)
    )


def site_from_coordinates(
    *,
    name: str,
    lon: float | str,
    lat: float | str,
    municipalities: gpd.GeoDataFrame,
    existing_ids: Collection[str] = frozenset(),
    lang: str = "de",
    crs: str | None = None,
    **facts: str,
) -> SiteImport:
    """Add one site by WGS84 coordinates, with the same checks as a file upload.

    ``lon``/``lat`` may be numbers or text as the user typed it (``"54,3233"`` in German);
    the site comes out in ``crs`` (the pack's; default the municipalities', see
    :func:`import_sites`).
    """
    row = {
        "name": name,
        "lon": lon if isinstance(lon, str) else repr(lon),
        "lat": lat if isinstance(lat, str) else repr(lat),
        **facts,
    }
    return import_sites(
        pd.DataFrame([row], dtype=object),
        municipalities=municipalities,
        existing_ids=existing_ids,
        lang=lang,
        crs=crs,
    )


def load_site_file(
    path: Path,
    *,
    municipalities: gpd.GeoDataFrame,
    existing_ids: Collection[str] = frozenset(),
    lang: str = "de",
    crs: str | None = None,
) -> SiteImport:
    """Read and validate a CSV or GeoJSON site file from disk (see :func:`import_sites`)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return SiteImport(
            _no_sites(municipalities, _metric_crs(municipalities, crs)),
            [RowError(None, "", str(path), "import.cannot_open", {"reason": exc.strerror or ""})],
        )
    return import_sites(
        read_site_table(data, path.name),
        municipalities=municipalities,
        existing_ids=existing_ids,
        lang=lang,
        crs=crs,
    )
