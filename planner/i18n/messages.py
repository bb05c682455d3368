"""Texts for people as data: a catalogue key and its parameters, turned into words by :func:`t`.

The library returns :class:`Message` objects (they survive JSON in the scenario store); the app,
the CLI and the exports call :meth:`Message.text` or :func:`t` in the UI's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.i18n.catalogue import DEFAULT_LANGUAGE, lookup
from planner.i18n.formatting import LocalNumber, format_value

__all__ = ["Message", "Value", "t"]


@dataclass(frozen=True)
class Message:
    """A text for people, kept as a catalogue key and its parameters until it is shown.

    Parameters may be numbers (formatted for the language: decimal comma in German), strings,
    or other messages (translated into the same language).
    """

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in ``lang``."""
        return t(self.key, lang, **self.params)

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form (nested messages as dicts, dates as ISO text)."""
        return {"key": self.key, "params": {k: _plain(v) for k, v in self.params.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message:
        """Inverse of :meth:`to_dict`."""

        def restore(value: object) -> object:
            if isinstance(value, Mapping) and "key" in value:
                return cls.from_dict(value)
            if isinstance(value, list):
                return [restore(v) for v in value]
            return value

        params = {k: restore(v) for k, v in dict(data.get("params") or {}).items()}
        return cls(str(data["key"]), params)


@dataclass(frozen=True)
class Value:
    """A message parameter shown with :func:`format_value` in the message's language."""

    value: object


def _plain(value: object) -> object:
    """``value`` as JSON can hold it."""
    if isinstance(value, Message):
        return value.to_dict()
    if isinstance(value, Value):
        return _plain(value.value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()  # numpy scalars
    return value


def _localise(value: object, lang: str) -> object:
    """A parameter ready for ``str.format`` in ``lang``."""
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, Value):
        return format_value(value.value, lang)
    if isinstance(value, list | tuple):  # a list of parts, joined
        return "; ".join(str(_localise(v, lang)) for v in value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) or (
        hasattr(value, "dtype") and hasattr(value, "item") and not isinstance(value, str)
    ):
        number = value.item() if hasattr(value, "item") else value
        if isinstance(number, int | float) and not isinstance(number, bool):
            return LocalNumber(number, lang)
    return value


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """Translate ``key`` into ``lang``, filling in ``params``.

    Numbers are formatted for the language (German: decimal comma, thousands dot) and nested
    :class:`Message` parameters are translated into the same language.

    An unknown key comes back as the key and is logged once; with
    ``TINY_RATHAUS_STRICT_TEXTS=1`` it raises
    :class:`~planner.i18n.catalogue.UnknownTextKeyError` (a ``KeyError``).
    """
    template = lookup(key, lang)
    if template is None:
        return key
    return template.format(**{k: _localise(v, lang) for k, v in params.items()})
