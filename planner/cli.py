"""Command-line interface: the same library the app uses, headless.

``tiny-rathaus data build --raw DIR`` rebuilds the region pack; ``tiny-rathaus data info``
summarises it; ``tiny-rathaus sites check|select`` validates planner sites or chooses the
coverage-optimal ones; further command groups (season planning) are registered in
:func:`build_parser`.
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


def _quota(text: str) -> tuple[str, int | tuple[int, int]]:
    """``DISTRICT=N`` or ``DISTRICT=MIN-MAX`` (the district name may itself hold hyphens)."""
    district, sep, value = text.rpartition("=")
    try:
        if not sep or not district:
            raise ValueError
        low, dash, high = value.partition("-")
        quota: int | tuple[int, int] = (int(low), int(high)) if dash else int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--quota {text!r}: expected DISTRICT=N or DISTRICT=MIN-MAX, e.g. Plön=4"
        ) from None
    return district.strip(), quota


def _sites_select(args: argparse.Namespace) -> int:
    from planner.i18n import t
    from planner.pack import load_pack
    from planner.region_selection import SelectionRequest, select_sites
    from planner.selection import InfeasibleRulesError, SelectionRules

    try:
        request = SelectionRequest(
            model=args.model,
            p=args.p,
            threshold_min=args.minutes,
            emphasis=args.emphasis,
            emphasis_factor=args.emphasis_factor,
            rules=SelectionRules(
                district_quotas=dict(args.quota),
                min_urban=args.min_urban,
                min_rural=args.min_rural,
                must=tuple(args.must),
                must_not=tuple(args.exclude),
                min_spacing_m=1000 * args.min_spacing_km if args.min_spacing_km else None,
            ),
            time_limit=args.time_limit,
            seed=args.seed,
        )
        selection = select_sites(load_pack(), request)
    except InfeasibleRulesError as exc:
        for problem in exc.problems:
            print(
                f"error: {problem.rule_text(args.lang)}: {problem.text(args.lang)}", file=sys.stderr
            )
        return 1
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        selection.table(args.lang).to_csv(out, index=False)
    if args.json:
        print(json.dumps(selection.summary(), ensure_ascii=False))
        return 0
    print(selection.status_text(args.lang))
    print(
        t("cli.select.reached", args.lang, reached=selection.reached, share=100 * selection.share)
    )
    print(t("cli.select.travel_model", args.lang, model=selection.travel_model))
    columns = ["site_id", "name", "municipality", "district", "area_class", "reached"]
    print(selection.chosen[columns].to_csv(index=False), end="")
    return 0


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
    select = sites_cmds.add_parser(
        "select",
        help="choose p sites that reach the most people (MCLP) or make trips shortest (p-median)",
    )
    select.add_argument("--model", choices=["mclp", "pmedian"], default="mclp")
    select.add_argument("--p", type=int, default=12, help="number of sites (default 12)")
    select.add_argument(
        "--minutes", type=float, default=15.0, help="car minutes that count as reached"
    )
    select.add_argument(
        "--emphasis",
        choices=["population", "rural", "age65"],
        default="population",
        help="MCLP: whose coverage counts more (default: everyone alike)",
    )
    select.add_argument(
        "--emphasis-factor", type=float, default=2.0, help="how many times they count"
    )
    select.add_argument(
        "--quota",
        type=_quota,
        action="append",
        default=[],
        metavar="DISTRICT=N",
        help="sites in a district, N or MIN-MAX (repeatable), e.g. --quota Plön=4",
    )
    select.add_argument("--min-urban", type=int, default=0, help="at least this many urban sites")
    select.add_argument("--min-rural", type=int, default=0, help="at least this many rural sites")
    select.add_argument(
        "--must", action="append", default=[], metavar="SITE_ID", help="site that must be chosen"
    )
    select.add_argument(
        "--exclude", action="append", default=[], metavar="SITE_ID", help="site not to choose"
    )
    select.add_argument(
        "--min-spacing-km", type=float, default=0.0, help="minimum distance between chosen sites"
    )
    select.add_argument("--time-limit", type=float, default=30.0, help="solver seconds")
    select.add_argument("--seed", type=int, default=0)
    select.add_argument("--lang", choices=["de", "en"], default="de")
    select.add_argument("--json", action="store_true", help="print the summary as one JSON line")
    select.add_argument(
        "--out", default=None, help="CSV of every candidate: chosen, people reached, reason"
    )
    select.set_defaults(func=_sites_select)

    from planner.season_config import register_season_cli

    register_season_cli(groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tiny-rathaus`` console script and ``python -m planner``."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))
