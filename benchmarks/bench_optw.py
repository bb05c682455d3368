"""Benchmark the OPTW core (benchmarks/optw.py) on TOPTW instances.

Usage::

    python benchmarks/bench_optw.py [PATH ...] [--time-limit 10] [--vehicles 1]
        [--best-known CSV] [--seed 0]

PATH is a directory of instance files (``*.txt``) or single files; default is
``../shared/benchmarks/optw/solomon_100`` relative to the repository root, or
``$TINY_RATHAUS_SHARED/benchmarks/optw/solomon_100`` when that variable is set.
Prints one JSON line per instance (name, score, best_known, gap_pct, seconds) and a final
summary line.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

from optw import read_toptw

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    env = os.environ.get("TINY_RATHAUS_SHARED")
    return Path(env) if env else REPO.parent / "shared"


def load_best_known(path: Path | None, vehicles: int) -> dict[str, tuple[float, str]]:
    if path is None or not path.exists():
        return {}
    out: dict[str, tuple[float, str]] = {}
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            if int(row.get("m", 1) or 1) != vehicles:
                continue
            out[row["instance"]] = (float(row["best_known_score"]), row.get("status", ""))
    return out


def instance_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(q for q in p.iterdir() if q.suffix == ".txt"))
        elif p.is_file():
            files.append(p)
        else:
            raise SystemExit(f"error: {p} is neither a file nor a directory")
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("paths", nargs="*", type=Path, help="instance files or directories")
    ap.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance")
    ap.add_argument("--vehicles", type=int, default=1, help="number of tours m")
    ap.add_argument("--seed", type=int, default=0, help="seed of the local search")
    ap.add_argument("--best-known", type=Path, default=None, help="CSV instance,m,best_known_score")
    args = ap.parse_args(argv)

    default_dir = shared_dir() / "benchmarks" / "optw" / "solomon_100"
    paths = args.paths or [default_dir]
    files = instance_files(paths)
    if not files:
        raise SystemExit(f"error: no instance files (*.txt) in {', '.join(map(str, paths))}")
    bk_path = args.best_known
    if bk_path is None:
        cand = [paths[0] if paths[0].is_dir() else paths[0].parent]
        cand.append(cand[0].parent)
        for c in cand:
            q = c / f"best_known_m{args.vehicles}.csv"
            if q.exists():
                bk_path = q
                break
    best_known = load_best_known(bk_path, args.vehicles)

    gaps: list[float] = []
    secs: list[float] = []
    t_all = time.perf_counter()
    for f in files:
        inst = read_toptw(f)
        t0 = time.perf_counter()
        res = inst.model(n_vehicles=args.vehicles).solve(time_limit=args.time_limit, seed=args.seed)
        dt = time.perf_counter() - t0
        bk = best_known.get(inst.name)
        gap = None if bk is None or bk[0] == 0 else round(100.0 * (bk[0] - res.score) / bk[0], 3)
        rec = {
            "name": inst.name,
            "score": res.score,
            "best_known": bk[0] if bk else None,
            "best_known_status": bk[1] if bk else None,
            "gap_pct": gap,
            "seconds": round(dt, 2),
            "status": res.status,
            "visited": len(res.visited),
            "travel": round(res.travel_time, 1),
        }
        print(json.dumps(rec), flush=True)
        if gap is not None:
            gaps.append(gap)
        secs.append(dt)
    summary = {
        "summary": True,
        "instances": len(files),
        "with_best_known": len(gaps),
        "avg_gap_pct": round(sum(gaps) / len(gaps), 3) if gaps else None,
        "max_gap_pct": round(max(gaps), 3) if gaps else None,
        "at_best_known": sum(1 for g in gaps if g <= 0),
        "avg_seconds": round(sum(secs) / len(secs), 2),
        "total_seconds": round(time.perf_counter() - t_all, 1),
        "time_limit": args.time_limit,
        "vehicles": args.vehicles,
        "cpus": os.cpu_count(),
    }
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
