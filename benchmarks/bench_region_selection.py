"""Region instance: all candidate sites × all populated Zensus cells of the pack, p = 12.

MCLP at thresholds 15 and 30 min, and p-median (population-weighted travel minutes), each without
rules and with the 2023 district quotas (four stops each in Kiel, Plön and Rendsburg-Eckernförde).
Prints one JSON line per run: sizes, objective, bound, gap, status, seconds; for MCLP the covered
share recomputed by ``planner.coverage``, for p-median the average minutes to the nearest stop.

    python benchmarks/bench_region_selection.py [--time-limit 120] [--threshold 15 30]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from planner.coverage import compute_coverage, site_cell_minutes
from planner.pack import load_pack
from planner.selection import MaximalCovering, PMedian, SelectionRules

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
    sites = pack.sites
    t0 = time.perf_counter()
    minutes = site_cell_minutes(sites, pack.cells)  # (sites, cells)
    matrix_s = time.perf_counter() - t0
    populated = pack.cells["population"].to_numpy(float) > 0
    cells = pack.cells[populated]
    site_info = {
        f"site_{key}": sites[column].astype(str).tolist()
        for key, column in (
            ("ids", "site_id"),
            ("names", "name"),
            ("districts", "district"),
            ("area_classes", "area_class"),
        )
    }
    rule_sets = (("none", None), ("quotas-2023", SelectionRules(district_quotas=QUOTAS_2023)))
    for threshold in args.threshold:
        for label, rules in rule_sets:
            model = MaximalCovering.from_cost_matrix(
                minutes[:, populated].T,
                cells["population"].to_numpy(float),
                service_radius=threshold,
                p_facilities=args.p,
                **site_info,
                rules=rules,
            )
            result = model.solve(time_limit=args.time_limit)
            report = compute_coverage(pack, result.chosen, threshold_min=threshold, minutes=minutes)
            print(
                json.dumps(
                    {
                        "instance": "kielregion",
                        "model": "mclp",
                        "rules": label,
                        "p": args.p,
                        "threshold_min": threshold,
                        "sites": len(sites),
                        "populated_cells": int(populated.sum()),
                        "matrix_seconds": round(matrix_s, 2),
                        "objective": result.objective,
                        "bound": result.bound,
                        "gap_pct": round(100 * result.gap, 4),
                        "status": result.status,
                        "seconds": round(result.solve_seconds, 2),
                        "covered_share": round(report.summary.share, 4),
                        "rural_share_covered": round(
                            float(
                                report.summary.by_area_class.set_index("area_class").loc[
                                    "rural", "share"
                                ]
                            ),
                            4,
                        ),
                        "chosen": result.chosen,
                        "stats": _rounded(result.stats),
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )
    weights = cells["population"].to_numpy(float)
    for label, rules in rule_sets:
        median = PMedian.from_cost_matrix(
            minutes[:, populated].T,
            weights,
            p_facilities=args.p,
            **site_info,
            rules=rules,
        )
        result = median.solve(time_limit=args.time_limit)
        print(
            json.dumps(
                {
                    "instance": "kielregion",
                    "model": "p-median",
                    "rules": label,
                    "p": args.p,
                    "objective_person_minutes": round(result.objective, 1),
                    "average_minutes": round(result.objective / weights.sum(), 3),
                    "bound": round(result.bound, 1),
                    "gap_pct": round(100 * result.gap, 4),
                    "status": result.status,
                    "seconds": round(result.solve_seconds, 2),
                    "chosen": result.chosen,
                    "stats": _rounded(result.stats),
                },
                ensure_ascii=False,
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
