"""Candidate stops: generated from the region data, and added by planners from files or coordinates.

Generated kinds, in the order they win when two points lie closer than the merge distance:
``rail`` (DB stations), ``bus_hub`` (bus stops with many stops around them), ``centre`` (the
register's official midpoint of each municipality) and ``school``. The facts planners care about
(mains power, space, visibility, availability) start as *unknown* and are edited in scenarios.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import date
from pathlib import Path
from typing import Final

import charset_normalizer
import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer
from pyproj.exceptions import CRSError
from scipy.spatial import cKDTree

from planner.i18n import CATALOGUE, Value, t
from planner.notation import NotationError, parse_date, parse_number
from planner.settings import (
    BUS_HUB_MIN_NEIGHBOURS,
    BUS_HUB_RADIUS_M,
    DISPLAY_CRS,
    METRIC_CRS,
    SITE_MERGE_DISTANCE_M,
)
from planner.usertext import NAME_MAX_LENGTH, NOTES_MAX_LENGTH, clean_text, unsafe_characters

KINDS = ("rail", "bus_hub", "centre", "school", "user")
POWER_VALUES = ("unknown", "yes", "no")
VISIBILITY_VALUES = ("unknown", "low", "medium", "high")

#: A point in the sea at most this far (metres) from a municipality belongs to the nearest one:
#: the generalised VG5000 boundaries cut harbours and piers off the coast (Eckernförde's harbour
#: by 3 m, Möltenort's by 484 m).
COAST_TOLERANCE_M: Final = 1_000.0
#: Largest usable space a planner may enter (m²): a large market square; more is a typo.
SPACE_MAX_M2: Final = 100_000.0
#: Longest site id (ids are keys in scenarios and exports, not prose).
SITE_ID_MAX_LENGTH: Final = 100

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
    # Generated candidates must lie inside the region (the pack build checks it); the coastal
    # tolerance is for points planners place by hand.
    located = assign_municipality(merged, municipalities, tolerance_m=0)
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
    points: gpd.GeoDataFrame,
    municipalities: gpd.GeoDataFrame,
    *,
    tolerance_m: float = COAST_TOLERANCE_M,
) -> gpd.GeoDataFrame:
    """Attach ags, municipality, district_ags, district and area_class; drop points outside.

    Parameters
    ----------
    points
        Points in the municipalities' CRS (EPSG:25832).
    municipalities
        The region's municipalities.
    tolerance_m
        A point outside every municipality but at most this far (metres) from one belongs to the
        nearest: the generalised boundaries cut harbours and piers off the coast. 0 keeps only
        points inside.

    Returns
    -------
    geopandas.GeoDataFrame
        The located points in input order (index reset). A point inside a municipality always
        keeps that municipality; the tolerance only decides about points outside all of them.
    """
    cols = ["ags", "name", "district_ags", "district", "area_class", "geometry"]
    areas = municipalities[cols].rename(columns={"name": "municipality"})
    pts = points.reset_index(drop=True)
    joined = gpd.sjoin(pts, areas, predicate="within")
    joined = joined[~joined.index.duplicated()]
    outside = pts[~pts.index.isin(joined.index)]
    if tolerance_m > 0 and len(outside):
        # Distances only make sense in metres, whatever CRS the caller used.
        hit = gpd.sjoin_nearest(
            outside.to_crs(METRIC_CRS),
            areas[["geometry"]].to_crs(METRIC_CRS),
            max_distance=tolerance_m,
        )
        hit = hit[~hit.index.duplicated()]  # equidistant neighbours: the first one
        near = outside.loc[hit.index].copy()
        facts = areas.drop(columns="geometry").loc[hit["index_right"].to_numpy()]
        for column in facts.columns:
            near[column] = facts[column].to_numpy()
        near["index_right"] = hit["index_right"].to_numpy()
        joined = pd.concat([joined, near]).sort_index()
    return joined.drop(columns="index_right").reset_index(drop=True)


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
    """One problem with one row of an uploaded file (row numbers as a spreadsheet shows them).

    Attributes
    ----------
    row
        The row (CSV: the header is row 1) or feature number (GeoJSON: the first is 1);
        None for the whole file.
    field
        The column (``name``, ``lon``, ``available_from`` …); shown by its translated label
        (catalogue key ``field.<field>``).
    value
        The value found, shortened and cleaned for display.
    key
        The i18n key of the message.
    params
        Further message parameters.
    site
        For edits of an existing site: the site's name (shown instead of a row).
    row_key
        The i18n key naming the row (``import.row`` or ``import.feature``).
    kept
        True when the row was kept anyway (a bad optional field is left unknown, unsafe
        characters are removed).
    """

    row: int | None  # None: the whole file
    field: str
    value: str
    key: str  # i18n key
    params: dict[str, object] = dataclass_field(default_factory=dict)
    site: str | None = None  # set for edits of an existing site (named instead of a row)
    row_key: str = "import.row"
    kept: bool = False

    def message(self, lang: str = "de") -> str:
        """The message in ``lang``, naming row (or site), field and value."""
        if self.site is not None:
            where = t("import.site", lang, site=self.site)
        elif self.row is not None:
            where = t(self.row_key, lang, row=self.row)
        else:
            where = t("import.file", lang)
        label = field_label(self.field, lang)
        text = t(self.key, lang, **{**self.params, "field": label, "value": self.value})
        if self.kept and self.key not in _SELF_EXPLAINING:
            text += " " + t("import.kept_unknown", lang, field=label)
        return f"{where}: {text}"


def field_label(column: str, lang: str = "de") -> str:
    """The translated label of a site column (``available_from`` → „verfügbar ab“)."""
    key = f"field.{column}"
    return t(key, lang) if key in CATALOGUE else column


# Messages that already say the row was kept.
_SELF_EXPLAINING = frozenset({"import.cleaned"})


@dataclass(frozen=True)
class SiteImport:
    """The valid rows of an upload, as sites, and every problem found, one per bad field."""

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
_READ_COLUMNS = frozenset(REQUIRED_IMPORT_COLUMNS + OPTIONAL_IMPORT_COLUMNS)

# What read_site_table found besides the table, handed to import_sites in ``DataFrame.attrs``
# (so the two-step API of the callers stays as it is).
_ATTR_ERRORS = "site_read_errors"
_ATTR_ROWS = "site_rows"
_ATTR_ROW_KEY = "site_row_key"
_ATTR_FATAL = "site_read_fatal"

#: Restarts of the strict CSV parser after a broken record before the rest is read line by line
#: (bounds the work on a file with very many broken quotes).
_MAX_CSV_RESTARTS = 100
#: Characters of a value shown in a message (a 1 MB name is not repeated in full).
_SHOWN_LENGTH = 60


# --- field checks: one table for uploads, coordinates and the edit form -------------------------


class _Problem(Exception):
    """A field value that cannot be used (raised) or was changed (returned as a warning)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class _Field:
    """How one site column is read: ``parse(text, lang) -> (value, warning)`` or raises."""

    parse: Callable[[object, str], tuple[object, _Problem | None]]
    required: bool
    unknown: object  # the value of an empty or rejected optional field
    distinct: bool  # few distinct values: parse each once


