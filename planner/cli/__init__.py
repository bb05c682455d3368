"""Command-line interface: the same library the app uses, headless.

``tiny-rathaus data build --raw DIR`` rebuilds the region pack; ``tiny-rathaus data info``
summarises it; ``tiny-rathaus sites check|select`` validates planner sites or chooses the
coverage-optimal ones; further command groups (season planning) are registered in
:func:`build_parser`.

Exit codes: 0 = a result; 1 = bad input or rules that cannot hold (named on stderr as
``error: …``); 2 = a wrong command line (argparse). Tables go through the one table writer
(:func:`planner.export.table_csv_text`), so no user text reaches a spreadsheet as a formula.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import get_args

from planner.settings import germany_dir, pack_path, raw_dir


def _error(text: str) -> int:
    """Print ``error: text`` to stderr; the exit code of bad input (1)."""
    print(f"error: {text}", file=sys.stderr)
    return 1


def _out_file_problem(path: Path, lang: str) -> str | None:
    """Why ``path`` cannot take an output file, in ``lang`` (``None``: it can).

    Checked before any work is done, so a long solve is never lost to a wrong ``--out``: a
    folder at the path, a file where a folder should be, a place that cannot be written.
    """
    from planner.i18n import t

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


def _data_build(args: argparse.Namespace) -> int:
    from planner.data.build import BuildError, build, merge_report
    from planner.data.raw import RawDataError
    from planner.data.regions import RegionError
    from planner.data.register import RegisterFormatError

    try:
        pack = build(Path(args.raw), Path(args.out), region=args.region, germany=Path(args.germany))
    except (BuildError, RawDataError, RegionError, RegisterFormatError, OSError) as exc:
        return _error(str(exc))
    size = Path(args.out).stat().st_size
    print(f"wrote {args.out} ({size / 1e6:.1f} MB)")
    print(json.dumps(pack.summary(), ensure_ascii=False, indent=2))
    for line in merge_report(pack.info.merges):
        print("merge:", line)
    for note in pack.info.notes:
        print("note:", note)
    return 0


def _data_info(args: argparse.Namespace) -> int:
    from planner.data.pack import load_pack
    from planner.traveltime import default_model

    path = Path(args.pack) if args.pack else pack_path()
    try:
        pack = load_pack(path)
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        # a missing, truncated or foreign file: name it instead of a traceback
        return _error(f"region pack {path}: {exc}")
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
    from planner.data.pack import load_pack
    from planner.export import table_csv_text
    from planner.i18n import t
    from planner.sites import load_site_file

    pack = load_pack()
    result = load_site_file(
        Path(args.file),
        municipalities=pack.municipalities,
        existing_ids=set(pack.sites["site_id"]),
        lang=args.lang,
    )
    for message in result.messages(args.lang):
        print(message, file=sys.stderr)
    columns = ["site_id", "name", "municipality", "district", "area_class", "power"]
    print(table_csv_text(result.sites[columns]), end="")
    if result.errors:
        return 1
    if result.sites.empty:  # a header-only or empty file is not a site list
        return _error(t("cli.check.no_rows", args.lang, file=str(args.file)))
    return 0


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
    from planner.data.pack import load_pack
    from planner.export import table_csv_bytes, table_csv_text
    from planner.i18n import t
    from planner.selection import InfeasibleRulesError, SelectionRequestError, SelectionRules
    from planner.selection.region import SelectionRequest, select_sites

    lang = args.lang
    spacing_km = args.min_spacing_km
    if not (math.isfinite(spacing_km) and 0.0 <= spacing_km <= 1000.0):
        # -3 or nan used to be dropped silently (no spacing rule at all)
        return _error(t("cli.spacing.invalid", lang, value=spacing_km))
    out = Path(args.out) if args.out else None
    if out is not None and (out_problem := _out_file_problem(out, lang)):
        return _error(out_problem)  # before solving: a wrong --out never costs a solve
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
                min_spacing_m=1000.0 * spacing_km if spacing_km else None,
            ),
            time_limit=args.time_limit,
            seed=args.seed,
        )
        selection = select_sites(load_pack(), request)
    except InfeasibleRulesError as exc:
        for problem in exc.problems:
            print(f"error: {problem.rule_text(lang)}: {problem.text(lang)}", file=sys.stderr)
        return 1
    except SelectionRequestError as exc:
        return _error(exc.message(lang))
    except ValueError as exc:
        return _error(str(exc))
    if not selection.found:
        # nothing to show, and not a proof either: say so and fail (exit 0 would read as a result)
        print(selection.status_text(lang), file=sys.stderr)
        return _error(t("cli.select.none", lang, limit=request.time_limit))
    if out is not None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(table_csv_bytes(selection.table(lang)))
        except OSError as exc:
            return _error(
                t(
                    "cli.out.invalid",
                    lang,
                    path=str(out),
                    reason=t("cli.out.not_writable", lang, error=str(exc)),
                )
            )
    if args.json:
        print(json.dumps(selection.summary(), ensure_ascii=False))
        return 0
    print(selection.status_text(lang))
    print(t("cli.select.reached", lang, reached=selection.reached, share=100 * selection.share))
    print(t("cli.select.travel_model", lang, model=selection.travel_model))
    columns = ["site_id", "name", "municipality", "district", "area_class", "reached"]
    print(table_csv_text(selection.chosen[columns]), end="")
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
    from planner.selection.region import Emphasis, ModelKind, SelectionRequest

    default = SelectionRequest()  # each default lives once, in the request
    select.add_argument("--model", choices=get_args(ModelKind), default=default.model)
    select.add_argument(
        "--p", type=int, default=default.p, help=f"number of sites (default {default.p})"
    )
    select.add_argument(
        "--minutes",
        type=float,
        default=default.threshold_min,
        help="car minutes that count as reached",
    )
    select.add_argument(
        "--emphasis",
        choices=get_args(Emphasis),
        default=default.emphasis,
        help="MCLP: whose coverage counts more (default: everyone alike)",
    )
    select.add_argument(
        "--emphasis-factor",
        type=float,
        default=default.emphasis_factor,
        help="how many times they count",
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
    select.add_argument(
        "--time-limit", type=float, default=default.time_limit, help="seconds for the selection"
    )
    select.add_argument("--seed", type=int, default=default.seed)
    select.add_argument("--lang", choices=["de", "en"], default="de")
    select.add_argument("--json", action="store_true", help="print the summary as one JSON line")
    select.add_argument(
        "--out", default=None, help="CSV of every candidate: chosen, people reached, reason"
    )
    select.set_defaults(func=_sites_select)

    from planner.season.config import register_season_cli

    register_season_cli(groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tiny-rathaus`` console script and ``python -m planner``."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))
