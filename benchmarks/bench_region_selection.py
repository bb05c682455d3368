"""Region instance: all candidate sites × all populated Zensus cells of the region, p = 12.

MCLP at thresholds 15 and 30 min, and p-median (population-weighted travel minutes), each without
rules and with the 2023 district quotas (four stops each in Kiel, Plön and Rendsburg-Eckernförde),
through :func:`planner.selection.region.select_sites` — the same call as the app and the CLI.
Prints one JSON line per run: sizes, objective, bound, gap, status, seconds, the share of the
population reached (recomputed from the cells) and the average minutes to the nearest stop.

    python benchmarks/bench_region_selection.py [--time-limit 120] [--threshold 15 30]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from planner.coverage import site_cell_minutes
from planner.data.pack import load_pack
from planner.selection import SelectionRules
from planner.selection.region import SelectionRequest, select_sites

QUOTAS_2023 = {"Kiel": 4, "Plön": 4, "Rendsburg-Eckernförde": 4}


def _rounded(stats: dict[str, Any]) -> dict[str, Any]:
    """Solver statistics with floats rounded to two decimals, for one JSON line."""
    return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in stats.items()}


def main(argv: list[str] | None = None) -> int:
    """Run the region benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--p", type=int, default=12)
    parser.add_argument("--threshold", type=float, nargs="+", default=[15.0, 30.0])
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args(argv)
    pack = load_pack()
    t0 = time.perf_counter()
    minutes = site_cell_minutes(pack.sites, pack.cells)  # (sites, cells)
    matrix_s = time.perf_counter() - t0
    demand = (pack.cells["population"] > 0) & pack.cells["in_region"]
    rule_sets = (("none", SelectionRules()), ("quotas-2023", SelectionRules(QUOTAS_2023)))
    runs = [("mclp", threshold) for threshold in args.threshold] + [("pmedian", 15.0)]
    for model, threshold in runs:
        for label, rules in rule_sets:
            request = SelectionRequest(
                model=model,  # type: ignore[arg-type]
                p=args.p,
                threshold_min=threshold,
                rules=rules,
                time_limit=args.time_limit,
            )
            selection = select_sites(pack, request, minutes=minutes)
            row = {
                "instance": "kielregion",
                "rules": label,
                "sites": len(pack.sites),
                "demand_cells": int(demand.sum()),
                "matrix_seconds": round(matrix_s, 2),
                **selection.summary(),
                "stats": _rounded(selection.result.stats),
            }
            print(json.dumps(row, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
