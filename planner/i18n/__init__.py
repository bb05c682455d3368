"""Every text the planner shows to a person, in German (default) and English.

The library returns structured messages (a key and parameters); the app, the CLI and the exports
turn them into text with :func:`t`. The texts live in gettext catalogues, ``locales/de.po`` and
``locales/en.po`` (msgid: the key), read with Babel at import; numbers and dates are written in
the language's notation with Babel.

Modules: :mod:`~planner.i18n.catalogue` (reading the ``.po`` files, lookup, unknown keys),
:mod:`~planner.i18n.messages` (:class:`Message`, :class:`Value`, :func:`t`),
:mod:`~planner.i18n.formatting` (numbers, percentages, values, dates). A leaf: it imports no
other part of the planner.
"""

from planner.i18n.catalogue import (
    CATALOGUE,
    DEFAULT_LANGUAGE,
    LANGUAGES,
    STRICT_TEXTS_ENV,
    UnknownTextKeyError,
)
from planner.i18n.formatting import (
    format_date,
    format_number,
    format_percent,
    format_value,
)
from planner.i18n.messages import Message, Value, t

__all__ = [
    "CATALOGUE",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "STRICT_TEXTS_ENV",
    "Message",
    "UnknownTextKeyError",
    "Value",
    "format_date",
    "format_number",
    "format_percent",
    "format_value",
    "t",
]
