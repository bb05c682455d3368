"""The text catalogue: every text in German and English, read from gettext ``.po`` files.

``locales/de.po`` and ``locales/en.po`` hold one entry per key (``msgid``: the key the code
passes, e.g. ``ui.season.status``; ``msgstr``: the text, with ``{placeholders}`` in Python format
syntax). They are read with Babel at import, without a compile step, into :data:`CATALOGUE`.

An unknown key is a programming error. In normal runs it is logged once and shown as the key, so
a person still sees which text is missing; with ``TINY_RATHAUS_STRICT_TEXTS=1`` (the tests) it
raises :class:`UnknownTextKeyError`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Final

from babel.messages.pofile import read_po

__all__ = [
    "CATALOGUE",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LOCALES_DIR",
    "STRICT_TEXTS_ENV",
    "UnknownTextKeyError",
    "load_catalogue",
    "lookup",
]

LANGUAGES: Final = ("de", "en")
DEFAULT_LANGUAGE: Final = "de"

#: Where the ``.po`` files live (shipped as package data).
LOCALES_DIR: Final = Path(__file__).with_name("locales")

#: Environment variable that turns an unknown key from a logged warning into an error.
STRICT_TEXTS_ENV: Final = "TINY_RATHAUS_STRICT_TEXTS"

_log = logging.getLogger(__name__)
_warned: set[str] = set()  # keys already logged, so a page redrawn 100 times logs once


class UnknownTextKeyError(KeyError):
    """A text key that is in no catalogue (raised only in strict mode).

    Attributes
    ----------
    key
        The key asked for.
    """

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def load_catalogue(
    directory: Path = LOCALES_DIR, *, languages: tuple[str, ...] = LANGUAGES
) -> dict[str, dict[str, str]]:
    """Every key with its text per language, read from ``<directory>/<lang>.po``.

    Parameters
    ----------
    directory
        Folder with one ``.po`` file per language.
    languages
        Languages to read; a key missing from one file has no entry for that language.

    Returns
    -------
    dict
        ``{key: {lang: text}}`` in the order of the first language's file.
    """
    catalogue: dict[str, dict[str, str]] = {}
    for lang in languages:
        with (directory / f"{lang}.po").open("rb") as fh:
            entries = read_po(fh, locale=lang, abort_invalid=True)
        for message in entries:
            if message.id:  # the header entry has an empty msgid
                catalogue.setdefault(str(message.id), {})[lang] = str(message.string)
    return catalogue


#: Read-only ``{key: {lang: text}}``: ``key in CATALOGUE`` tells whether a text exists.
CATALOGUE: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {key: MappingProxyType(texts) for key, texts in load_catalogue().items()}
)


def _strict() -> bool:
    return os.environ.get(STRICT_TEXTS_ENV, "") == "1"


def lookup(key: str, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """The template of ``key`` in ``lang`` (German when ``lang`` has none), or ``None``.

    ``None`` means the key is unknown: it has been logged (once per key), or
    :class:`UnknownTextKeyError` raised in strict mode.
    """
    entry = CATALOGUE.get(key)
    if entry is None:
        if _strict():
            raise UnknownTextKeyError(key)
        if key not in _warned:
            _warned.add(key)
            _log.warning("unknown text key %r: shown as the key", key)
        return None
    return entry.get(lang) or entry.get(DEFAULT_LANGUAGE, "")