def _shown(value: object) -> str:
    """``value`` as text for a message: without unsafe characters, at most _SHOWN_LENGTH long."""
    text = clean_text(str(value))
    return text if len(text) <= _SHOWN_LENGTH else text[: _SHOWN_LENGTH - 1] + "…"


def _text_field(
    *, max_length: int, multiline: bool
) -> Callable[[object, str], tuple[object, _Problem | None]]:
    def parse(value: object, lang: str) -> tuple[object, _Problem | None]:
        text = str(value)
        if text.isprintable() and unicodedata.is_normalized("NFC", text):
            # Every unsafe character is unprintable, so clean_text would only strip: skip it
            # (the property tests check that both ways agree).
            removed, clean = [], text.strip()
        else:
            removed = unsafe_characters(text, multiline=multiline)
            clean = clean_text(text, multiline=multiline)
        if removed and not clean:
            raise _Problem("import.only_unsafe", chars=", ".join(removed))
        if len(clean) > max_length:
            raise _Problem("import.too_long", length=Value(len(clean)), max=Value(max_length))
        warning = _Problem("import.cleaned", chars=", ".join(removed)) if removed else None
        return clean, warning

    return parse


def _number_field(
    low: float, high: float, *, grouping: bool, low_open: bool = False
) -> Callable[[object, str], tuple[object, _Problem | None]]:
    def parse(value: object, lang: str) -> tuple[object, _Problem | None]:
        try:
            number = parse_number(
                value if isinstance(value, int | float) else str(value),
                lang=lang,
                grouping=grouping,
            )
        except NotationError:
            raise _Problem("import.not_a_number") from None
        if not (low < number if low_open else low <= number) or number > high:
            key = "import.out_of_range_open" if low_open else "import.out_of_range"
            raise _Problem(key, low=Value(low), high=Value(high))
        return number, None

    return parse


