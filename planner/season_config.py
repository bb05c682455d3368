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
    blackout_dates = [{ date = 2023-09-08, reason = "maintenance" }, "2023-10-09..2023-10-13"]

    [quotas]
    "Kiel" = 4
    "Plön" = 4
    "Rendsburg-Eckernförde" = 4

    [weights]                     # the season's objective
    score = 1.0                   # per point of site score (0..100 per stop)
    coverage = 0.001              # per person newly covered
    tow = 0.05                    # per minute towed

    [criteria]                    # optional: weights of the site score's criteria
    pop_car = 3.0                 # (planner.scoring.CRITERIA; defaults for the rest)

    [[bookings]]
    site = "..."
    start = 2023-08-14
    end = 2023-08-21

    [data]
    sites = "my_sites.csv"        # optional: default the region pack's candidate sites
    coverage_minutes = 15         # cells within this time count as covered

Site scores come from :mod:`planner.scoring` (see :mod:`planner.season_inputs`) unless the sites
file has a score column. ``max_tow_minutes = 0`` means no towing limit. Every error is a
:class:`ConfigError` naming the key and the value, in German or English; the app's season form
goes through the same parser (:func:`season_config_from_values`), so both say the same.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from planner.calendar import WEEKDAY_NAMES, BlackoutError, parse_blackout_entry, parse_date
from planner.i18n import DEFAULT_LANGUAGE, LANGUAGES, Message
from planner.season import Booking, ConfigError, SeasonConfig, SeasonPlan

__all__ = [
    "DEFAULT_OBJECTIVE",
    "ConfigError",
    "SeasonFile",
    "load_season_config",
    "load_sites",
    "parse_season_config",
    "register_season_cli",
    "resolve_home",
    "run_season_plan",
    "season_config_from_values",
]

#: The season's objective weights when a config does not set them: one point per score point
#: (0..100 per stop), one per 1,000 people newly covered, minus one per 20 minutes towed.
DEFAULT_OBJECTIVE: dict[str, float] = {"score": 1.0, "coverage": 0.001, "tow": 0.05}


@dataclass
class SeasonFile:
    """A parsed season file: the :class:`SeasonConfig` plus data options.

    Attributes
    ----------
    config
        Rules and weights (``home_site_id`` may still be a municipality name, resolved by
        :func:`resolve_home` against the sites table).
    home
        The ``home`` value as written.
    data
        The ``[data]`` table (``sites``, ``coverage_minutes``, ``score_column``).
    path
        The file read (for relative paths in ``data``).
    criteria
        The ``[criteria]`` table: weights of the site score's criteria.
    """

    config: SeasonConfig
    home: str
    data: dict[str, Any]
    path: Path | None = None
    criteria: dict[str, float] = field(default_factory=dict)


_SEASON_KEYS = {
    "start",
    "end",
    "home",
    "home_site_id",
    "operating_weekdays",
    "public_holidays",
    "blackout_dates",
    "stay_days",
    "relocation_days",
    "max_tow_minutes",
    "stops_total",
    "min_rural_share",
    "municipality_gap_days",
    "units",
    "must_include",
    "exclude",
    "time_limit",
}
_TOP_KEYS = {"season", "quotas", "weights", "criteria", "bookings", "data"}


def _err(key: str, value: object, problem: str, **params: object) -> ConfigError:
    return ConfigError(key, Message(f"config.{problem}", params), value=value)


def _get_int(
    tbl: Mapping[str, Any], key: str, default: int | None, *, prefix: str, lo: int = 0
) -> int | None:
    if key not in tbl:
        return default
    v = tbl[key]
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, bool) or not isinstance(v, int) or v < lo:
        raise _err(f"{prefix}{key}", v, "whole_number", low=lo)
    return v


