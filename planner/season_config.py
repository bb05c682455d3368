"""Season configuration files (TOML) and the ``season plan`` command.

Example (see ``examples/season_2023.toml``)::

    [season]
    start = 2023-07-03
    end = 2023-10-27
    home = "Kiel"                 # a site_id, or a municipality (its centre site)
    stay_days = 5
    relocation_days = 1
    max_tow_minutes = 90
    municipality_gap_days = 14
    min_rural_share = 0.4
    blackout_dates = [{ date = 2023-09-08, reason = "maintenance" }]

    [quotas]
    "Kiel" = 4
    "Plön" = 4
    "Rendsburg-Eckernförde" = 4

    [weights]
    score = 1.0
    coverage = 0.001              # per person newly covered
    tow = 0.01                    # per minute towed

    [[bookings]]
    site = "..."
    start = 2023-08-14
    end = 2023-08-21

    [data]
    sites = "my_sites.csv"        # optional: default the region pack's candidate sites
    coverage_minutes = 15         # cells within this time count as covered

Every error names the key and the value.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from planner.calendar import WEEKDAY_NAMES, parse_date
from planner.season import Booking, SeasonConfig, SeasonPlan

__all__ = ["ConfigError", "SeasonFile", "load_season_config", "parse_season_config",
           "register_season_cli", "run_season_plan"]


class ConfigError(ValueError):
    """A season config file could not be read; the message names the key and value."""


class SeasonFile:
    """A parsed season file: the :class:`SeasonConfig` plus data options.

    Attributes
    ----------
    config
        Rules and weights (``home_site_id`` may still be a municipality name in
        ``home``, resolved by :func:`run_season_plan` against the sites table).
    home
        The ``home`` value as written.
    data
        The ``[data]`` table (``sites``, ``coverage_minutes``, ``score_column``).
    path
        The file read (for relative paths in ``data``).
    """

    def __init__(self, config: SeasonConfig, home: str, data: dict[str, Any], path: Path | None
                 ) -> None:
        self.config = config
        self.home = home
        self.data = data
        self.path = path


_SEASON_KEYS = {
    "start", "end", "home", "home_site_id", "operating_weekdays", "public_holidays",
    "blackout_dates", "stay_days", "relocation_days", "max_tow_minutes", "stops_total",
    "min_rural_share", "municipality_gap_days", "units", "must_include", "exclude",
    "time_limit",
}
_TOP_KEYS = {"season", "quotas", "weights", "bookings", "data"}


def _err(key: str, value: object, msg: str) -> ConfigError:
    return ConfigError(f"season config: {key} = {value!r}: {msg}")


def _get_int(tbl: Mapping[str, Any], key: str, default: int | None, *, prefix: str, lo: int = 0
             ) -> int | None:
    if key not in tbl:
        return default
    v = tbl[key]
    if isinstance(v, bool) or not isinstance(v, int) or v < lo:
        raise _err(f"{prefix}{key}", v, f"expected a whole number >= {lo}")
    return v


def _get_float(tbl: Mapping[str, Any], key: str, default: float | None, *, prefix: str,
               lo: float = 0.0, hi: float | None = None) -> float | None:
    if key not in tbl:
        return default
    v = tbl[key]
    if isinstance(v, bool) or not isinstance(v, int | float) or v < lo or (
            hi is not None and v > hi):
        rng = f"between {lo:g} and {hi:g}" if hi is not None else f">= {lo:g}"
        raise _err(f"{prefix}{key}", v, f"expected a number {rng}")
    return float(v)


def _get_date(tbl: Mapping[str, Any], key: str, *, prefix: str) -> dt.date:
    if key not in tbl:
        raise ConfigError(f"season config: {prefix}{key} is missing")
    try:
        return parse_date(tbl[key], field_name=f"{prefix}{key}")
    except ValueError as exc:
        raise ConfigError(f"season config: {exc}") from None


def _weekdays(v: object) -> tuple[int, ...]:
    if not isinstance(v, list) or not v:
        raise _err("season.operating_weekdays", v, "expected a list such as [\"Mon\", \"Tue\"]")
    out = []
    names = [n.lower() for n in WEEKDAY_NAMES]
    for w in v:
        if isinstance(w, int) and not isinstance(w, bool) and 0 <= w <= 6:
            out.append(w)
        elif isinstance(w, str) and w[:3].lower() in names:
            out.append(names.index(w[:3].lower()))
        else:
            raise _err("season.operating_weekdays", w, "not a weekday (Mon..Sun or 0..6)")
    return tuple(sorted(set(out)))


def _str_list(tbl: Mapping[str, Any], key: str) -> tuple[str, ...]:
    v = tbl.get(key, [])
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise _err(f"season.{key}", v, "expected a list of site ids")
    return tuple(v)


def parse_season_config(raw: Mapping[str, Any], *, path: Path | None = None) -> SeasonFile:
    """Turn a parsed TOML document into a :class:`SeasonFile`.

    Parameters
    ----------
    raw
        The document (as returned by :func:`tomllib.load`).
    path
        Where it came from (for messages and relative paths).

    Returns
    -------
    SeasonFile

    Raises
    ------
    ConfigError
        Naming the key and the value.
    """
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        k = sorted(unknown)[0]
        raise _err(k, raw[k], f"unknown table; expected one of {sorted(_TOP_KEYS)}")
    season = raw.get("season")
    if not isinstance(season, dict):
        raise ConfigError("season config: table [season] is missing")
    unknown = set(season) - _SEASON_KEYS
    if unknown:
        k = sorted(unknown)[0]
        raise _err(f"season.{k}", season[k], f"unknown key; expected one of {sorted(_SEASON_KEYS)}")
    p = "season."
    start = _get_date(season, "start", prefix=p)
    end = _get_date(season, "end", prefix=p)
    if end < start:
        raise _err("season.end", end.isoformat(), f"is before season.start = {start.isoformat()}")
    home = season.get("home_site_id", season.get("home"))
    if not isinstance(home, str) or not home:
        raise _err("season.home", home, "expected a site id or a municipality name")
    blackouts: dict[dt.date, str] = {}
    for n_item, item in enumerate(season.get("blackout_dates", [])):
        key = f"season.blackout_dates[{n_item}]"
        if isinstance(item, dict):
            day, reason = item.get("date"), str(item.get("reason", ""))
            until = item.get("until")
        else:
            day, reason, until = item, "", None
        try:
            d0 = parse_date(day, field_name=key)
            d1 = parse_date(until, field_name=f"{key}.until") if until is not None else d0
        except ValueError as exc:
            raise ConfigError(f"season config: {exc}") from None
        while d0 <= d1:
            blackouts[d0] = reason
            d0 += dt.timedelta(days=1)
    quotas_raw = raw.get("quotas", {})
    if not isinstance(quotas_raw, dict):
        raise _err("quotas", quotas_raw, "expected a table district = number")
    quotas: dict[str, int] = {}
    for k, v in quotas_raw.items():
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise _err(f"quotas.{k}", v, "expected a whole number >= 0")
        quotas[str(k)] = v
    weights = raw.get("weights", {})
    if not isinstance(weights, dict):
        raise _err("weights", weights, "expected a table")
    for k in weights:
        if k not in ("score", "coverage", "tow"):
            raise _err(f"weights.{k}", weights[k], "unknown weight; use score, coverage, tow")
    bookings = []
    for n_b, b in enumerate(raw.get("bookings", [])):
        key = f"bookings[{n_b}]"
        if not isinstance(b, dict) or not isinstance(b.get("site"), str):
            raise _err(f"{key}.site", b.get("site") if isinstance(b, dict) else b,
                       "expected a table with site = \"<site id>\" and start = YYYY-MM-DD")
        bstart = _get_date(b, "start", prefix=f"{key}.")
        bend = _get_date(b, "end", prefix=f"{key}.") if "end" in b else None
        bookings.append(Booking(site_id=b["site"], start=bstart, end=bend))
    data = raw.get("data", {})
    if not isinstance(data, dict):
        raise _err("data", data, "expected a table")
    max_tow = season.get("max_tow_minutes", 90.0)
    if max_tow is not None:
        max_tow = _get_float(season, "max_tow_minutes", 90.0, prefix=p, lo=1e-9)
    w = "weights."
    try:
        cfg = SeasonConfig(
            start=start,
            end=end,
            home_site_id=home,
            operating_weekdays=_weekdays(season["operating_weekdays"])
            if "operating_weekdays" in season else (0, 1, 2, 3, 4),
            blackout_dates=blackouts,
            public_holidays=bool(season.get("public_holidays", True)),
            stay_days=_get_int(season, "stay_days", 5, prefix=p, lo=1) or 5,
            relocation_days=_get_int(season, "relocation_days", 1, prefix=p) or 0,
            max_tow_minutes=max_tow,
            district_quotas=quotas,
            stops_total=_get_int(season, "stops_total", None, prefix=p),
            min_rural_share=_get_float(season, "min_rural_share", 0.0, prefix=p, hi=1.0) or 0.0,
            municipality_gap_days=_get_int(season, "municipality_gap_days", 0, prefix=p) or 0,
            units=_get_int(season, "units", 1, prefix=p, lo=1) or 1,
            must_include=_str_list(season, "must_include"),
            exclude=_str_list(season, "exclude"),
            bookings=tuple(bookings),
            weight_score=_get_float(weights, "score", 1.0, prefix=w, lo=-1e18) or 0.0,
            weight_coverage=_get_float(weights, "coverage", 0.0, prefix=w, lo=-1e18) or 0.0,
            weight_tow=_get_float(weights, "tow", 0.0, prefix=w, lo=-1e18) or 0.0,
            score_column=str(data.get("score_column", "score")),
            time_limit=_get_float(season, "time_limit", 30.0, prefix=p, lo=1e-3) or 30.0,
        )
    except ValueError as exc:
        if isinstance(exc, ConfigError):
            raise
        raise ConfigError(str(exc)) from None
    return SeasonFile(cfg, home, dict(data), path)


def load_season_config(path: str | Path) -> SeasonFile:
    """Read a TOML season config file.

    Parameters
    ----------
    path
        The ``.toml`` file.

    Returns
    -------
    SeasonFile

    Raises
    ------
    ConfigError
        When the file is missing, is not valid TOML, or a key has a bad value.
    """
    p = Path(path)
    try:
        with p.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"season config: file {p} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"season config: {p} is not valid TOML: {exc}") from None
    return parse_season_config(raw, path=p)


# ---------------------------------------------------------------------- running
def _resolve_home(sites: pd.DataFrame, home: str) -> str:
    ids = sites["site_id"].astype(str)
    if (ids == home).any():
        return home
    mun = sites["municipality"].astype(str)
    hit = sites[mun == home]
    if len(hit) == 0:  # official names carry suffixes: "Kiel, Landeshauptstadt"
        hit = sites[mun.str.split(",").str[0].str.strip() == home]
    if len(hit) == 0:
        raise ConfigError(f"season config: season.home = {home!r}: neither a site_id nor a "
                          "municipality of the sites table")
    if "kind" in hit.columns and (hit["kind"] == "centre").any():
        hit = hit[hit["kind"] == "centre"]
    return str(hit["site_id"].iloc[0])


def run_season_plan(season_file: SeasonFile, *, out_dir: Path) -> SeasonPlan:
    """Plan the season of a config file on its data and write all exports to ``out_dir``.

    Sites come from ``[data].sites`` (CSV with ``x``/``y`` in EPSG:25832, GeoJSON or
    GeoPackage) or the region pack.  Towing times come from :mod:`planner.traveltime`.
    Without a score column, every site scores 0 and the value is the population newly
    covered (cells of the region pack within ``[data].coverage_minutes``, default 15);
    the coverage weight then defaults to 0.001 per person.

    Returns
    -------
    SeasonPlan
    """
    import dataclasses

    from planner.export import export_all
    from planner.pack import load_pack
    from planner.season import coverage_from_matrix, plan_season
    from planner.traveltime import travel_time_matrix

    cfg = season_file.config
    data = season_file.data
    pack = load_pack()
    if "sites" in data:
        sp = Path(str(data["sites"]))
        if not sp.is_absolute() and season_file.path is not None:
            sp = season_file.path.parent / sp
        if sp.suffix.lower() == ".csv":
            sites = pd.read_csv(sp, dtype={"site_id": str, "district_ags": str, "ags": str},
                                keep_default_na=False)
        else:
            import geopandas as gpd

            sites = gpd.read_file(sp).to_crs("EPSG:25832")
    else:
        sites = pack.sites.copy()
    sites = sites.reset_index(drop=True)
    if "geometry" in sites.columns and "x" not in sites.columns:
        sites["x"] = [g.x for g in sites.geometry]
        sites["y"] = [g.y for g in sites.geometry]
    xy = sites[["x", "y"]].to_numpy(dtype=float)
    tm = travel_time_matrix(xy, xy)
    cov_min = float(data.get("coverage_minutes", 15))
    cells = pack.cells[pack.cells["population"] > 0]
    cm = travel_time_matrix(xy, cells[["x", "y"]].to_numpy(dtype=float))
    coverage = coverage_from_matrix(sites["site_id"].astype(str).tolist(),
                                    cells["cell_id"].tolist(), cm.minutes, threshold=cov_min)
    pop = dict(zip(cells["cell_id"], cells["population"].astype(float), strict=True))
    if cfg.score_column not in sites.columns:
        sites[cfg.score_column] = 0.0
        if cfg.weight_coverage == 0:
            cfg = dataclasses.replace(cfg, weight_coverage=0.001)
    cfg = dataclasses.replace(cfg, home_site_id=_resolve_home(sites, season_file.home))
    plan = plan_season(sites, tm.minutes, config=cfg, km=tm.km, coverage=coverage,
                       cell_population=pop)
    out_dir.mkdir(parents=True, exist_ok=True)
    if plan.feasible:
        export_all(plan, out_dir)
    return plan


def _cmd_season_plan(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    try:
        sf = load_season_config(args.config)
        plan = run_season_plan(sf, out_dir=Path(args.out))
    except (ConfigError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(plan.explain())
    if plan.feasible:
        cols = ["stop", "name", "municipality", "district", "start", "end", "tow_minutes"]
        print(plan.schedule[cols].to_string(index=False))
        summary = {k: (v if isinstance(v, int | float | str | dict) or v is None else str(v))
                   for k, v in plan.totals.items()}
        summary["seconds_total"] = round(time.perf_counter() - t0, 1)
        print(json.dumps(summary, default=str))
        print(f"exports written to {args.out}")
        return 0
    return 1


def register_season_cli(subparsers: Any) -> None:
    """Add ``season plan --config FILE --out DIR`` to an argparse sub-parser group.

    Parameters
    ----------
    subparsers
        The object returned by ``ArgumentParser.add_subparsers``.
    """
    season = subparsers.add_parser("season", help="plan the tour's season")
    cmds = season.add_subparsers(dest="command", required=True)
    plan = cmds.add_parser("plan", help="plan a season from a TOML config and write exports")
    plan.add_argument("--config", required=True, help="season config (.toml)")
    plan.add_argument("--out", required=True, help="folder for CSV, Excel, iCalendar, GeoJSON, "
                      "GeoPackage")
    plan.set_defaults(func=_cmd_season_plan)



