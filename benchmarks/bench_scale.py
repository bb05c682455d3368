"""Scale benchmark (issue 18): Schleswig-Holstein and Bayern packs, sparse reach, MCLP, season.

Each step runs in its own child process, so its wall time and peak RSS (``os.wait4``) are its
own. Steps:

* ``build``: ``tiny-rathaus data build --region 01`` (Schleswig-Holstein; ``09`` Bayern with
  ``--bayern``) from ``../shared/germany`` (or ``TINY_RATHAUS_GERMANY``); pack size in MB.
* ``reach-sparse`` / ``reach-dense``: site × cell reach at 15 minutes by car
  (:func:`planner.coverage.reach_matrix`), forced sparse (KD-tree, only pairs within the radius)
  and forced dense (today's path: the full matrix through the disk cache, a cold cache in a
  temporary folder). The dense step is the baseline of the ratio; it is skipped, and said so,
  where its matrices would not fit (``--dense-max-pairs``, default 100 million pairs).
* ``mclp``: :func:`planner.selection.select_sites`, MCLP with p = 40 within 15 minutes and a quota
  range per district (``1–4`` each), 60 s limit: status, gap, seconds.
* ``season``: a 30-stop season over Schleswig-Holstein with two units (two stops per district,
  May–October, five open days per stop), through :func:`planner.season.config.parse_season_config`
  and :func:`planner.season.run.run_season_plan`, 120 s limit: status, gap, seconds.

Prints one JSON line per step and a markdown table at the end.

    python benchmarks/bench_scale.py [--reuse] [--bayern] [--cache DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
REGIONS = {"sh": ("01", "Schleswig-Holstein"), "by": ("09", "Bayern")}
THRESHOLD_MIN = 15.0


# --- steps (run in a child process) ------------------------------------------------------------


def _step_reach(pack_path: Path, *, sparse_form: bool) -> dict[str, Any]:
    import numpy as np

    from planner.coverage import cell_xy, reach_matrix
    from planner.coverage.reach import ReachScale
    from planner.data.pack import load_pack

    pack = load_pack(pack_path)
    site_xy = np.column_stack([pack.sites.geometry.x, pack.sites.geometry.y])
    cells_xy = cell_xy(pack.cells)
    scale = ReachScale("regional", minutes=THRESHOLD_MIN)
    t0 = time.perf_counter()
    reach = reach_matrix(site_xy, cells_xy, scale=scale, sparse_form=sparse_form)
    seconds = time.perf_counter() - t0
    return {
        "sites": len(site_xy),
        "cells": len(cells_xy),
        "pairs": len(site_xy) * len(cells_xy),
        "pairs_within": int(reach.nnz),
        "seconds": round(seconds, 2),
    }


def _step_mclp(pack_path: Path, *, p: int, time_limit: float) -> dict[str, Any]:
    from planner.data.pack import load_pack
    from planner.selection import SelectionRules
    from planner.selection.region import SelectionRequest, select_sites

    pack = load_pack(pack_path)
    districts = sorted(pack.sites["district"].astype(str).unique())
    rules = SelectionRules({d: (1, 4) for d in districts})
    request = SelectionRequest(
        model="mclp", p=p, threshold_min=THRESHOLD_MIN, rules=rules, time_limit=time_limit
    )
    t0 = time.perf_counter()
    selection = select_sites(pack, request)
    seconds = time.perf_counter() - t0
    result = selection.result
    return {
        "districts": len(districts),
        "p": p,
        "status": str(result.status),
        "gap_pct": None if result.gap is None else round(100 * float(result.gap), 3),
        "share_reached": round(float(selection.share), 4),
        "seconds": round(seconds, 2),
    }


def _step_season(pack_path: Path, *, stops: int, units: int, time_limit: float) -> dict[str, Any]:
    from planner.data.pack import load_pack
    from planner.season.config import parse_season_config
    from planner.season.run import run_season_plan

    pack = load_pack(pack_path)
    districts = sorted(pack.sites["district"].astype(str).unique())
    per = max(1, stops // len(districts))
    quotas = {d: per for d in districts}
    for d in districts[: stops - per * len(districts)]:
        quotas[d] += 1
    raw = {
        "season": {
            "start": "2025-05-05",
            "end": "2025-10-31",
            "stay_days": 5,
            "relocation_days": 1,
            "max_tow_minutes": 0,
            "units": units,
            "time_limit": time_limit,
            "min_rural_share": 0.0,
            "spare_time": "idle",
        },
        "quotas": quotas,
    }
    season_file = parse_season_config(raw)
    out = Path(tempfile.mkdtemp(prefix="bench_scale_season_"))
    t0 = time.perf_counter()
    plan = run_season_plan(season_file, out_dir=out, pack=pack_path)
    seconds = time.perf_counter() - t0
    totals = plan.totals
    gap = totals.get("gap")
    return {
        "stops_asked": stops,
        "units": units,
        "status": str(plan.status),
        "stops": totals.get("stops"),
        "gap_pct": None if gap is None else round(100 * float(gap), 3),
        "plan_seconds": round(float(totals.get("seconds", 0.0)), 2),
        "seconds": round(seconds, 2),
    }


def _run_step(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--step", required=True)
    ap.add_argument("--pack", type=Path, required=True)
    args, _ = ap.parse_known_args(argv)
    if args.step in ("reach-sparse", "reach-dense"):
        row = _step_reach(args.pack, sparse_form=args.step == "reach-sparse")
    elif args.step == "mclp":
        row = _step_mclp(args.pack, p=40, time_limit=60.0)
    elif args.step == "season":
        row = _step_season(args.pack, stops=30, units=2, time_limit=90.0)
    else:
        raise SystemExit(f"unknown step {args.step}")
    print("RESULT " + json.dumps(row, default=str))
    return 0


# --- orchestration ----------------------------------------------------------------------------


def _child(cmd: list[str], env: dict[str, str]) -> tuple[dict[str, Any], float, float, int]:
    """Run ``cmd``; its RESULT line, wall seconds, peak RSS in MB and exit code."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err_file:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=err_file, env=env, cwd=REPO, text=True
        )
        # read to the end before waiting, so a full pipe never blocks the child; wait4 (not
        # wait) gives this child's own rusage, its peak RSS
        out = proc.stdout.read() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)
        err_file.seek(0)
        err = err_file.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    row: dict[str, Any] = {}
    for line in out.splitlines():
        if line.startswith("RESULT "):
            row = json.loads(line[len("RESULT ") :])
    if proc.returncode != 0:
        row["error"] = (err or out).strip().splitlines()[-1:] if (err or out) else "failed"
    return row, wall, usage.ru_maxrss / 1024.0, proc.returncode


