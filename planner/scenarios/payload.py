"""Scenario content as JSON: the payload's schema version and migrations, rules, plans, sites.

The payload is JSON with a schema version (:data:`SCHEMA_VERSION`); an older payload is migrated
on reading (:data:`MIGRATIONS`), a newer one is refused. JSON has no NaN or infinity: NaN, ``+inf``
and ``-inf`` (Python or numpy floats, anywhere in the payload) are stored as ``null`` and come back
as ``None`` (in a float column of a stored table: as NaN). A site fact of "unknown"
(``space_m2 = NaN``) therefore round-trips as unknown; an infinite value is not kept as infinite
(no setting of the planner uses one).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.scenarios.errors import ScenarioDamagedError, ScenarioVersionError
from planner.scenarios.frames import frame_from_json, frame_to_json, jsonable, plain
from planner.season import RuleDiagnosis, SeasonConfig, SeasonPlan
from planner.season.plan import IdleGap
from planner.sites import RowError, combine_sites

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "config_from_dict",
    "config_to_dict",
    "dumps_payload",
    "migrate",
    "plan_from_payload",
    "plan_to_payload",
    "scenario_sites",
]

#: Version of the payload layout; bump it and add a migration when the layout changes.
SCHEMA_VERSION = 1

#: Migrations from an older schema version to the next one (payload dict → payload dict).
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def migrate(version: int, data: dict[str, Any]) -> dict[str, Any]:
    """A payload of schema ``version`` brought to :data:`SCHEMA_VERSION`.

    Raises
    ------
    ScenarioVersionError
        The payload was written by a newer planner.
    """
    if version > SCHEMA_VERSION:
        raise ScenarioVersionError(
            f"scenario was saved with schema version {version}; this planner reads up to "
            f"{SCHEMA_VERSION}. Update the planner to open it."
        )
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
    return data


def dumps_payload(data: Mapping[str, Any]) -> str:
    """The stored JSON text of a payload (with its schema version).

    NaN and ±inf become ``null`` (see the module docstring); anything else JSON cannot hold
    raises.

    Raises
    ------
    TypeError
        For a value of a type a scenario cannot hold (named).
    ValueError
        For a payload nested too deeply, or an integer too long to write as text.
    """
    try:
        document = {"schema_version": SCHEMA_VERSION, "data": jsonable(dict(data))}
        text = json.dumps(document, ensure_ascii=False, allow_nan=False)
    except RecursionError as exc:
        raise ValueError("the scenario is nested too deeply to be stored") from exc
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # a lone surrogate (not valid UTF-8): \uXXXX escapes keep it, SQLite stores the text
        text = json.dumps(document, ensure_ascii=True, allow_nan=False)
    return text


# --- plans and sites in a scenario ---------------------------------------------------------------


def config_to_dict(config: SeasonConfig) -> dict[str, Any]:
    """A season's rules as a JSON-compatible dict (:meth:`SeasonConfig.to_dict`)."""
    return config.to_dict()


def config_from_dict(data: Mapping[str, Any]) -> SeasonConfig:
    """Inverse of :func:`config_to_dict` (:meth:`SeasonConfig.from_dict`)."""
    return SeasonConfig.from_dict(data)


def _plain_totals(totals: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in totals.items():
        if isinstance(value, Mapping):
            out[key] = _plain_totals(value)
        else:
            out[key] = plain(value)
    return out


def plan_to_payload(plan: SeasonPlan) -> dict[str, Any]:
    """A plan as JSON-compatible scenario content: schedule, reasons, totals, diagnosis, rules.

    The reasons and the diagnosis stay structured (i18n key and parameters), so a reopened
    plan is shown in whichever language the reader uses.
    """
    return {
        "status": plan.status,
        "schedule": frame_to_json(plan.schedule),
        "unplanned": frame_to_json(plan.unplanned),
        "totals": _plain_totals(plan.totals),
        "diagnosis": [d.to_dict() for d in plan.diagnosis],
        "gaps": [g.to_dict() for g in plan.gaps],
        "config": config_to_dict(plan.config),
    }


def _to_date(value: object) -> date | None:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _diagnosis(item: Mapping[str, Any]) -> RuleDiagnosis:
    data = dict(item)
    for key in ("message", "relaxation"):  # payloads of the first version held plain text
        if isinstance(data.get(key), str):
            # shown as written: the catalogue's "text.stored" is just "{text}"
            data[key] = {"key": "text.stored", "params": {"text": data[key]}} if data[key] else None
    return RuleDiagnosis.from_dict(data)


def plan_from_payload(
    data: Mapping[str, Any],
    *,
    sites: pd.DataFrame,
    config: SeasonConfig | None = None,
) -> SeasonPlan:
    """Rebuild a :class:`~planner.season.SeasonPlan` from :func:`plan_to_payload`'s output.

    Parameters
    ----------
    data
        The stored plan.
    sites
        The sites table the plan was made on (for exports: the sites sheet, the home base).
    config
        The rules (default: the ones stored with the plan).

    Raises
    ------
    ScenarioDamagedError
        When the payload holds no rules and ``config`` is not given (a ``ValueError``).
    """
    if config is None:
        if not data.get("config"):
            raise ScenarioDamagedError("the stored plan holds no season rules; pass config")
        config = config_from_dict(data["config"])
    schedule = (
        frame_from_json(data["schedule"])
        if data.get("schedule")
        else pd.DataFrame(columns=["stop", "site_id", "name", "start", "end"])
    )
    for column in ("start", "end"):
        if column in schedule.columns:
            schedule[column] = [_to_date(v) for v in schedule[column]]
    unplanned = (
        frame_from_json(data["unplanned"])
        if data.get("unplanned")
        else pd.DataFrame(columns=["site_id", "name", "district", "reason", "reason_params"])
    )
    totals = dict(data.get("totals") or {})
    for key in ("first_day", "last_day"):
        if totals.get(key):
            totals[key] = _to_date(totals[key])
    table = pd.DataFrame(sites).copy()
    if "geometry" in table.columns:
        geo = gpd.GeoDataFrame(sites)
        if "x" not in table.columns:
            table["x"] = geo.geometry.x.to_numpy(float)
            table["y"] = geo.geometry.y.to_numpy(float)
        table = table.drop(columns=[geo.geometry.name])
    return SeasonPlan(
        status=str(data.get("status", "feasible")),
        schedule=pd.DataFrame(schedule),
        totals=totals,
        unplanned=pd.DataFrame(unplanned),
        diagnosis=[_diagnosis(d) for d in data.get("diagnosis") or []],
        config=config,
        sites=table,
        gaps=[IdleGap.from_dict(g) for g in data.get("gaps") or []],
    )


def scenario_sites(
    base: gpd.GeoDataFrame, payload: Mapping[str, Any]
) -> tuple[gpd.GeoDataFrame, list[RowError]]:
    """The sites of a scenario: the candidates with its added sites and its fact edits.

    Parameters
    ----------
    base
        The generated candidates (the region pack's ``sites`` layer).
    payload
        A scenario payload with optional ``user_sites`` (:func:`frame_to_json`) and
        ``site_edits`` (site_id → {fact: value}).

    Returns
    -------
    tuple
        ``(sites, errors of edits that no longer apply)`` (see
        :func:`planner.sites.combine_sites`).
    """
    added_json = payload.get("user_sites")
    added = frame_from_json(added_json) if added_json else None
    if added is not None and not isinstance(added, gpd.GeoDataFrame):
        raise ScenarioDamagedError("scenario: the added sites hold no geometry")
    return combine_sites(base, added=added, edits=payload.get("site_edits"))