def _get_float(
    tbl: Mapping[str, Any],
    key: str,
    default: float | None,
    *,
    prefix: str,
    lo: float = 0.0,
    hi: float | None = None,
) -> float | None:
    if key not in tbl:
        return default
    v = tbl[key]
    if (
        isinstance(v, bool)
        or not isinstance(v, int | float)
        or v < lo
        or (hi is not None and v > hi)
    ):
        if hi is not None:
            raise _err(f"{prefix}{key}", v, "number_between", low=lo, high=hi)
        raise _err(f"{prefix}{key}", v, "number_min", low=lo)
    return float(v)


def _get_date(tbl: Mapping[str, Any], key: str, *, prefix: str) -> dt.date:
    if key not in tbl:
        raise ConfigError(f"{prefix}{key}", Message("config.missing"))
    try:
        return parse_date(tbl[key], field_name=f"{prefix}{key}")
    except ValueError:
        raise _err(f"{prefix}{key}", tbl[key], "not_a_date") from None


def _weekdays(v: object) -> tuple[int, ...]:
    if not isinstance(v, list) or not v:
        raise _err("season.operating_weekdays", v, "weekday_list")
    out = []
    names = [n.lower() for n in WEEKDAY_NAMES]
    for w in v:
        if isinstance(w, int) and not isinstance(w, bool) and 0 <= w <= 6:
            out.append(w)
        elif isinstance(w, str) and w[:3].lower() in names:
            out.append(names.index(w[:3].lower()))
        else:
            raise _err("season.operating_weekdays", w, "not_a_weekday")
    return tuple(sorted(set(out)))


def _str_list(tbl: Mapping[str, Any], key: str) -> tuple[str, ...]:
    v = tbl.get(key, [])
    if not isinstance(v, list | tuple) or not all(isinstance(x, str) for x in v):
        raise _err(f"season.{key}", v, "site_list")
    return tuple(v)


def _blackouts(items: object) -> dict[dt.date, str]:
    if not isinstance(items, list | tuple):
        raise _err("season.blackout_dates", items, "blackout_entry")
    blackouts: dict[dt.date, str] = {}
    for n_item, item in enumerate(items):
        key = f"season.blackout_dates[{n_item}]"
        if isinstance(item, dict):
            day, reason, until = item.get("date"), str(item.get("reason", "")), item.get("until")
            try:
                d0 = parse_date(day, field_name=key)
            except ValueError:
                raise _err(key, day, "not_a_date") from None
            try:
                d1 = parse_date(until, field_name=key) if until is not None else d0
            except ValueError:
                raise _err(f"{key}.until", until, "not_a_date") from None
            if d1 < d0:
                raise _err(f"{key}.until", until, "range_reversed")
        else:
            reason = ""
            try:
                d0, d1 = parse_blackout_entry(item)
            except BlackoutError as exc:
                problem = (
                    "range_reversed"
                    if exc.problem.key == "calendar.bad_range"
                    else ("blackout_entry")
                )
                raise _err(key, item, problem) from None
        while d0 <= d1:
            blackouts[d0] = reason
            d0 += dt.timedelta(days=1)
    return blackouts


