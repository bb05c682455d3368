"""Site import benchmark (issue 14 item 12): today's reader and validator against the code path
before the fix, one run per size.

The rows are real places: the register midpoints of the pack's 251 municipalities (converted to
WGS84), reused in turn under generated names ("Test 1", "Test 2", …), with German numbers and fact
words (``;``-separated, decimal commas) as German Excel writes them.

Baseline "import_sites before issue 14": the code path as it was (a pandas CSV read, a per-row
check loop, and ``set(located["_row"])`` rebuilt for every row when naming points outside the
region: quadratic), copied below unchanged apart from names. It runs only for the sizes where it
finishes in reasonable time (default 1k, 4k, 8k); ours runs for 1k … 100k. Peak memory of ours is
measured with tracemalloc in a separate run per size (so the timing is not slowed down by it).

Prints one JSON line per size (ours_s, baseline_s, ratio, peak_mb, bytes_per_row).

    python benchmarks/bench_import.py [--sizes 1000,4000,8000,16000,32000,100000]
                                      [--baseline-max 8000] [--memory-sizes 8000,100000]
"""

from __future__ import annotations

import argparse
import io
import json
import time
import tracemalloc
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.data.pack import load_pack
from planner.settings import DISPLAY_CRS, METRIC_CRS
from planner.sites import (
    POWER_VALUES,
    REQUIRED_IMPORT_COLUMNS,
    VISIBILITY_VALUES,
    RowError,
    SiteImport,
    empty_sites,
    import_sites,
    read_site_table,
    with_default_facts,
)

# --- baseline: "import_sites before issue 14" (copied from planner/sites.py at HEAD) -------------


def baseline_read_site_table(data: bytes, filename: str) -> pd.DataFrame:
    text = data.decode("utf-8-sig")
    first = text.splitlines()[0] if text else ""
    sep = ";" if first.count(";") > first.count(",") else ","
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)


def _baseline_number(value: str) -> float:
    return float(value.strip().replace(",", "."))


def _baseline_assign_municipality(
    points: gpd.GeoDataFrame, municipalities: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    cols = ["ags", "name", "district_ags", "district", "area_class", "geometry"]
    joined = gpd.sjoin(
        points, municipalities[cols].rename(columns={"name": "municipality"}), predicate="within"
    )
    joined = joined[~joined.index.duplicated()].drop(columns="index_right")
    return joined.reset_index(drop=True)


def _baseline_check_row(record: dict[str, str], row: int, taken: set[str]) -> RowError | None:
    for column in REQUIRED_IMPORT_COLUMNS:
        if not record.get(column, "").strip():
            return RowError(row, column, "", "import.empty")
    for column, (low, high) in (("lon", (-180.0, 180.0)), ("lat", (-90.0, 90.0))):
        value = record[column]
        try:
            number = _baseline_number(value)
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
            _baseline_number(space)
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


def _baseline_clean(record: dict[str, str]) -> dict[str, object]:
    space = record.get("space_m2", "").strip()
    return {
        "name": record["name"].strip(),
        "lon": _baseline_number(record["lon"]),
        "lat": _baseline_number(record["lat"]),
        "power": record.get("power", "").strip().lower() or "unknown",
        "space_m2": _baseline_number(space) if space else np.nan,
        "visibility": record.get("visibility", "").strip().lower() or "unknown",
        "available_from": record.get("available_from", "").strip(),
        "available_to": record.get("available_to", "").strip(),
        "notes": record.get("notes", "").strip(),
    }


def baseline_import_sites(
    table: pd.DataFrame,
    *,
    municipalities: gpd.GeoDataFrame,
    existing_ids: set[str] | frozenset[str] = frozenset(),
) -> SiteImport:
    """import_sites before issue 14 (quadratic: ``set(located["_row"])`` inside the loop)."""
    errors: list[RowError] = []
    missing = [c for c in REQUIRED_IMPORT_COLUMNS if c not in table.columns]
    if missing:
        errors.extend(RowError(None, c, "", "import.missing_column") for c in missing)
        return SiteImport(with_default_facts(empty_sites(municipalities)), errors)
    table = table.fillna("").astype(str)
    taken = set(existing_ids)
    good: list[dict[str, object]] = []
    records: list[dict[str, str]] = table.to_dict("records")  # type: ignore[assignment]
    for i, record in enumerate(records):
        row = i + 2
        error = _baseline_check_row(record, row, taken)
        if error is not None:
            errors.append(error)
            continue
        site_id = record.get("site_id", "").strip() or f"user-{len(taken) + 1:04d}"
        while site_id in taken:
            site_id = f"user-{len(taken) + 1:04d}-{row}"
        taken.add(site_id)
        good.append({**_baseline_clean(record), "site_id": site_id, "_row": row})
    frame = pd.DataFrame(good)
    if frame.empty:
        return SiteImport(with_default_facts(empty_sites(municipalities)), errors)
    points = gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=DISPLAY_CRS
    ).to_crs(METRIC_CRS)
    points["kind"] = "user"
    points["source"] = "Planung"
    located = _baseline_assign_municipality(points, municipalities)
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


