"""Session state of the app: what the planner has entered, kept across pages and reruns.

Everything a person enters lives under the keys listed in :data:`PERSISTENT` (widget values are
copied into the session at the top of every run, so switching pages does not drop them), and a
scenario is exactly this state serialised to JSON (:func:`scenario_payload`,
:func:`apply_scenario`).

The session works on one region pack (:func:`pack_path`); its districts give the quota fields
(``quota_<district key>``, :func:`quota_fields`) and its home base the default home
(:func:`default_home`). Switching the pack (:func:`switch_pack`) drops what belongs to the old
pack's sites.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd

from planner.data.pack import RegionInfo
from planner.i18n import DEFAULT_LANGUAGE, format_date, t
from planner.scenarios import frame_from_json, frame_to_json
from planner.season.config import ConfigError, resolve_home
from planner.season.settings import SeasonConfig
from planner.selection import SelectionRules
from planner.selection.region import SelectionRequest
from planner.settings import pack_path as embedded_pack_path
from planner.settings import packs_dir
from planner.sites import RowError, combine_sites

#: ``st.session_state`` (a mapping keyed by ``str | int``) or, in tests, a plain dict.
State: TypeAlias = MutableMapping[Any, Any]

_SEASON = SeasonConfig.defaults()  # the model holds each setting's default once
_REQUEST = SelectionRequest.defaults()

#: The summer season the tour runs in: July to October.
SEASON_MONTHS = (7, 10)
#: Undo keeps this many earlier plans.
HISTORY_LENGTH = 20
#: Time zone of the scenario store's times as shown (the store keeps UTC).
LOCAL_TIME = ZoneInfo("Europe/Berlin")


def season_dates(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """First and last day of the upcoming summer season: July to October of this year, or of
    next year once this year's season is over (after October)."""
    today = today or dt.date.today()
    year = today.year + (1 if today.month > SEASON_MONTHS[1] else 0)
    last = dt.date(year, SEASON_MONTHS[1] + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, SEASON_MONTHS[0], 1), last


_START, _END = season_dates()

#: Default season form: the dates of the upcoming season, the model's defaults where it has them
#: (stay, relocation days, operating weekdays, towing limit, time limit), and the 2023 season's
#: rules as presets where the model is neutral (half rural, four weeks before a municipality is
#: visited again). The stops per district come from the pack (:func:`quota_fields`).
DEFAULT_SEASON: dict[str, Any] = {
    "start": _START,
    "end": _END,
    "stay_days": _SEASON["stay_days"],
    "relocation_days": _SEASON["relocation_days"],
    "operating_weekdays": list(_SEASON["operating_weekdays"]),
    "min_rural_share": 0.5,
    "max_tow_min": int(_SEASON["max_tow_minutes"]),  # int: the number field keeps whole minutes
    "home_site": "",
    "blackouts": "",
    "time_limit_s": int(_SEASON["time_limit"]),  # int: the slider keeps whole seconds
    "min_revisit_days": 28,
    "must_include": [],
    "exclude": [],
}

#: Season form fields → config-file keys of ``[season]`` (the same parser checks both).
SEASON_KEYS: dict[str, str] = {
    "start": "start",
    "end": "end",
    "home_site": "home",
    "stay_days": "stay_days",
    "relocation_days": "relocation_days",
    "operating_weekdays": "operating_weekdays",
    "max_tow_min": "max_tow_minutes",
    "min_rural_share": "min_rural_share",
    "min_revisit_days": "municipality_gap_days",
    "time_limit_s": "time_limit",
    "blackouts": "blackout_dates",
    "must_include": "must_include",
    "exclude": "exclude",
}
#: Prefix of the quota fields' keys (``quota_<district key>``, under ``season_`` and ``select_``).
QUOTA_PREFIX = "quota_"
#: Quota fields of the KielRegion scenarios saved before region packs → the district keys meant.
LEGACY_QUOTA_KEYS: dict[str, str] = {
    "quota_kiel": "quota_01002",
    "quota_ploen": "quota_01057",
    "quota_rdeck": "quota_01058",
}

#: Default settings of the site selection (page "Standorte auswählen"); the quotas per district
#: (the pack's default quota) apply while ``use_quotas`` is on.
DEFAULT_SELECT: dict[str, Any] = {
    "model": _REQUEST["model"],
    "p": _REQUEST["p"],
    "threshold": int(_REQUEST["threshold_min"]),  # int: the number field keeps whole minutes
    "emphasis": _REQUEST["emphasis"],
    "factor": _REQUEST["emphasis_factor"],
    "use_quotas": True,
    "min_urban": _REQUEST["rules"].min_urban,
    "min_rural": _REQUEST["rules"].min_rural,
    "spacing_km": 0.0,
    "must": [],
    "must_not": [],
    "time_limit_s": int(_REQUEST["time_limit"]),
}