def parse_season_config(raw: Mapping[str, Any], *, path: Path | None = None) -> SeasonFile:
    """Turn a parsed TOML document (or the app's form values in the same shape) into a
    :class:`SeasonFile`.

    Parameters
    ----------
    raw
        The document (as returned by :func:`tomllib.load`).
    path
        Where it came from (for relative paths).

    Returns
    -------
    SeasonFile

    Raises
    ------
    ConfigError
        Naming the key and the value.
    """
    from planner.scoring import CRITERIA

    unknown = set(raw) - _TOP_KEYS
    if unknown:
        k = sorted(unknown)[0]
        raise _err(k, raw[k], "unknown_table", allowed=", ".join(sorted(_TOP_KEYS)))
    season = raw.get("season")
    if not isinstance(season, dict):
        raise ConfigError("[season]", Message("config.missing"))
    unknown = set(season) - _SEASON_KEYS
    if unknown:
        k = sorted(unknown)[0]
        raise _err(f"season.{k}", season[k], "unknown_key", allowed=", ".join(sorted(_SEASON_KEYS)))
    p = "season."
    start = _get_date(season, "start", prefix=p)
    end = _get_date(season, "end", prefix=p)
    if end < start:
        raise _err("season.end", end.isoformat(), "before_start", start=start.isoformat())
    home = season.get("home_site_id", season.get("home"))
    if not isinstance(home, str) or not home:
        raise _err("season.home", home, "home")
    blackouts = _blackouts(season.get("blackout_dates", []))
    quotas_raw = raw.get("quotas", {})
    if not isinstance(quotas_raw, dict):
        raise _err("quotas", quotas_raw, "quota_table")
    quotas: dict[str, int] = {}
    for k, v in quotas_raw.items():
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise _err(f"quotas.{k}", v, "whole_number", low=0)
        quotas[str(k)] = v
    weights = raw.get("weights", {})
    if not isinstance(weights, dict):
        raise _err("weights", weights, "table")
    for k in weights:
        if k not in DEFAULT_OBJECTIVE:
            raise _err(
                f"weights.{k}", weights[k], "unknown_weight", allowed=", ".join(DEFAULT_OBJECTIVE)
            )
    criteria_raw = raw.get("criteria", {})
    if not isinstance(criteria_raw, dict):
        raise _err("criteria", criteria_raw, "table")
    criteria: dict[str, float] = {}
    for k in criteria_raw:
        if k not in CRITERIA:
            raise _err(
                f"criteria.{k}", criteria_raw[k], "unknown_weight", allowed=", ".join(CRITERIA)
            )
        criteria[str(k)] = _get_float(criteria_raw, k, 0.0, prefix="criteria.") or 0.0
    bookings = []
    for n_b, b in enumerate(raw.get("bookings", [])):
        key = f"bookings[{n_b}]"
        if not isinstance(b, dict) or not isinstance(b.get("site"), str):
            raise _err(f"{key}.site", b.get("site") if isinstance(b, dict) else b, "booking")
        bstart = _get_date(b, "start", prefix=f"{key}.")
        bend = _get_date(b, "end", prefix=f"{key}.") if "end" in b else None
        bookings.append(Booking(site_id=b["site"], start=bstart, end=bend))
    data = raw.get("data", {})
    if not isinstance(data, dict):
        raise _err("data", data, "table")
    max_tow = _get_float(season, "max_tow_minutes", 90.0, prefix=p)
    w = "weights."
    cfg = SeasonConfig(
        start=start,
        end=end,
        home_site_id=home,
        operating_weekdays=_weekdays(season["operating_weekdays"])
        if "operating_weekdays" in season
        else (0, 1, 2, 3, 4),
        blackout_dates=blackouts,
        public_holidays=bool(season.get("public_holidays", True)),
        stay_days=_get_int(season, "stay_days", 5, prefix=p, lo=1) or 5,
        relocation_days=_get_int(season, "relocation_days", 1, prefix=p) or 0,
        max_tow_minutes=max_tow or None,  # 0: no limit
        district_quotas=quotas,
        stops_total=_get_int(season, "stops_total", None, prefix=p),
        min_rural_share=_get_float(season, "min_rural_share", 0.0, prefix=p, hi=1.0) or 0.0,
        municipality_gap_days=_get_int(season, "municipality_gap_days", 0, prefix=p) or 0,
        units=_get_int(season, "units", 1, prefix=p, lo=1) or 1,
        must_include=_str_list(season, "must_include"),
        exclude=_str_list(season, "exclude"),
        bookings=tuple(bookings),
        weight_score=_get_float(weights, "score", DEFAULT_OBJECTIVE["score"], prefix=w, lo=-1e18)
        or 0.0,
        weight_coverage=_get_float(
            weights, "coverage", DEFAULT_OBJECTIVE["coverage"], prefix=w, lo=-1e18
        )
        or 0.0,
        weight_tow=_get_float(weights, "tow", DEFAULT_OBJECTIVE["tow"], prefix=w, lo=-1e18) or 0.0,
        score_column=str(data.get("score_column", "score")),
        time_limit=_get_float(season, "time_limit", 30.0, prefix=p, lo=1e-3) or 30.0,
    )
    return SeasonFile(cfg, home, dict(data), path, criteria)


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
        raise _err("file", str(p), "file_not_found") from None
    except tomllib.TOMLDecodeError as exc:
        raise _err("file", str(p), "bad_toml", error=str(exc)) from None
    return parse_season_config(raw, path=p)


