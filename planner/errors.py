"""One hierarchy for every error the planner raises on purpose.

Callers catch what they can act on:

* :class:`InputError` — a value a person gave (a form field, a config key, an uploaded row, a
  command-line option) is not usable. It names the field and the value; :meth:`message` says it
  in the UI's language.
* :class:`RulesError` — the rules a planner set cannot all hold (proven), naming the rules.
* :class:`DataError` — the region data (raw files, register, pack) is missing or not as expected.
* :class:`StoreError` — the scenario store cannot be read or written.

All derive from :class:`PlannerError`; input and data errors are also ``ValueError`` (and store
errors ``OSError``-like failures are wrapped), so code written against the built-in types keeps
working.
"""

from __future__ import annotations

__all__ = ["DataError", "InputError", "PlannerError", "RulesError", "StoreError"]


class PlannerError(Exception):
    """Base of every error the planner raises on purpose."""

    def message(self, lang: str = "de") -> str:
        """The error for people, in ``lang`` (subclasses with catalogue texts override this)."""
        del lang
        return str(self)


class InputError(PlannerError, ValueError):
    """A value a person gave cannot be used; names the field and the value."""


class RulesError(PlannerError, ValueError):
    """The rules cannot all hold (proven); names the rules."""


class DataError(PlannerError, ValueError):
    """Region data is missing, damaged or not as expected; names the file or the figure."""


class StoreError(PlannerError):
    """The scenario store cannot be read or written; names the file and the reason."""
