"""Reading an uploaded site file (CSV or GeoJSON bytes) into a table of strings.

Readers never raise for bad content: what they find (a broken record, damaged UTF-8, a file that
is not GeoJSON) travels with the table in ``DataFrame.attrs`` (:func:`read_findings`) to
:func:`~planner.sites.import_sites`, which reports it with the rows' own problems. So the
two-step API of the callers (read, then import) stays as it is.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import charset_normalizer
import numpy as np
import pandas as pd
from pyproj import Transformer
from pyproj.exceptions import CRSError

from planner.errors import InputError
from planner.settings import DISPLAY_CRS
from planner.sites.fields import FIELDS, match_headers
from planner.sites.problems import RowError, shown

__all__ = ["ReadFindings", "read_findings", "read_site_table"]

# Keys of what a reader found, in ``DataFrame.attrs``.
_ATTR_ERRORS = "site_read_errors"
_ATTR_ROWS = "site_rows"
_ATTR_ROW_KEY = "site_row_key"
_ATTR_FATAL = "site_read_fatal"

#: Restarts of the strict CSV parser after a broken record before the rest is read line by line
#: (bounds the work on a file with very many broken quotes).
_MAX_CSV_RESTARTS = 100

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_NON_ASCII_CHARACTER = re.compile("[^\x00-\x7f\ufffd]")
_EPSG_NAME = re.compile(r"^(?:urn:ogc:def:crs:)?EPSG:{1,2}(?:[\d.]*:)?(\d{4,6})$", re.IGNORECASE)
_WGS84_NAMES = frozenset({"urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84", "crs84"})

#: lon/lat arrays in a file's CRS → WGS84 lon/lat.
Transform = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class ReadFindings:
    """What a reader found besides the table.

    Attributes
    ----------
    errors
        Problems of the file and of rows it could not read.
    rows
        The spreadsheet row (CSV) or feature number (GeoJSON) of each table row.
    row_key
        The i18n key naming a row (``import.row`` or ``import.feature``).
    fatal
        Nothing of the file could be read.
    """

    errors: list[RowError]
    rows: np.ndarray
    row_key: str
    fatal: bool


def read_findings(table: pd.DataFrame) -> ReadFindings:
    """What :func:`read_site_table` found (nothing for a table the caller built)."""
    return ReadFindings(
        errors=list(table.attrs.get(_ATTR_ERRORS, [])),
        rows=np.asarray(table.attrs.get(_ATTR_ROWS, []), dtype=np.int64),
        row_key=str(table.attrs.get(_ATTR_ROW_KEY, "import.row")),
        fatal=bool(table.attrs.get(_ATTR_FATAL)),
    )


class _UnreadableFile(InputError):
    """The file as a whole cannot be read (its message names no row)."""

    def __init__(self, key: str, value: str = "", **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.value = value
        self.params = params


def read_site_table(data: bytes, filename: str) -> pd.DataFrame:
    """Read an upload (CSV or GeoJSON) into a table of strings; never raises for bad content.

    CSV: the encoding is detected (UTF-8 with or without BOM, UTF-16 with BOM, cp1252 as German
    Excel writes it, others via charset-normalizer); ``;``, ``,`` or tab separated. A broken
    record (an unclosed quote) is reported and the rows before and after it are kept. GeoJSON:
    point features become ``lon``/``lat`` columns in EPSG:4326 and every other property a
    column; a legacy ``crs`` member naming an EPSG code is honoured. Column names are kept as
    written: the import matches them (case, accents, German names, see
    :func:`~planner.sites.fields.match_headers`).

    Problems found while reading travel with the table (``DataFrame.attrs``) to
    :func:`~planner.sites.import_sites`, which reports them with the rows' own problems.
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


# --- text -----------------------------------------------------------------------------------------


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


# --- CSV ------------------------------------------------------------------------------------------


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
                        shown(sep.join(record)),
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
            errors.append(RowError(row, "", shown(lines[start]), key))
            pos = start + 1  # resume after the broken record's first line
    return records, numbers, errors


def _lenient_line(
    line: str, sep: str, row: int, records: list[list[str]], numbers: list[int]
) -> None:
    record = next(csv.reader([line.rstrip("\r\n")], delimiter=sep, strict=False), [])
    if any(v.strip() for v in record):
        records.append(record)
        numbers.append(row)


# --- GeoJSON --------------------------------------------------------------------------------------


def _read_geojson(data: bytes) -> pd.DataFrame:
    text, warnings = _decode(data)
    if text is None:
        return _file_error("import.encoding")
    try:
        document = _load_json(text)
        features = _features(document)
        transform = _document_transform(document)
    except _UnreadableFile as problem:
        return _file_error(problem.key, problem.value, **problem.params)
    errors: list[RowError] = list(warnings)
    rows: list[list[str]] = []
    numbers: list[int] = []
    xs: list[float] = []
    ys: list[float] = []
    columns, fields = _property_columns(features)
    for number, feature in enumerate(features, start=1):
        found = _feature_row(feature, number, columns, fields, errors)
        if found is None:
            continue
        row, (x, y) = found
        rows.append(row)
        numbers.append(number)
        xs.append(x)
        ys.append(y)
    lon, lat = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    if transform is not None and len(lon):
        with np.errstate(all="ignore"):
            lon, lat = transform(lon, lat)
    for row, x, y in zip(rows, lon, lat, strict=True):
        # repr keeps every digit; a non-finite result is reported by import_sites
        row.extend([repr(float(x)), repr(float(y))])
    return _table([*columns, "lon", "lat"], rows, numbers, errors, row_key="import.feature")


