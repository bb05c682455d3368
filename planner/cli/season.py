"""``season plan``: plan a season from a TOML file and write its exports."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from planner.cli.common import add_pack_argument
from planner.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from planner.season.config import load_season_config
from planner.season.plan import SeasonPlan
from planner.season.run import run_season_plan
from planner.season.settings import ConfigError

__all__ = ["register_season_cli"]

#: Columns of the schedule printed after a plan.
PRINTED_COLUMNS = [
    "stop",
    "name",
    "municipality",
    "district",
    "group",
    "start",
    "end",
    "tow_minutes",
    "score",
    "people_local",
    "local_new",
    "population_new",
]


def _cmd_season_plan(args: argparse.Namespace) -> int:
    """``season plan``: exit 0 with a plan, 1 for bad input or rules that cannot hold (named)
    and for no plan within the time limit (said so); argparse exits 2 on a wrong command line.
    """
    started = time.perf_counter()
    lang = str(args.lang)
    try:
        season_file = load_season_config(args.config)
        plan = run_season_plan(season_file, out_dir=Path(args.out), lang=lang, pack=args.pack)
    except ConfigError as exc:
        print(f"error: {exc.message(lang)}", file=sys.stderr)
        return 1
    except (ValueError, KeyError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not plan.feasible:
        print(f"error: {plan.status_text(lang)}", file=sys.stderr)
        print(plan.explain(lang), file=sys.stderr)
        return 1
    _print_plan(plan, lang, seconds=time.perf_counter() - started)
    print(f"pack: {plan.totals.get('pack', '')} ({plan.totals.get('region', '')})")
    print(f"exports: {args.out}")
    return 0


def _print_plan(plan: SeasonPlan, lang: str, *, seconds: float) -> None:
    """The explanation, the status, the schedule, the Ämter and city areas visited and the
    totals as one JSON line."""
    print(plan.explain(lang))
    print(plan.status_text(lang))
    print(plan.schedule[PRINTED_COLUMNS].round(1).to_string(index=False))
    if plan.totals.get("groups_total"):
        visited, total = plan.totals.get("groups_visited") or 0, plan.totals["groups_total"]
        print(t("cli.season.groups_visited", lang, visited=int(visited), total=int(total)))
    summary = {
        k: (v if isinstance(v, int | float | str | dict) or v is None else str(v))
        for k, v in plan.totals.items()
    }
    summary["seconds_total"] = round(seconds, 1)
    print(json.dumps(summary, default=str, ensure_ascii=False))


def register_season_cli(subparsers: Any) -> None:
    """Add ``season plan --config FILE --out DIR [--pack PATH] [--lang de|en]`` to an argparse
    group.

    Parameters
    ----------
    subparsers
        The object returned by ``ArgumentParser.add_subparsers``.
    """
    season = subparsers.add_parser("season", help="plan the tour's season")
    cmds = season.add_subparsers(dest="command", required=True)
    plan = cmds.add_parser("plan", help="plan a season from a TOML config and write exports")
    plan.add_argument("--config", required=True, help="season config (.toml)")
    plan.add_argument(
        "--out", required=True, help="folder for CSV, Excel, iCalendar, GeoJSON, GeoPackage"
    )
    plan.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=DEFAULT_LANGUAGE,
        help="language of messages and exported texts (default: de)",
    )
    add_pack_argument(plan)
    plan.set_defaults(func=_cmd_season_plan)
