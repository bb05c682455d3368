"""Tests of the OPTW core (benchmarks/optw.py) on small instances with brute-force optima."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from benchmarks.optw import OrienteeringTW, euclidean_truncated, read_toptw


def _random_instance(seed: int, n: int = 8) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 20, size=(n, 2))
    xy[0] = [10, 10]
    scores = rng.integers(1, 10, size=n).astype(float)
    scores[0] = 0
    service = rng.integers(0, 4, size=n).astype(float)
    service[0] = 0
    o = rng.integers(0, 30, size=n).astype(float)
    c = o + rng.integers(5, 40, size=n)
    o[0], c[0] = 0, 60
    return {"xy": xy, "scores": scores, "service": service, "tw_open": o, "tw_close": c}


def _feasible(m: OrienteeringTW, route: tuple[int, ...]) -> bool:
    return m.schedule(list(route)) is not None


def _brute_force(m: OrienteeringTW) -> float:
    nodes = [i for i in range(m.n) if i != m.depot]
    best = 0.0
    for k in range(1, len(nodes) + 1):
        for perm in itertools.permutations(nodes, k):
            sc = float(sum(m.scores[i] for i in perm))
            if sc > best and _feasible(m, perm):
                best = sc
    return best


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_brute_force_optimum(seed: int) -> None:
    inst = _random_instance(seed)
    m = OrienteeringTW.from_coordinates(inst.pop("xy"), **inst)  # type: ignore[arg-type]
    res = m.solve(time_limit=2.0)
    assert res.score == pytest.approx(_brute_force(m))
    assert res.status in ("optimal", "feasible")


def test_routes_respect_windows_service_and_budget() -> None:
    inst = _random_instance(5, n=10)
    xy = inst.pop("xy")
    m = OrienteeringTW.from_coordinates(xy, **inst)  # type: ignore[arg-type]
    res = m.solve(time_limit=1.5)
    d = euclidean_truncated(xy)
    for route, starts, end in zip(res.routes, res.start_times, res.route_end_times, strict=True):
        t, prev = 0.0, 0
        for node, s in zip(route, starts, strict=True):
            assert s >= t + d[prev, node] - 1e-9
            assert inst["tw_open"][node] - 1e-9 <= s <= inst["tw_close"][node] + 1e-9
            t = s + inst["service"][node]
            prev = node
        assert end == pytest.approx(t + d[prev, 0])
        assert end <= inst["tw_close"][0] + 1e-9
    assert res.score == pytest.approx(sum(inst["scores"][i] for i in res.visited))


def test_hand_solved_line_instance() -> None:
    # depot at 0; nodes at 1, 2 (score 1 each) and at distance 5 (score 5); budget 12:
    # going to the far node and back costs 10, leaving no time for both near nodes on a
    # detour? 0->1->2->far(5 from 0, sqrt(4+25)=5.3 from 2) ->0 = 1+1+5.3+5 = 12.3 > 12.
    xy = np.array([[0, 0], [1, 0], [2, 0], [0, 5]])
    m = OrienteeringTW.from_coordinates(xy, scores=[0, 1, 1, 5], tw_close=[12, 12, 12, 12])
    res = m.solve(time_limit=1.0)
    assert res.score == 6.0  # far node + one near node (0->1->3->0 = 1 + 5.0 + 5 = 11.0)
    assert 3 in res.visited


def test_two_vehicles_visit_more_and_stay_disjoint() -> None:
    inst = _random_instance(3, n=10)
    xy = inst.pop("xy")
    one = OrienteeringTW.from_coordinates(xy, **inst).solve(time_limit=1.0)  # type: ignore[arg-type]
    m2 = OrienteeringTW.from_coordinates(xy, n_vehicles=2, **inst)  # type: ignore[arg-type]
    two = m2.solve(time_limit=1.5)
    assert len(two.routes) == 2
    assert len(set(two.visited)) == len(two.visited)
    assert two.score >= one.score
    assert all(m2.schedule(r) is not None for r in two.routes)


def test_mandatory_and_max_arc_time() -> None:
    xy = np.array([[0, 0], [1, 0], [2, 0], [10, 0], [11, 0]])
    m = OrienteeringTW.from_coordinates(
        xy, scores=[0, 1, 1, 1, 9], tw_close=[100] * 5, mandatory=[1], max_arc_time=3.0
    )
    res = m.solve(time_limit=1.0)
    assert 1 in res.visited
    d = euclidean_truncated(xy)
    for r in res.routes:
        for a, b in itertools.pairwise(r):
            assert d[a, b] <= 3.0


def test_mandatory_impossible_reports_no_solution() -> None:
    xy = np.array([[0, 0], [50, 0]])
    m = OrienteeringTW.from_coordinates(xy, scores=[0, 1], tw_close=[10, 10], mandatory=[1])
    res = m.solve(time_limit=1.0)
    assert res.status == "no_solution"


def test_truncation_to_one_decimal() -> None:
    d = euclidean_truncated(np.array([[0, 0], [1, 1], [3, 4]]))
    assert d[0, 1] == pytest.approx(1.4)  # sqrt(2) = 1.414 -> 1.4
    assert d[0, 2] == pytest.approx(5.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"travel": np.zeros((2, 3)), "scores": [0, 1]}, "square"),
        ({"travel": np.array([[0, -1], [1, 0]]), "scores": [0, 1]}, r"travel\[0, 1\]"),
        ({"travel": np.zeros((2, 2)), "scores": [0]}, "scores must have length 2"),
        (
            {"travel": np.zeros((2, 2)), "scores": [0, 1], "tw_open": [0, 5], "tw_close": [9, 4]},
            "node 1",
        ),
        ({"travel": np.zeros((2, 2)), "scores": [0, -1]}, r"scores\[1\]"),
    ],
)
def test_bad_input_is_named(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OrienteeringTW.from_cost_matrix(**kwargs)  # type: ignore[arg-type]


def test_read_toptw(tmp_path: Path) -> None:
    f = tmp_path / "tiny.txt"
    f.write_text(
        "4 10 3 1\n0 200\n"
        "  0 0.00 0.00 0.00 0.00 0 0 0 100\n"
        "  1 3.00 4.00 2.00 10.00 1 1 1 0 50\n"
        "  2 6.00 8.00 2.00 20.00 1 1 1 10 60\n"
    )
    inst = read_toptw(f)
    assert inst.name == "tiny"
    assert inst.tw_close[0] == 100
    assert list(inst.scores) == [0, 10, 20]
    res = inst.model().solve(time_limit=1.0)
    assert res.score == 30.0
    bad = tmp_path / "bad.txt"
    bad.write_text("1 1 1 1\n0 0\n 0 0 0 0 0 0 0 0 100\n 1 x 4 2 10 1 1 1 0 50\n")
    with pytest.raises(ValueError, match="line 4"):
        read_toptw(bad)
