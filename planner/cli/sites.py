"""``sites check`` and ``sites select``: validate planner sites, or choose the best ones.

The defaults of ``sites select`` are those of :class:`planner.selection.region.SelectionRequest`
(each default lives once, in the request).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, get_args

from planner.cli.common import add_pack_argument, error, out_file_problem
from planner.data import pack as region_pack
from planner.export import table_csv_bytes, table_csv_text
from planner.i18n import LANGUAGES, t
from planner.selection import InfeasibleRulesError, SelectionRequestError, SelectionRules
from planner.selection import region as region_selection
from planner.selection.region import Emphasis, ModelKind, SelectionRequest
from planner.settings import pack_path
from planner.sites import load_site_file

__all__ = ["register_sites_cli"]


def _sites_check(args: argparse.Namespace) -> int:
    """``sites check``: valid rows to stdout, errors to stderr; exit 1 on any error."""
    try:
        pack = region_pack.load_pack(args.pack)
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        return error(f"region pack {args.pack or pack_path()}: {exc}")
    result = load_site_file(
        Path(args.file),
        municipalities=pack.municipalities,
        existing_ids=set(pack.sites["site_id"]),
        lang=args.lang,
    )
    for message in result.messages(args.lang):
        print(message, file=sys.stderr)
    columns = ["site_id", "name", "municipality", "district", "area_class", "power"]
    print(table_csv_text(result.sites[columns], lang=args.lang), end="")
    if result.errors:
        return 1
    if result.sites.empty:  # a header-only or empty file is not a site list
        return error(t("cli.check.no_rows", args.lang, file=str(args.file)))
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


def _request(args: argparse.Namespace, spacing_km: float) -> SelectionRequest:
    """The selection request of the command line (raises SelectionRequestError)."""
    return SelectionRequest(
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


def _sites_select(args: argparse.Namespace) -> int:
    """``sites select``: exit 0 with a selection, 1 for bad input, rules that cannot hold
    (named) or no selection within the time limit."""
    lang = args.lang
    spacing_km = args.min_spacing_km
    if not (math.isfinite(spacing_km) and 0.0 <= spacing_km <= 1000.0):
        # -3 or nan used to be dropped silently (no spacing rule at all)
        return error(t("cli.spacing.invalid", lang, value=spacing_km))
    out = Path(args.out) if args.out else None
    if out is not None and (out_problem := out_file_problem(out, lang)):
        return error(out_problem)  # before solving: a wrong --out never costs a solve
    try:
        pack = region_pack.load_pack(args.pack)
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        return error(f"region pack {args.pack or pack_path()}: {exc}")
    try:
        request = _request(args, spacing_km)
        selection = region_selection.select_sites(pack, request)
    except InfeasibleRulesError as exc:
        for problem in exc.problems:
            print(f"error: {problem.rule_text(lang)}: {problem.text(lang)}", file=sys.stderr)
        return 1
    except SelectionRequestError as exc:
        return error(exc.message(lang))
    except ValueError as exc:
        return error(str(exc))
    if not selection.found:
        # nothing to show, and not a proof either: say so and fail (exit 0 would read as a result)
        print(selection.status_text(lang), file=sys.stderr)
        return error(t("cli.select.none", lang, limit=request.time_limit))
    if out is not None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(table_csv_bytes(selection.table(lang), lang=lang))
        except OSError as exc:
            reason = t("cli.out.not_writable", lang, error=str(exc))
            return error(t("cli.out.invalid", lang, path=str(out), reason=reason))
    if args.json:
        print(json.dumps(selection.summary(), ensure_ascii=False))
        return 0
    print(selection.status_text(lang))
    print(t("cli.select.reached", lang, reached=selection.reached, share=100 * selection.share))
    print(t("cli.select.travel_model", lang, model=selection.travel_model))
    columns = ["site_id", "name", "municipality", "district", "area_class", "reached"]
    print(table_csv_text(selection.chosen[columns], lang=lang), end="")
    return 0


def register_sites_cli(groups: Any) -> None:
    """Add ``sites check`` and ``sites select`` to the command groups of the main parser."""
    sites = groups.add_parser("sites", help="candidate sites")
    sites_cmds = sites.add_subparsers(dest="command", required=True)
    check = sites_cmds.add_parser(
        "check", help="validate a CSV/GeoJSON of sites: valid rows to stdout, errors to stderr"
    )
    check.add_argument("file")
    check.add_argument("--lang", choices=LANGUAGES, default="de")
    add_pack_argument(check)
    check.set_defaults(func=_sites_check)
    select = sites_cmds.add_parser(
        "select",
        help="choose p sites that reach the most people (MCLP) or make trips shortest (p-median)",
    )
    _add_select_arguments(select)
    select.set_defaults(func=_sites_select)


def _add_select_arguments(select: argparse.ArgumentParser) -> None:
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
        help="sites in a district of the pack, N or MIN-MAX (repeatable), e.g. --quota Plön=4",
    )
    select.add_argument(
        "--min-urban",
        type=int,
        default=default.rules.min_urban,
        help="at least this many urban sites",
    )
    select.add_argument(
        "--min-rural",
        type=int,
        default=default.rules.min_rural,
        help="at least this many rural sites",
    )
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
    add_pack_argument(select)
    select.add_argument("--lang", choices=LANGUAGES, default="de")
    select.add_argument("--json", action="store_true", help="print the summary as one JSON line")
    select.add_argument(
        "--out", default=None, help="CSV of every candidate: chosen, people reached, reason"
    )
