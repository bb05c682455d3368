"""Running a season file: its region pack, its sites, the defaults from the pack, the exports.

:func:`run_season_plan` is what ``tiny-rathaus season plan`` does with a parsed file
(:mod:`planner.season.config`):

1. the region pack: ``--pack`` (the ``pack`` argument), else ``[data].pack`` (relative to the
   TOML file), else :func:`planner.settings.pack_path` (``TINY_RATHAUS_PACK`` or the embedded
   KielRegion pack);
2. the candidate sites: ``[data].sites`` or the pack's;
3. what the file leaves open comes from the pack, never from one region written into the code:
   without ``[quotas]`` the pack's default quota per district (``RegionInfo.default_quota``),
   without ``home`` the centre site of the pack's home base (``RegionInfo.home_base_ags``), the
   public holidays of the sites' Land (their union for a region across Länder);
4. ``home``, ``must_include`` and ``exclude`` name site_ids or municipalities
   (:func:`planner.season.config.resolve_site_names`), quotas name the pack's districts;
5. the plan on :func:`planner.season.inputs.season_inputs`, exactly as in the app, and every
   export written to ``out_dir``; the pack used is recorded in ``plan.totals["pack"]``.
"""

from __future__ import annotations

import dataclasses
import math
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from planner.i18n import DEFAULT_LANGUAGE, Message
from planner.season import inputs as season_inputs
from planner.season.config import (
    SeasonFile,
    centre_site,
    resolve_site,
    resolve_site_names,
    site_lands,
)
from planner.season.outcome import plan_with_groups
from planner.season.plan import SeasonPlan
from planner.season.prepare import REQUIRED_SITE_COLUMNS
from planner.season.settings import ConfigError
from planner.settings import METRIC_CRS

if TYPE_CHECKING:
    from planner.data.pack import RegionPack

__all__ = [
    "check_out_dir",
    "default_home",
    "default_quotas",
    "load_sites",
    "run_season_plan",
    "season_pack",
    "season_pack_path",
]


def _err(key: str, value: object, problem: str, **params: object) -> ConfigError:
    return ConfigError(key, Message(f"config.{problem}", params), value=value)


# ---------------------------------------------------------------------- the pack
def season_pack_path(
    season_file: SeasonFile, *, pack: str | os.PathLike[str] | None = None
) -> tuple[Path, str]:
    """The region pack a season file plans on, and the setting that named it.

    Returns
    -------
    tuple
        ``(path, key)``: ``key`` is ``"--pack"`` (the ``pack`` argument), ``"data.pack"`` (the
        file's ``[data] pack``, relative to the file) or ``"pack"`` (the default,
        :func:`planner.settings.pack_path`).
    """
    from planner.settings import pack_path

    if pack is not None and str(pack):
        return Path(pack), "--pack"
    given = season_file.data.get("pack")
    if given:
        path = Path(str(given)).expanduser()
        if not path.is_absolute() and season_file.path is not None:
            path = (season_file.path.parent / path).resolve()
        return path, "data.pack"
    return pack_path(), "pack"


def season_pack(
    season_file: SeasonFile, *, pack: str | os.PathLike[str] | None = None
) -> tuple[RegionPack, Path]:
    """Load the region pack of a season file (:func:`season_pack_path`).

    Raises
    ------
    ConfigError
        Naming the setting and the path when it is missing, a folder or not a region pack.
    """
    from planner.data.pack import load_pack

    path, key = season_pack_path(season_file, pack=pack)
    if path.is_dir():
        raise _err(key, str(path), "is_folder")
    if not path.is_file():
        raise _err(key, str(path), "file_not_found")
    try:
        return load_pack(path), path
    except Exception as exc:  # any reader failure: a truncated or foreign file
        raise _err(key, str(path), "pack_unreadable", error=str(exc)[:200]) from None


def default_quotas(pack: RegionPack) -> dict[str, int]:
    """The pack's default stops per district, keyed by district name (as quotas are written)."""
    names = pack.info.district_names
    return {names.get(key, key): int(n) for key, n in pack.info.default_quota.items()}


