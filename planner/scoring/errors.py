"""Errors of scoring: each names the criterion, the site or the option that cannot be used."""

from __future__ import annotations

from planner.errors import InputError

__all__ = ["ScoringOptionError", "UnknownCriterionError", "UnknownSiteError", "WeightsError"]


class UnknownCriterionError(InputError, KeyError):
    """A weight names a criterion that does not exist (a ``KeyError`` too, as before)."""


class WeightsError(InputError):
    """The weights cannot rank: negative, not finite, or none positive."""


class UnknownSiteError(InputError, KeyError):
    """A site id is not among the scored candidates (or not unique among them)."""


class ScoringOptionError(InputError):
    """An option of a scoring call is out of its range (method, change, sites compared)."""
