"""Where the Tiny Rathaus has been: the known past stops, read for the pack's ``past_stops`` layer.

The raw file (``tour/past_stops.csv`` in the KielRegion raw folder; columns ``season``, ``place``,
``ags``, ``municipality``, ``start``, ``end``, ``precision``, ``note``) lists the stops the public
record names, with how precisely each place is known:

* ``street`` — a square or street corner (Kiel's Rathausplatz, Preetz's Marktplatz);
* ``district of the city`` — a part of Kiel (Hassee, Gaarden);
* ``municipality`` — only the municipality is known.

A stop gets a point geometry only where its location is really known: when the file gives
``lon``/``lat`` for it (optional columns; the shared file has none today). A municipality's official
midpoint is never taken for the place of a stop, so without coordinates the geometry is empty and
the stop is known by its municipality (and Amt) only.

The file is read for any region whose raw folder holds it (the KielRegion extracts, and the
Germany-wide build, which reads the register from the same folder); stops outside the region's
municipalities are left out and named in the build notes. Without the file the layer is empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.data.raw import RawDataError
from planner.notation import NotationError, parse_date
from planner.settings import DISPLAY_CRS, METRIC_CRS

__all__ = [
    "PAST_STOPS_FILE",
    "PAST_STOP_COLUMNS",
    "PRECISIONS",
    "empty_past_stops",
    "past_stops_layer",
    "read_past_stops",
]

#: Path of the past-stops file inside the raw folder.
PAST_STOPS_FILE: Final = "tour/past_stops.csv"
#: How precisely a past stop's place is known, most precise first.
PRECISIONS: Final = ("street", "district of the city", "municipality")
#: Columns of the ``past_stops`` layer (besides the geometry), in order.
PAST_STOP_COLUMNS: Final = [
    "season",
    "place",
    "ags",
    "municipality",
    "amt_ars",
    "amt",
    "start",
    "end",
    "precision",
    "note",
]
_REQUIRED = ["season", "place", "ags", "municipality", "start", "end", "precision", "note"]


def empty_past_stops(crs: str = METRIC_CRS) -> gpd.GeoDataFrame:
    """The ``past_stops`` layer without rows (a region without a past-stops file)."""
    frame = pd.DataFrame(
        {c: pd.Series(dtype=int if c == "season" else object) for c in PAST_STOP_COLUMNS}
    )
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=crs), crs=crs)


def _row_error(path: Path, row: int, field: str, value: object, why: str) -> RawDataError:
    # row numbers as a spreadsheet shows them: the header is row 1
    return RawDataError(f"{path.name}: row {row + 2}: field {field}: value {value!r}: {why}")


def _date_text(path: Path, row: int, field: str, value: str) -> str:
    """An ISO date, or "" where the file leaves it open."""
    if not value:
        return ""
    try:
        return parse_date(value).isoformat()
    except NotationError:
        raise _row_error(path, row, field, value, "not a date") from None


def read_past_stops(path: Path, *, crs: str = METRIC_CRS) -> gpd.GeoDataFrame:
    """Read the past-stops file: one row per known stop, in ``crs``.

    Returns
    -------
    geopandas.GeoDataFrame
        season (int), place, ags (8 digits), municipality, start, end (ISO dates or ""),
        precision (one of :data:`PRECISIONS`), note, and a point geometry only where the file
        gives ``lon``/``lat`` (otherwise empty). ``amt_ars``/``amt`` are filled by
        :func:`past_stops_layer`.

    Raises
    ------
    planner.data.raw.RawDataError
        A missing column, or a value that cannot be used, naming row, field and value.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise RawDataError(f"{path.name}: missing column(s) {missing}; found {list(frame.columns)}")
    records = []
    points: list[tuple[float, float] | None] = []
    has_xy = "lon" in frame.columns and "lat" in frame.columns
    for row, values in enumerate(frame.to_dict("records")):
        text = {str(k): str(v).strip() for k, v in values.items()}
        if not text["season"].isdigit() or not 2000 <= int(text["season"]) <= 2100:
            raise _row_error(path, row, "season", text["season"], "not a year")
        ags = text["ags"].zfill(8)
        if not (ags.isdigit() and len(ags) == 8):
            raise _row_error(path, row, "ags", text["ags"], "not an 8-digit municipality key")
        if text["precision"] not in PRECISIONS:
            raise _row_error(
                path,
                row,
                "precision",
                text["precision"],
                f"expected one of {', '.join(PRECISIONS)}",
            )
        if not text["place"]:
            raise _row_error(path, row, "place", text["place"], "empty")
        records.append(
            {
                "season": int(text["season"]),
                "place": text["place"],
                "ags": ags,
                "municipality": text["municipality"],
                "start": _date_text(path, row, "start", text["start"]),
                "end": _date_text(path, row, "end", text["end"]),
                "precision": text["precision"],
                "note": text["note"],
            }
        )
        points.append(_lonlat(path, row, text) if has_xy else None)
    out = pd.DataFrame.from_records(records, columns=_REQUIRED)
    geometry = gpd.GeoSeries(
        [None if p is None else gpd.points_from_xy([p[0]], [p[1]])[0] for p in points],
        crs=DISPLAY_CRS,
    ).to_crs(crs)
    return gpd.GeoDataFrame(out, geometry=geometry.to_numpy(), crs=crs)


