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

Modules
-------
``store``
    :class:`ScenarioStore`: revisions in SQLite, read-only reads, atomic saves, seasons marked
    as run.
``payload``
    The payload's schema version and migrations, :func:`dumps_payload`, rules, plans and the
    sites of a scenario.
``frames``
    JSON-safe values and tables (:func:`frame_to_json`, :func:`frame_from_json`).
``errors``
    :class:`ScenarioError` and its kinds (not found, conflict, version, damaged, store file).
"""

from __future__ import annotations

from planner.scenarios.errors import (
    ScenarioConflict,
    ScenarioDamagedError,
    ScenarioError,
    ScenarioNameError,
    ScenarioNotFound,
    ScenarioStoreError,
    ScenarioVersionError,
)
from planner.scenarios.frames import frame_from_json, frame_to_json
from planner.scenarios.payload import (
    MIGRATIONS,
    SCHEMA_VERSION,
    config_from_dict,
    config_to_dict,
    dumps_payload,
    plan_from_payload,
    plan_to_payload,
    scenario_sites,
)
from planner.scenarios.store import STORE_VERSION, Scenario, ScenarioInfo, ScenarioStore

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STORE_VERSION",
    "Scenario",
    "ScenarioConflict",
    "ScenarioDamagedError",
    "ScenarioError",
    "ScenarioInfo",
    "ScenarioNameError",
    "ScenarioNotFound",
    "ScenarioStore",
    "ScenarioStoreError",
    "ScenarioVersionError",
    "config_from_dict",
    "config_to_dict",
    "dumps_payload",
    "frame_from_json",
    "frame_to_json",
    "plan_from_payload",
    "plan_to_payload",
    "scenario_sites",
]
