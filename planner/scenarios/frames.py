"""JSON-safe values and tables: what a scenario payload is made of.

Tables travel through :func:`frame_to_json` / :func:`frame_from_json`, which keep column types,
dates and geometry (as WKT in the frame's metric CRS, which is stored with it) intact. JSON has
no NaN or infinity: NaN, ``+inf`` and ``-inf`` (Python or numpy floats) become ``None`` (in a
float column of a stored table: NaN when read back).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.settings import METRIC_CRS

__all__ = ["frame_from_json", "frame_to_json", "jsonable", "plain"]


def jsonable(value: object) -> object:
    """``value`` with every part as JSON can hold it.

    NaN and ±inf become ``None``, numpy scalars and arrays Python values, dates ISO strings,
    tuples and sets lists.

    Raises
    ------
    TypeError
        For a value of a type a scenario cannot hold (named).
    """
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, Mapping):
        return {_jsonable_key(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return [jsonable(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value)]
    if value is pd.NaT or value is pd.NA:
        return None
    return jsonable(_json_default(value))


def _jsonable_key(key: object) -> object:
    if isinstance(key, np.generic):
        key = key.item()
    if isinstance(key, float) and not np.isfinite(key):
        return str(key)  # json.dumps would write it as "NaN"/"Infinity" anyway
    return key


def _json_default(value: object) -> object:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot store {type(value).__name__} in a scenario")


def frame_to_json(frame: pd.DataFrame, *, crs: str = METRIC_CRS) -> dict[str, Any]:
    """A DataFrame or GeoDataFrame as a JSON-compatible dict (types, dates, geometry kept).

    Geometry is stored as WKT (millimetres) in the frame's own metric CRS (the pack's), and that
    CRS under ``"crs"``; a frame in degrees is reprojected to ``crs`` first, a frame without a
    CRS is taken to be in ``crs``. NaN becomes ``null``; datetime columns are stored as ISO
    strings and restored as datetimes.
    """
    table = pd.DataFrame(frame).copy()
    geometry: list[str | None] | None = None
    stored_crs: str | None = None
    if isinstance(frame, gpd.GeoDataFrame):
        geo = frame
        if frame.crs is not None and not frame.crs.is_projected:
            geo = frame.to_crs(crs)  # three decimals of a degree would be 100 m
        stored_crs = str(geo.crs) if geo.crs is not None else crs
        geometry = [
            None if g is None else shapely.to_wkt(g, rounding_precision=3) for g in geo.geometry
        ]
        table = table.drop(columns=frame.geometry.name)
    dtypes = {str(c): str(table[c].dtype) for c in table.columns}
    columns: dict[str, list[Any]] = {}
    for column in table.columns:
        series = table[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            values: list[Any] = [None if pd.isna(v) else v.isoformat() for v in series]
        else:
            values = [plain(v) for v in series.tolist()]
        columns[str(column)] = values
    out: dict[str, Any] = {
        "columns": columns,
        "dtypes": dtypes,
        "order": [str(c) for c in table.columns],
        "geometry": geometry,
        "index": [plain(v) for v in table.index.tolist()],
    }
    if stored_crs is not None:
        out["crs"] = stored_crs
    return out


def plain(value: object) -> object:
    """A table cell or a total as JSON can hold it (a value it cannot is left for json to name)."""
    if isinstance(value, datetime | date | pd.Timestamp) and not pd.isna(value):
        return value.isoformat()
    if isinstance(value, np.generic):
        return plain(value.item())
    try:
        return jsonable(value)
    except TypeError:
        return value  # left for json.dumps to name


def _stored_crs(value: object) -> str:
    """The stored CRS label (``EPSG:<code>``), :data:`METRIC_CRS` when absent."""
    if value is None:
        return METRIC_CRS
    # stored data is read from disk: only an EPSG code reaches pyproj
    if not isinstance(value, str) or not re.fullmatch(r"EPSG:\d{4,6}", value):
        raise ValueError(f"stored table: CRS {str(value)[:40]!r} is not an EPSG code")
    return value


def frame_from_json(data: Mapping[str, Any]) -> pd.DataFrame:
    """Inverse of :func:`frame_to_json`: a GeoDataFrame where geometry was stored.

    Its CRS is the stored ``"crs"``; data written before the CRS was stored is in
    :data:`~planner.settings.METRIC_CRS`.
    """
    order = list(data["order"])
    table = pd.DataFrame({c: data["columns"][c] for c in order}, columns=order)
    for column, dtype in data.get("dtypes", {}).items():
        if column not in table.columns:
            continue
        try:
            if dtype.startswith("datetime64"):
                table[column] = pd.to_datetime(table[column])
            elif dtype in ("float64", "float32"):
                table[column] = pd.to_numeric(table[column], errors="coerce").astype(dtype)
            elif dtype in ("int64", "int32", "bool"):
                table[column] = table[column].astype(dtype)
        except (TypeError, ValueError):
            pass  # keep the values as stored
    index = data.get("index")
    if index is not None and len(index) == len(table):
        table.index = pd.Index(index)
    geometry = data.get("geometry")
    if geometry is not None:
        geoms = [None if g is None else shapely.from_wkt(g) for g in geometry]
        return gpd.GeoDataFrame(
            table,
            geometry=gpd.GeoSeries(geoms, index=table.index),
            crs=_stored_crs(data.get("crs")),
        )
    return table