def resolve_home(sites: pd.DataFrame, home: str) -> str:
    """The site_id of the home base: ``home`` itself, or a municipality's centre site.

    Parameters
    ----------
    sites
        The sites table (``site_id``, ``municipality``, optional ``kind``).
    home
        A site_id or a municipality name (``"Kiel"`` matches ``"Kiel, Landeshauptstadt"``).

    Returns
    -------
    str

    Raises
    ------
    ConfigError
        When it is neither.
    """
    ids = sites["site_id"].astype(str)
    if (ids == home).any():
        return home
    mun = sites["municipality"].astype(str)
    hit = sites[mun == home]
    if len(hit) == 0:  # official names carry suffixes: "Kiel, Landeshauptstadt"
        hit = sites[mun.str.split(",").str[0].str.strip() == home]
    if len(hit) == 0:
        raise _err("season.home", home, "home_unknown")
    if "kind" in hit.columns and (hit["kind"] == "centre").any():
        hit = hit[hit["kind"] == "centre"]
    return str(hit["site_id"].iloc[0])


def season_config_from_values(
    season: Mapping[str, Any],
    *,
    sites: pd.DataFrame,
    quotas: Mapping[str, int] | None = None,
    objective: Mapping[str, float] | None = None,
    bookings: Sequence[Booking] = (),
) -> SeasonConfig:
    """A :class:`SeasonConfig` from form values, checked exactly like a config file.

    Parameters
    ----------
    season
        The ``[season]`` keys of a config file (``start``, ``end``, ``home``, ``stay_days``,
        ``max_tow_minutes`` (0 = no limit), ``min_rural_share``, ``municipality_gap_days``,
        ``time_limit`` …); ``blackout_dates`` may also be free text (one date or
        ``first..last`` range per line or comma).
    sites
        The sites table; ``home`` is resolved against it (:func:`resolve_home`).
    quotas
        Stops per district (districts with 0 get no quota).
    objective
        ``score``/``coverage``/``tow`` weights (default :data:`DEFAULT_OBJECTIVE`).
    bookings
        Fixed bookings and locked stops (replacing bookings of the same sites).

    Returns
    -------
    SeasonConfig

    Raises
    ------
    ConfigError
        Naming the setting (as a config-file key) and its value.
    """
    from planner.calendar import split_blackout_text

    values = {k: v for k, v in season.items() if v is not None}
    text = values.get("blackout_dates")
    if isinstance(text, str):
        values["blackout_dates"] = split_blackout_text(text)
    raw: dict[str, Any] = {
        "season": values,
        "quotas": {k: int(v) for k, v in (quotas or {}).items() if int(v) > 0},
        "weights": dict(objective or {}),
    }
    parsed = parse_season_config(raw)
    cfg = parsed.config
    home = resolve_home(sites, parsed.home)
    mine = {b.site_id for b in bookings}
    kept = tuple(b for b in cfg.bookings if b.site_id not in mine)
    return dataclasses.replace(
        cfg,
        home_site_id=home,
        bookings=kept + tuple(bookings),
        exclude=tuple(s for s in cfg.exclude if s not in mine),
    )