def _choice_field(
    words: Mapping[str, str],
) -> Callable[[object, str], tuple[object, _Problem | None]]:
    canonical = list(dict.fromkeys(words.values()))

    def parse(value: object, lang: str) -> tuple[object, _Problem | None]:
        word = words.get(str(value).strip().casefold())
        if word is None:
            raise _Problem("import.bad_choice", allowed=[Value(w) for w in canonical])
        return word, None

    return parse


def _date_field(value: object, lang: str) -> tuple[object, _Problem | None]:
    try:
        return parse_date(value if isinstance(value, date) else str(value)).isoformat(), None
    except NotationError:
        raise _Problem("import.bad_date") from None


#: Fact words as planners type them, in either language and any case → the stored word.
POWER_WORDS: dict[str, str] = {
    "unknown": "unknown", "unbekannt": "unknown",
    "yes": "yes", "ja": "yes", "true": "yes", "wahr": "yes",
    "no": "no", "nein": "no", "false": "no", "falsch": "no",
}  # fmt: skip
VISIBILITY_WORDS: dict[str, str] = {
    "unknown": "unknown", "unbekannt": "unknown",
    "low": "low", "gering": "low", "niedrig": "low",
    "medium": "medium", "mittel": "medium",
    "high": "high", "hoch": "high",
}  # fmt: skip

#: Every column a planner's text enters through, checked the same way by uploads, the
#: coordinates form (:func:`site_from_coordinates`) and the edit form (:func:`apply_site_edits`).
FIELDS: dict[str, _Field] = {
    "name": _Field(_text_field(max_length=NAME_MAX_LENGTH, multiline=False), True, "", False),
    "lon": _Field(_number_field(-180.0, 180.0, grouping=False), True, np.nan, False),
    "lat": _Field(_number_field(-90.0, 90.0, grouping=False), True, np.nan, False),
    "site_id": _Field(
        _text_field(max_length=SITE_ID_MAX_LENGTH, multiline=False), False, "", False
    ),
    "power": _Field(_choice_field(POWER_WORDS), False, "unknown", True),
    "space_m2": _Field(
        _number_field(0.0, SPACE_MAX_M2, grouping=True, low_open=True), False, np.nan, True
    ),
    "visibility": _Field(_choice_field(VISIBILITY_WORDS), False, "unknown", True),
    "available_from": _Field(_date_field, False, "", True),
    "available_to": _Field(_date_field, False, "", True),
    "notes": _Field(_text_field(max_length=NOTES_MAX_LENGTH, multiline=True), False, "", False),
}


def _check_column(
    values: pd.Series, column: str, lang: str
) -> tuple[np.ndarray, list[tuple[int, _Problem, bool]]]:
    """Parse one column: values (``FIELDS[column].unknown`` where empty or bad) and problems.

    Problems are ``(position, problem, is_error)``; warnings (``is_error`` False) keep the value.
    """
    spec = FIELDS[column]
    out = np.full(len(values), spec.unknown, dtype=object)
    problems: list[tuple[int, _Problem, bool]] = []
    texts = values.to_numpy(dtype=object)
    filled = np.array([bool(v) and not v.isspace() for v in texts], dtype=bool)
    if spec.required:
        problems.extend((int(i), _Problem("import.empty"), True) for i in np.flatnonzero(~filled))
    todo = np.flatnonzero(filled)
    if spec.distinct and len(todo):
        codes, uniques = pd.factorize(values.iloc[todo])
        results: list[tuple[object, _Problem | None, bool]] = []
        for text in uniques:
            try:
                value, warning = spec.parse(text, lang)
                results.append((value, warning, False))
            except _Problem as problem:
                results.append((spec.unknown, problem, True))
        for pos, code in zip(todo, codes, strict=True):
            value, outcome, is_error = results[code]
            out[pos] = value
            if outcome is not None:
                problems.append((int(pos), outcome, is_error))
        return out, problems
    for pos in todo:
        try:
            value, warning = spec.parse(texts[pos], lang)
        except _Problem as problem:
            problems.append((int(pos), problem, True))
            continue
        out[pos] = value
        if warning is not None:
            problems.append((int(pos), warning, False))
    return out, problems


