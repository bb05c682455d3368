"""Scenarios: edited sites, weights, rules and plans, saved and reopened by name.

Scenarios live in one SQLite file (``settings.database_path()``, overridable with
``TINY_RATHAUS_DB`` or the ``path`` argument). Every save is one transaction that appends a new
revision and moves the scenario's head to it, so

* a crash or a killed app never leaves half a scenario (SQLite commits atomically; the database
  runs in WAL mode),
* two browser tabs saving at the same moment are serialised by SQLite's write lock
  (``BEGIN IMMEDIATE`` with a busy timeout) and neither save is lost: both are kept as revisions,
  and a caller that passes ``expected_revision`` learns about the other save
  (:class:`ScenarioConflict`) instead of silently overwriting it.

The payload is JSON with a schema version (:data:`SCHEMA_VERSION`). Tables travel through
:func:`frame_to_json` / :func:`frame_from_json`, which keep column types, dates and geometry
(as WKT in EPSG:25832) intact. JSON has no NaN or infinity: NaN, ``+inf`` and ``-inf`` (Python or
numpy floats, anywhere in the payload) are stored as ``null`` and come back as ``None`` (in a float
column of a stored table: as NaN). A site fact of "unknown" (``space_m2 = NaN``) therefore
round-trips as unknown; an infinite value is not kept as infinite (no setting of the planner uses
one).

A damaged, read-only or missing store never stops the app: opening a :class:`ScenarioStore`
touches no file, reading opens the file read-only (``mode=ro``; nothing is created, WAL is not
switched on) and a missing file reads as empty, and the schema is created on the first write.
Every problem with the file itself (not a database, malformed, read-only, a folder at the path,
no permission) is raised as :class:`ScenarioStoreError`, which names the path and the reason.
"""

from __future__ import annotations

import builtins
import dataclasses
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.errors import StoreError
from planner.season import Booking, RuleDiagnosis, SeasonConfig, SeasonPlan
from planner.settings import METRIC_CRS, database_path
from planner.sites import RowError, combine_sites

