"""What every command shares: the error line on stderr, a checked ``--out`` file, plain help,
the ``--pack`` option."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from planner.i18n import t

__all__ = ["add_pack_argument", "error", "out_file_problem", "plain_text"]


def error(text: str) -> int:
    """Print ``error: text`` to stderr; the exit code of bad input (1)."""
    print(f"error: {text}", file=sys.stderr)
    return 1


def plain_text(doc: str) -> str:
    """A docstring for a terminal: reStructuredText roles and literals as plain text
    (``:func:`name``` → ``name``, double backquotes → single words)."""
    text = re.sub(r":[a-z]+:`~?([^`]+)`", r"\1", doc)
    return text.replace("``", "")


def out_file_problem(path: Path, lang: str) -> str | None:
    """Why ``path`` cannot take an output file, in ``lang`` (``None``: it can).

    Checked before any work is done, so a long solve is never lost to a wrong ``--out``: a
    folder at the path, a file where a folder should be, a place that cannot be written.
    """

    def problem(key: str, **params: object) -> str:
        return t("cli.out.invalid", lang, path=str(path), reason=t(key, lang, **params))

    if path.is_dir():
        return problem("cli.out.is_folder")
    existing = path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        return problem("cli.out.below_file", parent=str(existing))
    if existing != path.parent:  # folders still to be made: the nearest one must be writable
        if not os.access(existing, os.W_OK | os.X_OK):
            return problem("cli.out.not_writable", error=f"{existing}: permission denied")
        return None
    existed = path.exists()
    try:  # the real test (permissions, read-only file systems, root or not)
        with path.open("ab"):
            pass
    except OSError as exc:
        return problem("cli.out.not_writable", error=exc.strerror or type(exc).__name__)
    if not existed:
        path.unlink(missing_ok=True)
    return None


def add_pack_argument(parser: argparse.ArgumentParser) -> None:
    """The one ``--pack PATH`` option of every command that reads a region pack.

    Default ``None``: the command's own default (``[data] pack`` of a season file, else
    ``TINY_RATHAUS_PACK``, else the embedded KielRegion pack; see
    :func:`planner.settings.pack_path`).
    """
    parser.add_argument(
        "--pack",
        default=None,
        metavar="PATH",
        help="region pack (.gpkg) to use, e.g. one built with 'data build --region 01059' "
        "(default: TINY_RATHAUS_PACK or the embedded KielRegion pack)",
    )
