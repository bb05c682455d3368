"""The scenario store: every save a new revision in one SQLite file, reopened by name.

Scenarios live in one SQLite file (``settings.database_path()``, overridable with
``TINY_RATHAUS_DB`` or the ``path`` argument). Every save is one transaction that appends a new
revision and moves the scenario's head to it, so

* a crash or a killed app never leaves half a scenario (SQLite commits atomically; the database
  runs in WAL mode),
* two browser tabs saving at the same moment are serialised by SQLite's write lock
  (``BEGIN IMMEDIATE`` with a busy timeout) and neither save is lost: both are kept as revisions,
  and a caller that passes ``expected_revision`` learns about the other save
  (:class:`ScenarioConflict`) instead of silently overwriting it.

A damaged, read-only or missing store never stops the app: opening a :class:`ScenarioStore`
touches no file, reading opens the file read-only (``mode=ro``; nothing is created, WAL is not
switched on) and a missing file reads as empty, and the schema is created on the first write.
Every problem with the file itself (not a database, malformed, read-only, a folder at the path,
no permission) is raised as :class:`ScenarioStoreError`, which names the path and the reason.

**Seasons that were run.** A scenario can be marked as run for a season year
(:meth:`ScenarioStore.mark_run`): the mark keeps the year and the revision that was run (a later
save does not change what was run), and :mod:`planner.history` reads these seasons as visits. The
marks live in a table of their own (``scenario_runs``), added by the first write to a store file of
an earlier layout (store version 1: no marks); reading such a file shows no marks and changes
nothing. ``PRAGMA user_version`` holds the store layout (:data:`STORE_VERSION`).
"""

from __future__ import annotations

import builtins
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from planner.scenarios.errors import (
    ScenarioConflict,
    ScenarioDamagedError,
    ScenarioNameError,
    ScenarioNotFound,
    ScenarioStoreError,
)
from planner.scenarios.payload import SCHEMA_VERSION, dumps_payload, migrate
from planner.settings import database_path

__all__ = ["STORE_VERSION", "Scenario", "ScenarioInfo", "ScenarioStore"]

