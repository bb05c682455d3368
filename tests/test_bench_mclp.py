"""The MCLP benchmark CLI: any instance file of the format, and a failed spopt worker."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest

from benchmarks import bench_mclp

M_PER_DEG_LAT = 6_378_100.0 * math.pi / 180


def _write_instance(path: Path, north_east_m: list[tuple[float, float]], demand: list[int]) -> None:
    lat0, lon0 = 54.32, 10.13
    lon_m = M_PER_DEG_LAT * math.cos(math.radians(lat0))
    lines = ["NAME : Tiny", f"DIMENSION : {len(demand)}", "NODE_COORD_SECTION"]
    for i, (north, east) in enumerate(north_east_m, start=1):
        lines.append(f"{i} {lat0 + north / M_PER_DEG_LAT:.8f} {lon0 + east / lon_m:.8f}")
    lines.append("DEMAND_SECTION")
    lines += [f"{i} {d}" for i, d in enumerate(demand, start=1)]
    lines.append("EOF")
    path.write_text("\n".join(lines) + "\n")


def test_cli_reads_an_instance_from_any_path_and_finds_the_optimum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # three clusters far apart; no two nodes lie between 500 and 700 m of each other, so
    # the distance formula's rounding cannot change who covers whom at 600 m
    points = [(0, 0), (300, 0), (1_000, 0), (5_000, 0), (5_000, 300), (0, 9_000), (0, 9_500)]
    demand = [10, 7, 9, 20, 1, 6, 8]
    path = tmp_path / "elsewhere" / "tiny.txt"
    path.parent.mkdir()
    _write_instance(path, [(float(n), float(e)) for n, e in points], demand)

    assert bench_mclp.main([str(path), "--p", "2", "--radius", "600", "--time-limit", "5"]) == 0
    row = json.loads(capsys.readouterr().out.strip().splitlines()[-1])

    xy = np.asarray(points, dtype=float)
    covers = np.linalg.norm(xy[:, None] - xy[None, :], axis=2) <= 600
    best = max(
        sum(d for i, d in enumerate(demand) if covers[i, list(pair)].any())
        for pair in itertools.combinations(range(len(points)), 2)
    )
    assert row["instance"] == "Tiny"
    assert row["p"] == 2
    assert row["objective"] == best == 21 + 17  # (0/300 m pair) and (5 km pair)
    assert row["published_optimum"] is None
    assert row["status"] == "optimal"


def test_read_instance_names_file_and_counts_when_demand_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    _write_instance(path, [(0.0, 0.0), (100.0, 0.0)], [5, 6])
    path.write_text(path.read_text().replace("2 6\n", ""))
    with pytest.raises(ValueError, match=r"broken\.txt: DIMENSION 2 but 2 coordinates and 1"):
        bench_mclp.read_instance(path)


def test_failed_spopt_worker_is_a_row_not_a_crash() -> None:
    err = "Traceback (most recent call last):\n  ...\n"
    err += "RuntimeError: Model is not solved: Not Solved.\n"
    row = bench_mclp.worker_row("", err, 1, 612.345)
    assert row == {
        "spopt_objective": None,
        "spopt_status": "worker failed (exit 1): RuntimeError: Model is not solved: Not Solved.",
        "spopt_seconds": 612.35,
    }
    done = bench_mclp.worker_row(
        '{"objective": null, "seconds": 480.1, "status": "no set: Not Solved"}\n', "", 0, 481.0
    )
    assert done == {
        "spopt_objective": None,
        "spopt_status": "no set: Not Solved",
        "spopt_seconds": 480.1,
    }
