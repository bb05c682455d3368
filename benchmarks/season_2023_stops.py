"""The 2023 example season stop by stop: today's plan next to the plan of an earlier version.

Usage::

    python benchmarks/season_2023_stops.py [--config examples/season_2023.toml]
        [--old-tree DIR | --no-old] [--json]

Plans the season of the config with this checkout's planner and, for comparison, with the
planner of ``--old-tree`` (default: the commit ``HEAD`` exported with ``git archive`` into a
temporary folder, run in a subprocess with ``PYTHONPATH`` pointing there) on that tree's own
``examples/season_2023.toml``. Both plans are then
measured the same way, with this checkout's :mod:`planner.coverage.reach` on this checkout's
region pack, stop by stop in tour order: place, municipality, Amt, people within 2 km, the
share of them not within 2 km of an earlier stop, people within 15 min by car not reached by an
earlier stop, the distance to the nearest other stop in the same municipality, and the days
without a stay before the stop (calendar days between the stays, and the operating days among
them beyond the relocation days). A summary line checks the issue's two figures: stops in one
municipality at least 3 km apart, and at least half of the local people of every stop new.

With ``--schedule-json`` the script only plans and prints the schedule as JSON (the mode the old
tree runs in; it needs nothing but ``load_season_config`` and ``run_season_plan``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def schedule_json(config: Path) -> list[dict[str, Any]]:
    """Plan ``config`` with whichever ``planner`` is importable; the stops as plain dicts."""
    from planner.season.config import load_season_config, run_season_plan

    season_file = load_season_config(config)
    with tempfile.TemporaryDirectory(prefix="season_stops_") as out:
        plan = run_season_plan(season_file, out_dir=Path(out))
    cols = ["stop", "unit", "site_id", "name", "municipality", "start", "end", "x", "y"]
    rows = plan.schedule[cols].to_dict("records")
    for row in rows:
        row["start"], row["end"] = str(row["start"])[:10], str(row["end"])[:10]
    return [
        {
            **row,
            "status": plan.status,
            "seconds": float(plan.totals.get("seconds", 0.0)),
            "relocation_days": season_file.config.relocation_days,
            "season_start": str(season_file.config.start),
        }
        for row in rows
    ]


def old_schedule(tree: Path | None) -> list[dict[str, Any]]:
    """The schedule planned by the code of ``tree`` (default: ``git archive HEAD``) for the
    tree's own ``examples/season_2023.toml`` (an older parser refuses newer keys)."""
    with tempfile.TemporaryDirectory(prefix="season_old_") as tmp:
        if tree is None:
            tree = Path(tmp)
            archive = subprocess.run(
                ["git", "-C", str(REPO), "archive", "HEAD"], check=True, capture_output=True
            )
            subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
        env = {**os.environ, "PYTHONPATH": str(tree)}
        config = tree / "examples" / "season_2023.toml"
        script = str(Path(__file__).resolve())
        done = subprocess.run(
            [sys.executable, script, "--schedule-json", "--config", str(config)],
            env=env,
            cwd=tree,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"the old tree's planner failed:\n{done.stderr[-2000:]}")
    rows: list[dict[str, Any]] = json.loads(done.stdout)
    return rows