#: Keys of everything the person entered (kept across pages; saved in scenarios).
PERSISTENT: tuple[str, ...] = (
    "lang",
    "threshold_min",
    "f_district",
    "f_group",
    "f_area",
    "f_kind",
    "rank_group",
    "ranking_show_all",
    "compare_ids",
    "scenario_name",
    "pack_path",
    *(f"season_{k}" for k in DEFAULT_SEASON),
    *(f"select_{k}" for k in DEFAULT_SELECT),
)

#: Prefix of the weight sliders' keys.
WEIGHT_PREFIX = "w_"


def lang(state: State) -> str:
    """The language of the session."""
    return str(state.get("lang", DEFAULT_LANGUAGE))


def tr(state: State, key: str, /, **params: object) -> str:
    """Translate ``key`` into the session's language."""
    return t(key, lang(state), **params)


def _quota_key(key: object) -> bool:
    """Whether ``key`` is a quota field of the season or selection form."""
    return str(key).startswith((f"season_{QUOTA_PREFIX}", f"select_{QUOTA_PREFIX}"))


def keep_widget_values(state: State) -> None:
    """Detach widget values from their widgets so they survive a page switch."""
    for key in list(state.keys()):
        if key in PERSISTENT or str(key).startswith(WEIGHT_PREFIX) or _quota_key(key):
            state[key] = state[key]


def pack_path(state: State) -> str:
    """The region pack the session works on (default: the embedded KielRegion pack)."""
    return str(state.get("pack_path") or embedded_pack_path())


def quota_fields(info: RegionInfo) -> dict[str, tuple[str, int]]:
    """The quota fields of a pack: form key ``quota_<district key>`` → (district name, default
    stops), in the pack's district order."""
    return {
        f"{QUOTA_PREFIX}{key}": (name, int(info.default_quota.get(key, 0)))
        for key, name in info.districts
    }


def init_pack(state: State, info: RegionInfo) -> None:
    """Defaults of the pack's quota fields (the pack's default quota per district)."""
    for form_key, (_, default) in quota_fields(info).items():
        for prefix in ("season_", "select_"):
            state.setdefault(prefix + form_key, default)


def default_home(sites: pd.DataFrame, info: RegionInfo) -> str:
    """The home base when none is chosen: the centre site of the pack's home-base municipality
    (its most populous one), else the first site."""
    hit = sites[sites["ags"].astype(str) == info.home_base_ags] if "ags" in sites else sites[:0]
    name = str(hit["municipality"].iloc[0]) if len(hit) else info.home_base_name
    try:
        return resolve_home(sites, name)
    except ConfigError:  # a pack whose home municipality has no site
        return str(sites["site_id"].iloc[0]) if len(sites) else ""


def init(state: State) -> None:
    """Defaults for a new session."""
    state.setdefault("lang", DEFAULT_LANGUAGE)
    state.setdefault("threshold_min", 15)
    for defaults, prefix in ((DEFAULT_SEASON, "season_"), (DEFAULT_SELECT, "select_")):
        for key, value in defaults.items():  # lists copied: each session edits its own
            state.setdefault(prefix + key, list(value) if isinstance(value, list) else value)
    state.setdefault("user_sites", None)  # GeoDataFrame of added sites
    state.setdefault("site_edits", {})  # site_id -> {fact: value}
    state.setdefault("upload_errors", [])
    state.setdefault("plan", None)  # planner.scenarios.plan_to_payload of the current plan
    state.setdefault("locked", [])
    state.setdefault("season_history", [])  # earlier plans (payloads), newest last: undo
    state.setdefault("season_edit_round", 0)  # new editor (edits dropped) after each plan change
    state.setdefault("scenario_revision", None)
    state.setdefault("compare_ids", [])


def current_sites(base: gpd.GeoDataFrame, state: State) -> tuple[gpd.GeoDataFrame, list[RowError]]:
    """The candidate sites with the planner's added sites and fact edits (and rejected edits)."""
    return combine_sites(
        base,
        added=state.get("user_sites"),
        edits=state.get("site_edits") or {},
        lang=lang(state),
    )


