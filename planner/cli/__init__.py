"""Command-line interface: the same library the app uses, headless.

``tiny-rathaus data build --raw DIR`` rebuilds the region pack; ``tiny-rathaus data info``
summarises it; ``tiny-rathaus sites check|select`` validates planner sites or chooses the
coverage-optimal ones; ``tiny-rathaus season plan`` plans a season from a TOML file.

Exit codes: 0 = a result; 1 = bad input or rules that cannot hold (named on stderr as
``error: …``); 2 = a wrong command line (argparse). Tables go through the one table writer
(:func:`planner.export.table_csv_text`), so no user text reaches a spreadsheet as a formula.
"""

# Each command group lives in its module (data, sites, season) and registers itself here.

from __future__ import annotations

import argparse
from collections.abc import Sequence

from planner.cli.common import plain_text
from planner.cli.data import register_data_cli
from planner.cli.season import register_season_cli
from planner.cli.sites import register_sites_cli

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with all command groups."""
    parser = argparse.ArgumentParser(
        prog="tiny-rathaus",
        description=plain_text(__doc__ or ""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    groups = parser.add_subparsers(dest="group", required=True)
    register_data_cli(groups)
    register_sites_cli(groups)
    register_season_cli(groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tiny-rathaus`` console script and ``python -m planner``."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))