# --- reading files ------------------------------------------------------------------------------


def read_site_table(data: bytes, filename: str) -> pd.DataFrame:
    """Read an upload (CSV or GeoJSON) into a table of strings; never raises for bad content.

    CSV: the encoding is detected (UTF-8 with or without BOM, UTF-16 with BOM, cp1252 as German
    Excel writes it, others via charset-normalizer); ``;``, ``,`` or tab separated; column names
    are matched case-insensitively. A broken record (an unclosed quote) is reported and the rows
    before and after it are kept. GeoJSON: point features become ``lon``/``lat`` columns in
    EPSG:4326; a legacy ``crs`` member naming an EPSG code is honoured.

    Problems found while reading travel with the table (``DataFrame.attrs``) to
    :func:`import_sites`, which reports them with the rows' own problems.
    """
    if filename.lower().endswith((".geojson", ".json")):
        return _read_geojson(data)
    return _read_csv(data)


def _table(
    columns: list[str],
    rows: list[list[str]],
    numbers: list[int],
    errors: list[RowError],
    *,
    row_key: str = "import.row",
    fatal: bool = False,
) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=columns, dtype=object) if columns else pd.DataFrame()
    table.attrs[_ATTR_ERRORS] = errors
    table.attrs[_ATTR_ROWS] = np.asarray(numbers, dtype=np.int64)
    table.attrs[_ATTR_ROW_KEY] = row_key
    table.attrs[_ATTR_FATAL] = fatal
    return table


def _file_error(key: str, value: str = "", **params: object) -> pd.DataFrame:
    return _table([], [], [], [RowError(None, "", value, key, params)], fatal=True)


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


_NON_ASCII_CHARACTER = re.compile("[^\x00-\x7f\ufffd]")