def measure(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The figures of each stop, in tour order, with this checkout's reach and pack."""
    import numpy as np

    from planner.coverage.reach import LOCAL, REGIONAL, population_base, reach_matrix
    from planner.data.pack import load_pack

    pack = load_pack()
    base = population_base(pack)
    people = pack.cells["population"].to_numpy(float)
    cells_xy = pack.cells[["x", "y"]].to_numpy(float)
    rows = sorted(rows, key=lambda r: (r["start"], r["unit"]))
    xy = np.array([[r["x"], r["y"]] for r in rows], dtype=float)
    local = reach_matrix(xy, cells_xy, scale=LOCAL).toarray() & base
    regional = reach_matrix(xy, cells_xy, scale=REGIONAL).toarray() & base
    municipalities = pack.municipalities
    amt_of = dict(zip(municipalities["name"], municipalities["amt"], strict=True))
    calendar = _calendar(rows)
    out = []
    for k, row in enumerate(rows):
        earlier_local = local[:k].any(axis=0)
        earlier_regional = regional[:k].any(axis=0)
        within = float(people[local[k]].sum())
        new_local = float(people[local[k] & ~earlier_local].sum())
        same = [
            float(np.hypot(*(xy[k] - xy[j])) / 1000.0)
            for j, other in enumerate(rows)
            if j != k and other["municipality"] == row["municipality"]
        ]
        out.append(
            {
                "stop": k + 1,
                "place": row["name"],
                "municipality": str(row["municipality"]).split(",")[0],
                "amt": amt_of.get(row["municipality"], "?"),
                "start": row["start"],
                "end": row["end"],
                "people_2km": round(within),
                "new_share_2km": new_local / within if within > 0 else 1.0,
                "new_15min_car": round(float(people[regional[k] & ~earlier_regional].sum())),
                "nearest_same_municipality_km": min(same) if same else None,
                **_idle_before(rows, k, calendar),
            }
        )
    return out


def _calendar(rows: list[dict[str, Any]]) -> Any:
    from planner.season.calendar import SeasonCalendar

    first = dt.date.fromisoformat(rows[0]["season_start"]) if rows else dt.date.today()
    last = max((dt.date.fromisoformat(r["end"]) for r in rows), default=first)
    return SeasonCalendar(start=first, end=last)


def _idle_before(rows: list[dict[str, Any]], k: int, calendar: Any) -> dict[str, int]:
    """Calendar days between the previous stay (or the season start) and stop ``k``, and the
    operating days among them beyond the relocation days."""
    start = dt.date.fromisoformat(rows[k]["start"])
    if k == 0:
        first, relocation = calendar.start, 0
    else:
        first = dt.date.fromisoformat(rows[k - 1]["end"]) + dt.timedelta(days=1)
        relocation = int(rows[k]["relocation_days"])
    days = [first + dt.timedelta(days=n) for n in range((start - first).days)]
    operating = sum(calendar.is_operating(d) for d in days)
    return {"days_between": len(days), "idle_open_days": max(0, operating - relocation)}


def _print(label: str, stops: list[dict[str, Any]], rows: list[dict[str, Any]]) -> None:
    status = rows[0]["status"] if rows else "no plan"
    seconds = rows[0]["seconds"] if rows else 0.0
    print(f"\n== {label}: {status}, {seconds:.1f} s ==")
    head = (
        f"{'#':>2} {'place':<38} {'municipality':<16} {'Amt':<26} {'dates':<23} "
        f"{'2km':>7} {'new2km':>6} {'new15car':>8} {'same-mun':>8} {'between':>7} {'idle':>4}"
    )
    print(head)
    for s in stops:
        near = s["nearest_same_municipality_km"]
        print(
            f"{s['stop']:>2} {s['place'][:38]:<38} {s['municipality'][:16]:<16} "
            f"{str(s['amt'])[:26]:<26} {s['start']}..{s['end'][5:]:<6} "
            f"{s['people_2km']:>7,} {100 * s['new_share_2km']:>5.0f}% {s['new_15min_car']:>8,} "
            f"{'' if near is None else f'{near:.1f} km':>8} {s['days_between']:>7} "
            f"{s['idle_open_days']:>4}"
        )
    spaced = all(
        s["nearest_same_municipality_km"] is None or s["nearest_same_municipality_km"] >= 3.0
        for s in stops
    )
    half_new = all(s["new_share_2km"] >= 0.5 for s in stops)
    worst = min((s["new_share_2km"] for s in stops), default=1.0)
    print(
        f"same municipality >= 3 km: {spaced}; every stop >= 50 % new within 2 km: {half_new} "
        f"(lowest {100 * worst:.0f} %); idle open days: {sum(s['idle_open_days'] for s in stops)}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--config", type=Path, default=REPO / "examples" / "season_2023.toml")
    ap.add_argument("--old-tree", type=Path, default=None, help="default: git archive HEAD")
    ap.add_argument("--no-old", action="store_true", help="only today's plan")
    ap.add_argument("--schedule-json", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    config = args.config.resolve()
    if args.schedule_json:
        print(json.dumps(schedule_json(config), default=str))
        return 0
    plans = {}
    if not args.no_old:
        plans["before (old code)"] = old_schedule(args.old_tree)
    plans["now"] = schedule_json(config)
    figures = {label: measure(rows) for label, rows in plans.items()}
    if args.json:
        print(json.dumps(figures, default=str))
        return 0
    for label, rows in plans.items():
        _print(label, figures[label], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
