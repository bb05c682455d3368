"""MCLP benchmark on TSPLIB-like instances (default: San Francisco, Máximo et al. 2023).

Reads ``NODE_COORD_SECTION`` (lat lon) and ``DEMAND_SECTION`` (one integer per node); every node is
both a demand point and a candidate site. Distance: spherical law of cosines, R = 6,378,100 m;
a node is covered when a chosen site lies within ``--radius`` metres (inclusive).

Prints one JSON line per run: p, objective, published optimum, gap %, seconds, status, and with
``--with-spopt`` PySAL spopt's MCLP objective and seconds plus ``spopt_time / our_time``.

Examples
--------
    python benchmarks/bench_mclp.py --p 50 60 --time-limit 120
    python benchmarks/bench_mclp.py --p 50 --p 100 --with-spopt
    python benchmarks/bench_mclp.py path/to/other.txt --radius 800 --p 10
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

from planner.selection import MaximalCovering

EARTH_RADIUS_M = 6_378_100.0
REPO_ROOT = Path(__file__).resolve().parent.parent

#: Published optima (Máximo, Cordeau & Nascimento 2023, ITOR) by instance name and p.
PUBLISHED: dict[str, dict[int, int]] = {
    "SanFrancisco": {
        50: 617_592,
        60: 683_139,
        70: 733_772,
        80: 769_781,
        90: 791_562,
        100: 802_307,
    }
}


def default_instance() -> Path:
    """``../shared/benchmarks/mclp/SanFrancisco.txt``, or under ``$TINY_RATHAUS_SHARED``."""
    shared = os.environ.get("TINY_RATHAUS_SHARED")
    base = Path(shared) if shared else REPO_ROOT.parent / "shared"
    return base / "benchmarks" / "mclp" / "SanFrancisco.txt"


def read_instance(path: Path) -> tuple[str, np.ndarray, np.ndarray]:
    """Name, ``(n, 2)`` lat/lon degrees and integer demand of a TSPLIB-like MCLP file."""
    name = path.stem
    coords: list[tuple[float, float]] = []
    demand: list[float] = []
    section = ""
    dimension = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line == "EOF":
            continue
        header = re.match(r"^([A-Z_]+)\s*:\s*(.*)$", line)
        if header:
            key, value = header.groups()
            if key == "NAME":
                name = value.strip()
            elif key == "DIMENSION":
                dimension = int(value)
            continue
        if line.endswith("_SECTION"):
            section = line
            continue
        parts = line.split()
        if section == "NODE_COORD_SECTION":
            # "lat lon" or "id lat lon"
            lat, lon = (parts[-2], parts[-1])
            coords.append((float(lat), float(lon)))
        elif section == "DEMAND_SECTION":
            demand.append(float(parts[-1]))
    xy = np.asarray(coords, dtype=float)
    dem = np.asarray(demand, dtype=float)
    if dimension is not None and (len(xy) != dimension or len(dem) != dimension):
        raise ValueError(
            f"{path}: DIMENSION {dimension} but {len(xy)} coordinates and {len(dem)} demands"
        )
    if len(xy) != len(dem):
        raise ValueError(f"{path}: {len(xy)} coordinates but {len(dem)} demands")
    return name, xy, dem


def distance_matrix(latlon: np.ndarray) -> np.ndarray:
    """Spherical law of cosines in metres (R = 6,378,100 m)."""
    lat = np.radians(latlon[:, 0])
    lon = np.radians(latlon[:, 1])
    cos_angle = np.sin(lat)[:, None] * np.sin(lat)[None, :] + np.cos(lat)[:, None] * np.cos(lat)[
        None, :
    ] * np.cos(lon[:, None] - lon[None, :])
    return EARTH_RADIUS_M * np.arccos(np.clip(cos_angle, -1.0, 1.0))


def run_spopt(
    dist: np.ndarray, demand: np.ndarray, radius: float, p: int, time_limit: float | None
) -> tuple[float | None, float, str]:
    """spopt 0.7 MCLP with PuLP's CBC: (covered demand recomputed here, seconds, status).

    The covered demand is ``None`` when CBC stopped at its time limit without any set.
    """
    import pulp
    from spopt.locate import MCLP

    start = time.perf_counter()
    model = MCLP.from_cost_matrix(dist, demand, service_radius=radius, p_facilities=p)
    try:
        model = model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit), results=False)
    except RuntimeError:  # spopt raises when CBC stops without any set (San Francisco, p = 80)
        seconds = time.perf_counter() - start
        return None, seconds, f"no set: {pulp.LpStatus[model.problem.status]}"
    seconds = time.perf_counter() - start
    chosen = np.array([(v.value() or 0.0) > 0.5 for v in model.fac_vars])
    covered = (dist[:, chosen] <= radius).any(axis=1)
    return float(demand[covered].sum()), seconds, pulp.LpStatus[model.problem.status]


def run_spopt_guarded(
    path: Path, radius: float, p: int, time_limit: float | None, wall_limit: float
) -> dict[str, object]:
    """Run spopt in a child process group, killed after ``wall_limit`` seconds.

    CBC's own ``-sec`` limit is only checked during branching; on San Francisco it can spend far
    longer in the root node, so the wall limit is what bounds the run.
    """
    import signal
    import subprocess

    cmd = [sys.executable, str(Path(__file__).resolve()), str(path), "--radius", str(radius)]
    cmd += ["--p", str(p), "--spopt-worker"]
    if time_limit is not None:
        cmd += ["--spopt-time-limit", str(time_limit)]
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=wall_limit)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return {
            "spopt_objective": None,
            "spopt_status": f"no result within {wall_limit:g} s (killed)",
            "spopt_seconds": round(time.perf_counter() - start, 2),
        }
    return worker_row(out, err, proc.returncode, time.perf_counter() - start)


def worker_row(out: str, err: str, returncode: int, seconds: float) -> dict[str, object]:
    """The spopt columns of a row from a worker's output.

    A worker that printed no result is reported with its exit code and last error line instead
    of stopping the benchmark (and losing the rows still to come).
    """
    lines = out.strip().splitlines()
    if returncode != 0 or not lines:
        last = next((line for line in reversed(err.strip().splitlines()) if line.strip()), "")
        return {
            "spopt_objective": None,
            "spopt_status": f"worker failed (exit {returncode}): {last.strip()}",
            "spopt_seconds": round(seconds, 2),
        }
    row = json.loads(lines[-1])
    return {
        "spopt_objective": row["objective"],
        "spopt_status": row["status"],
        "spopt_seconds": row["seconds"],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; one JSON line per p."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", nargs="?", type=Path, default=None)
    parser.add_argument(
        "--p",
        type=int,
        nargs="+",
        action="extend",
        help="number of sites (repeatable or a list); default 50 60 70 80 90 100",
    )
    parser.add_argument("--radius", type=float, default=600.0, help="coverage radius in metres")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--seed", type=int, default=0, help="seed of the heuristics")
    parser.add_argument("--with-spopt", action="store_true", help="also solve with spopt's MCLP")
    parser.add_argument(
        "--spopt-time-limit", type=float, default=None, help="CBC time limit for spopt (seconds)"
    )
    parser.add_argument(
        "--spopt-wall-limit",
        type=float,
        default=1800.0,
        help="kill spopt (model build + CBC) after this many seconds",
    )
    parser.add_argument("--spopt-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    path = args.instance or default_instance()
    ps = args.p or [50, 60, 70, 80, 90, 100]
    name, latlon, demand = read_instance(path)
    dist = distance_matrix(latlon)
    published = PUBLISHED.get(name, {})
    if args.spopt_worker:
        objective, seconds, status = run_spopt(
            dist, demand, args.radius, ps[0], args.spopt_time_limit
        )
        print(json.dumps({"objective": objective, "seconds": round(seconds, 2), "status": status}))
        return 0
    for p in ps:
        model = MaximalCovering.from_cost_matrix(
            dist, demand, service_radius=args.radius, p_facilities=p
        )
        result = model.solve(time_limit=args.time_limit, seed=args.seed)
        best = published.get(p) if args.radius == 600.0 else None
        row: dict[str, object] = {
            "instance": name,
            "p": p,
            "radius_m": args.radius,
            "seed": args.seed,
            "objective": result.objective,
            "published_optimum": best,
            "gap_to_published_pct": (
                round(100 * (best - result.objective) / best, 4) if best else None
            ),
            "status": result.status,
            "bound": result.bound,
            "proven_gap_pct": round(100 * result.gap, 4),
            "seconds": round(result.solve_seconds, 2),
            "stats": {
                k: (round(v, 2) if isinstance(v, float) else v) for k, v in result.stats.items()
            },
        }
        if args.with_spopt:
            row.update(
                run_spopt_guarded(
                    path, args.radius, p, args.spopt_time_limit, args.spopt_wall_limit
                )
            )
            spopt_s = float(row["spopt_seconds"])  # type: ignore[arg-type]
            row["spopt_over_ours"] = round(spopt_s / max(result.solve_seconds, 1e-9), 2)
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
