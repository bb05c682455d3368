"""Benchmark the season planner on the embedded KielRegion pack.

Usage::

    python benchmarks/bench_season.py [--config examples/season_2023.toml] [--out DIR]
        [--time-limit 30]

Plans the season of the config over all candidate sites of the region pack (towing times
from planner.traveltime, coverage from the Zensus cells) and prints one JSON line with
the number of candidates, the planning time, the value, the bound and gap, and the
season totals.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

from planner.season.config import load_season_config, run_season_plan

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--config", type=Path, default=REPO / "examples" / "season_2023.toml")
    ap.add_argument("--out", type=Path, default=None, help="export folder (default: temporary)")
    ap.add_argument("--time-limit", type=float, default=None, help="override the config's")
    args = ap.parse_args(argv)
    sf = load_season_config(args.config)
    if args.time_limit:
        sf.config = dataclasses.replace(sf.config, time_limit=args.time_limit)
    out = args.out or Path(tempfile.mkdtemp(prefix="season_bench_"))
    t0 = time.perf_counter()
    plan = run_season_plan(sf, out_dir=out)
    total = time.perf_counter() - t0
    t = plan.totals
    rec = {
        "config": str(args.config),
        "status": plan.status,
        "candidates": len(plan.sites),
        "plan_seconds": round(float(t.get("seconds", 0.0)), 2),
        "total_seconds_with_matrices_and_exports": round(total, 2),
        "time_limit": sf.config.time_limit,
        "value": t.get("value"),
        "bound": t.get("bound"),
        "gap_pct": None if t.get("gap") is None else round(100 * t["gap"], 3),
        "stops": t.get("stops"),
        "stops_per_district": t.get("stops_per_district"),
        "rural_share": t.get("rural_share"),
        "population_covered": t.get("population_covered"),
        "score_sum": None if t.get("score_sum") is None else round(t["score_sum"], 1),
        "km_towed": None if t.get("km_towed") is None else round(t["km_towed"], 1),
        "tow_minutes": None if t.get("tow_minutes") is None else round(t["tow_minutes"], 1),
        "first_day": str(t.get("first_day")),
        "last_day": str(t.get("last_day")),
        "out": str(out),
    }
    if not plan.feasible:
        rec["diagnosis"] = [d.text("en") for d in plan.diagnosis]
    print(json.dumps(rec, ensure_ascii=False, default=str))
    if plan.feasible:
        cols = ["stop", "name", "municipality", "district", "start", "end", "tow_minutes"]
        print(plan.schedule[cols].to_string(index=False), file=sys.stderr)
    return 0 if plan.feasible else 1


if __name__ == "__main__":
    sys.exit(main())