# --- the benchmark ----------------------------------------------------------------------------


def upload(n: int, lon: np.ndarray, lat: np.ndarray, *, german: bool) -> bytes:
    """``n`` rows at the municipality midpoints in turn, as a planner's CSV."""
    k = np.arange(n) % len(lon)
    if german:  # German Excel: ";" with decimal commas and German fact words
        rows = [
            f"Test {i + 1};{lon[j]:.6f};{lat[j]:.6f};ja;60".replace(".", ",")
            for i, j in enumerate(k)
        ]
        return ("name;lon;lat;power;space_m2\n" + "\n".join(rows) + "\n").encode("utf-8")
    # the form the baseline reads: "," with points and its fact words
    rows = [f"Test {i + 1},{lon[j]:.6f},{lat[j]:.6f},yes,60" for i, j in enumerate(k)]
    return ("name,lon,lat,power,space_m2\n" + "\n".join(rows) + "\n").encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,4000,8000,16000,32000,100000")
    parser.add_argument("--baseline-max", type=int, default=8000)
    parser.add_argument("--memory-sizes", default="8000,100000")
    args = parser.parse_args()
    pack = load_pack()
    munis = pack.municipalities
    mids = gpd.GeoSeries(
        gpd.points_from_xy(munis["midpoint_x"], munis["midpoint_y"]), crs=METRIC_CRS
    ).to_crs(DISPLAY_CRS)
    lon, lat = mids.x.to_numpy(), mids.y.to_numpy()
    memory_sizes = {int(s) for s in args.memory_sizes.split(",") if s}
    for n in (int(s) for s in args.sizes.split(",")):
        data = upload(n, lon, lat, german=True)
        start = time.perf_counter()
        ours = import_sites(read_site_table(data, "sites.csv"), municipalities=munis)
        t_ours = time.perf_counter() - start
        # Every midpoint lies in its municipality: every row must come through, no message.
        assert len(ours.sites) == n and not ours.errors, ours.messages("en")[:3]
        line: dict[str, object] = {
            "benchmark": "site upload: read + validate + locate",
            "rows": n,
            "ours_s": round(t_ours, 3),
        }
        if n <= args.baseline_max:
            plain = upload(n, lon, lat, german=False)
            start = time.perf_counter()
            base = baseline_import_sites(
                baseline_read_site_table(plain, "sites.csv"), municipalities=munis
            )
            t_base = time.perf_counter() - start
            assert len(base.sites) == n
            assert base.sites["ags"].tolist() == ours.sites["ags"].tolist()
            line |= {
                "baseline": "import_sites before issue 14",
                "baseline_s": round(t_base, 3),
                "ratio": round(t_base / t_ours, 1),
            }
        if n in memory_sizes:
            tracemalloc.start()
            import_sites(read_site_table(data, "sites.csv"), municipalities=munis)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            line |= {"peak_mb": round(peak / 1e6, 1), "bytes_per_row": round(peak / n)}
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
