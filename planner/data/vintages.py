"""Boundary vintages: VG5000 polygons (01.01.2021) matched to register municipalities
(31.12.2024).

Polygons whose key no longer exists are matched to their successor (:func:`match_vintages`);
every merge is recorded (:func:`merge_records`) in ``RegionPack.info.merges`` and listed for people
by :func:`merge_report`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from planner.settings import DISPLAY_CRS, ZENSUS_CRS

__all__ = ["VintageMatch", "match_vintages", "merge_records", "merge_report"]


@dataclass(frozen=True)
class VintageMatch:
    """How the VG5000 polygons map to register municipalities.

    Attributes
    ----------
    owner
        VG5000 AGS → register AGS (itself when the key still exists).
    unmatched
        VG5000 AGS whose territory no register municipality could take (named in the notes).
    polygon_area_km2
        Area of each VG5000 polygon (EPSG:3035, equal-area).
    """

    owner: dict[str, str]
    unmatched: tuple[str, ...]
    polygon_area_km2: dict[str, float]


def match_vintages(polygons: gpd.GeoDataFrame, register: pd.DataFrame) -> VintageMatch:
    """Match VG5000 municipalities (01.01.2021) to register municipalities (31.12.2024).

    Method: a polygon whose AGS is still in the register keeps it. Polygons whose AGS vanished
    (merged municipalities) are matched in two steps, both within one Land:

    1. a register municipality without polygon (a merger that got a new key) takes the vanished
       polygon that holds its official midpoint;
    2. then, repeatedly, the pair of vanished polygon and neighbouring register municipality
       (borders within 100 m) that most improves the area fit: the municipality's *area gap* is the
       register's area minus the polygon area it holds so far, relative to the register's area; the
       pair chosen shrinks that gap the most. A successor that kept one of its predecessors' keys
       (Tastrup and Maasbüll → Hürup: 16 km² of polygon for 28 km² in the register) has exactly
       such a gap, while generalisation leaves other neighbours a few per cent off at most.

    Parameters
    ----------
    polygons
        VG5000 municipalities (AGS, geometry) in any CRS.
    register
        Register municipalities (ags, area_km2, lon, lat).
    """
    poly = polygons[["AGS", "geometry"]].dissolve(by="AGS", as_index=False)
    eq = poly.to_crs(ZENSUS_CRS)
    keys = eq["AGS"].astype(str).to_numpy()
    area = dict(zip(keys, eq.geometry.area.to_numpy() / 1e6, strict=True))
    reg = register.drop_duplicates("ags").set_index("ags")
    reg_area = {str(k): float(v) for k, v in reg["area_km2"].fillna(0.0).items()}
    owner = {a: a for a in keys if a in reg.index}
    orphans = [a for a in keys if a not in reg.index]
    if not orphans:
        return VintageMatch(owner=owner, unmatched=(), polygon_area_km2=area)
    geoms = dict(zip(keys, eq.geometry.to_numpy(), strict=True))
    held: dict[str, float] = {}
    for ags, succ in owner.items():
        held[succ] = held.get(succ, 0.0) + area[ags]

    # Step 1: new keys take the vanished polygon holding their midpoint.
    new_keys = reg.index[~reg.index.isin(keys) & (reg["area_km2"].fillna(0) > 0)]
    if len(new_keys):
        mids = gpd.GeoSeries(
            gpd.points_from_xy(reg.loc[new_keys, "lon"], reg.loc[new_keys, "lat"]), crs=DISPLAY_CRS
        ).to_crs(ZENSUS_CRS)
        for succ, point in zip(new_keys, mids, strict=True):
            for orphan in orphans:
                if orphan not in owner and orphan[:2] == succ[:2] and geoms[orphan].contains(point):
                    owner[orphan] = succ
                    held[succ] = held.get(succ, 0.0) + area[orphan]
                    break

    # Step 2: grow successors over neighbouring vanished polygons by the best-fitting area gap.
    tree = shapely.STRtree(eq.geometry.to_numpy())
    neighbours = {
        o: [str(keys[j]) for j in tree.query(geoms[o], predicate="dwithin", distance=100.0)]
        for o in orphans
    }
    while True:
        best: tuple[float, str, str] | None = None
        for orphan in orphans:
            if orphan in owner:
                continue
            for n in neighbours[orphan]:
                succ = owner.get(n)
                if succ is None or succ[:2] != orphan[:2]:
                    continue
                gap = reg_area[succ] - held.get(succ, 0.0)
                size = max(reg_area[succ], 1e-6)
                # Negative: the best gain wins (first orphan/successor key on ties).
                score = (abs(gap - area[orphan]) - abs(gap)) / size
                if best is None or score < best[0]:
                    best = (score, orphan, succ)
        if best is None:
            break
        _, orphan, succ = best
        owner[orphan] = succ
        held[succ] = held.get(succ, 0.0) + area[orphan]
    unmatched = tuple(o for o in orphans if o not in owner)
    return VintageMatch(owner=owner, unmatched=unmatched, polygon_area_km2=area)


def merge_records(
    match: VintageMatch, polygons: gpd.GeoDataFrame, register: pd.DataFrame
) -> list[dict[str, Any]]:
    """One record per register municipality made of polygons with other keys."""
    names = dict(zip(polygons["AGS"].astype(str), polygons["GEN"].astype(str), strict=True))
    reg = register.drop_duplicates("ags").set_index("ags")
    reg_name = {str(k): str(v) for k, v in reg["name"].items()}
    reg_area = {str(k): float(v) for k, v in reg["area_km2"].fillna(0.0).items()}
    parts: dict[str, list[str]] = {}
    for old, succ in match.owner.items():
        parts.setdefault(succ, []).append(old)
    records = []
    for succ, olds in sorted(parts.items()):
        if olds == [succ] or succ not in reg.index:
            continue
        records.append(
            {
                "ags": succ,
                "name": reg_name[succ],
                "from": [[o, names.get(o, "")] for o in sorted(olds)],
                "area_polygons_km2": round(sum(match.polygon_area_km2[o] for o in olds), 2),
                "area_register_km2": reg_area[succ],
            }
        )
    return records


def merge_report(merges: Iterable[Mapping[str, Any]]) -> list[str]:
    """One line per merge, for the CLI and the app."""
    return [
        f"{m['ags']} {m['name']} ← "
        + ", ".join(f"{a} {n}" for a, n in m["from"])
        + f" ({m['area_polygons_km2']} km² polygons, {m['area_register_km2']} km² register)"
        for m in merges
    ]