def season_form(state: State, info: RegionInfo) -> tuple[dict[str, Any], dict[str, int]]:
    """The season form's values as config-file keys (``[season]`` and ``[quotas]``, by district
    name of the pack ``info``)."""
    season = {
        config_key: state.get(f"season_{form_key}", DEFAULT_SEASON[form_key])
        for form_key, config_key in SEASON_KEYS.items()
    }
    season["home"] = season.get("home") or info.home_base_name
    quotas = {
        district: int(state.get(f"season_{form_key}", default) or 0)
        for form_key, (district, default) in quota_fields(info).items()
    }
    return season, quotas


def selection_request(state: State, info: RegionInfo) -> SelectionRequest:
    """The site-selection form's values as a request (quotas by district name of the pack
    ``info``).

    Raises
    ------
    ValueError
        For a value out of range (named with the field and value).
    """
    value = {k: state.get(f"select_{k}", v) for k, v in DEFAULT_SELECT.items()}
    quotas = {
        district: int(state.get(f"select_{form_key}", default) or 0)
        for form_key, (district, default) in quota_fields(info).items()
        if value["use_quotas"]
    }
    rules = SelectionRules(
        district_quotas=quotas,
        min_urban=int(value["min_urban"] or 0),
        min_rural=int(value["min_rural"] or 0),
        must=tuple(value["must"] or ()),
        must_not=tuple(value["must_not"] or ()),
        min_spacing_m=1000.0 * float(value["spacing_km"]) if value["spacing_km"] else None,
    )
    return SelectionRequest(
        model=value["model"],
        p=int(value["p"]),
        threshold_min=float(value["threshold"]),
        emphasis=value["emphasis"],
        emphasis_factor=float(value["factor"]),
        rules=rules,
        time_limit=float(value["time_limit_s"]),
    )


def weights(state: State) -> dict[str, float]:
    """The weights the sliders hold (criterion → weight)."""
    return {
        str(k)[len(WEIGHT_PREFIX) :]: float(v)
        for k, v in state.items()
        if str(k).startswith(WEIGHT_PREFIX)
    }


def _quota_values(state: State, prefix: str) -> dict[str, Any]:
    """The quota fields in the session under ``prefix`` (``season_``/``select_``), unprefixed."""
    head = prefix + QUOTA_PREFIX
    return {str(k)[len(prefix) :]: v for k, v in state.items() if str(k).startswith(head)}


def pack_reference(state: State, *, region: str = "") -> dict[str, Any]:
    """How a scenario names its pack: the file, its path, its region and whether it is the
    embedded one (a scenario opened elsewhere finds the pack by file name in the packs folder)."""
    path = Path(pack_path(state))
    return {
        "file": path.name,
        "path": str(path),
        "region": region,
        "embedded": path == Path(embedded_pack_path()),
    }


class PackMissingError(ValueError):
    """A scenario belongs to a region pack that is not present here."""

    def __init__(self, file: str, region: str, folder: Path) -> None:
        super().__init__(f"region pack {file} ({region}) not found in {folder}")
        self.file = file
        self.region = region
        self.folder = folder


def scenario_pack(data: Mapping[str, Any]) -> str:
    """The pack path a scenario payload belongs to (scenarios saved before region packs: the
    embedded KielRegion pack).

    Raises
    ------
    PackMissingError
        When that pack is neither at its saved path nor in the packs folder.
    """
    ref = data.get("pack")
    if not isinstance(ref, Mapping) or ref.get("embedded", True) is True:
        return str(embedded_pack_path())
    file = str(ref.get("file") or "")
    candidates = [Path(str(ref["path"]))] if ref.get("path") else []
    if file:
        candidates.append(packs_dir() / file)
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    raise PackMissingError(file, str(ref.get("region") or ""), packs_dir())


def switch_pack(state: State, path: str) -> bool:
    """Make ``path`` the session's pack; ``False`` when it already is.

    What belongs to the old pack's sites goes: added sites and fact edits, the plan and its undo
    history, the selection, compared, required and excluded sites, the district filter, the quota
    fields and the home base (the new pack's defaults fill them on the next run).
    """
    if str(path) == pack_path(state):
        return False
    state["pack_path"] = str(path)
    state["user_sites"] = None
    state["site_edits"] = {}
    state["upload_errors"] = []
    for key in [k for k in state if _quota_key(k)]:
        del state[key]
    for key in (
        "compare_ids",
        "f_district",
        "f_group",
        "locked",
        "season_history",
        "season_problems",
        "select_problems",
        "season_must_include",
        "season_exclude",
        "select_must",
        "select_must_not",
    ):
        state[key] = []
    for key in ("plan", "selection", "season_failed", "season_error", "select_error"):
        state[key] = None
    state["season_home_site"] = ""
    state["season_edit_round"] = int(state.get("season_edit_round", 0)) + 1
    return True