def default_home(pack: RegionPack, sites: pd.DataFrame) -> str:
    """The site_id of the pack's home base: the centre site of ``info.home_base_ags`` (its
    largest municipality; :func:`~planner.season.config.centre_site`), else the municipality by
    name (a sites file without keys)."""
    info = pack.info
    if "ags" in sites.columns:
        hit = sites[sites["ags"].astype(str) == info.home_base_ags]
        if len(hit):
            return centre_site(hit)
    return resolve_site(sites, info.home_base_name, key="season.home")


def _check_quota_districts(quotas: Mapping[str, int], pack: RegionPack) -> None:
    """Every quota names a district of the pack, by name or key (before anything is solved)."""
    names = pack.info.district_names
    known = set(names) | set(names.values())
    for district in quotas:
        if district not in known:
            raise _err(
                f"quotas.{district}",
                district,
                "quota_not_in_pack",
                region=pack.info.name,
                known=", ".join(sorted(names.values())),
            )


# ---------------------------------------------------------------------- the sites
def load_sites(
    season_file: SeasonFile, *, pack: RegionPack | None = None, crs: str | None = None
) -> pd.DataFrame:
    """The candidate sites of a season file: ``[data].sites`` or the region pack's.

    ``[data].sites`` is a CSV with ``x``/``y`` in the pack's metric CRS (EPSG:25832 for the
    KielRegion, EPSG:25833 east of 12° E; see ``pack.crs``), or a GeoJSON / GeoPackage file
    (any CRS, reprojected to it); relative paths are relative to the config file.

    Parameters
    ----------
    season_file
        The parsed config.
    pack
        The region pack (default: :func:`season_pack` of the file), read only without
        ``[data].sites``.
    crs
        The metric CRS of the sites; default ``pack.crs``, without a pack
        :data:`~planner.settings.METRIC_CRS` (the embedded pack's).

    Raises
    ------
    ConfigError
        ``data.sites`` naming the path when it is missing, a folder, unreadable or not a
        sites table (required columns and positions), and ``data.score_column`` when that
        column holds text.
    """
    data = season_file.data
    if "sites" not in data:
        region = pack if pack is not None else season_pack(season_file)[0]
        return _checked_sites(region.sites.copy(), season_file, "")
    sp = Path(str(data["sites"]))
    if not sp.is_absolute() and season_file.path is not None:
        sp = season_file.path.parent / sp
    if sp.is_dir():
        raise _err("data.sites", str(sp), "is_folder")
    if not sp.exists():
        raise _err("data.sites", str(sp), "file_not_found")
    try:
        if sp.suffix.lower() == ".csv":
            table: pd.DataFrame = pd.read_csv(
                sp, dtype={"site_id": str, "district_ags": str, "ags": str}, keep_default_na=False
            )
        else:
            import geopandas as gpd

            frame = gpd.read_file(sp)
            if frame.crs is None or frame.geometry.isna().any():
                raise ValueError("no coordinate reference system or a row without geometry")
            table = frame.to_crs(crs or (pack.crs if pack is not None else METRIC_CRS))
    except ConfigError:
        raise
    except Exception as exc:  # any reader failure: the file is not a sites table
        raise _err("data.sites", str(sp), "sites_unreadable", error=str(exc)[:200]) from None
    return _checked_sites(table, season_file, str(sp))


def _checked_sites(table: pd.DataFrame, season_file: SeasonFile, where: str) -> pd.DataFrame:
    """``table`` if it is a sites table with positions and a numeric score column (if any)."""
    has_xy = {"x", "y"} <= set(table.columns) or "geometry" in table.columns
    missing = [c for c in REQUIRED_SITE_COLUMNS if c not in table.columns]
    if not has_xy:
        missing.append("x/y")
    if missing:
        raise _err("data.sites", where or "pack", "sites_columns", missing=", ".join(missing))
    column = season_file.config.score_column
    if column in table.columns:
        numbers = pd.to_numeric(table[column], errors="coerce")
        bad = numbers.isna() | ~numbers.abs().lt(math.inf)
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            found = table[column].iloc[row]
            raise _err(
                "data.score_column",
                column,
                "score_not_numeric",
                column=column,
                row=row + 1,
                found=repr(found),
            )
    return table