def _lonlat(path: Path, row: int, text: dict[str, str]) -> tuple[float, float] | None:
    """The stop's coordinates when the row gives both (else ``None``: the place is not known)."""
    lon, lat = text.get("lon", ""), text.get("lat", "")
    if not lon and not lat:
        return None
    values = []
    for field, value, lo, hi in (("lon", lon, -180.0, 180.0), ("lat", lat, -90.0, 90.0)):
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            raise _row_error(path, row, field, value, "not a number") from None
        if not (np.isfinite(number) and lo <= number <= hi):
            raise _row_error(path, row, field, value, f"outside {lo:g}..{hi:g}")
        values.append(number)
    return values[0], values[1]


def past_stops_layer(
    stops: gpd.GeoDataFrame | None, munis: gpd.GeoDataFrame, *, crs: str
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The pack's ``past_stops`` layer: the stops in the region's municipalities with their Amt.

    Returns the layer (:data:`PAST_STOP_COLUMNS` and geometry, in ``crs``) and the notes: one
    summary line for the stops left out (outside the region), naming their municipalities, e.g.
    ``"17 known past stops lie outside the region (Kiel, Laboe, …): not in the pack"``.
    """
    if stops is None or not len(stops):
        return empty_past_stops(crs), []
    stops = stops.to_crs(crs)
    lookup = munis.set_index("ags")
    inside = stops["ags"].isin(lookup.index)
    notes = _outside_note(stops[~inside])
    kept = stops[inside].copy()
    kept["amt_ars"] = kept["ags"].map(lookup["amt_ars"]).astype(str)
    kept["amt"] = kept["ags"].map(lookup["amt"]).astype(str)
    layer = gpd.GeoDataFrame(
        kept[PAST_STOP_COLUMNS], geometry=kept.geometry.to_numpy(), crs=crs
    ).reset_index(drop=True)
    return layer, notes


#: Municipalities a summary note names before it ends with "…".
_NOTE_PLACES = 5


def _outside_note(outside: pd.DataFrame) -> list[str]:
    """One note for the past stops outside the region (a region far from the KielRegion would
    otherwise list every stop of the tour on its own line)."""
    if not len(outside):
        return []
    # names as people say them: "Kiel", not the register's "Kiel, Landeshauptstadt"
    places = list(dict.fromkeys(str(m).split(",")[0].strip() for m in outside["municipality"]))
    shown = ", ".join(places[:_NOTE_PLACES]) + (", …" if len(places) > _NOTE_PLACES else "")
    n = len(outside)
    stops = "known past stop lies" if n == 1 else "known past stops lie"
    return [f"{n} {stops} outside the region ({shown}): not in the pack"]