# ---------------------------------------------------------------------- running
def load_sites(season_file: SeasonFile) -> pd.DataFrame:
    """The candidate sites of a season file: ``[data].sites`` or the region pack's.

    ``[data].sites`` is a CSV with ``x``/``y`` in EPSG:25832, or a GeoJSON / GeoPackage file
    (any CRS); relative paths are relative to the config file.
    """
    data = season_file.data
    if "sites" not in data:
        from planner.pack import load_pack

        return load_pack().sites.copy()
    sp = Path(str(data["sites"]))
    if not sp.is_absolute() and season_file.path is not None:
        sp = season_file.path.parent / sp
    if sp.suffix.lower() == ".csv":
        return pd.read_csv(
            sp, dtype={"site_id": str, "district_ags": str, "ags": str}, keep_default_na=False
        )
    import geopandas as gpd

    return gpd.read_file(sp).to_crs("EPSG:25832")


def run_season_plan(
    season_file: SeasonFile, *, out_dir: Path, lang: str = DEFAULT_LANGUAGE
) -> SeasonPlan:
    """Plan the season of a config file on its data and write all exports to ``out_dir``.

    The inputs come from :func:`planner.season_inputs.season_inputs`, exactly as in the app:
    site scores from :mod:`planner.scoring` (the ``[criteria]`` weights, defaults for the rest;
    a sites file with a score column keeps its scores), coverage sets within
    ``[data].coverage_minutes`` (default 15) and the towing matrix.

    Parameters
    ----------
    season_file
        The parsed config.
    out_dir
        Folder for the exports (written only when the plan is feasible).
    lang
        Language of the exported texts.

    Returns
    -------
    SeasonPlan
    """
    from planner.export import export_all
    from planner.pack import load_pack
    from planner.season_inputs import season_inputs

    cfg = season_file.config
    pack = load_pack()
    sites = load_sites(season_file)
    inputs = season_inputs(
        pack,
        sites,
        threshold_min=float(season_file.data.get("coverage_minutes", 15)),
        weights=season_file.criteria,
        season=(cfg.start, cfg.end),
        score_column=cfg.score_column,
    )
    cfg = dataclasses.replace(cfg, home_site_id=resolve_home(inputs.sites, season_file.home))
    plan = inputs.plan(cfg)
    out_dir.mkdir(parents=True, exist_ok=True)
    if plan.feasible:
        export_all(plan, out_dir, lang=lang)
    return plan


def _cmd_season_plan(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    lang = str(args.lang)
    try:
        sf = load_season_config(args.config)
        plan = run_season_plan(sf, out_dir=Path(args.out), lang=lang)
    except ConfigError as exc:
        print(f"error: {exc.message(lang)}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(plan.explain(lang))
    if plan.feasible:
        cols = [
            "stop",
            "name",
            "municipality",
            "district",
            "start",
            "end",
            "tow_minutes",
            "score",
            "population_new",
        ]
        print(plan.schedule[cols].round(1).to_string(index=False))
        summary = {
            k: (v if isinstance(v, int | float | str | dict) or v is None else str(v))
            for k, v in plan.totals.items()
        }
        summary["seconds_total"] = round(time.perf_counter() - t0, 1)
        print(json.dumps(summary, default=str, ensure_ascii=False))
        print(f"exports: {args.out}")
        return 0
    return 1


def register_season_cli(subparsers: Any) -> None:
    """Add ``season plan --config FILE --out DIR [--lang de|en]`` to an argparse group.

    Parameters
    ----------
    subparsers
        The object returned by ``ArgumentParser.add_subparsers``.
    """
    season = subparsers.add_parser("season", help="plan the tour's season")
    cmds = season.add_subparsers(dest="command", required=True)
    plan = cmds.add_parser("plan", help="plan a season from a TOML config and write exports")
    plan.add_argument("--config", required=True, help="season config (.toml)")
    plan.add_argument(
        "--out", required=True, help="folder for CSV, Excel, iCalendar, GeoJSON, GeoPackage"
    )
    plan.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=DEFAULT_LANGUAGE,
        help="language of messages and exported texts (default: de)",
    )
    plan.set_defaults(func=_cmd_season_plan)
