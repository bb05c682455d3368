"""Region pack build times and sizes (issue 18).

Baseline: today's KielRegion build from the KielRegion extracts (``build_pack(raw)``), timed in the
same run. Then the generic path from the Germany-wide files for the KielRegion, Kreis
Schleswig-Flensburg and all of Schleswig-Holstein (goal: < 60 s), optionally Bayern
(``--bayern``; goal: within the machine's memory). Each build runs in its own process so that its
peak memory (max RSS) is its own.

    .venv/bin/python benchmarks/bench_region_build.py [--bayern] [--out /tmp/packs]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from planner.settings import germany_dir, raw_dir

CASES: dict[str, str | None] = {
    "KielRegion (baseline: extracts)": None,
    "KielRegion (Germany files)": "KielRegion",
    "Schleswig-Flensburg": "01059",
    "Schleswig-Holstein": "01",
}


def _one(region: str | None, out: Path) -> dict[str, object]:
    from planner.data.build import build_pack
    from planner.data.pack import save_pack

    start = time.perf_counter()
    pack = build_pack(raw_dir(), region=region, germany=germany_dir())
    built = time.perf_counter() - start
    save_pack(pack, out)
    return {
        "build_s": round(built, 1),
        "build_and_write_s": round(time.perf_counter() - start, 1),
        "size_mb": round(out.stat().st_size / 1e6, 2),
        "municipalities": len(pack.municipalities),
        "population": pack.region_population,
        "cells": len(pack.cells),
        "sites": len(pack.sites),
        "merges": len(pack.info.merges),
        "crs": pack.crs,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bayern", action="store_true", help="also build Bayern (09)")
    parser.add_argument("--out", default="/tmp/packs", help="folder for the built packs")
    parser.add_argument("--case", default=None, help=argparse.SUPPRESS)  # child process
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.case is not None:
        region = None if args.case == "-" else args.case
        print(json.dumps(_one(region, out / f"{args.case.replace('-', 'baseline')}.gpkg")))
        return
    cases = dict(CASES)
    if args.bayern:
        cases["Bayern"] = "09"
    rows = []
    for label, region in cases.items():
        child = subprocess.run(
            [sys.executable, __file__, "--out", str(out), "--case", region or "-"],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append({"case": label, **json.loads(child.stdout.strip().splitlines()[-1])})
    base = float(rows[0]["build_s"])  # type: ignore[arg-type]
    print(
        "| case | municipalities | people | cells | sites | merges | CRS | build s | ×baseline "
        "| build+write s | pack MB | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = float(r["build_s"]) / base  # type: ignore[arg-type]
        print(
            f"| {r['case']} | {r['municipalities']} | {r['population']:,} | {r['cells']} | "
            f"{r['sites']} | {r['merges']} | {r['crs']} | {r['build_s']} | {ratio:.2f} | "
            f"{r['build_and_write_s']} | {r['size_mb']} | {r['peak_rss_mb']} |"
        )


if __name__ == "__main__":
    main()