def _decode(data: bytes) -> tuple[str | None, list[RowError]]:
    """The text of ``data`` (None when no encoding reads it) and a warning for damaged UTF-8."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), []
            except UnicodeDecodeError:
                return None, []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few broken bytes (a cut-off download, a stray byte) stays UTF-8: reading it
    # as cp1252 would garble every umlaut. It is UTF-8 when valid multi-byte characters occur.
    replaced = data.decode("utf-8", errors="replace")
    if _NON_ASCII_CHARACTER.search(replaced):
        damaged = replaced.count("\ufffd")
        return replaced, [
            RowError(None, "", str(damaged), "import.damaged_utf8", {"count": damaged})
        ]
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None, []
    text = str(best)
    # charset-normalizer often guesses a neighbour (cp1250, latin-1) for short German text; German
    # Excel writes cp1252, so a single-byte guess (one character per byte) is read as cp1252
    # when that decodes.
    if len(text) == len(data):
        try:
            return data.decode("cp1252"), []
        except UnicodeDecodeError:
            pass
    return text, []


def _read_csv(data: bytes) -> pd.DataFrame:
    text, warnings = _decode(data)
    if text is None:
        return _file_error("import.encoding")
    lines = io.StringIO(text, newline="").readlines()
    first = next((line for line in lines if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    sep = max(counts, key=lambda s: (counts[s], s == ";"))  # ties: German Excel's ";"
    records, numbers, errors = _csv_records(lines, sep)
    errors = warnings + errors
    if not records:
        return _file_error("import.no_rows")
    header = records[0]
    width = len(header)
    rows: list[list[str]] = []
    kept: list[int] = []
    for record, number in zip(records[1:], numbers[1:], strict=True):
        if len(record) > width:
            if any(v.strip() for v in record[width:]):
                errors.append(
                    RowError(
                        number,
                        "",
                        _shown(sep.join(record)),
                        "import.field_count",
                        {"expected": width, "found": len(record)},
                    )
                )
                continue
            record = record[:width]  # trailing empty cells, as spreadsheets write them
        elif len(record) < width:
            record = record + [""] * (width - len(record))
        rows.append(record)
        kept.append(number)
    return _table(header, rows, kept, errors)


def _csv_records(lines: list[str], sep: str) -> tuple[list[list[str]], list[int], list[RowError]]:
    """Records (blank lines skipped) with their spreadsheet row numbers, and broken records.

    A record the strict parser cannot read (an unclosed or misplaced quote) is reported and read
    on its own line leniently; parsing resumes on the next line, so one bad quote loses at most
    its own row.
    """
    records: list[list[str]] = []
    numbers: list[int] = []
    errors: list[RowError] = []
    pos = 0  # next line to read
    row = 0  # spreadsheet row of the last record
    restarts = 0

    def feed() -> Iterator[str]:
        nonlocal pos
        while pos < len(lines):
            pos += 1
            yield lines[pos - 1]

    while pos < len(lines):
        if restarts > _MAX_CSV_RESTARTS:
            start = pos
            pos += 1
            row += 1
            _lenient_line(lines[start], sep, row, records, numbers)
            continue
        reader = csv.reader(feed(), delimiter=sep, strict=True)
        start = pos
        try:
            for record in reader:
                row += 1
                if any(v.strip() for v in record):
                    records.append(record)
                    numbers.append(row)
                start = pos
        except csv.Error as exc:
            restarts += 1
            row += 1
            key = "import.record_too_long" if "field limit" in str(exc) else "import.broken_record"
            errors.append(RowError(row, "", _shown(lines[start]), key))
            pos = start + 1  # resume after the broken record's first line
    return records, numbers, errors


def _lenient_line(
    line: str, sep: str, row: int, records: list[list[str]], numbers: list[int]
) -> None:
    record = next(csv.reader([line.rstrip("\r\n")], delimiter=sep, strict=False), [])
    if any(v.strip() for v in record):
        records.append(record)
        numbers.append(row)


def _read_geojson(data: bytes) -> pd.DataFrame:
    text, warnings = _decode(data)
    if text is None:
        return _file_error("import.encoding")
    try:
        document = json.loads(text)
    except RecursionError:
        return _file_error("import.too_deep")
    except json.JSONDecodeError as exc:
        return _file_error("import.bad_json", line=exc.lineno, column=exc.colno)
    except ValueError:  # e.g. an integer of more digits than Python converts
        return _file_error("import.bad_json", line="–", column="–")
    if isinstance(document, dict) and document.get("type") == "Feature":
        features: list[object] = [document]
    elif isinstance(document, dict) and "features" in document:
        if not isinstance(document["features"], list):
            return _file_error("import.features_not_list", _json_kind(document["features"]))
        features = document["features"]
    else:
        return _file_error("import.not_feature_collection", _json_kind(document))
    transform = None
    if isinstance(document, dict) and document.get("crs") is not None:
        try:
            transform = _crs_transform(document["crs"])
        except _Problem as problem:
            crs = document["crs"]
            props = crs.get("properties") if isinstance(crs, dict) else None
            name = props.get("name") if isinstance(props, dict) else None
            shown = _shown(name) if isinstance(name, str) else _json_kind(crs)
            return _file_error(problem.key, shown)

    def feature_error(number: int, column: str, value: str, key: str, **params: object) -> None:
        errors.append(RowError(number, column, value, key, params, row_key="import.feature"))

    errors: list[RowError] = list(warnings)
    rows: list[list[str]] = []
    numbers: list[int] = []
    xs: list[float] = []
    ys: list[float] = []
    columns = [
        c for c in (*REQUIRED_IMPORT_COLUMNS, *OPTIONAL_IMPORT_COLUMNS) if c not in ("lon", "lat")
    ]
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            feature_error(number, "feature", _json_kind(feature), "import.not_a_feature")
            continue
        props = feature.get("properties")
        if props is None:
            props = {}  # RFC 7946: a feature may have no properties
        if not isinstance(props, dict):
            feature_error(number, "properties", _json_kind(props), "import.not_an_object")
            continue
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict):
            feature_error(number, "geometry", _json_kind(geometry), "import.no_point")
            continue
        kind = geometry.get("type")
        if kind != "Point":
            feature_error(number, "geometry", _shown(kind), "import.not_a_point", kind=_shown(kind))
            continue
        xy = _json_point(geometry.get("coordinates"))
        if xy is None:
            raw = geometry.get("coordinates")
            feature_error(number, "coordinates", _shown(_json_short(raw)), "import.bad_coordinates")
            continue
        keyed = {str(k).strip().lower(): v for k, v in props.items()}
        row: list[str] = []
        bad = False
        for column in columns:
            value = keyed.get(column)
            if isinstance(value, dict | list):
                feature_error(number, column, _json_kind(value), "import.not_text")
                bad = bad or FIELDS[column].required
                value = None
            row.append(_json_text(value))
        if bad:
            continue
        rows.append(row)
        numbers.append(number)
        xs.append(xy[0])
        ys.append(xy[1])
    lon, lat = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    if transform is not None and len(lon):
        with np.errstate(all="ignore"):
            lon, lat = transform(lon, lat)
    for row, x, y in zip(rows, lon, lat, strict=True):
        # repr keeps every digit; a non-finite result is reported by import_sites
        row.extend([repr(float(x)), repr(float(y))])
    return _table([*columns, "lon", "lat"], rows, numbers, errors, row_key="import.feature")


def _json_kind(value: object) -> str:
    names = {dict: "object", list: "list", str: "text", bool: "true/false", type(None): "null"}
    return names.get(type(value), "number")


def _json_short(value: object) -> str:
    """A short JSON text of ``value`` for a message (its kind when long or unprintable)."""
    if isinstance(value, dict | list) and len(value) > 8:
        return f"{_json_kind(value)} ({len(value)})"
    try:
        return json.dumps(value, ensure_ascii=False)
    except (RecursionError, ValueError, TypeError):
        return _json_kind(value)


def _json_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _json_point(value: object) -> tuple[float, float] | None:
    """``[lon, lat]`` or ``[lon, lat, height]`` of JSON numbers; None for anything else."""
    if not isinstance(value, list) or len(value) not in (2, 3):
        return None
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        return None
    try:
        return float(value[0]), float(value[1])
    except OverflowError:  # an integer beyond float
        return None


_EPSG_NAME = re.compile(r"^(?:urn:ogc:def:crs:)?EPSG:{1,2}(?:[\d.]*:)?(\d{4,6})$", re.IGNORECASE)
_WGS84_NAMES = frozenset({"urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84", "crs84"})


def _crs_transform(
    crs: object,
) -> Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]] | None:
    """A lon/lat transform for the legacy GeoJSON ``crs`` member (None: already WGS84)."""
    props = crs.get("properties") if isinstance(crs, dict) else None
    name = props.get("name") if isinstance(props, dict) else None
    if not isinstance(name, str) or not isinstance(crs, dict) or crs.get("type") != "name":
        raise _Problem("import.unknown_crs")
    if name.strip().lower() in _WGS84_NAMES:
        return None
    match = _EPSG_NAME.match(name.strip())
    if match is None:
        raise _Problem("import.unknown_crs")
    code = int(match.group(1))
    if code == 4326:
        return None
    try:
        transformer = Transformer.from_crs(f"EPSG:{code}", DISPLAY_CRS, always_xy=True)
    except CRSError:
        raise _Problem("import.unknown_crs") from None

    def transform(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = transformer.transform(x, y)
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)

    return transform


# --- validating rows ----------------------------------------------------------------------------


def import_sites(
    table: pd.DataFrame,
    *,
    municipalities: gpd.GeoDataFrame,
    existing_ids: Collection[str] = frozenset(),
    lang: str = "de",
) -> SiteImport:
    """Validate planner-supplied sites; keep every valid row, report every bad field.

    Parameters
    ----------
    table
        Rows with at least ``name``, ``lon``, ``lat`` (WGS84 degrees); optional columns are
        ``site_id``, ``power``, ``space_m2``, ``visibility``, ``available_from``, ``available_to``,
        ``notes`` (column names in any case). Row numbers in messages count the header as row 1,
        as spreadsheets do (GeoJSON: feature numbers), unless :func:`read_site_table` read them.
    municipalities
        The region's municipalities; a point outside all of them (and more than
        :data:`COAST_TOLERANCE_M` off their coast) is rejected.
    existing_ids
        Site ids already in use; a duplicate (also within the file) is rejected.
    lang
        The UI's language: how ``space_m2`` is read (``1.500`` is 1500 in German).

    Returns
    -------
    SiteImport
        The kept rows as sites in EPSG:25832, and one :class:`RowError` per bad field. A row is
        dropped when ``name``, ``lon`` or ``lat`` is bad, its ``site_id`` is taken, or the point
        lies outside the region; a bad optional fact is reported and left unknown
        (``kept=True``), since the site itself is usable. Text loses unsafe characters (control
        and bidi characters), each removal reported.
    """
    errors: list[RowError] = list(table.attrs.get(_ATTR_ERRORS, []))
    empty = with_default_facts(_empty_sites(municipalities))
    if table.attrs.get(_ATTR_FATAL):
        return SiteImport(empty, errors)
    row_key = str(table.attrs.get(_ATTR_ROW_KEY, "import.row"))
    numbers = np.asarray(table.attrs.get(_ATTR_ROWS, []), dtype=np.int64)
    if len(numbers) != len(table):  # a table built by the caller: spreadsheet rows
        numbers = np.arange(len(table), dtype=np.int64) + 2
        row_key = "import.row"
    names = [str(c).strip().lower() for c in table.columns]
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    doubled = [n for n, count in seen.items() if count > 1 and n]
    errors.extend(RowError(None, n, n, "import.duplicate_column") for n in doubled)
    if any(n in _READ_COLUMNS for n in doubled):
        return SiteImport(empty, errors)  # which of the two is meant cannot be known
    missing = [c for c in REQUIRED_IMPORT_COLUMNS if c not in seen]
    if missing:
        errors.extend(RowError(None, c, c, "import.missing_column") for c in missing)
        return SiteImport(empty, errors)
    if not len(table):
        errors.append(RowError(None, "", "", "import.no_rows"))
        return SiteImport(empty, errors)
    position = {n: i for i, n in enumerate(names)}
    values: dict[str, np.ndarray] = {}
    bad_row = np.zeros(len(table), dtype=bool)
    found: list[tuple[int, str, RowError]] = []  # (position, column, error) for sorting

    def report(pos: int, column: str, problem: _Problem, *, is_error: bool, text: str) -> None:
        kept = not (is_error and FIELDS[column].required)
        found.append(
            (pos, column,
             RowError(int(numbers[pos]), column, _shown(text), problem.key, problem.params,
                      row_key=row_key, kept=kept))
        )  # fmt: skip

    for column in FIELDS:
        if column not in position:
            values[column] = np.full(len(table), FIELDS[column].unknown, dtype=object)
            continue
        texts = _as_text(table.iloc[:, position[column]])
        values[column], problems = _check_column(texts, column, lang)
        raw = texts.to_numpy(dtype=object)
        for pos, problem, is_error in problems:
            report(pos, column, problem, is_error=is_error, text=raw[pos])
            if is_error and FIELDS[column].required:
                bad_row[pos] = True
    # Ids: an explicit id must be new (within the file: the first row wins); others get one.
    ids = values["site_id"]
    taken = set(map(str, existing_ids))
    explicit = np.flatnonzero((ids != "") & ~bad_row)
    explicit_ids = pd.Series(ids[explicit], dtype=object)
    duplicate = (explicit_ids.duplicated() | explicit_ids.isin(taken)).to_numpy(dtype=bool)
    for pos in explicit[duplicate]:
        found.append(
            (int(pos), "site_id",
             RowError(int(numbers[pos]), "site_id", _shown(ids[pos]), "import.duplicate_id",
                      row_key=row_key))
        )  # fmt: skip
        bad_row[pos] = True
    taken.update(str(i) for i in ids[explicit[~duplicate]])
    counter = len(taken)
    for free in np.flatnonzero((ids == "") & ~bad_row):
        counter += 1
        while f"user-{counter:04d}" in taken:
            counter += 1
        ids[free] = f"user-{counter:04d}"
        taken.add(ids[free])
    keep = np.flatnonzero(~bad_row)
    if len(keep):
        frame = pd.DataFrame({c: values[c][keep] for c in FIELDS})
        frame["space_m2"] = frame["space_m2"].astype(float)
        frame["_pos"] = keep
        points = gpd.GeoDataFrame(
            frame,
            geometry=gpd.points_from_xy(frame["lon"].astype(float), frame["lat"].astype(float)),
            crs=DISPLAY_CRS,
        ).to_crs(METRIC_CRS)
        points["kind"] = "user"
        points["source"] = "Planung"
        located = assign_municipality(points, municipalities)
        outside = keep[~np.isin(keep, located["_pos"].to_numpy())]
        lon_text = _as_text(table.iloc[:, position["lon"]]).to_numpy(dtype=object)
        lat_text = _as_text(table.iloc[:, position["lat"]]).to_numpy(dtype=object)
        for pos in outside:
            lon, lat = _shown(lon_text[pos]).strip(), _shown(lat_text[pos]).strip()
            found.append(
                (int(pos), "lon/lat",
                 RowError(int(numbers[pos]), "lon/lat", f"{lon}, {lat}", "import.outside_region",
                          {"lon": lon, "lat": lat, "tolerance": Value(COAST_TOLERANCE_M)},
                          row_key=row_key))
            )  # fmt: skip
        sites = with_default_facts(located.drop(columns=["_pos", "lon", "lat"]))
        bad_row[outside] = True
    else:
        sites = empty
    # A row dropped for its id or its place keeps none of its fields: say so in every message.
    found = [
        (pos, column, replace(error, kept=False) if bad_row[pos] and error.kept else error)
        for pos, column, error in found
    ]
    order = {
        c: i for i, c in enumerate(["name", "lon", "lat", "lon/lat", *OPTIONAL_IMPORT_COLUMNS])
    }
    found.sort(key=lambda item: (item[0], order.get(item[1], 99)))
    errors.extend(error for _, _, error in found)
    errors.sort(key=lambda e: -1 if e.row is None else e.row)
    return SiteImport(sites, errors)


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


def _empty_sites(municipalities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    columns = {c: pd.Series(dtype=object) for c in SITE_COLUMNS}
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=municipalities.crs))


def site_from_coordinates(
    *,
    name: str,
    lon: float | str,
    lat: float | str,
    municipalities: gpd.GeoDataFrame,
    existing_ids: Collection[str] = frozenset(),
    lang: str = "de",
    **facts: str,
) -> SiteImport:
    """Add one site by WGS84 coordinates, with the same checks as a file upload.

    ``lon``/``lat`` may be numbers or text as the user typed it (``"54,3233"`` in German).
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
    )


