"""Season configuration files (TOML) and the app's season form: the parser.

Example (see ``examples/season_2023.toml``)::

    [season]
    start = 2023-07-03
    end = 2023-10-27
    home = "Kiel"                 # a site_id, or a municipality (its centre site); default:
                                  # the centre of the pack's home base (its largest municipality)
    stay_days = 5
    relocation_days = 1
    max_tow_minutes = 90
    municipality_gap_days = 14
    min_same_municipality_km = 3  # two stops in one municipality at least 3 km apart
    min_new_local_share = 0.5     # half of the people within 2 km of a stop are new
    spare_time = "longer_stays"   # or "more_stops", "idle"
    longest_stay_days = 10        # open days a stay may grow to with spare time
    min_rural_share = 0.4
    must_include = ["Steinbergkirche"]  # site_ids or municipalities, like home
    blackout_dates = [{ date = 2023-09-08, reason = "maintenance" }, "2023-10-09..2023-10-13"]

    [quotas]                      # default: the pack's default quota per district
    "Kiel" = 4
    "Plön" = 4
    "Rendsburg-Eckernförde" = 4

    [weights]                     # the season's objective
    score = 1.0                   # per point of site score (0..100 per stop)
    coverage = 0.001              # per person newly reached within 15 min by car
    local = 0.002                 # per person newly reached within 2 km (on foot, by bike)
    tow = 0.05                    # per minute towed

    [criteria]                    # optional: weights of the site score's criteria
    pop_car = 3.0                 # (planner.scoring.CRITERIA; defaults for the rest)

    [[bookings]]
    site = "..."
    start = 2023-08-14
    end = 2023-08-21

    [[events]]                    # a stay that includes the event counts more
    site = "..."
    start = 2023-08-19
    end = 2023-08-20
    weight = 20                   # points, like a site score (0..100)
    name = "Dorffest"

    [data]
    pack = "packs/schleswig-flensburg.gpkg"  # optional: the region pack (default: TINY_RATHAUS_PACK
                                  # or the embedded KielRegion pack); relative to this file
    sites = "my_sites.csv"        # optional: default the region pack's candidate sites
    coverage_minutes = 15         # cells within this time count as covered

Site scores come from :mod:`planner.scoring` (see :mod:`planner.season.inputs`) unless the sites
file has a score column. Running a file (the pack, the defaults from it, the exports) is
:mod:`planner.season.run`. ``max_tow_minutes = 0`` means no towing limit. Every error is a
:class:`ConfigError` naming the key and the value, in German or English; the app's season form
goes through the same parser (:func:`season_config_from_values`), so both say the same.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from planner.data.regions import LANDS, land_of
from planner.i18n import Message
from planner.notation import MAX_YEAR, MIN_YEAR, NotationError
from planner.notation import parse_date as read_date
from planner.scoring import CRITERIA
from planner.season.calendar import (
    WEEKDAY_NAMES,
    BlackoutError,
    parse_blackout_entry,
    parse_date,
    split_blackout_text,
)
from planner.season.prepare import REQUIRED_SITE_COLUMNS
from planner.season.settings import (
    DEFAULT_OBJECTIVE,
    SPARE_TIME,
    Booking,
    ConfigError,
    Event,
    SeasonConfig,
)
from planner.usertext import clean_text

if TYPE_CHECKING:  # moved to planner.season.run; still importable from here (see __getattr__)
    from planner.season.run import check_out_dir, load_sites, run_season_plan

__all__ = [
    "DEFAULT_OBJECTIVE",
    "ConfigError",
    "SeasonFile",
    "centre_site",
    "check_out_dir",
    "load_season_config",
    "load_sites",
    "parse_season_config",
    "resolve_home",
    "resolve_site",
    "resolve_site_names",
    "run_season_plan",
    "season_config_from_values",
    "site_lands",
]

#: Names that moved to :mod:`planner.season.run` with the running of a season file.
_MOVED = ("check_out_dir", "load_sites", "run_season_plan")


def __getattr__(name: str) -> Any:
    """``from planner.season.config import run_season_plan`` keeps working (imported lazily:
    :mod:`planner.season.run` imports this parser, not the other way round)."""
    if name in _MOVED:
        from planner.season import run

        return getattr(run, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class SeasonFile:
    """A parsed season file: the :class:`SeasonConfig` plus data options.

    Attributes
    ----------
    config
        Rules and weights (``home_site_id``, ``must_include`` and ``exclude`` may still be
        municipality names, resolved by :func:`resolve_site_names` against the sites table).
    home
        The ``home`` value as written (``""``: none, the pack's home base).
    data
        The ``[data]`` table (``pack``, ``sites``, ``coverage_minutes``, ``score_column``).
    path
        The file read (for relative paths in ``data``).
    criteria
        The ``[criteria]`` table: weights of the site score's criteria.
    quotas_given
        Whether the file has a ``[quotas]`` table (without one, the pack's default quotas).
    """

    config: SeasonConfig
    home: str
    data: dict[str, Any]
    path: Path | None = None
    criteria: dict[str, float] = field(default_factory=dict)
    quotas_given: bool = True


#: Every key of a season file's ``[season]`` table (others are named as unknown).
SEASON_FILE_KEYS = {
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
    "min_same_municipality_km",
    "min_new_local_share",
    "spare_time",
    "longest_stay_days",
}
_TOP_KEYS = {"season", "quotas", "weights", "criteria", "bookings", "events", "data"}


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
        or not math.isfinite(v)  # nan passes every comparison, inf overflows the model
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
    return _date(tbl[key], f"{prefix}{key}")


def _date(value: object, key: str) -> dt.date:
    """A date as ISO or German text (or a TOML date), years within the planning range."""
    try:
        return parse_date(value, field_name=key)
    except ValueError:
        pass
    if isinstance(value, dt.date | str) and _is_date_any_year(value):
        raise _err(key, value, "year_range", low=MIN_YEAR, high=MAX_YEAR)
    raise _err(key, value, "not_a_date")


def _is_date_any_year(value: dt.date | str) -> bool:
    try:
        read_date(value, min_year=dt.MINYEAR, max_year=dt.MAXYEAR)
    except NotationError:
        return False
    return True


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
            unknown = set(item) - {"date", "until", "reason"}
            if unknown:
                k = sorted(map(str, unknown))[0]
                raise _err(f"{key}.{k}", item[k], "unknown_key", allowed="date, until, reason")
            day, reason, until = item.get("date"), item.get("reason", ""), item.get("until")
            if not isinstance(reason, str):
                raise _err(f"{key}.reason", reason, "not_text")
            d0 = _date(day, key)
            d1 = _date(until, f"{key}.until") if until is not None else d0
            if d1 < d0:
                raise _err(f"{key}.until", until, "range_reversed")
        elif isinstance(item, dt.date | str):
            reason = ""
            try:
                d0, d1 = parse_blackout_entry(item)
            except BlackoutError as exc:
                if exc.problem.key == "calendar.bad_range":
                    raise _err(key, item, "range_reversed") from None
                parts = item.split("..", 1) if isinstance(item, str) else [item]
                if all(_is_date_any_year(x.strip() if isinstance(x, str) else x) for x in parts):
                    raise _err(key, item, "year_range", low=MIN_YEAR, high=MAX_YEAR) from None
                raise _err(key, item, "blackout_entry") from None
        else:
            raise _err(key, item, "blackout_entry")
        while d0 <= d1:
            blackouts[d0] = reason
            d0 += dt.timedelta(days=1)
    return blackouts


#: Keys of ``[data]`` and the bounds of the coverage threshold (car minutes).
_DATA_KEYS = ("pack", "sites", "coverage_minutes", "score_column")
MAX_COVERAGE_MINUTES = 240.0


def _data_table(data: object) -> dict[str, Any]:
    """The ``[data]`` table, each key checked (a path, a threshold, a column name)."""
    if not isinstance(data, dict):
        raise _err("data", data, "table")
    for k in data:
        if k not in _DATA_KEYS:
            raise _err(f"data.{k}", data[k], "unknown_key", allowed=", ".join(_DATA_KEYS))
    for key in ("pack", "sites"):
        if key in data and (not isinstance(data[key], str) or not data[key].strip()):
            raise _err(f"data.{key}", data[key], "not_text")
    if "coverage_minutes" in data:
        v = data["coverage_minutes"]
        ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        if not ok or not 0 < v <= MAX_COVERAGE_MINUTES:
            raise _err(
                "data.coverage_minutes", v, "number_above_max", low=0, high=MAX_COVERAGE_MINUTES
            )
    if "score_column" in data:
        v = data["score_column"]
        if not isinstance(v, str) or not v.strip():
            raise _err("data.score_column", v, "not_text")
        if v in (*REQUIRED_SITE_COLUMNS, "x", "y", "geometry"):
            # the scores would overwrite the names (or ids, or positions) of the sites
            raise _err("data.score_column", v, "score_reserved")
    return dict(data)


def parse_season_config(raw: Mapping[str, Any], *, path: Path | None = None) -> SeasonFile:
    """Turn a parsed TOML document (or the app's form values in the same shape) into a
    :class:`SeasonFile`.

    Defaults and limits are :class:`SeasonConfig`'s (:meth:`SeasonConfig.defaults`,
    :meth:`SeasonConfig.bounds`); the weights default to :data:`DEFAULT_OBJECTIVE`.

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
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        k = sorted(unknown)[0]
        raise _err(k, raw[k], "unknown_table", allowed=", ".join(sorted(_TOP_KEYS)))
    season = raw.get("season")
    if not isinstance(season, dict):
        raise ConfigError("[season]", Message("config.missing"))
    unknown = set(season) - SEASON_FILE_KEYS
    if unknown:
        k = sorted(unknown)[0]
        raise _err(
            f"season.{k}", season[k], "unknown_key", allowed=", ".join(sorted(SEASON_FILE_KEYS))
        )
    start = _get_date(season, "start", prefix="season.")
    end = _get_date(season, "end", prefix="season.")
    if end < start:
        raise _err("season.end", end.isoformat(), "before_start", start=start.isoformat())
    home = season.get("home_site_id", season.get("home", ""))
    # no home: the pack's home base, chosen when the file is run (planner.season.run)
    if not isinstance(home, str) or (not home and ("home" in season or "home_site_id" in season)):
        raise _err("season.home", home, "home")
    blackouts = _blackouts(season.get("blackout_dates", []))
    quotas = _quotas(raw.get("quotas", {}))
    objective = _objective(raw.get("weights", {}))
    criteria = _criteria(raw.get("criteria", {}))
    bookings = _bookings(raw.get("bookings", []))
    events = _events(raw.get("events", []))
    data = _data_table(raw.get("data", {}))
    settings = _season_settings(season)
    cfg = SeasonConfig(
        start=start,
        end=end,
        home_site_id=home,
        blackout_dates=blackouts,
        district_quotas=quotas,
        bookings=bookings,
        weight_score=objective["score"],
        weight_coverage=objective["coverage"],
        weight_local=objective["local"],
        weight_tow=objective["tow"],
        events=events,
        score_column=str(data.get("score_column", _DEFAULTS["score_column"])),
        **settings,
    )
    return SeasonFile(cfg, home, dict(data), path, criteria, quotas_given="quotas" in raw)


#: Every setting's default, from the model (the one place they are written).
_DEFAULTS = SeasonConfig.defaults()
#: A file's time limit must be at least a millisecond (0.001 is still a valid setting).
_MIN_TIME_LIMIT = 1e-3


def _season_settings(season: Mapping[str, Any]) -> dict[str, Any]:
    """The ``[season]`` numbers and lists, defaults from :class:`SeasonConfig`."""
    p = "season."

    def whole(key: str) -> int | None:
        return _get_int(season, key, _DEFAULTS[key], prefix=p, lo=SeasonConfig.bounds(key).low)

    public_holidays = season.get("public_holidays", _DEFAULTS["public_holidays"])
    if not isinstance(public_holidays, bool):  # "no" is a true string, not false
        raise _err("season.public_holidays", public_holidays, "not_a_bool")
    # 0 or no value: no towing limit
    max_tow = _get_float(season, "max_tow_minutes", _DEFAULTS["max_tow_minutes"], prefix=p)
    share = SeasonConfig.bounds("min_rural_share")
    spacing = SeasonConfig.bounds("min_same_municipality_km")
    spare = season.get("spare_time", _DEFAULTS["spare_time"])
    if spare not in SPARE_TIME:
        raise _err("season.spare_time", spare, "spare_time")
    return {
        "operating_weekdays": _weekdays(season["operating_weekdays"])
        if "operating_weekdays" in season
        else _DEFAULTS["operating_weekdays"],
        "public_holidays": public_holidays,
        "stay_days": whole("stay_days"),
        "relocation_days": whole("relocation_days"),
        "max_tow_minutes": max_tow or None,
        "stops_total": whole("stops_total"),
        "min_rural_share": _get_float(
            season, "min_rural_share", _DEFAULTS["min_rural_share"], prefix=p, hi=share.high
        ),
        "municipality_gap_days": whole("municipality_gap_days"),
        "min_same_municipality_km": _get_float(
            season,
            "min_same_municipality_km",
            _DEFAULTS["min_same_municipality_km"],
            prefix=p,
            hi=spacing.high,
        ),
        "min_new_local_share": _get_float(
            season, "min_new_local_share", _DEFAULTS["min_new_local_share"], prefix=p, hi=1.0
        ),
        "spare_time": spare,
        "longest_stay_days": whole("longest_stay_days"),
        "units": whole("units"),
        "must_include": _str_list(season, "must_include"),
        "exclude": _str_list(season, "exclude"),
        "time_limit": _get_float(
            season, "time_limit", _DEFAULTS["time_limit"], prefix=p, lo=_MIN_TIME_LIMIT
        ),
    }


def _quotas(quotas_raw: object) -> dict[str, int]:
    """The ``[quotas]`` table: district → whole number of stops."""
    if not isinstance(quotas_raw, dict):
        raise _err("quotas", quotas_raw, "quota_table")
    quotas: dict[str, int] = {}
    for k, v in quotas_raw.items():
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise _err(f"quotas.{k}", v, "whole_number", low=0)
        quotas[str(k)] = v
    return quotas


def _objective(weights: object) -> dict[str, float]:
    """The ``[weights]`` table, :data:`DEFAULT_OBJECTIVE` for the weights not given."""
    if not isinstance(weights, dict):
        raise _err("weights", weights, "table")
    for k in weights:
        if k not in DEFAULT_OBJECTIVE:
            raise _err(
                f"weights.{k}", weights[k], "unknown_weight", allowed=", ".join(DEFAULT_OBJECTIVE)
            )
    high = SeasonConfig.bounds("weight_score").high
    return {
        k: _get_float(weights, k, default, prefix="weights.", hi=high) or 0.0
        for k, default in DEFAULT_OBJECTIVE.items()
    }


def _criteria(criteria_raw: object) -> dict[str, float]:
    """The ``[criteria]`` table: weights of the site score's criteria."""
    if not isinstance(criteria_raw, dict):
        raise _err("criteria", criteria_raw, "table")
    high = SeasonConfig.bounds("weight_score").high
    criteria: dict[str, float] = {}
    for k in criteria_raw:
        if k not in CRITERIA:
            raise _err(
                f"criteria.{k}", criteria_raw[k], "unknown_weight", allowed=", ".join(CRITERIA)
            )
        criteria[str(k)] = _get_float(criteria_raw, k, 0.0, prefix="criteria.", hi=high) or 0.0
    return criteria


def _bookings(raw_bookings: object) -> tuple[Booking, ...]:
    """The ``[[bookings]]`` list: site, start and optional end of each."""
    if not isinstance(raw_bookings, list):
        raise _err("bookings", raw_bookings, "list")
    bookings = []
    for n_b, b in enumerate(raw_bookings):
        key = f"bookings[{n_b}]"
        if not isinstance(b, dict) or not isinstance(b.get("site"), str):
            raise _err(f"{key}.site", b.get("site") if isinstance(b, dict) else b, "booking")
        unknown = set(b) - {"site", "start", "end"}
        if unknown:
            k = sorted(map(str, unknown))[0]
            raise _err(f"{key}.{k}", b[k], "unknown_key", allowed="site, start, end")
        bstart = _get_date(b, "start", prefix=f"{key}.")
        bend = _get_date(b, "end", prefix=f"{key}.") if "end" in b else None
        bookings.append(Booking(site_id=b["site"], start=bstart, end=bend))
    return tuple(bookings)


def _events(raw_events: object) -> tuple[Event, ...]:
    """The ``[[events]]`` list: site, start, optional end, weight and name of each."""
    if not isinstance(raw_events, list):
        raise _err("events", raw_events, "list")
    events = []
    high = SeasonConfig.bounds("weight_score").high
    allowed = ("site", "start", "end", "weight", "name")
    for n_e, e in enumerate(raw_events):
        key = f"events[{n_e}]"
        if not isinstance(e, dict) or not isinstance(e.get("site"), str):
            raise _err(f"{key}.site", e.get("site") if isinstance(e, dict) else e, "event")
        unknown = set(e) - set(allowed)
        if unknown:
            k = sorted(map(str, unknown))[0]
            raise _err(f"{key}.{k}", e[k], "unknown_key", allowed=", ".join(allowed))
        name = e.get("name", "")
        if not isinstance(name, str):
            raise _err(f"{key}.name", name, "not_text")
        start = _get_date(e, "start", prefix=f"{key}.")
        end = _get_date(e, "end", prefix=f"{key}.") if "end" in e else None
        if end is not None and end < start:
            raise _err(f"{key}.end", end.isoformat(), "range_reversed")
        weight = _get_float(e, "weight", 10.0, prefix=f"{key}.", hi=high) or 0.0
        events.append(
            Event(site_id=e["site"], start=start, end=end, weight=weight, name=clean_text(name))
        )
    return tuple(events)


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
    if p.is_dir():
        raise _err("file", str(p), "is_folder")
    try:
        with p.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise _err("file", str(p), "file_not_found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise _err("file", str(p), "bad_toml", error=str(exc)[:200]) from None
    except OSError as exc:
        raise _err("file", str(p), "sites_unreadable", error=exc.strerror or str(exc)) from None
    return parse_season_config(raw, path=p)


def resolve_site(sites: pd.DataFrame, value: str, *, key: str = "season.home") -> str:
    """The site_id a setting names: ``value`` itself, or a municipality's centre site.

    The one resolver of ``home``, ``must_include`` and ``exclude``.

    Parameters
    ----------
    sites
        The sites table (``site_id``, ``municipality``, optional ``kind``, ``ags``, ``district``).
    value
        A site_id or a municipality name (``"Kiel"`` matches ``"Kiel, Landeshauptstadt"``).
    key
        The setting, for the error (``"season.must_include"`` …).

    Returns
    -------
    str

    Raises
    ------
    ConfigError
        Naming ``key`` and ``value`` when it is neither, or when the name fits several
        municipalities (listed, with their district): give the site_id then.
    """
    ids = sites["site_id"].astype(str)
    if (ids == value).any():
        return value
    mun = sites["municipality"].astype(str)
    hit = sites[mun == value]
    if len(hit) == 0:  # official names carry suffixes: "Kiel, Landeshauptstadt"
        hit = sites[mun.str.split(",").str[0].str.strip() == value]
    if len(hit) == 0:
        raise _err(key, value, "home_unknown")
    # one name, several municipalities (Hohenfelde in Plön and in Steinburg): not a guess
    place = hit["ags"].astype(str) if "ags" in hit.columns else hit["municipality"].astype(str)
    if place.nunique() > 1:
        district = hit["district"].astype(str) if "district" in hit.columns else place
        options = sorted({f"{m} ({d})" for m, d in zip(hit["municipality"], district, strict=True)})
        raise _err(key, value, "site_ambiguous", options="; ".join(options))
    return centre_site(hit)


def centre_site(sites: pd.DataFrame) -> str:
    """The site_id standing for a municipality among its ``sites``: its centre site, else the
    site that absorbed the centre when close sites were merged (``merged_from`` names
    ``"<municipality> (Ortsmitte)"``, see :mod:`planner.sites.generate`), else the first."""
    if "kind" in sites.columns and (sites["kind"] == "centre").any():
        return str(sites.loc[sites["kind"] == "centre", "site_id"].iloc[0])
    if "merged_from" in sites.columns:
        centre = sites["municipality"].astype(str) + " (Ortsmitte)"
        absorbed = [
            c in str(m).split("; ") for c, m in zip(centre, sites["merged_from"], strict=True)
        ]
        if any(absorbed):
            return str(sites.loc[absorbed, "site_id"].iloc[0])
    return str(sites["site_id"].iloc[0])


def resolve_home(sites: pd.DataFrame, home: str) -> str:
    """The site_id of the home base: ``home`` itself, or a municipality's centre site
    (:func:`resolve_site`).

    Raises
    ------
    ConfigError
        ``season.home`` naming the value when it is neither.
    """
    return resolve_site(sites, home, key="season.home")


def resolve_site_names(config: SeasonConfig, sites: pd.DataFrame, *, home: str) -> SeasonConfig:
    """``config`` with ``home``, ``must_include`` and ``exclude`` as site_ids of ``sites``.

    Each may be written as a site_id or a municipality name (its centre site), all through
    :func:`resolve_site`; the Länder of the sites become the holiday Länder (:func:`site_lands`).

    Raises
    ------
    ConfigError
        Naming the setting and the value that is no site and no municipality, or ambiguous.
    """

    def each(key: str, values: Sequence[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(resolve_site(sites, v, key=key) for v in values))

    lands = site_lands(sites)
    return dataclasses.replace(
        config,
        home_site_id=resolve_home(sites, home),
        must_include=each("season.must_include", config.must_include),
        exclude=each("season.exclude", config.exclude),
        holiday_lands=lands or config.holiday_lands,
    )


def site_lands(sites: pd.DataFrame) -> tuple[str, ...]:
    """The Länder (2-digit keys) of the sites' municipalities (``ags[:2]``, else the district
    key's), sorted; empty when the table names none (a sites file without keys)."""
    for column in ("ags", "district_ags"):
        if column in sites.columns:
            keys = {land_of(str(k).strip()) for k in sites[column] if str(k).strip()}
            known = tuple(sorted(k for k in keys if k in LANDS))
            if known:
                return known
    return ()


def season_config_from_values(
    season: Mapping[str, Any],
    *,
    sites: pd.DataFrame,
    quotas: Mapping[str, float] | None = None,
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
        The sites table; ``home``, ``must_include`` and ``exclude`` are resolved against it
        (:func:`resolve_site_names`), and its Länder give the public holidays.
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
    values = {k: v for k, v in season.items() if v is not None}
    text = values.get("blackout_dates")
    if isinstance(text, str):
        values["blackout_dates"] = split_blackout_text(text)
    # a form's number widgets give floats: 4.0 is a quota of 4; the parser names the rest
    given = {
        str(k): int(v) if isinstance(v, float) and v.is_integer() else v
        for k, v in (quotas or {}).items()
    }
    raw: dict[str, Any] = {
        "season": values,
        "quotas": {k: v for k, v in given.items() if not (isinstance(v, int) and v == 0)},
        "weights": dict(objective or {}),
    }
    parsed = parse_season_config(raw)
    if not parsed.home:  # the form always names the home base
        raise _err("season.home", parsed.home, "home")
    cfg = resolve_site_names(parsed.config, sites, home=parsed.home)
    mine = {b.site_id for b in bookings}
    kept = tuple(b for b in cfg.bookings if b.site_id not in mine)
    return dataclasses.replace(
        cfg,
        bookings=kept + tuple(bookings),
        exclude=tuple(s for s in cfg.exclude if s not in mine),
    )