def _unlegacy(values: Mapping[str, Any]) -> dict[str, Any]:
    """Form values with the KielRegion quota fields of old scenarios renamed to district keys."""
    return {LEGACY_QUOTA_KEYS.get(str(k), str(k)): v for k, v in values.items()}


def scenario_payload(state: State, *, region: str = "") -> dict[str, Any]:
    """Everything entered, as a JSON-compatible scenario payload (``region``: the pack's region
    name, recorded with the pack's file so a missing pack can be named)."""
    added = state.get("user_sites")
    return {
        "pack": pack_reference(state, region=region),
        "user_sites": frame_to_json(added) if added is not None and len(added) else None,
        "site_edits": state.get("site_edits") or {},
        "weights": weights(state),
        "threshold_min": state.get("threshold_min", 15),
        "season": {
            **{k: state.get(f"season_{k}", v) for k, v in DEFAULT_SEASON.items()},
            **_quota_values(state, "season_"),
        },
        "select": {
            **{k: state.get(f"select_{k}", v) for k, v in DEFAULT_SELECT.items()},
            **_quota_values(state, "select_"),
        },
        "plan": state.get("plan"),
        "locked": list(state.get("locked") or []),
        "compare_ids": list(state.get("compare_ids") or []),
    }


def apply_scenario(state: State, data: dict[str, Any]) -> None:
    """Restore a scenario payload into the session (call from a callback, before widgets run);
    a scenario of another region pack switches to that pack.

    Raises
    ------
    PackMissingError
        The scenario's pack is not present (nothing is changed).
    """
    if switch_pack(state, scenario_pack(data)):
        state["pack_switched_by_scenario"] = True  # the sidebar says so
    added = data.get("user_sites")
    state["user_sites"] = frame_from_json(added) if added else None
    state["site_edits"] = dict(data.get("site_edits") or {})
    for key in [k for k in state if str(k).startswith(WEIGHT_PREFIX)]:
        del state[key]
    for name, value in (data.get("weights") or {}).items():
        state[f"{WEIGHT_PREFIX}{name}"] = float(value)
    state["threshold_min"] = data.get("threshold_min", 15)
    season = {**DEFAULT_SEASON, **_unlegacy(data.get("season") or {})}
    for key, value in season.items():
        if key in ("start", "end") and isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        state[f"season_{key}"] = list(value) if isinstance(value, list) else value
    for key, value in {**DEFAULT_SELECT, **_unlegacy(data.get("select") or {})}.items():
        state[f"select_{key}"] = list(value) if isinstance(value, list) else value
    state["selection"] = None  # the result belongs to the settings just replaced
    state["select_problems"] = []
    state["select_error"] = None
    state["plan"] = data.get("plan")
    state["season_problems"] = []
    state["season_failed"] = None  # a failed run belongs to the plan just replaced
    state["season_error"] = None
    state["locked"] = list(data.get("locked") or [])
    state["season_history"] = []  # undo goes back within one scenario's work
    state["season_edit_round"] = int(state.get("season_edit_round", 0)) + 1
    state["compare_ids"] = list(data.get("compare_ids") or [])
    state["upload_errors"] = []


def set_plan(state: State, payload: dict[str, Any] | None) -> None:
    """Make ``payload`` the current plan; the plan it replaces goes on the undo history."""
    current = state.get("plan")
    if current is not None and current is not payload:
        history = list(state.get("season_history") or [])
        history.append(current)
        state["season_history"] = history[-HISTORY_LENGTH:]
    state["plan"] = payload
    state["season_edit_round"] = int(state.get("season_edit_round", 0)) + 1


def undo_plan(state: State) -> bool:
    """Go back to the plan before the current one; ``False`` when there is none."""
    history = list(state.get("season_history") or [])
    if not history:
        return False
    state["plan"] = history.pop()
    state["season_history"] = history
    state["season_edit_round"] = int(state.get("season_edit_round", 0)) + 1
    return True


def saved_time(stamp: str, lang: str) -> str:
    """A store time (ISO, UTC) as local date and time in ``lang`` ("03.07.2025, 14:02")."""
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    local = when.astimezone(LOCAL_TIME)
    return t("ui.scenario.when", lang, date=format_date(local.date(), lang), time=f"{local:%H:%M}")