def _load_json(text: str) -> object:
    try:
        return json.loads(text)
    except RecursionError:
        raise _UnreadableFile("import.too_deep") from None
    except json.JSONDecodeError as exc:
        raise _UnreadableFile("import.bad_json", line=exc.lineno, column=exc.colno) from None
    except ValueError:  # e.g. an integer of more digits than Python converts
        raise _UnreadableFile("import.bad_json", line="–", column="–") from None


def _features(document: object) -> list[object]:
    """The features of a FeatureCollection, or the one Feature."""
    if isinstance(document, dict) and document.get("type") == "Feature":
        return [document]
    if isinstance(document, dict) and "features" in document:
        if not isinstance(document["features"], list):
            raise _UnreadableFile("import.features_not_list", _json_kind(document["features"]))
        return list(document["features"])
    raise _UnreadableFile("import.not_feature_collection", _json_kind(document))


def _document_transform(document: object) -> Transform | None:
    """The transform of the document's legacy ``crs`` member (None: none, or WGS84)."""
    if not isinstance(document, dict) or document.get("crs") is None:
        return None
    crs = document["crs"]
    try:
        return _crs_transform(crs)
    except _UnreadableFile as problem:
        props = crs.get("properties") if isinstance(crs, dict) else None
        name = props.get("name") if isinstance(props, dict) else None
        value = shown(name) if isinstance(name, str) else _json_kind(crs)
        raise _UnreadableFile(problem.key, value) from None


#: Property names a GeoJSON file may carry that name no site column, kept as columns so the
#: import names them (with the closest known name); more are not named one by one.
_UNKNOWN_PROPERTIES_NAMED = 20


def _property_columns(features: list[object]) -> tuple[list[str], list[str]]:
    """The table's columns: every property name (as written, in order of first appearance)
    except those naming ``lon``/``lat`` (the geometry gives the point), and the site column of
    each (``""`` for an unknown name).

    The import matches them like a CSV header (:func:`~planner.sites.fields.match_headers`), so
    German names, a column named twice and unknown names are treated alike in both formats.
    """
    names: dict[str, None] = {}
    for feature in features:
        props = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(props, dict):
            names.update(dict.fromkeys(str(k) for k in props))
    match = match_headers(list(names))
    columns: list[str] = []
    fields: list[str] = []
    unknown = 0
    for name, column in zip(names, match.columns, strict=True):
        if column in ("lon", "lat"):
            continue
        if not column:
            unknown += 1
            if unknown > _UNKNOWN_PROPERTIES_NAMED:
                continue
        columns.append(name)
        fields.append(column)
    return columns, fields


def _feature_row(
    feature: object,
    number: int,
    columns: list[str],
    fields: list[str],
    errors: list[RowError],
) -> tuple[list[str], tuple[float, float]] | None:
    """One feature's property texts (in ``columns`` order, each the site column ``fields``
    names) and point; None when unusable.

    Each problem is appended to ``errors``.
    """

    def feature_error(column: str, value: str, key: str, **params: object) -> None:
        errors.append(RowError(number, column, value, key, params, row_key="import.feature"))

    if not isinstance(feature, dict):
        feature_error("feature", _json_kind(feature), "import.not_a_feature")
        return None
    props = feature.get("properties")
    if props is None:
        props = {}  # RFC 7946: a feature may have no properties
    if not isinstance(props, dict):
        feature_error("properties", _json_kind(props), "import.not_an_object")
        return None
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        feature_error("geometry", _json_kind(geometry), "import.no_point")
        return None
    kind = geometry.get("type")
    if kind != "Point":
        feature_error("geometry", shown(kind), "import.not_a_point", kind=shown(kind))
        return None
    xy = _json_point(geometry.get("coordinates"))
    if xy is None:
        raw = geometry.get("coordinates")
        feature_error("coordinates", shown(_json_short(raw)), "import.bad_coordinates")
        return None
    keyed = {str(k): v for k, v in props.items()}
    row: list[str] = []
    bad = False
    for column, field in zip(columns, fields, strict=True):
        value = keyed.get(column)
        if isinstance(value, dict | list):
            if field in FIELDS:
                feature_error(field, _json_kind(value), "import.not_text")
                bad = bad or FIELDS[field].required
            value = None
        row.append(_json_text(value))
    return None if bad else (row, xy)


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


def _crs_transform(crs: object) -> Transform | None:
    """A lon/lat transform for the legacy GeoJSON ``crs`` member (None: already WGS84)."""
    props = crs.get("properties") if isinstance(crs, dict) else None
    name = props.get("name") if isinstance(props, dict) else None
    if not isinstance(name, str) or not isinstance(crs, dict) or crs.get("type") != "name":
        raise _UnreadableFile("import.unknown_crs")
    if name.strip().lower() in _WGS84_NAMES:
        return None
    match = _EPSG_NAME.match(name.strip())
    if match is None:
        raise _UnreadableFile("import.unknown_crs")
    code = int(match.group(1))
    if code == 4326:
        return None
    try:
        transformer = Transformer.from_crs(f"EPSG:{code}", DISPLAY_CRS, always_xy=True)
    except CRSError:
        raise _UnreadableFile("import.unknown_crs") from None

    def transform(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = transformer.transform(x, y)
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)

    return transform