def load_site_file(
    path: Path,
    *,
    municipalities: gpd.GeoDataFrame,
    existing_ids: Collection[str] = frozenset(),
    lang: str = "de",
) -> SiteImport:
    """Read and validate a CSV or GeoJSON site file from disk (see :func:`import_sites`)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return SiteImport(
            with_default_facts(_empty_sites(municipalities)),
            [RowError(None, "", str(path), "import.cannot_open", {"reason": exc.strerror or ""})],
        )
    return import_sites(
        read_site_table(data, path.name),
        municipalities=municipalities,
        existing_ids=existing_ids,
        lang=lang,
    )


# --- planner edits of existing sites -----------------------------------------------------------

#: Facts planners edit on existing sites.
EDITABLE_FACTS = ("power", "space_m2", "visibility", "available_from", "available_to", "notes")


def _check_fact(
    site: str, column: str, value: object, lang: str = "de"
) -> tuple[object, list[RowError], bool]:
    """A fact value checked by the upload's rule (:data:`FIELDS`).

    Returns ``(value, problems, apply)``: ``apply`` is False when the value is rejected (the
    site keeps its old value); a warning (removed characters) comes with ``apply`` True.
    """
    if column not in EDITABLE_FACTS:
        return (
            None,
            [RowError(None, column, _shown(value), "import.not_editable", site=site)],
            False,
        )
    spec = FIELDS[column]
    if value is None or (isinstance(value, float) and np.isnan(value)) or not str(value).strip():
        return spec.unknown, [], True  # cleared: unknown again
    try:
        clean, warning = spec.parse(
            value if isinstance(value, int | float | date) else str(value), lang
        )
    except _Problem as problem:
        return (
            None,
            [RowError(None, column, _shown(value), problem.key, problem.params, site=site)],
            False,
        )
    problems = [] if warning is None else [
        RowError(None, column, _shown(value), warning.key, warning.params, site=site)
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
        The sites (any CRS; columns of :data:`SITE_COLUMNS`).
    edits
        site_id → {fact: value} for facts of :data:`EDITABLE_FACTS` (power, visibility,
        space_m2, available_from, available_to, notes). Values as typed: German or English
        numbers, dates and fact words.
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
                    None, "site_id", _shown(site_id), "import.unknown_site", site=_shown(site_id)
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
    lang
        The UI's language (how edited numbers are read).

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
