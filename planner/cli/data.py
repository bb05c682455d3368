"""``data build`` and ``data info``: rebuild the region pack, or say what it holds."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from planner.cli.common import add_pack_argument, error
from planner.settings import germany_dir, pack_path, raw_dir

__all__ = ["info_text", "register_data_cli"]


def _data_build(args: argparse.Namespace) -> int:
    """``data build``: exit 0 with the pack written, 1 when the raw data cannot be read."""
    from planner.data.build import BuildError, build, merge_report
    from planner.data.raw import RawDataError
    from planner.data.regions import RegionError
    from planner.data.register import RegisterFormatError

    try:
        pack = build(Path(args.raw), Path(args.out), region=args.region, germany=Path(args.germany))
    except (BuildError, RawDataError, RegionError, RegisterFormatError, OSError) as exc:
        return error(str(exc))
    size = Path(args.out).stat().st_size
    print(f"wrote {args.out} ({size / 1e6:.1f} MB)")
    print(json.dumps(pack.summary(), ensure_ascii=False, indent=2))
    for line in merge_report(pack.info.merges):
        print("merge:", line)
    for note in pack.info.notes:
        print("note:", note)
    return 0


def _data_info(args: argparse.Namespace) -> int:
    """``data info``: the pack's counts, totals, sources and travel-time model."""
    from planner.data.pack import load_pack
    from planner.traveltime import default_model, local_models

    path = Path(args.pack) if args.pack else pack_path()
    try:
        pack = load_pack(path)
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        # a missing, truncated or foreign file: name it instead of a traceback
        return error(f"region pack {path}: {exc}")
    info = {
        "pack": str(path),
        "size_mb": round(path.stat().st_size / 1e6, 2),
        **pack.summary(),
        "travel_time_model": default_model().describe(),
        "local_models": {mode: m.describe() for mode, m in local_models()._asdict().items()},
        "sources": pack.metadata[["source", "vintage", "licence", "attribution"]].to_dict(
            "records"
        ),
        "built_at": str(pack.metadata["built_at"].iloc[0]),
    }
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
    else:
        print(info_text(info))
    return 0


def info_text(info: Mapping[str, Any]) -> str:
    """``data info`` as readable lines: ``key: value``, tables indented below their key and
    each source on one line (``source (vintage, licence): attribution``)."""
    lines = []
    for key, value in info.items():
        if key == "sources":
            lines.append(f"{key}:")
            lines.extend(
                f"  {s['source']} ({s['vintage']}, {s['licence']}): {s['attribution']}"
                for s in value
            )
        elif isinstance(value, Mapping):
            lines.append(f"{key}:")
            lines.extend(f"  {k}: {_number(v)}" for k, v in value.items())
        else:
            lines.append(f"{key}: {_number(value)}")
    return "\n".join(lines)


def _number(value: object) -> str:
    """Whole numbers with thousands separators (660,107), everything else as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def register_data_cli(groups: Any) -> None:
    """Add ``data build`` and ``data info`` to the command groups of the main parser."""
    data = groups.add_parser("data", help="build or inspect the region pack")
    data_cmds = data.add_subparsers(dest="command", required=True)
    build = data_cmds.add_parser("build", help="rebuild the region pack from the raw files")
    build.add_argument("--raw", default=str(raw_dir()), help="folder with the raw open data")
    build.add_argument("--out", default=str(pack_path()), help="where to write the pack")
    build.add_argument(
        "--region",
        default=None,
        help="district keys (01059), a Land (01), names or a preset (KielRegion); "
        "default: the KielRegion pack from --raw",
    )
    build.add_argument(
        "--germany", default=str(germany_dir()), help="folder with the Germany-wide files"
    )
    build.set_defaults(func=_data_build)
    info = data_cmds.add_parser("info", help="counts, totals, sources and the travel-time model")
    add_pack_argument(info)
    info.add_argument("--json", action="store_true", help="print the summary as JSON")
    info.set_defaults(func=_data_info)