#: Version of the payload layout; bump it and add a migration when the layout changes.
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scenarios (
    name TEXT PRIMARY KEY,
    head INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scenario_revisions (
    name TEXT NOT NULL,
    revision INTEGER NOT NULL,
    schema_version INTEGER NOT NULL,
    saved_at TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (name, revision)
);
"""

#: Migrations from an older schema version to the next one (payload dict → payload dict).
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


class ScenarioError(StoreError):
    """Base class of scenario problems."""


class ScenarioNotFound(ScenarioError, KeyError):
    """No scenario (or revision) of that name."""


class ScenarioConflict(ScenarioError):
    """Someone else saved the scenario since it was opened (``expected_revision`` is stale)."""

    def __init__(self, name: str, *, expected: int | None, actual: int) -> None:
        super().__init__(
            f"scenario {name!r} was saved elsewhere meanwhile (revision {actual}, "
            f"expected {expected})"
        )
        self.name = name
        self.expected = expected
        self.actual = actual


class ScenarioVersionError(ScenarioError):
    """The payload was written by a newer version of the planner."""


class ScenarioStoreError(ScenarioError):
    """The store file cannot be read or written (damaged, read-only, a folder, no permission).

    Attributes
    ----------
    path
        The store file.
    action
        ``"read"`` or ``"write"``.
    reason
        What went wrong (SQLite's or the operating system's message).
    """

    def __init__(self, path: Path, *, action: Literal["read", "write"], reason: str) -> None:
        verb = "read" if action == "read" else "written"
        super().__init__(f"scenario store {path} cannot be {verb}: {reason}")
        self.path = path
        self.action = action
        self.reason = reason


@dataclass(frozen=True)
class Scenario:
    """One saved revision of a scenario.

    Attributes
    ----------
    name
        The scenario's name (unique).
    revision
        1 for the first save, +1 for every later save.
    saved_at
        ISO timestamp (UTC) of this revision.
    data
        The payload (JSON-compatible dict), migrated to :data:`SCHEMA_VERSION`.
    """

    name: str
    revision: int
    saved_at: str
    data: dict[str, Any]


@dataclass(frozen=True)
class ScenarioInfo:
    """A line of the scenario list."""

    name: str
    revision: int
    created_at: str
    updated_at: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ScenarioStore:
    """Scenarios in a SQLite file.

    Creating a store touches no file: reads open the file read-only (a missing file reads as an
    empty store), and the folder, the file, WAL mode and the tables are created by the first
    write. So a read-only store can still be listed and opened, and a damaged one is reported
    (:class:`ScenarioStoreError`) when it is used, not when the app starts.

    Parameters
    ----------
    path
        The database file; default :func:`planner.settings.database_path`.
    timeout_s
        How long a save waits for another writer before giving up.
    """

    def __init__(self, path: Path | None = None, *, timeout_s: float = 15.0) -> None:
        self.path = Path(path) if path is not None else database_path()
        self.timeout_s = timeout_s
        self._schema_ready = False

    @contextmanager
    def _guard(self, action: Literal["read", "write"]) -> Iterator[None]:
        """Turn SQLite's and the file system's errors into :class:`ScenarioStoreError`."""
        try:
            yield
        except sqlite3.Error as exc:
            reason = str(exc)
            if action == "write" and "readonly" in reason:
                reason = f"the file is read-only ({reason})"
            raise ScenarioStoreError(self.path, action=action, reason=reason) from exc
        except OSError as exc:
            raise ScenarioStoreError(
                self.path, action=action, reason=exc.strerror or str(exc)
            ) from exc

    def _check_path(self, action: Literal["read", "write"]) -> None:
        if self.path.is_dir():
            raise ScenarioStoreError(
                self.path, action=action, reason="the path is a folder, not a file"
            )

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection | None]:
        """A read-only connection, or ``None`` when there is no store file yet."""
        self._check_path("read")
        if not self.path.exists():
            yield None
            return
        with self._guard("read"):
            # mode=ro: reading never creates the file or its tables, nor switches WAL on, so a
            # read-only store stays readable.
            con = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro",
                uri=True,
                timeout=self.timeout_s,
                isolation_level=None,
            )
            try:
                con.execute(f"PRAGMA busy_timeout={int(self.timeout_s * 1000)}")
                tables = {
                    str(row[0])
                    for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                }
                yield con if {"scenarios", "scenario_revisions"} <= tables else None
            finally:
                con.close()

    @contextmanager
    def _writer(self) -> Iterator[sqlite3.Connection]:
        """A read-write connection; creates the folder, the file and the schema when needed."""
        self._check_path("write")
        with self._guard("write"):
            if self.path.exists() and not os.access(self.path, os.W_OK):
                # SQLite would open it and only fail at the first write, after the work was done
                raise ScenarioStoreError(self.path, action="write", reason="the file is read-only")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=self.timeout_s, isolation_level=None)
            try:
                con.execute(f"PRAGMA busy_timeout={int(self.timeout_s * 1000)}")
                con.execute("PRAGMA synchronous=FULL")
                if not self._schema_ready:
                    con.execute("PRAGMA journal_mode=WAL")
                    con.executescript(_SCHEMA)
                    self._schema_ready = True
                yield con
            finally:
                con.close()

    def check(self) -> None:
        """Read the scenario list once: :class:`ScenarioStoreError` if the file is unusable."""
        self.list()

    def save(
        self,
        name: str,
        data: Mapping[str, Any],
        *,
        expected_revision: int | None = None,
    ) -> Scenario:
        """Save ``data`` as the next revision of ``name`` (one atomic transaction).

        Parameters
        ----------
        name
            Scenario name (leading/trailing blanks are removed; must not be empty).
        data
            JSON-compatible payload; see :func:`frame_to_json` for tables.
        expected_revision
            The revision the caller opened (``0`` for "must be new"). When the stored head
            differs, nothing is written and :class:`ScenarioConflict` is raised. ``None`` saves
            regardless; the previous revision is still kept.

        Returns
        -------
        Scenario
            The revision just written.
        """
        name = name.strip()
        if not name:
            raise ValueError("a scenario needs a name")
        if any(0xD800 <= ord(c) <= 0xDFFF for c in name):
            raise ValueError(f"scenario name {name!r} holds a lone surrogate (not valid text)")
        payload = dumps_payload(data)
        now = _now()
        with self._writer() as con, self._guard("write"):
            con.execute("BEGIN IMMEDIATE")
            try:
                row = con.execute("SELECT head FROM scenarios WHERE name = ?", (name,)).fetchone()
                head = int(row[0]) if row else 0
                if expected_revision is not None and expected_revision != head:
                    raise ScenarioConflict(name, expected=expected_revision, actual=head)
                revision = head + 1
                con.execute(
                    "INSERT INTO scenario_revisions (name, revision, schema_version, saved_at, "
                    "payload) VALUES (?, ?, ?, ?, ?)",
                    (name, revision, SCHEMA_VERSION, now, payload),
                )
                if row:
                    con.execute(
                        "UPDATE scenarios SET head = ?, updated_at = ? WHERE name = ?",
                        (revision, now, name),
                    )
                else:
                    con.execute(
                        "INSERT INTO scenarios (name, head, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?)",
                        (name, revision, now, now),
                    )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return Scenario(
            name=name, revision=revision, saved_at=now, data=json.loads(payload)["data"]
        )

    def load(self, name: str, *, revision: int | None = None) -> Scenario:
        """Open the newest (or a given) revision of ``name``.

        Raises
        ------
        ScenarioNotFound
            No such scenario or revision.
        ScenarioVersionError
            Written by a newer planner (schema version above :data:`SCHEMA_VERSION`).
        """
        with self._reader() as con, self._guard("read"):
            if con is None:
                raise ScenarioNotFound(name)
            if revision is None:
                row = con.execute(
                    "SELECT r.revision, r.saved_at, r.schema_version, r.payload "
                    "FROM scenarios s JOIN scenario_revisions r "
                    "ON r.name = s.name AND r.revision = s.head WHERE s.name = ?",
                    (name,),
                ).fetchone()
            else:
                row = con.execute(
                    "SELECT revision, saved_at, schema_version, payload FROM scenario_revisions "
                    "WHERE name = ? AND revision = ?",
                    (name, revision),
                ).fetchone()
        if row is None:
            raise ScenarioNotFound(name)
        rev, saved_at, version, payload = row
        try:
            stored = json.loads(payload)["data"]
        except (ValueError, TypeError, KeyError) as exc:
            raise ScenarioError(
                f"scenario {name!r} revision {rev} in {self.path} is damaged: {exc}"
            ) from exc
        data = _migrate(int(version), stored)
        return Scenario(name=name, revision=int(rev), saved_at=str(saved_at), data=data)

    def list(self) -> list[ScenarioInfo]:
        """All scenarios, most recently saved first."""
        with self._reader() as con, self._guard("read"):
            if con is None:
                return []
            rows = con.execute(
                "SELECT name, head, created_at, updated_at FROM scenarios "
                "ORDER BY updated_at DESC, name"
            ).fetchall()
        return [ScenarioInfo(str(n), int(h), str(c), str(u)) for n, h, c, u in rows]

    def names(self) -> builtins.list[str]:
        """Names of all scenarios, most recently saved first."""
        return [info.name for info in self.list()]

    def revisions(self, name: str) -> builtins.list[tuple[int, str]]:
        """``(revision, saved_at)`` of every kept revision of ``name``, oldest first."""
        with self._reader() as con, self._guard("read"):
            if con is None:
                return []
            rows = con.execute(
                "SELECT revision, saved_at FROM scenario_revisions WHERE name = ? "
                "ORDER BY revision",
                (name,),
            ).fetchall()
        return [(int(r), str(s)) for r, s in rows]

    def delete(self, name: str) -> bool:
        """Delete a scenario with all its revisions; ``False`` if there was none."""
        with self._writer() as con, self._guard("write"):
            con.execute("BEGIN IMMEDIATE")
            try:
                cur = con.execute("DELETE FROM scenarios WHERE name = ?", (name,))
                con.execute("DELETE FROM scenario_revisions WHERE name = ?", (name,))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return cur.rowcount > 0


def _migrate(version: int, data: dict[str, Any]) -> dict[str, Any]:
    if version > SCHEMA_VERSION:
        raise ScenarioVersionError(
            f"scenario was saved with schema version {version}; this planner reads up to "
            f"{SCHEMA_VERSION}. Update the planner to open it."
        )
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
    return data


def _jsonable(value: object) -> object:
    """``value`` with every part JSON can hold as it is: NaN and ±inf become ``None``, numpy
    scalars and arrays Python values, dates ISO strings, tuples and sets lists."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, Mapping):
        return {_jsonable_key(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return [_jsonable(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value)]
    if value is pd.NaT or value is pd.NA:
        return None
    return _jsonable(_json_default(value))


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
        document = {"schema_version": SCHEMA_VERSION, "data": _jsonable(dict(data))}
        text = json.dumps(document, ensure_ascii=False, allow_nan=False)
    except RecursionError as exc:
        raise ValueError("the scenario is nested too deeply to be stored") from exc
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # a lone surrogate (not valid UTF-8): \uXXXX escapes keep it, SQLite stores the text
        text = json.dumps(document, ensure_ascii=True, allow_nan=False)
    return text


# --- tables --------------------------------------------------------------------------------------


def frame_to_json(frame: pd.DataFrame) -> dict[str, Any]:
    """A DataFrame or GeoDataFrame as a JSON-compatible dict (types, dates, geometry kept).

    Geometry is stored as WKT in EPSG:25832 (the frame is reprojected if needed); NaN becomes
    ``null``; datetime columns are stored as ISO strings and restored as datetimes.
    """
    table = pd.DataFrame(frame).copy()
    geometry: list[str | None] | None = None
    if isinstance(frame, gpd.GeoDataFrame):
        geo = frame.to_crs(METRIC_CRS) if frame.crs and str(frame.crs) != METRIC_CRS else frame
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
            values = [_plain(v) for v in series.tolist()]
        columns[str(column)] = values
    return {
        "columns": columns,
        "dtypes": dtypes,
        "order": [str(c) for c in table.columns],
        "geometry": geometry,
        "index": [_plain(v) for v in table.index.tolist()],
    }


def _plain(value: object) -> object:
    if isinstance(value, datetime | date | pd.Timestamp) and not pd.isna(value):
        return value.isoformat()
    if isinstance(value, np.generic):
        return _plain(value.item())
    try:
        return _jsonable(value)
    except TypeError:
        return value  # left for json.dumps to name


def frame_from_json(data: Mapping[str, Any]) -> pd.DataFrame:
    """Inverse of :func:`frame_to_json` (a GeoDataFrame in EPSG:25832 where geometry was stored)."""
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
            table, geometry=gpd.GeoSeries(geoms, index=table.index), crs=METRIC_CRS
        )
    return table


# --- plans and sites in a scenario ---------------------------------------------------------------


def config_to_dict(config: SeasonConfig) -> dict[str, Any]:
    """A season's rules as a JSON-compatible dict (see :func:`config_from_dict`)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        if f.name == "blackout_dates":
            value = [[d.isoformat(), str(r)] for d, r in sorted(value.items())]
        elif f.name == "bookings":
            value = [
                {
                    "site_id": b.site_id,
                    "start": b.start.isoformat(),
                    "end": None if b.end is None else b.end.isoformat(),
                    "locked": b.locked,
                }
                for b in value
            ]
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Mapping):
            value = dict(value)
        out[f.name] = value
    return out


def config_from_dict(data: Mapping[str, Any]) -> SeasonConfig:
    """Inverse of :func:`config_to_dict` (unknown keys are ignored)."""
    names = {f.name for f in dataclasses.fields(SeasonConfig)}
    kwargs: dict[str, Any] = {k: v for k, v in data.items() if k in names}
    kwargs["start"] = date.fromisoformat(str(data["start"])[:10])
    kwargs["end"] = date.fromisoformat(str(data["end"])[:10])
    kwargs["blackout_dates"] = {
        date.fromisoformat(d): str(r) for d, r in data.get("blackout_dates") or []
    }
    kwargs["bookings"] = tuple(
        Booking(
            site_id=str(b["site_id"]),
            start=date.fromisoformat(str(b["start"])[:10]),
            end=None if b.get("end") is None else date.fromisoformat(str(b["end"])[:10]),
            locked=bool(b.get("locked", False)),
        )
        for b in data.get("bookings") or []
    )
    for key in ("operating_weekdays", "must_include", "exclude"):
        if key in kwargs:
            kwargs[key] = tuple(kwargs[key])
    return SeasonConfig(**kwargs)


def _plain_totals(totals: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in totals.items():
        if isinstance(value, Mapping):
            out[key] = _plain_totals(value)
        else:
            out[key] = _plain(value)
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
            data[key] = {"key": data[key], "params": {}} if data[key] else None
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
    ValueError
        When the payload holds no rules and ``config`` is not given.
    """
    if config is None:
        if not data.get("config"):
            raise ValueError("the stored plan holds no season rules; pass config")
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
        raise ValueError("scenario: the added sites hold no geometry")
    return combine_sites(base, added=added, edits=payload.get("site_edits"))