def _germany() -> Path:
    return Path(os.environ.get("TINY_RATHAUS_GERMANY", REPO.parent / "shared" / "germany"))


def main(argv: list[str] | None = None) -> int:
    """Run the scale benchmark."""
    argv = sys.argv[1:] if argv is None else argv
    if "--step" in argv:
        return _run_step(argv)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--reuse", action="store_true", help="reuse packs already in --cache")
    ap.add_argument("--bayern", action="store_true", help="also build Bayern and its reach")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "bench_scale")
    ap.add_argument("--dense-max-pairs", type=float, default=100e6)
    args = ap.parse_args(argv)
    germany = _germany()
    if not germany.is_dir():
        print(f"skipped: no Germany data at {germany}")
        return 0
    args.cache.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["TINY_RATHAUS_CACHE"] = tempfile.mkdtemp(prefix="bench_scale_cache_")  # cold caches
    me = [sys.executable, str(Path(__file__).resolve())]
    rows: list[dict[str, Any]] = []

    def record(region: str, step: str, row: dict[str, Any], wall: float, rss: float) -> None:
        rec = {"region": region, "step": step, **row, "wall_s": round(wall, 2)}
        rec["peak_rss_mb"] = round(rss, 1)
        rows.append(rec)
        print(json.dumps(rec, ensure_ascii=False, default=str), flush=True)

    for key in ["sh", "by"] if args.bayern else ["sh"]:
        code, name = REGIONS[key]
        pack = args.cache / f"{key}.gpkg"
        if not (args.reuse and pack.is_file()):
            cmd = [sys.executable, "-m", "planner", "data", "build", "--region", code]
            cmd += ["--germany", str(germany), "--out", str(pack)]
            row, wall, rss, rc = _child(cmd, env)
            row["pack_mb"] = round(pack.stat().st_size / 1e6, 1) if pack.is_file() else None
            record(name, "build", row, wall, rss)
            if rc != 0:
                continue
        else:
            record(name, "build (reused)", {"pack_mb": round(pack.stat().st_size / 1e6, 1)}, 0, 0)
        sparse_row, wall, rss, _ = _child([*me, "--step", "reach-sparse", "--pack", str(pack)], env)
        record(name, "reach sparse", sparse_row, wall, rss)
        pairs = float(sparse_row.get("pairs", 0))
        if pairs <= args.dense_max_pairs:
            dense_row, wall, rss, _ = _child(
                [*me, "--step", "reach-dense", "--pack", str(pack)], env
            )
            same = dense_row.get("pairs_within") == sparse_row.get("pairs_within")
            dense_row["same_pairs_as_sparse"] = same
            if sparse_row.get("seconds") and dense_row.get("seconds") is not None:
                dense_row["dense_over_sparse"] = round(
                    dense_row["seconds"] / max(sparse_row["seconds"], 0.01), 1
                )
            record(name, "reach dense (baseline)", dense_row, wall, rss)
        else:
            dense_gb = pairs * 8 / 1e9
            note = f"skipped: {pairs / 1e6:.0f} M pairs, {dense_gb:.1f} GB per dense array"
            record(name, "reach dense (baseline)", {"note": note}, 0, 0)
        if key == "sh":
            for step in ("mclp", "season"):
                row, wall, rss, _ = _child([*me, "--step", step, "--pack", str(pack)], env)
                record(name, step, row, wall, rss)
    print()
    print("| region | step | seconds | peak RSS MB | figures |")
    print("|---|---|---:|---:|---|")
    for r in rows:
        skip = {"region", "step", "wall_s", "peak_rss_mb", "seconds"}
        figures = ", ".join(f"{k}={v}" for k, v in r.items() if k not in skip)
        seconds = r.get("seconds", r["wall_s"])
        print(f"| {r['region']} | {r['step']} | {seconds} | {r['peak_rss_mb']} | {figures} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
