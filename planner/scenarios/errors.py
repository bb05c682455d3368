"""Errors of the scenario store: each names the scenario or the store file and the reason."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from planner.errors import InputError, StoreError

__all__ = [
    "ScenarioConflict",
    "ScenarioDamagedError",
    "ScenarioError",
    "ScenarioNameError",
    "ScenarioNotFound",
    "ScenarioStoreError",
    "ScenarioVersionError",
]


class ScenarioError(StoreError):
    """Base class of scenario problems."""


class ScenarioNotFound(ScenarioError, KeyError):
    """No scenario (or revision) of that name."""


class ScenarioConflict(ScenarioError):
    """Someone else saved the scenario since it was opened (``expected_revision`` is stale).

    Attributes
    ----------
    name
        The scenario.
    expected
        The revision the caller opened (``0``: it expected no scenario of that name).
    actual
        The stored head revision.
    saved_at
        When the head revision was saved (ISO timestamp, UTC), when known.
    """

    def __init__(
        self, name: str, *, expected: int | None, actual: int, saved_at: str | None = None
    ) -> None:
        super().__init__(
            f"scenario {name!r} was saved elsewhere meanwhile (revision {actual}, "
            f"expected {expected})"
        )
        self.name = name
        self.expected = expected
        self.actual = actual
        self.saved_at = saved_at


class ScenarioVersionError(ScenarioError):
    """The payload was written by a newer version of the planner."""


class ScenarioDamagedError(ScenarioError, ValueError):
    """A stored scenario is not readable as one: its JSON, its added sites or its plan's rules.

    Also a ``ValueError``, as the checks of a payload's content always were.
    """


class ScenarioNameError(InputError):
    """A scenario name cannot be used (empty, or not valid text)."""


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
