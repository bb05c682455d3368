"""Command-line interface: the same library the app uses, headless.

``tiny-rathaus data build --raw DIR`` rebuilds the region pack; ``tiny-rathaus data info``
summarises it; further command groups (season planning) are registered in :func:`build_parser`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from planner.settings import pack_path, raw_dir


def _data_build(args: argparse.Namespace) -> int:
    from planner.build import BuildError, build
    from planner.raw import RawDataError
    from planner.register import RegisterFormatError

    try:
        pack = build(Path(args.raw), Path(args.out))
    except (BuildError, RawDataError, RegisterFormatError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    size = Path(args.out).stat().st_size
    print(f"wrote {args.out} ({size / 1e6:.1f} MB)")
    print(json.dumps(pack.summary(), ensure_ascii=False, indent=2))
    return 0


def _data_info(args: argparse.Namespace) -> int:
    from planner.pack import load_pack
    from planner.traveltime import default_model

    path = Path(args.pack) if args.pack else pack_path()
    pack = load_pack(path)
    info = {
        "pack": str(path),
        "size_mb": round(path.stat().st_size / 1e6, 2),
        **pack.summary(),
        "travel_time_model": default_model().describe(),
        "sources": pack.metadata[["source", "vintage", "licence", "attribution"]].to_dict(
            "records"
        ),
        "built_at": str(pack.metadata["built_at"].iloc[0]),
    }
    print(json.dumps(info, ensure_ascii=False, indent=2))
    return 0


def _sites_check(args: argparse.Namespace) -> int:
    from planner.pack import load_pack
    from planner.sites import load_site_file

    pack = load_pack()
    result = load_site_file(
        Path(args.file),
        municipalities=pack.municipalities,
        existing_ids=set(pack.sites["site_id"]),
    )
    for message in result.messages(args.lang):
        print(message, file=sys.stderr)
    columns = ["site_id", "name", "municipality", "district", "area_class", "power"]
    print(result.sites[columns].to_csv(index=False), end="")
    return 1 if result.errors else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with all command groups."""
    parser = argparse.ArgumentParser(prog="tiny-rathaus", description=__doc__)
    groups = parser.add_subparsers(dest="group", required=True)

    data = groups.add_parser("data", help="build or inspect the region pack")
    data_cmds = data.add_subparsers(dest="command", required=True)
    build = data_cmds.add_parser("build", help="rebuild the region pack from the raw files")
    build.add_argument("--raw", default=str(raw_dir()), help="folder with the raw open data")
    build.add_argument("--out", default=str(pack_path()), help="where to write the pack")
    build.set_defaults(func=_data_build)
    info = data_cmds.add_parser("info", help="counts, totals, sources and the travel-time model")
    info.add_argument("--pack", default=None, help="pack to read (default: the embedded pack)")
    info.set_defaults(func=_data_info)

    sites = groups.add_parser("sites", help="candidate sites")
    sites_cmds = sites.add_subparsers(dest="command", required=True)
    check = sites_cmds.add_parser(
        "check", help="validate a CSV/GeoJSON of sites: valid rows to stdout, errors to stderr"
    )
    check.add_argument("file")
    check.add_argument("--lang", choices=["de", "en"], default="de")
    check.set_defaults(func=_sites_check)

    from planner.season_config import register_season_cli

    register_season_cli(groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tiny-rathaus`` console script and ``python -m planner``."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))