#: Layout of the store file (``PRAGMA user_version``): 1 = scenarios and revisions (files written
#: before the layout was numbered read as 0 and are treated as 1), 2 = with ``scenario_runs``.
STORE_VERSION = 2

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
CREATE TABLE IF NOT EXISTS scenario_runs (
    name TEXT PRIMARY KEY,
    season INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    marked_at TEXT NOT NULL
);
"""


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
    """A line of the scenario list.

    ``run_year`` is the season year the scenario was marked as run in (``None``: not run) and
    ``run_revision`` the revision that was run.
    """

    name: str
    revision: int
    created_at: str
    updated_at: str
    run_year: int | None = None
    run_revision: int | None = None


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
                    # CREATE … IF NOT EXISTS: a file of an earlier layout gains the missing
                    # tables (its data untouched); then the layout number is raised
                    con.executescript(_SCHEMA)
                    version = int(con.execute("PRAGMA user_version").fetchone()[0])
                    if version < STORE_VERSION:
                        con.execute(f"PRAGMA user_version={STORE_VERSION}")
                    self._schema_ready = True
                yield con
            finally:
                con.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error)."""
        with self._writer() as con, self._guard("write"):
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

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
            raise ScenarioNameError("a scenario needs a name")
        if any(0xD800 <= ord(c) <= 0xDFFF for c in name):
            raise ScenarioNameError(
                f"scenario name {name!r} holds a lone surrogate (not valid text)"
            )
        payload = dumps_payload(data)
        now = _now()
        with self._transaction() as con:
            row = con.execute(
                "SELECT head, updated_at FROM scenarios WHERE name = ?", (name,)
            ).fetchone()
            head = int(row[0]) if row else 0
            if expected_revision is not None and expected_revision != head:
                raise ScenarioConflict(
                    name,
                    expected=expected_revision,
                    actual=head,
                    saved_at=str(row[1]) if row else None,
                )
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
            raise ScenarioDamagedError(
                f"scenario {name!r} revision {rev} in {self.path} is damaged: {exc}"
            ) from exc
        data = migrate(int(version), stored)
        return Scenario(name=name, revision=int(rev), saved_at=str(saved_at), data=data)

    def list(self) -> list[ScenarioInfo]:
        """All scenarios, most recently saved first."""
        with self._reader() as con, self._guard("read"):
            if con is None:
                return []
            has_runs = con.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'scenario_runs'"
            ).fetchone()
            if has_runs:
                rows = con.execute(
                    "SELECT s.name, s.head, s.created_at, s.updated_at, r.season, r.revision "
                    "FROM scenarios s LEFT JOIN scenario_runs r ON r.name = s.name "
                    "ORDER BY s.updated_at DESC, s.name"
                ).fetchall()
            else:  # a store of the first layout: no scenario marked as run yet
                rows = con.execute(
                    "SELECT name, head, created_at, updated_at, NULL, NULL FROM scenarios "
                    "ORDER BY updated_at DESC, name"
                ).fetchall()
        return [
            ScenarioInfo(
                str(n),
                int(h),
                str(c),
                str(u),
                run_year=None if y is None else int(y),
                run_revision=None if r is None else int(r),
            )
            for n, h, c, u, y, r in rows
        ]

    def runs(self) -> builtins.list[ScenarioInfo]:
        """The scenarios marked as run, oldest season first."""
        marked = [info for info in self.list() if info.run_year is not None]
        return sorted(marked, key=lambda info: (info.run_year or 0, info.name))

    def mark_run(self, name: str, year: int, *, revision: int | None = None) -> ScenarioInfo:
        """Mark scenario ``name`` as run in the season ``year`` (again: the mark is replaced).

        Parameters
        ----------
        name
            A saved scenario.
        year
            The season year it was run in (1900–2999).
        revision
            The revision that was run (default: the scenario's newest).

        Raises
        ------
        ScenarioNotFound
            No such scenario (or revision).
        ValueError
            A year outside 1900–2999.
        """
        year = int(year)
        if not 1900 <= year <= 2999:
            raise ValueError(f"season year {year} lies outside 1900–2999")
        now = _now()
        with self._transaction() as con:
            row = con.execute("SELECT head FROM scenarios WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise ScenarioNotFound(name)
            run = int(row[0]) if revision is None else int(revision)
            kept = con.execute(
                "SELECT 1 FROM scenario_revisions WHERE name = ? AND revision = ?",
                (name, run),
            ).fetchone()
            if kept is None:
                raise ScenarioNotFound(name)
            con.execute(
                "INSERT OR REPLACE INTO scenario_runs (name, season, revision, marked_at) "
                "VALUES (?, ?, ?, ?)",
                (name, year, run, now),
            )
        return next(info for info in self.list() if info.name == name)

    def unmark_run(self, name: str) -> bool:
        """Take the "run" mark off ``name``; ``False`` if it had none."""
        with self._writer() as con, self._guard("write"):
            cur = con.execute("DELETE FROM scenario_runs WHERE name = ?", (name,))
        return cur.rowcount > 0

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

    def free_name(self, name: str) -> str:
        """``name`` if no scenario has it, else the first free ``"name (2)"``, ``"name (3)"`` …
        (to save a copy instead of overwriting someone else's save)."""
        taken = set(self.names())
        base = name.strip()
        if base not in taken:
            return base
        number = 2
        while f"{base} ({number})" in taken:
            number += 1
        return f"{base} ({number})"

    def delete(self, name: str) -> bool:
        """Delete a scenario with all its revisions; ``False`` if there was none."""
        with self._transaction() as con:
            cur = con.execute("DELETE FROM scenarios WHERE name = ?", (name,))
            con.execute("DELETE FROM scenario_revisions WHERE name = ?", (name,))
            con.execute("DELETE FROM scenario_runs WHERE name = ?", (name,))
        return cur.rowcount > 0