def check_out_dir(out_dir: Path) -> None:
    """Make sure ``out_dir`` is (or can become) a writable folder, before any solving.

    Raises
    ------
    ConfigError
        ``out`` naming the path: an existing file, a path below a file, or not writable.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise _err("out", str(out_dir), "out_is_file")
    for parent in out_dir.parents:
        if parent.exists():
            if not parent.is_dir():
                raise _err("out", str(out_dir), "out_below_file", parent=str(parent))
            break
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_dir):
            pass
    except OSError as exc:
        raise _err(
            "out", str(out_dir), "out_not_writable", error=exc.strerror or str(exc)
        ) from None


# ---------------------------------------------------------------------- running
def run_season_plan(
    season_file: SeasonFile,
    *,
    out_dir: Path,
    lang: str = DEFAULT_LANGUAGE,
    pack: str | os.PathLike[str] | None = None,
) -> SeasonPlan:
    """Plan the season of a config file on its data and write all exports to ``out_dir``.

    The inputs come from :func:`planner.season.inputs.season_inputs`, exactly as in the app:
    site scores from :mod:`planner.scoring` (the ``[criteria]`` weights, defaults for the rest;
    a sites file with a score column keeps its scores), coverage sets within
    ``[data].coverage_minutes`` (default 15) and the towing matrix.  ``out_dir``, the pack, the
    sites and the names in the file are checked before anything is solved.

    Parameters
    ----------
    season_file
        The parsed config.
    out_dir
        Folder for the exports (written only when the plan is feasible).
    lang
        Language of the exported texts.
    pack
        The region pack (the command line's ``--pack``); default ``[data].pack`` of the file,
        else :func:`planner.settings.pack_path` (see :func:`season_pack_path`).

    Returns
    -------
    SeasonPlan
        ``totals["pack"]`` names the pack's file, ``totals["region"]`` its region.

    Raises
    ------
    ConfigError
        Naming the key and value: ``out``, ``--pack``/``data.pack``, ``data.sites``,
        ``data.score_column``, ``quotas.<district>``, ``season.home``, ``season.must_include``…
    """
    # loaded only when a season is run: the Excel and PDF writers are heavy
    from planner.export import export_all
    from planner.export.report import to_pdf

    check_out_dir(out_dir)
    region, pack_file = season_pack(season_file, pack=pack)
    cfg = season_file.config
    if not season_file.quotas_given:
        cfg = dataclasses.replace(cfg, district_quotas=default_quotas(region))
    _check_quota_districts(cfg.district_quotas, region)
    sites = load_sites(season_file, pack=region)
    home = season_file.home or default_home(region, sites)
    cfg = resolve_site_names(cfg, sites, home=home)  # named before the slow part below
    if not site_lands(sites):  # a sites file without municipality keys: the pack's Länder
        cfg = dataclasses.replace(cfg, holiday_lands=region.info.lands or cfg.holiday_lands)
    inputs = season_inputs.season_inputs(
        region,
        sites,
        threshold_min=float(season_file.data.get("coverage_minutes", 15)),
        weights=season_file.criteria,
        season=(cfg.start, cfg.end),
        score_column=cfg.score_column,
    )
    # the Amt or city area of every stop and how many the plan visits, in the exports too
    plan = plan_with_groups(inputs.plan(cfg), region)
    plan.totals["pack"] = str(pack_file)
    plan.totals["region"] = region.info.name
    if plan.feasible:
        written = export_all(plan, out_dir, lang=lang)
        try:
            to_pdf(
                plan,
                out_dir / "season.pdf",
                pack=region,
                lang=lang,
                coverage_minutes=inputs.threshold_min,
            )
        except Exception as exc:  # one failed format never hides the others
            written.errors["pdf"] = f"{type(exc).__name__}: {exc}"
        for fmt, reason in written.errors.items():
            print(f"error: export {fmt}: {reason}", file=sys.stderr)
        if written.errors:
            raise OSError(f"{len(written.errors)} export(s) failed: {', '.join(written.errors)}")
    return plan
